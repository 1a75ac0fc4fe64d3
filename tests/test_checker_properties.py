"""The checker's whole promise, as properties: every way of writing a book answer is "correct",
every other value is named wrong, and no input hangs it or escapes as another exception.

Rewritings (hypothesis draws them): the answer multiplied out with its terms, factors and powers
in any order and notation (``NF^2``, ``NF**2``, ``NF²``, ``NF·NF``, ``9NF``, ``9 × NF``); with
coefficients split; factored; over a common denominator ``(A·D)/D``; with a vanishing rational
term added (``(NF² − 1)/(NF + 1) − NF + 1``). Perturbations: a term added or a coefficient
changed, then written in any of those ways. An oracle of our own (sympy's ``expand`` of the
difference, not the checker's code path) says when a perturbation happens to be another
convention's right answer; those are left out.
"""

import time

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import tier
from solutions.answers import checker
from solutions.answers.expression import MAX_LENGTH, ExpressionError

FORMULA_IDS = [i for i in checker.IDS if checker.get(i).kind == "formula"]
ORDER_IDS = [i for i in checker.IDS if checker.get(i).kind == "order"]
FACTOR_IDS = [i for i in checker.IDS if checker.get(i).kind == "factor"]
SHAPE_IDS = [i for i in checker.IDS if checker.get(i).kind == "shape"]
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
EXAMPLES = tier(3, 300)


def _names(c) -> dict:
    """symbol → the name a reader types (the first spelling the check accepts)."""
    out = {}
    for name, symbol in c.symbols.items():
        out.setdefault(symbol, name)
    return out


def _power(draw, name: str, e: int) -> list[str]:
    if e == 1:
        return [name]
    style = draw(st.sampled_from(["^", "**", "sup", "repeat"]))
    if style == "repeat":
        return [name] * e
    return [{"^": f"{name}^{e}", "**": f"{name}**{e}", "sup": name + str(e).translate(SUPERSCRIPTS)}[style]]


def _term(draw, coeff: int, monomial: dict) -> str:
    """|coeff|·monomial in some notation (the sign is the caller's)."""
    factors = [f for name, e in monomial.items() if e for f in _power(draw, name, e)]
    factors = draw(st.permutations(factors))
    coeff = abs(coeff)
    if not factors:
        return str(coeff)
    join = draw(st.sampled_from(["*", "·", "×", " * ", " "]))
    body = join.join(factors)
    if join == " " and any(f[0].isdigit() for f in factors):
        body = "*".join(factors)
    if coeff == 1 and draw(st.booleans()):
        return body
    return f"{coeff}{body}" if draw(st.booleans()) else f"{coeff}{draw(st.sampled_from(['*', '·', '×']))}{body}"


def _sum(draw, c, expr: sympy.Expr, split: bool = False) -> str:
    """``expr`` (a polynomial in the check's symbols) multiplied out, terms in any order."""
    names = _names(c)
    gens = sorted(names, key=str)
    expr = sympy.expand(expr)
    if not gens:
        return str(expr)
    terms = []
    for powers, coeff in sympy.Poly(expr, *gens).terms():
        coeff = int(coeff)
        if split and abs(coeff) > 1 and draw(st.booleans()):
            part = draw(st.integers(1, abs(coeff) - 1)) * (1 if coeff > 0 else -1)
            terms += [(part, powers), (coeff - part, powers)]
        else:
            terms.append((coeff, powers))
    terms = draw(st.permutations(terms))
    text = ""
    for i, (coeff, powers) in enumerate(terms):
        word = _term(draw, coeff, {names[g]: e for g, e in zip(gens, powers)})
        sign = "-" if coeff < 0 else "+"
        text += (f"-{word}" if sign == "-" else word) if i == 0 else f" {sign} {word}"
    return text or "0"


@st.composite
def written(draw, c, expr: sympy.Expr) -> str:
    """``expr`` written as a reader might: one of the rewritings of the module docstring."""
    names = _names(c)
    symbols = sorted(names, key=str)
    kind = draw(
        st.sampled_from(
            ["expanded", "split", "factored", "denominator", "vanishing"]
            if symbols
            else ["expanded", "split", "factored"]
        )
    )
    if kind in ("expanded", "split"):
        return _sum(draw, c, expr, split=kind == "split")
    if kind == "factored":
        return sympy.sstr(sympy.factor(expr))
    s = draw(st.sampled_from(symbols))
    k = draw(st.integers(1, 9))
    if kind == "denominator":
        d = draw(st.integers(1, 5)) * s + k  # positive at every point of the check
        return f"({_sum(draw, c, expr * d)})/({_sum(draw, c, d)})"
    n = names[s]
    zero = f"({n}^2 - {k * k})/({n} + {k}) - {n} + {k}"
    return f"{_sum(draw, c, expr)} + {zero}" if draw(st.booleans()) else f"{zero} + {_sum(draw, c, expr)}"


def _is_a_right_answer(c, expr) -> bool:
    """Our own oracle: the book's answer or another convention's (multiplied out, compared)."""
    return any(sympy.expand(expr - v.value) == 0 for v in c.variants() if not v.slips)


@st.composite
def perturbed(draw, c) -> sympy.Expr:
    gens = sorted(_names(c), key=str)
    how = draw(st.sampled_from(["add", "scale"] if gens else ["add"]))
    if how == "scale":
        return c.answer * draw(st.sampled_from([2, 3, 4, sympy.Rational(1, 2)]))
    monomial = sympy.Mul(*(g ** draw(st.integers(0, 2)) for g in gens))
    delta = draw(st.integers(-40, 40).filter(bool))
    return c.answer + delta * monomial


@pytest.mark.parametrize("ident", FORMULA_IDS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_rewriting_of_a_formula_answer_is_correct(ident, data):
    c = checker.get(ident)
    text = data.draw(written(c, c.answer))
    assume(len(text) <= MAX_LENGTH)
    verdict = checker.check(ident, text)
    assert verdict.correct and verdict.convention is None, (text, verdict.message)


@pytest.mark.parametrize("ident", FORMULA_IDS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_perturbation_of_a_formula_answer_is_named_wrong(ident, data):
    c = checker.get(ident)
    wrong = data.draw(perturbed(c))
    assume(not _is_a_right_answer(c, wrong))
    text = data.draw(written(c, wrong))
    assume(len(text) <= MAX_LENGTH)
    verdict = checker.check(ident, text)
    assert not verdict.correct and verdict.exit_status == 1, (text, verdict.message)
    assert verdict.message.startswith("not the book's answer"), verdict.message


@st.composite
def order_text(draw, exponent: int, nest: bool = True) -> str:
    """O(a·n^e + lower terms), in some notation: positive coefficients, lower powers and logs."""
    lead = draw(st.integers(1, 9))
    terms = [f"{lead}n^{exponent}" if exponent > 1 else f"{lead}n" if exponent == 1 else str(lead)]
    for e in range(exponent):
        if draw(st.booleans()):
            terms.append(f"{draw(st.integers(1, 9))}" + ("" if e == 0 else "n" if e == 1 else f"n^{e}"))
    if exponent >= 1 and draw(st.booleans()):
        terms.append("log(n)")
    body = " + ".join(draw(st.permutations(terms)))
    form = draw(st.sampled_from(["O", "OO", "bare"] if exponent == 1 and nest else ["O", "OO"]))
    return {"O": f"O({body})", "OO": f"O(O({body}))", "bare": body}[form]


def _exponent(order) -> int:
    arg = order.args[0]
    return 0 if arg.is_number else int(sympy.degree(arg, checker.N))


@pytest.mark.parametrize("ident", ORDER_IDS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_way_of_writing_an_order_is_correct_and_every_other_order_wrong(ident, data):
    c = checker.get(ident)
    e = _exponent(c.answer)
    assert checker.check(ident, data.draw(order_text(e))).correct
    other = data.draw(st.sampled_from([x for x in (e - 1, e + 1, e + 2) if x >= 0]))
    text = data.draw(order_text(other, nest=False))
    if data.draw(st.booleans()) and other == e + 1:  # n^e·log n: faster than n^e, slower than n^(e+1)
        text = f"O(n^{e}·log(n))" if e else "O(log(n))"
    verdict = checker.check(ident, text)
    assert not verdict.correct and verdict.message.startswith("not the book's answer"), (text, verdict)


@pytest.mark.parametrize("ident", FACTOR_IDS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_way_of_writing_a_factor_is_correct_and_every_other_number_wrong(ident, data):
    c = checker.get(ident)
    k = int(c.answer)
    right = [str(k), f"×{k}", f"x{k}", f"x {k}", f"{k}.0", f"{3 * k}/3", f"({k} + 5) - 5", f"{k}·1"]
    right += ["2^2", "2²", "2*2", "2·2", "(2)(2)"] if k == 4 else ["2^0", "1^3", "2/2"] if k == 1 else []
    assert checker.check(ident, data.draw(st.sampled_from(right))).correct
    other = data.draw(st.integers(-50, 50).filter(lambda v: v != k))
    text = data.draw(st.sampled_from([str(other), f"×{other}" if other > 0 else str(other)]))
    verdict = checker.check(ident, text)
    assert not verdict.correct and verdict.exit_status == 1, (text, verdict.message)


# Each component of the Q2 answers in several equivalent spellings (worked out by hand: for whole
# h ≥ 3, ⌊(h − 3)/3⌋ + 1 = ⌊h/3⌋ = ⌈(h − 2)/3⌉; (h − 3)/1 + 1 = h − 2).
Q2_SPELLINGS = {
    "cs5242-q2-output-size-c": (
        ["floor((h-3)/3)+1", "⌊(h−3)/3⌋ + 1", "floor(h/3)", "⌊h/3⌋", "ceil((h-2)/3)", "⌈(h − 2)/3⌉"],
        ["floor((w-3)/3)+1", "⌊w/3⌋", "ceil((w-2)/3)", "floor(w/3)"],
        ["c2", "c_2", "1*c2", "(c2)"],
    ),
    "cs5242-q2-output-size-d": (
        ["h-2", "h − 3 + 1", "(h-3)/1+1", "floor((h-3)/1)+1", "-2 + h"],
        ["w-2", "(w-3)/1 + 1", "-2+w", "w − 2"],
        ["c1-1", "c_1 − 1", "(c1-2)/1+1", "-1 + c1"],
    ),
}


@pytest.mark.parametrize("ident", SHAPE_IDS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_spelling_of_a_shape_is_correct_and_an_off_by_one_wrong(ident, data):
    parts = [data.draw(st.sampled_from(options)) for options in Q2_SPELLINGS[ident]]
    assert checker.check(ident, ", ".join(parts)).correct, parts
    i = data.draw(st.integers(0, 2))
    parts[i] = f"({parts[i]}) {data.draw(st.sampled_from(['+', '-']))} {data.draw(st.integers(1, 3))}"
    verdict = checker.check(ident, ", ".join(parts))
    assert not verdict.correct, (parts, verdict.message)


# ---------------------------------------------------------------------------------------------
# Whatever is typed: a verdict or one ExpressionError line, within the time limit.

TOKENS = [
    "NF",
    "NC",
    "n",
    "B",
    "h",
    "w",
    "c1",
    "c2",
    "log(",
    "O(",
    "floor(",
    "ceil(",
    "(",
    ")",
    "⌊",
    "⌋",
    "+",
    "-",
    "*",
    "/",
    "^",
    "^12",
    "²",
    "×",
    "·",
    " ",
    ",",
    "0",
    "1",
    "9",
    "32",
    "150 208",
    "999999999",
    ".5",
    "1e9",
    "√",
    "x",
    "__import__",
    "'",
    "%",
]


@pytest.mark.parametrize(
    "ident",
    [
        "csc413-1c-connections-doubled",
        "cs5242-q2-output-size-c",
        "csc413-3d-memory-last",
        "cs5242-q3-memory",
        "csc413-3e-compute",
    ],
)
@settings(max_examples=tier(10, 2000))
@given(words=st.lists(st.sampled_from(TOKENS), max_size=80))
def test_any_input_gets_a_verdict_or_one_line_refusal_in_bounded_time(ident, words):
    text = "".join(words)
    start = time.monotonic()
    try:
        verdict = checker.check(ident, text)
        assert verdict.message and "\n" not in verdict.message
    except ExpressionError as err:
        assert str(err) and "\n" not in str(err)
    assert time.monotonic() - start < checker.ALGEBRA_SECONDS + 2


def test_the_algebra_has_a_wall_clock_limit(monkeypatch):
    # a comparison that would never end is cut off at the limit, in one line
    monkeypatch.setattr(checker, "ALGEBRA_SECONDS", 0.5)

    def forever(*args):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(checker, "_verdict", forever)
    start = time.monotonic()
    with pytest.raises(ExpressionError, match="too costly to check within 0.5 s"):
        checker.check("csc413-1c-weights", "NF")
    assert time.monotonic() - start < 2
