"""What ``solutions show`` printed, kept under a key of everything it read, so the same call answers
at once the next time.

Computing a page's text imports torch, loads stored results and analyses them: seconds. The key
(:func:`fingerprint`) is read without any of that: the bytes of every module of the package, of
every page file, of every file under the results folder and of the data file, the library
versions and the settings that choose those files. Any change to any of them is a new key, so a
kept text is only ever served for exactly the inputs it was computed from. A text is written
(atomically, a temporary file renamed) only after it was computed without an error; the cache
never deletes anything, and a cache that cannot be written is skipped.

The folder is ``.cache/solutions`` in the repository (git-ignored), or ``$SOLUTIONS_CACHE_DIR``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # src/solutions/book/ → repository
PACKAGE = ROOT / "src" / "solutions"
ENV_CACHE = "SOLUTIONS_CACHE_DIR"
LIBRARIES = ("torch", "numpy", "scipy", "sympy", "scikit-learn", "matplotlib")
SKIPPED = (".locks", ".checkpoints")  # the store's working folders, not results


def cache_dir() -> Path:
    return Path(os.environ.get(ENV_CACHE) or ROOT / ".cache" / "solutions")


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob(pattern)
        if p.is_file() and not any(part in SKIPPED for part in p.relative_to(folder).parts)
    )


def fingerprint() -> str:
    """One hash of every input a page's text is computed from (see the module's docstring)."""
    from solutions.book.declarations import PAGES
    from solutions.experiments.data import ENV_SOURCE
    from solutions.experiments.store import results_root

    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    for path in _files(PACKAGE, "*.py"):
        add(str(path.relative_to(PACKAGE)), path.read_bytes())
    for page in PAGES:
        path = ROOT / page.file
        add(page.file, path.read_bytes() if path.exists() else b"(absent)")
    results = results_root()
    add("results", str(results.resolve()).encode())
    for path in _files(results):
        add(str(path.relative_to(results)), path.read_bytes())
    source = os.environ.get(ENV_SOURCE, "")
    add("data source", source.encode())
    for path in [Path(source)] if source and Path(source).is_file() else _files(ROOT / "data", "*.npz"):
        add(f"data {path.name}", path.read_bytes())
    for library in LIBRARIES:
        try:
            add(library, importlib.metadata.version(library).encode())
        except importlib.metadata.PackageNotFoundError:
            add(library, b"(absent)")
    add("python", sys.version.encode())
    return h.hexdigest()


def cached(name: str, compute: Callable[[], str]) -> str:
    """The text ``compute()`` gives for ``name``, kept under :func:`fingerprint`."""
    path = cache_dir() / f"{name}-{fingerprint()[:32]}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only or full disk: the text is still shown, just not kept
    return text
