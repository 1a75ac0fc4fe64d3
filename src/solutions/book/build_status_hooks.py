"""Sphinx extension for the build-status page.

The page reports how the other pages were built, so it must

1. execute again whenever another page is re-read (its own code cells never
   change, so jupyter-cache would otherwise serve the notebook of an old build):
   its cache record is removed and it is marked outdated. A build that re-reads
   nothing else leaves it alone, so a no-change rebuild executes nothing and the
   page still describes the last build that did something;
2. execute after the pages it reports on: Sphinx reads (and myst-nb executes)
   pages in sorted order, so it is moved to the end of the reading list;
3. know when this build started, to tell pages executed in this build from
   pages served by the cache: the start time and the cache folder are passed to
   the page's kernel in environment variables (the kernel inherits them).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from solutions.book.cache_guard import execution_cache_dir
from solutions.book.declarations import STATUS_PAGE

LOGGER = logging.getLogger(__name__)
ENV_STARTED = "SOLUTIONS_BUILD_STARTED"
ENV_CACHE = "SOLUTIONS_BUILD_CACHE"
ENV_BUILDER = "SOLUTIONS_BUILD_BUILDER"


def record_start(app: Sphinx) -> None:
    """``builder-inited``: the start of this build and the cache folder, for the page's kernel."""
    os.environ[ENV_STARTED] = datetime.now(UTC).isoformat(timespec="seconds")
    os.environ[ENV_CACHE] = str(execution_cache_dir(app))
    os.environ[ENV_BUILDER] = app.builder.name


def _purge(cache_dir: Path, path: Path) -> None:
    if not (cache_dir / "global.db").exists():
        return
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    for record in cache.list_cache_records():
        if Path(record.uri).resolve() == path.resolve():
            cache.remove_cache(record.pk)


def always_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: re-execute the status page when any other page is re-read."""
    page = app.config.solutions_status_page
    if page not in env.found_docs:
        return []
    others = (set(added) | set(changed) | set(removed) | set(getattr(env, "solutions_stale_docs", []))) - {
        page
    }  # set by book_cache
    if not others and page not in added and page not in changed:
        return []
    _purge(execution_cache_dir(app), Path(env.doc2path(page)))
    return [] if page in added or page in changed else [page]


def read_last(app: Sphinx, env, docnames: list[str]) -> None:
    """``env-before-read-docs``: the status page is read (executed) after every other page."""
    page = app.config.solutions_status_page
    if page in docnames:
        docnames.remove(page)
        docnames.append(page)


def dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: sphinx-thebe adds its inline configuration script twice (a
    ``const`` declared twice is a JavaScript error on every page); keep the first copy."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        ident = (
            str(getattr(script, "filename", script) or ""),  # None and "" both mean inline
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if ident in seen:
            continue
        seen.add(ident)
        kept.append(script)
    if "script_files" in context:
        context["script_files"] = kept
    # The theme's colour mode: left empty, the theme logs a JavaScript error ("Got invalid theme
    # mode") on a reader's first visit; sphinx-book-theme has no option for it.
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.add_config_value("solutions_status_page", STATUS_PAGE.removesuffix(".md"), "env")
    app.connect("builder-inited", record_start)
    app.connect("env-get-outdated", always_outdated)
    app.connect("env-before-read-docs", read_last)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
