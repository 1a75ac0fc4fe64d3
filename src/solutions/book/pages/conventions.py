"""Page values for the conventions page."""

from __future__ import annotations

from torch import nn

from solutions.answers.torch_counts import measure_rows
from solutions.book.render import LAYER_HEADERS, markdown_table

CONVENTION_EXAMPLE_SIZE = 8   # the example's input side, small enough to count by hand


def values() -> dict[str, object]:
    """A measured Conv2d(3, 8, 3) + BatchNorm2d(8), for the conventions page."""
    rows = measure_rows(nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8)),
                        (3, CONVENTION_EXAMPLE_SIZE, CONVENTION_EXAMPLE_SIZE))
    body = [[r.kind, r.output_shape, r.weights, r.biases, r.bn_params, r.bn_buffers, r.outputs,
             r.connections] for r in rows]
    return {
        "conv_example_table": markdown_table(["layer"] + LAYER_HEADERS[1:], body),
        "conv_example_connections": sum(r.connections for r in rows),
        "conv_example_size": CONVENTION_EXAMPLE_SIZE,
    }
