"""How long `make test` takes from a fresh clone, the venv present: the fast tier's goal is 45 s.

    python3 benchmarks/fast_tier_speed.py [--runs 3] [--keep DIR]

Clones the commit checked out here (``git clone``, so only committed files) into a temporary
folder, runs ``make venv`` there (not timed: pip installs from its cache), then times ``make test``
``--runs`` times, each as a first run would be: mypy's cache removed before each (nothing else
``make test`` writes is reused by the next run where ``PYTHONDONTWRITEBYTECODE`` is set). Prints
each run's wall and CPU seconds (``resource.getrusage`` of the children), the median wall time, and
the 15 slowest tests of the last run. The clone is deleted unless ``--keep``.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 45.0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="clone into this (new) folder and keep it")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    clone = args.keep or Path(tempfile.mkdtemp(prefix="fast-tier-")) / "clone"
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        print(f"fresh clone of {ROOT} at {clone}; make venv (not timed) ...", flush=True)
        subprocess.run(["make", "venv"], cwd=clone, check=True, stdout=subprocess.DEVNULL)
        walls, output = [], ""
        for run in range(1, args.runs + 1):
            shutil.rmtree(clone / ".mypy_cache", ignore_errors=True)
            cpu, start = cpu_seconds(), time.perf_counter()
            done = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True)
            wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu
            output = done.stdout + done.stderr
            summary = re.findall(r"=+ (.*(?:passed|failed).*) =+", output)
            walls.append(wall)
            print(
                f"  run {run}: {wall:5.1f} s wall, {cpu:5.1f} s CPU, exit {done.returncode}; "
                f"{summary[-1] if summary else 'no pytest summary'}",
                flush=True,
            )
        print(f"make test from a fresh clone: median {statistics.median(walls):.1f} s wall (goal ≤ {GOAL_S:.0f} s)")
        slowest = re.search(r"=+ slowest 15 durations =+\n(.*?)\n=", output, re.S)
        if slowest:
            print("the last run's 15 slowest tests:\n" + slowest.group(1))
    finally:
        if args.keep is None:
            shutil.rmtree(clone.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
