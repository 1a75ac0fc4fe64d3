"""Hash code by its syntax tree, and follow imports inside a package.

Used by the book's cache guard (:mod:`solutions.book.cache_guard`) and by anything
keyed on "the code that produced it": a page or a result is stale exactly when
the hash of the modules it depends on changes. Comments, docstrings and
formatting do not enter the hash; everything that can change behaviour does.

>>> ast_fingerprint("x = 1  # a comment") == ast_fingerprint("'Doc.'\\nx = (1)")
True
>>> ast_fingerprint("x = 1") == ast_fingerprint("x = 2")
False
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

# Library versions that change what the same code computes.
VERSIONED_DISTRIBUTIONS = ("torch", "sympy", "numpy")
ABSENT = "absent"  # the version of a distribution that is not installed


def installed_versions(distributions: Iterable[str]) -> dict[str, str]:
    """The installed version of each distribution, ``"absent"`` where it is not installed
    (read from the package metadata: recording a version imports nothing).

    >>> installed_versions(["no-such-distribution-xyz"])
    {'no-such-distribution-xyz': 'absent'}
    """
    out = {}
    for dist in distributions:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = ABSENT
    return out


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
    return tree


@lru_cache(maxsize=1024)  # a pure function of the text: a changed file is a new key
def ast_fingerprint(source: str) -> str:
    """SHA-256 of the source's syntax tree without docstrings (hex)."""
    tree = _strip_docstrings(ast.parse(source))
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode()).hexdigest()


def _module_file(module: str) -> Path | None:
    """The source file of an importable module, or None if it has none."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def imported_modules(source: str, package: str, current: str | None = None) -> set[str]:
    """Modules of ``package`` that ``source`` imports (absolute and relative imports).

    ``from package import name`` resolves to ``package.name`` when that is a
    module, else to ``package`` itself.

    >>> sorted(imported_modules("from solutions.answers import counting\\nimport os", "solutions"))
    ['solutions', 'solutions.answers', 'solutions.answers.counting']
    """
    return set(_imported_modules(source, package, current))


# Keyed by the text, so an edited file is parsed again (one process sees one set of module files).
@lru_cache(maxsize=1024)
def _imported_modules(source: str, package: str, current: str | None) -> frozenset[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and current:
                here = current.split(".")
                path = _module_file(current)
                if path is not None and path.name != "__init__.py":
                    here = here[:-1]  # a plain module's package is its parent
                here = here[: len(here) - (node.level - 1)]
                base = ".".join(here + ([node.module] if node.module else []))
            if not (base == package or base.startswith(package + ".")):
                continue  # outside the package: never looked up (a look-up imports its parents)
            names = [f"{base}.{a.name}" if _module_file(f"{base}.{a.name}") else base for a in node.names]
        else:
            continue
        for name in names:
            if name == package or name.startswith(package + "."):
                # `import a.b.c` also runs a and a.b
                parts = name.split(".")
                found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(found)


def module_closure(modules: Iterable[str], package: str) -> set[str]:
    """``modules`` and every module of ``package`` they import, transitively."""
    todo, seen = list(modules), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue
        seen.add(name)
        todo.extend(imported_modules(path.read_text(encoding="utf-8"), package, name) - seen)
    return seen


def code_hash(modules: Iterable[str], package: str = "solutions") -> str:
    """One hash for ``modules``, everything they import from ``package``, and library versions.

    >>> len(code_hash(["solutions.answers.conv_shapes"]))
    64
    """
    h = hashlib.sha256()
    for name in sorted(module_closure(modules, package)):
        path = _module_file(name)
        if path is not None:  # module_closure keeps only modules with a source file
            h.update(f"{name}:{ast_fingerprint(path.read_text(encoding='utf-8'))}\n".encode())
    for dist, version in installed_versions(VERSIONED_DISTRIBUTIONS).items():
        if version != ABSENT:
            h.update(f"{dist}=={version}\n".encode())
    return h.hexdigest()


_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def page_code(page: Path) -> str:
    """The Python of a MyST text notebook's code cells (magics and front-matter options dropped)."""
    text = page.read_text(encoding="utf-8")
    lines = []
    for cell in _CODE_CELL.findall(text):
        cell_lines = cell.splitlines()
        if cell_lines and cell_lines[0].strip() == "---":  # YAML options block
            end = next((i for i, ln in enumerate(cell_lines[1:], 1) if ln.strip() == "---"), 0)
            cell_lines = cell_lines[end + 1 :]
        lines += [ln for ln in cell_lines if not ln.lstrip().startswith(("%", "!", ":"))]
    return "\n".join(lines)


def page_modules(page: Path, package: str = "solutions") -> set[str]:
    """The modules of ``package`` a page's code cells import (directly)."""
    try:
        return imported_modules(page_code(page), package)
    except SyntaxError:
        return {package}  # cannot tell: depend on the package itself
