"""`solutions show` keeps what it printed under a key of everything it read: the same inputs answer
from the cache, any changed input computes again, and nothing is kept from a failed computation."""

import shutil

import pytest

from solutions.book import show_cache
from solutions.experiments.store import DEFAULT_ROOT


@pytest.fixture
def store(tmp_path, monkeypatch):
    results = tmp_path / "results"
    shutil.copytree(DEFAULT_ROOT / "q3-peak", results / "q3-peak")
    monkeypatch.setenv("SOLUTIONS_RESULTS_DIR", str(results))
    monkeypatch.setenv(show_cache.ENV_CACHE, str(tmp_path / "cache"))
    return results


def test_the_same_inputs_answer_from_the_cache(store):
    calls = []

    def compute():
        calls.append(1)
        return f"text {len(calls)}"

    assert show_cache.cached("show-x", compute) == "text 1"
    assert show_cache.cached("show-x", compute) == "text 1" and len(calls) == 1


def test_a_changed_result_file_computes_again(store):
    before = show_cache.fingerprint()
    (entry,) = [p for p in (store / "q3-peak").iterdir() if p.is_dir()]
    (entry / "result.json").write_bytes((entry / "result.json").read_bytes() + b" ")
    assert show_cache.fingerprint() != before


def test_the_store_working_folders_do_not_change_the_key(store):
    before = show_cache.fingerprint()
    (store / ".locks").mkdir()
    (store / ".locks" / "x.lock").write_text("123")
    assert show_cache.fingerprint() == before


def test_a_changed_page_or_module_computes_again(store, monkeypatch, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(show_cache.PACKAGE, root / "src" / "solutions")
    shutil.copytree(show_cache.ROOT / "book", root / "book")
    monkeypatch.setattr(show_cache, "ROOT", root)
    monkeypatch.setattr(show_cache, "PACKAGE", root / "src" / "solutions")
    before = show_cache.fingerprint()
    from solutions.book.declarations import ANSWERS

    page = root / ANSWERS["cs5242-q2"].file
    page.write_text(page.read_text() + "\n")
    after_page = show_cache.fingerprint()
    module = root / "src" / "solutions" / "answers" / "conv_shapes.py"
    module.write_text(module.read_text() + "\n# a comment\n")
    assert len({before, after_page, show_cache.fingerprint()}) == 3


def test_nothing_is_kept_from_a_failed_computation(store):
    def broken():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        show_cache.cached("show-y", broken)
    assert not list(show_cache.cache_dir().glob("show-y-*"))
    assert show_cache.cached("show-y", lambda: "fine") == "fine"


def test_a_cache_that_cannot_be_written_is_skipped(store, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(show_cache.ENV_CACHE, str(blocker / "cache"))
    assert show_cache.cached("show-z", lambda: "shown anyway") == "shown anyway"
