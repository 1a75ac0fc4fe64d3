"""The set-up of CS5242 Q4's ensembles: the known function, the settings, the training sets.

Shared by the training (:mod:`solutions.experiments.ensembles`, whose stored
results are keyed on this module's code) and the analysis
(:mod:`solutions.answers.bias_variance`), which can change without
invalidating the stored predictions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solutions.answers.common import finite_number, positive_int
from solutions.answers.validation import array, instance


def target(x: np.ndarray) -> np.ndarray:
    """The known function f(x) = sin(2πx)."""
    return np.sin(2 * np.pi * array("x", x, ndim=(0, 1, 2), dtype=float))


@dataclass(frozen=True)
class Setting:
    """One network and training-set size (the point a sweep moves)."""

    n_train: int = 20
    width: int = 64  # hidden units of the single hidden ReLU layer
    weight_decay: float = 0.0  # λ in loss = MSE + λ‖W‖² (weights, not biases)
    dropout: float = 0.0  # drop probability of the hidden units, training only

    def __post_init__(self) -> None:
        positive_int("n_train", self.n_train)
        positive_int("width", self.width)
        if finite_number("weight_decay", self.weight_decay) < 0:
            raise ValueError(f"weight_decay must be non-negative, got {self.weight_decay!r}")
        if not 0 <= finite_number("dropout", self.dropout) < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")


# The sweeps of Q4, in the order of the question: the swept field and its values.
SWEEPS: dict[str, tuple[float, ...]] = {
    "weight_decay": (0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1),
    "width": (1, 2, 4, 8, 16, 64, 256, 1024),
    "dropout": (0.0, 0.1, 0.2, 0.3, 0.5),
    "n_train": (10, 20, 40, 80, 160, 320),
}


# The setting each sweep moves one field of. The n_train sweep starts from a network of 2 hidden
# units: at the default 64 its bias² is ≈ 0 at every n, so it could not show what more data does
# to the bias; with 2 units both bias² and variance are well above their noise.
BASES: dict[str, Setting] = {
    "weight_decay": Setting(),
    "width": Setting(),
    "dropout": Setting(),
    "n_train": Setting(width=2),
}


@dataclass(frozen=True)
class Experiment:
    """What stays fixed across every setting: data noise, ensemble, optimiser, test grid."""

    noise_sd: float = 0.3
    members: int = 32  # M networks, each on its own training set
    steps: int = 1500  # full-batch Adam steps
    lr: float = 0.01  # cosine-decayed to 0, so the last iterate is a converged one
    grid: int = 101  # test points, evenly spaced on [0, 1]
    seed: int = 0
    resamples: int = 200  # bootstrap resamples of the ensemble members

    def __post_init__(self) -> None:
        if self.members < 2:
            raise ValueError(f"members must be at least 2 (a variance needs two), got {self.members}")
        if self.noise_sd < 0:
            raise ValueError(f"noise_sd must be non-negative, got {self.noise_sd}")
        for name in ("steps", "grid", "resamples"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


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
    instance("exp", exp, Experiment)
    n = positive_int("n", n)
    rng = np.random.default_rng(exp.seed)
    stream = max(n, int(max(SWEEPS["n_train"])))
    x = rng.random((exp.members, stream))
    eps = rng.standard_normal((exp.members, stream))
    return x[:, :n], target(x[:, :n]) + exp.noise_sd * eps[:, :n]


def grid_points(exp: Experiment = Experiment()) -> np.ndarray:
    """The experiment's ``grid`` test points, evenly spaced on [0, 1]."""
    return np.linspace(0, 1, instance("exp", exp, Experiment).grid)
