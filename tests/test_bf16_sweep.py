"""benchmarks/bf16_sweep.py: what it runs, and how it installs the entries (nothing is trained here)."""

import importlib.util
from pathlib import Path

import pytest

from solutions.experiments import names, registry
from solutions.experiments.store import Computed, CorruptEntry, read_entry, write_entry

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("bf16_sweep", ROOT / "benchmarks" / "bf16_sweep.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_runs_the_sweep_and_the_cnn_every_seed(script):
    assert len(script.sweep_names()) == 21 and script.sweep_names()[:3] == ["unet-b5", "unet-b5-s1", "unet-b5-s2"]
    assert script.cnn_names() == ["cnn", "cnn-s1", "cnn-s2"]
    twins = {registry.in_precision(n, "bf16") for n in script.sweep_names() + script.cnn_names()}
    assert twins == set(names.BF16_RUNS)


def _store(root, name, result):
    r = registry.ALL_RESULTS[name]
    from solutions.experiments.codehash import code_hash

    return write_entry(
        r.experiment, r.config, code_hash(list(r.code)), registry.inputs_hash(r), Computed(result), root=root
    )


def test_entries_are_verified_copied_whole_and_never_overwritten(script, tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    name = "unet-b500-bf16"
    entry = _store(source, name, {"final": {"val_loss": 1.0}})
    assert entry.key == registry.key(name)
    assert script.install([name], source, target) == [f"{name}: installed as target/colour/{entry.key[:16]}"]
    assert read_entry("colour", entry.key, target).result == {"final": {"val_loss": 1.0}}
    assert [p.name for p in (target / "colour").iterdir()] == [entry.key[:16]]  # no temporary left
    _store(source, name, {"final": {"val_loss": 2.0}})  # another result, same key
    assert script.install([name], source, target) == [f"{name}: already in {target} (left as it is)"]
    assert read_entry("colour", entry.key, target).result == {"final": {"val_loss": 1.0}}


def test_a_damaged_or_missing_entry_is_not_installed(script, tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    entry = _store(source, "cnn-bf16", {"final": {}})
    (entry.path / "result.json").write_text("{}")
    with pytest.raises(CorruptEntry):
        script.install(["cnn-bf16"], source, target)
    with pytest.raises(SystemExit, match="cnn-s1-bf16: no entry"):
        script.install(["cnn-s1-bf16"], source, target)
    assert not (target / "colour").exists() or not any((target / "colour").iterdir())
