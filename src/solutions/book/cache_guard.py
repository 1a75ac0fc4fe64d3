"""Sphinx extension: re-execute a page when the code it imports changes, and keep every build strict.

jupyter-cache keys a notebook on its code cells only, so editing a module in
``solutions`` would leave a page showing results of the old code. This
extension, listed in ``_config.yml``, runs before Sphinx reads the pages:

1. for each page, it finds the modules of the tracked packages that its code
   cells import, follows their imports, and hashes their syntax trees
   (:func:`solutions.experiments.codehash.code_hash`);
2. for each page declared in :mod:`solutions.book.declarations`, it adds the
   code of the modules the declaration says compute it (a package stands for
   all its modules: the all-answers page is computed by every page module, which
   it imports by name), and the stored results it reads: its own declared
   results and those of every page module among its computing modules. Those
   entries of the results store are read and verified, and their keys and
   metadata hashes (which cover every file's hash) enter the page's hash, so a
   recomputed, changed or damaged entry re-executes the page;
3. where that hash differs from the one recorded for the page, it deletes the
   page's jupyter-cache record and marks the page outdated, so myst-nb
   executes it again.

A stored result a page reads that is missing or damaged stops the build before
any page executes, with one message naming each such result and the command
that fixes it (``solutions run NAME``, or ``… --recompute`` for a damaged one)
and exit status 2, and no Python traceback (``SOLUTIONS_DEBUG=1`` raises it
instead, traceback and all): a build never shows a result the store would not serve.

A page's hash is recorded (``page-code-hashes.json``, inside the jupyter-cache
folder, so clearing the cache clears it too) only after a build that executed
and wrote the page finished without an error and without a warning about it.
Before any page is read, the hashes of the pages this build will re-read are
dropped from the record, so a build killed at any moment leaves them
unrecorded and the next build executes them again.

Strict every time: Sphinx only warns about pages it re-reads, so a page with a
failing cell, a missing glue key or a broken reference would fail one ``-W``
build and pass the next, unchanged one. The pages that caused a warning are
remembered (``page-warnings.json``, written as soon as a warning comes) and
re-read, their cache record deleted, by every later build until one builds
them without a warning. Comment or docstring edits change no hash and
re-execute nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging as std_logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.logging import is_suppressed_warning

from solutions.experiments.codehash import code_hash, page_modules

LOGGER = logging.getLogger(__name__)
RECORD_NAME = "page-code-hashes.json"
WARNED_NAME = "page-warnings.json"
ENV_DEBUG = "SOLUTIONS_DEBUG"


class StoredResultsUnavailable(Exception):
    """Stored results a page reads are missing or damaged (one line each, naming the fix)."""


def execution_cache_dir(app: Sphinx) -> Path:
    """myst-nb's execution cache folder for this build (its setting, else ``<outdir>/../.jupyter_cache``)."""
    configured = getattr(getattr(app.env, "mystnb_config", None), "execution_cache_path", "")
    if not configured:
        configured = getattr(app.config, "nb_execution_cache_path", "")
    return Path(configured or Path(app.outdir).parent / ".jupyter_cache").resolve()


def _load(path: Path, default):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default  # absent or damaged: everything counts as unrecorded (re-executed)


def _save(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    tmp.replace(path)


def page_hashes(app: Sphinx, docnames) -> dict[str, str]:
    """Code hash per page source path, for pages importing a tracked package."""
    hashes: dict[str, str] = {}
    for docname in docnames:
        path = Path(app.env.doc2path(docname)).resolve()
        if path.suffix != ".md":
            continue
        for package in app.config.solutions_tracked_packages:
            modules = page_modules(path, package)
            if modules:
                hashes[str(path)] = hashes.get(str(path), "") + code_hash(modules, package)
    return hashes


def _modules_of(name: str) -> list[str]:
    """``name`` and, for a package, every module in it."""
    import importlib.util
    import pkgutil

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return [name]
    return [name, *(f"{name}.{m.name}" for m in pkgutil.iter_modules(spec.submodule_search_locations))]


def declared_reads(docnames: Iterable[str]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """docname → (the stored results it reads, the modules that compute it), for the declared pages
    among ``docnames``: its own results, and those of the page modules among its modules."""
    from solutions.book.declarations import BY_MODULE, PAGES

    pages_package = "solutions.book.pages."
    by_doc = {p.docname: p for p in PAGES}
    out = {}
    for docname in docnames:
        page = by_doc.get(docname)
        if page is None:
            continue
        modules = sorted({m for name in page.computed_in for m in _modules_of(name)})
        results = set(page.results)
        for m in modules:
            other = BY_MODULE.get(m.removeprefix(pages_package)) if m.startswith(pages_package) else None
            results |= set(other.results) if other else set()
        out[docname] = (tuple(sorted(results)), tuple(modules))
    return out


def read_sources(docnames: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """docname → the page files (relative to the repository) whose text it reads: those of the
    page modules among the modules that compute it, itself apart. The all-answers page shows the
    first paragraph of every answer page's box, so an edited box re-executes it."""
    from solutions.book.declarations import BY_MODULE, PAGES

    pages_package = "solutions.book.pages."
    by_doc = {p.docname: p for p in PAGES}
    out = {}
    for docname in docnames:
        page = by_doc.get(docname)
        if page is None:
            continue
        modules = {m for name in page.computed_in for m in _modules_of(name)}
        files = sorted(
            other.file
            for m in modules
            if m.startswith(pages_package)
            and (other := BY_MODULE.get(m.removeprefix(pages_package))) is not None
            and other.file != page.file
        )
        if files:
            out[docname] = tuple(files)
    return out


def _sources_hash(app: Sphinx, files: Iterable[str]) -> str:
    h = hashlib.sha256()
    for f in files:
        path = Path(app.srcdir) / f
        h.update(f"{f}\n".encode() + (path.read_bytes() if path.exists() else b"(absent)") + b"\n")
    return h.hexdigest()


def stored_digests(names: Iterable[str]) -> dict[str, str]:
    """Each stored result's key and metadata hash, read and verified (every file's hash checked).

    Raises :class:`StoredResultsUnavailable` listing every result that is missing
    or damaged, and the command that fixes each.
    """
    from solutions.experiments import registry
    from solutions.experiments.store import CorruptEntry, MissingResult, fix_command

    digests, problems = {}, []
    for name in sorted(set(names)):
        command = registry.ALL_RESULTS[name].command
        try:
            entry = registry.load(name)
        except MissingResult:
            problems.append(f"{name}: not computed for the current code, config and data. Compute it with: {command}")
            continue
        except CorruptEntry as err:
            what = str(err).split(". ")[0]
            how = "Restore" if err.intact_copy else "Recompute"
            problems.append(f"{name}: damaged ({what}). {how} it with: {fix_command(command, err)}")
            continue
        digests[name] = f"{entry.key}:{entry.metadata['metadata_sha256']}"
    if problems:
        raise StoredResultsUnavailable("\n".join(problems))
    return digests


def _results_hash(names: Iterable[str], digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps([[n, digests[n]] for n in sorted(names)]).encode()).hexdigest()


def _stop(err: Exception) -> None:
    """End the build with a message on stderr and exit status 2 (no traceback), or raise ``err``
    where $SOLUTIONS_DEBUG asks for the traceback."""
    if os.environ.get(ENV_DEBUG, "") not in ("", "0"):
        raise err
    if isinstance(err, StoredResultsUnavailable):
        head = (
            "The book cannot be built: it reads stored results that are not there or not sound.\n"
            "Nothing was executed. Fix each, then build again:"
        )
    else:
        head = "The book cannot be built: the data its stored results are keyed on cannot be loaded:"
    lines = " ".join(str(err).split()) if not isinstance(err, StoredResultsUnavailable) else str(err)
    print(f"\n{head}\n" + "\n".join(f"  {line}" for line in lines.splitlines()), file=sys.stderr, flush=True)
    raise SystemExit(2)


def _purge_cache_records(cache_dir: Path, paths: set[str]) -> int:
    if not paths or not (cache_dir / "global.db").exists():
        return 0
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    removed = 0
    for record in cache.list_cache_records():
        if str(Path(record.uri).resolve()) in paths:
            cache.remove_cache(record.pk)
            removed += 1
    return removed


class _WarningRecorder(std_logging.Handler):
    """Remembers which pages caused a warning (or error) in this build, on disk at once."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(level=std_logging.WARNING)
        self.app = app
        self.warned: set[str] = set()

    def _docname(self, record: std_logging.LogRecord) -> str | None:
        env = self.app.env
        location = getattr(record, "location", None)
        if isinstance(location, tuple):
            location = location[0]
        elif isinstance(location, nodes.Node):
            location = get_source_line(location)[0]
        if isinstance(location, str) and location:
            if location in env.found_docs:
                return location
            path = location.rsplit(":", 1)[0] if not Path(location).exists() else location
            docname = env.path2doc(path)
            if docname:
                return docname
        return env.temp_data.get("docname") if env is not None else None

    def emit(self, record: std_logging.LogRecord) -> None:
        if is_suppressed_warning(
            getattr(record, "type", None),  # type: ignore[arg-type]
            getattr(record, "subtype", None),  # type: ignore[arg-type]
            self.app.config.suppress_warnings,
        ):
            return
        try:
            docname = self._docname(record)
        except Exception:  # never let bookkeeping break the build's logging
            docname = None
        if docname and docname not in self.warned:
            self.warned.add(docname)
            record_file = execution_cache_dir(self.app) / WARNED_NAME
            _save(record_file, sorted(set(_load(record_file, [])) | self.warned))


def mark_stale_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """``env-get-outdated`` handler: pages whose imported code changed, or that warned last time."""
    cache_dir = execution_cache_dir(app)
    record_file = cache_dir / RECORD_NAME
    recorded = _load(record_file, {})
    current = page_hashes(app, env.found_docs)
    reads = declared_reads(env.found_docs)
    if any(names for names, _ in reads.values()):
        from solutions.experiments.data import ChecksumError, DataError, MissingDataFile

        try:
            digests = stored_digests(n for names, _ in reads.values() for n in names)
        except (StoredResultsUnavailable, DataError, MissingDataFile, ChecksumError) as err:
            _stop(err)
    for docname, (names, modules) in reads.items():
        if not names and not modules:
            continue
        path = str(Path(env.doc2path(docname)).resolve())
        current[path] = (
            current.get(path, "")
            + "+code:"
            + code_hash(modules)
            + "+results:"
            + _results_hash(names, digests if names else {})
        )
    for docname, files in read_sources(env.found_docs).items():
        path = str(Path(env.doc2path(docname)).resolve())
        current[path] = current.get(path, "") + "+sources:" + _sources_hash(app, files)
    stale_paths = {p for p, h in current.items() if recorded.get(p) != h}
    warned = [d for d in _load(cache_dir / WARNED_NAME, []) if d in env.found_docs]
    stale_paths |= {str(Path(env.doc2path(d)).resolve()) for d in warned}
    removed_records = _purge_cache_records(cache_dir, stale_paths)
    stale_docs = [
        d
        for d in env.found_docs
        if str(Path(env.doc2path(d)).resolve()) in stale_paths and d not in added and d not in changed
    ]
    if stale_paths:
        LOGGER.info(
            f"[book_cache] code changed or warnings last time for {len(stale_paths)} "
            f"page(s); removed {removed_records} cache record(s); re-reading {sorted(stale_docs)}"
        )
    # What this build re-reads is recorded again only when it has built it cleanly.
    rereading = {str(Path(env.doc2path(d)).resolve()) for d in set(added) | set(changed)} | stale_paths
    for path in rereading & set(recorded):
        del recorded[path]
    _save(record_file, recorded)
    app.solutions_pending = {p: h for p, h in current.items() if p in rereading}  # type: ignore[attr-defined]
    env.solutions_stale_docs = stale_docs  # read by build_status_hooks (same event, later)
    return stale_docs


def record_built_pages(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: record the hashes of the pages this build executed and wrote cleanly."""
    recorder = app.solutions_warning_recorder  # type: ignore[attr-defined]
    std_logging.getLogger("sphinx").removeHandler(recorder)
    cache_dir = execution_cache_dir(app)
    if exception is not None or not hasattr(app, "solutions_pending"):
        return  # nothing is recorded; the warned pages stay listed
    warned_paths = {str(Path(app.env.doc2path(d)).resolve()) for d in recorder.warned if d in app.env.found_docs}
    record_file = cache_dir / RECORD_NAME
    recorded = _load(record_file, {})
    recorded.update({p: h for p, h in app.solutions_pending.items() if p not in warned_paths})
    _save(record_file, recorded)
    # Every page listed before was re-read in this build: what warned now is all that stays.
    _save(cache_dir / WARNED_NAME, sorted(recorder.warned))


def setup(app: Sphinx) -> dict:
    app.add_config_value("solutions_tracked_packages", ["solutions"], "env")
    app.solutions_warning_recorder = _WarningRecorder(app)  # type: ignore[attr-defined]
    # First among the handlers: under -W, Sphinx's own handler raises on the first warning.
    std_logging.getLogger("sphinx").handlers.insert(0, app.solutions_warning_recorder)  # type: ignore[attr-defined]
    app.connect("env-get-outdated", mark_stale_pages)
    app.connect("build-finished", record_built_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
