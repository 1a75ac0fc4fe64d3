"""What 2-D augmentation of one view can and cannot reach (CS5242 Q1.2).

Every augmentation here is a function of the pixels of one photograph: a flip,
a rotation in the image plane, a crop, a change of colour. Each output pixel is
made from input pixels, so no augmentation shows what the photograph never
recorded: the far side of a horse (a 3-D viewpoint change), its parts hidden
behind other parts, light from another direction (shading and cast shadows
follow the 3-D shape), or another rendering style (a drawing, a painting).

The images are passed in (the book shows CIFAR-10 horses from the data shipped
with it; see :mod:`solutions.experiments.data`).

>>> img = np.zeros((32, 32, 3), np.uint8); img[0, 0] = 255
>>> views = two_d_views(img, np.random.default_rng(0))
>>> sorted(views)
['colour jitter', 'crop 24×24, resized', 'flip left–right', 'original', 'rotation']
>>> bool(views["flip left–right"][0, -1, 0] == 1.0)
True
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from solutions.answers.common import finite_number, positive_int
from solutions.answers.validation import array


def _rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    out: np.ndarray = ndimage.rotate(img, degrees, axes=(1, 0), reshape=False, order=1, mode="reflect")
    return out


def _crop_resize(img: np.ndarray, top: int, left: int, size: int) -> np.ndarray:
    n = img.shape[0]
    window = img[top : top + size, left : left + size]
    out: np.ndarray = ndimage.zoom(window, (n / size, n / size, 1), order=1, mode="nearest", grid_mode=True)
    return out


def _colour_jitter(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    brightness, contrast, saturation = rng.uniform(0.7, 1.3, size=3)
    out = img * brightness
    out = (out - out.mean()) * contrast + out.mean()
    grey = out.mean(axis=-1, keepdims=True)
    jittered: np.ndarray = grey + (out - grey) * saturation
    return jittered


def two_d_views(
    img: np.ndarray, rng: np.random.Generator, crop: int = 24, degrees: float = 20.0
) -> dict[str, np.ndarray]:
    """The image (float RGB in [0, 1]) and the 2-D augmentations of it, name → image.

    ``img``: one square RGB image (n, n, 3) of 0..255; ``crop``: the side of the cropped window
    (at most n); ``degrees``: the rotation's angle, turned left or right at random.
    """
    x = array("img", img, ndim=3, dtype=float)
    if x.shape[-1] != 3 or x.shape[0] != x.shape[1]:
        raise ValueError(f"img must be one square RGB image (n, n, 3), got shape {x.shape}")
    if x.min() < 0 or x.max() > 255:
        raise ValueError(f"img must hold values 0..255, got {x.min():g}..{x.max():g}")
    x = x / 255.0
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator, got {rng!r}")
    degrees = finite_number("degrees", degrees)
    n = x.shape[0]
    crop = positive_int("crop", crop)
    if crop > n:
        raise ValueError(f"crop must be at most the image's side {n}, got {crop}")
    top, left = (int(v) for v in rng.integers(0, n - crop + 1, size=2))
    views = {
        "original": x,
        "flip left–right": x[:, ::-1],
        "rotation": _rotate(x, float(rng.choice([-1, 1]) * degrees)),
        f"crop {crop}×{crop}, resized": _crop_resize(x, top, left, crop),
        "colour jitter": _colour_jitter(x, rng),
    }
    return {k: np.clip(v, 0, 1) for k, v in views.items()}
