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

>>> rows = colour_cnn_rows()
>>> totals = count_totals(rows)
>>> totals["weights"]
9*NC**2 + 9*NC*NF + 72*NF**2 + 9*NF
>>> evaluate(totals["learnable"])
86784
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import sympy

from solutions.answers.conv_shapes import conv_output_size

NF, NC = sympy.symbols("NF NC", integer=True, positive=True)
DEFAULTS = {NF: 32, NC: 24}  # the assignment's num_filters and num_colours

Count = sympy.Expr | int


@dataclass(frozen=True)
class LayerRow:
    """One layer, counted for one image (see the module docstring for conventions)."""

    name: str                          # torch's module name, e.g. "downconv1.conv"
    kind: str                          # conv | maxpool | upsample | batchnorm | relu
    output_shape: tuple[Count, ...]    # (C, H, W)
    weights: Count = 0
    biases: Count = 0
    bn_params: Count = 0
    bn_buffers: Count = 0
    outputs: Count = 0
    connections: Count = 0

    def subs(self, values: dict) -> "LayerRow":
        """The row with symbols replaced by ``values`` (integers become ``int``)."""
        changed = {f.name: _subs(getattr(self, f.name), values) for f in fields(self)
                   if f.name not in ("name", "kind", "output_shape")}
        shape = tuple(_subs(x, values) for x in self.output_shape)
        return replace(self, output_shape=shape, **changed)


def _subs(value: Count, values: dict) -> Count:
    expr = sympy.sympify(value).subs(values)
    return int(expr) if expr.is_Integer else sympy.expand(expr)


# Block plans: (name, input channels, output channels, resampling). Channels are
# functions of (nf, nc, c_in) so that one plan serves symbols and numbers.
_CNN_PLAN = [
    ("downconv1", lambda nf, nc, ci: ci, lambda nf, nc, ci: nf, "pool"),
    ("downconv2", lambda nf, nc, ci: nf, lambda nf, nc, ci: 2 * nf, "pool"),
    ("rfconv", lambda nf, nc, ci: 2 * nf, lambda nf, nc, ci: 2 * nf, None),
    ("upconv1", lambda nf, nc, ci: 2 * nf, lambda nf, nc, ci: nf, "upsample"),
    ("upconv2", lambda nf, nc, ci: nf, lambda nf, nc, ci: nc, "upsample"),
    ("finalconv", lambda nf, nc, ci: nc, lambda nf, nc, ci: nc, "final"),
]
# The UNet reads concatenations: [rfconv, downconv2], [upconv1, downconv1], [upconv2, input].
_UNET_IN = {
    "upconv1": lambda nf, nc, ci: 4 * nf,
    "upconv2": lambda nf, nc, ci: 2 * nf,
    "finalconv": lambda nf, nc, ci: nc + ci,
}


def colour_cnn_rows(num_filters: Count = NF, num_colours: Count = NC, kernel: int = 3,
                    height: int = 32, width: int = 32, in_channels: int = 1,
                    model: str = "cnn") -> list[LayerRow]:
    """Per-layer rows of the CNN (``model="cnn"``) or the UNet (``model="unet"``).

    Spatial sizes follow :func:`conv_output_size` with padding ``kernel // 2``,
    so an even kernel grows each conv's output by one, exactly as torch does.

    >>> [r.name for r in colour_cnn_rows()][:4]
    ['downconv1.conv', 'downconv1.pool', 'downconv1.bn', 'downconv1.relu']
    >>> colour_cnn_rows()[0].connections
    9216*NF
    """
    if model not in ("cnn", "unet"):
        raise ValueError(f"model must be 'cnn' or 'unet', got {model!r}")
    for name, value in (("kernel", kernel), ("height", height), ("width", width),
                        ("in_channels", in_channels)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if model == "unet" and kernel % 2 == 0:
        raise ValueError(f"kernel must be odd for the UNet's skips to line up, got {kernel}")
    nf, nc = sympy.sympify(num_filters), sympy.sympify(num_colours)
    rows: list[LayerRow] = []
    h, w = height, width
    for name, c_in_of, c_out_of, resample in _CNN_PLAN:
        c_in = (_UNET_IN.get(name, c_in_of) if model == "unet" else c_in_of)(nf, nc, in_channels)
        c_out = c_out_of(nf, nc, in_channels)
        h = conv_output_size(h, kernel, padding=kernel // 2)
        w = conv_output_size(w, kernel, padding=kernel // 2)
        outputs = c_out * h * w
        conv_name = name if resample == "final" else f"{name}.conv"
        rows.append(LayerRow(conv_name, "conv", (c_out, h, w),
                             weights=kernel * kernel * c_in * c_out, biases=c_out,
                             outputs=outputs, connections=outputs * kernel * kernel * c_in))
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
        rows.append(LayerRow(f"{name}.bn", "batchnorm", (c_out, h, w), bn_params=2 * c_out,
                             bn_buffers=2 * c_out, outputs=c_out * h * w))
        rows.append(LayerRow(f"{name}.relu", "relu", (c_out, h, w), outputs=c_out * h * w))
    return [r.subs({}) for r in rows]


BLOCK_ENDS = ("downconv1.relu", "downconv2.relu", "rfconv.relu", "upconv1.relu",
              "upconv2.relu", "finalconv")

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


def count_totals(rows: list[LayerRow]) -> dict[str, Count]:
    """Totals of ``rows`` under every convention in :data:`CONVENTIONS`."""
    def total(attr: str, keep=lambda r: True) -> Count:
        return sympy.expand(sum((getattr(r, attr) for r in rows if keep(r)), sympy.Integer(0)))

    t = {key: total(key) for key in ("weights", "biases", "bn_params", "bn_buffers", "connections")}
    t["learnable"] = sympy.expand(t["weights"] + t["biases"] + t["bn_params"])
    t["with_running_stats"] = sympy.expand(t["learnable"] + t["bn_buffers"])
    t["outputs_blocks"] = total("outputs", lambda r: r.name in BLOCK_ENDS)
    t["outputs_conv_resample"] = total("outputs", lambda r: r.kind in ("conv", "maxpool", "upsample"))
    t["outputs_all_layers"] = total("outputs")
    return t


def evaluate(expr: Count, values: dict | None = None) -> int:
    """An expression at the assignment's defaults (NF=32, NC=24) or at ``values``."""
    return int(sympy.sympify(expr).subs(DEFAULTS if values is None else values))


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
    """The typical submitted answer's formulas (questions.md), for the pitfall box."""
    return {
        "weights": 33 * NF + 72 * NF**2 + 9 * NF * NC + 9 * NC**2 + 4 * NC,
        "connections": 9216 * NF + 8064 * NF**2 + 2304 * NF * NC + 9216 * NC**2,
        "outputs": 2368 * NF + 2304 * NC,
        # 32·32·NC typed as 1204·NC in the two terms where it appears
        "outputs_as_typed": 2368 * NF + 256 * NC + 2 * 1204 * NC,
    }


@dataclass(frozen=True)
class Slip:
    """A common mistake: what it gives, what is right, at NF=32, NC=24."""

    slip: str
    wrong: int
    right: int

    @property
    def difference(self) -> int:
        return self.wrong - self.right


def pitfalls() -> list[Slip]:
    """The common slips in Part 1(c), each evaluated at the defaults.

    >>> [s.wrong - s.right for s in pitfalls()][:2]
    [-240, 432]
    """
    rows = colour_cnn_rows()
    t = count_totals(rows)
    conv = [r for r in rows if r.kind == "conv"]
    # Forgetting the input channel: k²·C_out per conv instead of k²·C_in·C_out.
    k2 = 9  # kernel 3 at the defaults
    no_cin_weights = sum(k2 * r.output_shape[0] for r in conv)
    no_cin_connections = sum(r.outputs * k2 for r in conv)
    typ = typical_answer()
    return [
        Slip("biases forgotten (weights + BN γ, β only)", evaluate(t["learnable"] - t["biases"]),
             evaluate(t["learnable"])),
        Slip("running mean/var counted as weights", evaluate(t["with_running_stats"]),
             evaluate(t["learnable"])),
        Slip("typical answer's weight formula (both slips at once)", evaluate(typ["weights"]),
             evaluate(t["learnable"])),
        Slip("input channel forgotten in conv weights (k²·C_out)", evaluate(no_cin_weights),
             evaluate(t["weights"])),
        Slip("input channel forgotten in connections", evaluate(no_cin_connections),
             evaluate(t["connections"])),
        Slip("32·32·NC typed as 1204·NC (twice)", evaluate(typ["outputs_as_typed"]),
             evaluate(t["outputs_conv_resample"])),
    ]
