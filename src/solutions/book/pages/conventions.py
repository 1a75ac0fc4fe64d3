"""Page values for the conventions page: the counting example and the terms' numbers."""

from __future__ import annotations

from torch import nn

from solutions.answers import bias_variance
from solutions.answers import colour_analysis as ca
from solutions.experiments import registry

from solutions.answers.torch_counts import measure_rows
from solutions.book.render import LAYER_HEADERS, markdown_table

CONVENTION_EXAMPLE_SIZE = 8  # the example's input side, small enough to count by hand


def values() -> dict[str, object]:
    """A measured Conv2d(3, 8, 3) + BatchNorm2d(8), for the conventions page."""
    rows = measure_rows(
        nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8)), (3, CONVENTION_EXAMPLE_SIZE, CONVENTION_EXAMPLE_SIZE)
    )
    body = [
        [r.kind, r.output_shape, r.weights, r.biases, r.bn_params, r.bn_buffers, r.outputs, r.connections] for r in rows
    ]
    return {
        "conv_example_table": markdown_table(["layer"] + LAYER_HEADERS[1:], body),
        "conv_example_connections": sum(r.connections for r in rows),
        "conv_example_size": CONVENTION_EXAMPLE_SIZE,
        **terms(),
    }


def terms() -> dict[str, object]:
    """The numbers the glossary quotes: the noise rule's level, the vivid colours' threshold."""
    palette = registry.palette()
    vivid, median = ca.vivid_colours(palette)
    return {
        "conv_alpha_pct": 100 * ca.ALPHA,
        "conv_alpha": ca.ALPHA,
        "conv_palette_colours": len(palette),
        "conv_vivid_colours": int(vivid.sum()),
        "conv_vivid_threshold": median,
        "conv_interval": bias_variance.INTERVAL,
    }
