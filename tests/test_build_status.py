"""solutions.build_status: the records the build-status page shows."""

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from solutions import build_status, colour_experiments
from solutions.build_status_hooks import read_last

ROOT = Path(__file__).resolve().parents[1]
TOC = (ROOT / "_toc.yml").read_text()


def test_cpu_model_reads_the_model_name():
    text = "processor\t: 0\nvendor_id\t: X\nmodel name\t: Example CPU 9000 @ 3.00GHz\nflags\t: fpu\n"
    assert build_status.cpu_model(text) == "Example CPU 9000 @ 3.00GHz"
    assert build_status.cpu_model("processor: 0\n")   # falls back to the platform, never empty


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
    assert build_status.page_records(cache_dir, root, None) == []   # no cache yet
    cache = get_cache(str(cache_dir))
    for name, seconds in [("a.ipynb", 1.5), ("b.ipynb", 2.25)]:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = '{name}'")])
        nbformat.write(nb, root / name)
        cache.cache_notebook_file(root / name, check_validity=False,
                                  data={"execution_seconds": seconds})
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    records = build_status.page_records(cache_dir, root, past)
    assert [(r.page, r.seconds, r.this_build) for r in records] == [("a.ipynb", 1.5, True),
                                                                    ("b.ipynb", 2.25, True)]
    assert not any(r.this_build for r in build_status.page_records(cache_dir, root, future))
    assert not any(r.this_build for r in build_status.page_records(cache_dir, root, None))


def test_every_page_of_page_runs_is_in_the_book_and_every_run_is_read():
    for page in build_status.PAGE_RUNS:
        assert f"file: {page}\n" in TOC, page
    read = {run for runs in build_status.PAGE_RUNS.values() for run in runs}
    assert read == {build_status.PALETTE, *colour_experiments.RUNS}


def _page_module_source(page: str) -> str:
    """The source of the page module a page imports, and of solutions.input_transform if used."""
    md = (ROOT / f"{page}.md").read_text()
    module = re.search(r"from solutions\.pages import (\w+)", md).group(1)
    source = (ROOT / "src" / "solutions" / "pages" / f"{module}.py").read_text()
    if "input_transform" in source:
        source += (ROOT / "src" / "solutions" / "input_transform.py").read_text()
    return source


@pytest.mark.parametrize("page", [line.split("file: ")[1] for line in TOC.splitlines()
                                  if "file: book/" in line])
def test_page_runs_lists_exactly_the_pages_that_read_the_store(page):
    """A page whose code loads trained runs is listed with them; a page listed reads the data."""
    source = _page_module_source(page) if page != "book/build-status" else ""
    reads_runs = "colour_experiments.load(" in source
    reads_data = "colour_experiments.data()" in source
    listed = build_status.PAGE_RUNS.get(page, [])
    assert reads_runs == any(r != build_status.PALETTE for r in listed), page
    assert (reads_data or reads_runs) == bool(listed), page
    for name in listed:   # a named run appears in the code, literally or as its pattern
        if name != build_status.PALETTE:
            stem = re.sub(r"\d+", "", name)
            assert (f'"{name}"' in source or any(stem == re.sub(r"\{\w+\}", "", p)
                    for p in re.findall(r'f"(unet-[^"]+)"', source))
                    or name in ("cnn", "unet")), (page, name)


def test_the_status_page_is_read_last():
    docnames = ["book/build-status", "book/conventions", "book/intro"]
    app = type("App", (), {"config": type("C", (), {"solutions_status_page": "book/build-status"})()})()
    read_last(app, None, docnames)
    assert docnames == ["book/conventions", "book/intro", "book/build-status"]
