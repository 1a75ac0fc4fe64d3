"""Training and evaluating the colourization networks (CSC413 PA2 Parts 1 and 2).

As in the assignment's starter code: Adam, cross-entropy over every pixel, the
training set shuffled once beforehand and then read in the same order every
epoch, and after each epoch an evaluation in eval mode on the 1000 test horses
(the "validation" set) with the same batch size; an epoch's time includes it.

Nothing in the loop draws random numbers, so a run is a deterministic function
of its config (the seed only initialises the weights), and a run resumed from
its per-epoch checkpoint continues exactly as if it had not stopped.

Checkpoints are not trusted blindly: each carries the key of the run it
belongs to and the SHA-256 of its payload, and one that is truncated, damaged
or of another run is refused (with a warning naming the reason), moved aside
as ``<name>.rejected-<time>`` and the run starts again from scratch. A
non-finite training or validation loss stops the run with
:class:`NonFiniteLoss` naming the epoch and step; nothing is returned, so
nothing is stored.

>>> import torch
>>> from solutions.experiments.preprocess import HorseTensors
>>> g = torch.Generator().manual_seed(0)
>>> tiny = HorseTensors(torch.rand(8, 1, 32, 32, generator=g), torch.randint(0, 3, (8, 32, 32), generator=g),
...                     torch.rand(4, 1, 32, 32, generator=g), torch.randint(0, 3, (4, 32, 32), generator=g),
...                     torch.rand(3, 3, generator=g))
>>> run = train(TrainConfig(num_filters=2, num_colours=3, batch_size=4, epochs=2), tiny)
>>> len(run.epochs), run.steps
(2, 4)
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from solutions.answers.common import (
    KERNEL,
    NUM_COLOURS,
    NUM_FILTERS,
    choice,
    finite_number,
    non_negative_int,
    positive_int,
    positive_number,
)
from solutions.experiments.models import SKIPS, ColourCNN, ColourUNet
from solutions.experiments.preprocess import HorseTensors

MODELS = {"cnn": ColourCNN, "unet": ColourUNet}
# Layers whose gradient norms are logged: the first conv (far from the loss) and the last.
GRAD_LAYERS = ("downconv1.conv.weight", "finalconv.weight")


@dataclass(frozen=True)
class TrainConfig:
    """One training run. Defaults are the assignment's."""

    model: str = "cnn"  # "cnn" (Part 1) or "unet" (Part 2)
    kernel: int = KERNEL
    num_filters: int = NUM_FILTERS  # NF
    num_colours: int = NUM_COLOURS  # NC
    learning_rate: float = 0.001  # Adam
    batch_size: int = 100
    epochs: int = 25
    seed: int = 0  # weight initialisation only; the data order is fixed
    channels_last: bool = True  # memory layout: about 1.5× faster on CPU, same maths
    input_scale: float = 1.0  # a of y = a·x + b on the greyscale inputs, training and
    input_shift: float = 0.0  # validation alike (CSC413 1(d)); 1 and 0 leave them untouched
    unet_skips: str = "all"  # the UNet's skips (models.SKIPS): "all", "no_input", "no_encoder", "none"

    def __post_init__(self) -> None:
        choice("model", self.model, sorted(MODELS))
        for name in ("kernel", "num_filters", "num_colours", "batch_size", "epochs"):
            positive_int(name, getattr(self, name))
        non_negative_int("seed", self.seed)
        positive_number("learning_rate", self.learning_rate)
        if not isinstance(self.channels_last, bool):
            raise ValueError(f"channels_last must be True or False, got {self.channels_last!r}")
        for name in ("input_scale", "input_shift"):  # as floats: 2 and 2.0 are one config, one key
            object.__setattr__(self, name, finite_number(name, getattr(self, name)))
        choice("unet_skips", self.unet_skips, SKIPS)
        if self.model != "unet" and self.unet_skips != "all":
            raise ValueError(
                f"unet_skips applies to model 'unet' only, got unet_skips={self.unet_skips!r} with model {self.model!r}"
            )


class NonFiniteLoss(FloatingPointError):
    """A training or validation loss became NaN or infinite: the run stops, nothing is stored."""


@dataclass(frozen=True)
class EpochRecord:
    epoch: int
    train_loss: float  # mean of the epoch's batch losses
    val_loss: float  # mean cross-entropy per pixel on the validation set
    val_accuracy: float  # % of validation pixels whose predicted class is the target's
    seconds: float  # training + validation, as the starter code times it
    grad_norms: dict[str, float] = field(default_factory=dict)  # mean over the epoch's steps


@dataclass(frozen=True)
class TrainResult:
    config: TrainConfig
    epochs: list[EpochRecord]
    steps: int
    device: str
    model: nn.Module

    def as_json(self) -> dict:
        return {
            "config": asdict(self.config),
            "steps": self.steps,
            "device": self.device,
            "epochs": [asdict(e) for e in self.epochs],
        }


def resolve_device(device: str = "auto") -> torch.device:
    """``"auto"``: CUDA when available, else CPU; otherwise the named device."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError:
        raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}") from None


def build_model(config: TrainConfig) -> nn.Module:
    """The config's network, initialised from ``config.seed``."""
    torch.manual_seed(config.seed)
    if config.model == "unet":
        return ColourUNet(config.kernel, config.num_filters, config.num_colours, skips=config.unet_skips)
    return MODELS[config.model](config.kernel, config.num_filters, config.num_colours)


def transform_inputs(x: torch.Tensor, config: TrainConfig) -> torch.Tensor:
    """The greyscale inputs the network sees: ``input_scale · x + input_shift`` (``x`` itself for 1, 0).

    >>> transform_inputs(torch.ones(1), TrainConfig(input_scale=2.0, input_shift=-0.5)).tolist()
    [1.5]
    """
    if config.input_scale == 1.0 and config.input_shift == 0.0:
        return x
    return x * config.input_scale + config.input_shift


def _layout(x: torch.Tensor, config: TrainConfig) -> torch.Tensor:
    """``x`` in the config's memory layout; channels_last means strides that are NHWC in fact.

    A one-channel tensor counts as channels_last-contiguous with NCHW strides, and
    ``torch.cat`` of such an input with a channels_last tensor returns NCHW: the
    UNet's input skip then made finalconv convert its input and its gradient on
    every step. A copy with channels-last strides avoids that (same values).
    """
    if not config.channels_last or (x.is_contiguous(memory_format=torch.channels_last) and x.stride(1) == 1):
        return x
    return torch.empty_like(x, memory_format=torch.channels_last).copy_(x)


def pixel_cross_entropy(logits: torch.Tensor, target: torch.Tensor, total: bool = False) -> torch.Tensor:
    """Cross-entropy over every pixel: mean (or sum, with ``total``) of logits (B, NC, H, W) vs target (B, H, W).

    Computed on rows (B·H·W, NC), as the assignment's ``transpose(1, 3)…view`` does: for
    channels_last logits the rows are a view, where ``F.cross_entropy`` on (B, NC, H, W)
    copies the logits to NCHW and back. Same maths (summation order may differ).

    >>> logits = torch.zeros(1, 4, 2, 2)
    >>> round(pixel_cross_entropy(logits, torch.zeros(1, 2, 2, dtype=torch.long)).item(), 4)   # ln 4
    1.3863
    """
    rows = logits.permute(0, 2, 3, 1).reshape(-1, logits.shape[1])
    if total:
        return F.cross_entropy(rows, target.reshape(-1), reduction="sum")
    return F.cross_entropy(rows, target.reshape(-1))


@torch.no_grad()
def evaluate(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int, config: TrainConfig
) -> tuple[float, float]:
    """(mean per-pixel cross-entropy, % pixels correct) in eval mode; ``x`` already transformed."""
    was_training = model.training
    model.eval()
    loss_sum, correct = 0.0, 0
    for start in range(0, len(x), batch_size):
        logits = model(_layout(x[start : start + batch_size], config))  # (B, NC, H, W)
        target = y[start : start + batch_size]  # (B, H, W)
        loss_sum += pixel_cross_entropy(logits, target, total=True).item()
        correct += (logits.argmax(1) == target).sum().item()
    model.train(was_training)
    return loss_sum / y.numel(), 100.0 * correct / y.numel()


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, config: TrainConfig, batch_size: int = 100) -> torch.Tensor:
    """Predicted colour classes (N, H, W) in eval mode, from raw greyscale ``x`` (transformed here)."""
    was_training = model.training
    model.eval()
    x = transform_inputs(x, config)
    out = torch.cat([model(_layout(x[s : s + batch_size], config)).argmax(1) for s in range(0, len(x), batch_size)])
    model.train(was_training)
    return out


# ---------------------------------------------------------------------------------------------
# Checkpoints: MAGIC, one line of JSON (the run's key, the payload's length and SHA-256), the payload
# (torch.save of the state). Loading checks all three before unpickling anything.

CHECKPOINT_MAGIC = b"solutions-checkpoint-v1\n"


class BadCheckpoint(Exception):
    """A checkpoint that is truncated, damaged or of another run."""


def run_key(config: TrainConfig) -> str:
    """The key a checkpoint carries when the caller names none: SHA-256 of the config's JSON."""
    return hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode()).hexdigest()


def save_checkpoint(path: Path, key: str, state: dict) -> None:
    """Write ``state`` with its run ``key`` and hash; atomic (a checkpoint is whole or absent)."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    payload = buffer.getvalue()
    header = (
        json.dumps({"key": key, "bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}).encode() + b"\n"
    )
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(CHECKPOINT_MAGIC + header + payload)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_checkpoint(path: Path, key: str, device: torch.device | str = "cpu") -> dict:
    """The state saved by :func:`save_checkpoint` for run ``key``; :class:`BadCheckpoint` otherwise."""
    blob = Path(path).read_bytes()
    if not blob.startswith(CHECKPOINT_MAGIC):
        raise BadCheckpoint("not a checkpoint of this code (no header; damaged or of an older format)")
    rest = blob[len(CHECKPOINT_MAGIC) :]
    line, sep, payload = rest.partition(b"\n")
    try:
        header = json.loads(line) if sep else None
        stored_key, size, digest = header["key"], header["bytes"], header["sha256"]
    except (ValueError, TypeError, KeyError):
        raise BadCheckpoint("its header is damaged or cut off") from None
    if stored_key != key:
        raise BadCheckpoint(f"it belongs to another run (key {str(stored_key)[:16]}, this run's is {key[:16]})")
    if len(payload) != size:
        raise BadCheckpoint(f"it is truncated or padded ({len(payload)} bytes of state, its header says {size})")
    if hashlib.sha256(payload).hexdigest() != digest:
        raise BadCheckpoint("its state does not match the SHA-256 in its header (damaged)")
    return torch.load(io.BytesIO(payload), map_location=device, weights_only=True)


def set_aside(path: Path, why: str) -> Path:
    """Rename ``path`` to ``<name>.<why>-<time>`` beside it (kept for inspection, out of the way)."""
    aside = path.with_name(f"{path.name}.{why}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    os.replace(path, aside)
    return aside


def _resume(path: Path, key: str, device: torch.device) -> dict | None:
    """The checkpoint's state if it is sound; else it is set aside with a warning and None returned."""
    if not path.exists():
        return None
    try:
        return load_checkpoint(path, key, device)
    except (BadCheckpoint, OSError, RuntimeError, EOFError, ValueError, KeyError) as err:
        aside = set_aside(path, "rejected")
        warnings.warn(
            f"checkpoint {path} refused: {err}. Moved to {aside.name}; the run starts again from epoch 1.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None


def train(
    config: TrainConfig,
    data: HorseTensors,
    device: str = "auto",
    progress: bool = False,
    checkpoint: str | os.PathLike | None = None,
    key: str | None = None,
    on_epoch: Callable[[EpochRecord], None] | None = None,
) -> TrainResult:
    """Train ``config`` on ``data``; evaluate after every epoch.

    With ``checkpoint`` (a file path), the state after each epoch is saved
    there, stamped with ``key`` (the run's store key; by default a hash of the
    config), and a run finding a sound checkpoint of the same key resumes from
    it; the caller deletes it once the result is stored. ``progress`` shows a
    tqdm bar; ``on_epoch`` is called with each finished epoch's record.
    A non-finite loss raises :class:`NonFiniteLoss` (and sets the checkpoint aside).
    """
    dev = resolve_device(device)
    key = run_key(config) if key is None else key
    model = build_model(config).to(dev)
    if config.channels_last:
        model = model.to(memory_format=torch.channels_last)
    # foreach: one kernel call per update step for all parameters (same arithmetic as the loop)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate, foreach=True)
    # laid out once, so that every batch (a slice) is already in the layout
    x_train = _layout(transform_inputs(data.x_train_grey, config).to(dev), config)
    x_val = _layout(transform_inputs(data.x_test_grey, config).to(dev), config)
    y_train, y_val = data.y_train.to(dev), data.y_test.to(dev)
    if int(y_train.max()) >= config.num_colours or int(y_val.max()) >= config.num_colours:
        raise ValueError(f"num_colours={config.num_colours} is smaller than the targets' classes")

    epochs: list[EpochRecord] = []
    steps = 0
    ckpt = Path(checkpoint) if checkpoint is not None else None
    state = _resume(ckpt, key, dev) if ckpt is not None else None
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        epochs = [EpochRecord(**e) for e in state["epochs"]]
        steps = state["steps"]

    def stop(what: str, value: float, epoch: int, where: str) -> NonFiniteLoss:
        if ckpt is not None and ckpt.exists():
            set_aside(ckpt, "nonfinite")
        return NonFiniteLoss(
            f"{what} became {value} at epoch {epoch} of {config.epochs}, {where} ({config}); stopped, nothing stored"
        )

    params = dict(model.named_parameters())
    n_batches = math.ceil(len(x_train) / config.batch_size)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(
            total=config.epochs * n_batches,
            initial=len(epochs) * n_batches,
            desc=f"{config.model} batch {config.batch_size}",
            unit="step",
            leave=False,
        )
    model.train()
    for epoch in range(len(epochs), config.epochs):
        start = time.perf_counter()
        loss_sum, norms = 0.0, {name: 0.0 for name in GRAD_LAYERS}
        for b in range(n_batches):
            xb = _layout(x_train[b * config.batch_size : (b + 1) * config.batch_size], config)
            yb = y_train[b * config.batch_size : (b + 1) * config.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = pixel_cross_entropy(model(xb), yb)  # mean over the batch's pixels
            value = loss.item()
            if not math.isfinite(value):
                raise stop(
                    "the training loss", value, epoch + 1, f"step {b + 1} of {n_batches} (step {steps + 1} of the run)"
                )
            loss.backward()
            optimizer.step()
            loss_sum += value
            for name in GRAD_LAYERS:
                norms[name] += params[name].grad.norm().item()
            steps += 1
            if bar is not None:
                bar.update()
        val_loss, val_acc = evaluate(model, x_val, y_val, config.batch_size, config)
        if not math.isfinite(val_loss):
            raise stop("the validation loss", val_loss, epoch + 1, "after its last step")
        epochs.append(
            EpochRecord(
                epoch + 1,
                loss_sum / n_batches,
                val_loss,
                val_acc,
                time.perf_counter() - start,
                {k: v / n_batches for k, v in norms.items()},
            )
        )
        if bar is not None:
            bar.set_postfix(val_loss=f"{val_loss:.3f}", val_acc=f"{val_acc:.1f}%")
        if ckpt is not None:
            save_checkpoint(
                ckpt,
                key,
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "epochs": [asdict(e) for e in epochs],
                    "steps": steps,
                },
            )
        if on_epoch is not None:
            on_epoch(epochs[-1])
    if bar is not None:
        bar.close()
    return TrainResult(config, epochs, steps, str(dev), model)


# How many validation images the book shows per run (the first ones, in file order).
GRID_IMAGES = 8


def summarise(run: TrainResult, data: HorseTensors, keep_weights: bool = False) -> tuple[dict, dict[str, np.ndarray]]:
    """What the store keeps of a run: metrics, curves, per-colour figures, a few predictions.

    Per colour class c (over all validation pixels): ``target_share`` (% of
    pixels whose target is c), ``predicted_share`` (% predicted as c) and
    ``recall`` (% of c's pixels predicted as c; None if c never occurs).
    Arrays: predictions of the first GRID_IMAGES validation images, and the
    weights when ``keep_weights`` (for pages that probe the trained network).
    """
    pred = predict(run.model, data.x_test_grey.to(run.device), run.config).cpu()  # (N, H, W)
    target = data.y_test
    k = run.config.num_colours
    target_count = torch.bincount(target.flatten(), minlength=k)
    pred_count = torch.bincount(pred.flatten(), minlength=k)
    hit_count = torch.bincount(target[pred == target], minlength=k)
    total = target.numel()
    last = run.epochs[-1]
    result = run.as_json() | {
        "final": {
            "train_loss": last.train_loss,
            "val_loss": last.val_loss,
            "val_accuracy": last.val_accuracy,
            "seconds": sum(e.seconds for e in run.epochs),
        },
        "per_colour": {
            "target_share": (100.0 * target_count / total).tolist(),
            "predicted_share": (100.0 * pred_count / total).tolist(),
            "recall": [100.0 * h / t if t else None for h, t in zip(hit_count.tolist(), target_count.tolist())],
        },
    }
    arrays = {"grid_predictions": pred[:GRID_IMAGES].numpy().astype("uint8")}
    if keep_weights:
        arrays |= {
            f"weight:{name}": t.detach().cpu().contiguous().numpy() for name, t in run.model.state_dict().items()
        }
    return result, arrays
