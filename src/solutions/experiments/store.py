"""A content-addressed store of computed results, which the book only reads.

A result is keyed by everything that determines it (joblib.Memory's idea, with
its gap closed: the code hash covers every module the result depends on):

    key = sha256(experiment, canonical JSON of the config, code hash, data hash)

where the code hash is :func:`solutions.experiments.codehash.code_hash` of the modules
that compute it (their syntax trees, the package modules they import, and the
torch/numpy/sympy versions). Each entry is a folder
``<root>/<experiment>/<key[:16]>/`` holding

* ``result.json``  metrics and curves (JSON);
* ``arrays.npz``   optional arrays (a few images, say);
* ``metadata.json`` the key and its parts, library versions, device, wall time,
  creation time, and the SHA-256 of every other file of the entry.

Writes are atomic (a temporary folder in the same place, then one rename), and
reads check every file's hash, so an interrupted or damaged entry is never
returned as valid. The root is ``<repo>/results`` unless an argument or the
environment variable ``SOLUTIONS_RESULTS_DIR`` says otherwise.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Config:
...     lr: float = 0.001
...     epochs: int = 25
>>> canonical_json(Config())
'{"epochs":25,"lr":0.001}'
>>> entry_key("demo", Config(), "c0de", "da7a") == entry_key("demo", Config(epochs=25), "c0de", "da7a")
True
>>> entry_key("demo", Config(), "c0de", "da7a") == entry_key("demo", Config(lr=0.01), "c0de", "da7a")
False
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from solutions.experiments.codehash import code_hash

ENV_RESULTS = "SOLUTIONS_RESULTS_DIR"
DEFAULT_ROOT = Path(__file__).resolve().parents[3] / "results"   # src/solutions/experiments/ → repository
RESULT_FILE, ARRAYS_FILE, METADATA_FILE = "result.json", "arrays.npz", "metadata.json"
TEMP_PREFIX = ".tmp-"   # unfinished writes; never read, never reported as entries


class CorruptEntry(Exception):
    """An entry folder whose files do not match its metadata (damaged or incomplete)."""


class MissingResult(LookupError):
    """The book asked for a result that has not been computed; the message names the command."""


@dataclass(frozen=True)
class Computed:
    """What a compute function may return: a JSON result, optional arrays, the device used."""

    result: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    device: str = "cpu"


@dataclass(frozen=True, eq=False)
class Entry:
    """A verified entry of the store."""

    experiment: str
    key: str
    path: Path
    result: dict[str, Any]
    arrays: dict[str, np.ndarray]
    metadata: dict[str, Any]


def results_root(root: str | os.PathLike | None = None) -> Path:
    """``root``, else $SOLUTIONS_RESULTS_DIR, else ``<repo>/results``."""
    if root is not None and str(root) != "":
        return Path(root)
    return Path(os.environ.get(ENV_RESULTS) or DEFAULT_ROOT)


def config_dict(config: Any) -> dict[str, Any]:
    """A config (a dataclass instance, or a mapping) as a plain dict."""
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return dataclasses.asdict(config)
    if isinstance(config, Mapping):
        return dict(config)
    raise ValueError(f"config must be a dataclass instance or a mapping, got {type(config).__name__}")


def canonical_json(config: Any) -> str:
    """The config as JSON with sorted keys and no spaces: equal configs give equal text."""
    try:
        return json.dumps(config_dict(config), sort_keys=True, separators=(",", ":"),
                          allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"config must hold only JSON values (finite numbers): {err}") from None


def _check_experiment(experiment: str) -> str:
    # The name becomes a folder: keep it to one plain path component.
    if not isinstance(experiment, str) or not experiment or experiment.startswith(".") \
            or any(c in experiment for c in "/\\"):
        raise ValueError(f"experiment must be a non-empty name without '/' or a leading '.', "
                         f"got {experiment!r}")
    return experiment


def entry_key(experiment: str, config: Any, code: str, data_hash: str) -> str:
    """SHA-256 (hex) of the experiment name, canonical config JSON, code hash and data hash."""
    parts = [_check_experiment(experiment), canonical_json(config), code, data_hash]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def result_key(experiment: str, config: Any, modules: Iterable[str], data_hash: str,
               package: str = "solutions") -> str:
    """:func:`entry_key` with the code hash of ``modules`` (and what they import from ``package``)."""
    return entry_key(experiment, config, code_hash(list(modules), package), data_hash)


def entry_path(root: Path, experiment: str, key: str) -> Path:
    return root / _check_experiment(experiment) / key[:16]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("numpy", "torch", "scipy"):
        try:   # metadata, not import: recording a version should not import torch
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return versions


# ---------------------------------------------------------------------------------------------
# Reading and writing one entry.

def read_entry(experiment: str, key: str, root: str | os.PathLike | None = None) -> Entry | None:
    """The entry of ``key``, verified; None if there is none; :class:`CorruptEntry` if damaged."""
    path = entry_path(results_root(root), experiment, key)
    if not path.is_dir():
        return None
    try:
        metadata = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
        hashes = metadata["files"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CorruptEntry(f"{path}: unreadable {METADATA_FILE} ({err})") from None
    if metadata.get("key") != key or metadata.get("experiment") != experiment:
        raise CorruptEntry(f"{path}: holds key {metadata.get('key')!r} of "
                           f"{metadata.get('experiment')!r}, expected {key!r} of {experiment!r}")
    present = {p.name for p in path.iterdir()} - {METADATA_FILE}
    if present != set(hashes):
        raise CorruptEntry(f"{path}: files {sorted(present)} but metadata lists {sorted(hashes)}")
    for name, expected in hashes.items():
        if _sha256(path / name) != expected:
            raise CorruptEntry(f"{path}: {name} does not match its sha256 in {METADATA_FILE}")
    result = json.loads((path / RESULT_FILE).read_text(encoding="utf-8"))
    arrays = {}
    if ARRAYS_FILE in hashes:
        with np.load(path / ARRAYS_FILE, allow_pickle=False) as f:
            arrays = {name: f[name] for name in f.files}
    return Entry(experiment, key, path, result, arrays, metadata)


def write_entry(experiment: str, config: Any, code: str, data_hash: str, computed: Computed, *,
                wall_time_s: float | None = None, root: str | os.PathLike | None = None) -> Entry:
    """Write an entry atomically and return it (as read back, so verified).

    Everything is written into a temporary folder beside the final one, which
    is then renamed: readers see the whole entry or none. An existing entry of
    the same key is replaced.
    """
    key = entry_key(experiment, config, code, data_hash)
    final = entry_path(results_root(root), experiment, key)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f"{TEMP_PREFIX}{key[:16]}-"))
    try:
        try:
            text = json.dumps(computed.result, indent=1, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError) as err:
            raise ValueError(f"result must be JSON-serialisable (finite numbers): {err}") from None
        (tmp / RESULT_FILE).write_text(text + "\n", encoding="utf-8")
        if computed.arrays:
            np.savez(tmp / ARRAYS_FILE, **computed.arrays)
        metadata = {
            "key": key, "experiment": experiment, "config": config_dict(config),
            "code_hash": code, "data_hash": data_hash, "versions": _versions(),
            "device": computed.device, "wall_time_s": wall_time_s,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "files": {p.name: _sha256(p) for p in sorted(tmp.iterdir())},
        }
        (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=1) + "\n", encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        try:
            os.rename(tmp, final)   # atomic on one file system; fails if another writer won
        except OSError:
            if not final.is_dir():
                raise
            # Another writer of the same key renamed first: its entry stands, ours goes.
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    entry = read_entry(experiment, key, root)
    assert entry is not None
    return entry


def get_or_compute(experiment: str, config: Any, modules: Iterable[str], data_hash: str,
                   compute_fn: Callable[[], Computed | dict[str, Any]], *,
                   root: str | os.PathLike | None = None, package: str = "solutions") -> Entry:
    """The stored entry, or ``compute_fn()`` stored first (a missing or corrupt entry is recomputed).

    ``compute_fn`` takes no arguments and returns a :class:`Computed` or just
    the JSON result dict. If it raises, nothing is written.
    """
    code = code_hash(list(modules), package)
    key = entry_key(experiment, config, code, data_hash)
    try:
        entry = read_entry(experiment, key, root)
    except CorruptEntry:
        shutil.rmtree(entry_path(results_root(root), experiment, key))
        entry = None
    if entry is not None:
        return entry
    start = time.perf_counter()
    computed = compute_fn()
    wall = time.perf_counter() - start
    if not isinstance(computed, Computed):
        computed = Computed(result=computed)
    return write_entry(experiment, config, code, data_hash, computed, wall_time_s=wall, root=root)


def load_for_book(experiment: str, config: Any, modules: Iterable[str], data_hash: str, *,
                  command: str, root: str | os.PathLike | None = None,
                  package: str = "solutions") -> Entry:
    """The verified entry a page shows; never computes.

    A missing entry raises :class:`MissingResult`, a damaged one
    :class:`CorruptEntry`; both messages name ``command``, which computes it.
    """
    key = result_key(experiment, config, modules, data_hash, package)
    try:
        entry = read_entry(experiment, key, root)
    except CorruptEntry as err:
        raise CorruptEntry(f"{err}. Recompute it with: {command}") from None
    if entry is None:
        raise MissingResult(f"no result of {experiment!r} for the current code, config and data "
                            f"(key {key[:16]}) in {results_root(root)}. Compute it with: {command}")
    return entry


# ---------------------------------------------------------------------------------------------
# Which stored results no longer match the code.

@dataclass(frozen=True)
class StaleReport:
    """Needed keys without a valid entry, and entries no current key needs."""

    missing: tuple[tuple[str, str], ...]   # (experiment, key) needed, no entry: compute them
    corrupt: tuple[tuple[str, str], ...]   # (experiment, key) needed, entry damaged: recompute
    unneeded: tuple[Path, ...]             # entry folders of old code/config/data: delete them

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt or self.unneeded)


def stale_entries(needed: Iterable[tuple[str, str]],
                  root: str | os.PathLike | None = None) -> StaleReport:
    """Compare the store with the (experiment, key) pairs the book needs now.

    Keys come from :func:`result_key` with the current code; a stored entry
    whose key is not among them was made by other code, config or data.
    Unfinished temporary folders are ignored.
    """
    root = results_root(root)
    needed = set(needed)
    missing, corrupt = [], []
    for experiment, key in sorted(needed):
        try:
            if read_entry(experiment, key, root) is None:
                missing.append((experiment, key))
        except CorruptEntry:
            corrupt.append((experiment, key))
    wanted = {entry_path(root, e, k) for e, k in needed}
    stored = sorted(p for p in root.glob("*/*")
                    if p.is_dir() and not p.name.startswith(".") and not p.parent.name.startswith("."))
    unneeded = tuple(p for p in stored if p not in wanted)
    return StaleReport(tuple(missing), tuple(corrupt), unneeded)
