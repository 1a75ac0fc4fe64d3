"""Figures of the colourization chapter, from stored results (matplotlib, returned, never shown).

Every function takes plain data (result dicts from the results store, numpy
arrays) and returns a Figure; pages glue them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure


def palette_figure(palette: np.ndarray) -> Figure:
    """The palette as swatches, numbered in class order. ``palette``: (K, 3) RGB in [0, 1)."""
    k = len(palette)
    fig = Figure(figsize=(8, 1.2))
    ax = fig.add_subplot()
    ax.imshow(np.clip(palette, 0, 1)[None, :, :], aspect="auto")
    ax.set_xticks(range(k), [str(i) for i in range(k)], fontsize=7)
    ax.set_yticks([])
    ax.set_title("the palette: class index → colour", fontsize=9)
    fig.tight_layout()
    return fig


def curves_figure(results: Mapping[str, dict], title: str = "") -> Figure:
    """Train/validation loss and validation accuracy per epoch, one colour per run."""
    fig = Figure(figsize=(9, 3.4))
    loss_ax, acc_ax = fig.subplots(1, 2)
    for i, (label, result) in enumerate(results.items()):
        epochs = [e["epoch"] for e in result["epochs"]]
        colour = f"C{i}"
        loss_ax.plot(epochs, [e["train_loss"] for e in result["epochs"]], "--", color=colour,
                     label=f"{label} train")
        loss_ax.plot(epochs, [e["val_loss"] for e in result["epochs"]], "-", color=colour,
                     label=f"{label} validation")
        acc_ax.plot(epochs, [e["val_accuracy"] for e in result["epochs"]], "-", color=colour,
                    label=label)
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy per pixel", title="loss")
    acc_ax.set(xlabel="epoch", ylabel="% pixels correct", title="validation accuracy")
    loss_ax.legend(fontsize=7, ncol=1 if len(results) < 4 else 2)
    acc_ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def image_grid_figure(grey: np.ndarray, rows: Mapping[str, np.ndarray], palette: np.ndarray) -> Figure:
    """Greyscale inputs on top, then one row per labelled image set.

    ``grey``: (N, H, W) in [0, 1). A row is a class-index map (N, H, W),
    coloured with ``palette``, or RGB images (N, H, W, 3) in [0, 1).
    """
    n = len(grey)
    fig = Figure(figsize=(1.1 * n, 1.15 * (len(rows) + 1)))
    axes = fig.subplots(len(rows) + 1, n, squeeze=False)
    for j in range(n):
        axes[0, j].imshow(grey[j], cmap="gray", vmin=0, vmax=1)
        for i, images in enumerate(rows.values(), start=1):
            rgb = images[j] if images.ndim == 4 else palette[images[j]]
            axes[i, j].imshow(np.clip(rgb, 0, 1))
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    for i, label in enumerate(["greyscale input", *rows]):
        axes[i, 0].set_ylabel(label, fontsize=7, rotation=0, ha="right", va="center")
    fig.tight_layout(pad=0.3)
    return fig


def per_colour_figure(result: dict, palette: np.ndarray, title: str = "") -> Figure:
    """Per palette colour: % of target pixels vs % of predicted pixels, bars in that colour."""
    share = result["per_colour"]
    k = len(palette)
    x = np.arange(k)
    fig = Figure(figsize=(9, 2.8))
    ax = fig.add_subplot()
    colours = np.clip(palette, 0, 1)
    ax.bar(x - 0.2, share["target_share"], 0.4, color=colours, edgecolor="black", linewidth=0.4,
           label="ground truth")
    ax.bar(x + 0.2, share["predicted_share"], 0.4, color=colours, edgecolor="black", linewidth=0.4,
           hatch="///", label="predicted")
    ax.set_xticks(x, [str(i) for i in x], fontsize=7)
    ax.set(xlabel="palette colour (class index)", ylabel="% of validation pixels")
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def grad_norm_figure(results: Mapping[str, dict], layer: str) -> Figure:
    """Mean gradient norm of ``layer``'s weight per epoch, one line per run (log scale)."""
    fig = Figure(figsize=(5, 3))
    ax = fig.add_subplot()
    for label, result in results.items():
        ax.plot([e["epoch"] for e in result["epochs"]],
                [e["grad_norms"][layer] for e in result["epochs"]], label=label)
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="mean ‖∇W‖ per step", title=f"gradient norm of {layer}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def sweep_figure(results: Mapping[int, dict], key: str = "val_loss",
                 ylabel: str = "validation loss", x_axis: str = "epoch") -> Figure:
    """One curve per batch size: ``key`` per epoch, or per optimizer step (``x_axis="steps"``)."""
    fig = Figure(figsize=(6, 3.5))
    ax = fig.add_subplot()
    for batch, result in sorted(results.items()):
        steps_per_epoch = result["steps"] / len(result["epochs"])
        xs = [e["epoch"] * (steps_per_epoch if x_axis == "steps" else 1) for e in result["epochs"]]
        ax.plot(xs, [e[key] for e in result["epochs"]], label=f"batch {batch}")
    if x_axis == "steps":
        ax.set_xscale("log")
    ax.set(xlabel="optimizer steps" if x_axis == "steps" else "epoch", ylabel=ylabel)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def sweep_grid_figure(grey: np.ndarray, predictions: Mapping[int, np.ndarray], truth: np.ndarray,
                      palette: np.ndarray, images: Sequence[int] = range(6)) -> Figure:
    """The same validation images coloured by every batch size, then the ground truth."""
    idx = list(images)
    rows = {f"batch {b}": predictions[b][idx] for b in sorted(predictions)}
    rows["ground truth"] = truth[idx]
    return image_grid_figure(grey[idx], rows, palette)
