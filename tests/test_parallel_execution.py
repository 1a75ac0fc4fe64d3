"""Pages executed several at a time before Sphinx reads them (solutions.book.parallel_execution).

The build tests make a three-page Jupyter Book in a temporary folder, as tests/test_book_cache.py
does, with the real extension.
"""

import itertools
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from solutions.book import parallel_execution as pe
from test_book_cache import JUPYTER_BOOK, build_env

CONFIG = """\
title: parallel test
only_build_toc_files: true
execute:
  execute_notebooks: cache
sphinx:
  extra_extensions: [solutions.book.cache_guard, solutions.book.parallel_execution]
  config:
    solutions_tracked_packages: [nothing_tracked]
    nb_execution_raise_on_error: true
"""
TOC = "format: jb-book\nroot: p1\nchapters:\n  - file: p2\n  - file: p3\n"
PAGE = """\
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# Page {n}

```{{code-cell}} ipython3
import time
start = time.time()
time.sleep(2)
{extra}print("page {n} ran from", start, "to", time.time())
```
"""


def make_book(root: Path, failing: str | None = None) -> Path:
    book = root / "book"
    book.mkdir()
    (book / "_config.yml").write_text(CONFIG)
    (book / "_toc.yml").write_text(TOC)
    for n in (1, 2, 3):
        extra = "raise RuntimeError('page 3 fails')\n" if failing == f"p{n}" else ""
        (book / f"p{n}.md").write_text(PAGE.format(n=n, extra=extra))
    return book


def build(root: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(root / "book"), "-W"],
        env=build_env(root, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def app(jobs: int = 0) -> SimpleNamespace:
    return SimpleNamespace(config=SimpleNamespace(solutions_execution_jobs=jobs))


def test_jobs_come_from_the_config_then_the_environment(monkeypatch):
    monkeypatch.setenv(pe.ENV_JOBS, "3")
    assert pe.jobs(app(5)) == 5
    assert pe.jobs(app()) == 3
    monkeypatch.delenv(pe.ENV_JOBS)
    assert 1 <= pe.jobs(app()) <= pe.MAX_DEFAULT  # the CPUs, at most four


@pytest.mark.parametrize("value", ["two", "1.5", "0", "-1"])
def test_bad_jobs_name_the_setting(monkeypatch, value):
    monkeypatch.setenv(pe.ENV_JOBS, value)
    with pytest.raises(ValueError, match=pe.ENV_JOBS):
        pe.jobs(app())


@pytest.mark.slow  # three real book builds
def test_pages_execute_two_at_a_time_and_myst_nb_reads_them_from_the_cache(tmp_path):
    make_book(tmp_path)
    out = build(tmp_path, SOLUTIONS_BUILD_JOBS="2")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "executing 3 pages, 2 at a time" in out.stdout
    for n in (1, 2, 3):
        assert re.search(rf"p{n}\.md: Executed notebook in [\d.]+ seconds \(ahead of reading\)", out.stdout)
        assert re.search(rf"p{n}\.md: Using cached notebook", out.stdout)
    spans = []
    for n in (1, 2, 3):
        html = (tmp_path / "book" / "_build" / "html" / f"p{n}.html").read_text()
        start, end = map(float, re.search(rf"page {n} ran from ([\d.]+) to ([\d.]+)", html).groups())
        spans.append((start, end))
    spans.sort()
    assert any(b[0] < a[1] for a, b in itertools.pairwise(spans)), spans  # two pages ran at the same time
    again = build(tmp_path, SOLUTIONS_BUILD_JOBS="2")
    assert again.returncode == 0 and "Executed notebook" not in again.stdout  # nothing to execute


@pytest.mark.slow  # a real book build
def test_one_job_leaves_execution_to_myst_nb(tmp_path):
    make_book(tmp_path)
    out = build(tmp_path, SOLUTIONS_BUILD_JOBS="1")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "ahead of reading" not in out.stdout and "at a time" not in out.stdout
    assert len(re.findall(r"p\d\.md: Executed notebook in", out.stdout)) == 3


@pytest.mark.slow  # a real book build
def test_a_failing_page_fails_the_build_as_it_does_without_the_extension(tmp_path):
    make_book(tmp_path, failing="p3")
    out = build(tmp_path, SOLUTIONS_BUILD_JOBS="2")
    assert out.returncode != 0
    log = out.stdout + out.stderr
    assert "page 3 fails" in log and "p3" in log  # myst-nb executed it again while reading, and said why
    assert not re.search(r"p3\.md: Executed notebook in [\d.]+ seconds \(ahead", out.stdout)
    assert re.search(r"p1\.md: Executed notebook in [\d.]+ seconds \(ahead of reading\)", out.stdout)
