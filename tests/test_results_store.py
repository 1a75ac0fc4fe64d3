import json
import sys
from dataclasses import dataclass

import numpy as np
import pytest

from solutions.experiments import store as rs


@dataclass(frozen=True)
class Config:
    lr: float = 0.001
    batch: int = 100


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throwaway package: ``storepkg.train`` imports ``storepkg.model``."""
    pkg = tmp_path / "src" / "storepkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "model.py").write_text("WIDTH = 32\n")
    (pkg / "train.py").write_text("from storepkg import model\n\ndef run():\n    return model.WIDTH\n")
    monkeypatch.syspath_prepend(str(pkg.parent))
    yield pkg
    for name in [m for m in sys.modules if m.startswith("storepkg")]:
        del sys.modules[name]


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.delenv(rs.ENV_RESULTS, raising=False)
    return tmp_path / "results"


def _get(root, compute, config=Config(), data="d" * 64, experiment="unet"):
    return rs.get_or_compute(experiment, config, ["storepkg.train"], data, compute, root=root, package="storepkg")


def _key(config=Config(), data="d" * 64, experiment="unet"):
    return rs.result_key(experiment, config, ["storepkg.train"], data, package="storepkg")


def test_round_trip_with_arrays_and_metadata(package, root):
    image = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    entry = _get(root, lambda: rs.Computed({"loss": [1.5, 1.25], "acc": 0.5}, {"img": image}))
    again = rs.read_entry("unet", entry.key, root)
    assert again.result == {"loss": [1.5, 1.25], "acc": 0.5}
    assert np.array_equal(again.arrays["img"], image)
    assert again.path == root / "unet" / entry.key[:16]
    meta = json.loads((again.path / "metadata.json").read_text())
    assert meta["key"] == entry.key == _key()
    assert meta["config"] == {"lr": 0.001, "batch": 100} and meta["data_hash"] == "d" * 64
    assert set(meta["files"]) == {"result.json", "arrays.npz"}
    assert {"python", "numpy", "torch"} <= set(meta["versions"])
    assert meta["device"] == "cpu" and meta["wall_time_s"] >= 0 and meta["created"]


def test_stored_entry_is_not_recomputed(package, root):
    calls = []
    _get(root, lambda: calls.append(1) or {"acc": 0.5})
    assert _get(root, lambda: calls.append(1) or {"acc": 0.9}).result == {"acc": 0.5}
    assert calls == [1]


def test_key_follows_config_data_and_code_but_not_comments(package):
    key = _key()
    assert _key(Config(lr=0.01)) != key
    assert _key(data="e" * 64) != key
    assert _key(experiment="cnn") != key
    assert _key(Config(lr=0.001, batch=100)) == key
    (package / "model.py").write_text("# the width of the first layer\nWIDTH = 32  # as in PA2\n")
    assert _key() == key  # comments do not count
    (package / "model.py").write_text("WIDTH = 64\n")  # imported by train: counts
    assert _key() != key


def test_env_var_sets_the_root(package, tmp_path, monkeypatch):
    monkeypatch.setenv(rs.ENV_RESULTS, str(tmp_path / "elsewhere"))
    entry = _get(None, lambda: {"acc": 1.0})
    assert entry.path.parent.parent == tmp_path / "elsewhere"


def test_failed_compute_leaves_no_entry(package, root):
    def crash():
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError):
        _get(root, crash)
    assert rs.read_entry("unet", _key(), root) is None
    assert not (root / "unet").exists() or list((root / "unet").iterdir()) == []


def test_crash_during_the_write_leaves_no_visible_entry(package, root, monkeypatch):
    def fail_rename(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(rs.os, "rename", fail_rename)
    with pytest.raises(OSError, match="power cut"):
        _get(root, lambda: {"acc": 0.5})
    monkeypatch.undo()
    assert list((root / "unet").iterdir()) == []  # the temp folder is cleaned up too


def test_leftover_temp_folder_is_ignored(package, root):
    leftover = root / "unet" / f"{rs.TEMP_PREFIX}{_key()[:16]}-abc"
    leftover.mkdir(parents=True)
    (leftover / "result.json").write_text('{"acc": 0.')  # a write killed half-way
    assert rs.read_entry("unet", _key(), root) is None
    assert _get(root, lambda: {"acc": 0.5}).result == {"acc": 0.5}
    report = rs.stale_entries([("unet", _key())], root)
    assert report.ok


@pytest.mark.parametrize("damage", ["flip", "delete", "metadata", "metadata-field"])
def test_corruption_is_an_error_and_recomputed_only_when_asked(package, root, damage):
    entry = _get(root, lambda: rs.Computed({"acc": 0.5}, {"img": np.zeros(3)}))
    if damage == "flip":
        raw = bytearray((entry.path / "result.json").read_bytes())
        raw[raw.index(b"5")] = ord("9")  # acc 0.5 → 0.9, still valid JSON
        (entry.path / "result.json").write_bytes(bytes(raw))
    elif damage == "delete":
        (entry.path / "arrays.npz").unlink()
    elif damage == "metadata":
        (entry.path / "metadata.json").write_text("{")
    else:  # the device the book shows, edited
        meta = json.loads((entry.path / "metadata.json").read_text())
        meta["device"] = "cuda"
        (entry.path / "metadata.json").write_text(json.dumps(meta))
    before = sorted((p.name, p.read_bytes()) for p in entry.path.iterdir())
    with pytest.raises(rs.CorruptEntry):
        rs.read_entry("unet", entry.key, root)
    with pytest.raises(rs.CorruptEntry, match="python -m solutions.experiments run unet"):
        rs.load_for_book(
            "unet",
            Config(),
            ["storepkg.train"],
            "d" * 64,
            package="storepkg",
            command="python -m solutions.experiments run unet",
            root=root,
        )
    assert rs.stale_entries([("unet", entry.key)], root).corrupt == (("unet", entry.key),)
    calls = []
    with pytest.raises(rs.CorruptEntry, match=f"{entry.path}.*Nothing was deleted.*run unet --recompute"):
        rs.get_or_compute(
            "unet",
            Config(),
            ["storepkg.train"],
            "d" * 64,
            lambda: calls.append(1) or {"acc": 0.5},
            root=root,
            package="storepkg",
            command="solutions run unet",
        )
    assert calls == [] and sorted((p.name, p.read_bytes()) for p in entry.path.iterdir()) == before
    fresh = rs.get_or_compute(
        "unet",
        Config(),
        ["storepkg.train"],
        "d" * 64,
        lambda: calls.append(1) or {"acc": 0.5},
        root=root,
        package="storepkg",
        recompute=True,
    )
    assert calls == [1] and fresh.result == {"acc": 0.5}
    assert rs.read_entry("unet", entry.key, root).result == {"acc": 0.5}


def test_book_gets_an_error_naming_the_command_and_never_computes(package, root):
    command = "python -m solutions.experiments run unet"
    with pytest.raises(rs.MissingResult, match=command):
        rs.load_for_book("unet", Config(), ["storepkg.train"], "d" * 64, command=command, root=root, package="storepkg")
    assert not root.exists()
    _get(root, lambda: {"acc": 0.5})
    entry = rs.load_for_book(
        "unet", Config(), ["storepkg.train"], "d" * 64, command=command, root=root, package="storepkg"
    )
    assert entry.result == {"acc": 0.5}


def test_stale_report_after_a_code_change(package, root):
    old_unet = _get(root, lambda: {"acc": 0.5})
    cnn = _get(root, lambda: {"acc": 0.4}, experiment="cnn")
    assert rs.stale_entries([("unet", _key()), ("cnn", _key(experiment="cnn"))], root).ok
    (package / "model.py").write_text("WIDTH = 64\n")
    needed = [("unet", _key()), ("cnn", _key(experiment="cnn"))]
    report = rs.stale_entries(needed, root)
    assert set(report.missing) == set(needed) and report.corrupt == ()
    assert set(report.unneeded) == {old_unet.path, cnn.path}
    _get(root, lambda: {"acc": 0.6})
    report = rs.stale_entries(needed, root)
    assert report.missing == (("cnn", _key(experiment="cnn")),)
    assert set(report.unneeded) == {old_unet.path, cnn.path}


def test_bad_input_names_the_parameter(package, root):
    with pytest.raises(ValueError, match="config"):
        rs.canonical_json(object())
    with pytest.raises(ValueError, match="config"):
        rs.canonical_json({"lr": float("nan")})
    with pytest.raises(ValueError, match="experiment"):
        rs.entry_key("../escape", Config(), "c", "d")
    with pytest.raises(ValueError, match="result"):
        _get(root, lambda: {"acc": np.float32(0.5)})
    assert list((root / "unet").iterdir()) == []
