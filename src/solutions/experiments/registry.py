"""Every stored result the book reads, by name: how each is computed, keyed, run and loaded.

The expensive or stateful results of the book — the 24-colour palette, every
colourization run, the CS5242 Q4 ensembles — are entries of the results store
(:mod:`solutions.experiments.store`). This module names them (``RESULTS``),
computes them (:func:`run`, the only code path that writes under ``results/``)
and reads them for the book and the command line (:func:`load`, which never
computes: a missing result raises ``MissingResult`` naming the command).

A result's key covers its config, the data's hash and the code hash of the
modules that compute it (``Result.code``) — the training code, the models, the
preprocessing — and not this module, the store or the command line, so
refactoring those leaves every stored result current.

>>> RESULTS["unet-b500"].config.batch_size, RESULTS["unet-b500-lr-scaled"].config.learning_rate
(500, 0.005)
>>> sorted({r.experiment for r in RESULTS.values()})
['cifar-palette', 'colour', 'q4-ensembles']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from solutions.experiments.data import HorseData, load_horses
from solutions.experiments.ensembles import SweepConfig, sweep_configs, sweep_predictions
from solutions.experiments.preprocess import (HorseTensors, PaletteConfig, compute_palette,
                                              to_tensors)
from solutions.experiments.store import (Computed, Entry, get_or_compute, load_for_book,
                                         result_key, results_root)
from solutions.experiments.training import TrainConfig, build_model, summarise, train

COMMAND = "solutions run"
BATCH_SIZES = (5, 10, 20, 50, 100, 200, 500)
LR_SCALED_BATCHES = (10, 500)     # learning rate ∝ batch size, from 0.001 at batch 100
SEEDS = (1, 2)                    # extra seeds of the default UNet: the run-to-run noise
WEIGHTS_KEPT = ("cnn", "unet")    # the trained networks that Part 1(d) probes
WEIGHT_PREFIX = "weight:"         # how training.summarise names stored weights
PALETTE = "palette"


@dataclass(frozen=True)
class Result:
    """One stored result: its store experiment, config, and the modules whose code computes it."""

    name: str
    experiment: str
    config: Any
    code: tuple[str, ...]
    uses_data: bool = True     # keyed on the horses' hash (the colourization chapter)

    @property
    def command(self) -> str:
        return f"{COMMAND} {self.name}"


_COLOUR_CODE = ("solutions.experiments.training", "solutions.experiments.preprocess")
_COLOUR_RUNS: dict[str, TrainConfig] = {
    "cnn": TrainConfig(model="cnn"),
    "unet": TrainConfig(model="unet"),
    **{f"unet-b{b}": TrainConfig(model="unet", batch_size=b) for b in BATCH_SIZES},
    **{f"unet-b{b}-lr-scaled": TrainConfig(model="unet", batch_size=b, learning_rate=0.001 * b / 100)
       for b in LR_SCALED_BATCHES},
    **{f"unet-seed{s}": TrainConfig(model="unet", seed=s) for s in SEEDS},
}
_Q4_SWEEPS: dict[str, SweepConfig] = sweep_configs()

RESULTS: dict[str, Result] = {
    PALETTE: Result(PALETTE, "cifar-palette", PaletteConfig(), ("solutions.experiments.preprocess",)),
    **{name: Result(name, "colour", config, _COLOUR_CODE) for name, config in _COLOUR_RUNS.items()},
    **{f"q4-{name}": Result(f"q4-{name}", "q4-ensembles", config,
                            ("solutions.experiments.ensembles",), uses_data=False)
       for name, config in _Q4_SWEEPS.items()},
}
# Colourization runs only (what `solutions run` trains on the horses).
RUNS: dict[str, TrainConfig] = dict(_COLOUR_RUNS)
NO_DATA = "none"   # the data hash of results that do not read the horses


def _check(name: str) -> Result:
    if name not in RESULTS:
        raise ValueError(f"name must be one of {', '.join(RESULTS)}; got {name!r}")
    return RESULTS[name]


@cache
def horses() -> HorseData:
    """The horses (loaded once per process)."""
    return load_horses()


def _data_hash(result: Result) -> str:
    return horses().sha256 if result.uses_data else NO_DATA


def key(name: str) -> str:
    """The store key of ``name`` for the current code, config and data."""
    r = _check(name)
    return result_key(r.experiment, r.config, r.code, _data_hash(r))


def load(name: str) -> Entry:
    """The stored result ``name``, verified; never computes (the error names the command)."""
    r = _check(name)
    return load_for_book(r.experiment, r.config, r.code, _data_hash(r), command=r.command)


@cache
def palette() -> np.ndarray:
    """The stored 24-colour palette, (24, 3) float64 in RGB/256."""
    return np.array(load(PALETTE).result["palette"], dtype=np.float64)


@cache
def data() -> tuple[HorseData, HorseTensors]:
    """The horses and their network-ready tensors, with the stored palette; never computes."""
    h = horses()
    return h, to_tensors(h.x_train, h.x_test, palette())


def trained_model(name: str):
    """The trained network of run ``name`` ("cnn" or "unet"), in eval mode; never trains."""
    if name not in WEIGHTS_KEPT:
        raise ValueError(f"name must be one of {', '.join(WEIGHTS_KEPT)} (runs whose weights are "
                         f"stored), got {name!r}")
    model = build_model(RUNS[name])
    import torch

    state = {k[len(WEIGHT_PREFIX):]: torch.from_numpy(np.array(v))
             for k, v in load(name).arrays.items() if k.startswith(WEIGHT_PREFIX)}
    model.load_state_dict(state)   # strict: a missing or extra weight is an error
    return model.eval()


def q4_predictions(name: str) -> tuple[SweepConfig, np.ndarray]:
    """A stored Q4 sweep: its config and the predictions (settings, members, grid) as float64."""
    r = _check(f"q4-{name}")
    return r.config, load(r.name).arrays["predictions"].astype(np.float64)


# ---------------------------------------------------------------------------------------------
# Computing (the only writer of results/).

def _compute(r: Result, device: str, progress: bool) -> Callable[[], Computed]:
    if r.experiment == "cifar-palette":
        c = r.config
        return lambda: Computed({"palette": compute_palette(horses().x_train, c.k, c.seed,
                                                            c.sample).tolist()})
    if r.experiment == "q4-ensembles":
        # float32 holds the float32 networks' predictions exactly
        return lambda: Computed({"values": list(r.config.values)},
                                {"predictions": sweep_predictions(r.config).astype(np.float32)})

    def train_run() -> Computed:
        h = horses()
        pal = np.array(run(PALETTE, device, progress).result["palette"], dtype=np.float64)
        tensors = to_tensors(h.x_train, h.x_test, pal)
        checkpoint = checkpoint_path(r.name)
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        result = train(r.config, tensors, device, progress, checkpoint)
        summary, arrays = summarise(result, tensors, keep_weights=r.name in WEIGHTS_KEPT)
        return Computed(summary, arrays, result.device)
    return train_run


def checkpoint_path(name: str) -> Path:
    return results_root() / ".checkpoints" / f"{key(name)[:16]}.pt"


def run(name: str, device: str = "auto", progress: bool = True, recompute: bool = False) -> Entry:
    """The stored result ``name``, computed and stored first if it is not there.

    A damaged entry raises ``CorruptEntry`` naming the command; ``recompute=True``
    computes ``name`` again and replaces its entry atomically.
    """
    r = _check(name)
    entry = get_or_compute(r.experiment, r.config, r.code, _data_hash(r), _compute(r, device, progress),
                           recompute=recompute, command=r.command)
    if r.experiment == "colour":
        checkpoint_path(name).unlink(missing_ok=True)
    return entry


def needed_keys() -> dict[str, tuple[str, str]]:
    """name → (experiment, key) of every stored result the book needs, for the current code and data."""
    return {name: (r.experiment, key(name)) for name, r in RESULTS.items()}
