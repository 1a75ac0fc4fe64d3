"""The batch-size sweep in bf16 from scratch, timed; then the 2(c) CNN; then their entries installed.

    .venv/bin/python benchmarks/bf16_sweep.py [--into DIR] [--jobs 2] [--no-install]
    .venv/bin/python benchmarks/bf16_sweep.py --install-from DIR   # step 3 alone

Runs, each in an empty results folder of its own (``SOLUTIONS_RESULTS_DIR``; ``--into``, else a new
temporary folder, which is kept for inspection):

1. ``solutions run <the 21 runs of the sweep: 7 batch sizes × 3 seeds> --jobs 2 --precision bf16``
   — from scratch: the palette first, then every run — and prints its wall time (goal ≤ 25 min on
   the 2-core build machine, idle), the machine and its load average before and after;
2. ``solutions run cnn cnn-s1 cnn-s2 --jobs 2 --precision bf16``, timed the same way;
3. unless ``--no-install``: copies the 24 bf16 entries into ``results/`` (each verified first,
   then copied into a temporary folder beside its place and renamed into place, as
   ``solutions.experiments.store`` writes; an entry already there is left as it is), and prints
   ``solutions status``.

Time the sweep on an idle machine: anything else running is in the figure (the load averages say
how much). Nothing here changes a stored fp32 run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from solutions.experiments import registry
from solutions.experiments.names import CNN_SEEDS, GROUPS
from solutions.experiments.precision import native_bf16_cpu
from solutions.experiments.store import ENV_RESULTS, TEMP_PREFIX, entry_path, read_entry, results_root

SOLUTIONS = Path(sys.executable).with_name("solutions")
GOAL_MIN = 25.0


def sweep_names() -> list[str]:
    """The 21 fp32 names of the sweep (7 batch sizes × 3 seeds), in batch order."""
    return list(GROUPS["sweep"])


def cnn_names() -> list[str]:
    return list(CNN_SEEDS)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def timed_run(names: list[str], into: Path, jobs: int, label: str) -> float:
    """``solutions run NAMES --jobs JOBS --precision bf16`` into ``into``; prints and returns its minutes."""
    cmd = [str(SOLUTIONS), "run", *names, "--jobs", str(jobs), "--precision", "bf16", "--quiet"]
    env = {**os.environ, ENV_RESULTS: str(into)}
    print(
        f"\n== {label}: {' '.join(cmd[1:])}\n   SOLUTIONS_RESULTS_DIR={into}; load average before "
        f"(1/5/15 min): {_load()}",
        flush=True,
    )
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    minutes = (time.perf_counter() - start) / 60
    print(
        f"== {label}: {len(names)} runs, --jobs {jobs}, {minutes:.1f} min wall; load average after: {_load()}",
        flush=True,
    )
    return minutes


def install(names: list[str], source: Path, target: Path) -> list[str]:
    """Copy the entries of ``names`` (bf16 names) from the store at ``source`` into ``target``."""
    done = []
    for name in names:
        r = registry.ALL_RESULTS[name]
        key = registry.key(name)
        entry = read_entry(r.experiment, key, source)  # verified: every file against its hash
        if entry is None:
            raise SystemExit(f"{name}: no entry in {source}; nothing installed for it")
        final = entry_path(target, r.experiment, key)
        if read_entry(r.experiment, key, target) is not None:
            done.append(f"{name}: already in {target} (left as it is)")
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f"{TEMP_PREFIX}{key[:16]}-{os.getpid()}-install"
        shutil.copytree(entry.path, tmp)
        os.rename(tmp, final)  # whole or absent
        done.append(f"{name}: installed as {final.relative_to(target.parent)}")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--into", type=Path, help="an empty or new folder for the runs (default: a new temporary folder)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-install", action="store_true", help="leave results/ as it is")
    parser.add_argument(
        "--install-from",
        type=Path,
        help="train nothing: install the bf16 entries of this folder (of an earlier run with --no-install)",
    )
    args = parser.parse_args()
    names = [registry.in_precision(n, "bf16") for n in sweep_names() + cnn_names()]
    if args.install_from:
        for line in install(names, args.install_from, results_root()):
            print(line)
        subprocess.run([str(SOLUTIONS), "status"], check=False)
        return
    into = args.into or Path(tempfile.mkdtemp(prefix="bf16-sweep-"))
    if into.exists() and any(into.iterdir()):
        raise SystemExit(f"--into {into}: not empty (the sweep is timed from scratch)")
    into.mkdir(parents=True, exist_ok=True)
    import torch

    print(
        f"{_cpu()}, {os.cpu_count()} cores, torch {torch.__version__}, bf16 instructions: "
        f"{native_bf16_cpu()}, python {platform.python_version()}",
        flush=True,
    )
    sweep = timed_run(sweep_names(), into, args.jobs, "bf16 sweep from scratch (palette + 7 × 3 runs)")
    cnn = timed_run(cnn_names(), into, args.jobs, "bf16 CNN of 2(c) (3 seeds)")
    print(
        f"\nbf16 sweep from scratch: {sweep:.1f} min wall (goal ≤ {GOAL_MIN:.0f} min: "
        f"{'met' if sweep <= GOAL_MIN else 'NOT met'}); the CNN's seeds: {cnn:.1f} min"
    )
    if args.no_install:
        print(f"not installed (--no-install); the entries are in {into}")
        return
    for line in install(names, into, results_root()):  # results/, or $SOLUTIONS_RESULTS_DIR if set
        print(line)
    subprocess.run([str(SOLUTIONS), "status"], check=False)


if __name__ == "__main__":
    main()
