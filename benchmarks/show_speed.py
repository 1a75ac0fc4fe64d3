"""How long `solutions show answers` takes: computed (an empty cache) and answered from the cache.

    .venv/bin/python benchmarks/show_speed.py [--repeats N]

Each figure is the wall time of the whole command in a fresh process (imports included), the
minimum and the median over the repeats; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = [str(Path(sys.executable).with_name("solutions")), "show", "answers"]


def timed(env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(COMMAND, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "SOLUTIONS_CACHE_DIR": cache}
            cold.append(timed(env))
            warm.append(timed(env))
    load = os.getloadavg()[0]
    for label, xs in (("computed (empty cache)", cold), ("from the cache", warm)):
        print(
            f"solutions show answers, {label}: min {min(xs):.2f} s, median {statistics.median(xs):.2f} s "
            f"({len(xs)} runs, load {load:.2f})"
        )


if __name__ == "__main__":
    main()
