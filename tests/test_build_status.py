"""solutions.book.build_status: the records the build-status page shows."""

import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import FULL

from solutions.book import build_status
from solutions.book.declarations import BY_MODULE, PAGES, ROOT_PAGE
from solutions.experiments import registry
from solutions.book.build_status_hooks import read_last

ROOT = Path(__file__).resolve().parents[1]
TOC = (ROOT / "_toc.yml").read_text()


def test_cpu_model_reads_the_model_name():
    text = "processor\t: 0\nvendor_id\t: X\nmodel name\t: Example CPU 9000 @ 3.00GHz\nflags\t: fpu\n"
    assert build_status.cpu_model(text) == "Example CPU 9000 @ 3.00GHz"
    assert build_status.cpu_model("processor: 0\n")  # falls back to the platform, never empty


def test_versions_name_the_build_tools():
    v = build_status.versions()
    assert set(v) >= {"Python", "torch", "Sphinx", "myst-nb", "jupyter-book", "jupyter-cache"}
    assert v["torch"].startswith("2.13.0")


def test_find_root_walks_up_to_the_config(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "book" / "sub").mkdir(parents=True)
    assert build_status.find_root(tmp_path / "book" / "sub") == tmp_path
    assert build_status.find_root(ROOT / "book") == ROOT


def test_page_records_tell_this_build_from_the_cache(tmp_path):
    from jupyter_cache import get_cache
    import nbformat

    cache_dir, root = tmp_path / "cache", tmp_path / "book"
    root.mkdir()
    assert build_status.page_records(cache_dir, root, None) == []  # no cache yet
    cache = get_cache(str(cache_dir))
    for name, seconds in [("a.ipynb", 1.5), ("b.ipynb", 2.25)]:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = '{name}'")])
        nbformat.write(nb, root / name)
        cache.cache_notebook_file(root / name, check_validity=False, data={"execution_seconds": seconds})
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    records = build_status.page_records(cache_dir, root, past)
    assert [(r.page, r.seconds, r.this_build) for r in records] == [("a.ipynb", 1.5, True), ("b.ipynb", 2.25, True)]
    assert not any(r.this_build for r in build_status.page_records(cache_dir, root, future))
    assert not any(r.this_build for r in build_status.page_records(cache_dir, root, None))


def test_every_page_of_page_runs_is_in_the_book_and_every_result_is_read():
    for page in build_status.PAGE_RUNS:
        assert f"file: {page}\n" in TOC, page
    read = {run for runs in build_status.PAGE_RUNS.values() for run in runs}
    assert read == set(registry.RESULTS)


@pytest.mark.parametrize("page", [p for p in PAGES if p.module], ids=lambda p: p.docname)
def test_a_page_declares_stored_results_exactly_when_its_module_reads_the_store(page):
    source = (ROOT / "src" / "solutions" / "book" / "pages" / f"{page.module}.py").read_text()
    reads = re.findall(r"registry\.(load|data|trained_model|q4_predictions|palette)\(", source)
    assert bool(reads) == bool(page.results) or page.docname == BY_MODULE["build_status"].docname, page


def _clear_every_cache():
    """Empty every ``functools`` cache in the package, so a page reads the store afresh."""
    for name, module in list(sys.modules.items()):
        if name == "solutions" or name.startswith("solutions."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.mark.skipif(not FULL, reason="runs every page that reads the store (the full tier does)")
@pytest.mark.parametrize("page", [p for p in PAGES if p.results], ids=lambda p: p.docname)
def test_a_page_reads_exactly_the_results_it_declares(page, monkeypatch):
    read = set()
    real = registry.load

    def recording(name):
        read.add(name)
        return real(name)

    monkeypatch.setattr(registry, "load", recording)
    _clear_every_cache()  # an earlier test may have computed (and cached) the page already
    page.load().values()
    assert read == set(page.results)


def test_the_status_page_is_read_last():
    docnames = [BY_MODULE["build_status"].docname, BY_MODULE["conventions"].docname, ROOT_PAGE.docname]
    app = type("App", (), {"config": type("C", (), {"solutions_status_page": BY_MODULE["build_status"].docname})()})()
    read_last(app, None, docnames)
    assert docnames == [BY_MODULE["conventions"].docname, ROOT_PAGE.docname, BY_MODULE["build_status"].docname]
