"""The command line: ``solutions list | show ID | run NAME… | status`` (also ``python -m solutions``).

* ``list``: the answer ids and the stored results, with where each is computed;
* ``show ID``: an answer's tables in the terminal, read from the stored results (never trains);
* ``run NAME… | book | all [--jobs N]``: compute stored results that are missing (the only writer
  of ``results/``), N at a time in separate processes;
* ``status``: which stored results are missing, damaged or no longer needed (writes nothing).

Errors are one line on standard error with exit status 2; a closed pipe
(``solutions show … | head``) ends quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


def _list(args: argparse.Namespace) -> int:
    from solutions.book.declarations import PAGES
    from solutions.experiments.registry import RESULTS

    print("Answers (solutions show ID):")
    for p in PAGES:
        if p.answer_id:
            print(f"  {p.answer_id:<11} {p.title}\n  {'':<11} computed in {', '.join(p.computed_in)}; "
                  f"page {p.file}; tested in {', '.join(p.tests)}")
    print("\nStored results (solutions run NAME):")
    for name, r in RESULTS.items():
        print(f"  {name:<22} {r.experiment:<14} {r.config}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from solutions.book.declarations import page
    from solutions.experiments.store import CorruptEntry, MissingResult

    try:
        p = page(args.answer_id)
    except ValueError as err:
        raise CliError(f"unknown answer id {args.answer_id!r}; known ids: "
                       f"{str(err).split('one of ', 1)[1].split(';')[0]}") from None
    try:
        text = p.load().show("text")
    except (MissingResult, CorruptEntry) as err:
        raise CliError(str(err)) from None
    print(f"{p.title}\n(computed in {', '.join(p.computed_in)}; page {p.file})\n")
    print(text)
    return 0


def _summary(name: str, entry) -> str:
    final = entry.result.get("final")
    summary = (f"val loss {final['val_loss']:.4f}  val acc {final['val_accuracy']:.1f}%  "
               f"{final['seconds']:.0f} s  " if final else "")
    return f"{name:<22} {summary}({entry.path})"


def _job_init(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def _job(name: str, device: str) -> str:
    """One run in a worker process; prints a line per epoch, returns the summary line."""
    import time

    from solutions.experiments import registry

    start = time.perf_counter()
    epochs = getattr(registry.ALL_RESULTS[name].config, "epochs", None)

    def on_epoch(e) -> None:
        print(f"  {name}: epoch {e.epoch}/{epochs}  val loss {e.val_loss:.4f}  "
              f"val acc {e.val_accuracy:.1f}%  {e.seconds:.0f} s "
              f"({time.perf_counter() - start:.0f} s in all)", flush=True)

    return _summary(name, registry.run(name, device, progress=False, on_epoch=on_epoch))


def _cost(name: str) -> float:
    """A rough order for parallel jobs, longest first: epochs × (steps + images per step)."""
    from solutions.experiments import registry

    config = registry.ALL_RESULTS[name].config
    batch, epochs = getattr(config, "batch_size", None), getattr(config, "epochs", None)
    if batch is None or epochs is None:
        return 0.0
    return epochs * (5000 / batch * 40 + 5000)   # ~40 images' worth of overhead per step


def _run(args: argparse.Namespace) -> int:
    from solutions.experiments import registry
    from solutions.experiments.training import resolve_device

    try:
        resolve_device(args.device)
    except ValueError as err:
        raise CliError(str(err)) from None
    if args.jobs < 1:
        raise CliError(f"--jobs must be at least 1, got {args.jobs}")
    targets = {"book": list(registry.RESULTS), "all": list(registry.ALL_RESULTS)}
    names = [n for arg in args.names for n in targets.get(arg, [arg])]
    names = list(dict.fromkeys(names))   # once each, in order
    unknown = [n for n in names if n not in registry.ALL_RESULTS]
    if unknown:
        raise CliError(f"unknown result name(s) {', '.join(unknown)}; known: book, all, "
                       f"{', '.join(registry.ALL_RESULTS)}")
    if args.jobs == 1:
        for name in names:
            print(_summary(name, registry.run(name, args.device, progress=not args.quiet)), flush=True)
        return 0

    import concurrent.futures
    import multiprocessing

    if any(registry.ALL_RESULTS[n].experiment == "colour" for n in names):
        registry.run(registry.PALETTE, args.device)      # every training job reads it: first
    todo = []
    for name in names:
        if registry.stored(name):
            print(_summary(name, registry.load(name)), flush=True)
        else:
            todo.append(name)
    todo.sort(key=_cost, reverse=True)
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    print(f"{len(todo)} to compute in {args.jobs} processes, {threads} torch thread(s) each: "
          f"{', '.join(todo) or 'nothing'}", flush=True)
    failed = []
    with concurrent.futures.ProcessPoolExecutor(
            args.jobs, mp_context=multiprocessing.get_context("spawn"),
            initializer=_job_init, initargs=(threads,)) as pool:
        futures = {pool.submit(_job, name, args.device): name for name in todo}
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            try:
                print(future.result(), flush=True)
            except Exception as err:   # one failed run does not stop the others
                failed.append(name)
                print(f"{name:<22} FAILED: {type(err).__name__}: {err}", flush=True)
    if failed:
        raise CliError(f"{len(failed)} run(s) failed: {', '.join(failed)} (see above); nothing "
                       f"was stored for them")
    return 0


def _status(args: argparse.Namespace) -> int:
    from solutions.experiments import registry
    from solutions.experiments.store import stale_entries

    needed = registry.needed_keys()
    report = stale_entries(needed.values())
    names = {key: name for name, (_, key) in needed.items()}
    for _, key in report.missing:
        print(f"missing: {names[key]}  ->  {registry.RESULTS[names[key]].command}")
    for _, key in report.corrupt:
        print(f"damaged: {names[key]}  ->  {registry.RESULTS[names[key]].command}")
    for path in report.unneeded:
        print(f"no longer needed (old code, config or data): {path}")
    print("all results current" if report.ok else "some results are not current")
    return 0 if report.ok else 1


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="solutions", description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the answer ids and the stored results").set_defaults(fn=_list)
    show = sub.add_parser("show", help="print an answer's tables (reads stored results, never trains)")
    show.add_argument("answer_id", help="an id from `solutions list`")
    show.set_defaults(fn=_show)
    run = sub.add_parser("run", help="compute stored results that are missing")
    run.add_argument("names", nargs="+", help="result names from `solutions list`, 'book' (every "
                     "result the book reads) or 'all' (also the seeds no page reads yet)")
    run.add_argument("--device", default="auto", help="auto (CUDA if available, else CPU), cpu, cuda, cuda:N")
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.add_argument("--jobs", type=int, default=1,
                     help="runs computed at once, in separate processes (each with cores/jobs torch "
                          "threads); a lock per run keeps two processes from computing the same one")
    run.set_defaults(fn=_run)
    sub.add_parser("status", help="which stored results are missing or stale (writes nothing)"
                   ).set_defaults(fn=_status)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.fn(args)
    except CliError as err:
        print(f"solutions {args.command}: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`solutions show … | head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
