"""The book's cache guard: editing imported code re-executes exactly the pages that use it.

Builds a two-page Jupyter Book in a temporary folder with the real
``solutions.book.cache_guard`` extension, tracking a throwaway package.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
SRC = Path(__file__).resolve().parents[1] / "src"  # this checkout's package, not an installed copy

CONFIG = """\
title: cache test
only_build_toc_files: true
execute:
  execute_notebooks: cache
sphinx:
  extra_extensions: [solutions.book.cache_guard]
  config:
    solutions_tracked_packages: [fakepkg]
    nb_execution_raise_on_error: true
"""
TOC = "format: jb-book\nroot: uses_answer\nchapters:\n  - file: uses_other\n"
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
# {title}

```{{code-cell}} ipython3
from fakepkg.{module} import value
print("value is", value())
```
"""


def build_env(root: Path, **extra: str) -> dict[str, str]:
    return {
        "PYTHONPATH": f"{root}:{SRC}",
        "PATH": str(JUPYTER_BOOK.parent) + ":/usr/bin:/bin",
        "HOME": str(root),
        **extra,
    }


def build_command(root: Path, *flags: str) -> list[str]:
    return [str(JUPYTER_BOOK), "build", str(root / "book"), "-W", *flags]


def build(root: Path) -> dict[str, str]:
    """Build the book; return {page: 'executed' | 'cached'}."""
    out = subprocess.run(build_command(root), env=build_env(root), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    state = {}
    for page in ("uses_answer", "uses_other"):
        if re.search(rf"{page}\.md: Executed notebook", out.stdout):
            state[page] = "executed"
        elif re.search(rf"{page}\.md: Using cached notebook", out.stdout):
            state[page] = "cached"
        else:
            state[page] = "not read"
    return state


def html_text(root: Path, page: str) -> str:
    return (root / "book" / "_build" / "html" / f"{page}.html").read_text()


def make_book(tmp_path: Path) -> Path:
    """The two-page book and its package; returns the package folder."""
    pkg = tmp_path / "fakepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helper.py").write_text("def base():\n    return 1\n")
    (pkg / "answer.py").write_text("from .helper import base\n\ndef value():\n    return base() + 40\n")
    (pkg / "other.py").write_text("def value():\n    return 'other'\n")
    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text(CONFIG)
    (book / "_toc.yml").write_text(TOC)
    (book / "uses_answer.md").write_text(PAGE.format(title="Answer", module="answer"))
    (book / "uses_other.md").write_text(PAGE.format(title="Other", module="other"))
    imported = subprocess.run(
        [sys.executable, "-c", "import solutions; print(solutions.__file__)"],
        env=build_env(tmp_path),
        capture_output=True,
        text=True,
    ).stdout
    assert imported.startswith(str(SRC)), imported  # the build uses this checkout's extension
    return pkg


@pytest.mark.slow
def test_edited_module_re_executes_only_its_pages(tmp_path):
    pkg = make_book(tmp_path)
    assert build(tmp_path) == {"uses_answer": "executed", "uses_other": "executed"}
    assert "value is 41" in html_text(tmp_path, "uses_answer")

    # No change: nothing re-executes (Sphinx does not even re-read the pages).
    assert build(tmp_path) == {"uses_answer": "not read", "uses_other": "not read"}

    # A comment and a docstring change no syntax tree: still nothing re-executes.
    (pkg / "helper.py").write_text('def base():\n    """Doc."""\n    return 1  # one\n')
    assert build(tmp_path) == {"uses_answer": "not read", "uses_other": "not read"}

    # A real edit in a module imported *indirectly* re-executes the page that uses it, only it.
    (pkg / "helper.py").write_text("def base():\n    return 2\n")
    assert build(tmp_path) == {"uses_answer": "executed", "uses_other": "not read"}
    assert "value is 42" in html_text(tmp_path, "uses_answer")


def test_the_all_answers_page_is_keyed_on_the_answer_pages_text(tmp_path):
    # it shows the first paragraph of every answer box: an edited box must re-execute it
    from types import SimpleNamespace

    from solutions.book.cache_guard import _sources_hash, read_sources
    from solutions.book.declarations import ANSWERS, BY_MODULE

    overview = BY_MODULE["all_answers"]
    files = read_sources([overview.docname])[overview.docname]
    assert {p.file for p in ANSWERS.values() if p is not overview} <= set(files)
    assert overview.file not in files
    assert read_sources([ANSWERS["csc413-2d"].docname]) == {}  # a page that reads no other page

    app = SimpleNamespace(srcdir=str(tmp_path))
    (tmp_path / "a.md").write_text("Yes: 1.")
    before = _sources_hash(app, ["a.md"])
    (tmp_path / "a.md").write_text("Yes: 2.")
    assert _sources_hash(app, ["a.md"]) != before
