import sys

import pytest

from solutions.experiments.codehash import ast_fingerprint, code_hash, imported_modules, module_closure, page_modules


def test_comments_docstrings_and_layout_do_not_change_the_fingerprint():
    a = "def f(x):\n    return x + 1\n"
    b = 'def f(x):\n    """Add one."""\n    # why: because\n    return (x\n            + 1)\n'
    assert ast_fingerprint(a) == ast_fingerprint(b)


@pytest.mark.parametrize(
    "edit", ["def f(x):\n    return x + 2\n", "def f(y):\n    return y + 1\n", "def f(x):\n    return x + 1\nG = 0\n"]
)
def test_code_edits_change_the_fingerprint(edit):
    assert ast_fingerprint("def f(x):\n    return x + 1\n") != ast_fingerprint(edit)


@pytest.fixture
def package(tmp_path, monkeypatch):
    pkg = tmp_path / "hashpkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from . import leaf\n")
    (pkg / "sub" / "leaf.py").write_text("X = 1\n")
    (pkg / "top.py").write_text("from .sub import leaf\nimport os\n")
    (pkg / "alone.py").write_text("Y = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield pkg
    for name in [m for m in sys.modules if m.startswith("hashpkg")]:
        del sys.modules[name]


def test_closure_follows_relative_imports(package):
    assert module_closure(["hashpkg.top"], "hashpkg") == {"hashpkg", "hashpkg.top", "hashpkg.sub", "hashpkg.sub.leaf"}
    assert "hashpkg.alone" not in module_closure(["hashpkg.top"], "hashpkg")


def test_hash_changes_only_with_code_in_the_closure(package):
    before = code_hash(["hashpkg.top"], "hashpkg")
    (package / "alone.py").write_text("Y = 3\n")
    assert code_hash(["hashpkg.top"], "hashpkg") == before
    (package / "sub" / "leaf.py").write_text("X = 1  # comment only\n")
    assert code_hash(["hashpkg.top"], "hashpkg") == before
    (package / "sub" / "leaf.py").write_text("X = 2\n")
    assert code_hash(["hashpkg.top"], "hashpkg") != before


def test_page_modules_reads_code_cells_only(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "# T\n\nfrom solutions import render is prose\n\n"
        "```{code-cell} ipython3\n---\ntags: [remove-cell]\n---\n%matplotlib inline\n"
        "from solutions.book.pages import csc413_1c\n```\n"
    )
    assert page_modules(page) == {
        "solutions",
        "solutions.book",
        "solutions.book.pages",
        "solutions.book.pages.csc413_1c",
    }


def test_imported_modules_ignores_other_packages():
    assert imported_modules("import numpy\nfrom os import path\n", "solutions") == set()
