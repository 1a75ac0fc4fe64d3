"""Every stored result the book reads, by name: its config, its key, and loading it.

The expensive or stateful results of the book — the 24-colour palette, every
colourization run, the CS5242 Q1 digit readings (and its judge's readings of half
digits) and Q4 ensembles, and the measurements that run networks (1(d)'s test-time probe,
2(c)'s edge split, 3(d)'s sweeps and forward working memory, Q3's peak) — are entries of the results store
(:mod:`solutions.experiments.store`). Their names and groups are defined in
:mod:`solutions.experiments.names`; this module gives each name its config and
the code that computes it (``RESULTS``) and its key (:func:`key`), and reads it
for the book and the command line (:func:`load`, which never computes: a missing
result raises ``MissingResult`` naming the command).
:mod:`solutions.experiments.runner` computes them (the only code path that
writes under ``results/``).

A result's key covers its config, the data's hash and the code hash of the
modules that compute it (``Result.code``) — the training code, the models, the
preprocessing — and not this module, the names, the runner, the store or the
command line, so refactoring those leaves every stored result current.

Seeds: every batch-size run of the sweep, the CNN, the 1(d) runs and the 2(c) ablations have
the seeds ``names.SWEEP_SEEDS``, named ``unet-b50`` (seed 0), ``unet-b50-s1``, ``unet-b50-s2``,
``cnn``, ``cnn-s1``, … (:func:`seeds_of`). :data:`RESULTS` is what the book reads and what
``solutions status`` checks; :data:`ALL_RESULTS` adds the runs no page reads yet (they can be run,
:func:`stored` tells whether they are).

Precision: every run above trains in fp32. The sweep's runs and the CNN, every seed, also have a
bf16 twin (``names.BF16_RUNS``, ``unet-b50-s1-bf16``, :func:`in_precision`; ``solutions run
… --precision bf16``), trained by :mod:`solutions.experiments.precision`, whose code is in their
keys and in no fp32 run's.

>>> RESULTS["unet-b500"].config.batch_size, RESULTS["unet-b500-lr-scaled"].config.learning_rate
(500, 0.005)
>>> sorted({r.experiment for r in RESULTS.values()})
['c1d-probe', 'c2-edges', 'c3de-sweeps', 'c3de-working-memory', 'cifar-palette', 'colour', 'q1-digits',
 'q1-half-crops', 'q3-peak', 'q4-ensembles']
>>> seeds_of("unet-b50")
['unet-b50', 'unet-b50-s1', 'unet-b50-s2']
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from solutions.answers.alexnet_1x1 import PeakConfig
from solutions.answers.digit_readings import ReadingsConfig
from solutions.answers.edge_split import EdgeSplitConfig
from solutions.answers.finetune_cost import SweepsConfig
from solutions.answers.half_crops import HalvesConfig
from solutions.answers.input_transform import ProbeConfig
from solutions.answers.working_memory import WorkingConfig
from solutions.experiments import names
from solutions.experiments.data import HorseData, load_horses
from solutions.experiments.ensembles import sweep_configs
from solutions.experiments.precision import precision_of, with_precision
from solutions.experiments.preprocess import HorseTensors, PaletteConfig, to_tensors
from solutions.experiments.store import CorruptEntry, Entry, load_for_book, read_entry, result_key
from solutions.experiments.training import TrainConfig, build_model

COMMAND = "solutions run"
# The store's experiment kinds (Result.experiment): its folders under results/, part of every key.
PALETTE_KIND = "cifar-palette"
COLOUR = "colour"  # a colourization run
Q4_KIND = "q4-ensembles"
Q1_DIGITS_KIND = "q1-digits"
C1D_KIND = "c1d-probe"
C2_KIND = "c2-edges"
C3DE_SWEEPS_KIND = "c3de-sweeps"
Q3_KIND = "q3-peak"
Q1_HALVES_KIND = "q1-half-crops"
C3DE_WORKING_KIND = "c3de-working-memory"
TRANSFORM_EPOCHS = 10  # the 1(d) runs on transformed inputs are short runs
WEIGHT_PREFIX = "weight:"  # how training.summarise names stored weights


@dataclass(frozen=True)
class Result:
    """One stored result: its store experiment, config, and the modules whose code computes it."""

    name: str
    experiment: str
    config: Any
    code: tuple[str, ...]
    uses_data: bool = True  # keyed on the horses' hash (the colourization chapter)
    after: tuple[str, ...] = ()  # stored results it reads (their keys are part of its key)
    versions: tuple[str, ...] = ()  # libraries besides torch, sympy, numpy that change it (in its key)

    @property
    def command(self) -> str:
        return f"{COMMAND} {self.name}"


_COLOUR_CODE = ("solutions.experiments.training", "solutions.experiments.preprocess")
# A mixed-precision run is computed by solutions.experiments.precision too; an fp32 run is not (its
# key is that of the same run before the module existed).
_MIXED_CODE = (*_COLOUR_CODE, "solutions.experiments.precision")


def _colour(name: str, config: TrainConfig) -> Result:
    return Result(name, COLOUR, config, _COLOUR_CODE if precision_of(config) == "fp32" else _MIXED_CODE)


_TRANSFORMED: dict[str, TrainConfig] = {  # 1(d) as asked: the networks trained on a·x + b
    names.transform_name(m, a, b): TrainConfig(model=m, epochs=TRANSFORM_EPOCHS, input_scale=a, input_shift=b)
    for m, a, b in names.C1D_RUNS
}
_ABLATIONS: dict[str, TrainConfig] = {  # 2(c): the UNet without some of its skips
    names.ablation_name(s): TrainConfig(model="unet", unet_skips=s) for s in names.C2_ABLATIONS
}
_SWEEP: dict[str, TrainConfig] = {  # 2(d): the UNet at each batch size
    names.batch_name(b): TrainConfig(model="unet", batch_size=b) for b in names.SWEEP
}
_SEEDED: dict[str, TrainConfig] = {  # seed 0 of each setting that has names.SWEEP_SEEDS
    names.CNN: TrainConfig(model="cnn"),
    **_SWEEP,
    **_TRANSFORMED,
    **_ABLATIONS,
}
_COLOUR_RUNS: dict[str, TrainConfig] = {
    names.CNN: TrainConfig(model="cnn"),
    **_TRANSFORMED,
    **_ABLATIONS,
    **_SWEEP,
    **{
        name: TrainConfig(model="unet", batch_size=b, learning_rate=0.001 * b / names.DEFAULT_BATCH)
        for b, name in names.LR_SCALED.items()
    },
}
# The other seeds of each setting.
_SEED_RUNS: dict[str, TrainConfig] = {
    names.seed_name(name, s): dataclasses.replace(config, seed=s)
    for name, config in _SEEDED.items()
    for s in names.SWEEP_SEEDS
    if s != 0
}
_FP32_RUNS: dict[str, TrainConfig] = {**_COLOUR_RUNS, **_SEED_RUNS}
# Every seed of the batch-size sweep and of the 2(c) CNN, in bf16: what shows whether mixed precision
# changes an answer (solutions.answers.precision_effect).
_BF16_RUNS: dict[str, TrainConfig] = {
    twin: with_precision(_FP32_RUNS[name], names.BF16) for name, twin in names.BF16_TWINS.items()
}
# The bf16 runs the book reads (in RESULTS, checked by `solutions status`): those a page declares.
BOOK_BF16: frozenset[str] = frozenset(names.BF16_RUNS)
# The networks that 1(d)'s probe and 2(c)'s edge split run: their stored runs (names.WEIGHTS_KEPT)
_NETWORKS = tuple(names.WEIGHTS_KEPT[m] for m in ProbeConfig().models)
_EDGE_NETWORKS = tuple(names.WEIGHTS_KEPT[m] for m in EdgeSplitConfig().models)

RESULTS: dict[str, Result] = {
    names.PALETTE: Result(names.PALETTE, PALETTE_KIND, PaletteConfig(), ("solutions.experiments.preprocess",)),
    **{name: _colour(name, config) for name, config in _FP32_RUNS.items()},
    **{name: _colour(name, config) for name, config in _BF16_RUNS.items() if name in BOOK_BF16},
    **{
        names.Q4_SWEEPS[s]: Result(
            names.Q4_SWEEPS[s], Q4_KIND, config, ("solutions.experiments.ensembles",), uses_data=False
        )
        for s, config in sweep_configs().items()
    },
    names.Q1_READINGS: Result(
        names.Q1_READINGS,
        Q1_DIGITS_KIND,
        ReadingsConfig(),
        ("solutions.answers.digit_readings",),
        uses_data=False,
        versions=("scikit-learn",),
    ),
    names.C1D_PROBE: Result(
        names.C1D_PROBE,
        C1D_KIND,
        ProbeConfig(),
        ("solutions.answers.input_transform",),
        after=(names.PALETTE, *_NETWORKS),
    ),
    names.C2_EDGES: Result(
        names.C2_EDGES,
        C2_KIND,
        EdgeSplitConfig(),
        ("solutions.answers.edge_split",),
        after=(names.PALETTE, *_EDGE_NETWORKS),
    ),
    names.C3DE_SWEEPS: Result(
        names.C3DE_SWEEPS, C3DE_SWEEPS_KIND, SweepsConfig(), ("solutions.answers.finetune_cost",), uses_data=False
    ),
    names.Q3_PEAK: Result(names.Q3_PEAK, Q3_KIND, PeakConfig(), ("solutions.answers.alexnet_1x1",), uses_data=False),
    names.Q1_HALVES: Result(
        names.Q1_HALVES,
        Q1_HALVES_KIND,
        HalvesConfig(),
        ("solutions.answers.half_crops",),
        uses_data=False,
        versions=("scikit-learn",),
    ),
    names.C3DE_WORKING: Result(
        names.C3DE_WORKING, C3DE_WORKING_KIND, WorkingConfig(), ("solutions.answers.working_memory",), uses_data=False
    ),
}
# Every result that can be computed: what the book reads, and the bf16 runs it does not read yet.
ALL_RESULTS: dict[str, Result] = {
    **RESULTS,
    **{name: _colour(name, config) for name, config in _BF16_RUNS.items()},
}
# Every colourization run (what `solutions run` trains on the horses), and those the book reads.
ALL_RUNS: dict[str, TrainConfig] = {name: r.config for name, r in ALL_RESULTS.items() if r.experiment == COLOUR}
RUNS: dict[str, TrainConfig] = {name: c for name, c in ALL_RUNS.items() if name in RESULTS}
NO_DATA = "none"  # the data hash of results that do not read the horses


def lookup(name: str) -> Result:
    """The result named ``name``; ValueError listing the names if there is none."""
    if name not in ALL_RESULTS:
        raise ValueError(f"name must be one of {', '.join(ALL_RESULTS)}; got {name!r}")
    return ALL_RESULTS[name]


def seeds_of(name: str) -> list[str]:
    """Every seed of the setting of colourization run ``name``, by seed (its own name for seed 0).

    Nothing is loaded: see :func:`stored`.
    """
    r = lookup(name)
    if r.experiment != COLOUR:
        raise ValueError(f"name must be a colourization run, got {name!r} ({r.experiment})")
    base = dataclasses.replace(r.config, seed=0)
    by_seed = {c.seed: n for n, c in ALL_RUNS.items() if dataclasses.replace(c, seed=0) == base}
    return [by_seed[s] for s in sorted(by_seed)]


def in_precision(name: str, precision_: str) -> str:
    """The name of colourization run ``name`` trained in ``precision_`` (``name`` itself if it is).

    >>> in_precision("unet-b100-s1", "bf16"), in_precision("cnn-s2-bf16", "fp32")
    ('unet-b100-s1-bf16', 'cnn-s2')
    """
    r = lookup(name)
    if r.experiment != COLOUR:
        raise ValueError(f"precision applies to colourization runs only, got {name!r} ({r.experiment})")
    target = with_precision(r.config, precision_)
    found = [n for n, c in ALL_RUNS.items() if c == target]
    if not found:
        those = [n for n, c in ALL_RUNS.items() if precision_of(c) == precision_ and c.seed == 0]
        raise ValueError(
            f"{name!r} has no {precision_} run; the {precision_} runs are "
            f"{', '.join(those) or 'none'}, each with seeds {names.SWEEP_SEEDS}"
        )
    return found[0]


@cache
def horses() -> HorseData:
    """The horses (loaded once per process)."""
    return load_horses()


def inputs_hash(result: Result) -> str:
    """The hash of what ``result`` reads besides its config and code (the store's "data" part of
    its key): the horses' hash (or :data:`NO_DATA`), and, where it has them, the keys of the
    stored results it reads and the versions of the libraries it depends on beyond those in
    every code hash."""
    own = horses().sha256 if result.uses_data else NO_DATA
    libraries = [f"{d}=={importlib.metadata.version(d)}" for d in result.versions]
    if not result.after and not libraries:
        return own
    # what it reads from the store: retraining an upstream run makes this result stale too
    return hashlib.sha256(json.dumps([own, *(key(n) for n in result.after), *libraries]).encode()).hexdigest()


def key(name: str) -> str:
    """The store key of ``name`` for the current code, config and data."""
    r = lookup(name)
    return result_key(r.experiment, r.config, r.code, inputs_hash(r))


def stored(name: str) -> bool:
    """Whether ``name`` is stored, sound, for the current code, config and data; never computes."""
    r = lookup(name)
    try:
        return read_entry(r.experiment, key(name)) is not None
    except CorruptEntry:
        return False


def stored_seeds(name: str) -> list[str]:
    """The names of :func:`seeds_of` ``name`` that are stored (for analysis over the seeds there are)."""
    return [n for n in seeds_of(name) if stored(n)]


def load(name: str) -> Entry:
    """The stored result ``name``, verified; never computes (the error names the command)."""
    r = lookup(name)
    return load_for_book(r.experiment, r.config, r.code, inputs_hash(r), command=r.command)


@cache
def palette() -> np.ndarray:
    """The stored 24-colour palette, (24, 3) float64 in RGB/256."""
    return np.array(load(names.PALETTE).result["palette"], dtype=np.float64)


@cache
def data() -> tuple[HorseData, HorseTensors]:
    """The horses and their network-ready tensors, with the stored palette; never computes."""
    h = horses()
    return h, to_tensors(h.x_train, h.x_test, palette())


def trained_model(model: str):
    """The trained network of kind ``model`` ("cnn" or "unet"; its weights are those of the run
    ``names.WEIGHTS_KEPT[model]``), in eval mode; never trains."""
    if not isinstance(model, str) or model not in names.WEIGHTS_KEPT:
        kept = ", ".join(f"{m} (run {n})" for m, n in names.WEIGHTS_KEPT.items())
        raise ValueError(f"model must be one of {kept}, the networks whose trained weights are stored; got {model!r}")
    name = names.WEIGHTS_KEPT[model]
    net = build_model(RUNS[name])
    import torch

    state = {
        k[len(WEIGHT_PREFIX) :]: torch.from_numpy(np.array(v))
        for k, v in load(name).arrays.items()
        if k.startswith(WEIGHT_PREFIX)
    }
    net.load_state_dict(state)  # strict: a missing or extra weight is an error
    return net.eval()


def q4_predictions(sweep: str) -> tuple[Any, np.ndarray]:
    """A stored Q4 sweep: its config and the predictions (settings, members, grid) as float64."""
    r = lookup(names.q4_name(sweep))
    return r.config, load(r.name).arrays["predictions"].astype(np.float64)


def unread() -> list[str]:
    """Results that can be run but no page reads yet (runs to train, then declare)."""
    return [name for name in ALL_RESULTS if name not in RESULTS]


def needed_keys() -> dict[str, tuple[str, str]]:
    """name → (experiment, key) of every stored result the book needs, for the current code and data."""
    return {name: (r.experiment, key(name)) for name, r in RESULTS.items()}


def known_keys() -> dict[str, tuple[str, str]]:
    """name → (experiment, key) of every result that can be run (the runs no page reads yet too):
    a stored one is current, not "no longer needed"."""
    return {name: (r.experiment, key(name)) for name, r in ALL_RESULTS.items()}
