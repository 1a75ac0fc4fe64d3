"""Sphinx extension: execute the pages a build must execute several at a time, before Sphinx reads them.

myst-nb executes a page while Sphinx reads it, one page after another: on a fresh clone every
page's kernel starts, imports and computes in turn. This extension, listed in ``_config.yml``
after :mod:`solutions.book.cache_guard` and :mod:`solutions.book.build_status_hooks`, runs at
``env-before-read-docs``, once those have decided which pages to read and which cache records
are stale:

1. each page to be read is turned into a notebook by myst-nb's own reader, with the kernel alias
   and page-level settings myst-nb's parser applies; a page that myst-nb would not execute through
   jupyter-cache (another execution mode, an excluded path, a plain Markdown file) is left alone,
   and so is one the cache already holds (jupyter-cache matches it on its code cells);
2. the rest are executed by jupyter-cache's own function (``single_nb_execution``, in the page's
   folder, with the build's timeout and ``allow_errors``), ``solutions_execution_jobs`` at a time
   (``SOLUTIONS_BUILD_JOBS``, else the number of CPUs, at most four), each in a process of its own that starts
   the page's kernel;
3. each page that executed without an error is stored in the cache as myst-nb stores it (the
   same record, with its execution time), and logged as ``PAGE: Executed notebook in S seconds``.

myst-nb then reads every page as before and finds the executed ones in the cache. A page whose
execution failed is not stored: myst-nb executes it again while reading, and reports the failure
its usual way (the build fails). The build-status page is not executed here: it reports the other
pages' executions, so it runs last, while Sphinx reads it. Kernels keep their default threads,
so a page computes what it computes in a serial build.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
ENV_JOBS = "SOLUTIONS_BUILD_JOBS"
# At most this many kernels at once unless asked: each holds torch and the data (several hundred MB).
MAX_DEFAULT = 4


@dataclass
class _Page:
    docname: str
    path: Path
    notebook: object  # nbformat.NotebookNode
    read_fmt: dict | None
    timeout: int | None
    allow_errors: bool
    in_temp: bool


def jobs(app: Sphinx) -> int:
    """How many pages execute at once: the config value, else ``SOLUTIONS_BUILD_JOBS``, else the CPUs
    (at most :data:`MAX_DEFAULT`)."""
    value = app.config.solutions_execution_jobs or os.environ.get(ENV_JOBS) or min(os.cpu_count() or 1, MAX_DEFAULT)
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{ENV_JOBS} (solutions_execution_jobs) must be a whole number, got {value!r}") from None
    if n < 1:
        raise ValueError(f"{ENV_JOBS} (solutions_execution_jobs) must be at least 1, got {n}")
    return n


def _to_execute(app: Sphinx, env, docnames: list[str], cache) -> list[_Page]:
    """The pages of ``docnames`` that myst-nb would execute through jupyter-cache now."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from nbformat import NotebookNode

    status = getattr(app.config, "solutions_status_page", None)  # build_status_hooks': read last, executed then
    out = []
    for docname in docnames:
        if docname == status:
            continue
        path = Path(env.doc2path(docname))
        text = path.read_text(encoding="utf-8")
        nb_config: NbParserConfig = env.mystnb_config
        reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
        if reader is None:
            continue
        notebook: NotebookNode = reader.read(text)
        kernel = notebook.metadata.get("kernelspec", {}).get("name")
        if kernel is not None:
            for rgx, alias in (nb_config.kernel_rgx_aliases or {}).items():
                if re.fullmatch(rgx, kernel):
                    notebook.metadata["kernelspec"]["name"] = alias
                    break
        if nb_config.metadata_key in notebook.metadata:
            overrides = dict(notebook.metadata[nb_config.metadata_key])
            overrides.pop("output_folder", None)
            try:
                nb_config = nb_config.copy(**overrides)
            except Exception:  # myst-nb warns about it while reading the page
                continue
        if nb_config.execution_mode != "cache":
            continue
        posix = PurePosixPath(path.as_posix())
        if any(posix.match(p) for p in nb_config.execution_excludepatterns or ()):
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue  # already executed, for this code
        except KeyError:
            pass
        out.append(
            _Page(
                docname,
                path,
                notebook,
                reader.read_fmt,
                nb_config.execution_timeout,
                nb_config.execution_allow_errors,
                nb_config.execution_in_temp,
            )
        )
    return out


def _execute(notebook_json: str, cwd: str, allow_errors: bool, timeout: int | None, in_temp: bool):
    """Execute one notebook as myst-nb's cache client does; (executed notebook JSON or None, seconds)."""
    import tempfile

    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.reads(notebook_json, as_version=nbformat.NO_CONVERT)
    with tempfile.TemporaryDirectory() as temp:
        result = single_nb_execution(
            notebook, cwd=temp if in_temp else cwd, allow_errors=allow_errors, timeout=timeout, meta_override=True
        )
    if result.err is not None:
        return None, result.time
    return nbformat.writes(notebook), result.time


def execute_ahead(app: Sphinx, env, docnames: list[str]) -> None:
    """``env-before-read-docs``: execute the pages to be read, several at a time, into the cache."""
    n = jobs(app)
    if n < 2:
        return
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from solutions.book.cache_guard import execution_cache_dir

    cache = get_cache(str(execution_cache_dir(app)))
    pages = _to_execute(app, env, docnames, cache)
    if len(pages) < 2:
        return  # nothing to gain: myst-nb executes it while reading
    logger.info(f"executing {len(pages)} pages, {min(n, len(pages))} at a time")
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(n, len(pages)), mp_context=context) as pool:
        futures = {
            pool.submit(
                _execute, nbformat.writes(p.notebook), str(p.path.parent), p.allow_errors, p.timeout, p.in_temp
            ): p
            for p in pages
        }
        for future in concurrent.futures.as_completed(futures):
            page = futures[future]
            try:
                executed, seconds = future.result()
            except Exception as err:  # the pool or the kernel broke: myst-nb executes it again
                logger.info(f"not executed ahead ({type(err).__name__}); executed while read", location=page.docname)
                continue
            if executed is None:
                continue  # failed: myst-nb executes it again while reading and reports the error
            stage = cache.add_nb_to_project(str(page.path), read_data=page.read_fmt)
            cache.cache_notebook_bundle(
                CacheBundleIn(
                    nbformat.reads(executed, as_version=nbformat.NO_CONVERT),
                    stage.uri,
                    data={"execution_seconds": seconds},
                ),
                check_validity=False,
                overwrite=True,
            )
            logger.info(f"Executed notebook in {seconds:.2f} seconds (ahead of reading)", location=page.docname)
    logger.info(f"executed {len(pages)} pages ahead in {time.perf_counter() - start:.1f} s")


def setup(app: Sphinx) -> dict:
    app.add_config_value("solutions_execution_jobs", 0, "")  # no rebuild: it changes no page
    # after build_status_hooks.read_last (priority 500), which moves the status page to the end
    app.connect("env-before-read-docs", execute_ahead, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
