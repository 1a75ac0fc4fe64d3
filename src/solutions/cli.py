"""The command line: ``solutions list | show ID | run NAME… | status | check ID EXPRESSION``
(also ``python -m solutions``).

* ``list``: the answer ids, the stored results and their groups, with where each is computed;
* ``show ID``: an answer's tables in the terminal, read from the stored results (never trains);
* ``run NAME… | GROUP… [--jobs N] [--recompute] [--precision P]``: compute stored results that
  are missing (the only writer of ``results/``), N at a time in separate processes; a group is
  ``book`` (every result the book reads), ``all`` or one of ``solutions.experiments.names.GROUPS``
  (``sweep``, ``bf16``, …); ``--precision bf16`` runs the bf16 twin of each named colourization run;
* ``status``: which stored results are missing, damaged or no longer needed (writes nothing);
* ``check ID EXPRESSION``: "correct" (exit 0) or the slip the formula makes (exit 1); ``--list``.

A user's error — a bad argument or expression, a missing or damaged result, an unusable data
file, a file the system will not let us read or write, a closed standard output — is one line on
standard error with exit status 2; a closed pipe (``solutions show … | head``) ends quietly.
Anything else is an internal error (a bug): one line saying so, exit status 3, and
``--traceback`` (or ``SOLUTIONS_DEBUG=1``) prints its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Sequence

USER_ERROR, INTERNAL_ERROR = 2, 3
MAX_JOBS = 256  # --jobs: more processes than that is a typo, not a plan
ENV_DEBUG = "SOLUTIONS_DEBUG"


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class _OutputError(Exception):
    """Standard output cannot be written (closed, full, a bad descriptor)."""


class _Guarded:
    """Standard output whose write errors are :class:`_OutputError` (a closed pipe stays
    ``BrokenPipeError``: it ends quietly); characters the encoding lacks are replaced."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except UnicodeEncodeError:
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            return self._stream.write(text.encode(encoding, "replace").decode(encoding))
        except OSError as err:
            raise _OutputError(err) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise _OutputError(err) from None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _jobs(text: str) -> int:
    """``--jobs``: an integer from 1 to MAX_JOBS (argparse reports anything else in one line)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_JOBS}, got {text}")
    return value


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line too (argparse prints the usage block first)."""

    def error(self, message: str):
        if "unrecognized arguments: -" in message:  # an expression such as -NF read as an option
            message += " (an expression that starts with '-' goes after --: solutions check ID -- -NF)"
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _check_device(device: str) -> str:
    """``device`` if this machine has it; else a one-line error saying what to pass."""
    from solutions.experiments.training import resolve_device
    import torch

    try:
        dev = resolve_device(device)
    except ValueError as err:
        raise CliError(str(err)) from None
    if dev.type not in ("cpu", "cuda"):
        raise CliError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise CliError(f"--device {device}: CUDA is not available on this machine; use --device cpu or --device auto")
    if dev.type == "cuda" and (dev.index or 0) >= torch.cuda.device_count():
        raise CliError(
            f"--device {device}: this machine has {torch.cuda.device_count()} CUDA "
            "device(s); use cuda:0 … or --device auto"
        )
    return device


def _device_note(name: str, device: str) -> str | None:
    """A note when ``name`` is already stored from another device than the one asked for."""
    from solutions.experiments import registry
    from solutions.experiments.store import CorruptEntry, MissingResult

    if device == "auto":
        return None
    try:
        stored = str(registry.load(name).metadata.get("device"))
    except (MissingResult, CorruptEntry):
        return None  # nothing sound stored: the run computes (or repairs) it
    if stored.split(":")[0] == device.split(":")[0] and (":" not in device or stored == device):
        return None
    return (
        f"{name}: already stored (computed on {stored}); --device {device} ignored; "
        f"use --recompute to compute it again on {device}"
    )


def _list(args: argparse.Namespace) -> int:
    from solutions.book.declarations import PAGES
    from solutions.experiments.names import GROUP_TITLES, GROUPS
    from solutions.experiments.registry import ALL_RESULTS, RESULTS

    print("Answers (solutions show ID):")
    for p in PAGES:
        if p.answer_id:
            print(
                f"  {p.answer_id:<11} {p.title}\n  {'':<11} computed in {', '.join(p.computed_in)}; "
                f"page {p.file}; tested in {', '.join(p.tests)}"
            )
    print("\nStored results (solutions run NAME):")
    for name, r in RESULTS.items():
        print(f"  {name:<22} {r.experiment:<14} {r.config}")
    print("\nGroups (solutions run GROUP):")
    print(f"  {'book':<22} every stored result above ({len(RESULTS)})")
    print(f"  {'all':<22} those and the runs no page reads yet ({len(ALL_RESULTS)})")
    for group, members in GROUPS.items():
        print(f"  {group:<22} {GROUP_TITLES[group]} ({len(members)})")
    return 0


def _show(args: argparse.Namespace) -> int:
    from solutions.book.declarations import ANSWERS

    if args.answer_id not in ANSWERS:
        raise CliError(f"unknown answer id {args.answer_id!r}; known ids: {', '.join(ANSWERS)}")
    from solutions.book.show_cache import cached

    p = ANSWERS[args.answer_id]
    _check_results_folder()
    text = cached(f"show-{p.answer_id}", lambda: p.load().show("text"))
    print(f"{p.title}\n(computed in {', '.join(p.computed_in)}; page {p.file})\n")
    print(text)
    return 0


def _summary(name: str, entry) -> str:
    final = entry.result.get("final")
    summary = (
        f"val loss {final['val_loss']:.4f}  val acc {final['val_accuracy']:.1f}%  {final['seconds']:.0f} s  "
        if final
        else ""
    )
    return f"{name:<22} {summary}({entry.path})"


def _job_init(threads: int) -> None:
    import torch

    from solutions.experiments.allocator import keep_freed_memory

    torch.set_num_threads(threads)
    keep_freed_memory()  # no page faults for the large tensors of each step (same results)


def _job(name: str, device: str, recompute: bool = False) -> str:
    """One run in a worker process; prints a line per epoch, returns the summary line."""
    import time

    from solutions.experiments import registry, runner

    start = time.perf_counter()
    epochs = getattr(registry.ALL_RESULTS[name].config, "epochs", None)

    def on_epoch(e) -> None:
        print(
            f"  {name}: epoch {e.epoch}/{epochs}  val loss {e.val_loss:.4f}  "
            f"val acc {e.val_accuracy:.1f}%  {e.seconds:.0f} s "
            f"({time.perf_counter() - start:.0f} s in all)",
            flush=True,
        )

    return _summary(name, runner.run(name, device, progress=False, on_epoch=on_epoch, recompute=recompute))


def _cost(name: str) -> float:
    """A rough order for parallel jobs, longest first: epochs × (steps + images per step)."""
    from solutions.experiments import registry

    config = registry.ALL_RESULTS[name].config
    batch, epochs = getattr(config, "batch_size", None), getattr(config, "epochs", None)
    if batch is None or epochs is None:
        return 0.0
    images = len(registry.horses().x_train)  # the training set the run reads
    return epochs * (images / batch * 40 + images)  # ~40 images' worth of overhead per step


def _check_results_folder() -> None:
    """A one-line error when the results folder ($SOLUTIONS_RESULTS_DIR) is not a folder."""
    from solutions.experiments.store import check_folder

    try:
        check_folder()
    except NotADirectoryError as err:
        raise CliError(str(err)) from None


def _check_precisions(names: list[str], device: str) -> None:
    """A one-line error before anything runs if a named run's precision cannot run well here."""
    from solutions.experiments import precision, registry

    by_precision: dict[str, list[str]] = {}
    for n in names:
        if registry.ALL_RESULTS[n].experiment == registry.COLOUR:
            by_precision.setdefault(precision.precision_of(registry.ALL_RESULTS[n].config), []).append(n)
    for p, runs in sorted(by_precision.items()):
        try:
            precision.check_supported(p, device)
        except ValueError as err:
            listed = ", ".join(runs[:3]) + (f" and {len(runs) - 3} more" if len(runs) > 3 else "")
            raise CliError(f"{err} (named: {listed})") from None


def _run(args: argparse.Namespace) -> int:
    from solutions.experiments import names, registry, runner

    _check_device(args.device)
    _check_results_folder()
    targets = {"book": list(registry.RESULTS), "all": list(registry.ALL_RESULTS), **names.GROUPS}
    wanted = [n for arg in args.names for n in targets.get(arg, [arg])]
    wanted = list(dict.fromkeys(wanted))  # once each, in order
    unknown = [n for n in wanted if n not in registry.ALL_RESULTS]
    if unknown:
        raise CliError(
            f"unknown result name(s) {', '.join(unknown)}; known: the groups {', '.join(targets)}; "
            f"the results {', '.join(registry.ALL_RESULTS)} (solutions list)"
        )
    if args.precision is not None:
        try:
            wanted = list(dict.fromkeys(registry.in_precision(n, args.precision) for n in wanted))
        except ValueError as err:  # a run with no twin of that precision: the user's request
            raise CliError(str(err)) from None
    _check_precisions(wanted, args.device)
    if args.jobs == 1:
        from solutions.experiments.allocator import keep_freed_memory

        keep_freed_memory()  # no page faults for the large tensors of each step (same results)
        for name in wanted:
            if not args.recompute and (note := _device_note(name, args.device)):
                print(f"solutions run: {note}", file=sys.stderr)
            entry = runner.run(name, args.device, progress=not args.quiet, recompute=args.recompute)
            print(_summary(name, entry), flush=True)
        return 0

    import concurrent.futures
    import multiprocessing

    if any(registry.ALL_RESULTS[n].experiment == registry.COLOUR for n in wanted):
        runner.run(names.PALETTE, args.device)  # every training job reads it: first
    todo = []
    for name in wanted:
        if not args.recompute and (note := _device_note(name, args.device)):
            print(f"solutions run: {note}", file=sys.stderr)
        if registry.stored(name) and not args.recompute:
            print(_summary(name, registry.load(name)), flush=True)
        else:
            todo.append(name)
    todo.sort(key=_cost, reverse=True)
    jobs = max(1, min(args.jobs, len(todo)))  # no idle processes
    threads = max(1, (os.cpu_count() or 1) // jobs)
    print(
        f"{len(todo)} to compute in {jobs} processes, {threads} torch thread(s) each: {', '.join(todo) or 'nothing'}",
        flush=True,
    )
    if not todo:
        return 0
    failed = []
    with concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_job_init, initargs=(threads,)
    ) as pool:
        futures = {pool.submit(_job, name, args.device, args.recompute): name for name in todo}
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            try:
                print(future.result(), flush=True)
            except Exception as err:  # one failed run does not stop the others
                failed.append(name)
                print(f"{name:<22} FAILED: {type(err).__name__}: {err}", flush=True)
    if failed:
        raise CliError(f"{len(failed)} run(s) failed: {', '.join(failed)} (see above); nothing was stored for them")
    return 0


def _status(args: argparse.Namespace) -> int:
    from solutions.experiments import registry
    from solutions.experiments.store import DAMAGED_PREFIX, fix_command, stale_entries

    _check_results_folder()
    needed = registry.needed_keys()
    report = stale_entries(needed.values(), known=registry.known_keys().values())
    names = {key: name for name, (_, key) in needed.items()}
    for _, key in report.missing:
        print(f"missing: {names[key]}  ->  {registry.RESULTS[names[key]].command}")
    for experiment, key in report.corrupt:
        err = report.damage[(experiment, key)]
        what = str(err).removeprefix(f"{err.path}: ") if err.path else str(err)
        print(f"damaged: {names[key]} ({what})  ->  {fix_command(registry.RESULTS[names[key]].command, err)}")
    for path in report.unneeded:
        print(f"no longer needed (old code, config or data): {path}")
    for path, files in report.unlisted:
        print(f"note: {path} holds files its metadata does not list (ignored): {', '.join(files)}")
    for path in report.leftovers:
        if path.name.startswith(DAMAGED_PREFIX):
            print(
                f"note: {path} is a damaged entry set aside when an intact copy took its place "
                "(never read; delete it when you no longer need it)"
            )
        else:
            print(f"note: {path} was left by an interrupted write (the next `solutions run` of that result settles it)")
    print("all results current" if report.ok else "some results are not current")
    return 0 if report.ok else 1


def _check(args: argparse.Namespace) -> int:
    from solutions.answers import checker

    if args.list:
        print("Checkable answers (solutions check ID EXPRESSION):")
        for ident in checker.IDS:
            c = checker.get(ident)
            accepts = ", ".join(c.symbols) or "numbers only"
            extra = f"; functions {', '.join(c.functions)}" if c.functions else ""
            shape = "; h, w, c separated by commas" if c.kind == "shape" else ""
            print(
                f"  {ident:<30} {c.question}: {c.label}\n  {'':<30} symbols {accepts}{extra}{shape}; "
                f"{len(c.slips)} known slip{'' if len(c.slips) == 1 else 's'}; torch check {c.torch_check}"
            )
        return 0
    if args.check_id is None or args.expression is None:
        raise CliError("give an ID and an expression (solutions check ID EXPRESSION), or --list")
    if args.check_id not in checker.IDS:
        raise CliError(
            f"unknown check id {args.check_id!r}; known ids: {', '.join(checker.IDS)} (solutions check --list)"
        )
    verdict = checker.check(args.check_id, args.expression)  # ExpressionError: a user error
    print(verdict.message)
    return verdict.exit_status


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="solutions", description=__doc__.split("\n\n")[0])
    top.add_argument(
        "--traceback", action="store_true", help=f"on an internal error, print its traceback (also: {ENV_DEBUG}=1)"
    )
    # accepted after the command too (solutions run cnn --traceback)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--traceback", action="store_true", default=argparse.SUPPRESS, help="on an internal error, print its traceback"
    )
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="the answer ids, the stored results and their groups", parents=[common]).set_defaults(
        fn=_list
    )
    show = sub.add_parser(
        "show", help="print an answer's tables (reads stored results, never trains)", parents=[common]
    )
    show.add_argument("answer_id", help="an id from `solutions list`")
    show.set_defaults(fn=_show)
    run = sub.add_parser("run", help="compute stored results that are missing", parents=[common])
    run.add_argument(
        "names",
        nargs="+",
        help="result names or groups from `solutions list`: 'book' "
        "(every result the book reads), 'all' (also the runs no page reads yet), 'sweep' "
        "(the 2(d) batch-size sweep, every seed), 'bf16' (the sweep and the 2(c) CNN in "
        "bf16, every seed), …",
    )
    run.add_argument("--device", default="auto", help="auto (CUDA if available, else CPU), cpu, cuda, cuda:N")
    run.add_argument(
        "--precision",
        choices=("fp32", "bf16", "fp16"),
        default=None,
        help="run the named colourization runs in this precision (their twins of that "
        "precision, e.g. unet-b50 → unet-b50-bf16); default: as named",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bars")
    run.add_argument(
        "--recompute",
        action="store_true",
        help="compute the named results again even if stored (replaces a damaged entry)",
    )
    run.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        help=f"runs computed at once (1 to {MAX_JOBS}), in separate processes (each with "
        "cores/jobs torch threads); a lock per run keeps two processes from computing "
        "the same one",
    )
    run.set_defaults(fn=_run)
    sub.add_parser(
        "status", help="which stored results are missing or stale (writes nothing)", parents=[common]
    ).set_defaults(fn=_status)
    check = sub.add_parser(
        "check", help="check your answer: 'correct' (exit 0), the slip it makes (exit 1)", parents=[common]
    )
    check.add_argument("check_id", nargs="?", help="an id from `solutions check --list`")
    check.add_argument("expression", nargs="?", help="your formula, e.g. '72NF^2 + 9NF*NC' (quote it)")
    check.add_argument("--list", action="store_true", help="the checkable ids and the symbols each accepts")
    check.set_defaults(fn=_check)
    return top


def _user_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that are the user's to fix, each with a one-line message naming the fix."""
    from solutions.answers.expression import ExpressionError
    from solutions.experiments.data import ChecksumError, DataError, MissingDataFile
    from solutions.experiments.store import CorruptEntry, MissingResult

    known: tuple[type[BaseException], ...] = (
        CliError,
        MissingResult,
        CorruptEntry,
        ChecksumError,
        DataError,
        MissingDataFile,
        ExpressionError,
        OSError,
    )
    try:  # imports torch: an error of a broken install is reported, not raised again here
        from solutions.experiments.training import NonFiniteLoss
    except ImportError:
        return known
    return (*known, NonFiniteLoss)


def _say(line: str) -> None:
    if sys.stderr is not None:
        with contextlib.suppress(OSError):  # stderr closed or full: the exit status still tells
            print(line, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    if sys.stderr is None:  # started with stderr closed: diagnostics go nowhere, not to stdout
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (stands for the process's stderr until exit)
    if sys.stdout is None:  # started with stdout closed (solutions list >&-)
        _say("solutions: standard output is closed; nothing can be printed")
        return USER_ERROR
    try:
        args = parser().parse_args(argv)
    except SystemExit as done:  # --help (0) or a usage error, already printed in one line (2)
        return done.code if isinstance(done.code, int) else USER_ERROR
    show_traceback = args.traceback or os.environ.get(ENV_DEBUG, "") not in ("", "0")
    stdout, sys.stdout = sys.stdout, _Guarded(sys.stdout)
    try:
        try:
            status = args.fn(args)
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
            return status
        finally:
            sys.stdout = stdout
    except BrokenPipeError:
        # The reader went away (`solutions show … | head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
        return 0
    except _OutputError as err:
        _say(f"solutions {args.command}: cannot write to standard output ({err})")
        return USER_ERROR
    except KeyboardInterrupt:
        _say(f"solutions {args.command}: interrupted")
        return 130
    except Exception as err:
        message = " ".join(str(err).split()) or type(err).__name__
        if isinstance(err, _user_errors()):
            if show_traceback:
                traceback.print_exc()
            _say(f"solutions {args.command}: {message}")
            return USER_ERROR
        if show_traceback:
            traceback.print_exc()
        _say(
            f"solutions {args.command}: internal error (a bug; please report it): "
            f"{type(err).__name__}: {message}. See where it happened with: "
            f"solutions --traceback {args.command} … (or {ENV_DEBUG}=1)"
        )
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
