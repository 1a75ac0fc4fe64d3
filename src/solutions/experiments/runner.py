"""Computing stored results: the only code path that writes under ``results/``.

:func:`run` computes a result of :mod:`solutions.experiments.registry` that is not stored yet,
with the function of its experiment kind (:data:`COMPUTE`, one small function each), and
stores it (:mod:`solutions.experiments.store`).

Several processes may run results at once (``solutions run all --jobs 2``):
each run holds a lock under ``results/.locks`` while it computes (a
``filelock`` lock: an ``flock`` the kernel releases when its process dies), so
no run is ever computed twice at the same time; a second caller waits and then
reads the stored entry. A colourization run saves a checkpoint under
``results/.checkpoints`` after each epoch and resumes from it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from solutions.answers import alexnet_1x1, finetune_cost, input_transform
from solutions.answers.digit_readings import compute_readings
from solutions.answers.edge_split import split_record
from solutions.answers.half_crops import read_halves
from solutions.answers.working_memory import working_record
from solutions.experiments import names, registry
from solutions.experiments.data import require_colours
from solutions.experiments.ensembles import sweep_predictions

# train and summarise in the run's precision (for fp32: training.train and training.summarise as they are)
from solutions.experiments.precision import summarise, train
from solutions.experiments.preprocess import HorseTensors, compute_palette, to_tensors
from solutions.experiments.registry import (
    RUNS,
    Result,
    data,
    horses,
    inputs_hash,
    key,
    load,
    lookup,
    stored,
    trained_model,
)
from solutions.experiments.store import Computed, Entry, get_or_compute, results_root
from solutions.experiments.training import predict

OnEpoch = Callable[[Any], None]


# ---------------------------------------------------------------------------------------------
# One function per experiment kind: (result, device, progress, on_epoch) → what to store.


def _palette(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    c = r.config
    require_colours(horses(), c.k)  # degenerate data: one line naming x_train
    return Computed({"palette": compute_palette(horses().x_train, c.k, c.seed, c.sample).tolist()})


def _colour(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    tensors = _training_tensors(device, progress)
    checkpoint = checkpoint_path(r.name)
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    result = train(
        r.config, tensors, device, progress=progress, checkpoint=checkpoint, key=key(r.name), on_epoch=on_epoch
    )
    summary, arrays = summarise(result, tensors, keep_weights=r.name in names.WEIGHTS_KEPT.values())
    return Computed(summary, arrays, result.device)


def _q4_ensembles(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    # float32 holds the float32 networks' predictions exactly
    return Computed({"values": list(r.config.values)}, {"predictions": sweep_predictions(r.config).astype(np.float32)})


def _c1d_probe(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    tensors, models = _upstream_networks(r, device, progress)
    return Computed(input_transform.probe(models, tensors.x_test_grey, r.config))


def _c2_edges(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    tensors, models = _upstream_networks(r, device, progress)
    predicted = {m: predict(net, tensors.x_test_grey, RUNS[names.WEIGHTS_KEPT[m]]).numpy() for m, net in models.items()}
    return Computed(split_record(predicted, tensors.y_test.numpy(), tensors.x_test_grey[:, 0].numpy(), r.config))


def _c3de_sweeps(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    return Computed(finetune_cost.sweeps(r.config))


def _q3_peak(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    return Computed(alexnet_1x1.peak_record(r.config))


def _q1_half_crops(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    # per half, the class read in each test digit (0..9: int8); label_changing_augmentation.half_readings
    return Computed(
        {"config": dataclasses.asdict(r.config)},
        {half: read.astype(np.int8) for half, read in read_halves(r.config).items()},
    )


def _c3de_working_memory(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    return Computed(working_record(r.config))


def _q1_digits(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None) -> Computed:
    # predicted classes 0..9 (int8); digit_readings.Readings.from_arrays reads them back
    return Computed({"config": dataclasses.asdict(r.config)}, compute_readings(r.config).to_arrays())


# experiment kind (Result.experiment) → how its results are computed
COMPUTE: dict[str, Callable[[Result, str, bool, OnEpoch | None], Computed]] = {
    registry.PALETTE_KIND: _palette,
    registry.COLOUR: _colour,
    registry.Q4_KIND: _q4_ensembles,
    registry.C1D_KIND: _c1d_probe,
    registry.C2_KIND: _c2_edges,
    registry.C3DE_SWEEPS_KIND: _c3de_sweeps,
    registry.Q3_KIND: _q3_peak,
    registry.Q1_HALVES_KIND: _q1_half_crops,
    registry.C3DE_WORKING_KIND: _c3de_working_memory,
    registry.Q1_DIGITS_KIND: _q1_digits,
}


def _compute(r: Result, device: str, progress: bool, on_epoch: OnEpoch | None = None) -> Callable[[], Computed]:
    """The computation of ``r``, to be called under its lock."""
    return functools.partial(COMPUTE[r.experiment], r, device, progress, on_epoch)


def _upstream_networks(r: Result, device: str, progress: bool) -> tuple[HorseTensors, dict[str, Any]]:
    """For a measurement of stored networks: its upstream results (trained first if missing,
    waiting on their locks), the horses' tensors, and the networks of ``r.config.models`` (kinds)."""
    for upstream in r.after:
        run(upstream, device, progress)
    _, tensors = data()
    return tensors, {m: trained_model(m) for m in r.config.models}


@cache
def _training_tensors(device: str, progress: bool) -> HorseTensors:
    """The horses as tensors with the palette (computed first if missing); once per process."""
    h = horses()
    pal = np.array(run(names.PALETTE, device, progress).result["palette"], dtype=np.float64)
    return to_tensors(h.x_train, h.x_test, pal)


# ---------------------------------------------------------------------------------------------
# Checkpoints, locks, and running.


def checkpoint_path(name: str) -> Path:
    return results_root() / ".checkpoints" / f"{key(name)[:16]}.pt"


def lock_path(name: str) -> Path:
    r = lookup(name)
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
        fd = os.open(path, os.O_WRONLY)  # the pid, for a waiting caller's message
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        finally:
            os.close(fd)
        yield path
    finally:
        lock.release()  # the file stays (removing it would race a waiter)


def run(
    name: str, device: str = "auto", progress: bool = True, on_epoch: OnEpoch | None = None, recompute: bool = False
) -> Entry:
    """The stored result ``name``, computed and stored first if it is not there.

    Holds the run's lock while computing, so that another process asking for
    the same run waits and then reads the stored entry instead of training it too.
    A damaged entry raises ``CorruptEntry`` naming the command; ``recompute=True``
    computes ``name`` again and replaces its entry atomically. What the store
    does to finish interrupted writes (restoring an intact copy of a damaged entry,
    say) is printed on stderr.
    """
    r = lookup(name)
    if stored(name) and not recompute:
        return load(name)
    with run_lock(name):
        entry = get_or_compute(
            r.experiment,
            r.config,
            r.code,
            inputs_hash(r),
            _compute(r, device, progress, on_epoch),
            recompute=recompute,
            command=r.command,
            on_note=lambda line: print(f"{name}: {line}", file=sys.stderr, flush=True),
        )
        if r.experiment == registry.COLOUR:
            checkpoint_path(name).unlink(missing_ok=True)
    return entry
