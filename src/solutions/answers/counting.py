"""Closed-form counts for the colourization networks (CSC413 PA2 Part 1(c)).

One :class:`LayerRow` per layer (conv, pool, upsample, BatchNorm, ReLU), with
every count a sympy expression in the symbols ``NF`` and ``NC`` (or a number
when numbers are given). The book's conventions:

- *weights*: entries of conv kernels; *biases*: conv biases;
- *BN parameters*: BatchNorm's learnable γ and β (2 per channel);
- *BN buffers*: BatchNorm's running mean and variance (2 per channel), not
  learnable, never counted as weights;
- *outputs*: elements of a layer's output tensor, for one image;
- *connections*: multiply-accumulates of a weight with an input value, for one
  image, zero padding included (as ``torch.utils.flop_counter`` counts them:
  FLOPs = 2 × connections); bias additions are not connections.

These rows are derived from the layer rules below, not from torch; the tests
compare them with :func:`solutions.answers.torch_counts.measure_rows` on the real modules.

The common slips are switches of the same code, not a hand list: a
:class:`Count` names what a total adds up (which fields of the rows, which
layers, built how), and each :data:`SLIPS` entry changes one switch (conv
biases off, BatchNorm affine off, running statistics summed, every conv read
as if it had one input channel, a layer kind's outputs left out, …). The tests
build each mistake as a torch module (``bias=False``, ``affine=False``, buffers
summed, …) and compare the counts. :mod:`solutions.answers.checker` uses them to
name the slip in a reader's formula.

>>> rows = colour_cnn_rows()
>>> totals = count_totals(rows)
>>> totals["weights"]
9*NC**2 + 9*NC*NF + 72*NF**2 + 9*NF
>>> evaluate(totals["learnable"])
86784
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypeAlias

import sympy

from solutions.answers.common import positive_int
from solutions.answers.validation import instance, sequence
from solutions.answers.conv_shapes import conv_output_size

NF, NC = sympy.symbols("NF NC", integer=True, positive=True)
DEFAULTS = {NF: 32, NC: 24}  # the assignment's num_filters and num_colours

Amount: TypeAlias = sympy.Expr | int  # a count in symbols (NF, NC) or a number
Values: TypeAlias = dict[sympy.Symbol, Amount]  # what to put for the symbols
Channels: TypeAlias = Callable[[Amount, Amount, int], Amount]  # (nf, nc, input channels) → channels


@dataclass(frozen=True)
class LayerRow:
    """One layer, counted for one image (see the module docstring for conventions)."""

    name: str  # torch's module name, e.g. "downconv1.conv"
    kind: str  # conv | maxpool | upsample | batchnorm | relu
    output_shape: tuple[Amount, ...]  # (C, H, W)
    weights: Amount = 0
    biases: Amount = 0
    bn_params: Amount = 0
    bn_buffers: Amount = 0
    outputs: Amount = 0
    connections: Amount = 0

    def subs(self, values: Values) -> LayerRow:
        """The row with symbols replaced by ``values`` (integers become ``int``)."""
        changed: dict[str, Any] = {
            f.name: _subs(getattr(self, f.name), values)
            for f in fields(self)
            if f.name not in ("name", "kind", "output_shape")
        }
        shape = tuple(_subs(x, values) for x in self.output_shape)
        return replace(self, output_shape=shape, **changed)


def _subs(value: Amount, values: Values) -> Amount:
    expr = sympy.sympify(value).subs(values)
    return int(expr) if expr.is_Integer else sympy.expand(expr)


# Block plans: (name, input channels, output channels, resampling). Channels are
# functions of (nf, nc, c_in) so that one plan serves symbols and numbers.
_CNN_PLAN: list[tuple[str, Channels, Channels, str | None]] = [
    ("downconv1", lambda nf, nc, ci: ci, lambda nf, nc, ci: nf, "pool"),
    ("downconv2", lambda nf, nc, ci: nf, lambda nf, nc, ci: 2 * nf, "pool"),
    ("rfconv", lambda nf, nc, ci: 2 * nf, lambda nf, nc, ci: 2 * nf, None),
    ("upconv1", lambda nf, nc, ci: 2 * nf, lambda nf, nc, ci: nf, "upsample"),
    ("upconv2", lambda nf, nc, ci: nf, lambda nf, nc, ci: nc, "upsample"),
    ("finalconv", lambda nf, nc, ci: nc, lambda nf, nc, ci: nc, "final"),
]
# The UNet reads concatenations: [rfconv, downconv2], [upconv1, downconv1], [upconv2, input].
_UNET_IN: dict[str, Channels] = {
    "upconv1": lambda nf, nc, ci: 4 * nf,
    "upconv2": lambda nf, nc, ci: 2 * nf,
    "finalconv": lambda nf, nc, ci: nc + ci,
}


def size_argument(name: str, value: object) -> sympy.Expr | int:
    """``value`` if it is an integer ≥ 1 or a sympy symbol, else ``ValueError`` naming ``name``.

    Strings are refused (sympify would evaluate them), and so are ``bool``,
    floats, zero and negatives.

    >>> size_argument("num_filters", NF), size_argument("num_filters", 32)
    (NF, 32)
    >>> size_argument("num_filters", "NF")
    Traceback (most recent call last):
    ValueError: num_filters must be a positive integer or a sympy symbol, got 'NF'
    """
    if isinstance(value, sympy.Symbol):
        if value.is_positive is False or value.is_integer is False:  # a size is a whole number ≥ 1
            declared = "not positive" if value.is_positive is False else "not an integer"
            raise ValueError(
                f"{name} must be a positive integer or a sympy symbol that may be one, "
                f"got {value!r} (declared {declared})"
            )
        return value
    try:
        return positive_int(name, value)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer or a sympy symbol, got {value!r}") from None


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def colour_cnn_rows(
    num_filters: Amount = NF,
    num_colours: Amount = NC,
    kernel: int = 3,
    height: int = 32,
    width: int = 32,
    in_channels: int = 1,
    model: str = "cnn",
    *,
    bias: bool = True,
    bn_affine: bool = True,
    one_input_channel: bool = False,
) -> list[LayerRow]:
    """Per-layer rows of the CNN (``model="cnn"``) or the UNet (``model="unet"``).

    The switches build the rows of a network with a mistake in it, as torch
    would count it: ``bias=False`` is ``Conv2d(..., bias=False)``,
    ``bn_affine=False`` is ``BatchNorm2d(..., affine=False)``, and
    ``one_input_channel=True`` reads every conv as ``Conv2d(1, C_out)`` (the
    slip "k²·C_out weights per conv").

    Spatial sizes follow :func:`conv_output_size` with padding ``kernel // 2``,
    so an even kernel grows each conv's output by one, exactly as torch does.

    >>> [r.name for r in colour_cnn_rows()][:4]
    ['downconv1.conv', 'downconv1.pool', 'downconv1.bn', 'downconv1.relu']
    >>> colour_cnn_rows()[0].connections
    9216*NF
    """
    if model not in ("cnn", "unet"):
        raise ValueError(f"model must be 'cnn' or 'unet', got {model!r}")
    num_filters = size_argument("num_filters", num_filters)
    num_colours = size_argument("num_colours", num_colours)
    for name, value in (("kernel", kernel), ("height", height), ("width", width), ("in_channels", in_channels)):
        positive_int(name, value)
    for name, value in (("bias", bias), ("bn_affine", bn_affine), ("one_input_channel", one_input_channel)):
        _flag(name, value)
    if model == "unet" and kernel % 2 == 0:
        raise ValueError(f"kernel must be odd for the UNet's skips to line up, got {kernel}")
    nf, nc = sympy.sympify(num_filters), sympy.sympify(num_colours)
    rows: list[LayerRow] = []
    h, w = height, width
    for name, c_in_of, c_out_of, resample in _CNN_PLAN:
        c_in = (_UNET_IN.get(name, c_in_of) if model == "unet" else c_in_of)(nf, nc, in_channels)
        c_out = c_out_of(nf, nc, in_channels)
        if one_input_channel:
            c_in = 1
        h = conv_output_size(h, kernel, padding=kernel // 2)
        w = conv_output_size(w, kernel, padding=kernel // 2)
        outputs = c_out * h * w
        conv_name = name if resample == "final" else f"{name}.conv"
        rows.append(
            LayerRow(
                conv_name,
                "conv",
                (c_out, h, w),
                weights=kernel * kernel * c_in * c_out,
                biases=c_out if bias else 0,
                outputs=outputs,
                connections=outputs * kernel * kernel * c_in,
            )
        )
        if resample == "final":
            break
        if resample == "pool":
            h, w = h // 2, w // 2
            if h < 1 or w < 1:
                raise ValueError(f"height/width: {height}×{width} is too small to pool at {name}")
            rows.append(LayerRow(f"{name}.pool", "maxpool", (c_out, h, w), outputs=c_out * h * w))
        elif resample == "upsample":
            h, w = 2 * h, 2 * w
            rows.append(LayerRow(f"{name}.upsample", "upsample", (c_out, h, w), outputs=c_out * h * w))
        rows.append(
            LayerRow(
                f"{name}.bn",
                "batchnorm",
                (c_out, h, w),
                bn_params=2 * c_out if bn_affine else 0,
                bn_buffers=2 * c_out,
                outputs=c_out * h * w,
            )
        )
        rows.append(LayerRow(f"{name}.relu", "relu", (c_out, h, w), outputs=c_out * h * w))
    return [r.subs({}) for r in rows]


BLOCK_ENDS = ("downconv1.relu", "downconv2.relu", "rfconv.relu", "upconv1.relu", "upconv2.relu", "finalconv")

# Each total under each convention, named as the book names it.
CONVENTIONS = {
    "weights": "conv kernel weights only",
    "biases": "conv biases",
    "bn_params": "BatchNorm γ and β",
    "bn_buffers": "BatchNorm running mean and variance (not learnable)",
    "learnable": "weights + biases + BatchNorm γ, β (torch's parameters)",
    "with_running_stats": "learnable + running statistics (the slip: buffers counted as weights)",
    "outputs_blocks": "outputs of the six blocks (after each ReLU, and finalconv)",
    "outputs_conv_resample": "outputs of convs, pools and upsamples (BN and ReLU not counted)",
    "outputs_all_layers": "outputs of every layer (conv, pool/upsample, BN, ReLU)",
    "connections": "multiply-accumulates of the convs (padding included)",
}


def count_totals(rows: Sequence[LayerRow]) -> dict[str, Amount]:
    """Totals of ``rows`` under every convention in :data:`CONVENTIONS`."""
    rows = sequence("rows", rows, lambda n, r: instance(n, r, LayerRow))

    def total(attr: str, keep: Callable[[LayerRow], bool] = lambda r: True) -> Amount:
        return sympy.expand(sum((getattr(r, attr) for r in rows if keep(r)), sympy.Integer(0)))

    t = {key: total(key) for key in ("weights", "biases", "bn_params", "bn_buffers", "connections")}
    t["learnable"] = sympy.expand(t["weights"] + t["biases"] + t["bn_params"])
    t["with_running_stats"] = sympy.expand(t["learnable"] + t["bn_buffers"])
    t["outputs_blocks"] = total("outputs", lambda r: r.name in BLOCK_ENDS)
    t["outputs_conv_resample"] = total("outputs", lambda r: r.kind in ("conv", "maxpool", "upsample"))
    t["outputs_all_layers"] = total("outputs")
    return t


def evaluate(expr: Amount, values: Values | None = None) -> int:
    """An expression at the assignment's defaults (NF=32, NC=24) or at ``values``.

    ``expr`` must be a sympy expression or an int: a string is refused, since
    sympify would evaluate it.
    """
    if isinstance(expr, bool) or not isinstance(expr, (sympy.Basic, int)):
        raise ValueError(f"expr must be a sympy expression or an integer, got {expr!r}")
    if values is not None and not isinstance(values, dict):
        raise ValueError(f"values must be a dict of symbols to numbers, got {values!r}")
    for symbol, value in (values or {}).items():
        if not isinstance(symbol, sympy.Symbol):
            raise ValueError(f"values must map sympy symbols to sizes, got the key {symbol!r}")
        size_argument(f"values[{symbol}]", value)
    value = sympy.sympify(expr).subs(DEFAULTS if values is None else values)
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ValueError(f"expr has no value there (a division by zero), got {expr!r}")
    if value.free_symbols:
        raise ValueError(
            f"values must give every symbol of the expression a size; "
            f"{', '.join(map(str, sorted(value.free_symbols, key=str)))} left"
        )
    if not value.is_Integer:
        raise ValueError(f"expr must be a whole number there, got {value}")
    return int(value)


def doubled_input_ratios() -> dict[str, sympy.Expr]:
    """Each total at 64×64 input divided by the same total at 32×32.

    >>> r = doubled_input_ratios()
    >>> r["learnable"], r["outputs_blocks"], r["connections"]
    (1, 4, 4)
    """
    base = count_totals(colour_cnn_rows())
    big = count_totals(colour_cnn_rows(height=64, width=64))
    return {k: sympy.simplify(big[k] / base[k]) for k in base if base[k] != 0}


def typical_answer() -> dict[str, sympy.Expr]:
    """The typical submitted answer's formulas (questions.md), as it wrote its totals.

    Its outputs working typed 32·32·NC as "1204NC" in two terms, but the total it
    wrote, 2368NF + 2304NC, uses 1024: the typo never reached the answer, so it is
    not charged. The doubled-input answers: weights unchanged, the others ×4.
    """
    weights = 33 * NF + 72 * NF**2 + 9 * NF * NC + 9 * NC**2 + 4 * NC
    connections = 9216 * NF + 8064 * NF**2 + 2304 * NF * NC + 9216 * NC**2
    outputs = 2368 * NF + 2304 * NC
    return {
        "weights": weights,
        "connections": connections,
        "outputs": outputs,
        "weights_doubled": weights,
        "connections_doubled": 4 * connections,
        "outputs_doubled": 4 * outputs,
    }


# ---------------------------------------------------------------- counts with switches

ALL_KINDS = ("conv", "maxpool", "upsample", "batchnorm", "relu")
SUMMED = ("weights", "biases", "bn_params", "bn_buffers", "outputs", "connections")


@dataclass(frozen=True)
class Count:
    """What one total adds up, for :func:`total`.

    ``fields``: the :class:`LayerRow` fields summed; ``layers``: the rows summed
    (a row counts when its kind or its name is listed; ``None``: every row);
    ``bias``, ``bn_affine``, ``one_input_channel``: how the rows are built (see
    :func:`colour_cnn_rows`); ``side``: the input's height and width; ``factor``:
    a multiplier (only a slip uses one: "×4 for the doubled input").
    """

    fields: tuple[str, ...]
    layers: tuple[str, ...] | None = None
    bias: bool = True
    bn_affine: bool = True
    one_input_channel: bool = False
    side: int = 32
    factor: int = 1

    def __post_init__(self) -> None:
        bad = [f for f in self.fields if f not in SUMMED]
        if not self.fields or bad:
            raise ValueError(f"fields must be some of {SUMMED}, got {self.fields!r}")
        positive_int("side", self.side)
        positive_int("factor", self.factor)


def total(count: Count, num_filters: Amount = NF, num_colours: Amount = NC) -> Amount:
    """The CNN's total under ``count``, in NF and NC (or at numbers).

    >>> total(Count(("weights", "biases", "bn_params")))
    9*NC**2 + 9*NC*NF + 4*NC + 72*NF**2 + 27*NF
    >>> total(Count(("weights", "biases", "bn_params"), bias=False), 32, 24)   # 86,784 − 240
    86544
    """
    if not isinstance(count, Count):
        raise ValueError(f"count must be a Count, got {count!r}")
    rows = colour_cnn_rows(
        num_filters,
        num_colours,
        height=count.side,
        width=count.side,
        bias=count.bias,
        bn_affine=count.bn_affine,
        one_input_channel=count.one_input_channel,
    )
    keep = [r for r in rows if count.layers is None or r.kind in count.layers or r.name in count.layers]
    value = sum((getattr(r, f) for r in keep for f in count.fields), sympy.Integer(0))
    value = sympy.expand(count.factor * value)
    return int(value) if value.is_Integer else value


@dataclass(frozen=True)
class Quantity:
    """One checkable 1(c) answer: the book's count and the other accepted conventions."""

    key: str  # e.g. "parameters", "outputs_doubled"
    label: str
    answer: Count
    conventions: tuple[tuple[str, Count], ...] = ()  # also right, under another stated convention


_PARAMS = ("weights", "biases", "bn_params")
_CONV_RESAMPLE = ("conv", "maxpool", "upsample")
_BLOCKS = ("relu", "finalconv")


def _quantities(side: int, suffix: str, words: str) -> list[Quantity]:
    return [
        Quantity("weights" + suffix, "weights (conv kernel entries)" + words, Count(("weights",), side=side)),
        Quantity(
            "parameters" + suffix,
            "learnable parameters (weights, biases, BatchNorm γ, β)" + words,
            Count(_PARAMS, side=side),
        ),
        Quantity(
            "outputs" + suffix,
            "outputs (every layer's output elements)" + words,
            Count(("outputs",), side=side),
            (
                (
                    "convs, pools and upsamples only (BatchNorm and ReLU outputs not counted)",
                    Count(("outputs",), _CONV_RESAMPLE, side=side),
                ),
                ("block outputs only (after each ReLU, and finalconv)", Count(("outputs",), _BLOCKS, side=side)),
            ),
        ),
        Quantity(
            "connections" + suffix,
            "connections (multiply-accumulates of the convs)" + words,
            Count(("connections",), side=side),
        ),
    ]


QUANTITIES: dict[str, Quantity] = {
    q.key: q for q in _quantities(32, "", "") + _quantities(64, "_doubled", ", 64×64 input")
}


@dataclass(frozen=True)
class SlipRule:
    """One common slip as a switch of :class:`Count`; ``apply`` returns None where it cannot occur."""

    name: str
    apply: Callable[[Count], Count | None]


def _without(layers: tuple[str, ...] | None, drop: tuple[str, ...]) -> tuple[str, ...] | None:
    current = ALL_KINDS if layers is None else layers
    if not set(drop) & set(current):
        return None
    return tuple(k for k in current if k not in drop)


def _add_field(c: Count, field: str, needs: str = "weights") -> Count | None:
    return replace(c, fields=c.fields + (field,)) if needs in c.fields and field not in c.fields else None


def _drop_kinds(c: Count, kinds: tuple[str, ...]) -> Count | None:
    if c.fields != ("outputs",):
        return None
    layers = _without(c.layers, kinds)
    return None if layers is None else replace(c, layers=layers)


SLIPS: tuple[SlipRule, ...] = (
    SlipRule("conv biases left out", lambda c: replace(c, bias=False) if "biases" in c.fields and c.bias else None),
    SlipRule(
        "BatchNorm γ, β left out",
        lambda c: replace(c, bn_affine=False) if "bn_params" in c.fields and c.bn_affine else None,
    ),
    SlipRule("conv biases counted as weights", lambda c: _add_field(c, "biases")),
    SlipRule("BatchNorm γ, β counted as weights", lambda c: _add_field(c, "bn_params")),
    SlipRule("BatchNorm running statistics counted", lambda c: _add_field(c, "bn_buffers")),
    SlipRule(
        "input channel forgotten (k²·C_out per conv, not k²·C_in·C_out)",
        lambda c: (
            replace(c, one_input_channel=True)
            if ("weights" in c.fields or "connections" in c.fields) and not c.one_input_channel
            else None
        ),
    ),
    SlipRule("pooling and upsampling outputs left out", lambda c: _drop_kinds(c, ("maxpool", "upsample"))),
    SlipRule("BatchNorm outputs left out", lambda c: _drop_kinds(c, ("batchnorm",))),
    SlipRule("ReLU outputs left out", lambda c: _drop_kinds(c, ("relu",))),
    SlipRule(
        "the 32×32 count given for the 64×64 input (not ×4)",
        lambda c: replace(c, side=32) if c.side == 64 and c.fields in (("outputs",), ("connections",)) else None,
    ),
    SlipRule(
        "×4 for the 64×64 input (kernels do not depend on the image size)",
        lambda c: (
            replace(c, factor=4)
            if c.side == 64 and "outputs" not in c.fields and "connections" not in c.fields and c.factor == 1
            else None
        ),
    ),
)


def slip_variants(count: Count, depth: int = 3) -> list[tuple[tuple[str, ...], Count]]:
    """Every combination of up to ``depth`` slips that applies to ``count``, fewest first.

    >>> [names for names, _ in slip_variants(Count(("weights", "biases", "bn_params")), 1)]
    [('conv biases left out',), ('BatchNorm γ, β left out',), ('BatchNorm running statistics counted',),
     ('input channel forgotten (k²·C_out per conv, not k²·C_in·C_out)',)]
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise ValueError(f"depth must be a non-negative integer, got {depth!r}")
    instance("count", count, Count)
    found: list[tuple[tuple[str, ...], Count]] = []
    frontier: list[tuple[tuple[str, ...], Count]] = [((), count)]
    for _ in range(depth):
        nxt = []
        for names, c in frontier:
            start = max((i for i, s in enumerate(SLIPS) if s.name in names), default=-1) + 1
            for rule in SLIPS[start:]:
                changed = rule.apply(c)
                if changed is not None:
                    nxt.append((names + (rule.name,), changed))
        found += nxt
        frontier = nxt
    return found
