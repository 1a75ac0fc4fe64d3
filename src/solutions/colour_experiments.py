"""The colourization experiments the book shows, by name, and the command that runs them.

Every run goes through the results store (key: this chapter's training code,
the config, the data hash), so a finished run is never redone, a sweep that was
killed resumes where it stopped (a run in progress resumes from its last epoch),
and the book only reads what is stored::

    python -m solutions.colour_experiments list
    python -m solutions.colour_experiments run cnn unet        # named runs
    python -m solutions.colour_experiments run book            # everything the book needs
    python -m solutions.colour_experiments status              # what is missing or stale

>>> RUNS["unet-b500"].batch_size, RUNS["unet-b500-lr-scaled"].learning_rate
(500, 0.005)
"""

from __future__ import annotations

import argparse
import sys
from functools import cache

from solutions.cifar_horses import (HorseData, HorseTensors, PaletteConfig, cached_palette,
                                   load_horses, to_tensors)
from solutions.colour_training import TrainConfig, summarise, train
from solutions.results_store import (Computed, Entry, get_or_compute, load_for_book, result_key,
                                     results_root, stale_entries)

EXPERIMENT = "colour"
# The code whose results these are; its imports (models, data preparation) are followed.
CODE = ["solutions.colour_training"]
BATCH_SIZES = (5, 10, 20, 50, 100, 200, 500)
LR_SCALED_BATCHES = (10, 500)     # learning rate ∝ batch size, from 0.001 at batch 100
SEEDS = (1, 2)                    # extra seeds of the default UNet: the run-to-run noise
WEIGHTS_KEPT = ("cnn", "unet")    # the trained networks that Part 1(d) probes

RUNS: dict[str, TrainConfig] = {
    "cnn": TrainConfig(model="cnn"),
    "unet": TrainConfig(model="unet"),
    **{f"unet-b{b}": TrainConfig(model="unet", batch_size=b) for b in BATCH_SIZES},
    **{f"unet-b{b}-lr-scaled": TrainConfig(model="unet", batch_size=b, learning_rate=0.001 * b / 100)
       for b in LR_SCALED_BATCHES},
    **{f"unet-seed{s}": TrainConfig(model="unet", seed=s) for s in SEEDS},
}


def command(name: str) -> str:
    return f"python -m solutions.colour_experiments run {name}"


@cache
def data() -> tuple[HorseData, HorseTensors]:
    """The horses and their network-ready tensors (loaded once per process)."""
    horses = load_horses()
    return horses, to_tensors(horses, cached_palette(horses))


def _check(name: str) -> TrainConfig:
    if name not in RUNS:
        raise ValueError(f"name must be one of {sorted(RUNS)}, got {name!r}")
    return RUNS[name]


def run(name: str, device: str = "auto", progress: bool = True) -> Entry:
    """The stored result of run ``name``, training it first if it is not stored."""
    config = _check(name)
    horses, tensors = data()
    key = result_key(EXPERIMENT, config, CODE, horses.sha256)
    checkpoint = results_root() / ".checkpoints" / f"{key[:16]}.pt"

    def compute() -> Computed:
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        result = train(config, tensors, device, progress, checkpoint)
        summary, arrays = summarise(result, tensors, keep_weights=name in WEIGHTS_KEPT)
        return Computed(summary, arrays, result.device)

    entry = get_or_compute(EXPERIMENT, config, CODE, horses.sha256, compute)
    checkpoint.unlink(missing_ok=True)
    return entry


def load(name: str) -> Entry:
    """For pages: the stored result of ``name``; never trains (the error names the command)."""
    horses, _ = data()
    return load_for_book(EXPERIMENT, _check(name), CODE, horses.sha256, command=command(name))


def needed_keys() -> list[tuple[str, str]]:
    """(experiment, key) of every stored result the book needs, for the current code and data."""
    horses, _ = data()
    palette = ("cifar-palette", result_key("cifar-palette", PaletteConfig(), ["solutions.cifar_horses"],
                                           horses.sha256))
    return [palette] + [(EXPERIMENT, result_key(EXPERIMENT, c, CODE, horses.sha256))
                        for c in RUNS.values()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solutions.colour_experiments",
                                     description="Run the colourization experiments into the results store.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the run names and their configs")
    sub.add_parser("status", help="which results are missing or no longer match the code")
    go = sub.add_parser("run", help="train runs that are not stored yet")
    go.add_argument("names", nargs="+", help="run names, or 'book' for every run the book needs")
    go.add_argument("--device", default="auto", help="auto (CUDA if available, else CPU), cpu, cuda")
    go.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, config in RUNS.items():
            print(f"{name:<22} {config}")
        return 0
    if args.command == "status":
        report = stale_entries(needed_keys())
        names = {k: n for n, (_, k) in zip(["palette", *RUNS], needed_keys())}
        for _, key in report.missing + report.corrupt:
            print(f"missing or corrupt: {names[key]}  ->  {command(names[key])}")
        for path in report.unneeded:
            print(f"no longer needed (old code, config or data): {path}")
        print("all results current" if report.ok else "some results are not current")
        return 0 if report.ok else 1
    names = list(RUNS) if args.names == ["book"] else args.names
    unknown = [n for n in names if n not in RUNS]
    if unknown:
        print(f"unknown run name(s) {unknown}; known: {', '.join(RUNS)}", file=sys.stderr)
        return 2
    for name in names:
        entry = run(name, args.device, progress=not args.quiet)
        final = entry.result["final"]
        print(f"{name:<22} val loss {final['val_loss']:.4f}  val acc {final['val_accuracy']:.1f}%  "
              f"{final['seconds']:.0f} s  ({entry.path})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
