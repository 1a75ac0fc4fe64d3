"""The package's three layers: answers < experiments < book < command line.

Imports only go downward (checked twice: by walking every module's syntax tree,
function-level imports included, and by import-linter's contract in
pyproject.toml); only ``solutions.experiments`` writes under ``results/``; the
read-only commands write nothing.
"""

import ast
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "solutions"
LAYERS = {"answers": 0, "experiments": 1, "book": 2, "cli": 3, "__main__": 4}


def _module(path: Path) -> str:
    return ".".join(("solutions", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in a file, at any depth."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return [(line, m) for line, m in out if m.startswith("solutions.")]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    loose = [_module(p) for p in MODULES if _layer(_module(p)) is None and _module(p) != "solutions"]
    assert not loose, f"modules outside answers/, experiments/, book/: {loose}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_imports_only_go_downward(path):
    here = _layer(_module(path))
    upward = [f"line {line}: {m}" for line, m in _imports(path) if here is not None and (_layer(m) or 0) > here]
    assert not upward, f"{_module(path)} (layer {here}) imports from a higher layer: {upward}"


def test_the_walk_sees_function_level_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def g():\n    from solutions.book import render\n")
    assert _imports(f) == [(2, "solutions.book.render")]  # would be an upward import from answers/


def test_import_linter_contract_is_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0 and "1 kept, 0 broken" in run.stdout, run.stdout + run.stderr


@pytest.mark.parametrize("path", [p for p in MODULES if _layer(_module(p)) != 1], ids=lambda p: _module(p))
def test_only_experiments_write_results(path):
    """Outside solutions.experiments no code calls the store's writers or names results/; the
    command line's `run` is the one caller of the runner's computing entry point."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    called = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    writers = {
        c
        for c in called
        if c.split(".")[-1] in ("write_entry", "get_or_compute", "run")
        and ("store" in c or "registry" in c or "runner" in c or c in ("write_entry", "get_or_compute"))
    }
    assert writers <= ({"runner.run"} if _module(path) == "solutions.cli" else set()), writers
    # the build-status page and the show cache read the folder (its files hashed), never write it
    assert "results_root" not in source or _module(path) in ("solutions.book.build_status", "solutions.book.show_cache")


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.mark.slow
def test_read_only_commands_write_nothing(tmp_path, monkeypatch, capsys):
    """`solutions list`, `status` and `show ID` for every id leave a copy of results/ byte for byte."""
    from solutions.book.declarations import ANSWERS
    from solutions.cli import main

    results = tmp_path / "results"
    shutil.copytree(ROOT / "results", results, ignore=shutil.ignore_patterns(".checkpoints"))
    before = _tree_digest(results)
    monkeypatch.setenv("SOLUTIONS_RESULTS_DIR", str(results))
    assert main(["list"]) == 0 and main(["status"]) == 0
    for answer_id in ANSWERS:
        assert main(["show", answer_id]) == 0, answer_id
    capsys.readouterr()
    assert _tree_digest(results) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
