"""Bias and variance measured: ensembles of small MLPs on a known noisy function (CS5242 Q4).

The target is f(x) = sin(2πx) on [0, 1]; a training set is n points x ~ U[0, 1]
with y = f(x) + ε, ε ~ N(0, σ²). For one setting (width, weight decay, dropout,
n) we train M networks, each on its own independently drawn training set, and
read their predictions on a fixed grid of test points. Then, averaged over the
grid,

* bias² = mean_x (p̄(x) − f(x))² − s²(x)/M, with p̄ the mean prediction and s²
  the sample variance across members (the −s²/M removes the part of the
  squared mean error that is only the finite ensemble's own noise, so the
  estimate is unbiased; it can come out slightly negative when the bias is ~0);
* variance = mean_x s²(x) (ddof 1);
* noise = σ².

With these two estimators the identity mean_{m,x} (ŷ_m − f)² = bias² + variance
holds exactly, and the expected squared error on noisy targets adds σ².

>>> f = target(np.linspace(0, 1, 5))
>>> d = decompose(np.tile(f, (3, 1)) + 0.5, f, noise_sd=0.1)   # a constant offset of 0.5
>>> round(d.bias2, 6), d.variance, round(d.noise, 6)
(0.25, 0.0, 0.01)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from solutions.answers import bootstrap
from solutions.answers.bootstrap import Change
from solutions.answers.ensemble_setup import BASES as BASES  # the set-up, also named here
from solutions.answers.ensemble_setup import SWEEPS as SWEEPS
from solutions.answers.ensemble_setup import Experiment as Experiment
from solutions.answers.ensemble_setup import Setting as Setting
from solutions.answers.ensemble_setup import grid_points as grid_points
from solutions.answers.ensemble_setup import target as target
from solutions.answers.ensemble_setup import training_sets as training_sets
from solutions.answers.validation import array, choice, instance, number, sequence
import itertools

INTERVAL = 90  # percent: the bootstrap interval reported and used to claim a direction
TEXTBOOK = {
    "weight_decay": ("↑", "↓"),
    "width": ("↓", "↑"),
    "dropout": ("↑", "↓"),
    "n_train": ("≈", "↓"),
}  # (bias², variance) as the typical answer says


@dataclass(frozen=True)
class Decomposition:
    bias2: float
    variance: float
    noise: float

    @property
    def total(self) -> float:
        """Expected squared error on a fresh noisy target."""
        return self.bias2 + self.variance + self.noise


def decompose(predictions: np.ndarray, f: np.ndarray, noise_sd: float) -> Decomposition:
    """bias², variance and noise of an ensemble's predictions (M, G) of f (G,)."""
    p = array("predictions", predictions, ndim=2, dtype=float)
    if p.shape[0] < 2:
        raise ValueError(f"predictions must be (members ≥ 2, grid), got shape {p.shape}")
    noise_sd = number("noise_sd", noise_sd, minimum=0)
    f = array("f", f, ndim=1, dtype=float)
    if f.shape != p.shape[1:]:
        raise ValueError(f"f must have one value per grid point of predictions {p.shape[1:]}, got shape {f.shape}")
    b2, var = _bias2_variance(p[None], f)
    return Decomposition(b2.item(), var.item(), float(noise_sd) ** 2)


def _bias2_variance(p: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised over a leading axis: p (R, M, G) → bias² (R,), variance (R,)."""
    m = p.shape[1]
    s2 = p.var(axis=1, ddof=1)
    return ((p.mean(axis=1) - f) ** 2 - s2 / m).mean(axis=1), s2.mean(axis=1)  # s2: (R, G)


def bootstrap_indices(members: int, resamples: int, seed: int = 0) -> np.ndarray:
    """(resamples, members) indices drawn with replacement; shared across a sweep (paired)."""
    return bootstrap.indices(members, resamples, seed, name="members")


# ---------------------------------------------------------------------------------------------
# Sweeps with bootstrap uncertainty and a direction claimed only outside the noise.


@dataclass(frozen=True)
class Estimate:
    value: float
    std: float  # bootstrap standard deviation
    low: float  # 90% bootstrap interval
    high: float


@dataclass(frozen=True)
class Point:
    value: float
    bias2: Estimate
    variance: Estimate


@dataclass(frozen=True)
class Trend:
    """How an estimate moves along a sweep, claimed only outside the bootstrap noise.

    ``overall`` is last minus first. ``turn`` is an interior setting where the
    estimate reverses (its change from the first setting and its change to the
    last are both significant and of opposite signs), else None.
    """

    overall: Change
    turn: int | None = None
    before: Change | None = None  # turn − first
    after: Change | None = None  # last − turn

    @property
    def arrows(self) -> str:
        """``↑``, ``↓``, ``≈``, or e.g. ``↓ then ↑`` where it turns."""
        if self.before is None or self.after is None:  # no turn
            return self.overall.arrow
        return f"{self.before.arrow} then {self.after.arrow}"


@dataclass(frozen=True)
class Sweep:
    name: str
    points: tuple[Point, ...]
    bias2: Trend
    variance: Trend
    least: int  # the setting of least variance
    to_least: Change  # variance: least − first (paired bootstrap)
    from_least: Change  # variance: last − least (0 when the least is the last)
    predictions: tuple[np.ndarray, ...] = field(default=(), repr=False, compare=False)  # (M, G) each


def _centred_interval(samples: np.ndarray, value: float) -> tuple[float, float]:
    """The interval of ``value`` from the bootstrap spread, centred on the estimate itself.

    The resampled bias² is not centred on the bias² estimate: a resample's
    repeated members make its mean scatter by s²/M, which the −s²/M correction
    of the resample does not remove, so the raw percentiles sit about s²/M too
    high (and differ between settings of different variance). Re-centring the
    samples on the estimate keeps their spread and drops that offset.
    """
    low, high = bootstrap.interval(samples - samples.mean(), INTERVAL)
    return float(value + low), float(value + high)


def _estimate(samples: np.ndarray, value: float) -> Estimate:
    return Estimate(float(value), float(samples.std(ddof=1)), *_centred_interval(samples, value))


def _change(a: np.ndarray, b: np.ndarray, a0: float, b0: float) -> Change:
    return Change(float(b0 - a0), *_centred_interval(b - a, b0 - a0))


def _trend(boot: list[np.ndarray], full: list[float]) -> Trend:
    """Paired-bootstrap trend of one quantity: boot[i] (R,) samples, full[i] the estimate."""
    last = len(full) - 1

    def change(i: int, j: int) -> Change:
        return _change(boot[i], boot[j], full[i], full[j])

    best: tuple[float, int, Change, Change] | None = None
    for k in {int(np.argmax(full)), int(np.argmin(full))} - {0, last}:
        before, after = change(0, k), change(k, last)
        if "≈" not in (before.arrow, after.arrow) and before.arrow != after.arrow:
            size = min(abs(before.delta), abs(after.delta))
            if best is None or size > best[0]:
                best = (size, k, before, after)
    if best is None:
        return Trend(change(0, last))
    return Trend(change(0, last), best[1], best[2], best[3])


def summarise(
    name: str,
    values: Sequence[float],
    predictions: Sequence[np.ndarray],
    f: np.ndarray,
    resamples: int = 200,
    seed: int = 0,
) -> Sweep:
    """A :class:`Sweep` from each setting's predictions (M, G), with a paired bootstrap."""
    choice("name", name, tuple(SWEEPS))
    values = sequence("values", values, number, min_length=1)
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"values must be the swept settings in increasing order, got {values!r}")
    predictions = sequence("predictions", predictions, lambda n, p: array(n, p, ndim=2, dtype=float), min_length=1)
    if len(values) != len(predictions):
        raise ValueError(
            f"values must hold one setting per entry of predictions, got {len(values)} and {len(predictions)}"
        )
    f = array("f", f, ndim=1, dtype=float)
    if any(p.ndim != 2 or p.shape[0] < 2 or p.shape != predictions[0].shape for p in predictions):
        raise ValueError(
            f"predictions must be arrays (members ≥ 2, grid) of one shape, got shapes {[p.shape for p in predictions]}"
        )
    if f.shape != predictions[0].shape[1:]:
        raise ValueError(
            f"f must have one value per grid point of predictions {predictions[0].shape[1:]}, got {f.shape}"
        )
    idx = bootstrap_indices(predictions[0].shape[0], resamples, seed)
    # The same resampled members for every setting: the settings share training sets (paired).
    boot = [_bias2_variance(p[idx], f) for p in predictions]
    full = [[a.item() for a in _bias2_variance(p[None], f)] for p in predictions]
    points = tuple(
        Point(float(v), _estimate(bs[0], fl[0]), _estimate(bs[1], fl[1])) for v, bs, fl in zip(values, boot, full)
    )
    var_boot, var_full = [b[1] for b in boot], [fl[1] for fl in full]
    least = int(np.argmin(var_full))
    return Sweep(
        name=name,
        points=points,
        bias2=_trend([b[0] for b in boot], [fl[0] for fl in full]),
        variance=_trend(var_boot, var_full),
        least=least,
        to_least=_change(var_boot[0], var_boot[least], var_full[0], var_full[least]),
        from_least=_change(var_boot[least], var_boot[-1], var_full[least], var_full[-1]),
        predictions=tuple(predictions),
    )


# ---------------------------------------------------------------------------------------------
# A sweep read against the textbook answer (what the page states, computed here).


def verdict(textbook: str, trend: Trend) -> str:
    """ "agrees" when the measured direction is the textbook's, else "departs" (with "not
    monotone" when the estimate turns).

    >>> verdict("↓", Trend(Change(-1.0, -1.5, -0.5)))
    'agrees'
    >>> verdict("≈", Trend(Change(-1.0, -1.5, -0.5)))
    'departs'
    """
    choice("textbook", textbook, ("↑", "↓", "≈"))
    instance("trend", trend, Trend)
    if trend.turn is not None:
        return "departs: not monotone"
    return "agrees" if trend.arrows == textbook else "departs"


@dataclass(frozen=True)
class Reading:
    """One sweep's measured directions, next to the textbook answer."""

    name: str
    first: float  # first and last swept value
    last: float
    bias_first: float
    bias_last: float
    var_first: float
    var_last: float
    bias_arrows: str  # ↑, ↓, ≈ or e.g. "↓ then ↑"
    var_arrows: str
    bias_turn_at: float | None  # the swept value where the estimate turns, if it does
    var_turn_at: float | None
    bias_change: Change  # last − first, with its bootstrap interval
    var_change: Change
    textbook_bias: str
    textbook_var: str
    bias_verdict: str
    var_verdict: str
    var_least_at: float  # the swept value of least variance
    var_least: float
    var_to_least: Change  # least − first
    var_from_least: Change  # last − least (0 when the least is the last)


def read(sweep: Sweep) -> Reading:
    """The directions of ``sweep`` and how they compare with :data:`TEXTBOOK`."""
    instance("sweep", sweep, Sweep)
    pts, (tb_bias, tb_var) = sweep.points, TEXTBOOK[sweep.name]
    first, last = pts[0], pts[-1]

    def turn_at(trend: Trend) -> float | None:
        return None if trend.turn is None else pts[trend.turn].value

    return Reading(
        name=sweep.name,
        first=first.value,
        last=last.value,
        bias_first=first.bias2.value,
        bias_last=last.bias2.value,
        var_first=first.variance.value,
        var_last=last.variance.value,
        bias_arrows=sweep.bias2.arrows,
        var_arrows=sweep.variance.arrows,
        bias_turn_at=turn_at(sweep.bias2),
        var_turn_at=turn_at(sweep.variance),
        bias_change=sweep.bias2.overall,
        var_change=sweep.variance.overall,
        textbook_bias=tb_bias,
        textbook_var=tb_var,
        bias_verdict=verdict(tb_bias, sweep.bias2),
        var_verdict=verdict(tb_var, sweep.variance),
        var_least_at=pts[sweep.least].value,
        var_least=pts[sweep.least].variance.value,
        var_to_least=sweep.to_least,
        var_from_least=sweep.from_least,
    )


# ---------------------------------------------------------------------------------------------
# Figures (matplotlib is imported only when a figure is drawn).

LABELS = {
    "weight_decay": "weight decay λ",
    "width": "hidden units",
    "dropout": "dropout rate",
    "n_train": "training points n",
}
