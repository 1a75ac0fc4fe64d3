"""The mutation-testing tool (`make mutation`, benchmarks/mutation/run.py) covers the answer code.

The run itself takes hours and is the weekly workflow's (.github/workflows/mutation.yml); these
checks are what can go stale between runs: the module -> tests mapping and the README section.
"""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSWER_MODULES = {"counting", "conv_shapes", "conv_table", "alexnet_1x1", "training_memory",
                  "finetune_cost", "label_changing_augmentation", "bias_variance",
                  "colour_analysis", "checker", "expression"}


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
        assert args[-1] == f"src/solutions/answers/{module}.py"   # its doctests run too
        assert "-x" in args and "no:randomly" in args


def test_the_operator_filter_keeps_the_arithmetic_and_comparison_swaps():
    excluded = re.compile("|".join(load_run().EXCLUDE))
    for kept in ["core/ReplaceBinaryOperator_Mul_Add", "core/ReplaceBinaryOperator_Add_Sub",
                 "core/ReplaceComparisonOperator_Lt_LtE", "core/NumberReplacer", "core/AddNot",
                 "core/ZeroIterationForLoop", "core/ReplaceComparisonOperator_Eq_NotEq"]:
        assert not excluded.match(kept), kept
    for dropped in ["core/ReplaceBinaryOperator_Mul_BitXor", "core/ReplaceComparisonOperator_Eq_Is",
                    "core/RemoveDecorator"]:
        assert excluded.match(dropped), dropped


def test_the_readme_documents_the_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Mutation testing" in readme and "make mutation" in readme
