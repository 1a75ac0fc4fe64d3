"""How long the book takes to build: clean, unchanged, and after editing one page's code.

    .venv/bin/python benchmarks/rebuild_speed.py [--page PAGE.md]   (default: the Part 1(c) page)
                                                 [--output DIR] [--toc FILE]

Runs the README's strict build (``jupyter-book build . -W -n --keep-going``) three times
into a separate output folder (a temporary one unless ``--output``; the book's own ``_build``
is left alone):

1. clean: no cache, every page executes;
2. no change: nothing executes (goal ≤ 20 s);
   the goal is at most 20 s;
3. one-page edit: a comment line is added to the first code cell of ``--page`` (jupyter-cache keys
   a page on its code cells, so this is a real change for it); only that page (and the
   build-status page) should execute.

The edited page is restored afterwards. For each build it prints the wall time and the pages
that executed (the "Executed notebook" lines of myst-nb's log).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from solutions.book.declarations import ANSWERS, STATUS_PAGE

ROOT = Path(__file__).resolve().parents[1]
JB = Path(sys.executable).parent / "jupyter-book"
EXECUTED = re.compile(r"^(\S+\.(?:md|ipynb)): Executed notebook in ([\d.]+) seconds", re.M)
EDIT = "# rebuild benchmark: an edit of this cell\n"
GOAL_NO_CHANGE_S = 20.0


def build(output: Path, toc: str | None) -> tuple[float, list[tuple[str, float]], str]:
    cmd = [str(JB), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(output)]
    if toc:
        cmd += ["--toc", toc]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"build failed ({' '.join(cmd)}):\n{log[-4000:]}")
    executed = [(str(Path(p).resolve().relative_to(ROOT)), float(s)) for p, s in EXECUTED.findall(log)]
    return seconds, executed, log


def edit_first_code_cell(text: str) -> str:
    """``text`` with EDIT added at the end of its first ``{code-cell}`` block."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("```{code-cell}"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].rstrip() == "```")
    return "".join(lines[:end] + [EDIT] + lines[end:])


def report(label: str, seconds: float, executed: list[tuple[str, float]]) -> None:
    pages = ", ".join(f"{p} ({s:.1f} s)" for p, s in executed) or "none"
    print(f"{label:<16} {seconds:6.1f} s   executed {len(executed)}: {pages}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default=ANSWERS["csc413-1c"].file, help="the page to edit")
    parser.add_argument("--output", help="output folder (default: a temporary one, removed after)")
    parser.add_argument("--toc", help="another _toc.yml (passed to jupyter-book --toc)")
    args = parser.parse_args(argv)

    output = Path(args.output) if args.output else Path(tempfile.mkdtemp(prefix="rebuild-speed-"))
    page = ROOT / args.page
    original = page.read_text()
    try:
        shutil.rmtree(output / "_build", ignore_errors=True)
        clean = build(output, args.toc)
        report("clean", clean[0], clean[1])
        same = build(output, args.toc)
        report("no change", same[0], same[1])
        page.write_text(edit_first_code_cell(original))
        edited = build(output, args.toc)
        report(f"edit {args.page}", edited[0], edited[1])
    finally:
        page.write_text(original)
        if not args.output:
            shutil.rmtree(output, ignore_errors=True)
    others = sorted({p for p, _ in edited[1]} - {args.page, STATUS_PAGE})
    print(
        f"no-change rebuild {same[0]:.1f} s (goal ≤ {GOAL_NO_CHANGE_S:.0f} s): "
        f"{'met' if same[0] <= GOAL_NO_CHANGE_S else 'MISSED'}"
    )
    print(
        "one-page edit re-executed "
        + ("only the edited page (and the build-status page)" if not others else f"other pages too: {others}")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
