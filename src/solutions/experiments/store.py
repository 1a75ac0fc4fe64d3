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
import io
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from solutions.experiments.codehash import code_hash, installed_versions

ENV_RESULTS = "SOLUTIONS_RESULTS_DIR"
DEFAULT_ROOT = Path(__file__).resolve().parents[3] / "results"  # src/solutions/experiments/ → repository
RESULT_FILE, ARRAYS_FILE, METADATA_FILE = "result.json", "arrays.npz", "metadata.json"
TEMP_PREFIX = ".tmp-"  # unfinished writes; never read, never reported as entries


class CorruptEntry(Exception):
    """An entry folder whose files do not match its metadata (damaged, incomplete or unreadable).

    ``path`` is the damaged folder; ``intact_copy`` an intact copy of the same key left by an
    interrupted replacement (``.old-…``), which the next write of that key restores, or None.
    """

    def __init__(self, message: str, path: Path | None = None, intact_copy: Path | None = None):
        super().__init__(message)
        self.path = path
        self.intact_copy = intact_copy


def fix_command(command: str, err: CorruptEntry) -> str:
    """The command that repairs the damaged entry of ``err``: ``command`` itself where an intact
    copy is there to restore (the run restores it and computes nothing), else ``command --recompute``.

    >>> fix_command("solutions run cnn", CorruptEntry("damaged"))
    'solutions run cnn --recompute'
    >>> fix_command("solutions run cnn", CorruptEntry("damaged", intact_copy=Path(".old-x")))
    'solutions run cnn'
    """
    return command if err.intact_copy is not None else f"{command} --recompute"


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


def check_folder(root: str | os.PathLike | None = None) -> Path:
    """The results folder (:func:`results_root`), or ``NotADirectoryError`` in one line when
    something other than a folder stands there (a file named by $SOLUTIONS_RESULTS_DIR, say)."""
    path = results_root(root)
    if os.path.lexists(path) and not path.is_dir():
        where = f"${ENV_RESULTS}" if root is None and os.environ.get(ENV_RESULTS) else "the results folder"
        raise NotADirectoryError(f"{where} {path} is not a folder")
    return path


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
        return json.dumps(config_dict(config), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"config must hold only JSON values (finite numbers): {err}") from None


def _check_experiment(experiment: str) -> str:
    # The name becomes a folder: keep it to one plain path component.
    if (
        not isinstance(experiment, str)
        or not experiment
        or experiment.startswith(".")
        or any(c in experiment for c in "/\\")
    ):
        raise ValueError(f"experiment must be a non-empty name without '/' or a leading '.', got {experiment!r}")
    return experiment


def entry_key(experiment: str, config: Any, code: str, data_hash: str) -> str:
    """SHA-256 (hex) of the experiment name, canonical config JSON, code hash and data hash."""
    parts = [_check_experiment(experiment), canonical_json(config), code, data_hash]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def result_key(experiment: str, config: Any, modules: Iterable[str], data_hash: str, package: str = "solutions") -> str:
    """:func:`entry_key` with the code hash of ``modules`` (and what they import from ``package``)."""
    return entry_key(experiment, config, code_hash(list(modules), package), data_hash)


def entry_path(root: Path, experiment: str, key: str) -> Path:
    return root / _check_experiment(experiment) / key[:16]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    """What an entry's metadata records of the software that computed it."""
    return {"python": platform.python_version(), **installed_versions(("numpy", "torch", "scipy", "scikit-learn"))}


# ---------------------------------------------------------------------------------------------
# Reading and writing one entry.
#
# Replacing an entry is two renames: the old folder to ``.old-<key16>-<pid>``, the new one
# (complete, fsynced, in ``.tmp-<key16>-<pid>-…``) to the entry's name; then the old folder is
# deleted. A kill at any moment leaves the old entry or the new one whole: before the first rename
# the old one stands; between the renames readers read the ``.old-`` folder; after the second the
# new one stands. Readers never delete or rename anything.
#
# :func:`clean_leftovers` (run by every write, before and after it) finishes what killed writers
# left, and never deletes the last intact copy of an entry: it deletes their temporary folders; it
# verifies the entry before it touches an ``.old-`` copy, and then puts the copy back where the
# entry is missing, puts it in place of a damaged entry when the copy is intact (the damaged folder
# is set aside as ``.damaged-<key16>-…``, never deleted), deletes it only where the entry is intact,
# and otherwise leaves both. It says what it did, one line per folder.

OLD_PREFIX = ".old-"  # an entry being replaced (or, if its writer died mid-swap, the entry)
DAMAGED_PREFIX = ".damaged-"  # a damaged entry set aside when an intact copy took its place
_READ_ATTEMPTS = 50  # a read that races a replacement starts again (each replacement is short)
_LEFTOVER = re.compile(r"^(\.old-|\.tmp-)([0-9a-f]{16})-(\d+)(?:-.*)?$")  # what writers leave


def _metadata_sha256(metadata: Mapping[str, Any]) -> str:
    """SHA-256 of the metadata's canonical JSON without its own ``metadata_sha256`` field."""
    body = {k: v for k, v in metadata.items() if k != "metadata_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()).hexdigest()


def _read_at(dir_fd: int, name: str) -> bytes:
    fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as f:
        return f.read()


def _reason(err: OSError) -> str:
    return "permission denied" if isinstance(err, PermissionError) else (err.strerror or str(err))


def _parse_verified(path: Path, experiment: str, key: str) -> Entry:
    """Read each file of the folder once, check its hash, parse those same bytes.

    The files are opened relative to one open handle of the folder, so all of
    them come from the same folder even if it is renamed meanwhile. Every kind
    of damage — a file where the folder should be, a folder where a file should
    be, a file that cannot be read, bytes that do not match their hash, bytes
    that match but do not parse — is a :class:`CorruptEntry` naming the folder;
    ``FileNotFoundError`` means there is no folder (or a writer moved it away
    while it was read). ``key`` may be a key's first 16 characters, the folder's name.
    """

    def damaged(what: str) -> CorruptEntry:
        return CorruptEntry(f"{path}: {what}", path)

    try:
        dir_fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except FileNotFoundError:
        raise
    except NotADirectoryError:
        if os.path.lexists(path):
            raise damaged("is a file, not an entry folder") from None
        raise FileNotFoundError(f"{path} does not exist") from None
    except OSError as err:
        raise damaged(f"the folder cannot be read ({_reason(err)})") from None
    try:

        def missing(name: str) -> Exception:
            try:
                moved = os.stat(path).st_ino != os.fstat(dir_fd).st_ino
            except FileNotFoundError:
                moved = True
            if moved:  # replaced or deleted by a writer while we read: read again
                return FileNotFoundError(f"{path} changed while being read")
            return damaged(f"{name} is missing" + ("" if name == METADATA_FILE else f" (listed in {METADATA_FILE})"))

        def read(name: str) -> bytes:
            try:
                return _read_at(dir_fd, name)
            except FileNotFoundError:
                raise missing(name) from None
            except IsADirectoryError:
                raise damaged(f"{name} is a folder, not a file") from None
            except OSError as err:
                raise damaged(f"{name} cannot be read ({_reason(err)})") from None

        raw_meta = read(METADATA_FILE)
        try:
            metadata = json.loads(raw_meta)
            hashes = metadata["files"]
            if not isinstance(hashes, dict) or not all(isinstance(h, str) for h in hashes.values()):
                raise TypeError("'files' is not an object of hashes")
            sealed = metadata.get("metadata_sha256")
            computed = _metadata_sha256(metadata)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as err:
            raise damaged(f"unreadable {METADATA_FILE} ({type(err).__name__}: {err})") from None
        if sealed is None:
            raise damaged(f"{METADATA_FILE} has no metadata_sha256 (damaged, or not written by this store)")
        if sealed != computed:
            raise damaged(f"{METADATA_FILE} does not match its metadata_sha256 (edited or damaged)")
        stored_key = metadata.get("key")
        if (
            not isinstance(stored_key, str)
            or not stored_key.startswith(key)
            or len(stored_key) != 64
            or metadata.get("experiment") != experiment
        ):
            raise damaged(
                f"holds key {stored_key!r} of {metadata.get('experiment')!r}, expected {key!r} of {experiment!r}"
            )
        if RESULT_FILE not in hashes or not set(hashes) <= {RESULT_FILE, ARRAYS_FILE}:
            raise damaged(
                f"{METADATA_FILE} lists {sorted(hashes)}, expected {RESULT_FILE} and optionally {ARRAYS_FILE}"
            )
        raw = {}
        for name, expected in hashes.items():
            raw[name] = read(name)
            if hashlib.sha256(raw[name]).hexdigest() != expected:
                raise damaged(f"{name} does not match its sha256 in {METADATA_FILE}")
    finally:
        os.close(dir_fd)
    try:
        result = json.loads(raw[RESULT_FILE])
        if not isinstance(result, dict):
            raise TypeError(f"{RESULT_FILE} does not hold an object")
        arrays = {}
        if ARRAYS_FILE in raw:
            with np.load(io.BytesIO(raw[ARRAYS_FILE]), allow_pickle=False) as f:
                arrays = {name: f[name] for name in f.files}
    except (ValueError, TypeError, KeyError, OSError, EOFError, RecursionError, zipfile.BadZipFile) as err:
        # the hashes match, so the writer wrote these bytes: it was not this store
        raise damaged(f"its files match their hashes but do not parse ({type(err).__name__}: {err})") from None
    return Entry(experiment, stored_key, path, result, arrays, metadata)


def unlisted_files(path: Path) -> list[str]:
    """Files in an entry folder that its metadata does not list (ignored by reads)."""
    try:
        listed = set(json.loads((path / METADATA_FILE).read_bytes())["files"])
        return sorted(p.name for p in path.iterdir() if p.name not in listed | {METADATA_FILE})
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _old_copies(parent: Path, key: str) -> list[Path]:
    try:
        return sorted(parent.glob(f"{OLD_PREFIX}{key[:16]}-*")) if parent.is_dir() else []
    except OSError:
        return []


def _intact_copy(parent: Path, experiment: str, key: str) -> Path | None:
    """An ``.old-`` copy of ``key`` that verifies, or None."""
    for candidate in _old_copies(parent, key):
        try:
            _parse_verified(candidate, experiment, key)
            return candidate
        except (FileNotFoundError, CorruptEntry):
            continue
    return None


def read_entry(experiment: str, key: str, root: str | os.PathLike | None = None) -> Entry | None:
    """The entry of ``key``, verified; None if there is none; :class:`CorruptEntry` if damaged.

    Writes nothing. Files the metadata does not list (``.DS_Store``, an editor's
    backup) are ignored. During a replacement (or after a writer died in the
    middle of one) the whole old entry is read from its ``.old-`` folder. A
    damaged entry is an error even where an intact ``.old-`` copy lies beside it
    (the error names the copy, in ``intact_copy``): the next write of the key puts
    the copy in its place.
    """
    path = entry_path(results_root(root), experiment, key)
    if os.path.lexists(path.parent) and not path.parent.is_dir():
        raise CorruptEntry(f"{path.parent}: is a file, not the folder of {experiment!r} entries", path.parent)
    for _ in range(_READ_ATTEMPTS):
        try:
            return _parse_verified(path, experiment, key)
        except FileNotFoundError:
            pass  # no entry, or a writer is replacing it: its old copy, if any
        except CorruptEntry as err:
            copy = _intact_copy(path.parent, experiment, key)
            if copy is None:
                raise
            raise CorruptEntry(f"{err}; an intact copy of it is in {copy}", path, copy) from None
        damage = None
        for candidate in _old_copies(path.parent, key):
            try:
                return _parse_verified(candidate, experiment, key)
            except FileNotFoundError:
                continue  # renamed or deleted by a writer meanwhile
            except CorruptEntry as err:
                damage = damage or err
        if not os.path.lexists(path):
            if damage is not None:
                raise damage  # the entry is missing and its only copy is damaged
            if not _old_copies(path.parent, key):
                return None
        time.sleep(0.001)
    raise CorruptEntry(f"{path}: kept changing while being read ({_READ_ATTEMPTS} attempts)", path)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _settle_old_copy(old: Path, experiment: str, key16: str) -> str | None:
    """Finish an interrupted replacement whose old copy is ``old`` (see the comment above)."""
    final = old.parent / key16
    if not os.path.lexists(final):
        try:
            _parse_verified(old, experiment, key16)
        except (FileNotFoundError, CorruptEntry):
            return None  # a damaged copy stays where it is, for --recompute (status lists it)
        os.rename(old, final)
        return f"restored {final} from {old.name} (its replacement was interrupted)"
    try:
        _parse_verified(final, experiment, key16)
    except FileNotFoundError:
        return None  # a writer is at work: the next write settles it
    except CorruptEntry as damage:
        try:
            _parse_verified(old, experiment, key16)
        except (FileNotFoundError, CorruptEntry):
            return None  # both damaged: both stay, for --recompute (status lists them)
        aside = old.parent / f"{DAMAGED_PREFIX}{key16}-{os.getpid()}-{time.time_ns()}"
        os.rename(final, aside)
        os.rename(old, final)
        return (
            f"restored {final} from its intact copy {old.name}; the damaged entry "
            f"({str(damage).removeprefix(f'{final}: ')}) was moved to {aside}, not deleted"
        )
    shutil.rmtree(old, ignore_errors=True)
    return f"removed {old} (the old copy of a finished replacement; {final} is intact)"


def clean_leftovers(root: str | os.PathLike | None = None, experiment: str | None = None) -> list[str]:
    """Finish what killed writers left (see the comment above); returns what was done, one line
    per folder. Only folders of writers that are no longer running are touched, and the last
    intact copy of an entry is never deleted."""
    root = results_root(root)
    try:
        parents = (
            [root / _check_experiment(experiment)]
            if experiment
            else [p for p in root.glob("*") if p.is_dir() and not p.name.startswith(".")]
        )
    except OSError:
        return []
    done = []
    for parent in parents:
        try:
            names = sorted(p.name for p in parent.iterdir()) if parent.is_dir() else []
        except OSError:
            continue
        if not any(_LEFTOVER.match(name) for name in names):
            continue
        # one process at a time settles an experiment's leftovers (two runs of --jobs 2 may meet here)
        (root / ".locks").mkdir(parents=True, exist_ok=True)
        with FileLock(root / ".locks" / f"store-{parent.name}.lock"):
            for name in names:
                m = _LEFTOVER.match(name)
                p = parent / name
                if m is None or _pid_alive(int(m.group(3))) or not os.path.lexists(p):
                    continue
                if m.group(1) == TEMP_PREFIX:
                    shutil.rmtree(p, ignore_errors=True)
                    done.append(f"removed {p} (an unfinished write)")
                elif (line := _settle_old_copy(p, parent.name, m.group(2))) is not None:
                    done.append(line)
    return done


def leftovers(root: str | os.PathLike | None = None) -> list[Path]:
    """Folders left by interrupted writes (settled by the next write; see :func:`clean_leftovers`)
    and damaged entries set aside (``.damaged-``, never deleted by the store)."""
    root = results_root(root)
    try:
        return sorted(
            p
            for p in root.glob("*/.*")
            if p.is_dir()
            and not p.parent.name.startswith(".")
            and p.name.startswith((TEMP_PREFIX, OLD_PREFIX, DAMAGED_PREFIX))
        )
    except OSError:
        return []


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask (read without changing it where the system tells it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _pause(step: str) -> None:
    """Test hook: $SOLUTIONS_STORE_PAUSE_S seconds before a step of a write (kill tests): before
    every step, or only before the steps named in $SOLUTIONS_STORE_PAUSE_AT (comma-separated)."""
    pause = os.environ.get("SOLUTIONS_STORE_PAUSE_S")
    steps = os.environ.get("SOLUTIONS_STORE_PAUSE_AT")
    if pause and (not steps or step in steps.split(",")):
        time.sleep(float(pause))


def _say(on_note: Callable[[str], None] | None, lines: Iterable[str]) -> None:
    for line in lines:
        if on_note is None:
            print(f"results store: {line}", file=sys.stderr, flush=True)
        else:
            on_note(line)


def write_entry(
    experiment: str,
    config: Any,
    code: str,
    data_hash: str,
    computed: Computed,
    *,
    wall_time_s: float | None = None,
    root: str | os.PathLike | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Entry:
    """Write an entry atomically and return it (as read back, so verified).

    The new entry is written whole into a temporary folder beside the final
    one; an existing entry of the same key is then renamed aside, the new one
    renamed into place, and the old one deleted (see the comment above). A
    kill at any moment leaves the old or the new entry, whole. Folders and files
    get the permissions the umask allows, as ``cp`` would give them. What
    :func:`clean_leftovers` does is told to ``on_note`` (else printed on stderr).
    """
    key = entry_key(experiment, config, code, data_hash)
    root_path = results_root(root)
    final = entry_path(root_path, experiment, key)
    final.parent.mkdir(parents=True, exist_ok=True)
    _say(on_note, clean_leftovers(root_path, experiment))
    try:
        text = json.dumps(computed.result, indent=1, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"result must be JSON-serialisable (finite numbers): {err}") from None
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f"{TEMP_PREFIX}{key[:16]}-{os.getpid()}-"))
    old = final.parent / f"{OLD_PREFIX}{key[:16]}-{os.getpid()}"
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700: readable as the umask allows
        _pause("result")
        (tmp / RESULT_FILE).write_text(text + "\n", encoding="utf-8")
        if computed.arrays:
            _pause("arrays")
            np.savez(tmp / ARRAYS_FILE, **computed.arrays)
        metadata = {
            "key": key,
            "experiment": experiment,
            "config": config_dict(config),
            "code_hash": code,
            "data_hash": data_hash,
            "versions": _versions(),
            "device": computed.device,
            "wall_time_s": wall_time_s,
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
            os.rename(final, old)  # the old entry steps aside, whole
            _pause("between renames")
        except FileNotFoundError:
            pass  # no old entry
        try:
            os.rename(tmp, final)  # atomic on one file system; fails if another writer won
        except OSError:
            if not final.is_dir():
                raise
            # Another writer of the same key renamed first: its entry stands, ours goes.
        _fsync(final.parent)
        _pause("delete old")
    except BaseException:
        if old.exists() and not os.path.lexists(final):
            os.rename(old, final)  # an error (not a kill): put the old entry back
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    entry = read_entry(experiment, key, root)
    if entry is None:
        raise CorruptEntry(f"{final}: written, then not found when read back", final)
    _say(on_note, clean_leftovers(root_path, experiment))  # copies left beside a damaged entry
    return entry


def get_or_compute(
    experiment: str,
    config: Any,
    modules: Iterable[str],
    data_hash: str,
    compute_fn: Callable[[], Computed | dict[str, Any]],
    *,
    root: str | os.PathLike | None = None,
    package: str = "solutions",
    recompute: bool = False,
    command: str | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Entry:
    """The stored entry, or ``compute_fn()`` stored first if there is none.

    What interrupted writes left is settled first (:func:`clean_leftovers`: a
    damaged entry beside an intact copy of it is restored from the copy), and
    what was done is told to ``on_note`` (else printed on stderr). A damaged
    entry is never deleted or recomputed silently: it raises
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
    _say(on_note, clean_leftovers(root, experiment))
    if not recompute:
        try:
            entry = read_entry(experiment, key, root)
        except CorruptEntry as err:
            how = fix_command(command, err) if command else "get_or_compute(..., recompute=True)"
            raise CorruptEntry(
                f"{err}. Nothing was deleted; {'restore' if err.intact_copy else 'recompute'} it with: {how}",
                err.path,
                err.intact_copy,
            ) from None
        if entry is not None:
            return entry
    start = time.perf_counter()
    computed = compute_fn()
    wall = time.perf_counter() - start
    if not isinstance(computed, Computed):
        computed = Computed(result=computed)
    return write_entry(experiment, config, code, data_hash, computed, wall_time_s=wall, root=root, on_note=on_note)


def load_for_book(
    experiment: str,
    config: Any,
    modules: Iterable[str],
    data_hash: str,
    *,
    command: str,
    root: str | os.PathLike | None = None,
    package: str = "solutions",
) -> Entry:
    """The verified entry a page shows; never computes.

    A missing entry raises :class:`MissingResult`, a damaged one
    :class:`CorruptEntry`; both messages name the command that fixes it:
    ``command`` for a missing one (it computes it), ``command --recompute`` for a
    damaged one (or ``command`` where an intact copy is there to restore).
    """
    key = result_key(experiment, config, modules, data_hash, package)
    try:
        entry = read_entry(experiment, key, root)
    except CorruptEntry as err:
        raise CorruptEntry(
            f"{err}. {'Restore' if err.intact_copy else 'Recompute'} it with: {fix_command(command, err)}",
            err.path,
            err.intact_copy,
        ) from None
    if entry is None:
        raise MissingResult(
            f"no result of {experiment!r} for the current code, config and data "
            f"(key {key[:16]}) in {results_root(root)}. Compute it with: {command}"
        )
    return entry


# ---------------------------------------------------------------------------------------------
# Which stored results no longer match the code.


@dataclass(frozen=True)
class StaleReport:
    """Needed keys without a valid entry, and entries no current key needs."""

    missing: tuple[tuple[str, str], ...]  # (experiment, key) needed, no entry: compute them
    corrupt: tuple[tuple[str, str], ...]  # (experiment, key) needed, entry damaged: recompute
    unneeded: tuple[Path, ...]  # entry folders of old code/config/data: delete them
    # Notes that do not make a result wrong: files an entry does not list (ignored by reads),
    # and folders of interrupted writes (cleaned by the next write).
    unlisted: tuple[tuple[Path, tuple[str, ...]], ...] = ()
    leftovers: tuple[Path, ...] = ()
    # What is wrong with each damaged entry (its CorruptEntry: the reason, and any intact copy).
    damage: Mapping[tuple[str, str], CorruptEntry] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt or self.unneeded)


def stale_entries(
    needed: Iterable[tuple[str, str]], root: str | os.PathLike | None = None, *, known: Iterable[tuple[str, str]] = ()
) -> StaleReport:
    """Compare the store with the (experiment, key) pairs the book needs now.

    ``known`` are further current keys that are not needed (results that can be
    run but no page reads): stored, they are neither missing nor "no longer needed".

    Keys come from :func:`result_key` with the current code; a stored entry
    whose key is not among them was made by other code, config or data.
    Writes nothing: folders of interrupted writes and files an entry does not
    list are reported (``leftovers``, ``unlisted``), never removed here. Every
    kind of damage of one entry is reported as that entry's, and the rest are still read.
    """
    root = results_root(root)
    needed = set(needed)
    missing, corrupt, damage = [], [], {}
    for experiment, key in sorted(needed):
        try:
            if read_entry(experiment, key, root) is None:
                missing.append((experiment, key))
        except CorruptEntry as err:
            corrupt.append((experiment, key))
            damage[(experiment, key)] = err
        except OSError as err:  # e.g. an experiment folder that cannot be listed
            path = entry_path(root, experiment, key)
            corrupt.append((experiment, key))
            damage[(experiment, key)] = CorruptEntry(f"{path}: cannot be read ({_reason(err)})", path)
    wanted = {entry_path(root, e, k) for e, k in needed | set(known)}
    try:
        stored = sorted(
            p
            for p in root.glob("*/*")
            if p.is_dir() and not p.name.startswith(".") and not p.parent.name.startswith(".")
        )
    except OSError:
        stored = []
    unneeded = tuple(p for p in stored if p not in wanted)
    unlisted = tuple((p, tuple(names)) for p in stored if (names := unlisted_files(p)))
    return StaleReport(tuple(missing), tuple(corrupt), unneeded, unlisted, tuple(leftovers(root)), damage)
