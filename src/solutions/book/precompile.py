"""Byte-compile what a book build imports, and nothing else: ``python -m solutions.book.precompile``.

``make book`` installs the packages with ``pip install --no-compile``: byte-compiling every file of
every installed package (torch alone has thousands no page imports) took most of the install.
Importing what a build imports — every page module, the Sphinx extensions of ``_config.yml``,
Jupyter Book, the kernel — writes the ``.pyc`` files of exactly those modules, once, even where
``PYTHONDONTWRITEBYTECODE`` is set (without them each of the build's kernels would compile its
imports again). Prints how many modules it imported.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

# What a build imports besides the page modules: Jupyter Book and the extensions it loads, the
# extensions of _config.yml, the kernel that executes the pages and its inline plots.
BUILD_MODULES = (
    "jupyter_book.cli.main", "jupyter_book.sphinx", "sphinx.cmd.build", "sphinx.builders.html",
    "sphinx.builders.latex", "myst_nb.sphinx_ext", "jupyter_cache", "nbclient", "ipykernel.kernelapp",
    "matplotlib_inline.backend_inline", "sphinx_book_theme", "pydata_sphinx_theme", "sphinx_design",
    "sphinx_togglebutton", "sphinx_copybutton", "sphinx_thebe", "sphinx_comments", "sphinx_exercise",
    "sphinx_external_toc", "sphinx_multitoc_numbering", "sphinx_jupyterbook_latex",
    "sphinxcontrib.bibtex",
    "solutions.cli", "solutions.book.cache_guard", "solutions.book.build_status_hooks",
    "solutions.book.checker_widget", "solutions.book.publishing", "solutions.book.notebooks",
)


def page_modules() -> list[str]:
    """Every module of :mod:`solutions.book.pages`."""
    import solutions.book.pages as pages

    return [f"{pages.__name__}.{m.name}" for m in pkgutil.iter_modules(pages.__path__)]


def main() -> int:
    sys.dont_write_bytecode = False   # this one run writes .pyc files, whatever the environment says
    before = len(sys.modules)
    for name in (*BUILD_MODULES, *page_modules()):
        importlib.import_module(name)
    print(f"precompile: {len(sys.modules) - before} modules imported and byte-compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
