"""Which committed results no longer match the code (fast: hashes only, nothing is trained).

Fails naming the command that recomputes what is missing, and the folders of
results that no current code, config or data needs any more.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from solutions.experiments import registry, runner
from solutions.experiments.codehash import module_closure
from solutions.experiments.store import stale_entries

ROOT = Path(__file__).resolve().parents[1]
# Code that moves results around or shows them, never code that computes them.
PLUMBING = (
    "solutions.experiments.store",
    "solutions.experiments.codehash",
    "solutions.experiments.names",
    "solutions.experiments.registry",
    "solutions.experiments.runner",
    "solutions.cli",
    "solutions.book",
)


def test_every_result_the_book_needs_is_stored_for_the_current_code():
    needed = registry.needed_keys()
    report = stale_entries(needed.values(), known=registry.known_keys().values())
    names = {key: name for name, (_, key) in needed.items()}
    missing = [names[k] for _, k in report.missing + report.corrupt]
    assert not missing, (
        f"results missing or damaged for the current code: {missing}; run: solutions run {' '.join(missing)}"
    )
    assert not report.unneeded, f"stored results no current code needs (delete them): {report.unneeded}"


@pytest.mark.parametrize("name", list(registry.RESULTS))
def test_a_result_is_keyed_on_its_computation_only(name):
    closure = module_closure(registry.RESULTS[name].code, "solutions")
    assert closure, name
    assert not [m for m in closure if m.startswith(PLUMBING)], closure


def _keys_with(tmp_path: Path, additions: dict[str, str]) -> dict[str, str]:
    """The registry's keys computed from a copy of the package with ``additions`` appended."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "solutions", src / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    for rel, code in additions.items():
        with open(src / "solutions" / rel, "a", encoding="utf-8") as f:
            f.write(code)
    script = (
        "import json; from solutions.experiments import registry; "
        "print(json.dumps({n: registry.key(n) for n in registry.RESULTS}))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "SOLUTIONS_RESULTS_DIR": str(tmp_path / "r"),
        "SOLUTIONS_CIFAR_SOURCE": str(ROOT / "data" / "cifar10_horses.npz"),
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=tmp_path
    )
    return json.loads(out.stdout)


@pytest.mark.slow
def test_editing_the_store_or_the_cli_leaves_every_result_current(tmp_path):
    plain = _keys_with(tmp_path / "a", {})
    assert plain == {n: registry.key(n) for n in registry.RESULTS}  # the copy is the checkout
    edited = _keys_with(
        tmp_path / "b",
        {
            "experiments/store.py": "\n\ndef added():\n    return 1\n",
            "cli.py": "\n\ndef added():\n    return 2\n",
            "experiments/registry.py": "\n\ndef added():\n    return 3\n",
            "experiments/runner.py": "\n\ndef added():\n    return 5\n",
            "experiments/names.py": "\n\ndef added():\n    return 6\n",
        },
    )
    assert edited == plain
    # …while an edit of the training code changes the colourization keys (the test can fail).
    trained = _keys_with(tmp_path / "c", {"experiments/training.py": "\n\ndef added():\n    return 4\n"})
    assert trained["unet-b5"] != plain["unet-b5"] and trained["q4-width"] == plain["q4-width"]


def test_unknown_names_are_refused():
    assert set(registry.RESULTS) >= {"palette", "cnn", "unet-b100", "unet-b5", "unet-b500", "q4-width"}
    with pytest.raises(ValueError, match="name"):
        runner.run("no-such-run")
    with pytest.raises(ValueError, match="name"):
        registry.load("no-such-run")


def test_trained_models_are_rebuilt_from_the_stored_weights():
    import torch

    model = registry.trained_model("cnn")
    stored = registry.load("cnn").arrays
    assert not model.training
    state = model.state_dict()
    assert set(state) == {
        k.removeprefix(registry.WEIGHT_PREFIX) for k in stored if k.startswith(registry.WEIGHT_PREFIX)
    }
    assert all(torch.equal(v, torch.from_numpy(stored[registry.WEIGHT_PREFIX + k])) for k, v in state.items())
    for junk in ("unet-b5", "unet-b100", None):  # kinds of network, not runs
        with pytest.raises(ValueError, match=r"^model must be one of cnn \(run cnn\), unet \(run unet-b100\)"):
            registry.trained_model(junk)
