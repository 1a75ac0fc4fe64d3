"""Byte-compile what a book build imports, and nothing else: ``python -m solutions.book.precompile``.

``make book`` installs the packages with ``pip install --no-compile``: byte-compiling every file of
every installed package (torch alone has thousands no page imports) took most of the install.
Importing what a build imports — every page module, the Sphinx extensions of ``_config.yml``,
Jupyter Book, and in a kernel started as the build starts them, what the kernel imports (its
debugger among them) — writes the ``.pyc`` files of exactly those modules, once, even where
``PYTHONDONTWRITEBYTECODE`` is set (without them each of the build's kernels would compile its
imports again). Prints how many modules it imported.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys

# What a build imports besides the page modules: Jupyter Book and the extensions it loads, the
# extensions of _config.yml, the kernel that executes the pages and its inline plots.
BUILD_MODULES = (
    "jupyter_book.cli.main",
    "jupyter_book.sphinx",
    "sphinx.cmd.build",
    "sphinx.builders.html",
    "sphinx.builders.latex",
    "myst_nb.sphinx_ext",
    "jupyter_cache",
    "nbclient",
    "ipykernel.kernelapp",
    "matplotlib_inline.backend_inline",
    "sphinx_book_theme",
    "pydata_sphinx_theme",
    "sphinx_design",
    "sphinx_togglebutton",
    "sphinx_copybutton",
    "sphinx_thebe",
    "sphinx_comments",
    "sphinx_exercise",
    "sphinx_external_toc",
    "sphinx_multitoc_numbering",
    "sphinx_jupyterbook_latex",
    "sphinxcontrib.bibtex",
    "solutions.cli",
    "solutions.book.cache_guard",
    "solutions.book.claims",
    "solutions.book.build_status_hooks",
    "solutions.book.parallel_execution",
    "jupyter_cache.executors.utils",  # what parallel_execution's worker processes run
    "solutions.book.checker_widget",
    "solutions.book.what_if",
    "solutions.book.practice",
    "solutions.book.publishing",
    "solutions.book.notebooks",
)


def page_modules() -> list[str]:
    """Every module of :mod:`solutions.book.pages`."""
    import solutions.book.pages as pages

    return [f"{pages.__name__}.{m.name}" for m in pkgutil.iter_modules(pages.__path__)]


def kernel_imports(modules: list[str]) -> None:
    """Start a kernel as myst-nb does (jupyter_client, the ``python3`` kernel of this interpreter),
    allowed to write .pyc files, and import ``modules`` in it."""
    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    manager, client = start_new_kernel(
        kernel_name="python3", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )  # its start-up notes, not ours
    try:
        reply = client.execute_interactive(
            "\n".join(f"import {m}" for m in modules), timeout=600, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(
                f"precompile: importing the page modules in a kernel failed: "
                f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}"
            )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main() -> int:
    sys.dont_write_bytecode = False  # this one run writes .pyc files, whatever the environment says
    before = len(sys.modules)
    for name in (*BUILD_MODULES, *page_modules()):
        importlib.import_module(name)
    kernel_imports(page_modules())
    print(f"precompile: {len(sys.modules) - before} modules imported and byte-compiled, and a kernel's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
