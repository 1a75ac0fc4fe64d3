"""Preprocessing of the colourization data, as in the assignment's starter code.

* RGB values are divided by 256 (float32);
* the input is greyscale = the mean of R, G and B, shape (N, 1, 32, 32);
* the target of a pixel is the index of the nearest of 24 palette colours
  (Euclidean distance in RGB/256 space), shape (N, 32, 32), int64;
* the palette is ``scipy.cluster.vq.kmeans`` of the training pixels (see
  :func:`compute_palette` for the seeded subsample we use, and why);
* the training set is shuffled once, with numpy seed 0, before training.

This module is part of the code hash of every colourization result (the
training code imports it); loading the images (:mod:`solutions.experiments.data`)
is not: results are keyed on the loaded pixels' hash instead.

>>> x = np.zeros((2, 32, 32, 3), np.uint8)
>>> x[0, :, :, 0] = 255                       # image 0 is pure red
>>> greyscale(x).shape, greyscale(x).dtype
((2, 1, 32, 32), dtype('float32'))
>>> float(greyscale(x)[0, 0, 0, 0]) == 255 / 256 / 3
True
>>> palette = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
>>> nearest_colour(x, palette)[:, 0, 0]
array([1, 0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from solutions.answers.common import NUM_COLOURS, positive_int

if TYPE_CHECKING:
    import torch

MAX_PIXEL = 256.0  # the starter code divides by 256, not 255


def to_unit(x: np.ndarray) -> np.ndarray:
    """uint8 RGB → float32 RGB/256, same shape."""
    return x.astype(np.float32) / np.float32(MAX_PIXEL)


def greyscale(x: np.ndarray) -> np.ndarray:
    """uint8 (N, 32, 32, 3) → the network's input: mean of R, G, B over 256, (N, 1, 32, 32) float32."""
    return to_unit(x).mean(axis=3)[:, None]  # (N, 1, H, W)


def nearest_colour(x: np.ndarray, palette: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Index of the nearest palette colour per pixel: uint8 (N, H, W, 3) → int64 (N, H, W).

    Distances are Euclidean in RGB/256 space, in float64. Only the distinct
    colours are compared (about 8× fewer than the pixels of the 5000 horses), in
    chunks of ``chunk`` colours, so memory stays at ``chunk × K × 3`` floats.
    Ties go to the lower index (``argmin``), as in the starter code.
    """
    palette = np.asarray(palette, dtype=np.float64)
    if palette.ndim != 2 or palette.shape[1] != 3:
        raise ValueError(f"palette must have shape (K, 3), got {palette.shape}")
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[3] != 3:
        raise ValueError(f"x must be uint8 of shape (N, H, W, 3), got {x.dtype} {x.shape}")
    rgb = x.reshape(-1, 3).astype(np.int32)
    codes = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]  # one int per colour
    distinct, inverse = np.unique(codes, return_inverse=True)
    colours = np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=1)
    nearest = np.empty(len(colours), dtype=np.int64)
    for start in range(0, len(colours), chunk):
        c = colours[start : start + chunk] / MAX_PIXEL  # (C, 3) float64
        d2 = ((c[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2)  # (C, K)
        nearest[start : start + chunk] = d2.argmin(axis=1)
    return nearest[inverse].reshape(x.shape[:3])


def compute_palette(
    x_train: np.ndarray, k: int = NUM_COLOURS, seed: int = 0, sample: int | None = 200_000
) -> np.ndarray:
    """``k`` colours by ``scipy.cluster.vq.kmeans`` of training pixels/256, (k, 3) float64.

    The course ran kmeans (20 restarts, its default) on all training pixels
    (5000 × 1024 = 5.1M); that takes about 160 s here, so by default we run it
    on a seeded random subsample of ``sample`` pixels (about 9 s); ``sample=None``
    uses every pixel. kmeans is seeded (``rng=seed``) and the centroids are
    sorted by luminance (then R, G, B), so the same data always gives the same palette.
    """
    from scipy.cluster.vq import kmeans  # scipy is only needed here

    positive_int("k", k)
    pixels = x_train.reshape(-1, 3)
    if sample is not None and sample < len(pixels):
        if sample < k:
            raise ValueError(f"sample must be at least k={k}, got {sample}")
        pixels = pixels[np.random.default_rng(seed).choice(len(pixels), sample, replace=False)]
    centroids, _ = kmeans(pixels.astype(np.float64) / MAX_PIXEL, k, rng=seed)
    if len(centroids) != k:  # kmeans drops clusters that end empty
        raise ValueError(f"kmeans found only {len(centroids)} distinct colours, k={k}")
    luminance = centroids @ np.array([0.299, 0.587, 0.114])
    order = np.lexsort((centroids[:, 2], centroids[:, 1], centroids[:, 0], luminance))
    return centroids[order]


@dataclass(frozen=True)
class PaletteConfig:
    """How the palette is made (the results-store key of a cached palette)."""

    k: int = NUM_COLOURS  # the assignment's 24 colours
    seed: int = 0  # kmeans initialisation and the pixel subsample
    sample: int | None = 200_000  # pixels given to kmeans; None = all 5.1M (about 160 s)

    def describe(self) -> str:
        """The sentence a report prints about the palette (the course's own file is not available).

        >>> PaletteConfig().describe()
        'The 24 colours are scipy kmeans centroids of a random 200,000 of the training pixels
        (/256), seed 0, sorted by luminance.'
        """
        pixels = (
            "all the training pixels" if self.sample is None else f"a random {self.sample:,} of the training pixels"
        )
        return (
            f"The {self.k} colours are scipy kmeans centroids of {pixels} (/256), "
            f"seed {self.seed}, sorted by luminance."
        )


def shuffle_order(n: int, seed: int = 0) -> np.ndarray:
    """The one shuffle before training: ``RandomState(seed).permutation(n)``.

    The same order as ``np.random.seed(seed); np.random.shuffle(x)`` on an array
    of ``n`` rows.

    >>> shuffle_order(5)
    array([2, 0, 1, 3, 4])
    """
    return np.random.RandomState(seed).permutation(n)


@dataclass(frozen=True, eq=False)
class HorseTensors:
    """Network-ready tensors, converted once (never per batch)."""

    x_train_grey: torch.Tensor  # (5000, 1, 32, 32) float32, shuffled once
    y_train: torch.Tensor  # (5000, 32, 32) int64 palette indices, same order
    x_test_grey: torch.Tensor  # (1000, 1, 32, 32) float32, file order
    y_test: torch.Tensor  # (1000, 32, 32) int64
    palette: torch.Tensor  # (24, 3) float32, RGB/256


def to_tensors(x_train: np.ndarray, x_test: np.ndarray, palette: np.ndarray, shuffle_seed: int = 0) -> HorseTensors:
    """Shuffle the training set once, make greyscale inputs and colour targets, as torch tensors."""
    import torch  # imported late: loading the data should not need torch

    x_train = x_train[shuffle_order(len(x_train), shuffle_seed)]
    return HorseTensors(
        x_train_grey=torch.from_numpy(greyscale(x_train)),
        y_train=torch.from_numpy(nearest_colour(x_train, palette)),
        x_test_grey=torch.from_numpy(greyscale(x_test)),
        y_test=torch.from_numpy(nearest_colour(x_test, palette)),
        palette=torch.from_numpy(np.asarray(palette, dtype=np.float32)),
    )
