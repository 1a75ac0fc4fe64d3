"""What 2-D augmentation of one view can and cannot reach (CS5242 Q1.2).

Every augmentation here is a function of the pixels of one photograph: a flip,
a rotation in the image plane, a crop, a change of colour. Each output pixel is
made from input pixels, so no augmentation shows what the photograph never
recorded: the far side of a horse (a 3-D viewpoint change), its parts hidden
behind other parts, light from another direction (shading and cast shadows
follow the 3-D shape), or another rendering style (a drawing, a painting).

The horses are the CIFAR-10 horse class from the offline copy
``shared/data/cifar10_horses_jpeg.npz`` (decoded JPEG: lossy).

>>> img = np.zeros((32, 32, 3), np.uint8); img[0, 0] = 255
>>> views = two_d_views(img, np.random.default_rng(0))
>>> sorted(views)
['colour jitter', 'crop 24×24, resized', 'flip left–right', 'original', 'rotation']
>>> bool(views["flip left–right"][0, -1, 0] == 1.0)
True
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from scipy import ndimage

from solutions.cifar_horses import ENV_SOURCE, SHARED_NPZ, SHARED_NPZ_SHA256, file_digest


def horses_path(path: str | os.PathLike | None = None) -> Path:
    """The .npz to read: ``path``, else $SOLUTIONS_CIFAR_SOURCE if it names an .npz, else the shared copy.

    >>> horses_path("/data/h.npz")
    PosixPath('/data/h.npz')
    """
    if path is None:
        env = os.environ.get(ENV_SOURCE, "")
        path = env if env.endswith(".npz") else SHARED_NPZ
    return Path(path)


def load_horse_images(path: str | os.PathLike | None = None) -> np.ndarray:
    """The training horses, uint8 (N, 32, 32, 3). FileNotFoundError names the path if absent."""
    p = horses_path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no CIFAR-10 horse file at {p} (set {ENV_SOURCE} to an .npz)")
    with np.load(p) as data:
        return data["x_train"]


def source_note(path: str | os.PathLike | None = None) -> str:
    """The sentence a caption needs about where the pixels come from."""
    p = horses_path(path)
    if p.is_file() and file_digest(p, "sha256") == SHARED_NPZ_SHA256:
        return ("CIFAR-10 training horses from the offline copy, decoded from **JPEG**: lossy, "
                "so pixels differ slightly from the official CIFAR-10 images.")
    return f"CIFAR-10 training horses read from `{p.name}` (origin not verified)."


def _rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    return ndimage.rotate(img, degrees, axes=(1, 0), reshape=False, order=1, mode="reflect")


def _crop_resize(img: np.ndarray, top: int, left: int, size: int) -> np.ndarray:
    n = img.shape[0]
    window = img[top:top + size, left:left + size]
    return ndimage.zoom(window, (n / size, n / size, 1), order=1, mode="nearest", grid_mode=True)


def _colour_jitter(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    brightness, contrast, saturation = rng.uniform(0.7, 1.3, size=3)
    out = img * brightness
    out = (out - out.mean()) * contrast + out.mean()
    grey = out.mean(axis=-1, keepdims=True)
    return grey + (out - grey) * saturation


def two_d_views(img: np.ndarray, rng: np.random.Generator, crop: int = 24,
                degrees: float = 20.0) -> dict[str, np.ndarray]:
    """The image (float RGB in [0, 1]) and the 2-D augmentations of it, name → image."""
    x = np.asarray(img, dtype=float) / 255.0
    n = x.shape[0]
    crop = min(crop, n)
    top, left = (int(v) for v in rng.integers(0, n - crop + 1, size=2))
    views = {"original": x,
             "flip left–right": x[:, ::-1],
             "rotation": _rotate(x, float(rng.choice([-1, 1]) * degrees)),
             f"crop {crop}×{crop}, resized": _crop_resize(x, top, left, crop),
             "colour jitter": _colour_jitter(x, rng)}
    return {k: np.clip(v, 0, 1) for k, v in views.items()}


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
