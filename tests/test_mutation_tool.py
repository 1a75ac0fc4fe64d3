"""The mutation-testing tool (`make mutation`, benchmarks/mutation/run.py) covers the answer code.

The run itself takes hours and is the weekly workflow's (.github/workflows/mutation.yml); these
checks are what can go stale between runs: the module -> tests mapping, the weekly workflow's
modules and the documentation.
"""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSWER_MODULES = {
    "counting",
    "conv_shapes",
    "conv_table",
    "alexnet_1x1",
    "training_memory",
    "finetune_cost",
    "label_changing_augmentation",
    "bias_variance",
    "bootstrap",
    "colour_analysis",
    "precision_effect",
    "edge_split",
    "checker",
    "expression",
}


def load_run():
    spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "benchmarks" / "mutation" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_answer_module_has_its_tests():
    run = load_run()
    assert set(run.TESTS) == ANSWER_MODULES
    for module, tests in run.TESTS.items():
        assert (ROOT / "src" / "solutions" / "answers" / f"{module}.py").is_file()
        assert tests and all((ROOT / t).is_file() for t in tests), module
        args = run.pytest_args(module)
        assert args[-1] == f"src/solutions/answers/{module}.py"  # its doctests run too
        assert "-x" in args and "no:randomly" in args


def test_the_operator_filter_keeps_the_arithmetic_and_comparison_swaps():
    excluded = re.compile("|".join(load_run().EXCLUDE))
    for kept in [
        "core/ReplaceBinaryOperator_Mul_Add",
        "core/ReplaceBinaryOperator_Add_Sub",
        "core/ReplaceComparisonOperator_Lt_LtE",
        "core/NumberReplacer",
        "core/AddNot",
        "core/ZeroIterationForLoop",
        "core/ReplaceComparisonOperator_Eq_NotEq",
    ]:
        assert not excluded.match(kept), kept
    for dropped in [
        "core/ReplaceBinaryOperator_Mul_BitXor",
        "core/ReplaceComparisonOperator_Eq_Is",
        "core/RemoveDecorator",
    ]:
        assert excluded.match(dropped), dropped


def test_contributing_documents_the_command_and_the_scores_have_their_readme():
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "## Mutation testing" in guide and "make mutation" in guide
    assert (ROOT / "benchmarks" / "mutation" / "README.md").is_file()


def test_the_tests_run_whole_and_the_weekly_workflow_covers_every_module():
    """The slow tests that kill mutants run too: the tool selects no marker (neither do pyproject's addopts)."""
    run = load_run()
    for module in run.TESTS:
        assert "-m" not in run.pytest_args(module)
    assert " -m " not in (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("addopts", 1)[1].split("\n", 1)[0]
    workflow = (ROOT / ".github" / "workflows" / "mutation.yml").read_text(encoding="utf-8")
    matrix = re.search(r"module: \[([^\]]*)\]", workflow).group(1)
    assert {m.strip() for m in matrix.split(",")} == set(run.TESTS)


def test_the_annotation_detector_by_hand():
    """Positions are (line from 1, column from 0 in characters), cosmic-ray's; counted by hand."""
    run = load_run()
    source = (
        "from __future__ import annotations\n"  # line 1
        "def f(x: int | None, *a: str, **k: float) -> int:\n"  # line 2
        "    y: list[int] = [1 | 2]\n"  # line 3
        "    return x | 0\n"  # line 4
        "def g(s='é', t: 'é' | bool = 1 | 2):\n"  # line 5: a non-ASCII default first
        "    pass\n"
    )
    spans = run.annotation_spans(source)
    inside = run.in_annotation
    # Line 2: "def f(x: " is 9 characters, so `int` is columns 9-12 and the `|` of `int | None`
    # is column 13 to 14; `str` starts at column 25 ("def f(x: int | None, *a: " is 6 + 3 + 10
    # + 2 + 4 = 25 long),
    # `float` at 35, and the return annotation `int` at 45 (the line is 50 long with its colon).
    assert inside(spans, (2, 13), (2, 14))
    assert inside(spans, (2, 9), (2, 12))
    assert inside(spans, (2, 25), (2, 28))
    assert inside(spans, (2, 35), (2, 40))
    assert inside(spans, (2, 45), (2, 48))
    assert not inside(spans, (2, 4), (2, 5))  # the name `f`
    assert not inside(spans, (2, 12), (2, 20))  # runs past the end of `int | None` (column 19)
    # Line 3: `list[int]` (columns 7-16) is an AnnAssign's annotation; `1 | 2` (its `|` at 22) is
    # the value, not an annotation.
    assert inside(spans, (3, 12), (3, 15))
    assert not inside(spans, (3, 22), (3, 23))
    # Line 4, the body: `x | 0`'s `|` is column 13.
    assert not inside(spans, (4, 13), (4, 14))
    # Line 5: ast counts bytes, "é" is 2 of them; in characters "def g(s='é', t: " is 16 long,
    # so the annotation `'é' | bool` is columns 16-26 (its `|` at 20) and the default `1 | 2`
    # (its `|` at 31) is not an annotation.
    assert ((5, 16), (5, 26)) in spans  # in bytes it would be (5, 17) to (5, 27)
    assert inside(spans, (5, 16), (5, 19))  # the string 'é' that starts it
    assert inside(spans, (5, 20), (5, 21))
    assert not inside(spans, (5, 31), (5, 32))
    assert not inside(spans, (5, 9), (5, 12))  # the default 'é' of s


def test_the_reports_count_annotation_mutants_apart(tmp_path):
    """A session with one killed mutant, one survivor in a body and one in an annotation, and one
    annotation mutant skipped before running: the score is 1 of 2, two are 'annotation'."""
    import sqlite3

    run = load_run()
    module = tmp_path / "m.py"
    module.write_text("def f(x: int | None) -> int:\n    return x + 1 if x is not None else 0\n")
    session = tmp_path / "m.sqlite"
    db = sqlite3.connect(session)
    db.execute("""create table mutation_specs (module_path, operator_name, operator_args,
                  occurrence, start_pos_row, start_pos_col, end_pos_row, end_pos_col,
                  definition_name, job_id)""")
    db.execute("create table work_results (worker_outcome, output, test_outcome, diff, job_id)")
    # "def f(x: " is 9 long: `int | None`'s `|` is column 13; "    return x " is 13 long: `+` is 13.
    specs = [
        ("a", 2, 13, 2, 14, "NORMAL", None, "KILLED"),  # the body's `+`
        ("b", 2, 13, 2, 14, "NORMAL", None, "SURVIVED"),  # the body again, survived
        ("c", 1, 13, 1, 14, "NORMAL", None, "SURVIVED"),  # the annotation, run
        ("d", 1, 13, 1, 14, "SKIPPED", run.ANNOTATION, None),  # the annotation, skipped
        ("e", 2, 13, 2, 14, "SKIPPED", "Filtered operator or not sampled", None),
    ]
    for job, r0, c0, r1, c1, worker, output, test in specs:
        db.execute(
            "insert into mutation_specs values (?, 'op', '{}', 0, ?, ?, ?, ?, null, ?)",
            (str(module), r0, c0, r1, c1, job),
        )
        db.execute("insert into work_results values (?, ?, ?, '', ?)", (worker, output, test, job))
    db.commit()
    db.close()
    result = run.outcomes(session)
    assert result["killed"] == 1
    assert [r[5] for r in result["survived"]] == ["b"]
    assert sorted(r[5] for r in result["annotation"]) == ["c", "d"]
    assert result["skipped"] == 1 and result["other"] == []


def test_the_sample_order_is_by_position_not_by_the_random_job_id():
    from cosmic_ray.work_item import MutationSpec, WorkItem

    run = load_run()

    def item(job, row, col, operator="core/NumberReplacer"):
        spec = MutationSpec("src/m.py", operator, 0, (row, col), (row, col + 1))
        return WorkItem.single(job, spec)

    # job ids in the opposite order to the positions: the order follows the positions
    items = [item("a", 9, 0), item("b", 2, 5), item("c", 2, 1), item("d", 2, 1, "core/AddNot")]
    assert [i.job_id for i in sorted(items, key=run.sample_order)] == ["d", "c", "b", "a"]
