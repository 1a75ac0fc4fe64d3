"""Half crops of a digit, read by the Q1.1 judge (CS5242 Q1.1, the typical answer's crop example).

The typical answer says a crop can turn an 8 into a 3 or a 0: the crops it has in mind are halves
of the character (a 0 from the top or bottom loop, a 3 from one side), not the small square
windows of :func:`~solutions.answers.label_changing_augmentation.crop_effect`. So each half of
every test digit (top, bottom, left, right) is cut out, scaled back to 8×8 as the square crops
are (:func:`scipy.ndimage.zoom`, linear, ``grid_mode``), and read by the same judge that read
the stored crops (:func:`~solutions.answers.digit_readings.classifier`: it never saw a crop).

Reading them refits the judge (seconds), so :func:`read_halves` runs once into the results
store (``solutions run q1-half-crops``, keyed on this module's code); the book reads the stored
classes and :func:`~solutions.answers.label_changing_augmentation.half_readings` turns them into
shares.

>>> x = np.arange(64.0).reshape(8, 8)
>>> half_crop(x, "top").shape, bool(np.allclose(half_crop(x, "top")[0], x[0]))
((8, 8), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from solutions.answers.digit_readings import SEED, _digit, _images, classifier, digits, predict
from solutions.answers.validation import choice, instance, non_negative_int

HALVES = ("top", "bottom", "left", "right")


def half_crop(x: np.ndarray, half: str) -> np.ndarray:
    """One half of a square image (rows for top/bottom, columns for left/right), scaled back to
    the full size along the cut axis, as :func:`crop_resize` scales its windows.

    >>> half_crop(np.ones((8, 8)), "left").shape
    (8, 8)
    """
    x = _images("x", x)
    choice("half", half, HALVES)
    n = x.shape[-1]
    if x.ndim != 2 or x.shape[0] != n or n % 2:
        raise ValueError(f"x must be one square image of even side, got shape {x.shape}")
    h = n // 2
    window = {"top": x[:h], "bottom": x[h:], "left": x[:, :h], "right": x[:, h:]}[half]
    zoom = (2.0, 1.0) if half in ("top", "bottom") else (1.0, 2.0)
    zoomed: np.ndarray = ndimage.zoom(window, zoom, order=1, mode="nearest", grid_mode=True)
    return zoomed


@dataclass(frozen=True)
class HalvesConfig:
    """What :func:`read_halves` reads (the store's config of ``q1-half-crops``): the halves of
    every test ``digit`` of the split seeded ``seed``, by the judge fitted with that seed."""

    digit: int = 8
    seed: int = SEED

    def __post_init__(self) -> None:
        _digit("digit", self.digit)
        non_negative_int("seed", self.seed)


def read_halves(config: HalvesConfig) -> dict[str, np.ndarray]:
    """half → the class the judge reads in that half of every test ``config.digit`` (int64, one
    per digit, in test order); refits the judge (seconds): the stored arrays of ``q1-half-crops``."""
    config = instance("config", config, HalvesConfig)
    d = digits(seed=config.seed)
    mine = d.x_test[d.y_test == config.digit]
    judge = classifier(config.seed)
    return {
        half: np.asarray(predict(judge, np.array([half_crop(img, half) for img in mine])), dtype=np.int64)
        for half in HALVES
    }
