"""What fine-tuning costs, measured: memory and FLOPs against depth and resolution.

A model is a *body* of ``n`` equal layers (the pre-trained part) and a *head*
(the last layer). Three fine-tuning modes:

- ``"full"``: every parameter is trained;
- ``"last_requires_grad"``: the body's parameters have ``requires_grad=False``;
- ``"last_no_grad"``: as above, and the body also runs under ``torch.no_grad()``.

Three architectures:

- ``"mlp"``: ``n`` × (Linear d→d, ReLU), head Linear d→classes;
- ``"conv"``: ``n`` × (Conv2d c→c 3×3 padding 1, ReLU), head a 1×1 Conv2d
  c→classes: fully convolutional, so no parameter depends on the resolution;
- ``"conv_flatten"``: the same body, head Flatten → Linear(c·r², classes),
  whose weights grow ×4 when the side ``r`` doubles.

:func:`measure` reports one :class:`Cost` row: bytes of parameters, gradients,
optimizer state (from :mod:`solutions.answers.training_memory`), activations saved for
backward, and forward and backward FLOPs (``torch.utils.flop_counter``).

>>> c = measure("mlp", "full", n=1, width=4, batch=2, classes=3)
>>> c.parameters, c.gradients, c.saved_activations, c.forward_flops, c.backward_flops
(140, 140, 64, 112, 160)
>>> c = measure("mlp", "last_no_grad", n=1, width=4, batch=2, classes=3)
>>> c.parameters, c.gradients, c.saved_activations, c.forward_flops, c.backward_flops
(140, 60, 32, 112, 48)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypedDict, Unpack

import numpy as np
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from solutions.answers.validation import array, instance, number, sequence
from solutions.answers.threads import one_thread
from solutions.answers.training_memory import (
    gradient_bytes,
    optimizer_state_bytes,
    parameter_bytes,
    saved_activation_bytes,
)
import itertools

MODES = ("full", "last_requires_grad", "last_no_grad")
ARCHS = ("mlp", "conv", "conv_flatten")
DEPTHS = (1, 2, 4, 8, 16, 32, 64)
SIDE_FACTORS = (1, 2, 4)  # resolution ×1, ×2, ×4 per side
DEFAULT_WIDTH = {"mlp": 32, "conv": 8, "conv_flatten": 8}
DEFAULT_RESOLUTION = 8  # side of the conv models' input
FIT_FROM = 8  # depth slopes are fitted on n ≥ FIT_FROM (asymptotic regime)

# The measured components, in display order: Cost field → label.
COMPONENTS = {
    "parameters": "parameters",
    "head_parameters": "last-layer parameters",
    "gradients": "parameter gradients",
    "sgd_state": "SGD state",
    "momentum_state": "SGD-momentum state",
    "adam_state": "Adam state",
    "saved_activations": "saved activations",
    "forward_flops": "forward FLOPs",
    "backward_flops": "backward FLOPs",
}

# The answer to 3(d): each component's exponent in n (n^1, n^0; None: always 0 bytes),
# fine-tuning everything vs the last layer only.
CLAIMED_EXPONENT = {
    "parameters": (1, 1),  # the frozen weights are still needed for the forward pass
    "head_parameters": (0, 0),
    "gradients": (1, 0),
    "sgd_state": (None, None),
    "momentum_state": (1, 0),
    "adam_state": (1, 0),
    "saved_activations": (1, 0),  # a frozen prefix records no graph
    "forward_flops": (1, 1),
    "backward_flops": (1, 0),
}
SLOPE_TOLERANCE = 0.1

# The answer to 3(e) for the fully convolutional model: each component's exponent in the input's
# side r (H = W = r), in every mode, so doubling H and W multiplies it by 2 ** exponent (None:
# always 0 bytes). Only a flatten→linear head would make a weight depend on r (its weights ∝ r²).
CLAIMED_SIDE_EXPONENT = {
    "parameters": 0,
    "head_parameters": 0,
    "gradients": 0,
    "sgd_state": None,
    "momentum_state": 0,
    "adam_state": 0,
    "saved_activations": 2,  # every feature map has r² positions
    "forward_flops": 2,  # every conv runs at r² positions
    "backward_flops": 2,
}


def agrees(slope: float | None, exponent: int | None, tol: float = SLOPE_TOLERANCE) -> bool:
    """Whether a measured slope matches a claimed exponent (both ``None``: a 0-byte item).

    >>> agrees(0.98, 1), agrees(0.0, 1), agrees(None, None), agrees(0.0, None)
    (True, False, True, False)
    """
    slope = None if slope is None else number("slope", slope)
    if exponent is not None and (isinstance(exponent, bool) or not isinstance(exponent, int) or exponent < 0):
        raise ValueError(f"exponent must be a whole number ≥ 0 or None, got {exponent!r}")
    tol = number("tol", tol, minimum=0, strict=True)
    if slope is None or exponent is None:
        return slope is None and exponent is None
    return abs(slope - exponent) <= tol


def _fits(name: str, model: nn.Module, example: torch.Tensor) -> torch.Tensor:
    """``example`` if it is a non-empty float batch without NaN (the model's forward pass tells
    the rest: a shape it cannot take is a ValueError naming ``name``)."""
    if example.numel() == 0 or not example.is_floating_point() or not torch.isfinite(example).all():
        raise ValueError(
            f"{name} must be a non-empty batch of finite floats, got {tuple(example.shape)} {example.dtype}"
        )
    return example


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int ≥ 1, got {value!r}")
    return value


def _check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


class FineTuned(nn.Module):
    """A body and a head; with ``no_grad_body`` the body runs under ``torch.no_grad()``."""

    def __init__(self, body: nn.Module, head: nn.Module, no_grad_body: bool = False):
        super().__init__()
        self.body, self.head, self.no_grad_body = body, head, no_grad_body

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.no_grad_body:
            with torch.no_grad():
                x = self.body(x)
        else:
            x = self.body(x)
        out: torch.Tensor = self.head(x)
        return out


def build(
    arch: str, mode: str, n: int, width: int | None = None, resolution: int = DEFAULT_RESOLUTION, classes: int = 10
) -> FineTuned:
    """The model of ``arch`` with ``n`` body layers, set up for fine-tuning ``mode``.

    ``width`` is d (MLP) or c (conv); ``resolution``, the input's side, only
    matters to the flatten head (the MLP and the fully convolutional model
    have no parameter that depends on it).

    >>> m = build("conv", "last_requires_grad", n=2, width=3, resolution=5)
    >>> [p.requires_grad for p in m.parameters()]
    [False, False, False, False, True, True]
    """
    _check_choice("arch", arch, ARCHS)
    _check_choice("mode", mode, MODES)
    _positive_int("n", n)
    width = _positive_int("width", DEFAULT_WIDTH[arch] if width is None else width)
    _positive_int("resolution", resolution)
    _positive_int("classes", classes)
    torch.manual_seed(0)  # figures do not depend on the values, but keep runs identical
    if arch == "mlp":
        layers: list[nn.Module] = [m for _ in range(n) for m in (nn.Linear(width, width), nn.ReLU())]
        head: nn.Module = nn.Linear(width, classes)
    else:
        layers = [m for _ in range(n) for m in (nn.Conv2d(width, width, 3, padding=1), nn.ReLU())]
        head = (
            nn.Conv2d(width, classes, 1)
            if arch == "conv"
            else nn.Sequential(nn.Flatten(), nn.Linear(width * resolution**2, classes))
        )
    model = FineTuned(nn.Sequential(*layers), head, no_grad_body=mode == "last_no_grad")
    if mode != "full":
        model.body.requires_grad_(False)
    return model


def example_input(
    arch: str, width: int | None = None, resolution: int = DEFAULT_RESOLUTION, batch: int = 2
) -> torch.Tensor:
    """A batch for ``arch``: ``(batch, width)`` or ``(batch, width, r, r)``."""
    _check_choice("arch", arch, ARCHS)
    width = _positive_int("width", DEFAULT_WIDTH[arch] if width is None else width)
    _positive_int("resolution", resolution)
    _positive_int("batch", batch)
    torch.manual_seed(1)
    shape = (batch, width) if arch == "mlp" else (batch, width, resolution, resolution)
    return torch.randn(shape)


@dataclass(frozen=True)
class Cost:
    """One measurement: bytes (float32) and FLOPs of one fine-tuning step."""

    arch: str
    mode: str
    n: int
    width: int
    resolution: int
    batch: int
    parameters: int  # all weights, frozen or not: the forward pass needs them
    head_parameters: int
    gradients: int  # .grad tensors after backward
    sgd_state: int
    momentum_state: int
    adam_state: int
    saved_activations: int  # what autograd keeps for backward (parameters excluded)
    forward_flops: int
    backward_flops: int

    @property
    def adam_memory(self) -> int:
        """Bytes held by a training step with Adam: weights, gradients, state, activations."""
        return self.parameters + self.gradients + self.adam_state + self.saved_activations


def flops(model: nn.Module, example: torch.Tensor) -> tuple[int, int]:
    """Forward and backward FLOPs of ``sum(model(example))``, each under its own counter.

    Leaves the parameters' ``.grad`` set, for :func:`gradient_bytes` to read.
    """
    instance("model", model, nn.Module)
    instance("example", example, torch.Tensor)
    example = _fits("example", model, example)
    with FlopCounterMode(display=False) as forward:
        try:
            loss = model(example).sum()
        except RuntimeError as err:  # a shape the model cannot take
            raise ValueError(
                f"example of shape {tuple(example.shape)} does not fit the model: {str(err).splitlines()[0]}"
            ) from None
    with FlopCounterMode(display=False) as backward:
        loss.backward()
    return forward.get_total_flops(), backward.get_total_flops()


def measure(
    arch: str,
    mode: str,
    n: int,
    width: int | None = None,
    resolution: int = DEFAULT_RESOLUTION,
    batch: int = 2,
    classes: int = 10,
) -> Cost:
    """Measure one fine-tuning step of the ``arch`` model with ``n`` body layers in ``mode``."""
    model = build(arch, mode, n, width, resolution, classes)
    x = example_input(arch, width, resolution, batch)
    with one_thread():
        forward_flops, backward_flops = flops(model, x)
        grads = gradient_bytes(model)
        model.zero_grad(set_to_none=True)
        state = {opt: optimizer_state_bytes(model, opt, x) for opt in ("sgd", "sgd_momentum", "adam")}
        saved = saved_activation_bytes(model, x)
    return Cost(
        arch,
        mode,
        n,
        x.shape[1],
        resolution,
        batch,
        parameters=parameter_bytes(model),
        head_parameters=parameter_bytes(model.head),
        gradients=grads,
        sgd_state=state["sgd"],
        momentum_state=state["sgd_momentum"],
        adam_state=state["adam"],
        saved_activations=saved,
        forward_flops=forward_flops,
        backward_flops=backward_flops,
    )


class SweepOptions(TypedDict, total=False):
    """The keyword arguments of :func:`measure` that :func:`resolution_sweep` passes on."""

    width: int | None
    batch: int
    classes: int


class MeasureOptions(SweepOptions, total=False):
    """The keyword arguments of :func:`measure` that :func:`depth_sweep` passes on."""

    resolution: int


def depth_sweep(
    arch: str, depths: Sequence[int] = DEPTHS, modes: Sequence[str] = MODES, **kwargs: Unpack[MeasureOptions]
) -> list[Cost]:
    """:func:`measure` for every depth and mode (``kwargs`` go to :func:`measure`)."""
    depths = sequence("depths", depths, _positive_int)
    modes = sequence("modes", modes, lambda n, m: _check_choice(n, m, MODES))
    return [measure(arch, mode, n, **kwargs) for mode in modes for n in depths]


def resolution_sweep(
    arch: str,
    n: int = 4,
    factors: Sequence[int] = SIDE_FACTORS,
    base: int = DEFAULT_RESOLUTION,
    modes: Sequence[str] = MODES,
    **kwargs: Unpack[SweepOptions],
) -> list[Cost]:
    """:func:`measure` at input side ``base × factor`` for every factor and mode."""
    factors = sequence("factors", factors, _positive_int)
    if any(b <= a for a, b in itertools.pairwise(factors)):
        raise ValueError(f"factors must increase, got {factors!r}")
    modes = sequence("modes", modes, lambda n, m: _check_choice(n, m, MODES))
    _positive_int("base", base)
    return [
        measure(arch, mode, n, resolution=base * _positive_int("factor", f), **kwargs)
        for mode in modes
        for f in factors
    ]


def fit_slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log y against log x; ``None`` when every y is 0.

    A component that is 0 throughout (SGD's state) has no slope rather than
    log 0; one that is constant gets exactly 0.0 (rounding removes float noise).

    >>> fit_slope([1, 2, 4], [3, 6, 12]), fit_slope([1, 2, 4], [5, 5, 5]), fit_slope([1, 2], [0, 0])
    (1.0, 0.0, None)
    """
    xs = tuple(array("xs", xs, ndim=1, dtype=float))
    ys = tuple(array("ys", ys, ndim=1, dtype=float))
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError(f"xs and ys must have the same length ≥ 2, got {len(xs)} and {len(ys)}")
    if all(y == 0 for y in ys):
        return None
    if any(y <= 0 for y in ys) or any(x <= 0 for x in xs):
        raise ValueError("a log-log fit needs positive xs and ys (or ys all 0)")
    slope = np.polyfit(np.log(xs), np.log(ys), 1)[0]
    return round(float(slope), 4) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass(frozen=True)
class Slope:
    """The log-log slope of one component in one mode (``None``: the component is 0)."""

    arch: str
    mode: str
    component: str
    slope: float | None


def slopes(rows: Sequence[Cost], x: str = "n", fit_from: int = 1) -> list[Slope]:
    """Slope of every component per (arch, mode), against ``x`` ("n" or "resolution").

    Only rows with ``x ≥ fit_from`` enter the fit.
    """
    rows = sequence("rows", rows, lambda n, r: instance(n, r, Cost))
    fit_from = _positive_int("fit_from", fit_from)
    _check_choice("x", x, ("n", "resolution"))
    out = []
    for arch, mode in dict.fromkeys((r.arch, r.mode) for r in rows):
        group = sorted(
            (r for r in rows if r.arch == arch and r.mode == mode and getattr(r, x) >= fit_from),
            key=lambda r: getattr(r, x),
        )
        xs = [getattr(r, x) for r in group]
        out += [Slope(arch, mode, c, fit_slope(xs, [getattr(r, c) for r in group])) for c in COMPONENTS]
    return out


def growth_per_doubling(slope: float | None) -> float | None:
    """The factor a quantity with log-log ``slope`` gains when x doubles.

    >>> growth_per_doubling(2.0), growth_per_doubling(None)
    (4.0, None)
    """
    slope = None if slope is None else number("slope", slope, minimum=-64, maximum=64)
    return None if slope is None else round(2.0**slope, 4)


# ------------------------------------------------------------ a real architecture: BERT-base


@dataclass(frozen=True)
class BertShape:
    """BERT-base's published shapes (Devlin et al. 2019, §3: L = 12, H = 768, A = 12, 110M
    parameters; vocabulary 30,522 WordPiece tokens, 512 positions, 2 segment types, FFN 4H).
    Built locally with torch.nn and random weights: only the shapes matter here."""

    layers: int = 12
    hidden: int = 768
    heads: int = 12
    ffn: int = 3072
    vocab: int = 30522
    positions: int = 512
    types: int = 2
    classes: int = 2  # the fine-tuning head: Linear(768, 2) on the pooled [CLS] vector
    seq: int = 128  # tokens per example (BERT's fine-tuning length in the paper's GLUE runs)


BERT_BASE = BertShape()
BERT_BATCHES = (1, 8, 32)


def _bert_parts(shape: BertShape = BERT_BASE, layers: int | None = None) -> dict[str, nn.Module]:
    """The parts of a BERT-base classifier: embeddings, encoder layers, pooler, classifier."""
    n = shape.layers if layers is None else _positive_int("layers", layers)
    h = shape.hidden
    return {
        "embeddings": nn.ModuleList(
            [
                nn.Embedding(shape.vocab, h),
                nn.Embedding(shape.positions, h),
                nn.Embedding(shape.types, h),
                nn.LayerNorm(h),
            ]
        ),
        "encoder": nn.Sequential(
            *(
                nn.TransformerEncoderLayer(h, shape.heads, shape.ffn, dropout=0.1, activation="gelu", batch_first=True)
                for _ in range(n)
            )
        ),
        "pooler": nn.Linear(h, h),
        "classifier": nn.Linear(h, shape.classes),
    }


def bert_parameters(layers: int | None = None, shape: BertShape = BERT_BASE) -> dict[str, tuple[int, int]]:
    """(parameters, parameter tensors) of each part, counted on the meta device (nothing allocated).

    >>> bert_parameters()["classifier"]
    (1538, 2)
    """
    instance("shape", shape, BertShape)
    with torch.device("meta"):
        parts = _bert_parts(shape, layers)
    return {k: (sum(p.numel() for p in m.parameters()), len(list(m.parameters()))) for k, m in parts.items()}


class _BertClassifier(nn.Module):
    def __init__(self, shape: BertShape, layers: int, no_grad_body: bool):
        super().__init__()
        parts = _bert_parts(shape, layers)
        self.embeddings, self.encoder = parts["embeddings"], parts["encoder"]
        self.pooler, self.classifier = parts["pooler"], parts["classifier"]
        self.no_grad_body = no_grad_body

    def body(self, tokens: torch.Tensor) -> torch.Tensor:
        word, position, segment, norm = self.embeddings.children()
        pos = torch.arange(tokens.shape[1])
        x = norm(word(tokens) + position(pos) + segment(torch.zeros_like(tokens)))  # (B, L, H)
        x = self.encoder(x)  # (B, L, H)
        return torch.tanh(self.pooler(x[:, 0]))  # (B, H)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        if self.no_grad_body:
            with torch.no_grad():
                pooled = self.body(tokens)
        else:
            pooled = self.body(tokens)
        logits: torch.Tensor = self.classifier(pooled)
        return logits


def bert_saved_bytes(mode: str, layers: int, batch: int, shape: BertShape = BERT_BASE) -> int:
    """Bytes autograd saves in one step of the BERT classifier, measured (real tensors)."""
    instance("shape", shape, BertShape)
    _check_choice("mode", mode, MODES)
    torch.manual_seed(0)
    model = _BertClassifier(shape, _positive_int("layers", layers), mode == "last_no_grad")
    model.train()  # dropout on, as in fine-tuning (its masks are saved too)
    if mode != "full":
        for part in (model.embeddings, model.encoder, model.pooler):
            part.requires_grad_(False)
    tokens = torch.randint(
        shape.vocab, (_positive_int("batch", batch), shape.seq), generator=torch.Generator().manual_seed(0)
    )
    with one_thread():
        return saved_activation_bytes(model, tokens)


@dataclass(frozen=True)
class Bill:
    """Bytes one fine-tuning step holds with Adam, item by item (weights, gradients, Adam's state,
    saved activations); transient working memory of the forward pass is not included."""

    mode: str
    batch: int
    frozen_weights: int
    trained_weights: int
    gradients: int
    adam_state: int
    saved_activations: int

    @property
    def total(self) -> int:
        return self.frozen_weights + self.trained_weights + self.gradients + self.adam_state + self.saved_activations

    def share(self, item: str) -> float:
        """An item's percentage of :attr:`total`."""
        items = {
            "frozen_weights": self.frozen_weights,
            "trained_weights": self.trained_weights,
            "gradients": self.gradients,
            "adam_state": self.adam_state,
            "saved_activations": self.saved_activations,
        }
        return 100 * items[_check_choice("item", item, tuple(items))] / self.total


@cache
def _saved_line(mode: str, shape: BertShape) -> tuple[int, int, int]:
    """Saved bytes of one image measured with 1 and 2 layers, and of 2 images with 1 layer.

    Measured with a 1,000-token vocabulary: an embedding saves only its indices, so the
    vocabulary's size changes no saved tensor (and the 30,522 × 768 table costs time to fill)."""
    shape = dataclasses.replace(shape, vocab=1000)
    return (
        bert_saved_bytes(mode, 1, 1, shape),
        bert_saved_bytes(mode, 2, 1, shape),
        bert_saved_bytes(mode, 1, 2, shape),
    )


def bert_saved_closed_form(mode: str, layers: int, batch: int, shape: BertShape = BERT_BASE) -> int:
    """Saved bytes for ``layers`` layers and ``batch`` images, from three small measurements
    (1 layer 1 image, 2 layers 1 image, 1 layer 2 images): a part that does not grow with the
    batch (the position indices, 8 bytes per token), plus per image a first layer and an equal
    increment per further layer. (Tests compare it with a direct measurement.)"""
    instance("shape", shape, BertShape)
    one, two, two_images = _saved_line(_check_choice("mode", mode, MODES), shape)
    fixed = 2 * one - two_images
    per_image = (one - fixed) + (_positive_int("layers", layers) - 1) * (two - one)
    return fixed + _positive_int("batch", batch) * per_image


def bert_bill(mode: str, batch: int, layers: int | None = None, shape: BertShape = BERT_BASE) -> Bill:
    """The Adam bill of fine-tuning BERT-base (``full``, or the classifier only)."""
    instance("shape", shape, BertShape)
    _check_choice("mode", mode, MODES)
    n = shape.layers if layers is None else layers
    counts = bert_parameters(n, shape)
    trained = [k for k in counts if mode == "full" or k == "classifier"]
    params = sum(counts[k][0] for k in trained)
    tensors = sum(counts[k][1] for k in trained)
    all_params = sum(c for c, _ in counts.values())
    return Bill(
        mode,
        _positive_int("batch", batch),
        frozen_weights=4 * (all_params - params),
        trained_weights=4 * params,
        gradients=4 * params,
        adam_state=4 * (2 * params + tensors),
        saved_activations=bert_saved_closed_form(mode, n, batch, shape),
    )


@dataclass(frozen=True)
class SweepsConfig:
    """The measurements the 3(d), 3(e) page shows: depth sweeps and resolution sweeps.

    Stored as ``c3de-sweeps`` (``solutions run c3de-sweeps``, seconds), so the book
    and ``solutions show`` read them instead of measuring.
    """

    depth_archs: tuple[str, ...] = ("mlp", "conv")
    resolution_archs: tuple[str, ...] = ("conv", "conv_flatten")
    resolution_n: int = 4  # body layers of the models doubled in resolution
    bert_modes: tuple[str, ...] = ("full", "last_no_grad")
    bert_batches: tuple[int, ...] = BERT_BATCHES

    def __post_init__(self) -> None:
        for name, choices in (("depth_archs", ARCHS), ("resolution_archs", ARCHS), ("bert_modes", MODES)):
            given = getattr(self, name)
            if not isinstance(given, tuple) or not given or any(a not in choices for a in given):
                raise ValueError(f"{name} must be a non-empty tuple of {choices}, got {given!r}")
        _positive_int("resolution_n", self.resolution_n)
        if not isinstance(self.bert_batches, tuple) or not self.bert_batches:
            raise ValueError(f"bert_batches must be a non-empty tuple, got {self.bert_batches!r}")
        for b in self.bert_batches:
            _positive_int("bert_batches", b)


def sweeps(config: SweepsConfig) -> dict[str, object]:
    """Every depth and resolution sweep of ``config``: a JSON-ready record (:func:`sweeps_from_record`)."""
    if not isinstance(config, SweepsConfig):
        raise ValueError(f"config must be a SweepsConfig, got {config!r}")
    depth = [r for a in config.depth_archs for r in depth_sweep(a)]
    res = [r for a in config.resolution_archs for r in resolution_sweep(a, n=config.resolution_n)]
    bills = [bert_bill(m, b) for m in config.bert_modes for b in config.bert_batches]
    return {
        "depth": [dataclasses.asdict(r) for r in depth],
        "resolution": [dataclasses.asdict(r) for r in res],
        "bert_bills": [dataclasses.asdict(b) for b in bills],
        "bert_parameters": {k: list(v) for k, v in bert_parameters().items()},
    }


@dataclass(frozen=True)
class Sweeps:
    """The stored 3(d), 3(e) measurements, read back (:func:`sweeps_from_record`)."""

    depth: tuple[Cost, ...]
    resolution: tuple[Cost, ...]
    bert_bills: dict[tuple[str, int], Bill]  # (mode, batch) → bill
    bert_parameters: dict[str, tuple[int, int]]  # part → (parameters, tensors)


def sweeps_from_record(record: Mapping[str, Any]) -> Sweeps:
    """The stored record of :func:`sweeps` read back."""
    try:
        bills = [Bill(**b) for b in record["bert_bills"]]
        return Sweeps(
            tuple(Cost(**row) for row in record["depth"]),
            tuple(Cost(**row) for row in record["resolution"]),
            {(b.mode, b.batch): b for b in bills},
            {k: (int(v[0]), int(v[1])) for k, v in record["bert_parameters"].items()},
        )
    except (KeyError, TypeError, IndexError, AttributeError) as e:
        raise ValueError(f"record is not a c3de-sweeps record: {e!r}") from None


__all__ = [
    "ARCHS",
    "CLAIMED_EXPONENT",
    "CLAIMED_SIDE_EXPONENT",
    "COMPONENTS",
    "Cost",
    "DEPTHS",
    "FineTuned",
    "MODES",
    "Slope",
    "agrees",
    "build",
    "depth_sweep",
    "example_input",
    "fit_slope",
    "flops",
    "growth_per_doubling",
    "measure",
    "BERT_BASE",
    "BERT_BATCHES",
    "Bill",
    "BertShape",
    "bert_bill",
    "bert_parameters",
    "bert_saved_bytes",
    "bert_saved_closed_form",
    "resolution_sweep",
    "slopes",
    "Sweeps",
    "SweepsConfig",
    "sweeps",
    "sweeps_from_record",
]
