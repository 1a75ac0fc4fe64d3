"""Sphinx extension: re-execute a page when the code it imports changes.

jupyter-cache keys a notebook on its code cells only, so editing a module in
``solutions`` would leave a page showing results of the old code. This
extension, listed in ``_config.yml``, runs before Sphinx reads the pages:

1. for each page, it finds the modules of the tracked packages that its code
   cells import, follows their imports, and hashes their syntax trees
   (:func:`solutions.experiments.codehash.code_hash`);
2. where that hash differs from the one recorded at the page's last build,
   it deletes the page's jupyter-cache record and marks the page outdated, so
   myst-nb executes it again.

The record (``page-code-hashes.json``) lives inside the jupyter-cache folder,
so clearing the cache clears it too. Comment or docstring edits change no hash
and re-execute nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from solutions.experiments.codehash import code_hash, page_modules

LOGGER = logging.getLogger(__name__)
RECORD_NAME = "page-code-hashes.json"


def _cache_dir(app: Sphinx) -> Path:
    configured = getattr(getattr(app.env, "mystnb_config", None), "execution_cache_path", "")
    return Path(configured or Path(app.outdir).parent / ".jupyter_cache").resolve()


def page_hashes(app: Sphinx, docnames) -> dict[str, str]:
    """Code hash per page source path, for pages importing a tracked package."""
    hashes = {}
    for docname in docnames:
        path = Path(app.env.doc2path(docname)).resolve()
        if path.suffix != ".md":
            continue
        for package in app.config.solutions_tracked_packages:
            modules = page_modules(path, package)
            if modules:
                hashes[str(path)] = hashes.get(str(path), "") + code_hash(modules, package)
    return hashes


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


def mark_stale_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """``env-get-outdated`` handler: pages whose imported code changed."""
    cache_dir = _cache_dir(app)
    record_file = cache_dir / RECORD_NAME
    recorded = json.loads(record_file.read_text()) if record_file.exists() else {}
    current = page_hashes(app, env.found_docs)
    stale_paths = {p for p, h in current.items() if recorded.get(p) != h}
    removed_records = _purge_cache_records(cache_dir, stale_paths)
    stale_docs = [d for d in env.found_docs
                  if str(Path(env.doc2path(d)).resolve()) in stale_paths
                  and d not in added and d not in changed]
    if stale_paths:
        LOGGER.info(f"[book_cache] code changed for {len(stale_paths)} page(s); "
                    f"removed {removed_records} cache record(s); re-reading {sorted(stale_docs)}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    env.solutions_stale_docs = stale_docs   # read by build_status_hooks (same event, later)
    recorded.update(current)
    tmp = record_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(recorded, indent=1, sort_keys=True))
    tmp.replace(record_file)
    return stale_docs


def setup(app: Sphinx) -> dict:
    app.add_config_value("solutions_tracked_packages", ["solutions"], "env")
    app.connect("env-get-outdated", mark_stale_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
