"""Every stored result the book reads, by name: how each is computed, keyed, run and loaded.

The expensive or stateful results of the book — the 24-colour palette, every
colourization run, the CS5242 Q1 digit readings (and its judge's readings of half
digits) and Q4 ensembles, and the measurements that run networks (1(d)'s test-time probe,
2(c)'s edge split, 3(d)'s sweeps and forward working memory, Q3's peak) — are entries of the results store
(:mod:`solutions.experiments.store`). This module names them (``RESULTS``),
computes them (:func:`run`, the only code path that writes under ``results/``)
and reads them for the book and the command line (:func:`load`, which never
computes: a missing result raises ``MissingResult`` naming the command).

A result's key covers its config, the data's hash and the code hash of the
modules that compute it (``Result.code``) — the training code, the models, the
preprocessing — and not this module, the store or the command line, so
refactoring those leaves every stored result current.

Seeds: every batch-size run of the sweep and the CNN/UNet pair of 2(c) has
the seeds :data:`SWEEP_SEEDS`, named ``unet-b50`` (seed 0), ``unet-b50-s1``,
``unet-b50-s2``, ``cnn``, ``cnn-s1``, … (:func:`seed_name`, :func:`seeds_of`,
:func:`sweep_names`). The seeds no page reads yet are in :data:`ALL_RESULTS`
only (they can be run, :func:`stored` tells whether they are); :data:`RESULTS`
is what the book reads and what ``solutions status`` checks.

Precision: every run above trains in fp32. The sweep's runs and the CNN, every seed, also have a
bf16 twin (:data:`BF16_RUNS`, ``unet-b50-s1-bf16``, :func:`in_precision`; ``solutions run
… --precision bf16``), trained by :mod:`solutions.experiments.precision`, whose code is in their
keys and in no fp32 run's.

Several processes may run results at once (``solutions run all --jobs 2``):
each run holds a lock under ``results/.locks`` while it computes (a
``filelock`` lock: an ``flock`` the kernel releases when its process dies), so
no run is ever computed twice at the same time; a second caller waits and then
reads the stored entry.

>>> RESULTS["unet-b500"].config.batch_size, RESULTS["unet-b500-lr-scaled"].config.learning_rate
(500, 0.005)
>>> sorted({r.experiment for r in RESULTS.values()})
['c1d-probe', 'c2-edges', 'c3de-sweeps', 'c3de-working-memory', 'cifar-palette', 'colour', 'q1-digits',
 'q1-half-crops', 'q3-peak', 'q4-ensembles']
>>> seeds_of("unet-b50")
['unet-b50', 'unet-b50-s1', 'unet-b50-s2']
>>> seeds_of("unet")
['unet', 'unet-b100-s1', 'unet-b100-s2']
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from solutions.answers import alexnet_1x1, finetune_cost, input_transform
from solutions.answers.alexnet_1x1 import PeakConfig
from solutions.answers.digit_readings import ReadingsConfig, compute_readings
from solutions.answers.edge_split import EdgeSplitConfig, split_record
from solutions.answers.finetune_cost import SweepsConfig
from solutions.answers.half_crops import HalvesConfig, read_halves
from solutions.answers.input_transform import ProbeConfig
from solutions.answers.working_memory import WorkingConfig, working_record
from solutions.experiments.data import HorseData, load_horses, require_colours
from solutions.experiments.ensembles import SweepConfig, sweep_configs, sweep_predictions
from solutions.experiments.preprocess import (HorseTensors, PaletteConfig, compute_palette,
                                              to_tensors)
from solutions.experiments.store import (Computed, CorruptEntry, Entry, get_or_compute,
                                         load_for_book, read_entry, result_key, results_root)
# train and summarise in the run's precision (for fp32: training.train and training.summarise as they are)
from solutions.experiments.precision import precision_of, summarise, train, with_precision
from solutions.experiments.training import TrainConfig, build_model, predict

COMMAND = "solutions run"
BATCH_SIZES = (5, 10, 20, 50, 100, 200, 500)
LR_SCALED_BATCHES = (10, 500)     # learning rate ∝ batch size, from 0.001 at batch 100
SWEEP_SEEDS = (0, 1, 2)           # seeds of every batch-size run and of the 2(c) CNN/UNet pair
SEEDS = (1, 2)                    # extra seeds of the default UNet, also named unet-seed1, unet-seed2
WEIGHTS_KEPT = ("cnn", "unet")    # the trained networks that Part 1(d) probes
WEIGHT_PREFIX = "weight:"         # how training.summarise names stored weights
PALETTE = "palette"
Q1_READINGS = "q1-digit-readings"   # CS5242 Q1.1: what the digit classifiers read (scikit-learn SVCs)
C1D_PROBE = "c1d-test-time"        # CSC413 1(d): a·x + b fed to the stored CNN and UNet at test time
C2_EDGES = "c2-edge-split"          # CSC413 2(c): the stored CNN and UNet on flat regions vs edges
C3DE_SWEEPS = "c3de-sweeps"         # CSC413 3(d), 3(e): memory and FLOPs measured against depth and side
Q3_PEAK = "q3-peak"                 # CS5242 Q3: the measured peak of a training step with the blocks
Q1_HALVES = "q1-half-crops"         # CS5242 Q1.1: the crops' judge on the halves of the test 8s
C3DE_WORKING = "c3de-working-memory"   # CSC413 3(d): BERT-base's forward working memory, body frozen
# (a, b) of the 1(d) runs trained on transformed inputs: none (the baseline at their length), a
# rescaling, a sign flip, the inversion 1 - x; short runs (TRANSFORM_EPOCHS), every one with SWEEP_SEEDS
TRANSFORMS: tuple[tuple[float, float], ...] = ((1.0, 0.0), (2.0, 0.0), (-1.0, 0.0), (-1.0, 1.0))
TRANSFORM_EPOCHS = 10
ABLATED_SKIPS = ("no_input", "no_encoder")   # 2(c): the UNet without its raw-input or encoder skips
BF16 = "bf16"   # the precision of the runs that check that mixed precision changes no answer


@dataclass(frozen=True)
class Result:
    """One stored result: its store experiment, config, and the modules whose code computes it."""

    name: str
    experiment: str
    config: Any
    code: tuple[str, ...]
    uses_data: bool = True     # keyed on the horses' hash (the colourization chapter)
    after: tuple[str, ...] = ()   # stored results it reads (their keys are part of its key)
    versions: tuple[str, ...] = ()   # libraries besides torch, sympy, numpy that change it (in its key)

    @property
    def command(self) -> str:
        return f"{COMMAND} {self.name}"


_COLOUR_CODE = ("solutions.experiments.training", "solutions.experiments.preprocess")
# A mixed-precision run is computed by solutions.experiments.precision too; an fp32 run is not (its
# key is that of the same run before the module existed).
_MIXED_CODE = (*_COLOUR_CODE, "solutions.experiments.precision")


def _colour(name: str, config: TrainConfig) -> Result:
    return Result(name, "colour", config, _COLOUR_CODE if precision_of(config) == "fp32" else _MIXED_CODE)


def seed_name(name: str, seed: int) -> str:
    """The name of seed ``seed`` of the run named ``name`` (seed 0): ``unet-b50`` → ``unet-b50-s1``.

    >>> seed_name("cnn", 0), seed_name("cnn", 2)
    ('cnn', 'cnn-s2')
    """
    return name if seed == 0 else f"{name}-s{seed}"


def transform_name(model: str, a: float, b: float) -> str:
    """The run of ``model`` trained and validated on ``a·x + b`` (CSC413 1(d)).

    >>> transform_name("unet", -1.0, 1.0), transform_name("cnn", 2.0, 0.0)
    ('unet-a-1-b1', 'cnn-a2-b0')
    """
    return f"{model}-a{a:g}-b{b:g}"


def precision_name(name: str, precision_: str) -> str:
    """The name of colourization run ``name`` trained in ``precision_`` (itself for fp32).

    >>> precision_name("unet-b50-s1", "bf16"), precision_name("cnn", "fp32")
    ('unet-b50-s1-bf16', 'cnn')
    """
    return name if precision_ == "fp32" else f"{name}-{precision_}"


def ablation_name(skips: str) -> str:
    """The UNet run with skips ``skips`` (models.SKIPS; CSC413 2(c)): ``no_input`` → ``unet-no-input``."""
    return "unet" if skips == "all" else f"unet-{skips.replace('_', '-')}"


_TRANSFORMED: dict[str, TrainConfig] = {   # 1(d) as asked: the networks trained on a·x + b
    transform_name(m, a, b): TrainConfig(model=m, epochs=TRANSFORM_EPOCHS, input_scale=a, input_shift=b)
    for m in ("cnn", "unet") for a, b in TRANSFORMS}
_ABLATIONS: dict[str, TrainConfig] = {     # 2(c): the UNet without some of its skips
    ablation_name(s): TrainConfig(model="unet", unet_skips=s) for s in ABLATED_SKIPS}
_SEEDED: dict[str, TrainConfig] = {   # seed 0 of each setting that has SWEEP_SEEDS
    "cnn": TrainConfig(model="cnn"),
    **{f"unet-b{b}": TrainConfig(model="unet", batch_size=b) for b in BATCH_SIZES},
    **_TRANSFORMED,
    **_ABLATIONS,
}
_COLOUR_RUNS: dict[str, TrainConfig] = {
    "cnn": TrainConfig(model="cnn"),
    **_TRANSFORMED,
    **_ABLATIONS,
    "unet": TrainConfig(model="unet"),
    **{f"unet-b{b}": TrainConfig(model="unet", batch_size=b) for b in BATCH_SIZES},
    **{f"unet-b{b}-lr-scaled": TrainConfig(model="unet", batch_size=b, learning_rate=0.001 * b / 100)
       for b in LR_SCALED_BATCHES},
    **{f"unet-seed{s}": TrainConfig(model="unet", seed=s) for s in SEEDS},   # = unet-b100-s1, -s2
}
# The other seeds of each setting. A seed is in RESULTS (read by the book, checked by `solutions
# status`) once its name is in BOOK_SEEDS; add it there when a page declares it in
# solutions.book.declarations, which only lists stored results. The rest can be run all the same.
_SEED_RUNS: dict[str, TrainConfig] = {
    seed_name(name, s): dataclasses.replace(config, seed=s)
    for name, config in _SEEDED.items() for s in SWEEP_SEEDS if s != 0}
# Every seed of every setting except batch 100's, which the book reads as unet-seed1, unet-seed2.
BOOK_SEEDS: frozenset[str] = frozenset(n for n in _SEED_RUNS if not n.startswith("unet-b100-"))
# Every seed of the batch-size sweep and of the 2(c) CNN, in bf16: what shows whether mixed precision
# changes an answer (solutions.answers.precision_effect). The batch-100 UNet is named in the sweep only.
_BF16_OF: tuple[str, ...] = (*(seed_name(f"unet-b{b}", s) for b in BATCH_SIZES for s in SWEEP_SEEDS),
                             *(seed_name("cnn", s) for s in SWEEP_SEEDS))
_BF16_RUNS: dict[str, TrainConfig] = {
    precision_name(name, BF16): with_precision({**_COLOUR_RUNS, **_SEED_RUNS}[name], BF16)
    for name in _BF16_OF}
BF16_RUNS: tuple[str, ...] = tuple(_BF16_RUNS)   # `solutions run bf16` (a group name)
# The bf16 runs the book reads (in RESULTS, checked by `solutions status`): those a page declares.
BOOK_BF16: frozenset[str] = frozenset()
_Q4_SWEEPS: dict[str, SweepConfig] = sweep_configs()

RESULTS: dict[str, Result] = {
    PALETTE: Result(PALETTE, "cifar-palette", PaletteConfig(), ("solutions.experiments.preprocess",)),
    **{name: _colour(name, config) for name, config in _COLOUR_RUNS.items()},
    **{name: _colour(name, config) for name, config in _SEED_RUNS.items() if name in BOOK_SEEDS},
    **{name: _colour(name, config) for name, config in _BF16_RUNS.items() if name in BOOK_BF16},
    **{f"q4-{name}": Result(f"q4-{name}", "q4-ensembles", config,
                            ("solutions.experiments.ensembles",), uses_data=False)
       for name, config in _Q4_SWEEPS.items()},
    Q1_READINGS: Result(Q1_READINGS, "q1-digits", ReadingsConfig(), ("solutions.answers.digit_readings",),
                        uses_data=False, versions=("scikit-learn",)),
    C1D_PROBE: Result(C1D_PROBE, "c1d-probe", ProbeConfig(), ("solutions.answers.input_transform",),
                      after=(PALETTE, *ProbeConfig().models)),
    C2_EDGES: Result(C2_EDGES, "c2-edges", EdgeSplitConfig(), ("solutions.answers.edge_split",),
                     after=(PALETTE, *EdgeSplitConfig().models)),
    C3DE_SWEEPS: Result(C3DE_SWEEPS, "c3de-sweeps", SweepsConfig(), ("solutions.answers.finetune_cost",),
                        uses_data=False),
    Q3_PEAK: Result(Q3_PEAK, "q3-peak", PeakConfig(), ("solutions.answers.alexnet_1x1",), uses_data=False),
    Q1_HALVES: Result(Q1_HALVES, "q1-half-crops", HalvesConfig(), ("solutions.answers.half_crops",),
                      uses_data=False, versions=("scikit-learn",)),
    C3DE_WORKING: Result(C3DE_WORKING, "c3de-working-memory", WorkingConfig(), ("solutions.answers.working_memory",),
                         uses_data=False),
}
# Every result that can be computed: what the book reads, and the seeds it does not read yet.
ALL_RESULTS: dict[str, Result] = {
    **RESULTS,
    **{name: _colour(name, config) for name, config in _SEED_RUNS.items()},
    **{name: _colour(name, config) for name, config in _BF16_RUNS.items()},
}
# Colourization runs only (what `solutions run` trains on the horses).
# Every colourization run, and those the book reads (seeds outside BOOK_SEEDS are runnable, not read).
ALL_RUNS: dict[str, TrainConfig] = {name: r.config for name, r in ALL_RESULTS.items()
                                    if r.experiment == "colour"}
RUNS: dict[str, TrainConfig] = {name: c for name, c in ALL_RUNS.items() if name in RESULTS}
NO_DATA = "none"   # the data hash of results that do not read the horses
_ALIASES = {f"unet-seed{s}" for s in SEEDS} | {"unet"}   # second names of runs named in the sweep


def _check(name: str) -> Result:
    if name not in ALL_RESULTS:
        raise ValueError(f"name must be one of {', '.join(ALL_RESULTS)}; got {name!r}")
    return ALL_RESULTS[name]


def seeds_of(name: str) -> list[str]:
    """Every seed of the setting of colourization run ``name``, by seed (its own name for seed 0).

    The sweep's names are preferred (``unet-b100-s1``, not ``unet-seed1``);
    ``name`` itself stands for its own seed. Nothing is loaded: see :func:`stored`.
    """
    r = _check(name)
    if r.experiment != "colour":
        raise ValueError(f"name must be a colourization run, got {name!r} ({r.experiment})")
    base = dataclasses.replace(r.config, seed=0)
    by_seed: dict[int, str] = {}
    for other, config in ALL_RUNS.items():
        if dataclasses.replace(config, seed=0) != base:
            continue
        current = by_seed.get(config.seed)
        if current is None or other == name or (current in _ALIASES and current != name):
            by_seed[config.seed] = other
    return [by_seed[s] for s in sorted(by_seed)]


def in_precision(name: str, precision_: str) -> str:
    """The name of colourization run ``name`` trained in ``precision_`` (``name`` itself if it is).

    >>> in_precision("unet-seed1", "bf16"), in_precision("cnn-s2-bf16", "fp32")
    ('unet-b100-s1-bf16', 'cnn-s2')
    """
    r = _check(name)
    if r.experiment != "colour":
        raise ValueError(f"precision applies to colourization runs only, got {name!r} ({r.experiment})")
    target = with_precision(r.config, precision_)
    if r.config == target:
        return name
    found = [n for n, c in ALL_RUNS.items() if c == target and n not in _ALIASES]
    if not found:
        those = [n for n, c in ALL_RUNS.items() if precision_of(c) == precision_ and c.seed == 0]
        raise ValueError(f"{name!r} has no {precision_} run; the {precision_} runs are "
                         f"{', '.join(those) or 'none'}, each with seeds {SWEEP_SEEDS}")
    return found[0]


def sweep_names(batch: int) -> list[str]:
    """Every seed of the UNet batch-size run at ``batch`` (one of BATCH_SIZES)."""
    if batch not in BATCH_SIZES or isinstance(batch, bool):
        raise ValueError(f"batch must be one of {', '.join(map(str, BATCH_SIZES))}, got {batch!r}")
    return seeds_of(f"unet-b{batch}")


@cache
def horses() -> HorseData:
    """The horses (loaded once per process)."""
    return load_horses()


def _data_hash(result: Result) -> str:
    own = horses().sha256 if result.uses_data else NO_DATA
    libraries = [f"{d}=={importlib.metadata.version(d)}" for d in result.versions]
    if not result.after and not libraries:
        return own
    # what it reads from the store: retraining an upstream run makes this result stale too; and
    # the versions of the libraries it depends on beyond those in every code hash
    return hashlib.sha256(json.dumps([own, *(key(n) for n in result.after), *libraries]).encode()).hexdigest()


def key(name: str) -> str:
    """The store key of ``name`` for the current code, config and data."""
    r = _check(name)
    return result_key(r.experiment, r.config, r.code, _data_hash(r))


def stored(name: str) -> bool:
    """Whether ``name`` is stored, sound, for the current code, config and data; never computes."""
    r = _check(name)
    try:
        return read_entry(r.experiment, key(name)) is not None
    except CorruptEntry:
        return False


def stored_seeds(name: str) -> list[str]:
    """The names of :func:`seeds_of` ``name`` that are stored (for analysis over the seeds there are)."""
    return [n for n in seeds_of(name) if stored(n)]


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

def _compute(r: Result, device: str, progress: bool,
             on_epoch: Callable[[Any], None] | None = None) -> Callable[[], Computed]:
    if r.experiment == "cifar-palette":
        c = r.config

        def palette_of_horses() -> Computed:
            require_colours(horses(), c.k)   # degenerate data: one line naming x_train
            return Computed({"palette": compute_palette(horses().x_train, c.k, c.seed, c.sample).tolist()})
        return palette_of_horses
    if r.experiment == "q4-ensembles":
        # float32 holds the float32 networks' predictions exactly
        return lambda: Computed({"values": list(r.config.values)},
                                {"predictions": sweep_predictions(r.config).astype(np.float32)})
    if r.experiment == "c1d-probe":
        def probe() -> Computed:
            tensors, models = _upstream_networks(r, device, progress)
            return Computed(input_transform.probe(models, tensors.x_test_grey, r.config))
        return probe
    if r.experiment == "c2-edges":
        def edges() -> Computed:
            tensors, models = _upstream_networks(r, device, progress)
            predicted = {m: predict(net, tensors.x_test_grey, RUNS[m]).numpy() for m, net in models.items()}
            return Computed(split_record(predicted, tensors.y_test.numpy(),
                                         tensors.x_test_grey[:, 0].numpy(), r.config))
        return edges
    if r.experiment == "c3de-sweeps":
        return lambda: Computed(finetune_cost.sweeps(r.config))
    if r.experiment == "q3-peak":
        return lambda: Computed(alexnet_1x1.peak_record(r.config))
    if r.experiment == "q1-half-crops":
        # per half, the class read in each test digit (0..9: int8); label_changing_augmentation.half_readings
        return lambda: Computed({"config": dataclasses.asdict(r.config)},
                                {half: read.astype(np.int8) for half, read in read_halves(r.config).items()})
    if r.experiment == "c3de-working-memory":
        return lambda: Computed(working_record(r.config))
    if r.experiment == "q1-digits":
        # predicted classes 0..9 (int8); digit_readings.Readings.from_arrays reads them back
        return lambda: Computed({"config": dataclasses.asdict(r.config)},
                                compute_readings(r.config).to_arrays())

    def train_run() -> Computed:
        tensors = _training_tensors(device, progress)
        checkpoint = checkpoint_path(r.name)
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        result = train(r.config, tensors, device, progress=progress, checkpoint=checkpoint,
                       key=key(r.name), on_epoch=on_epoch)
        summary, arrays = summarise(result, tensors, keep_weights=r.name in WEIGHTS_KEPT)
        return Computed(summary, arrays, result.device)
    return train_run


def _upstream_networks(r: Result, device: str, progress: bool) -> tuple[HorseTensors, dict[str, Any]]:
    """For a measurement of stored networks: its upstream results (trained first if missing,
    waiting on their locks), the horses' tensors, and the networks of ``r.config.models``."""
    for upstream in r.after:
        run(upstream, device, progress)
    _, tensors = data()
    return tensors, {m: trained_model(m) for m in r.config.models}


@cache
def _training_tensors(device: str, progress: bool) -> HorseTensors:
    """The horses as tensors with the palette (computed first if missing); once per process."""
    h = horses()
    pal = np.array(run(PALETTE, device, progress).result["palette"], dtype=np.float64)
    return to_tensors(h.x_train, h.x_test, pal)


def checkpoint_path(name: str) -> Path:
    return results_root() / ".checkpoints" / f"{key(name)[:16]}.pt"


def lock_path(name: str) -> Path:
    r = _check(name)
    return results_root() / ".locks" / f"{r.experiment}-{key(name)[:16]}.lock"


@contextlib.contextmanager
def run_lock(name: str, wait: bool = True) -> Iterator[Path]:
    """Hold the lock of run ``name`` (a ``filelock.FileLock`` on its file under ``results/.locks``).

    The lock is an ``flock``, which the kernel drops when its holder exits,
    however it exits, so the lock of a dead process is taken over by the next
    caller. The file records the holder's pid for the message a waiting caller
    prints. With ``wait=False`` a lock held by a live process raises ``BlockingIOError``.
    """
    path = lock_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        try:
            holder = path.read_text(errors="replace").strip() or "?"
        except OSError:
            holder = "?"
        if not wait:
            raise BlockingIOError(f"{name} is being computed by pid {holder} ({path})") from None
        print(f"{name}: pid {holder} is computing it; waiting ({path})", file=sys.stderr, flush=True)
        lock.acquire()
    try:
        fd = os.open(path, os.O_WRONLY)   # the pid, for a waiting caller's message
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        finally:
            os.close(fd)
        yield path
    finally:
        lock.release()   # the file stays (removing it would race a waiter)


def run(name: str, device: str = "auto", progress: bool = True,
        on_epoch: Callable[[Any], None] | None = None, recompute: bool = False) -> Entry:
    """The stored result ``name``, computed and stored first if it is not there.

    Holds the run's lock while computing, so that another process asking for
    the same run waits and then reads the stored entry instead of training it too.
    A damaged entry raises ``CorruptEntry`` naming the command; ``recompute=True``
    computes ``name`` again and replaces its entry atomically. What the store
    does to finish interrupted writes (restoring an intact copy of a damaged entry,
    say) is printed on stderr.
    """
    r = _check(name)
    if stored(name) and not recompute:
        return load(name)
    with run_lock(name):
        entry = get_or_compute(r.experiment, r.config, r.code, _data_hash(r),
                               _compute(r, device, progress, on_epoch),
                               recompute=recompute, command=r.command,
                               on_note=lambda line: print(f"{name}: {line}", file=sys.stderr, flush=True))
        if r.experiment == "colour":
            checkpoint_path(name).unlink(missing_ok=True)
    return entry


def unread() -> list[str]:
    """Results that can be run but no page reads yet (seeds to train, then declare)."""
    return [name for name in ALL_RESULTS if name not in RESULTS]


def needed_keys() -> dict[str, tuple[str, str]]:
    """name → (experiment, key) of every stored result the book needs, for the current code and data."""
    return {name: (r.experiment, key(name)) for name, r in RESULTS.items()}


def known_keys() -> dict[str, tuple[str, str]]:
    """name → (experiment, key) of every result that can be run (the seeds no page reads yet too):
    a stored one is current, not "no longer needed"."""
    return {name: (r.experiment, key(name)) for name, r in ALL_RESULTS.items()}
