"""Figures of the colourization chapter, from stored results (matplotlib, returned, never shown).

Every function takes plain data (result dicts from the results store, numpy
arrays) and returns a Figure; pages glue them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.patches import Rectangle

from solutions.answers.bias_variance import BASES, LABELS, Experiment, Sweep, grid_points, target
from solutions.answers.finetune_cost import COMPONENTS, Cost
from solutions.answers.input_transform import Effect
from solutions.answers.label_changing_augmentation import (
    DIGIT_MAX,
    INTERVAL,
    SAFE,
    TRANSFORMS,
    CropEffect,
    Judged,
    Readings,
    crop_resize,
    digits,
    flip_h,
    glyph,
    iou,
    rot180,
)
from solutions.answers.view_invariance import two_d_views

# Colour-blind-safe colours (Okabe & Ito, "Color Universal Design"): blue, vermillion, bluish
# green, orange, reddish purple, sky blue, yellow, black. Each series also gets its own marker
# (and, where lines overlap, line style), so that colour is never the only cue.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":")
# The smallest type in a figure (legends, tick labels of long axes, numbers in cells), in points:
# figures are drawn about 9 inches wide at 100 dpi and shown at about 700 px in the desktop column,
# where 8 pt is still about 8.5 px high (7 pt fell under 8 px); on a phone a tap opens the full size.
SMALL = 8


def _style(i: int) -> dict:
    """Colour and marker of the i-th series."""
    return {"color": OKABE_ITO[i % len(OKABE_ITO)], "marker": MARKERS[i % len(MARKERS)]}


def palette_figure(palette: np.ndarray) -> Figure:
    """The palette as swatches, numbered in class order. ``palette``: (K, 3) RGB in [0, 1)."""
    k = len(palette)
    fig = Figure(figsize=(8, 1.2))
    ax = fig.add_subplot()
    ax.imshow(np.clip(palette, 0, 1)[None, :, :], aspect="auto")
    ax.set_xticks(range(k), [str(i) for i in range(k)], fontsize=SMALL)
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
        style = _style(i)
        loss_ax.plot(
            epochs, [e["train_loss"] for e in result["epochs"]], "--", ms=4, mfc="none", label=f"{label} train", **style
        )
        loss_ax.plot(epochs, [e["val_loss"] for e in result["epochs"]], "-", ms=4, label=f"{label} validation", **style)
        acc_ax.plot(epochs, [e["val_accuracy"] for e in result["epochs"]], "-", ms=4, label=label, **style)
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy per pixel", title="loss")
    acc_ax.set(xlabel="epoch", ylabel="% pixels correct", title="validation accuracy")
    loss_ax.legend(fontsize=SMALL, ncol=1 if len(results) < 4 else 2)
    acc_ax.legend(fontsize=SMALL)
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
        axes[i, 0].set_ylabel(label, fontsize=SMALL, rotation=0, ha="right", va="center")
    fig.tight_layout(pad=0.3)
    return fig


class _PaletteSwatch(HandlerBase):
    """A legend swatch drawn as a strip of palette colours (plain or hatched), like the bars."""

    def __init__(self, colours: np.ndarray, hatch: str | None) -> None:
        super().__init__()
        self.colours, self.hatch = colours, hatch

    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans):
        w = width / len(self.colours)
        return [
            Rectangle(
                (-xdescent + i * w, -ydescent),
                w,
                height,
                facecolor=c,
                edgecolor="black",
                linewidth=0.4,
                hatch=self.hatch,
                transform=trans,
            )
            for i, c in enumerate(self.colours)
        ]


def per_colour_figure(result: dict, palette: np.ndarray, title: str = "") -> Figure:
    """Per palette colour: % of target pixels vs % of predicted pixels, bars in that colour.

    The legend's swatches are strips of palette colours (one bar colour alone
    would be class 0's near-black).
    """
    share = result["per_colour"]
    k = len(palette)
    x = np.arange(k)
    fig = Figure(figsize=(9, 2.8))
    ax = fig.add_subplot()
    colours = np.clip(palette, 0, 1)
    truth = ax.bar(x - 0.2, share["target_share"], 0.4, color=colours, edgecolor="black", linewidth=0.4)
    predicted = ax.bar(
        x + 0.2, share["predicted_share"], 0.4, color=colours, edgecolor="black", linewidth=0.4, hatch="///"
    )
    sample = colours[np.linspace(0, k - 1, min(k, 6)).round().astype(int)]
    ax.legend(
        [truth, predicted],
        ["ground truth", "predicted"],
        fontsize=SMALL,
        handlelength=6,
        handleheight=1.2,
        handler_map={truth: _PaletteSwatch(sample, None), predicted: _PaletteSwatch(sample, "///")},
    )
    ax.set_xticks(x, [str(i) for i in x], fontsize=SMALL)
    ax.set(xlabel="palette colour (class index)", ylabel="% of validation pixels")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def grad_norm_figure(results: Mapping[str, dict], layer: str) -> Figure:
    """Mean gradient norm of ``layer``'s weight per epoch, one line per run (log scale)."""
    fig = Figure(figsize=(5, 3))
    ax = fig.add_subplot()
    for i, (label, result) in enumerate(results.items()):
        ax.plot(
            [e["epoch"] for e in result["epochs"]],
            [e["grad_norms"][layer] for e in result["epochs"]],
            ms=4,
            label=label,
            **_style(i),
        )
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="mean ‖∇W‖ per step", title=f"gradient norm of {layer}")
    ax.legend(fontsize=SMALL)
    fig.tight_layout()
    return fig


def sweep_figure(
    results: Mapping[int, dict], key: str = "val_loss", ylabel: str = "validation loss", x_axis: str = "epoch"
) -> Figure:
    """One curve per batch size: ``key`` per epoch, or per optimizer step (``x_axis="steps"``)."""
    fig = Figure(figsize=(6, 3.5))
    ax = fig.add_subplot()
    for i, (batch, result) in enumerate(sorted(results.items())):
        steps_per_epoch = result["steps"] / len(result["epochs"])
        xs = [e["epoch"] * (steps_per_epoch if x_axis == "steps" else 1) for e in result["epochs"]]
        ax.plot(
            xs,
            [e[key] for e in result["epochs"]],
            LINESTYLES[i % len(LINESTYLES)],
            ms=4,
            label=f"batch {batch}",
            **_style(i),
        )
    if x_axis == "steps":
        ax.set_xscale("log")
    ax.set(xlabel="optimizer steps" if x_axis == "steps" else "epoch", ylabel=ylabel)
    ax.legend(fontsize=SMALL)
    fig.tight_layout()
    return fig


def sweep_grid_figure(
    grey: np.ndarray,
    predictions: Mapping[int, np.ndarray],
    truth: np.ndarray,
    palette: np.ndarray,
    images: Sequence[int] = range(6),
) -> Figure:
    """The same validation images coloured by every batch size, then the ground truth."""
    idx = list(images)
    rows = {f"batch {b}": predictions[b][idx] for b in sorted(predictions)}
    rows["ground truth"] = truth[idx]
    return image_grid_figure(grey[idx], rows, palette)


# ---------------------------------------------------------------------------------------------
# From solutions.answers.bias_variance.


def sweeps_figure(sweeps: dict[str, Sweep]):
    """bias² and variance against each swept quantity, with 90% bootstrap intervals."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 6.5), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    for ax, (name, sw) in zip(axes, sweeps.items()):
        x = np.array([p.value for p in sw.points])
        for i, (key, label, line) in enumerate((("bias2", "bias²", "-"), ("variance", "variance", "--"))):
            est = [getattr(p, key) for p in sw.points]
            y = np.array([e.value for e in est])
            err = np.array([[e.value - e.low for e in est], [e.high - e.value for e in est]])
            ax.errorbar(x, y, yerr=np.clip(err, 0, None), ls=line, ms=4, capsize=3, label=label, **_style(i))
        if name == "weight_decay":
            ax.set_xscale("symlog", linthresh=1e-4)  # λ = 0 is a setting too
        elif name in ("width", "n_train"):
            ax.set_xscale("log", base=2)
        ax.axhline(0, color="grey", lw=0.5)
        base = BASES[name]
        ax.set_xlabel(
            f"{LABELS[name]} (from n = {base.n_train}, {base.width} hidden units)"
            if name != "n_train"
            else f"{LABELS[name]} ({base.width} hidden units)"
        )
        ax.set_title(f"bias² {sw.bias2.arrows}, variance {sw.variance.arrows}")
        ax.legend(fontsize=8)
    return fig


def fits_figure(sweep: Sweep, indices: tuple[int, ...], exp: Experiment = Experiment(), shown: int = 12):
    """A few members' fits (grey), their mean (blue) and f (black) at chosen settings."""
    from matplotlib.figure import Figure

    x = grid_points(exp)
    fig = Figure(figsize=(3 * len(indices), 2.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(indices), sharey=True))
    for ax, i in zip(axes, indices):
        p = sweep.predictions[i]
        ax.plot(x, p[:shown].T, color="grey", lw=0.6, alpha=0.7)
        ax.plot(x, p.mean(axis=0), color=OKABE_ITO[0], lw=2, label="mean of all members")
        ax.plot(x, target(x), "k--", lw=1.2, label="f(x) = sin(2πx)")
        ax.set_title(f"{LABELS[sweep.name]} = {sweep.points[i].value:g}")
        ax.set_xlabel("x")
        ax.set_ylim(-2, 2)
    axes[0].legend(fontsize=SMALL, loc="lower left")
    return fig


# ---------------------------------------------------------------------------------------------
# From solutions.answers.finetune_cost.


def _log2_axis(ax) -> None:
    from matplotlib.ticker import ScalarFormatter

    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(ScalarFormatter())  # 8, 16, 32 rather than 2³, 2⁴, 2⁵


def plot_depth_scaling(rows: Sequence[Cost], modes: Sequence[str] = ("full", "last_no_grad")):
    """Log-log plots against depth: memory (left) and FLOPs (right), one row per architecture.

    Solid lines are the first mode, dashed the second.
    """
    import matplotlib.pyplot as plt

    archs = list(dict.fromkeys(r.arch for r in rows))
    panels = (
        ("memory", "bytes", ("parameters", "gradients", "adam_state", "saved_activations")),
        ("compute", "FLOPs", ("forward_flops", "backward_flops")),
    )
    fig, axes = plt.subplots(len(archs), 2, figsize=(10, 4 * len(archs)), layout="constrained", squeeze=False)
    for row, arch in zip(axes, archs):
        for ax, (title, unit, comps) in zip(row, panels):
            for i, comp in enumerate(comps):
                for mode, style in zip(modes, ("-", "--", ":")):
                    pts = sorted((r.n, getattr(r, comp)) for r in rows if r.arch == arch and r.mode == mode)
                    ax.plot(
                        [p[0] for p in pts],
                        [p[1] for p in pts],
                        style,
                        ms=4,
                        lw=4 - i * 0.8,  # wider first: equal curves stay visible
                        label=f"{COMPONENTS[comp]}, {mode}",
                        **_style(i),
                    )
            _log2_axis(ax)
            ax.set_yscale("log")
            ax.set(xlabel="body layers n", ylabel=unit, title=f"{arch}: {title}")
            ax.legend(fontsize=SMALL)
    return fig


def plot_resolution_scaling(rows: Sequence[Cost], mode: str = "last_no_grad"):
    """Log-log plot of each component against the input side, one panel per architecture."""
    import matplotlib.pyplot as plt

    archs = list(dict.fromkeys(r.arch for r in rows))
    fig, axes = plt.subplots(1, len(archs), figsize=(5 * len(archs), 4), layout="constrained", squeeze=False)
    for ax, arch in zip(axes[0], archs):
        for i, comp in enumerate(c for c in COMPONENTS if c != "sgd_state"):  # SGD: 0, no log
            pts = sorted((r.resolution, getattr(r, comp)) for r in rows if r.arch == arch and r.mode == mode)
            ax.plot(
                [p[0] for p in pts],
                [p[1] for p in pts],
                LINESTYLES[i % len(LINESTYLES)],
                ms=4,
                lw=4.5 - i * 0.5,
                label=COMPONENTS[comp],
                **_style(i),
            )
        _log2_axis(ax)
        ax.set_yscale("log")
        ax.set(xlabel="input side (pixels)", ylabel="bytes or FLOPs", title=f"{arch}, {mode}")
        ax.legend(fontsize=SMALL)
    return fig


# ---------------------------------------------------------------------------------------------
# From solutions.answers.input_transform.


def plot_profiles(effects: Sequence[Effect], labels: Sequence[str] | None = None):
    """Mean |Δ output| / mean |output| against distance from the edge in input pixels (a Figure).

    One line per effect; relative, so that a block's output and the logits share an axis. A
    pooled output's ring d covers input distances d·stride to d·stride + stride - 1; its point
    sits in the middle. The shaded band is the border ring at full resolution.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 3.5), layout="constrained")
    for i, e in enumerate(effects):
        label = labels[i] if labels else f"{e.model}, {e.bn_mode}-mode BN, a = {e.a:g}, b = {e.b:g}"
        ax.plot(
            [d * e.stride + (e.stride - 1) / 2 for d in range(len(e.profile))],
            [100 * p / e.logit_scale for p in e.profile],
            LINESTYLES[i % len(LINESTYLES)],
            ms=4,
            label=label,
            **_style(i),
        )
    full = [e.border for e in effects if e.stride == 1] or [effects[0].border * effects[0].stride]
    ax.axvspan(-0.5, full[0] - 0.5, color="0.9", label="border ring")
    ax.set_ylim(bottom=0)
    ax.set(xlabel="distance from the image edge (input pixels)", ylabel="mean |Δ output|, % of mean |output|")
    ax.legend(fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------
# From solutions.answers.label_changing_augmentation.


def digits_figure(readings: Readings, per_row: int = 6):
    """Test 6s and 9s rotated, digits flipped, and one 8 cropped 4×4 at six window positions, each
    with the reading of the judge (which never saw any of these transformations), from the stored
    ``readings`` (nothing is trained here)."""
    from matplotlib.figure import Figure

    d, y = digits(seed=readings.config.seed), readings.y_test
    eight = d.x_test[y == 8][0]
    corners = [(0, 0), (0, 4), (4, 0), (4, 4), (2, 2), (1, 3)][:per_row]  # (top, left) of 0..4
    crops = readings.crops[4][y == 8][0]  # (top, left)
    rows = [
        ("6 rotated 180°", rot180(d.x_test[y == 6][:per_row]), readings.judged["rot180"][y == 6]),
        ("9 rotated 180°", rot180(d.x_test[y == 9][:per_row]), readings.judged["rot180"][y == 9]),
        ("flipped left–right", flip_h(d.x_test[:per_row]), readings.judged["flip_h"]),
        (
            "one 8, 4×4 crops",
            np.array([crop_resize(eight, t, l, 4) for t, l in corners]),
            np.array([crops[t, l] for t, l in corners]),
        ),
    ]
    fig = Figure(figsize=(1.2 * per_row + 1.6, 1.45 * len(rows)), layout="constrained")
    axes = fig.subplots(len(rows), per_row)
    for r, (title, imgs, pred) in enumerate(rows):
        for c, ax in enumerate(axes[r]):
            ax.imshow(imgs[c], cmap="gray_r", vmin=0, vmax=DIGIT_MAX)
            ax.set_xticks([]), ax.set_yticks([])
            label = f"at ({corners[c][0]}, {corners[c][1]}): " if r == len(rows) - 1 else ""
            ax.set_title(f"{label}read as {pred[c]}", fontsize=8)
        axes[r, 0].set_ylabel(title, fontsize=8)
    return fig


def judged_figure(judged: Sequence[Judged], crop: CropEffect):
    """Left: the judges' accuracy on transformed test digits with bootstrap intervals. Right: the
    share of the test 8s still read as 8, per position of the crop window (top, left)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.2), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1.6, 1))
    y = np.array([100 * j.accuracy.value for j in judged])
    err = np.array(
        [
            [100 * (j.accuracy.value - j.accuracy.low) for j in judged],
            [100 * (j.accuracy.high - j.accuracy.value) for j in judged],
        ]
    )
    x = np.arange(len(judged))
    safe = [j.transform in SAFE for j in judged]  # bluish green, plain / vermillion, hatched
    left.bar(
        x,
        y,
        color=[OKABE_ITO[2] if k else OKABE_ITO[1] for k in safe],
        hatch=[None if k else "//" for k in safe],
        edgecolor="black",
        linewidth=0.5,
    )
    left.errorbar(x, y, yerr=err, fmt="none", color="black", capsize=4)
    left.scatter(
        x,
        [100 * j.untouched.value for j in judged],
        marker="_",
        s=300,
        color="black",
        label="same judge, untouched digits",
        zorder=3,
    )
    left.set_xticks(x, [j.transform for j in judged], fontsize=8)
    left.set(
        ylabel="% of test digits read right",
        ylim=(0, 105),
        title=f"judge that never saw the transformation ({INTERVAL}% intervals)",
    )
    left.title.set_fontsize(9)
    left.legend(
        handles=[
            *left.get_legend_handles_labels()[0],
            Rectangle((0, 0), 1, 1, facecolor=OKABE_ITO[2], edgecolor="black", label="label-keeping candidate"),
            Rectangle((0, 0), 1, 1, facecolor=OKABE_ITO[1], edgecolor="black", hatch="//", label="label-changing"),
        ],
        fontsize=SMALL,
        loc="lower left",
    )
    kept = 100 * np.array(crop.kept_by_position)
    im = right.imshow(kept, cmap="viridis", vmin=0, vmax=100)
    for (r, c), v in np.ndenumerate(kept):
        right.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=SMALL, color="white" if v < 50 else "black")
    right.set(
        xlabel="left of the window",
        ylabel="top of the window",
        title=f"% of {crop.digits} test {crop.digit}s still read as {crop.digit}, {crop.size}×{crop.size} crop",
    )
    right.title.set_fontsize(9)
    fig.colorbar(im, ax=right, shrink=0.8)
    return fig


FIGURE_PAIRS = (
    ("flip_h", "b", "d"),
    ("flip_v", "b", "p"),
    ("rot180", "b", "q"),
    ("rot180", "n", "u"),
    ("flip_v", "M", "W"),
)


def glyphs_figure(pairs: tuple[tuple[str, str, str], ...] = FIGURE_PAIRS):
    """For each pair: the glyph, its transform, the target letter, and their overlap."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 1.6 * len(pairs)), layout="constrained")
    axes = fig.subplots(len(pairs), 4)
    for r, (t, s, g) in enumerate(pairs):
        moved, goal = TRANSFORMS[t](glyph(s)), glyph(g)
        overlap = np.zeros(goal.shape + (3,))
        overlap[moved & goal] = (0.1, 0.1, 0.1)  # both: black
        overlap[moved & ~goal] = (0.835, 0.369, 0.0)  # only the transformed glyph: vermillion
        overlap[~moved & goal] = (0.0, 0.447, 0.698)  # only the target: blue (Okabe–Ito)
        overlap[~moved & ~goal] = (1, 1, 1)
        for ax, img, title in zip(
            axes[r], [glyph(s), moved, goal, overlap], [s, f"{t}({s})", g, f"IoU {iou(moved, goal):.2f}"]
        ):
            ax.imshow(img, cmap="gray_r" if img.ndim == 2 else None)
            ax.set_xticks([]), ax.set_yticks([])
            ax.set_title(title, fontsize=9)
    return fig


# ---------------------------------------------------------------------------------------------
# From solutions.answers.view_invariance.


def views_figure(images: np.ndarray, seed: int = 0):
    """One row per horse: the photograph and four 2-D augmentations of it."""
    from matplotlib.figure import Figure

    rng = np.random.default_rng(seed)
    rows = [two_d_views(img, rng) for img in images]
    fig = Figure(figsize=(1.5 * len(rows[0]), 1.55 * len(rows)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(rows), len(rows[0])))
    for r, views in enumerate(rows):
        for ax, (name, view) in zip(axes[r], views.items()):
            ax.imshow(view, interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            if r == 0:
                ax.set_title(name, fontsize=8)
    return fig
