"""Half crops of a digit, read by the Q1.1 judge (CS5242 Q1.1, the typical answer's crop example).

The typical answer says a crop can turn an 8 into a 3 or a 0: the crops it has in mind are halves
of the character (a 0 from the top or bottom loop, a 3 from one side), not the small square
windows of :func:`~solutions.answers.label_changing_augmentation.crop_effect`. So each half of
every test digit (top, bottom, left, right) is cut out, scaled back to 8×8 as the square crops
are (:func:`scipy.ndimage.zoom`, linear, ``grid_mode``), and read by the same judge that read
the stored crops (:func:`~solutions.answers.digit_readings.classifier`: it never saw a crop).

The judge is refitted here (a few seconds; deterministic), because the store keeps its readings,
not the classifier; :func:`half_readings` reads the halves with it.

>>> x = np.arange(64.0).reshape(8, 8)
>>> half_crop(x, "top").shape, bool(np.allclose(half_crop(x, "top")[0], x[0]))
((8, 8), True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import ndimage

from solutions.answers.common import choice
from solutions.answers import digit_readings
from solutions.answers.label_changing_augmentation import (
    CLASSES, Share, classifier, digits, predict, share_of)

HALVES = ("top", "bottom", "left", "right")


def half_crop(x: np.ndarray, half: str) -> np.ndarray:
    """One half of a square image (rows for top/bottom, columns for left/right), scaled back to
    the full size along the cut axis, as :func:`crop_resize` scales its windows.

    >>> half_crop(np.ones((8, 8)), "left").shape
    (8, 8)
    """
    x = digit_readings._images("x", x)
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
class HalfReading:
    """What the judge reads in one half of every test digit of one class."""

    digit: int
    half: str
    readings: tuple[Share, ...]      # per class 0..9: share of the digits whose half reads as it

    @property
    def digits(self) -> int:
        return self.readings[0].total

    @property
    def kept(self) -> float:
        """The share still read as the digit itself."""
        return self.readings[self.digit].value

    def share(self, k: int) -> float:
        return self.readings[digit_readings._digit("k", k)].value

    @property
    def most_common_other(self) -> int:
        """The most common reading other than the digit (ties: the lower class)."""
        return min((k for k in range(CLASSES) if k != self.digit),
                   key=lambda k: (-self.readings[k].hits, k))


@cache
def half_readings(digit: int = 8) -> dict[str, HalfReading]:
    """half → how the judge reads that half of every test ``digit`` (refits the judge once)."""
    digit = digit_readings._digit("digit", digit)
    d = digits()
    mine = d.x_test[d.y_test == digit]
    judge = classifier()
    out = {}
    for half in HALVES:
        read = predict(judge, np.array([half_crop(img, half) for img in mine]))
        out[half] = HalfReading(digit, half, tuple(share_of(read == k) for k in range(CLASSES)))
    return out

