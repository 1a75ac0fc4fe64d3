"""CSC413 2(c): where the UNet's gain is — accuracy on flat regions vs edges of the input.

The measurement runs the stored CNN and UNet on every validation image once
(:func:`split_record`, called by ``solutions run c2-edge-split``) and is stored;
the book reads the record back with :func:`edge_accuracies`.

>>> import numpy as np
>>> grey = np.zeros((1, 4, 4)); grey[0, :, 2:] = 1.0          # a vertical edge in the middle
>>> target = np.zeros((1, 4, 4), dtype=int)
>>> record = split_record({"m": target.copy()}, target, grey, EdgeSplitConfig(models=("m",)))
>>> edge_accuracies(record, EdgeSplitConfig(models=("m",)))[0].overall
100.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from solutions.answers.validation import array, instance, mapping, number, sequence, text


@dataclass(frozen=True)
class EdgeSplitConfig:
    """Which stored networks are split, and the quantiles that bound "flat" and "edge" pixels."""

    models: tuple[str, ...] = ("cnn", "unet")
    flat_quantile: float = 0.25  # flat: edge strength ≤ this quantile over all pixels
    edge_quantile: float = 0.75  # edge: edge strength > this quantile

    def __post_init__(self) -> None:
        if not self.models or not all(isinstance(m, str) and m for m in self.models):
            raise ValueError(f"models must be a non-empty tuple of names, got {self.models!r}")
        if not 0 < self.flat_quantile <= self.edge_quantile < 1:
            raise ValueError(
                f"flat_quantile and edge_quantile must satisfy 0 < flat ≤ edge < 1, "
                f"got {self.flat_quantile!r}, {self.edge_quantile!r}"
            )


def edge_strength(grey: np.ndarray) -> np.ndarray:
    """Central-difference gradient magnitude of greyscale images (N, H, W); 0 on the outer ring.

    >>> float(edge_strength(np.array([[[0., 0., 0.], [0., 0., 2.], [0., 0., 0.]]]))[0, 1, 1])
    1.0
    """
    g = array("grey", grey, ndim=3, dtype=np.float64)
    if min(g.shape[1:]) < 3:
        raise ValueError(f"grey must be images of shape (N, H, W) with H, W ≥ 3, got {g.shape}")
    gx, gy = np.zeros_like(g), np.zeros_like(g)
    gx[:, 1:-1, 1:-1] = (g[:, 1:-1, 2:] - g[:, 1:-1, :-2]) / 2
    gy[:, 1:-1, 1:-1] = (g[:, 2:, 1:-1] - g[:, :-2, 1:-1]) / 2
    strength: np.ndarray = np.sqrt(gx**2 + gy**2)
    return strength


@dataclass(frozen=True)
class EdgeAccuracy:
    """% of pixels coloured right, on the flattest and on the most edged quarter of the input."""

    model: str
    overall: float
    flat: float  # pixels with edge strength ≤ the lower quartile
    edge: float  # pixels with edge strength > the upper quartile


def accuracy_by_edges(
    model: str,
    predicted: np.ndarray,
    target: np.ndarray,
    grey: np.ndarray,
    quantiles: tuple[float, float] = (0.25, 0.75),
) -> EdgeAccuracy:
    """Accuracy of class maps ``predicted`` (N, H, W) against ``target``, split by :func:`edge_strength`.

    Quantiles are taken over all pixels of ``grey`` (N, H, W), so two models
    compared on the same images use the same split.
    """
    text("model", model)
    p = array("predicted", predicted, ndim=3, kinds="iu")
    t = array("target", target, ndim=3, kinds="iu")
    qs = sequence("quantiles", quantiles, lambda n, q: number(n, q, minimum=0, maximum=1), min_length=2)
    if len(qs) != 2 or not qs[0] <= qs[1]:
        raise ValueError(f"quantiles must be two fractions, the lower first, got {qs!r}")
    e = edge_strength(grey)
    if p.shape != t.shape or p.shape != e.shape:
        raise ValueError(f"predicted, target and grey must have one shape, got {p.shape}, {t.shape}, {e.shape}")
    lo, hi = np.quantile(e, qs)
    right = p == t
    return EdgeAccuracy(
        str(model), float(100 * right.mean()), float(100 * right[e <= lo].mean()), float(100 * right[e > hi].mean())
    )


def split_record(
    predicted: Mapping[str, np.ndarray], target: np.ndarray, grey: np.ndarray, config: EdgeSplitConfig
) -> dict[str, object]:
    """Every model of ``config`` split by edges: a JSON-ready record for the store."""
    instance("config", config, EdgeSplitConfig)
    mapping("predicted", predicted)
    missing = [m for m in config.models if m not in predicted]
    if missing:
        raise ValueError(f"predicted lacks the models {missing} of the config")
    q = (config.flat_quantile, config.edge_quantile)
    found = {m: accuracy_by_edges(m, predicted[m], target, grey, q) for m in config.models}
    return {
        "images": int(np.asarray(target).shape[0]),
        "models": {m: {"overall": a.overall, "flat": a.flat, "edge": a.edge} for m, a in found.items()},
    }


def edge_accuracies(record: Mapping[str, object], config: EdgeSplitConfig) -> tuple[EdgeAccuracy, ...]:
    """The stored record read back, one :class:`EdgeAccuracy` per model of ``config``, in order."""
    instance("config", config, EdgeSplitConfig)
    models = record.get("models") if isinstance(record, Mapping) else None
    if not isinstance(models, Mapping) or any(m not in models for m in config.models):
        raise ValueError(f"record must hold the models {config.models}, got {record!r:.200}")
    return tuple(
        EdgeAccuracy(m, float(models[m]["overall"]), float(models[m]["flat"]), float(models[m]["edge"]))
        for m in config.models
    )


__all__ = ["EdgeAccuracy", "EdgeSplitConfig", "accuracy_by_edges", "edge_accuracies", "edge_strength", "split_record"]
