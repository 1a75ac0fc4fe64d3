"""Page values for the colourization data page."""

from __future__ import annotations

import numpy as np

from solutions.experiments import registry
from solutions.experiments.preprocess import MAX_PIXEL, PaletteConfig, to_unit
from solutions.book.figures import image_grid_figure, palette_figure

SAMPLE_IMAGES = 8


def values() -> dict[str, object]:
    horses, tensors = registry.data()
    palette = tensors.palette.numpy()
    n = SAMPLE_IMAGES
    share = 100 * np.bincount(tensors.y_train.flatten().numpy(), minlength=len(palette)) / tensors.y_train.numel()
    grid = image_grid_figure(
        tensors.x_test_grey[:n, 0].numpy(),
        {"original": to_unit(horses.x_test[:n]), "nearest of the palette (target)": tensors.y_test[:n].numpy()},
        palette,
    )
    return {
        "data_description": horses.description,
        "data_sha256": horses.sha256[:16],
        "data_n_train": int(len(horses.x_train)),
        "data_n_test": int(len(horses.x_test)),
        "data_n_colours": int(len(palette)),
        "data_max_pixel": int(MAX_PIXEL),
        "data_sample_images": n,
        "palette_text": PaletteConfig().describe(),
        "data_class_share_min": float(share.min()),
        "data_class_share_max": float(share.max()),
        "palette_fig": palette_figure(palette),
        "data_grid_fig": grid,
    }
