"""Mutation testing of the answer code with cosmic-ray (`make mutation`).

    python benchmarks/mutation/run.py [MODULE ...]     # default: every module of MODULES

For each module of ``src/solutions/answers`` it (1) checks that the tests import the checkout's
file and not an installed copy, by planting an obvious fault and requiring the tests to fail;
(2) runs the module's fast tests unmutated (the baseline must pass); (3) lets cosmic-ray mutate
the file in place, mutant by mutant, each judged by the module's tests (TESTS below) through a
warm pytest (forkserver.py); (4) writes the survivors to ``benchmarks/mutation/<module>.txt``
and the scores to ``benchmarks/mutation/scores.json``, and prints the score per module and
overall. The score is killed / (killed + survived); a mutant whose code cannot even be imported
counts as killed (cosmic-ray's "incompetent" outcome never occurs here: the mutants are
syntactically valid). Survivors that are equivalent to the original code are listed, with the
reason, in ``benchmarks/mutation/equivalent.md`` and the README.

Mutants of a type annotation are not run: every module starts with ``from __future__ import
annotations``, so an annotation is stored as a string and never evaluated, and a mutant that only
changes one (``int | None`` -> ``int - None``) is equivalent by construction. ``in_annotation``
decides it from the original source, parsed with ``ast``: a mutant whose position (cosmic-ray's
start and end, line and column) lies inside the annotation of a function argument, a return
annotation or the annotation of an annotated assignment (``x: T = ...``). Such mutants are drawn
into the ``--sample`` like any other (the sample is the same as without this), then marked skipped
before cosmic-ray runs them, and counted apart: "skipped: annotation" in the report,
``"annotation"`` in scores.json, in neither side of the score. A session recorded before this
filter (its annotation mutants run and survived) is sorted the same way by ``--report-only``,
from the source as it is on disk.

``--sample FRACTION`` tests a seeded random fraction of the mutants, drawn from the mutants in
the order of their position in the file (``sample_order``), so the same source gives the same
sample in every run; an edit that adds, removes or moves mutants draws another.

The source file is restored byte for byte afterwards, even when the run is interrupted.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "benchmarks" / "mutation"
WORK = ROOT / "_build" / "mutation"
ANSWERS = ROOT / "src" / "solutions" / "answers"

# Module -> the fast tests that pin its answers (its doctests run too). Files listed first
# run first; with -x a killed mutant stops at the first failure.
TESTS = {
    "counting": ["tests/test_counting.py"],
    "conv_shapes": ["tests/test_conv_shapes.py"],
    "conv_table": ["tests/test_conv_table.py"],
    "alexnet_1x1": ["tests/test_alexnet_1x1.py"],
    "training_memory": ["tests/test_training_memory.py"],
    "finetune_cost": ["tests/test_finetune_cost.py"],
    "label_changing_augmentation": ["tests/test_label_changing_augmentation.py"],
    "bias_variance": ["tests/test_bias_variance.py"],
    "bootstrap": [
        "tests/test_bootstrap.py",
        "tests/test_bias_variance.py",
        "tests/test_label_changing_augmentation.py",
    ],
    "colour_analysis": ["tests/test_colour_analysis.py"],
    "precision_effect": ["tests/test_precision_effect.py"],
    "edge_split": ["tests/test_edge_split.py", "tests/test_colour_analysis.py"],
    "checker": ["tests/test_checker.py", "tests/test_page_widgets.py"],
    "expression": ["tests/test_checker.py"],
}

# Operators left out, for run time, as a regular-expression list (cosmic-ray's operators-filter).
# Replacing an arithmetic operator by a bitwise one (<<, >>, |, &, ^) or by % on the integers
# and floats of this code either raises TypeError or changes the number grossly, so those mutants
# are killed by the same tests as the +/-/*/÷ swaps that are kept; `is`/`is not` for
# `==`/`!=` and the decorator removals (@dataclass(frozen=True), @cache) are left out as well:
# the first compare small ints and strings, the second change no value.
EXCLUDE = [
    r"core/ReplaceBinaryOperator_\w+_(RShift|LShift|BitOr|BitAnd|BitXor|Mod)$",
    r"core/ReplaceComparisonOperator_\w+_(Is|IsNot)$",
    r"core/RemoveDecorator$",
]

PYTEST = ["-x", "-q", "-p", "no:randomly", "--no-header"]  # + pyproject's addopts
TIMEOUT = 300.0


def pytest_args(module: str) -> list[str]:
    tests = TESTS[module]
    return [*PYTEST, *tests, f"src/solutions/answers/{module}.py"]


def client_command(sock: Path, module: str) -> list[str]:
    return [sys.executable, str(HERE / "forkserver.py"), "client", str(sock), "--", *pytest_args(module)]


def run_client(sock: Path, module: str) -> subprocess.CompletedProcess:
    return subprocess.run(client_command(sock, module), cwd=ROOT, capture_output=True, text=True)


def write_config(module: str, sock: Path) -> Path:
    config = WORK / f"{module}.toml"
    command = " ".join(client_command(sock, module))
    excludes = ", ".join(json.dumps(e) for e in EXCLUDE)
    config.write_text(f"""[cosmic-ray]
module-path = "src/solutions/answers/{module}.py"
timeout = {TIMEOUT}
excluded-modules = []
test-command = {json.dumps(command)}

[cosmic-ray.distributor]
name = "local"

[cosmic-ray.filters.operators-filter]
exclude-operators = [{excludes}]
""")
    return config


Position = tuple[int, int]  # (line from 1, column from 0 in characters), as parso and cosmic-ray count
ANNOTATION = "Skipped: a mutated annotation (never evaluated)"  # the work result's output


def annotation_spans(source: str) -> list[tuple[Position, Position]]:
    """The (start, end) of every annotation in ``source``: of a function's arguments (``*args``
    and ``**kwargs`` included), of its return value, and of annotated assignments."""
    lines = source.split("\n")

    def position(row: int, byte_col: int) -> Position:  # ast counts UTF-8 bytes, parso characters
        return row, len(lines[row - 1].encode()[:byte_col].decode())

    annotations = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.arg):
            annotations.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
    return [
        (position(a.lineno, a.col_offset), position(a.end_lineno, a.end_col_offset))
        for a in annotations
        if a is not None
    ]


def in_annotation(spans: list[tuple[Position, Position]], start: Position, end: Position) -> bool:
    """Whether the mutated text from ``start`` to ``end`` lies wholly inside one annotation."""
    return any(low <= tuple(start) and tuple(end) <= high for low, high in spans)


def annotation_jobs(session: Path) -> set[str]:
    """The job ids of the session's mutants that change an annotation only (``in_annotation``),
    judged from each mutated file as it is on disk now, i.e. unmutated."""
    db = sqlite3.connect(session)
    specs = db.execute("""select job_id, module_path, start_pos_row, start_pos_col, end_pos_row,
                                 end_pos_col from mutation_specs""").fetchall()
    db.close()
    spans: dict[str, list] = {}
    jobs = set()
    for job, path, *pos in specs:
        if path not in spans:
            file = Path(path) if Path(path).is_absolute() else ROOT / path
            spans[path] = annotation_spans(file.read_text(encoding="utf-8"))
        if in_annotation(spans[path], (pos[0], pos[1]), (pos[2], pos[3])):
            jobs.add(job)
    return jobs


def outcomes(session: Path) -> dict:
    db = sqlite3.connect(session)
    rows = db.execute("""select s.start_pos_row, s.operator_name, r.worker_outcome, r.test_outcome,
                                r.diff, s.job_id, r.output
                         from mutation_specs s join work_results r using (job_id)
                         order by s.start_pos_row, s.operator_name""").fetchall()
    db.close()
    in_ann = annotation_jobs(session)
    # Annotation mutants of the sample: skipped by skip(), or run in a session recorded before it.
    annotation = [
        r for r in rows if (r[2] == "SKIPPED" and r[6] == ANNOTATION) or (r[2] == "NORMAL" and r[5] in in_ann)
    ]
    ann_jobs = {r[5] for r in annotation}
    tested = [r for r in rows if r[2] == "NORMAL" and r[5] not in ann_jobs]
    killed = [r for r in tested if r[3] in ("KILLED", "INCOMPETENT")]
    survived = [r for r in tested if r[3] == "SURVIVED"]
    return {
        "rows": rows,
        "killed": len(killed),
        "survived": survived,
        "annotation": annotation,
        "skipped": sum(r[2] == "SKIPPED" and r[5] not in ann_jobs for r in rows),
        "other": [r for r in rows if r[2] not in ("NORMAL", "SKIPPED")],
    }


def sample_order(item) -> tuple:
    """A work item's place before sampling: by file, position and operator, so that the seeded
    sample of an unchanged source is the same in every run (cosmic-ray's job ids are random
    UUIDs, new at each ``cosmic-ray init``: ordered by them, each run drew another sample)."""
    return tuple(
        (str(m.module_path), tuple(m.start_pos), tuple(m.end_pos), m.operator_name, m.occurrence)
        for m in item.mutations
    )


def skip(session: Path, fraction: float = 1.0, seed: int = 413) -> None:
    """Mark as skipped the mutants of EXCLUDE's operators and, with ``fraction`` < 1, all but a
    seeded random sample of the rest (``--sample``); then the sampled mutants of annotations,
    with the output ANNOTATION (drawn first, so that the sample is the same as without this).

    The same as cosmic-ray's ``cr-filter-operators`` with the config's operators-filter, but in
    one transaction: that tool commits once per mutant, minutes for a thousand on a busy disk.
    """
    import random
    import re

    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    excluded = re.compile("|".join(f"(?:{e})" for e in EXCLUDE))
    in_ann = annotation_jobs(session)
    with use_db(str(session), WorkDB.Mode.open) as db:
        items = sorted(db.pending_work_items, key=sample_order)
        dropped = {i.job_id for i in items if any(excluded.match(m.operator_name) for m in i.mutations)}
        kept = [i.job_id for i in items if i.job_id not in dropped]
        if fraction < 1.0:
            sampled = set(random.Random(seed).sample(kept, round(fraction * len(kept))))
            dropped |= set(kept) - sampled
        db.set_multiple_results(
            sorted(dropped), WorkResult(output="Filtered operator or not sampled", worker_outcome=WorkerOutcome.SKIPPED)
        )
        annotations = sorted(in_ann - dropped)
        db.set_multiple_results(annotations, WorkResult(output=ANNOTATION, worker_outcome=WorkerOutcome.SKIPPED))


def mutate(module: str, sock: Path, bin_dir: Path, fraction: float = 1.0) -> dict:
    source = ANSWERS / f"{module}.py"
    original = source.read_bytes()
    try:
        # (1) The tests must run this checkout's file: a planted fault must fail them.
        source.write_bytes(original + b"\nraise RuntimeError('planted mutant')\n")
        planted = run_client(sock, module)
        if planted.returncode == 0:
            raise SystemExit(
                f"{module}: a planted fault was not detected -- the tests do not import this checkout's file"
            )
    finally:
        source.write_bytes(original)
    # (2) The unmutated baseline must pass.
    baseline = run_client(sock, module)
    if baseline.returncode != 0:
        raise SystemExit(f"{module}: the tests fail without a mutation:\n{baseline.stdout[-3000:]}")
    config = write_config(module, sock)
    session = WORK / f"{module}.sqlite"
    session.unlink(missing_ok=True)
    start = time.monotonic()
    try:
        subprocess.run([bin_dir / "cosmic-ray", "init", config, session], cwd=ROOT, check=True)
        skip(session, fraction)
        subprocess.run([bin_dir / "cosmic-ray", "exec", config, session], cwd=ROOT, check=True)
    finally:
        if source.read_bytes() != original:
            source.write_bytes(original)
            print(f"{module}: restored the unmutated source", file=sys.stderr)
    result = outcomes(session)
    result["seconds"] = round(time.monotonic() - start)
    return result


def report(module: str, result: dict) -> dict:
    killed, survived = result["killed"], result["survived"]
    total = killed + len(survived)
    score = 100.0 * killed / total if total else 100.0
    lines = [
        f"# Mutation testing of src/solutions/answers/{module}.py (cosmic-ray)",
        f"# tests: {' '.join(pytest_args(module))}",
        f"# killed {killed} of {total} ({score:.1f} %); {len(survived)} survived; "
        f"{len(result['annotation'])} skipped: annotation (never evaluated, in neither count); "
        f"{result['skipped']} filtered out (run.py EXCLUDE, or not in the --sample); {len(result['other'])} not run; "
        f"{result['seconds']} s",
        "",
    ]
    for row, operator, _, _, diff, *_ in survived:
        lines += [f"## survived: line {row}, {operator}", diff or "", ""]
    for row, operator, _, _, _, *_ in result["annotation"]:
        lines += [f"## skipped (annotation): line {row}, {operator}", ""]
    for row, operator, worker, *_ in result["other"]:
        lines += [f"## not run ({worker}): line {row}, {operator}", ""]
    (HERE / f"{module}.txt").write_text("\n".join(lines))
    return {
        "killed": killed,
        "survived": len(survived),
        "total": total,
        "score": round(score, 1),
        "filtered": result["skipped"],
        "annotation": len(result["annotation"]),
        "not_run": len(result["other"]),
        "seconds": result["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules of solutions.answers (default: all)")
    parser.add_argument(
        "--sample",
        type=float,
        default=1.0,
        metavar="FRACTION",
        help="test a seeded random fraction of each module's mutants (an estimate "
        "of the score in a fraction of the time; the reports say so)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite the reports from the sessions in _build/mutation (a run "
        "stopped part-way reports the mutants it tested)",
    )
    args = parser.parse_args(argv)
    # `timeout` or a cancelled job: unwind, so cosmic-ray is killed and the source restored.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    modules = args.modules or list(TESTS)
    unknown = [m for m in modules if m not in TESTS]
    if unknown:
        parser.error(f"modules: unknown {unknown}; known: {', '.join(TESTS)}")
    WORK.mkdir(parents=True, exist_ok=True)
    scores_file = HERE / "scores.json"
    scores = json.loads(scores_file.read_text()) if scores_file.exists() else {}
    if args.report_only:
        for module in modules:
            if (WORK / f"{module}.sqlite").exists():
                result = outcomes(WORK / f"{module}.sqlite")
                old = scores.get(module, {})
                result["seconds"] = old.get("seconds", 0)
                scores[module] = report(module, result)
                if "sample" in old:
                    scores[module]["sample"] = old["sample"]
        scores_file.write_text(json.dumps(scores, indent=2, sort_keys=True) + "\n")
        return summary(scores)
    bin_dir = Path(sys.executable).parent
    sock = WORK / "forkserver.sock"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    os.environ["SOLUTIONS_TEST_TIER"] = "mutation"  # conftest.py: fewer hypothesis examples
    server = subprocess.Popen(
        [sys.executable, str(HERE / "forkserver.py"), "serve", str(sock)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("the fork server did not start")
        for module in modules:
            scores[module] = report(module, mutate(module, sock, bin_dir, args.sample))
            scores[module]["sample"] = args.sample
            scores_file.write_text(json.dumps(scores, indent=2, sort_keys=True) + "\n")
            s = scores[module]
            print(
                f"{module}: {s['score']:.1f} % killed ({s['killed']}/{s['total']}, "
                f"{s['survived']} survived, {s['seconds']} s)",
                flush=True,
            )
    finally:
        server.kill()
        server.wait()
        sock.unlink(missing_ok=True)
    return summary(scores)


def summary(scores: dict) -> int:
    for module, s in scores.items():
        print(f"  {module:30s} {s['score']:5.1f} %  ({s['killed']}/{s['total']})")
    killed = sum(s["killed"] for s in scores.values())
    total = sum(s["total"] for s in scores.values())
    print(f"overall ({len(scores)} modules): {100.0 * killed / total:.1f} % killed ({killed}/{total})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
