"""Check a reader's answer: "correct", or the name of the slip it makes.

Every check (:data:`CHECKS`, one per answer ID) holds the book's answer, the
other conventions that are also right (e.g. counting only convs, pools and
upsamples as outputs), and the slip variants. The variants are computed by the
tested counting code with its switches (:data:`solutions.answers.counting.SLIPS`,
up to three at once), not typed in; each is checked against a torch module
built with the same mistake in ``tests/test_checker.py``.

A reader's text is parsed by :mod:`solutions.answers.expression` (a whitelist
within a budget of size, nesting and degree; nothing is evaluated). Two
expressions are equal when their difference, brought over one denominator and
cancelled, is zero (so a rational function equal to a polynomial is equal to
it) and they agree at random points (for floors, which sympy does not always
simplify, the points decide). An answer that has no value at one of those
points (a division by zero there) is refused, with the point. An order
``O(…)`` is read as its argument: nested orders collapse (``O(O(n))`` is
``O(n)``), a positive constant is ``O(1)``, and an argument that is not
positive for large n (``O(-n)``, ``O(log(n - n))``) is refused. The algebra of
one check runs under a wall-clock limit (:data:`ALGEBRA_SECONDS`, in the main
thread); past it the check is refused in one line, never left hanging.

>>> v = check("csc413-1c-weights", "72*NF^2 + 9*NF*NC + 9*NC^2 + 9*NF")
>>> v.correct, v.exit_status
(True, 0)
>>> v = check("csc413-1c-parameters", "72*NF^2 + 9*NF*NC + 9*NC^2 + 9*NF")
>>> v.slips
('conv biases left out', 'BatchNorm γ, β left out')
"""

from __future__ import annotations

import contextlib
import random
import re
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache

import sympy

from solutions.answers import counting
from solutions.answers.conv_shapes import conv_output_size
from solutions.answers.expression import BigO, ExpressionError, parse, parse_tuple
from solutions.answers.validation import boolean, instance, positive_int, sequence, text

POINTS = 12  # random points per comparison, beside the defaults
_RNG_SEED = 413
ALGEBRA_SECONDS = 5.0  # wall-clock limit of one check's algebra (its input is bounded too)


@dataclass(frozen=True)
class Variant:
    """A value an answer may have: the book's, another convention's, or a slip's."""

    name: str  # "conv biases left out + BatchNorm running statistics counted"
    value: object  # sympy expression, or a tuple of them (a shape)
    slips: tuple[str, ...] = ()  # the slips it makes (empty: right)
    convention: str | None = None  # the convention it is right or wrong under (None: the book's)
    deltas: tuple[object, ...] = ()  # each slip's own change, in the same order


@dataclass(frozen=True)
class Check:
    """One checkable answer."""

    id: str
    question: str  # "CSC413 PA2 1(c)"
    label: str  # what is asked
    symbols: Mapping[str, sympy.Symbol]
    defaults: Mapping[sympy.Symbol, int]
    answer: object  # sympy expression, tuple (shape), or BigO(…) (an order)
    conventions: tuple[Variant, ...] = ()
    slips: tuple[Variant, ...] = ()
    kind: str = "formula"  # formula | shape | order | factor (a number, "×4" accepted)
    functions: tuple[str, ...] = ()
    torch_check: str = ""  # the test that checks the answer and the slips against torch
    ranges: Mapping[sympy.Symbol, tuple[int, int]] = field(default_factory=dict)

    def variants(self) -> list[Variant]:
        return [Variant("the book's answer", self.answer), *self.conventions, *self.slips]


@dataclass(frozen=True)
class Verdict:
    """The checker's answer about one expression."""

    check_id: str
    expression: object
    correct: bool
    message: str  # one paragraph, for the terminal
    slips: tuple[str, ...] = ()
    convention: str | None = None
    deltas: tuple[object, ...] = ()  # each slip's own change to the answer

    @property
    def exit_status(self) -> int:
        return 0 if self.correct else 1


# ---------------------------------------------------------------- the 1(c) checks

_1C_SYMBOLS = {"NF": counting.NF, "NC": counting.NC}
_1C_TORCH = "tests/test_checker.py::test_1c_slip_variants_match_torch"


def _1c_check(key: str) -> Check:
    q = counting.QUANTITIES[key]
    base = counting.total(q.answer)
    conventions = tuple(Variant(name, counting.total(c), convention=name) for name, c in q.conventions)
    slips: list[Variant] = []
    seen = {sympy.srepr(base)} | {sympy.srepr(c.value) for c in conventions}
    for conv_name, conv in ((None, q.answer), *q.conventions):
        conv_value = counting.total(conv)
        for names, changed in counting.slip_variants(conv):
            value = counting.total(changed)
            if sympy.srepr(value) in seen:
                continue  # the same formula reached with fewer slips, or a right one
            seen.add(sympy.srepr(value))
            deltas = tuple(sympy.expand(counting.total(_apply(conv, n)) - conv_value) for n in names)
            slips.append(Variant(" + ".join(names), value, names, conv_name, deltas))
    ident = "csc413-1c-" + key.replace("_doubled", "-doubled")
    return Check(
        ident,
        "CSC413 PA2 1(c)",
        q.label,
        _1C_SYMBOLS,
        counting.DEFAULTS,
        base,
        conventions,
        tuple(slips),
        torch_check=_1C_TORCH,
        ranges={counting.NF: (1, 200), counting.NC: (1, 200)},
    )


def _apply(count: counting.Count, name: str) -> counting.Count:
    (rule,) = [r for r in counting.SLIPS if r.name == name]
    return rule.apply(count)


# ---------------------------------------------------------------- CS5242 Q2 and Q3


def _q2_checks() -> list[Check]:
    from solutions.answers import conv_table  # imports torch: only when a Q2 check is asked for

    H, W, C1 = conv_table.H, conv_table.W, conv_table.C1
    _Q2_SYMBOLS = {"h": H, "w": W, "c1": C1, "c_1": C1, "c2": conv_table.C2, "c_2": conv_table.C2}
    _Q2_DEFAULTS = {H: 32, W: 32, C1: 3, conv_table.C2: 16}
    rows = {r.part: r for r in conv_table.q2_rows()}
    c_no_stride = (conv_output_size(H, 3), conv_output_size(W, 3), conv_table.C2)
    d_depth_ignored = (conv_output_size(H, 3), conv_output_size(W, 3), C1)
    d_depth_3 = (conv_output_size(H, 3), conv_output_size(W, 3), conv_output_size(C1, 3))
    common = dict(
        symbols=_Q2_SYMBOLS,
        defaults=_Q2_DEFAULTS,
        kind="shape",
        functions=("floor", "ceil"),
        torch_check="tests/test_checker.py::test_q2_slip_variants_match_torch",
        ranges={conv_table.H: (3, 200), conv_table.W: (3, 200), conv_table.C1: (3, 50), conv_table.C2: (1, 50)},
    )
    return [
        Check(
            "cs5242-q2-output-size-c",
            "CS5242 HW5 Q2(c)",
            "output size (h × w × c) of c2 kernels 3×3×c1, stride 3, no padding",
            answer=rows["c"].answer,
            slips=(Variant("stride ignored (stride 1 used)", c_no_stride, ("stride ignored (stride 1 used)",)),),
            **common,
        ),
        Check(
            "cs5242-q2-output-size-d",
            "CS5242 HW5 Q2(d)",
            "output size (h × w × c) of one 3×3×2 kernel, 3-D convolution, stride 1",
            answer=rows["d"].answer,
            slips=(
                Variant(
                    "the kernel's depth 2 ignored (c1 kept)",
                    d_depth_ignored,
                    ("the kernel's depth 2 ignored (c1 kept)",),
                ),
                Variant("kernel depth taken as 3", d_depth_3, ("kernel depth taken as 3",)),
            ),
            **common,
        ),
    ]


_B = sympy.Symbol("B", integer=True, positive=True)  # the same symbol as alexnet_1x1.B
_Q3_MEMORY_ITEMS = {
    "biases": "conv biases left out",
    "gradients": "parameter gradients left out",
    "saved_activations": "activations saved for backward left out",
    "activation_gradients": "gradients of the new layers' outputs left out",
}
_PER_IMAGE = ("saved_activations", "activation_gradients")


def q3_memory_formula(optimizer: str = "adam", leave_out: tuple[str, ...] = (), one_image: bool = False) -> sympy.Expr:
    """The added training bytes in the batch size B, with items left out (the slips).

    >>> q3_memory_formula("sgd", ("activation_gradients",), one_image=True)  # the typical answer's items
    5017856
    >>> q3_memory_formula("sgd", ("biases", "activation_gradients",), one_image=True)  # and its numbers
    5012224
    """
    from solutions.answers import alexnet_1x1  # imports torch

    leave_out = sequence("leave_out", leave_out, text, min_length=0)
    one_image = boolean("one_image", one_image)
    one = alexnet_1x1.closed_form_bill(optimizer, 1).as_dict()
    bad = [item for item in leave_out if (item not in one and item != "biases") or item == "total"]
    if bad:
        raise ValueError(f"leave_out must name items of the bill or 'biases', got {bad!r}")
    if "biases" in leave_out:  # weights only: 4 weight tensors, no bias tensors
        p = alexnet_1x1.added_parameters(with_bias=False)
        one |= {
            "parameters": 4 * p,
            "gradients": 4 * p,
            "optimizer_state": 4 * alexnet_1x1.optimizer_state_floats(optimizer, p, alexnet_1x1.NEW_PARAM_TENSORS // 2),
        }
    per = 1 if one_image else _B
    return sympy.expand(
        sum(
            (one[k] * (per if k in _PER_IMAGE else 1) for k in one if k != "total" and k not in leave_out),
            sympy.Integer(0),
        )
    )


def _q3_checks() -> list[Check]:
    from solutions.answers import alexnet_1x1

    params = sympy.Integer(alexnet_1x1.added_parameters())
    no_bias = sympy.Integer(alexnet_1x1.added_parameters(with_bias=False))
    name_bias = "conv biases left out"
    parameters = Check(
        "cs5242-q3-parameters",
        "CS5242 HW5 Q3(1)",
        "parameters added by the two 1×1 blocks",
        {},
        {},
        params,
        slips=(Variant(name_bias, no_bias, (name_bias,), deltas=(no_bias - params,)),),
        torch_check="tests/test_checker.py::test_q3_slip_variants_match_torch",
    )
    conventions = tuple(
        Variant(f"optimizer {o}", q3_memory_formula(o), convention=f"optimizer {o}") for o in ("sgd", "sgd_momentum")
    )
    slips: list[Variant] = []
    seen = set()
    for opt in ("adam", "sgd", "sgd_momentum"):
        conv_name = None if opt == "adam" else f"optimizer {opt}"
        base = q3_memory_formula(opt)
        items = list(_Q3_MEMORY_ITEMS)
        for mask in range(1, 2 ** (len(items) + 1)):
            left = tuple(i for b, i in enumerate(items) if mask >> b & 1)
            one_image = bool(mask >> len(items) & 1)
            value = q3_memory_formula(opt, left, one_image)
            if value in seen:
                continue
            seen.add(value)
            names = tuple(_Q3_MEMORY_ITEMS[i] for i in left) + (
                ("batch size ignored (one image)",) if one_image else ()
            )
            deltas = tuple(q3_memory_formula(opt, (i,)) - base for i in left) + (
                (q3_memory_formula(opt, (), True) - base,) if one_image else ()
            )
            slips.append(Variant(" + ".join(names), value, names, conv_name, deltas))
    memory = Check(
        "cs5242-q3-memory",
        "CS5242 HW5 Q3(2)",
        "training memory added by the blocks, in bytes (float32, batch B, Adam)",
        {"B": _B},
        {_B: 128},
        q3_memory_formula("adam"),
        conventions,
        tuple(slips),
        torch_check="tests/test_checker.py::test_q3_slip_variants_match_torch",
        ranges={_B: (1, 512)},
    )
    return [parameters, memory]


# ---------------------------------------------------------------- CSC413 3(d), 3(e): orders

N = sympy.Symbol("n", integer=True, positive=True)


def _order_checks() -> list[Check]:
    from solutions.answers.finetune_cost import CLAIMED_EXPONENT

    def order(exponent: int) -> sympy.Expr:
        return BigO(N**exponent)

    memory = {"parameters", "gradients", "adam_state", "saved_activations"}
    full = max(CLAIMED_EXPONENT[k][0] or 0 for k in memory)
    last = max(CLAIMED_EXPONENT[k][1] or 0 for k in memory)
    compute_full = max(CLAIMED_EXPONENT[k][0] for k in ("forward_flops", "backward_flops"))
    compute_last = max(CLAIMED_EXPONENT[k][1] for k in ("forward_flops", "backward_flops"))
    common = dict(
        symbols={"n": N},
        defaults={N: 64},
        kind="order",
        functions=("O", "log"),
        torch_check="tests/test_finetune_cost.py (the measured depth slopes)",
    )
    held = "O(1): the frozen weights are still held for the forward pass (parameters stay O(n))"
    forward = "O(1): the forward pass still runs through all n frozen layers"
    return [
        Check(
            "csc413-3d-memory-full",
            "CSC413 PA2 3(d)",
            "memory of fine-tuning every layer, in n",
            answer=order(full),
            **common,
        ),
        Check(
            "csc413-3d-memory-last",
            "CSC413 PA2 3(d)",
            "memory of fine-tuning the last layer only, in n",
            answer=order(last),
            slips=(Variant(held, order(0), (held,)),),
            **common,
        ),
        Check(
            "csc413-3d-compute-full",
            "CSC413 PA2 3(d)",
            "compute of one fine-tuning step, every layer, in n",
            answer=order(compute_full),
            **common,
        ),
        Check(
            "csc413-3d-compute-last",
            "CSC413 PA2 3(d)",
            "compute of one fine-tuning step, last layer only, in n",
            answer=order(compute_last),
            slips=(Variant(forward, order(0), (forward,)),),
            **common,
        ),
    ]


def _side_checks() -> list[Check]:
    """3(e): the factor each cost gains when H and W double (numbers; from the claimed side exponents)."""
    from solutions.answers.finetune_cost import CLAIMED_SIDE_EXPONENT as SIDE

    def factor(*components: str) -> sympy.Integer:
        return sympy.Integer(2) ** max(SIDE[k] or 0 for k in components)

    one_side = "×2: only one side counted (H and W both double, so the pixels grow ×4)"
    unchanged = "unchanged: every feature map has H·W positions, so it grows with the pixel count"
    with_pixels = (
        "grown with the pixels: no weight of a fully convolutional model depends on H, W "
        "(only a flatten→linear head's weights would)"
    )
    common = dict(
        symbols={}, defaults={}, kind="factor", torch_check="tests/test_finetune_cost.py (the measured side slopes)"
    )

    def slips(answer: sympy.Integer, *named: tuple[str, sympy.Integer]) -> tuple[Variant, ...]:
        return tuple(Variant(n, v, (n,), deltas=(v - answer,)) for n, v in named if v != answer)

    memory = factor("saved_activations")
    compute = factor("forward_flops", "backward_flops")
    params = factor("parameters", "head_parameters")
    return [
        Check(
            "csc413-3e-activation-memory",
            "CSC413 PA2 3(e)",
            "factor by which the saved activations grow when H and W double",
            answer=memory,
            slips=slips(memory, (unchanged, sympy.Integer(1)), (one_side, sympy.Integer(2))),
            **common,
        ),
        Check(
            "csc413-3e-compute",
            "CSC413 PA2 3(e)",
            "factor by which the FLOPs of a fine-tuning step grow when H and W double",
            answer=compute,
            slips=slips(compute, (unchanged, sympy.Integer(1)), (one_side, sympy.Integer(2))),
            **common,
        ),
        Check(
            "csc413-3e-parameters",
            "CSC413 PA2 3(e)",
            "factor by which the parameters (and their gradients and optimizer state) grow when H and "
            "W double, fully convolutional model",
            answer=params,
            slips=slips(params, (with_pixels, sympy.Integer(4)), ("×2: " + with_pixels, sympy.Integer(2))),
            **common,
        ),
    ]


_1C_KEYS = ("weights", "parameters", "outputs", "connections")
# ID → the family that builds it (built on demand: the 1(c) variants take a second each).
_FAMILIES: dict[str, Callable[[], list[Check]]] = {
    **{f"csc413-1c-{k}": (lambda k=k: [_1c_check(k)]) for k in _1C_KEYS},
    **{f"csc413-1c-{k}-doubled": (lambda k=k: [_1c_check(k + "_doubled")]) for k in _1C_KEYS},
    "cs5242-q2-output-size-c": _q2_checks,
    "cs5242-q2-output-size-d": _q2_checks,
    "cs5242-q3-parameters": _q3_checks,
    "cs5242-q3-memory": _q3_checks,
    **{f"csc413-3d-{what}-{mode}": _order_checks for what in ("memory", "compute") for mode in ("full", "last")},
    **{f"csc413-3e-{what}": _side_checks for what in ("activation-memory", "compute", "parameters")},
}
IDS: tuple[str, ...] = tuple(_FAMILIES)


def get(check_id: str) -> Check:
    """The check named ``check_id``, else ``ValueError`` listing the IDs."""
    if not isinstance(check_id, str) or check_id not in _FAMILIES:
        raise ValueError(f"check_id must be one of {', '.join(IDS)}; got {check_id!r}"[:2000])
    return _build(check_id)


@cache
def _build(check_id: str) -> Check:
    (c,) = [c for c in _FAMILIES[check_id]() if c.id == check_id]
    return c


get.cache_clear = _build.cache_clear  # type: ignore[attr-defined]  (the checks are built once)


def checks() -> dict[str, Check]:
    """Every check by ID."""
    return {i: get(i) for i in IDS}


# ---------------------------------------------------------------- comparing


class _OutOfTime(BaseException):
    """The algebra's time is up (a BaseException, so no ``except Exception`` inside sympy keeps it)."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`ExpressionError` in the block once ``seconds`` of wall-clock time have passed.

    A SIGALRM timer, so only in the main thread of a process whose timer is free;
    elsewhere the block runs unlimited (the parser's budget still bounds it).
    """
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise ExpressionError(
            f"too costly to check within {seconds:g} s: multiply it out or simplify it, and try again"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _points(c: Check, n: int = POINTS) -> list[dict[sympy.Symbol, int]]:
    rng = random.Random(_RNG_SEED)
    symbols = sorted(set(c.symbols.values()), key=str)
    pts = [dict(c.defaults)] if c.defaults else [{}]
    for _ in range(n):
        pts.append({s: rng.randint(*c.ranges.get(s, (1, 100))) for s in symbols})
    return pts


def _at(value: object, point: Mapping) -> object:
    if isinstance(value, tuple):
        return tuple(_at(v, point) for v in value)
    return sympy.nsimplify(sympy.sympify(value).subs(point))


def _is_zero(difference: sympy.Expr) -> bool:
    """Exactly: over one denominator and cancelled (a rational function), is it 0?"""
    return sympy.cancel(sympy.together(difference)) == 0


def _equal(c: Check, a: object, b: object) -> bool:
    if isinstance(a, tuple) != isinstance(b, tuple) or (isinstance(a, tuple) and len(a) != len(b)):
        return False
    pts = _points(c)
    if _at(a, pts[0]) != _at(b, pts[0]):  # most comparisons end here, at the defaults
        return False
    if isinstance(a, tuple) or any(x.has(sympy.floor, sympy.ceiling) for x in (a, b)):
        return all(_at(a, p) == _at(b, p) for p in pts[1:])
    return _is_zero(a - b) and all(_at(a, p) == _at(b, p) for p in pts[1:])


def _defined(value: object) -> bool:
    values = value if isinstance(value, tuple) else (value,)
    return all(v.is_real is True and v.is_finite is True for v in values)


def _require_defined(c: Check, yours: object) -> None:
    """:class:`ExpressionError` naming the first point (the defaults, then the random points)
    where ``yours`` has no value (zoo, nan: a division by zero there)."""
    for point in _points(c):
        if not _defined(_at(yours, point)):
            where = ", ".join(f"{s}={v}" for s, v in point.items()) or "every size"
            raise ExpressionError(
                f"your answer has no value at {where} (a division by zero there); an answer must have one at every size"
            )


def _same_order(a: sympy.Expr, b: sympy.Expr) -> bool:
    ratio = sympy.limit(a / b, N, sympy.oo)
    return ratio.is_finite is True and ratio.is_positive is True


def _order_arg(expr: sympy.Expr) -> sympy.Expr | None:
    return expr.args[0] if isinstance(expr, BigO) else None


def _fmt(expr: object) -> str:
    """``9*NC*NF + 72*NF**2`` as ``9NC·NF + 72NF^2``."""
    if isinstance(expr, tuple):
        return " × ".join(_fmt(e) for e in expr)
    text = sympy.sstr(expr).replace("**", "^")
    text = re.sub(r"(?<![\w.])(\d+)\*(?=[A-Za-z(])", r"\1", text)
    return text.replace("*", "·")


def _signed(delta: sympy.Expr) -> str:
    delta = sympy.expand(delta)
    if delta.could_extract_minus_sign():
        return f"−({_fmt(-delta)})"
    return f"+({_fmt(delta)})"


def _at_defaults(c: Check, value: object) -> str:
    """``value`` at the defaults, "86,112 at NF=32, NC=24" (a plain number when there are no symbols)."""
    v = _at(value, c.defaults)
    text = _fmt(v) if isinstance(v, tuple) else f"{int(v):,}" if v.is_Integer else _fmt(v)
    return f"{text} at {_where(c)}" if c.defaults else text


def _num(v: object) -> str:
    return _fmt(v) if isinstance(v, tuple) or not v.is_Integer else f"{int(v):,}"


def _where(c: Check) -> str:
    return ", ".join(f"{s}={v}" for s, v in c.defaults.items())


def parse_answer(c: Check, text: str) -> object:
    """``text`` parsed for check ``c`` (a tuple for shapes). Raises ``ExpressionError`` (a ValueError)."""
    instance("c", c, Check)
    if c.kind == "shape":
        items = parse_tuple(text, c.symbols, c.functions)
        if len(items) != len(c.answer):
            raise ExpressionError(
                f"expected {len(c.answer)} sizes separated by commas (height, width, channels), got {len(items)}"
            )
        return tuple(items)
    if c.kind == "factor":  # "×4" and "x4" read as 4
        text = re.sub(r"^\s*[×xX*]\s*(?=[\d(])", "", text)
    return parse(text, c.symbols, c.functions)


def check(check_id: str, text: str) -> Verdict:
    """The verdict on ``text`` as the answer ``check_id``.

    Raises ``ValueError`` (one line) for an unknown ID, and :class:`ExpressionError`
    (a ``ValueError``, one line) for input the parser refuses, an answer with no
    value at a point of the check, or algebra past :data:`ALGEBRA_SECONDS`;
    returns a :class:`Verdict` otherwise.
    """
    c = get(check_id)
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {text!r}")
    yours = parse_answer(c, text)
    with _time_limit(ALGEBRA_SECONDS):
        return _verdict(c, yours)


def _verdict(c: Check, yours: object) -> Verdict:
    if c.kind == "order":
        return _check_order(c, yours)
    _require_defined(c, yours)
    if _equal(c, yours, c.answer):
        value = f" ({_at_defaults(c, c.answer)})" if c.defaults else ""
        return Verdict(c.id, yours, True, f"correct: {_fmt(c.answer)}{value}")
    for conv in c.conventions:
        if _equal(c, yours, conv.value):
            return Verdict(
                c.id,
                yours,
                True,
                f"correct under another convention: {conv.name}. The book's answer "
                f"({c.label}) is {_fmt(c.answer)} ({_at_defaults(c, c.answer)}).",
                convention=conv.name,
            )
    for slip in c.slips:
        if _equal(c, yours, slip.value):
            parts = [
                f"{n}: {_signed(d)}" if d is not None else n
                for n, d in zip(slip.slips, slip.deltas or (None,) * len(slip.slips))
            ]
            under = f" (under the convention: {slip.convention})" if slip.convention else ""
            return Verdict(
                c.id,
                yours,
                False,
                f"not the book's answer{under}: "
                + "; ".join(parts)
                + f". Yours gives {_at_defaults(c, yours)}, the book's {_num(_at(c.answer, c.defaults))}.",
                slips=slip.slips,
                convention=slip.convention,
                deltas=slip.deltas,
            )
    return Verdict(c.id, yours, False, _no_known_slip(c, yours))


def _no_known_slip(c: Check, yours: object) -> str:
    head = (
        f"not the book's answer, and no known slip gives it: yours gives {_at_defaults(c, yours)}, "
        f"the book's {_num(_at(c.answer, c.defaults))}"
    )
    if isinstance(yours, tuple):
        wrong = [
            i
            for i, (a, b) in enumerate(zip(yours, c.answer))
            if not _equal(c, (a,) * len(c.answer), (b,) * len(c.answer))
        ]
        names = ("height", "width", "channels")
        return head + "; " + ", ".join(f"the {names[i]} differs" for i in wrong) + "."
    diff = sympy.expand(yours - c.answer)
    terms = sympy.Add.make_args(diff)
    if not diff.free_symbols or not all(t.is_polynomial(*c.symbols.values()) for t in terms):
        return head + f"; yours − book's = {_fmt(sympy.cancel(sympy.together(diff)))}."
    smallest = min(terms, key=lambda t: abs(_at(t, c.defaults)))
    _, monomial = smallest.as_coeff_Mul()
    gens = sorted(c.symbols.values(), key=str)
    ours_coeff = sympy.Poly(c.answer, *gens).coeff_monomial(monomial)
    yours_coeff = sympy.Poly(yours, *gens).coeff_monomial(monomial)
    if monomial == 1:
        return head + f"; the constant term differs (yours {_fmt(yours_coeff)}, the book's {_fmt(ours_coeff)})."
    return head + (
        f"; the smallest term that differs: yours has {_fmt(yours_coeff * monomial)}, "
        f"the book's {_fmt(ours_coeff * monomial)}."
    )


def _order_argument(yours: sympy.Expr) -> sympy.Expr:
    """What ``O(…)`` the reader means, normalised: the argument (``n`` alone is read as O(n)),
    orders inside it read as their arguments (``O(O(n))`` is O(n)), a positive constant as 1;
    :class:`ExpressionError` for one in other symbols, undefined, or not positive for large n."""
    arg = yours.args[0] if isinstance(yours, BigO) else yours
    while arg.has(BigO):  # one level a pass (the parser allows a few)
        arg = arg.replace(lambda e: isinstance(e, BigO), lambda e: e.args[0])
    if arg.free_symbols - {N}:
        raise ExpressionError("an order must be in n only, e.g. O(n)")
    if arg.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError("your order has no value (a division by zero or the log of 0 inside it)")
    if arg.is_number:
        if arg.is_positive is True:
            return sympy.Integer(1)
        raise ExpressionError(
            f"O({_fmt(arg)}): an order of growth needs a positive argument (a positive constant is O(1))"
        )
    try:
        limit = sympy.limit(arg, N, sympy.oo)
        # where it tends to 0 (1/n), its sign far out says whether it is positive there
        positive = limit.is_extended_positive is True or (
            limit == 0 and sympy.N(arg.subs(N, sympy.Integer(10) ** 100), 30).is_positive is True
        )
    except (ValueError, TypeError, NotImplementedError, ArithmeticError) as err:
        raise ExpressionError(f"O({_fmt(arg)}): cannot tell how it grows ({type(err).__name__})") from None
    if not (limit.is_extended_real is True and positive):
        raise ExpressionError(
            f"O({_fmt(arg)}): an order of growth needs an argument that is positive for large n, e.g. O(n)"
        )
    return arg


def _check_order(c: Check, yours: sympy.Expr) -> Verdict:
    arg = _order_argument(yours)
    ours = _order_arg(c.answer)
    if _same_order(arg, ours):
        return Verdict(c.id, yours, True, f"correct: O({_fmt(ours)})")
    for slip in c.slips:
        if _same_order(arg, _order_arg(slip.value)):
            return Verdict(c.id, yours, False, f"not the book's answer O({_fmt(ours)}): {slip.name}", slips=slip.slips)
    faster = sympy.limit(arg / ours, N, sympy.oo) == sympy.oo
    return Verdict(
        c.id,
        yours,
        False,
        f"not the book's answer: O({_fmt(arg)}) grows "
        f"{'faster' if faster else 'slower'} than the book's O({_fmt(ours)})",
    )


# ---------------------------------------------------------------- the typical answer, judged


@dataclass(frozen=True)
class TypicalVerdict:
    """One formula of the typical 1(c) answer, checked as any reader's would be."""

    asked: str  # "weights", "outputs, 64×64 input", …
    check_id: str
    formula: sympy.Expr
    verdict: Verdict

    @property
    def value(self) -> int:
        return counting.evaluate(self.formula)


# Which check each of its formulas answers. Its "weights" are meant as the learnable parameters
# (they include BatchNorm's γ, β), so they are checked as parameters: the slips charged are the
# ones questions.md lists, and nothing else.
_TYPICAL_IDS = {
    "weights": "csc413-1c-parameters",
    "outputs": "csc413-1c-outputs",
    "connections": "csc413-1c-connections",
    "weights_doubled": "csc413-1c-parameters-doubled",
    "outputs_doubled": "csc413-1c-outputs-doubled",
    "connections_doubled": "csc413-1c-connections-doubled",
}


def typical_answer_verdicts() -> list[TypicalVerdict]:
    """The typical answer's six formulas, each with the checker's verdict (charged only with its own slips).

    >>> [(t.check_id, t.verdict.correct) for t in typical_answer_verdicts()][:3]
    [('csc413-1c-parameters', False), ('csc413-1c-outputs', True), ('csc413-1c-connections', True)]
    """
    typ = counting.typical_answer()
    out = []
    for key in ("weights", "outputs", "connections", "weights_doubled", "outputs_doubled", "connections_doubled"):
        ident = _TYPICAL_IDS[key]
        # the formula as the reader would type it, through the parser like any other answer
        verdict = check(ident, sympy.sstr(typ[key]))
        out.append(TypicalVerdict(key.replace("_doubled", ", 64×64 input"), ident, typ[key], verdict))
    return out


def other_slips(made: set[str] | None = None) -> list[tuple[str, str, object, int, int]]:
    """Single slips of the four 32×32 answers that the typical answer did not make.

    Rows: (check id, slip, change to the answer, value at the defaults, the book's value).
    """
    if made is not None:
        if isinstance(made, (str, bytes)) or not isinstance(made, (set, frozenset, list, tuple)):
            raise ValueError(f"made must be a set of slip names or None, got {made!r}")
        made = set(sequence("made", list(made), text, min_length=0))
    if made is None:
        made = {s for t in typical_answer_verdicts() for s in t.verdict.slips}
    rows = []
    for ident in ("csc413-1c-weights", "csc413-1c-parameters", "csc413-1c-outputs", "csc413-1c-connections"):
        c = get(ident)
        for v in c.slips:
            if len(v.slips) == 1 and v.convention is None and v.slips[0] not in made:
                rows.append((ident, v.name, v.deltas[0], int(_at(v.value, c.defaults)), int(_at(c.answer, c.defaults))))
    return rows


# ---------------------------------------------------------------- the page's data


def page_data(check_ids: list[str] | None = None, n_points: int = POINTS) -> dict[str, dict[str, object]]:
    """JSON-ready data for the offline checker in the page (``{answer-check} ID``), every check by
    default: what the page needs to reach :func:`check`'s verdict without sympy.

    Each entry has the check's ``kind``, the names it accepts (``symbols``, with ``aliases`` to
    the name its ``points`` use), its ``functions``, and the answer, the conventions and the
    slips in the order :func:`check` tries them, each slip with its names (``slips``) and the
    words of its message (``parts``). Formulas and shapes: each variant's exact ``values`` at the
    check's points (the defaults, then :data:`POINTS` random points, the ones :func:`check`
    uses); an integer as a JSON number, a fraction as the text ``"p/q"``; a shape's value is a
    list of its sizes. Factors: the same with no symbols (one point). Orders: each variant's
    ``order`` ``[a, b]``, meaning n^a·log(n)^b (the page works out the reader's from the
    formula's terms); a slip is the first whose order equals the reader's.

    >>> d = page_data(["csc413-3d-memory-last"])["csc413-3d-memory-last"]
    >>> d["answer"]["order"], [s["order"] for s in d["slips"]]
    ([1, 0], [[0, 0]])
    """

    def known(name: str, ident: object) -> str:
        if not isinstance(ident, str) or ident not in _FAMILIES:
            raise ValueError(f"{name} must be a check id, got {ident!r}")
        return ident

    ids = list(IDS) if check_ids is None else sequence("check_ids", check_ids, known, min_length=0)
    n_points = positive_int("n_points", n_points)
    return {ident: _widget_entry(get(ident), n_points) for ident in ids}


def _exact(value: object) -> int | str:
    """A rational number for JSON: an int, or "p/q" (a float would round it)."""
    v = sympy.nsimplify(sympy.sympify(value))
    if not v.is_Rational:
        raise ValueError(f"value must be a rational number, got {value!r}")
    return int(v) if v.is_Integer else f"{v.p}/{v.q}"


def _order_exponents(value: object) -> list[int]:
    """``O(n^a·log(n)^b)`` (or its argument) as ``[a, b]``; ValueError for any other order."""
    arg = _order_arg(value) if isinstance(value, BigO) else value
    a = b = sympy.Integer(0)
    for factor, power in sympy.sympify(arg).as_powers_dict().items():
        if factor == N:
            a = power
        elif factor == sympy.log(N):
            b = power
        elif not (factor.is_number and factor.is_positive and sympy.sympify(power).is_number):
            raise ValueError(f"value must be an order n^a·log(n)^b, got {value!r}")
    if not (a.is_Integer and b.is_Integer):
        raise ValueError(f"value must be an order with whole exponents, got {value!r}")
    return [int(a), int(b)]


def _parts(v: Variant) -> list[str]:
    """The words :func:`check` says for a slip, one item per slip it makes."""
    return [
        f"{n}: {_signed(d)}" if d is not None else n
        for n, d in zip(v.slips, v.deltas or (None,) * len(v.slips), strict=True)
    ]


def _widget_entry(c: Check, n_points: int) -> dict[str, object]:
    names = {s: n for n, s in reversed(list(c.symbols.items()))}  # the first name of each symbol
    entry: dict[str, object] = {
        "kind": c.kind,
        "label": c.label,
        "question": c.question,
        "symbols": list(c.symbols),
        "aliases": {n: names[s] for n, s in c.symbols.items() if names[s] != n},
        "functions": list(c.functions),
        "defaults": {names[s]: int(v) for s, v in c.defaults.items()},
    }
    if c.kind == "order":
        entry["answer"] = {"text": f"O({_fmt(_order_arg(c.answer))})", "order": _order_exponents(c.answer)}
        entry["conventions"] = [{"name": v.name, "order": _order_exponents(v.value)} for v in c.conventions]
        entry["slips"] = [{"name": v.name, "slips": list(v.slips), "order": _order_exponents(v.value)} for v in c.slips]
        return entry
    pts = _points(c, n_points) if c.symbols else [{}]  # without symbols, every point is the same

    def values(value: object) -> list[object]:
        at = [_at(value, p) for p in pts]
        return [[_exact(x) for x in v] if isinstance(v, tuple) else _exact(v) for v in at]

    entry["points"] = [{names[s]: int(v) for s, v in p.items()} for p in pts]
    entry["answer"] = {"text": _fmt(c.answer), "values": values(c.answer)}
    entry["conventions"] = [{"name": v.name, "values": values(v.value)} for v in c.conventions]
    entry["slips"] = [
        {
            "name": v.name,
            "slips": list(v.slips),
            "convention": v.convention,
            "parts": _parts(v),
            "values": values(v.value),
        }
        for v in c.slips
    ]
    return entry


def common_slips(check_id: str, limit: int = 6) -> list[tuple[str, object, int]]:
    """The single slips of a check with their formula and value at the defaults (the PDF's table)."""
    c = get(check_id)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, got {limit!r}")
    return [
        (s.name if not s.convention else f"{s.name} ({s.convention})", s.value, int(_at(s.value, c.defaults)))
        for s in c.slips
        if len(s.slips) == 1
    ][:limit]
