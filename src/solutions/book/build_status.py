"""What a build of the book ran on and how each page was obtained.

Three sources, none typed by hand:

* the jupyter-cache database of the build (``_build/.jupyter_cache``): one record
  per page with the seconds its last execution took and when it was stored; a
  record stored after this build started was executed by this build, an older
  one was served from the cache;
* the results store: for every named colourization run, its key, whether it is
  stored, where and how long it trained, and the pages that read it;
* the running interpreter and machine: versions, CPU model, torch threads, device.

>>> all(runs for runs in PAGE_RUNS.values())
True
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from solutions.book.build_status_hooks import ENV_BUILDER, ENV_CACHE, ENV_STARTED
from solutions.book.declarations import PAGES
from solutions.experiments.codehash import installed_versions

# The stored results each page reads, from the page declarations.
PAGE_RUNS: dict[str, list[str]] = {p.docname: list(p.results) for p in PAGES if p.results}
VERSIONED = ["torch", "numpy", "Sphinx", "jupyter-book", "myst-nb", "jupyter-cache", "matplotlib"]


def versions() -> dict[str, str]:
    """Python and the installed versions of the libraries that build the book."""
    return {"Python": platform.python_version(), **installed_versions(VERSIONED)}


def cpu_model(cpuinfo: str | None = None) -> str:
    """The CPU's model name from /proc/cpuinfo (else platform.processor())."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    for line in cpuinfo.splitlines():
        if line.lower().startswith("model name") and ":" in line:
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


def machine() -> dict[str, object]:
    import torch

    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "system": f"{platform.system()} {platform.release()}",
    }


def find_root(start: Path | None = None) -> Path:
    """The book's root: the first folder upwards from ``start`` holding ``_config.yml``."""
    start = (start or Path.cwd()).resolve()
    for folder in [start, *start.parents]:
        if (folder / "_config.yml").exists():
            return folder
    raise FileNotFoundError(f"no _config.yml in {start} or above")


def cache_dir() -> Path:
    """The build's jupyter-cache folder (told by the build, else ``<root>/_build/.jupyter_cache``)."""
    return Path(os.environ.get(ENV_CACHE) or find_root() / "_build" / ".jupyter_cache")


def build_started() -> datetime | None:
    """When this build started (set by solutions.book.build_status_hooks), None outside a build."""
    value = os.environ.get(ENV_STARTED)
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PageRecord:
    page: str  # source path relative to the book's root
    seconds: float | None  # the execution's duration, as jupyter-cache recorded it
    stored: datetime  # when the executed notebook was stored (UTC)
    this_build: bool  # stored after this build started: executed by this build


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def page_records(cache: Path, root: Path, started: datetime | None) -> list[PageRecord]:
    """One record per cached page, sorted by path; empty if there is no cache yet."""
    if not (cache / "global.db").exists():
        return []
    from jupyter_cache import get_cache

    records = []
    for record in get_cache(str(cache)).list_cache_records():
        path = Path(record.uri).resolve()
        try:
            page = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            page = path.as_posix()
        stored = _utc(record.created)
        records.append(
            PageRecord(
                page, (record.data or {}).get("execution_seconds"), stored, started is not None and stored >= started
            )
        )
    return sorted(records, key=lambda r: r.page)


@dataclass(frozen=True)
class RunRecord:
    name: str
    experiment: str
    key: str
    stored: bool
    device: str | None
    wall_time_s: float | None
    pages: list[str]


def run_records() -> list[RunRecord]:
    """Every stored result the book reads, from the entries' metadata (not re-verified here:
    the pages that read them verify every file's hash)."""
    from solutions.experiments import registry
    from solutions.experiments.store import entry_path, results_root

    out = []
    for name, (experiment, key) in registry.needed_keys().items():
        meta_file = entry_path(results_root(), experiment, key) / "metadata.json"
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        pages = [p for p, runs in PAGE_RUNS.items() if name in runs]
        out.append(RunRecord(name, experiment, key, bool(meta), meta.get("device"), meta.get("wall_time_s"), pages))
    return out


def _short(docname: str) -> str:
    """A page's short name for a narrow column: its answer id without the course ("2c", "q4"),
    else its values module ("csc413_data")."""
    page = next((p for p in PAGES if p.docname == docname), None)
    if page is None:
        return docname
    return page.answer_id.split("-", 1)[1] if page.answer_id else page.module or docname


def _page_link(page: str) -> str:
    return page.removesuffix(".md").removesuffix(".ipynb")


def values() -> dict[str, object]:
    """The glued values of the build-status page."""
    from solutions.book.render import markdown_table
    from solutions.experiments import registry

    root = find_root()
    started = build_started()
    records = page_records(cache_dir(), root, started)
    runs = run_records()
    horses = registry.horses()
    v, m = versions(), machine()
    page_rows = [
        [
            f"`{_page_link(r.page)}`",
            "—" if r.seconds is None else f"{r.seconds:.1f}",
            r.stored.strftime("%Y-%m-%d %H:%M:%S"),
            "executed" if r.this_build else "cache",
        ]
        for r in records
    ]
    run_rows = [
        [
            f"`{r.name}`",
            r.experiment,
            f"`{r.key[:16]}`",
            "yes" if r.stored else "**missing**",
            r.device or "—",
            "—" if r.wall_time_s is None else f"{r.wall_time_s:.0f}",
            ", ".join(_short(p) for p in r.pages) or "—",
        ]
        for r in runs
    ]
    executed = [r for r in records if r.this_build]
    return {
        "bs_started": started.strftime("%Y-%m-%d %H:%M:%S UTC") if started else "outside a build",
        "bs_builder": os.environ.get(ENV_BUILDER, "none"),
        "bs_pages_table": markdown_table(["page", "execution (s)", "stored (UTC)", "this build"], page_rows),
        "bs_n_pages": len(records),
        "bs_n_executed": len(executed),
        "bs_n_cached": len(records) - len(executed),
        "bs_exec_seconds": round(sum(r.seconds or 0.0 for r in records), 1),
        "bs_runs_table": markdown_table(
            ["run", "experiment", "key", "stored", "trained on", "training (s)", "read by"], run_rows
        ),
        "bs_n_runs": len(runs),
        "bs_n_missing": sum(not r.stored for r in runs),
        "bs_train_seconds": round(sum({r.key: r.wall_time_s or 0.0 for r in runs}.values())),
        "bs_versions_table": markdown_table(["software", "version"], [[k, s] for k, s in v.items()]),
        "bs_python": v["Python"],
        "bs_torch": v["torch"],
        "bs_sphinx": v["Sphinx"],
        "bs_mystnb": v["myst-nb"],
        "bs_cpu": m["cpu"],
        "bs_cores": m["cores"],
        "bs_torch_threads": m["torch_threads"],
        "bs_device": m["device"],
        "bs_system": m["system"],
        "bs_data_sha256": f"`{horses.sha256}`",
        "bs_data_description": horses.description,
    }
