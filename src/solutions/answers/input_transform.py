"""CSC413 PA2 1(d): what ``y = a·x + b`` on every input pixel does to the networks' logits.

The claim "no effect, BatchNorm normalises" holds for one case only: a > 0,
train-mode BatchNorm, and a network whose every path from the input passes a
BatchNorm. Each block is conv → (maxpool | upsample) → BatchNorm → ReLU, so
per case (``W*`` a convolution with zero padding, ``c`` its bias):

* a > 0, b = 0: ``W*(a x) + c = a (W*x) + c``; max-pool and upsampling commute
  with a positive factor; train-mode BN subtracts the batch mean (taking ``c``
  with it) and divides by the batch std, which is ``a`` times larger. The
  output is unchanged up to BN's ε (it divides by ``sqrt(a²·var + ε)``, not
  by ``a·sqrt(var + ε)``).
* b ≠ 0: ``W*(x + b) = W*x + b·S`` where ``S`` at each output position is the
  sum of the weights whose taps fall inside the image (:func:`padding_offset`).
  In the interior ``S`` is the sum of all weights, a per-channel constant that
  the batch mean removes; within the kernel's reach of the edge some taps read
  the zero padding, not ``b``, so the shift differs there and BN does not
  remove it. The batch mean and variance are taken over the border positions
  too, so the whole channel is renormalised differently: the interior moves as
  well, and the border disturbance spreads inwards through the later layers
  (the CNN's receptive field covers nearly the whole image).
* a < 0: max-pool is not sign-symmetric, ``maxpool(a z) = a·minpool(z)``, so
  the first block keeps other values than before; BN cannot undo that.
* eval-mode BN uses the running statistics stored in training: it is a fixed
  affine map, so ``a`` and ``b`` pass straight through to the logits.
* UNet: finalconv also reads the raw input (a skip with no BN), so even in
  train mode the logits move by ``W_skip * ((a - 1) x + b)`` (zero padded).

:func:`measure` runs a model on ``x`` and on ``a·x + b`` and reports the
change of the logits on the border ring and in the interior, and its profile
by distance from the edge.

>>> import torch
>>> from solutions.experiments.models import ColourCNN
>>> _ = torch.manual_seed(0)
>>> x = torch.rand(4, 1, 8, 8)
>>> net = ColourCNN(num_filters=4, num_colours=3)
>>> scaled = measure(net, x, a=2.0, b=0.0, bn_mode="train")
>>> flipped = measure(net, x, a=-1.0, b=0.0, bn_mode="train")
>>> scaled.interior_mean < 0.01 * scaled.logit_scale < flipped.interior_mean
True
>>> len(scaled.profile)   # distances 0 to 3 from the edge of an 8×8 image
4
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
import dataclasses
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from solutions.answers.validation import instance, mapping, positive_int, sequence, text

BN_MODES = ("train", "eval")
# (a, b) shown on the page: rescalings, a shift, a sign flip, and the inversion y = 1 - x.
CASES: tuple[tuple[float, float], ...] = ((2.0, 0.0), (0.5, 0.0), (1.0, 0.2), (-1.0, 0.0), (-1.0, 1.0))
BATCH_SIZE = 100  # train-mode BN statistics over batches of this size, as in training


@dataclass(frozen=True)
class Effect:
    """The change of the logits when the input ``x`` becomes ``a·x + b``.

    ``*_max`` and ``*_mean``: max and mean of |Δ logits| over the region's pixels
    and all colour channels; ``*_changed``: % of the region's pixels whose
    predicted colour (argmax) changes. The border is the outer ring of width
    ``border``; the interior is the rest. ``profile[d]`` is the mean |Δ logits|
    at distance d from the edge (d = 0: the outermost ring).
    """

    model: str
    bn_mode: str
    a: float
    b: float
    border: int
    images: int
    stride: int  # input pixels per output pixel (1 for the networks, 2 after a pool)
    logit_scale: float  # mean |logits| of the untransformed input: what "tiny" is relative to
    interior_max: float
    interior_mean: float
    interior_changed: float
    border_max: float
    border_mean: float
    border_changed: float
    profile: tuple[float, ...]

    @property
    def interior_pct(self) -> float:
        """Mean |Δ logits| in the interior as a % of the mean |logits|."""
        return 100 * self.interior_mean / self.logit_scale

    @property
    def border_pct(self) -> float:
        """Mean |Δ logits| on the border as a % of the mean |logits|."""
        return 100 * self.border_mean / self.logit_scale


def edge_distance(height: int, width: int) -> torch.Tensor:
    """Each pixel's distance from the nearest edge, (H, W) int64.

    >>> edge_distance(3, 4).tolist()
    [[0, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    """
    height, width = positive_int("height", height), positive_int("width", width)
    i = torch.arange(height)[:, None]
    j = torch.arange(width)[None, :]
    return torch.minimum(torch.minimum(i, height - 1 - i), torch.minimum(j, width - 1 - j))


def padding_offset(weight: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Sum of the in-image weights at each output position, (C_out, H, W).

    A convolution with zero padding maps ``x + b`` to ``conv(x) + b·padding_offset``:
    constant in the interior, different where taps fall on the padding. With a
    3×3 kernel of ones: 9 inside, 6 on an edge, 4 in a corner.

    >>> padding_offset(torch.ones(1, 1, 3, 3), 3, 4)[0].tolist()
    [[4.0, 6.0, 6.0, 4.0], [6.0, 9.0, 9.0, 6.0], [4.0, 6.0, 6.0, 4.0]]
    """
    instance("weight", weight, torch.Tensor)
    if weight.dim() != 4 or not weight.is_floating_point() or weight.numel() == 0 or not torch.isfinite(weight).all():
        raise ValueError(
            f"weight must be a conv2d weight (C_out, C_in, k_h, k_w) of finite floats, got "
            f"{tuple(weight.shape)} {weight.dtype}"
        )
    height, width = positive_int("height", height), positive_int("width", width)
    ones = torch.ones(1, weight.shape[1], height, width, dtype=weight.dtype)
    k_h, k_w = weight.shape[-2:]
    return F.conv2d(ones, weight, padding=(k_h // 2, k_w // 2))[0]


def raw_input_convs(model: nn.Module) -> list[tuple[nn.Conv2d, slice]]:
    """The convolutions that read the raw input, with the input's channels among theirs.

    ``downconv1.conv`` (all its channels) and, in the UNet, ``finalconv``'s last
    ``in_channels − out_channels`` channels (the skip of the input image).
    """
    instance("model", model, nn.Module)
    first = getattr(getattr(model, "downconv1", None), "conv", None)
    if not isinstance(first, nn.Conv2d):
        raise ValueError(f"model must have a downconv1.conv (the CNN or the UNet), got {type(model).__name__}")
    convs = [(first, slice(0, first.in_channels))]
    final = getattr(model, "finalconv", None)
    if isinstance(final, nn.Conv2d) and final.in_channels > final.out_channels:
        convs.append((final, slice(final.out_channels, final.in_channels)))
    return convs


@torch.no_grad()
def undo_transform(model: nn.Module, a: float, b: float) -> nn.Module:
    """A copy of ``model`` that, fed ``y = a·x + b``, computes what ``model`` computes on ``x``.

    Every convolution that reads the raw input gets the weights ``W/a`` on the
    input's channels and the bias ``c − (b/a)·ΣW`` (Σ over those weights). The
    copy reproduces ``model`` exactly where no tap reads the zero padding; at the
    border the padding of ``y`` is 0, which in ``x``'s units is ``−b/a``, not 0.
    So with ``b = 0`` (any ``a ≠ 0``, negative too) it reproduces ``model``
    everywhere: a network trained on ``a·x`` can represent every function one
    trained on ``x`` can; with ``b ≠ 0`` only up to the border.

    >>> import torch
    >>> from solutions.experiments.models import ColourUNet
    >>> _ = torch.manual_seed(0)
    >>> net, x = ColourUNet(num_filters=4, num_colours=3).eval(), torch.rand(2, 1, 8, 8)
    >>> bool(torch.allclose(undo_transform(net, -2.0, 0.0)(-2.0 * x), net(x), atol=1e-5))
    True
    """
    for name, value in (("a", a), ("b", b)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if a == 0:
        raise ValueError("a must be non-zero (a = 0 erases the input), got 0")
    copy_ = copy.deepcopy(model)
    for conv, channels in raw_input_convs(copy_):
        w = conv.weight[:, channels]  # (C_out, C_raw, k, k)
        if conv.bias is None:
            raise ValueError("model: a convolution that reads the raw input has no bias to absorb b")
        conv.bias -= (b / a) * w.sum(dim=(1, 2, 3))
        conv.weight[:, channels] = w / a
    return copy_


def _check(
    model: nn.Module,
    x: torch.Tensor,
    cases: Sequence[tuple[float, float]],
    bn_modes: Sequence[str],
    border: int,
    batch_size: int,
    label: str | None,
) -> None:
    instance("model", model, nn.Module)
    if label is not None:
        text("label", label)
    bn_modes = sequence("bn_modes", bn_modes)
    cases = sequence("cases", cases, lambda n, c: sequence(n, c, min_length=2))
    if any(len(c) != 2 for c in cases):
        raise ValueError(f"cases must be (a, b) pairs, got {cases!r}")
    if any(a == 0 for a, _ in cases if isinstance(a, (int, float))):
        raise ValueError("cases must have a ≠ 0 (a = 0 erases the input)")
    for mode in bn_modes:
        if mode not in BN_MODES:
            raise ValueError(f"bn_mode must be one of {BN_MODES}, got {mode!r}")
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[1] != 1 or x.shape[0] < 1:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"x must be a greyscale batch of shape (N, 1, H, W), got {shape}")
    if not x.is_floating_point() or not torch.isfinite(x).all():
        raise ValueError(f"x must hold finite floats, got {x.dtype}{' with NaN or infinity' * x.is_floating_point()}")
    for a, b in cases:
        for name, value in (("a", a), ("b", b)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r} (in cases)")
    if isinstance(border, bool) or not isinstance(border, int) or border < 1 or 2 * border >= min(x.shape[-2:]):
        raise ValueError(
            f"border must be an integer from 1 to less than half of min(H, W) = "
            f"{min(x.shape[-2:])} (an interior must remain), got {border!r}"
        )
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")


def measure(
    model: nn.Module,
    x: torch.Tensor,
    a: float,
    b: float,
    bn_mode: str = "train",
    border: int = 1,
    batch_size: int = BATCH_SIZE,
    label: str | None = None,
) -> Effect:
    """How the logits of ``model`` change when ``x`` (N, 1, H, W) becomes ``a·x + b``.

    ``bn_mode="train"`` normalises with each batch's statistics (batches of
    ``batch_size``, the training batch size; ``x`` and ``a·x + b`` are cut into
    the same batches), ``"eval"`` with the running statistics. Either way the
    model runs as a deep copy, so its running statistics and mode stay as they were.
    """
    return measure_cases(model, x, [(a, b)], [bn_mode], border, batch_size, label)[0]


@torch.no_grad()
def measure_cases(
    model: nn.Module,
    x: torch.Tensor,
    cases: Sequence[tuple[float, float]] = CASES,
    bn_modes: Sequence[str] = BN_MODES,
    border: int = 1,
    batch_size: int = BATCH_SIZE,
    label: str | None = None,
) -> list[Effect]:
    """:func:`measure` for every (BN mode, case), in that order; runs ``x`` once per mode.

    ``model`` may be any module from (N, 1, H, W) to (N, C, H', W'), a single
    block too; border and distances are then those of its output.
    """
    _check(model, x, cases, bn_modes, border, batch_size, label)
    batches = torch.split(x, batch_size)
    effects = []
    for mode in bn_modes:
        net = copy.deepcopy(model).train(mode == "train")  # the caller's model is never touched
        before = [net(xb) for xb in batches]  # (B, C, H', W') each
        # Rings of the output (a block that pools has a smaller one than the input).
        dist = edge_distance(*before[0].shape[-2:]).flatten()  # (H'·W',)
        rings = int(dist.max()) + 1
        if border >= rings:
            raise ValueError(f"border must leave an interior in the {tuple(before[0].shape[-2:])} output, got {border}")
        count = torch.bincount(dist, minlength=rings).double() * len(x)  # pixels per ring
        stride = x.shape[-1] // before[0].shape[-1]
        scale = sum(l.abs().double().sum().item() for l in before) / (count.sum().item() * before[0].shape[1])
        for a, b in cases:
            mean_sum = torch.zeros(rings, dtype=torch.float64)  # Σ per-pixel mean |Δ| per ring
            max_ring = torch.zeros(rings, dtype=torch.float64)
            changed = torch.zeros(rings, dtype=torch.float64)
            for xb, old in zip(batches, before):
                new = net(a * xb + b)
                delta = (new - old).abs().flatten(2)  # (B, C, H·W)
                flips = (new.argmax(1) != old.argmax(1)).flatten(1)  # (B, H·W)
                mean_sum.index_add_(0, dist, delta.mean(1).sum(0).double())
                changed.index_add_(0, dist, flips.sum(0).double())
                pixel_max = delta.amax(dim=(0, 1)).double()  # (H·W,)
                max_ring = torch.maximum(max_ring, torch.stack([pixel_max[dist == d].max() for d in range(rings)]))

            def region(rows: slice) -> tuple[float, float, float]:
                n = count[rows].sum()  # noqa: B023  region() runs in the iteration that defines it
                return (
                    float(max_ring[rows].max()),  # noqa: B023
                    float(mean_sum[rows].sum() / n),  # noqa: B023
                    float(100 * changed[rows].sum() / n),  # noqa: B023
                )

            effects.append(
                Effect(
                    label or type(model).__name__,
                    mode,
                    float(a),
                    float(b),
                    border,
                    len(x),
                    stride,
                    scale,
                    *region(slice(border, None)),
                    *region(slice(0, border)),
                    tuple((mean_sum / count).tolist()),
                )
            )
    return effects


@dataclass(frozen=True)
class ProbeConfig:
    """The test-time measurement of CSC413 1(d): which networks, images, cases and BN modes.

    ``images``: the first validation images (enough for stable means);
    ``profile_case``: the case also measured on the CNN's first block alone.
    """

    models: tuple[str, ...] = ("cnn", "unet")
    images: int = 200
    cases: tuple[tuple[float, float], ...] = CASES
    bn_modes: tuple[str, ...] = BN_MODES
    profile_case: tuple[float, float] = (1.0, 0.2)

    def __post_init__(self) -> None:
        if isinstance(self.images, bool) or not isinstance(self.images, int) or self.images < 1:
            raise ValueError(f"images must be a positive integer, got {self.images!r}")
        if not self.models or not all(isinstance(m, str) and m for m in self.models):
            raise ValueError(f"models must be a non-empty tuple of names, got {self.models!r}")


def probe(models: dict[str, nn.Module], x: torch.Tensor, config: ProbeConfig) -> dict[str, object]:
    """:func:`measure_cases` of every model of ``config`` on the first ``config.images`` of ``x``,
    and the first block of the first model (``downconv1``) under ``config.profile_case``:
    a JSON-ready record that :func:`probe_effects` reads back.
    """
    instance("config", config, ProbeConfig)
    mapping("models", models)
    missing = [m for m in config.models if m not in models]
    if missing:
        raise ValueError(f"models must hold {', '.join(config.models)}; missing {', '.join(missing)}")
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or len(x) < config.images:
        raise ValueError(
            f"x must be a batch of at least {config.images} images, got "
            f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}"
        )
    x = x[: config.images]
    rows = []
    for name in config.models:
        rows += measure_cases(models[name], x, config.cases, config.bn_modes, label=name)
    first_name = config.models[0]
    first = measure(
        models[first_name].get_submodule("downconv1"), x, *config.profile_case, "train", label=f"{first_name} downconv1"
    )
    return {"effects": [dataclasses.asdict(r) for r in rows], "first": dataclasses.asdict(first)}


def probe_effects(record: Mapping[str, Any]) -> tuple[tuple[Effect, ...], Effect]:
    """The effects of a :func:`probe` record (as stored): every (model, mode, case), and the first block's."""

    def effect(d: Mapping[str, Any]) -> Effect:
        return Effect(**{**d, "profile": tuple(d["profile"])})

    mapping("record", record)
    try:
        return tuple(effect(d) for d in record["effects"]), effect(record["first"])
    except (TypeError, KeyError) as err:
        raise ValueError(f"record must be a probe record with effects and first, got {err!r}") from None
