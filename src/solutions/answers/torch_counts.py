"""The same per-layer rows as :mod:`solutions.answers.counting`, measured on a torch module.

Nothing here is a formula: parameters come from ``named_parameters`` /
``named_buffers``, output shapes from forward hooks, multiply-accumulates from
``torch.utils.flop_counter`` (which reports 2 FLOPs per multiply-accumulate).

>>> from solutions.experiments.models import ColourCNN
>>> rows = measure_rows(ColourCNN(num_filters=2, num_colours=3), (1, 32, 32))
>>> rows[0]
LayerRow(name='downconv1.conv', kind='conv', output_shape=(2, 32, 32), weights=18, biases=2,
         bn_params=0, bn_buffers=0, outputs=2048, connections=18432)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from solutions.answers.counting import LayerRow

_KINDS = {
    nn.Conv1d: "conv",
    nn.Conv2d: "conv",
    nn.Conv3d: "conv",
    nn.Linear: "linear",
    nn.MaxPool2d: "maxpool",
    nn.Upsample: "upsample",
    nn.BatchNorm2d: "batchnorm",
    nn.ReLU: "relu",
}


def _kind(module: nn.Module) -> str:
    for cls, kind in _KINDS.items():
        if type(module) is cls:
            return kind
    return type(module).__name__.lower()


def measure_rows(model: nn.Module, input_shape: Sequence[int]) -> list[LayerRow]:
    """Run ``model`` on one zero image of ``input_shape`` (no batch axis) and count.

    Returns one row per leaf module, in the order the modules ran. Counts are
    per image. BatchNorm's ``num_batches_tracked`` (an integer counter) is not
    a running statistic and is left out of ``bn_buffers``.
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise ValueError(f"input_shape must be a sequence of positive integers, got {input_shape!r}")
    if not input_shape or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in input_shape):
        raise ValueError(f"input_shape must be positive integers, got {tuple(input_shape)!r}")
    leaves = {name: m for name, m in model.named_modules() if not list(m.children())}
    shapes: dict[str, tuple[int, ...]] = {}
    order: list[str] = []

    def hook(name: str) -> Callable[[nn.Module, object, torch.Tensor], None]:
        def record(module: nn.Module, args: object, output: torch.Tensor) -> None:
            order.append(name)
            shapes[name] = tuple(output.shape[1:])

        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in leaves.items()]
    root = type(model).__name__
    was_training = model.training
    model.eval()  # no running-statistics update as a side effect
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            try:
                model(torch.zeros(1, *input_shape))
            except RuntimeError as err:  # the shape does not fit the model's layers
                raise ValueError(
                    f"input_shape {tuple(input_shape)} does not fit the model: {str(err).splitlines()[0]}"
                ) from None
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    flops = {name.removeprefix(root + "."): sum(ops.values()) for name, ops in counter.get_flop_counts().items()}

    rows = []
    for name in order:
        m = leaves[name]
        kind = _kind(m)
        params = dict(m.named_parameters(recurse=False))
        buffers = {k: b for k, b in m.named_buffers(recurse=False) if b.is_floating_point()}
        is_bn = kind == "batchnorm"
        rows.append(
            LayerRow(
                name=name,
                kind=kind,
                output_shape=shapes[name],
                weights=0 if is_bn or "weight" not in params else params["weight"].numel(),
                biases=0 if is_bn or "bias" not in params or params["bias"] is None else params["bias"].numel(),
                bn_params=sum(p.numel() for p in params.values()) if is_bn else 0,
                bn_buffers=sum(b.numel() for b in buffers.values()) if is_bn else 0,
                outputs=int(torch.Size(shapes[name]).numel()),
                connections=flops.get(name, 0) // 2,
            )
        )
    return rows
