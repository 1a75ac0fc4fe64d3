"""The ensembles of CS5242 Q4, trained and stored: M small MLPs per setting of each sweep.

Training 26 settings × 32 networks takes about 40 s on two cores, so the
predictions are computed once into the results store (experiment
``q4-ensembles``, one entry per sweep) and the book and ``solutions show``
only read them; the bias/variance analysis of the stored predictions is
:mod:`solutions.answers.bias_variance`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from solutions.answers.common import choice
from solutions.answers.ensemble_setup import BASES, SWEEPS, Experiment, Setting, training_sets
from solutions.answers.threads import one_thread


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
    x = torch.tensor(2 * xs - 1, dtype=torch.float32)[..., None]  # inputs scaled to [−1, 1]
    y = torch.tensor(ys, dtype=torch.float32)[..., None]
    gen = torch.Generator().manual_seed(exp.seed)

    def uniform(*shape: int, bound: float) -> torch.Tensor:  # nn.Linear's default init
        return ((torch.rand(*shape, generator=gen) * 2 - 1) * bound).requires_grad_()

    w1, b1 = uniform(m, 1, h, bound=1.0), uniform(m, 1, h, bound=1.0)
    w2, b2 = uniform(m, h, 1, bound=1 / math.sqrt(h)), uniform(m, 1, 1, bound=1 / math.sqrt(h))
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=exp.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=exp.steps)
    keep = 1 - setting.dropout
    for _ in range(exp.steps):
        hidden = torch.relu(x * w1 + b1)  # (M, n, h)
        if setting.dropout > 0:  # inverted dropout: eval needs no rescale
            hidden = hidden * (torch.rand(hidden.shape, generator=gen) < keep) / keep
        out = torch.bmm(hidden, w2) + b2
        loss = ((out - y) ** 2).mean(dim=(1, 2)).sum()
        if setting.weight_decay > 0:
            loss = loss + setting.weight_decay * ((w1**2).sum() + (w2**2).sum())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    grid = torch.linspace(-1, 1, exp.grid)[None, :, None].expand(m, -1, -1)
    with torch.no_grad():
        return (torch.bmm(torch.relu(grid * w1 + b1), w2) + b2)[..., 0].double().numpy()


@dataclass(frozen=True)
class SweepConfig:
    """One stored sweep: the swept field, its values, the base setting and the fixed experiment."""

    name: str
    values: tuple[float, ...]
    base: Setting = Setting()
    experiment: Experiment = Experiment()

    def __post_init__(self) -> None:
        choice("name", self.name, tuple(SWEEPS))
        if not self.values:
            raise ValueError("values must not be empty (a sweep needs at least one setting)")


def sweep_configs(exp: Experiment = Experiment()) -> dict[str, SweepConfig]:
    """Q4's four sweeps, in the question's order, each from its base setting (``BASES``)."""
    return {
        name: SweepConfig(name, tuple(float(v) for v in values), BASES[name], exp) for name, values in SWEEPS.items()
    }


def setting_at(base: Setting, name: str, value: float) -> Setting:
    """``base`` with its field ``name`` (one of SWEEPS) set to ``value``, a whole number for the
    sizes ``width`` and ``n_train``.

    >>> setting_at(Setting(), "width", 4.0).width, setting_at(Setting(), "dropout", 0.5).dropout
    (4, 0.5)
    """
    choice("name", name, tuple(SWEEPS))
    return replace(
        base,
        n_train=int(value) if name == "n_train" else base.n_train,
        width=int(value) if name == "width" else base.width,
        weight_decay=float(value) if name == "weight_decay" else base.weight_decay,
        dropout=float(value) if name == "dropout" else base.dropout,
    )


def sweep_predictions(config: SweepConfig) -> np.ndarray:
    """Predictions (settings, M, grid) of an ensemble trained per value of the swept field."""
    return np.stack([train_ensemble(setting_at(config.base, config.name, v), config.experiment) for v in config.values])
