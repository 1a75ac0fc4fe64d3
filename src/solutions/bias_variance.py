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

import math
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from solutions.threads import one_thread

# The sweeps of Q4, in the order of the question: the swept field and its values.
SWEEPS: dict[str, tuple[float, ...]] = {
    "weight_decay": (0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1),
    "width": (1, 2, 4, 8, 16, 64, 256, 1024),
    "dropout": (0.0, 0.1, 0.2, 0.3, 0.5),
    "n_train": (10, 20, 40, 80, 160, 320),
}
INTERVAL = 90   # percent: the bootstrap interval reported and used to claim a direction
_TAILS = [(100 - INTERVAL) / 200, 1 - (100 - INTERVAL) / 200]
TEXTBOOK = {"weight_decay": ("↑", "↓"), "width": ("↓", "↑"), "dropout": ("↑", "↓"),
            "n_train": ("≈", "↓")}   # (bias², variance) as the typical answer says


def target(x: np.ndarray) -> np.ndarray:
    """The known function f(x) = sin(2πx)."""
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


@dataclass(frozen=True)
class Setting:
    """One network and training-set size (the point a sweep moves)."""

    n_train: int = 20
    width: int = 64           # hidden units of the single hidden ReLU layer
    weight_decay: float = 0.0  # λ in loss = MSE + λ‖W‖² (weights, not biases)
    dropout: float = 0.0       # drop probability of the hidden units, training only


@dataclass(frozen=True)
class Experiment:
    """What stays fixed across every setting: data noise, ensemble, optimiser, test grid."""

    noise_sd: float = 0.3
    members: int = 32      # M networks, each on its own training set
    steps: int = 1500      # full-batch Adam steps
    lr: float = 0.01       # cosine-decayed to 0, so the last iterate is a converged one
    grid: int = 101        # test points, evenly spaced on [0, 1]
    seed: int = 0
    resamples: int = 200   # bootstrap resamples of the ensemble members

    def __post_init__(self) -> None:
        if self.members < 2:
            raise ValueError(f"members must be at least 2 (a variance needs two), got {self.members}")
        if self.noise_sd < 0:
            raise ValueError(f"noise_sd must be non-negative, got {self.noise_sd}")
        for name in ("steps", "grid", "resamples"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


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
    p = np.asarray(predictions, dtype=float)
    if p.ndim != 2 or p.shape[0] < 2:
        raise ValueError(f"predictions must be (members ≥ 2, grid), got shape {p.shape}")
    if noise_sd < 0:
        raise ValueError(f"noise_sd must be non-negative, got {noise_sd}")
    b2, var = _bias2_variance(p[None], np.asarray(f, dtype=float))
    return Decomposition(float(b2[0]), float(var[0]), float(noise_sd) ** 2)


def _bias2_variance(p: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised over a leading axis: p (R, M, G) → bias² (R,), variance (R,)."""
    m = p.shape[1]
    s2 = p.var(axis=1, ddof=1)
    return ((p.mean(axis=1) - f) ** 2 - s2 / m).mean(axis=-1), s2.mean(axis=-1)


def bootstrap_indices(members: int, resamples: int, seed: int = 0) -> np.ndarray:
    """(resamples, members) indices drawn with replacement; shared across a sweep (paired)."""
    return np.random.default_rng(seed).integers(0, members, size=(resamples, members))


# ---------------------------------------------------------------------------------------------
# The ensemble: M one-hidden-layer ReLU networks trained at once as batched tensors.

def training_sets(exp: Experiment, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y), each (M, n): member m's training set.

    Drawn as the first n of a fixed stream of points per member, so the sets of
    a sweep are nested and every setting sees the same draws (paired settings
    make the differences between them far less noisy than independent ones).

    >>> x, y = training_sets(Experiment(members=2), 3)
    >>> x.shape, bool(np.all((0 <= x) & (x <= 1)))
    ((2, 3), True)
    >>> bool(np.all(training_sets(Experiment(members=2), 5)[0][:, :3] == x))
    True
    """
    if n < 1:
        raise ValueError(f"n_train must be positive, got {n}")
    rng = np.random.default_rng(exp.seed)
    stream = max(n, max(SWEEPS["n_train"]))
    x = rng.random((exp.members, stream))
    eps = rng.standard_normal((exp.members, stream))
    return x[:, :n], target(x[:, :n]) + exp.noise_sd * eps[:, :n]


def train_ensemble(setting: Setting, exp: Experiment = Experiment()) -> np.ndarray:
    """Predictions (M, grid) on the test grid of M networks trained on independent sets.

    The loss summed over members has each member's parameters in its own slice,
    and Adam works element by element, so this is exactly M separate trainings.
    """
    if setting.width < 1:
        raise ValueError(f"width must be positive, got {setting.width}")
    if setting.weight_decay < 0:
        raise ValueError(f"weight_decay must be non-negative, got {setting.weight_decay}")
    if not 0 <= setting.dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {setting.dropout}")
    with one_thread():
        return _train(setting, exp)


def _train(setting: Setting, exp: Experiment) -> np.ndarray:
    m, h = exp.members, setting.width
    xs, ys = training_sets(exp, setting.n_train)
    x = torch.tensor(2 * xs - 1, dtype=torch.float32)[..., None]   # inputs scaled to [−1, 1]
    y = torch.tensor(ys, dtype=torch.float32)[..., None]
    gen = torch.Generator().manual_seed(exp.seed)

    def uniform(*shape: int, bound: float) -> torch.Tensor:   # nn.Linear's default init
        return ((torch.rand(*shape, generator=gen) * 2 - 1) * bound).requires_grad_()

    w1, b1 = uniform(m, 1, h, bound=1.0), uniform(m, 1, h, bound=1.0)
    w2, b2 = uniform(m, h, 1, bound=1 / math.sqrt(h)), uniform(m, 1, 1, bound=1 / math.sqrt(h))
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=exp.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=exp.steps)
    keep = 1 - setting.dropout
    for _ in range(exp.steps):
        hidden = torch.relu(x * w1 + b1)                      # (M, n, h)
        if setting.dropout > 0:                               # inverted dropout: eval needs no rescale
            hidden = hidden * (torch.rand(hidden.shape, generator=gen) < keep) / keep
        out = torch.bmm(hidden, w2) + b2
        loss = ((out - y) ** 2).mean(dim=(1, 2)).sum()
        if setting.weight_decay > 0:
            loss = loss + setting.weight_decay * ((w1 ** 2).sum() + (w2 ** 2).sum())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    grid = torch.linspace(-1, 1, exp.grid)[None, :, None].expand(m, -1, -1)
    with torch.no_grad():
        return (torch.bmm(torch.relu(grid * w1 + b1), w2) + b2)[..., 0].double().numpy()


def grid_points(exp: Experiment = Experiment()) -> np.ndarray:
    return np.linspace(0, 1, exp.grid)


# ---------------------------------------------------------------------------------------------
# Sweeps with bootstrap uncertainty and a direction claimed only outside the noise.

@dataclass(frozen=True)
class Estimate:
    value: float
    std: float      # bootstrap standard deviation
    low: float      # 90% bootstrap interval
    high: float


@dataclass(frozen=True)
class Change:
    """Change of an estimate between two settings of a sweep (paired bootstrap)."""

    delta: float
    low: float
    high: float

    @property
    def arrow(self) -> str:
        """↑ or ↓ when the 90% interval of the change excludes 0, else ≈."""
        return "↑" if self.low > 0 else "↓" if self.high < 0 else "≈"


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
    before: Change | None = None   # turn − first
    after: Change | None = None    # last − turn

    @property
    def arrows(self) -> str:
        """``↑``, ``↓``, ``≈``, or e.g. ``↓ then ↑`` where it turns."""
        if self.turn is None:
            return self.overall.arrow
        return f"{self.before.arrow} then {self.after.arrow}"


@dataclass(frozen=True)
class Sweep:
    name: str
    points: tuple[Point, ...]
    bias2: Trend
    variance: Trend
    predictions: tuple[np.ndarray, ...] = field(default=(), repr=False, compare=False)  # (M, G) each


def _centred_interval(samples: np.ndarray, value: float) -> tuple[float, float]:
    """The interval of ``value`` from the bootstrap spread, centred on the estimate itself.

    The resampled bias² is not centred on the bias² estimate: a resample's
    repeated members make its mean scatter by s²/M, which the −s²/M correction
    of the resample does not remove, so the raw percentiles sit about s²/M too
    high (and differ between settings of different variance). Re-centring the
    samples on the estimate keeps their spread and drops that offset.
    """
    low, high = np.quantile(samples - samples.mean(), _TAILS)
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


def summarise(name: str, values: tuple[float, ...], predictions: list[np.ndarray],
              f: np.ndarray, resamples: int = 200, seed: int = 0) -> Sweep:
    """A :class:`Sweep` from each setting's predictions (M, G), with a paired bootstrap."""
    if not values or len(values) != len(predictions):
        raise ValueError(f"values must be a non-empty sequence matching the predictions, got {values!r}")
    idx = bootstrap_indices(predictions[0].shape[0], resamples, seed)
    # The same resampled members for every setting: the settings share training sets (paired).
    boot = [_bias2_variance(p[idx], f) for p in predictions]
    full = [[float(a[0]) for a in _bias2_variance(p[None], f)] for p in predictions]
    points = tuple(Point(float(v), _estimate(bs[0], fl[0]), _estimate(bs[1], fl[1]))
                   for v, bs, fl in zip(values, boot, full))
    return Sweep(name, points,
                 _trend([b[0] for b in boot], [fl[0] for fl in full]),
                 _trend([b[1] for b in boot], [fl[1] for fl in full]), tuple(predictions))


def run_sweep(name: str, values: tuple[float, ...] | None = None, base: Setting = Setting(),
              exp: Experiment = Experiment()) -> Sweep:
    """Train an ensemble per value of ``name`` (a field of :class:`Setting`) and summarise."""
    if name not in SWEEPS:
        raise ValueError(f"name must be one of {sorted(SWEEPS)}, got {name!r}")
    values = SWEEPS[name] if values is None else tuple(values)
    if not values:
        raise ValueError("values must not be empty (a sweep needs at least one setting)")
    cast = int if name in ("width", "n_train") else float
    preds = [train_ensemble(replace(base, **{name: cast(v)}), exp) for v in values]
    return summarise(name, values, preds, target(grid_points(exp)), exp.resamples, exp.seed)


def run_all(base: Setting = Setting(), exp: Experiment = Experiment()) -> dict[str, Sweep]:
    """Every sweep of Q4 (about 40 s on this project's two-core machine)."""
    return {name: run_sweep(name, None, base, exp) for name in SWEEPS}


# ---------------------------------------------------------------------------------------------
# Figures (matplotlib is imported only when a figure is drawn).

LABELS = {"weight_decay": "weight decay λ", "width": "hidden units", "dropout": "dropout rate",
          "n_train": "training points n"}


def sweeps_figure(sweeps: dict[str, Sweep]):
    """bias² and variance against each swept quantity, with 90% bootstrap intervals."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 6.5), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    for ax, (name, sw) in zip(axes, sweeps.items()):
        x = np.array([p.value for p in sw.points])
        for key, colour, label in (("bias2", "C0", "bias²"), ("variance", "C3", "variance")):
            est = [getattr(p, key) for p in sw.points]
            y = np.array([e.value for e in est])
            err = np.array([[e.value - e.low for e in est], [e.high - e.value for e in est]])
            ax.errorbar(x, y, yerr=np.clip(err, 0, None), marker="o", ms=4, capsize=3,
                        color=colour, label=label)
        if name == "weight_decay":
            ax.set_xscale("symlog", linthresh=1e-4)   # λ = 0 is a setting too
        elif name in ("width", "n_train"):
            ax.set_xscale("log", base=2)
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlabel(LABELS[name])
        ax.set_title(f"bias² {sw.bias2.arrows}, variance {sw.variance.arrows}")
        ax.legend(fontsize=8)
    return fig


def fits_figure(sweep: Sweep, indices: tuple[int, ...], exp: Experiment = Experiment(),
                shown: int = 12):
    """A few members' fits (grey), their mean (blue) and f (black) at chosen settings."""
    from matplotlib.figure import Figure

    x = grid_points(exp)
    fig = Figure(figsize=(3 * len(indices), 2.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(indices), sharey=True))
    for ax, i in zip(axes, indices):
        p = sweep.predictions[i]
        ax.plot(x, p[:shown].T, color="grey", lw=0.6, alpha=0.7)
        ax.plot(x, p.mean(axis=0), color="C0", lw=2, label="mean of all members")
        ax.plot(x, target(x), "k--", lw=1.2, label="f(x) = sin(2πx)")
        ax.set_title(f"{LABELS[sweep.name]} = {sweep.points[i].value:g}")
        ax.set_xlabel("x")
        ax.set_ylim(-2, 2)
    axes[0].legend(fontsize=7, loc="lower left")
    return fig
