"""The floating-point precision of a colourization run: fp32, or bf16 mixed precision.

Mixed precision as torch's automatic-mixed-precision recipe does it: the forward
pass — training steps, the per-epoch validation and the stored predictions —
runs under :func:`torch.autocast`, which computes the convolutions in bf16; the
weights, their gradients, Adam's state, BatchNorm's statistics and the loss
(autocast runs cross-entropy in fp32) stay in fp32. The backward pass computes in
the precision autocast chose for each forward operation.

An fp32 run is a plain :class:`~solutions.experiments.training.TrainConfig`: it
has no ``precision`` field, and its key's code hash does not cover this module,
so fp32 runs are keyed as they are without it. A bf16 run is a
:class:`MixedPrecisionConfig` (``precision`` is part of its config, so of its
key) whose code hash covers this module.

bf16 is refused on a CPU without bf16 instructions (``avx512_bf16`` or AMX): there
torch emulates it, several times slower than fp32. fp16 is refused everywhere:
it needs loss scaling inside the training step (``torch.amp.GradScaler``), which
the training loop does not do.

>>> with_precision(TrainConfig(model="unet", batch_size=5), "fp32") == TrainConfig(model="unet", batch_size=5)
True
>>> c = with_precision(TrainConfig(model="unet", batch_size=5), "bf16")
>>> c.precision, c.batch_size, precision_of(TrainConfig())
('bf16', 5, 'fp32')
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from solutions.answers.common import choice
from solutions.experiments import training
from solutions.experiments.preprocess import HorseTensors
from solutions.experiments.training import TrainConfig, TrainResult, resolve_device

FP32 = "fp32"
PRECISIONS = (FP32, "bf16", "fp16")  # what may be asked for
MIXED = {"bf16": torch.bfloat16}  # what a run may use besides fp32
WHY_NOT_FP16 = (
    "fp16 needs loss scaling (torch.amp.GradScaler) inside the training step, which "
    "the training loop does not do; use bf16"
)


@dataclass(frozen=True)
class MixedPrecisionConfig(TrainConfig):
    """A :class:`TrainConfig` trained in mixed precision (``precision``: one of :data:`MIXED`)."""

    precision: str = "bf16"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.precision == FP32:
            raise ValueError(
                "precision 'fp32' is a plain TrainConfig (with_precision(config, 'fp32')): one config, one key"
            )
        if self.precision == "fp16":
            raise ValueError(f"precision 'fp16' is not offered: {WHY_NOT_FP16}")
        choice("precision", self.precision, sorted(MIXED))


def precision_of(config: TrainConfig) -> str:
    """The precision ``config`` trains in: ``"fp32"`` for a plain :class:`TrainConfig`."""
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {config!r}")
    return getattr(config, "precision", FP32)


def with_precision(config: TrainConfig, precision: str) -> TrainConfig:
    """``config`` trained in ``precision``: the plain TrainConfig for fp32, else a MixedPrecisionConfig."""
    precision_of(config)
    choice("precision", precision, PRECISIONS)
    plain = TrainConfig(**{f.name: getattr(config, f.name) for f in dataclasses.fields(TrainConfig)})
    if precision == FP32:
        return plain
    return MixedPrecisionConfig(**dataclasses.asdict(plain), precision=precision)


def native_bf16_cpu() -> bool:
    """Whether this CPU has bf16 instructions (avx512_bf16 or AMX), which oneDNN's bf16 kernels use."""
    probes = [getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
    return any(probe() for probe in probes if probe is not None)


def check_supported(precision: str, device: str = "auto") -> None:
    """ValueError, in one line saying what to use instead, if ``precision`` cannot run well on ``device``."""
    choice("precision", precision, PRECISIONS)
    if precision == FP32:
        return
    if precision == "fp16":
        raise ValueError(f"precision 'fp16' is not offered: {WHY_NOT_FP16}")
    dev = resolve_device(device)
    if dev.type == "cuda":
        if not torch.cuda.is_bf16_supported():
            raise ValueError(f"precision 'bf16': the CUDA device {dev} has no bf16 support; use fp32")
        return
    if dev.type != "cpu":
        raise ValueError(f"precision 'bf16' runs on 'cpu' or 'cuda', got device {device!r}")
    if not native_bf16_cpu():
        raise ValueError(
            f"precision 'bf16': this CPU ({torch.backends.cpu.get_cpu_capability()}) has no "
            "bf16 instructions (avx512_bf16 or AMX), so torch would emulate bf16, slower "
            "than fp32; use fp32, or a machine that has them"
        )


@contextlib.contextmanager
def autocast(config: TrainConfig, device: str = "auto") -> Iterator[None]:
    """Run the block in ``config``'s precision on ``device`` (nothing changes for fp32).

    The block may take many optimizer steps, so autocast's cache of cast weights
    is off: with it, every forward pass in the block would reuse the bf16 copies
    of the weights cast at the first one, and training would not see its updates.
    """
    precision = precision_of(config)
    if precision == FP32:
        yield
        return
    check_supported(precision, device)
    with torch.autocast(resolve_device(device).type, dtype=MIXED[precision], cache_enabled=False):
        yield


def train(config: TrainConfig, data: HorseTensors, device: str = "auto", **kwargs) -> TrainResult:
    """:func:`solutions.experiments.training.train` in ``config``'s precision (same arguments)."""
    with autocast(config, device):
        return training.train(config, data, device, **kwargs)


def summarise(run: TrainResult, data: HorseTensors, keep_weights: bool = False) -> tuple[dict, dict[str, np.ndarray]]:
    """:func:`solutions.experiments.training.summarise`, its predictions in the run's precision."""
    with autocast(run.config, run.device):
        return training.summarise(run, data, keep_weights)


def predict(model: torch.nn.Module, x: torch.Tensor, config: TrainConfig, batch_size: int = 100) -> torch.Tensor:
    """:func:`solutions.experiments.training.predict` in ``config``'s precision."""
    device = str(next(model.parameters()).device)
    with autocast(config, device):
        return training.predict(model, x, config, batch_size)
