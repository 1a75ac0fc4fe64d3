"""The bootstrap of the CS5242 analyses (Q1.1's shares, Q4's bias and variance).

Units (test digits, ensemble members) are resampled with replacement
(:func:`indices`); an interval is the central ``level``% of the resampled
values (:func:`interval`); a change between two settings carries its interval
and claims a direction only when that interval excludes 0 (:class:`Change`).

>>> indices(3, 2, seed=0).shape            # 2 resamples of 3 units
(2, 3)
>>> interval(np.arange(101.0), level=90)   # the 5th and 95th percentiles of 0, 1, …, 100
(5.0, 95.0)
>>> Change(-1.0, -1.5, -0.5).arrow, Change(0.2, -0.1, 0.5).arrow
('↓', '≈')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solutions.answers.validation import array, non_negative_int, number, positive_int, text


@dataclass(frozen=True)
class Change:
    """Change of an estimate between two settings (second − first), with its bootstrap interval."""

    delta: float
    low: float
    high: float

    @property
    def arrow(self) -> str:
        """↑ or ↓ when the interval of the change excludes 0, else ≈ (no claim inside the noise)."""
        return "↑" if self.low > 0 else "↓" if self.high < 0 else "≈"


def indices(units: int, resamples: int, seed: int = 0, *, name: str = "units") -> np.ndarray:
    """(resamples, units) indices drawn with replacement; ``name`` is the units' name in errors.

    One array serves every setting of a sweep, so their resamples are paired.
    """
    name = text("name", name)
    units, resamples = positive_int(name, units), positive_int("resamples", resamples)
    rng = np.random.default_rng(non_negative_int("seed", seed))
    return rng.integers(0, units, size=(resamples, units))


def interval(samples: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level``% of ``samples`` (percentiles (100 − level)/2 and (100 + level)/2).

    >>> interval(np.array([0.0, 1.0]), level=50)   # the 25th and 75th percentiles
    (0.25, 0.75)
    """
    samples = array("samples", samples, ndim=1, dtype=float)
    if not 0 < number("level", level) < 100:
        raise ValueError(f"level must be a percentage strictly between 0 and 100, got {level!r}")
    tail = (100 - level) / 200
    low, high = np.quantile(samples, [tail, 1 - tail])
    return float(low), float(high)
