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

Writes are atomic: the new entry is complete (in a temporary folder in the same
place) before the old one is renamed aside, so a kill at any moment leaves the
old entry or the new one, whole. ``metadata.json`` carries ``metadata_sha256``,
the hash of its own canonical JSON, so every byte a reader gets is covered. A
read opens each file once, checks its hash and parses those same bytes; it
never deletes or rewrites anything, and files an entry does not list are
ignored. A damaged entry is an error naming the entry, the damage and the
command that recomputes it; nothing recomputes it without being asked. The root is ``<repo>/results`` unless an argument or the
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
import io
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
    for dist in ("numpy", "torch", "scipy", "scikit-learn"):
        try:   # metadata, not import: recording a version should not import torch
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return versions


# ---------------------------------------------------------------------------------------------
# Reading and writing one entry.
#
# Replacing an entry is two renames: the old folder to ``.old-<key16>-<pid>``, the new one
# (complete, fsynced, in ``.tmp-<key16>-<pid>-…``) to the entry's name; then the old folder is
# deleted. A kill at any moment leaves the old entry or the new one whole: before the first rename
# the old one stands; between the renames readers read the ``.old-`` folder; after the second the
# new one stands. :func:`clean_leftovers` (run by every write) removes the temporary folders of dead
# writers and puts an ``.old-`` folder back when its entry is missing. Readers never delete or
# rename anything.

OLD_PREFIX = ".old-"   # an entry being replaced (or, if its writer died mid-swap, the entry)
_READ_ATTEMPTS = 50    # a read that races a replacement starts again (each replacement is short)


def _metadata_sha256(metadata: Mapping[str, Any]) -> str:
    """SHA-256 of the metadata's canonical JSON without its own ``metadata_sha256`` field."""
    body = {k: v for k, v in metadata.items() if k != "metadata_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     allow_nan=False).encode()).hexdigest()


def _read_at(dir_fd: int, name: str) -> bytes:
    fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as f:
        return f.read()


def _parse_verified(path: Path, experiment: str, key: str) -> Entry:
    """Read each file of the folder once, check its hash, parse those same bytes.

    The files are opened relative to one open handle of the folder, so all of
    them come from the same folder even if it is renamed meanwhile.
    """
    dir_fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        def missing(name: str) -> Exception:
            try:
                moved = os.stat(path).st_ino != os.fstat(dir_fd).st_ino
            except FileNotFoundError:
                moved = True
            if moved:   # replaced or deleted by a writer while we read: read again
                return FileNotFoundError(f"{path} changed while being read")
            return CorruptEntry(f"{path}: {name} is missing" +
                                ("" if name == METADATA_FILE else f" (listed in {METADATA_FILE})"))

        try:
            raw_meta = _read_at(dir_fd, METADATA_FILE)
        except FileNotFoundError:
            raise missing(METADATA_FILE) from None
        try:
            metadata = json.loads(raw_meta)
            hashes = metadata["files"]
            if not isinstance(hashes, dict):
                raise TypeError("'files' is not an object")
        except (ValueError, KeyError, TypeError) as err:
            raise CorruptEntry(f"{path}: unreadable {METADATA_FILE} ({type(err).__name__}: {err})") \
                from None
        if "metadata_sha256" not in metadata:
            raise CorruptEntry(f"{path}: {METADATA_FILE} has no metadata_sha256 (written by an older "
                               "store; seal it with solutions.experiments.store.seal_entry)")
        if metadata["metadata_sha256"] != _metadata_sha256(metadata):
            raise CorruptEntry(f"{path}: {METADATA_FILE} does not match its metadata_sha256 "
                               "(edited or damaged)")
        if metadata.get("key") != key or metadata.get("experiment") != experiment:
            raise CorruptEntry(f"{path}: holds key {metadata.get('key')!r} of "
                               f"{metadata.get('experiment')!r}, expected {key!r} of {experiment!r}")
        if RESULT_FILE not in hashes or not set(hashes) <= {RESULT_FILE, ARRAYS_FILE}:
            raise CorruptEntry(f"{path}: {METADATA_FILE} lists {sorted(hashes)}, expected "
                               f"{RESULT_FILE} and optionally {ARRAYS_FILE}")
        raw = {}
        for name, expected in hashes.items():
            try:
                raw[name] = _read_at(dir_fd, name)
            except FileNotFoundError:
                raise missing(name) from None
            if hashlib.sha256(raw[name]).hexdigest() != expected:
                raise CorruptEntry(f"{path}: {name} does not match its sha256 in {METADATA_FILE}")
    finally:
        os.close(dir_fd)
    result = json.loads(raw[RESULT_FILE])
    arrays = {}
    if ARRAYS_FILE in raw:
        with np.load(io.BytesIO(raw[ARRAYS_FILE]), allow_pickle=False) as f:
            arrays = {name: f[name] for name in f.files}
    return Entry(experiment, key, path, result, arrays, metadata)


def seal_entry(path: str | os.PathLike) -> bool:
    """Add ``metadata_sha256`` to an entry written before metadata was hashed (a one-off
    migration); its files must match the hashes its metadata lists. True if it was sealed."""
    path = Path(path)
    metadata = json.loads((path / METADATA_FILE).read_bytes())
    if "metadata_sha256" in metadata:
        return False
    for name, expected in metadata["files"].items():
        if _sha256(path / name) != expected:
            raise CorruptEntry(f"{path}: {name} does not match its sha256 in {METADATA_FILE}")
    metadata["metadata_sha256"] = _metadata_sha256(metadata)
    tmp = path / f"{TEMP_PREFIX}{METADATA_FILE}"
    tmp.write_text(json.dumps(metadata, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path / METADATA_FILE)
    return True


def unlisted_files(path: Path) -> list[str]:
    """Files in an entry folder that its metadata does not list (ignored by reads)."""
    try:
        listed = set(json.loads((path / METADATA_FILE).read_bytes())["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return sorted(p.name for p in path.iterdir() if p.name not in listed | {METADATA_FILE})


def _old_copies(parent: Path, key: str) -> list[Path]:
    return sorted(parent.glob(f"{OLD_PREFIX}{key[:16]}-*")) if parent.is_dir() else []


def read_entry(experiment: str, key: str, root: str | os.PathLike | None = None) -> Entry | None:
    """The entry of ``key``, verified; None if there is none; :class:`CorruptEntry` if damaged.

    Writes nothing. Files the metadata does not list (``.DS_Store``, an editor's
    backup) are ignored. During a replacement (or after a writer died in the
    middle of one) the whole old entry is read from its ``.old-`` folder.
    """
    path = entry_path(results_root(root), experiment, key)
    for _ in range(_READ_ATTEMPTS):
        candidates = [path] + _old_copies(path.parent, key)
        for candidate in candidates:
            try:
                return _parse_verified(candidate, experiment, key)
            except (FileNotFoundError, NotADirectoryError):
                continue   # renamed or deleted by a writer meanwhile: try the next place
        if not path.exists() and not _old_copies(path.parent, key):
            return None
        time.sleep(0.001)
    raise CorruptEntry(f"{path}: kept changing while being read ({_READ_ATTEMPTS} attempts)")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _writer_pid(name: str) -> int | None:
    # .tmp-<key16>-<pid>-<random> and .old-<key16>-<pid>
    parts = name.split("-")
    return int(parts[2]) if len(parts) >= 3 and parts[2].isdigit() else None


def clean_leftovers(root: str | os.PathLike | None = None,
                    experiment: str | None = None) -> list[str]:
    """Finish what killed writers left: delete their temporary folders, and put a replaced
    entry's ``.old-`` folder back where the entry is missing (else delete it).

    Only folders of writers that are no longer running are touched. Returns
    what was done, one line per folder.
    """
    root = results_root(root)
    parents = [root / _check_experiment(experiment)] if experiment else \
        [p for p in root.glob("*") if p.is_dir() and not p.name.startswith(".")]
    done = []
    for parent in parents:
        if not parent.is_dir():
            continue
        for p in sorted(parent.iterdir()):
            if not p.name.startswith((TEMP_PREFIX, OLD_PREFIX)):
                continue
            pid = _writer_pid(p.name)
            if pid is not None and _pid_alive(pid):
                continue
            if p.name.startswith(OLD_PREFIX):
                final = parent / p.name[len(OLD_PREFIX):].split("-")[0]
                if not final.exists():
                    try:
                        os.rename(p, final)
                        done.append(f"restored {final} (its replacement was interrupted)")
                        continue
                    except OSError:
                        pass
            shutil.rmtree(p, ignore_errors=True)
            done.append(f"removed {p} (left by an interrupted write)")
    return done


def leftovers(root: str | os.PathLike | None = None) -> list[Path]:
    """Folders left by interrupted writes (removed or restored by the next write)."""
    root = results_root(root)
    return sorted(p for p in root.glob("*/.*") if p.is_dir()
                  and p.name.startswith((TEMP_PREFIX, OLD_PREFIX)) and not p.parent.name.startswith("."))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass   # some file systems cannot fsync a folder
    finally:
        os.close(fd)


def _pause(step: str) -> None:
    """Test hook: $SOLUTIONS_STORE_PAUSE_S seconds before each step of a write (kill tests)."""
    pause = os.environ.get("SOLUTIONS_STORE_PAUSE_S")
    if pause:
        time.sleep(float(pause))


def write_entry(experiment: str, config: Any, code: str, data_hash: str, computed: Computed, *,
                wall_time_s: float | None = None, root: str | os.PathLike | None = None) -> Entry:
    """Write an entry atomically and return it (as read back, so verified).

    The new entry is written whole into a temporary folder beside the final
    one; an existing entry of the same key is then renamed aside, the new one
    renamed into place, and the old one deleted (see the comment above). A
    kill at any moment leaves the old or the new entry, whole.
    """
    key = entry_key(experiment, config, code, data_hash)
    root_path = results_root(root)
    final = entry_path(root_path, experiment, key)
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(root_path, experiment)
    try:
        text = json.dumps(computed.result, indent=1, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"result must be JSON-serialisable (finite numbers): {err}") from None
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f"{TEMP_PREFIX}{key[:16]}-{os.getpid()}-"))
    old = final.parent / f"{OLD_PREFIX}{key[:16]}-{os.getpid()}"
    try:
        _pause("result")
        (tmp / RESULT_FILE).write_text(text + "\n", encoding="utf-8")
        if computed.arrays:
            _pause("arrays")
            np.savez(tmp / ARRAYS_FILE, **computed.arrays)
        metadata = {
            "key": key, "experiment": experiment, "config": config_dict(config),
            "code_hash": code, "data_hash": data_hash, "versions": _versions(),
            "device": computed.device, "wall_time_s": wall_time_s,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "files": {p.name: _sha256(p) for p in sorted(tmp.iterdir())},
        }
        metadata["metadata_sha256"] = _metadata_sha256(metadata)
        _pause("metadata")
        (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=1) + "\n", encoding="utf-8")
        for p in tmp.iterdir():
            _fsync(p)
        _fsync(tmp)
        _pause("swap")
        try:
            os.rename(final, old)     # the old entry steps aside, whole
            _pause("between renames")
        except FileNotFoundError:
            pass                      # no old entry
        try:
            os.rename(tmp, final)     # atomic on one file system; fails if another writer won
        except OSError:
            if not final.is_dir():
                raise
            # Another writer of the same key renamed first: its entry stands, ours goes.
        _fsync(final.parent)
        _pause("delete old")
    except BaseException:
        if old.exists() and not final.exists():
            os.rename(old, final)     # an error (not a kill): put the old entry back
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    entry = read_entry(experiment, key, root)
    assert entry is not None
    return entry


def get_or_compute(experiment: str, config: Any, modules: Iterable[str], data_hash: str,
                   compute_fn: Callable[[], Computed | dict[str, Any]], *,
                   root: str | os.PathLike | None = None, package: str = "solutions",
                   recompute: bool = False, command: str | None = None) -> Entry:
    """The stored entry, or ``compute_fn()`` stored first if there is none.

    A damaged entry is never deleted or recomputed silently: it raises
    :class:`CorruptEntry` naming the entry, what is wrong and ``command
    --recompute``; ``recompute=True`` computes the result again (valid entry
    or not) and replaces the entry atomically. ``compute_fn`` takes no
    arguments and returns a :class:`Computed` or just the JSON result dict.
    If it raises, nothing is written.
    """
    if not isinstance(recompute, bool):
        raise ValueError(f"recompute must be True or False, got {recompute!r}")
    code = code_hash(list(modules), package)
    key = entry_key(experiment, config, code, data_hash)
    clean_leftovers(root, experiment)
    if not recompute:
        try:
            entry = read_entry(experiment, key, root)
        except CorruptEntry as err:
            how = f"{command} --recompute" if command else "get_or_compute(..., recompute=True)"
            raise CorruptEntry(f"{err}. Nothing was deleted; recompute it with: {how}") from None
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
    # Notes that do not make a result wrong: files an entry does not list (ignored by reads),
    # and folders of interrupted writes (cleaned by the next write).
    unlisted: tuple[tuple[Path, tuple[str, ...]], ...] = ()
    leftovers: tuple[Path, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt or self.unneeded)


def stale_entries(needed: Iterable[tuple[str, str]], root: str | os.PathLike | None = None, *,
                  known: Iterable[tuple[str, str]] = ()) -> StaleReport:
    """Compare the store with the (experiment, key) pairs the book needs now.

    ``known`` are further current keys that are not needed (results that can be
    run but no page reads): stored, they are neither missing nor "no longer needed".

    Keys come from :func:`result_key` with the current code; a stored entry
    whose key is not among them was made by other code, config or data.
    Writes nothing: folders of interrupted writes and files an entry does not
    list are reported (``leftovers``, ``unlisted``), never removed here.
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
    wanted = {entry_path(root, e, k) for e, k in needed | set(known)}
    stored = sorted(p for p in root.glob("*/*")
                    if p.is_dir() and not p.name.startswith(".") and not p.parent.name.startswith("."))
    unneeded = tuple(p for p in stored if p not in wanted)
    unlisted = tuple((p, tuple(names)) for p in stored if (names := unlisted_files(p)))
    return StaleReport(tuple(missing), tuple(corrupt), unneeded, unlisted, tuple(leftovers(root)))
