"""Faults found by trying inputs nobody tuned to, as an attacker and a careless user would.

One test (or one parametrized case) per fault: the store never deletes the last intact copy of
an entry; every kind of damage is reported as that entry's damage, naming the command that
works; the checker never hangs and never gives a wrong verdict; the book never builds over a
missing or damaged result, and says so in one message naming the fix; the command line prints
no traceback for any argument or environment, and tells its own bugs from the user's errors;
entries are readable as the umask allows; empty data files are named, array by array.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from solutions import cli
from solutions.answers import checker
from solutions.answers.expression import ExpressionError
from solutions.book import cache_guard
from solutions.experiments import data as horses_data
from solutions.experiments import registry, runner
from solutions.experiments import store as rs

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
ENV = {**os.environ, "PYTHONPATH": f"{SRC}:{os.environ.get('PYTHONPATH', '')}"}
ENV.pop(rs.ENV_RESULTS, None)
ENV.pop(horses_data.ENV_SOURCE, None)


@dataclass(frozen=True)
class Config:
    lr: float = 0.001


CODE, DATA = rs.code_hash([]), "d" * 64  # the key get_or_compute(..., modules=[]) reads


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.delenv(rs.ENV_RESULTS, raising=False)
    return tmp_path / "results"


def _write(root, value):
    return rs.write_entry(
        "exp",
        Config(),
        CODE,
        DATA,
        rs.Computed({"v": value}, {"v": np.full(3, value, dtype=np.int64)}),
        root=root,
        on_note=lambda line: None,
    )


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _damage(path: Path, how: str) -> None:
    """One kind of damage to the entry folder ``path``."""
    if how == "metadata deleted":
        (path / "metadata.json").unlink()
    elif how == "result truncated":
        raw = (path / "result.json").read_bytes()
        (path / "result.json").write_bytes(raw[: len(raw) // 2])
    elif how == "arrays truncated":
        (path / "arrays.npz").write_bytes((path / "arrays.npz").read_bytes()[:100])
    elif how == "result deleted":
        (path / "result.json").unlink()
    elif how == "emptied":
        for p in path.iterdir():
            p.unlink()
    elif how == "file for the folder":
        shutil.rmtree(path)
        path.write_text("not an entry")
    elif how == "folder for metadata":
        (path / "metadata.json").unlink()
        (path / "metadata.json").mkdir()
    elif how == "metadata loops":
        (path / "metadata.json").unlink()
        (path / "metadata.json").symlink_to("metadata.json")
    elif how == "digit changed":
        text = (path / "result.json").read_text()
        (path / "result.json").write_text(text.replace("7", "8", 1))
    else:
        raise AssertionError(how)


DAMAGE = [
    "metadata deleted",
    "result truncated",
    "arrays truncated",
    "result deleted",
    "emptied",
    "file for the folder",
    "folder for metadata",
    "metadata loops",
    "digit changed",
]


# ---------------------------------------------------------------------------------------------
# Loss: the last intact copy of an entry is never deleted, in every ordering of damage and leftover.


@pytest.mark.parametrize("final", ["intact", "damaged", "missing", "a file"])
@pytest.mark.parametrize("old", ["intact", "damaged", "absent"])
def test_no_ordering_of_damage_and_leftover_loses_the_last_intact_copy(root, final, old):
    entry = _write(root, 7)
    parent = entry.path.parent
    aside = parent / f"{rs.OLD_PREFIX}{entry.key[:16]}-{_dead_pid()}"
    if old != "absent":
        shutil.copytree(entry.path, aside)
        if old == "damaged":
            _damage(aside, "result truncated")
    if final == "damaged":
        _damage(entry.path, "metadata deleted")
    elif final == "missing":
        shutil.rmtree(entry.path)
    elif final == "a file":
        _damage(entry.path, "file for the folder")
    intact_before = (final == "intact") + (old == "intact")

    # status (a reader) writes nothing and says what is wrong
    before = sorted(str(p) for p in root.rglob("*"))
    report = rs.stale_entries([("exp", entry.key)], root)
    assert sorted(str(p) for p in root.rglob("*")) == before
    if final in ("damaged", "a file"):
        err = report.damage[("exp", entry.key)]
        assert report.corrupt and (err.intact_copy is not None) == (old == "intact")

    notes, calls = [], []
    get = lambda: rs.get_or_compute(
        "exp",
        Config(),
        [],
        DATA,  # noqa: E731
        lambda: calls.append(1) or {"v": 9},
        root=root,
        command="solutions run exp",
        on_note=notes.append,
    )
    if final in ("damaged", "a file") and old != "intact":
        with pytest.raises(
            rs.CorruptEntry,
            match=r"Nothing was deleted; recompute it with: "
            r"solutions run exp --recompute",
        ):
            get()
        assert calls == [] and os.path.lexists(entry.path)  # the damaged entry stays
        assert aside.exists() == (old != "absent")  # and so does its copy
        return
    if final == "missing" and old == "damaged":
        with pytest.raises(rs.CorruptEntry):
            get()
        assert calls == [] and aside.exists()
        return
    if final == "missing" and old == "absent":
        assert get().result == {"v": 9} and calls == [1]  # nothing was there: computed
        return
    # an intact copy existed: it is what the key reads now, nothing computed, the act told
    got = get()
    assert calls == [] and got.result == {"v": 7} and got.path == entry.path
    assert rs.read_entry("exp", entry.key, root).result == {"v": 7}
    if final in ("damaged", "a file"):
        assert any(n.startswith(f"restored {entry.path}") and "not deleted" in n for n in notes), notes
        kept = list(parent.glob(f"{rs.DAMAGED_PREFIX}*"))
        assert len(kept) == 1  # the damaged one, set aside
    if final == "missing" and old == "intact":
        assert any(n.startswith(f"restored {entry.path}") for n in notes), notes
    assert intact_before >= 1


@pytest.mark.slow
def test_the_issues_case_run_restores_the_copy_and_says_so(tmp_path):
    """`solutions run cnn` with <cnn>/metadata.json removed beside an intact `.old-` copy."""
    results = tmp_path / "results"
    shutil.copytree(rs.DEFAULT_ROOT, results)
    env = {**ENV, rs.ENV_RESULTS: str(results)}
    cnn = rs.entry_path(results, "colour", registry.key("cnn"))
    copy = cnn.parent / f"{rs.OLD_PREFIX}{cnn.name}-999999"
    shutil.copytree(cnn, copy)
    original = (cnn / "result.json").read_bytes()
    (cnn / "metadata.json").unlink()
    status = _cli("status", env=env)
    assert status.returncode == 1
    assert (
        f"damaged: cnn (metadata.json is missing; an intact copy of it is in {copy})  ->  solutions run cnn\n"
    ) in status.stdout
    show = _cli("show", "csc413-1b", env=env)
    assert show.returncode == 2 and "Restore it with: solutions run cnn" in show.stderr
    run = _cli("run", "cnn", "--quiet", env=env)
    assert run.returncode == 0, run.stderr
    assert f"cnn: restored {cnn} from its intact copy {copy.name}" in run.stderr
    assert "Nothing was deleted" not in run.stderr
    assert (cnn / "result.json").read_bytes() == original and not copy.exists()
    assert "all results current" in _cli("status", env=env).stdout


@pytest.mark.parametrize("name", [".old-junk", ".old-0123456789abcdef-notapid", ".tmp-x"])
def test_folders_the_store_did_not_name_are_left_alone(root, name):
    entry = _write(root, 7)
    stray = entry.path.parent / name
    stray.mkdir()
    assert rs.clean_leftovers(root) == [] and stray.exists()


def test_a_live_writers_old_copy_is_left_alone(root):
    entry = _write(root, 7)
    live = entry.path.parent / f"{rs.OLD_PREFIX}{entry.key[:16]}-{os.getppid()}"
    shutil.copytree(entry.path, live)
    _damage(entry.path, "result truncated")
    assert rs.clean_leftovers(root) == [] and live.exists()


def test_of_two_old_copies_the_intact_one_is_restored(root):
    entry = _write(root, 7)
    bad = entry.path.parent / f"{rs.OLD_PREFIX}{entry.key[:16]}-{_dead_pid()}"
    good = entry.path.parent / f"{rs.OLD_PREFIX}{entry.key[:16]}-{_dead_pid()}"
    shutil.copytree(entry.path, bad)
    shutil.copytree(entry.path, good)
    _damage(bad, "digit changed")
    _damage(entry.path, "emptied")
    rs.clean_leftovers(root)
    assert rs.read_entry("exp", entry.key, root).result == {"v": 7}


# ---------------------------------------------------------------------------------------------
# Every kind of damage is that entry's damage; status names the command that works and goes on.


@pytest.mark.parametrize("how", DAMAGE)
def test_every_kind_of_damage_is_reported_as_the_entrys(root, how):
    entry = _write(root, 7)
    other = rs.write_entry("exp", Config(lr=0.5), CODE, DATA, rs.Computed({"v": 1}), root=root)
    _damage(entry.path, how)
    with pytest.raises(rs.CorruptEntry) as err:
        rs.read_entry("exp", entry.key, root)
    assert str(err.value).startswith(str(entry.path)) and err.value.intact_copy is None
    assert "\n" not in str(err.value)
    report = rs.stale_entries([("exp", entry.key), ("exp", other.key)], root)  # goes on
    assert report.corrupt == (("exp", entry.key),) and report.missing == ()
    assert rs.fix_command("solutions run x", report.damage[("exp", entry.key)]) == "solutions run x --recompute"


def test_an_unreadable_file_is_damage_too(root, monkeypatch):
    entry = _write(root, 7)
    real = rs._read_at

    def denied(dir_fd, name):
        if name == "arrays.npz":
            raise PermissionError(13, "Permission denied")
        return real(dir_fd, name)

    monkeypatch.setattr(rs, "_read_at", denied)
    with pytest.raises(rs.CorruptEntry, match="arrays.npz cannot be read \\(permission denied\\)"):
        rs.read_entry("exp", entry.key, root)


@pytest.mark.parametrize("edit", ["nan in metadata", "result not an object", "pickled arrays", "another key's entry"])
def test_sealed_but_wrong_entries_are_damage_not_crashes(root, edit):
    entry = _write(root, 7)
    meta = json.loads((entry.path / "metadata.json").read_text())
    if edit == "nan in metadata":
        (entry.path / "metadata.json").write_text(
            (entry.path / "metadata.json").read_text().replace('"wall_time_s": null', '"wall_time_s": NaN')
        )
    else:
        if edit == "result not an object":
            (entry.path / "result.json").write_text("[1, 2]")
        elif edit == "pickled arrays":
            np.savez(entry.path / "arrays.npz", v=np.array([{"a": 1}], dtype=object))
        else:
            meta["key"] = "f" * 64
        meta["files"] = {p.name: rs._sha256(p) for p in entry.path.iterdir() if p.name != "metadata.json"}
        meta["metadata_sha256"] = rs._metadata_sha256(meta)
        (entry.path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(rs.CorruptEntry):
        rs.read_entry("exp", entry.key, root)


DAMAGED_CNN = [
    "result truncated",
    "arrays truncated",
    "metadata deleted",
    "emptied",
    "file for the folder",
    "folder for metadata",
]


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
@pytest.mark.parametrize("how", DAMAGED_CNN)
def test_status_names_recompute_for_a_damaged_cnn_and_goes_on(main, tmp_path, how):
    results = tmp_path / "results"
    shutil.copytree(rs.DEFAULT_ROOT, results)
    _damage(rs.entry_path(results, "colour", registry.key("cnn")), how)
    status = main("status", env={rs.ENV_RESULTS: str(results)})
    assert status.returncode == 1 and status.stderr == ""
    damaged = [ln for ln in status.stdout.splitlines() if ln.startswith("damaged:")]
    assert len(damaged) == 1 and damaged[0].startswith("damaged: cnn (")
    assert damaged[0].endswith("->  solutions run cnn --recompute"), damaged
    assert "missing:" not in status.stdout  # every other entry was read, and is there


@pytest.mark.slow
@pytest.mark.parametrize("how", DAMAGED_CNN)
def test_status_and_show_name_recompute_for_a_damaged_cnn(tmp_path, how):
    results = tmp_path / "results"
    shutil.copytree(rs.DEFAULT_ROOT, results)
    _damage(rs.entry_path(results, "colour", registry.key("cnn")), how)
    env = {**ENV, rs.ENV_RESULTS: str(results)}
    status = _cli("status", env=env)
    assert status.returncode == 1 and "Traceback" not in status.stderr
    lines = [ln for ln in status.stdout.splitlines() if ln.startswith("damaged:")]
    assert len(lines) == 1 and lines[0].startswith("damaged: cnn (")
    assert lines[0].endswith("->  solutions run cnn --recompute"), lines
    show = _cli("show", "csc413-1b", env=env)
    assert show.returncode == 2 and len(show.stderr.strip().splitlines()) == 1
    assert show.stderr.strip().endswith("Recompute it with: solutions run cnn --recompute")


# ---------------------------------------------------------------------------------------------
# Entries are readable as the umask allows (as git and cp would leave them).


@pytest.mark.parametrize("umask, folder, file", [(0o022, 0o755, 0o644), (0o077, 0o700, 0o600), (0o002, 0o775, 0o664)])
def test_entries_are_as_readable_as_the_umask_allows(root, umask, folder, file):
    previous = os.umask(umask)
    try:
        entry = _write(root, 7)
    finally:
        os.umask(previous)
    assert entry.path.stat().st_mode & 0o777 == folder
    assert {p.stat().st_mode & 0o777 for p in entry.path.iterdir()} == {file}


# ---------------------------------------------------------------------------------------------
# The checker: no hang, no wrong verdict.


def _quick(ident, text):
    start = time.monotonic()
    try:
        return checker.check(ident, text)
    finally:
        assert time.monotonic() - start < checker.ALGEBRA_SECONDS + 1, text


@pytest.mark.parametrize(
    "ident, text, refusal",
    [
        ("csc413-3d-memory-last", "log(" * 59 + "n" + ")" * 59, "too deeply nested"),
        ("csc413-3d-memory-last", "log(" * 20 + "n" + ")" * 20, "too deeply nested"),
        ("csc413-1c-parameters-doubled", "(NF+NC+1)^12" * 24, "degree above"),
        ("csc413-1c-parameters-doubled", "(NF+NC+1)^12" * 2, "degree above"),
        ("csc413-3d-memory-full", "O(" * 99 + "n" + ")" * 99, "too deeply nested"),
    ],
)
def test_inputs_that_hung_the_checker_are_refused_at_once(ident, text, refusal):
    with pytest.raises(ExpressionError, match=refusal):
        _quick(ident, text)


@pytest.mark.parametrize(
    "ident, text",
    [
        ("csc413-1c-weights", "72NF^2 + 9NF*NC + 9NC² + 9NF + (NF^2-1)/(NF+1) - NF + 1"),
        ("csc413-1c-weights", "(72NF^3 + 72NF^2 + 9NF^2 NC + 9NF NC + 9NC^2 NF + 9NC^2 + 9NF^2 + 9NF)/(NF + 1)"),
        ("csc413-3d-memory-full", "O(O(n))"),
        ("csc413-3d-memory-full", "O(O(O(O(n))))"),
        ("csc413-3d-memory-full", "O(3n + 7)"),
        ("cs5242-q3-parameters", "150 208"),
        ("cs5242-q3-parameters", "150\u202f208"),
    ],
)
def test_right_answers_once_judged_wrong_are_correct(ident, text):
    verdict = _quick(ident, text)
    assert verdict.correct, verdict.message


@pytest.mark.parametrize(
    "ident, text, says",
    [
        ("csc413-3d-memory-full", "O(-n)", "positive for large n"),
        ("csc413-3d-memory-full", "O(n - n^2)", "positive for large n"),
        ("csc413-3d-memory-full", "O(log(n-n))", "no value"),
        ("csc413-3d-memory-full", "O(0)", "positive argument"),
        ("csc413-1c-weights", "NF/(NF-32)", "no value at NF=32, NC=24"),
        ("csc413-1c-weights", "NC/(NF-32) + NF/(NC-24)", "no value at NF=32, NC=24"),
        ("cs5242-q2-output-size-c", "h/(h-32), w, c2", "no value at h=32"),
        ("cs5242-q3-parameters", "150,208", "without commas"),
        ("cs5242-q3-parameters", "150 20", "follows another factor without an operator"),
        ("csc413-1c-weights", "NF 2", "follows another factor without an operator"),
    ],
)
def test_meaningless_answers_are_refused_clearly_not_judged(ident, text, says):
    with pytest.raises(ExpressionError, match=says.replace("(", r"\(")) as err:
        _quick(ident, text)
    assert "zoo" not in str(err.value) and "nan" not in str(err.value)


def test_a_space_in_a_number_is_never_a_product():
    # 150 208 read as 150 × 208 = 31,200 would be "not the book's answer" for the right number
    verdict = checker.check("cs5242-q3-parameters", "150 208")
    assert verdict.correct and "31,200" not in verdict.message and "31200" not in verdict.message


@pytest.mark.parametrize(
    "ident, text, grows",
    [
        ("csc413-3d-memory-full", "O(log(n))", "slower"),
        ("csc413-3d-memory-full", "O(1/n)", "slower"),
        ("csc413-3d-memory-full", "O(n^2 + O(n))", "faster"),
    ],
)
def test_orders_are_normalised_before_they_are_compared(ident, text, grows):
    verdict = _quick(ident, text)
    assert not verdict.correct and f"grows {grows}" in verdict.message and "zoo" not in verdict.message


# ---------------------------------------------------------------------------------------------
# The book: it never builds over a missing or damaged result, and says so in one message.


class _Env:
    def __init__(self, docnames):
        self.found_docs = set(docnames)

    def doc2path(self, docname):
        return str(ROOT / f"{docname}.md")


class _App:
    def __init__(self, cache):
        self.env = None
        self.outdir = str(cache / "html")
        self.srcdir = str(Path(__file__).resolve().parents[1])

        class Config:
            solutions_tracked_packages = ["solutions"]
            nb_execution_cache_path = str(cache / ".jupyter_cache")

        self.config = Config()


def _outdated(tmp_path, docnames):
    app, env = _App(tmp_path), _Env(docnames)
    app.env = env
    return cache_guard.mark_stale_pages(app, env, set(), set(), set()), app


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_a_changed_or_damaged_result_re_executes_its_page_and_stops_the_build(tmp_path, monkeypatch, capsys):
    results = tmp_path / "results"
    shutil.copytree(rs.DEFAULT_ROOT, results)
    monkeypatch.setenv(rs.ENV_RESULTS, str(results))
    monkeypatch.delenv(cache_guard.ENV_DEBUG, raising=False)
    from solutions.book.declarations import ANSWERS

    q3, everything = ANSWERS["cs5242-q3"].docname, ANSWERS["answers"].docname
    _, app = _outdated(tmp_path, [q3, everything])
    # what a clean build records (record_built_pages without its Sphinx logging)
    cache_guard._save(cache_guard.execution_cache_dir(app) / cache_guard.RECORD_NAME, app.solutions_pending)
    assert _outdated(tmp_path, [q3, everything])[0] == []  # recorded: both served from the cache
    entry = rs.entry_path(results, "q3-peak", registry.key("q3-peak"))
    # a result recomputed (another, sound entry): both pages that read it execute again
    meta = json.loads((entry / "metadata.json").read_text())
    meta["wall_time_s"] = 1.5
    meta["metadata_sha256"] = rs._metadata_sha256(meta)
    (entry / "metadata.json").write_text(json.dumps(meta))
    assert sorted(_outdated(tmp_path, [q3, everything])[0]) == sorted([q3, everything])
    # one digit changed: the build stops before executing anything, naming the fix
    (entry / "result.json").write_text((entry / "result.json").read_text().replace("3", "4", 1))
    with pytest.raises(SystemExit) as stop:
        _outdated(tmp_path, [q3])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == (
        f"  q3-peak: damaged ({entry}: result.json does not match its sha256 in metadata.json). "
        "Recompute it with: solutions run q3-peak --recompute"
    )
    # missing: the command computes it
    shutil.rmtree(entry)
    with pytest.raises(SystemExit):
        _outdated(tmp_path, [q3])
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "  q3-peak: not computed for the current code, config and data. Compute it with: solutions run q3-peak"
    )
    # asked for: the exception itself, traceback and all
    monkeypatch.setenv(cache_guard.ENV_DEBUG, "1")
    with pytest.raises(cache_guard.StoredResultsUnavailable, match="solutions run q3-peak"):
        _outdated(tmp_path, [q3])


def test_the_all_answers_page_reads_every_answer_pages_results():
    from solutions.book.declarations import ANSWERS, PAGES

    reads = cache_guard.declared_reads([p.docname for p in PAGES])
    every = {n for p in ANSWERS.values() for n in p.results}
    # it is computed in the package of page modules: every page module's results, the answer pages' among them
    modules = {n for p in PAGES if p.module for n in p.results}
    assert set(reads[ANSWERS["answers"].docname][0]) == modules >= every and "q3-peak" in every
    assert set(reads[ANSWERS["cs5242-q3"].docname][0]) == {"q3-peak"}


READS = """
import sys
from solutions.book.declarations import PAGES
from solutions.experiments import registry
read = set()
for name in ("load", "stored"):
    real = getattr(registry, name)
    setattr(registry, name, lambda n, real=real: read.add(n) or real(n))
(page,) = [p for p in PAGES if p.docname == sys.argv[1]]
page.load().values()
print(" ".join(sorted(read)))
"""


@pytest.mark.slow
def test_every_page_reads_only_the_results_its_declaration_names():
    # the cache guard keys each page on its declared results: a page reading another would be
    # served from the cache after that result changed
    from solutions.book.declarations import PAGES

    reads = cache_guard.declared_reads([p.docname for p in PAGES])
    for page in PAGES:
        if not page.module:
            continue
        out = subprocess.run(
            [sys.executable, "-c", READS, page.docname], capture_output=True, text=True, env=ENV, timeout=600
        )
        assert out.returncode == 0, out.stderr[-2000:]
        read = set(out.stdout.split())
        assert read <= set(reads[page.docname][0]), (page.docname, sorted(read - set(reads[page.docname][0])))


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_make_book_over_a_missing_or_damaged_result_ends_with_one_clear_failure(tmp_path, damage):
    results = tmp_path / "results"
    shutil.copytree(rs.DEFAULT_ROOT, results)
    entry = rs.entry_path(results, "q3-peak", registry.key("q3-peak"))
    if damage == "missing":
        shutil.rmtree(entry)
    else:
        (entry / "result.json").write_text((entry / "result.json").read_text().replace("3", "4", 1))
    jb = Path(sys.executable).parent / "jupyter-book"
    out = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(tmp_path / "out"), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**ENV, rs.ENV_RESULTS: str(results)},
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stdout + out.stderr and "Exception occurred" not in out.stderr
    last = out.stderr.strip().splitlines()[-1]
    fix = "solutions run q3-peak --recompute" if damage == "damaged" else "solutions run q3-peak"
    assert last.startswith("  q3-peak: ") and last.endswith(f"it with: {fix}"), out.stderr[-2000:]
    assert "Executing notebook" not in out.stdout


# ---------------------------------------------------------------------------------------------
# The command line: no traceback for any argument or environment; internal errors apart.


def _cli(*argv, env=None, shell_tail=""):
    if shell_tail:
        cmd = " ".join([f"'{sys.executable}'", "-m", "solutions", *(f"'{a}'" for a in argv), shell_tail])
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, env=env or ENV, timeout=600)
    return subprocess.run(
        [sys.executable, "-m", "solutions", *argv], capture_output=True, text=True, env=env or ENV, timeout=600
    )


def _one_line(out, needle, status=2):
    lines = out.stderr.strip().splitlines()
    assert out.returncode == status, (out.returncode, out.stderr)
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in out.stderr, out.stderr


@dataclass
class _Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def main(capsys, monkeypatch):
    """``solutions …`` in this process (fresh registry caches: the data and palette are re-read)."""
    caches = (registry.horses, registry.palette, registry.data, runner._training_tensors)

    def run(*argv, env=None):
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        for cached in caches:
            cached.cache_clear()
        capsys.readouterr()
        status = cli.main(list(argv))
        out = capsys.readouterr()
        return _Ran(status, out.out, out.err)

    yield run
    for cached in caches:
        cached.cache_clear()


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["run", "palette", "--jobs", "99999999999999999999"], "--jobs: must be from 1 to 256"),
        (["run", "palette", "--jobs", "2147483647"], "--jobs: must be from 1 to 256"),
        (["run", "palette", "--jobs", "0"], "--jobs: must be from 1 to 256"),
        (["run", "palette", "--jobs", "-3"], "--jobs: must be from 1 to 256"),
        (["run", "palette", "--jobs", "1.5"], "--jobs: must be a whole number"),
        (["run", ""], "unknown result name"),
        (["show", ""], "unknown answer id ''"),
        (["check", "csc413-1c-weights ", "NF"], "unknown check id"),
        (["check", "csc413-1c-weights", "NF\x07"], "unexpected character"),
        (["check", "csc413-1c-weights", "NF" * 200], "longer than"),
        (["run", "palette", "--device", ""], "device must be"),
    ],
)
def test_no_argument_gives_a_traceback(main, argv, needle):
    _one_line(main(*argv), needle)


@pytest.mark.slow
def test_no_argument_gives_a_traceback_as_a_command():
    _one_line(_cli("run", "palette", "--jobs", "99999999999999999999"), "--jobs: must be from 1 to 256")


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        pytest.param(["check", "csc413-1c-weights", "NF"], marks=pytest.mark.slow),
        pytest.param(["status"], marks=pytest.mark.slow),
    ],
)
def test_a_closed_stdout_is_one_line(argv):
    _one_line(_cli(*argv, shell_tail=">&-"), "standard output is closed")


@pytest.mark.slow
def test_a_full_stdout_is_one_line():
    _one_line(_cli("list", shell_tail="> /dev/full"), "cannot write to standard output")


@pytest.mark.slow
def test_a_closed_stderr_is_not_written_to_stdout():
    out = _cli("show", "nope", shell_tail="2>&-")
    assert out.returncode == 2 and out.stdout == ""


def test_a_results_folder_that_is_a_file_is_one_line(main, tmp_path):
    (tmp_path / "results").write_text("")
    _one_line(main("status", env={rs.ENV_RESULTS: str(tmp_path / "results")}), "is not a folder")


def _npz(path, x_train, x_test):
    np.savez(path, x_train=x_train, x_test=x_test)
    return path


HORSES = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
EMPTY = np.zeros((0, 32, 32, 3), np.uint8)


@pytest.mark.parametrize(
    "x_train, x_test, array", [(HORSES, EMPTY, "x_test"), (EMPTY, HORSES, "x_train"), (EMPTY, EMPTY, "x_train")]
)
@pytest.mark.parametrize("argv", [["status"], ["run", "palette"], ["run", "cnn", "--jobs", "2"]])
def test_an_empty_array_in_the_data_file_is_named_in_one_line(main, tmp_path, x_train, x_test, array, argv):
    source = _npz(tmp_path / "horses.npz", x_train, x_test)
    env = {horses_data.ENV_SOURCE: str(source), rs.ENV_RESULTS: str(tmp_path / "results")}
    _one_line(main(*argv, env=env), f"{array} is empty (shape (0, 32, 32, 3)) in {source}")


@pytest.mark.parametrize(
    "make, needle",
    [
        (lambda p: _npz(p, np.zeros((4, 32, 32, 3), np.uint8), HORSES), "x_train holds 1 distinct colour"),
        (lambda p: np.save(p.with_suffix(".npy"), HORSES) or p.with_suffix(".npy").rename(p) or p, "holds one array"),
        (lambda p: _npz(p, HORSES.astype(np.float32), HORSES), "x_train must be uint8"),
        (lambda p: p.mkdir() or p, "no such file"),
    ],
)
def test_a_degenerate_data_file_is_one_line(main, tmp_path, make, needle):
    source = make(tmp_path / "horses.npz")
    env = {horses_data.ENV_SOURCE: str(source), rs.ENV_RESULTS: str(tmp_path / "results")}
    _one_line(main("run", "palette", env=env), needle)


def test_an_internal_error_says_so_and_shows_its_traceback_when_asked(monkeypatch, capsys):
    def broken(args):
        return {}["no such key"]  # a bug of ours, not the user's

    monkeypatch.setattr(cli, "_list", broken)
    monkeypatch.delenv(cli.ENV_DEBUG, raising=False)
    assert cli.main(["list"]) == cli.INTERNAL_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "KeyError" in err
    assert "solutions --traceback list" in err and "Traceback" not in err
    for argv, env in ((["--traceback", "list"], None), (["list", "--traceback"], None), (["list"], "1")):
        if env:
            monkeypatch.setenv(cli.ENV_DEBUG, env)
        assert cli.main(argv) == cli.INTERNAL_ERROR
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and "broken" in err
        assert err.strip().splitlines()[-1].startswith("solutions list: internal error")


def test_a_value_error_inside_a_command_is_an_internal_error_not_a_user_error(monkeypatch, capsys):
    from solutions.answers import checker as chk

    monkeypatch.setattr(chk, "check", lambda ident, text: int("not a number"))
    assert cli.main(["check", "csc413-1c-weights", "NF"]) == cli.INTERNAL_ERROR
    assert "internal error" in capsys.readouterr().err


def test_the_command_line_names_check_in_its_description():
    assert "check ID EXPRESSION" in cli.__doc__.split("\n\n")[0]
    assert "5000" not in Path(cli.__file__).read_text()


# ---------------------------------------------------------------------------------------------
# More cases of our own.


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_an_experiment_folder_replaced_by_a_file_is_damage_of_its_entries(main, tmp_path):
    results = tmp_path / "results"
    shutil.copytree(rs.DEFAULT_ROOT, results)
    shutil.rmtree(results / "q3-peak")
    (results / "q3-peak").write_text("")
    status = main("status", env={rs.ENV_RESULTS: str(results)})
    assert status.returncode == 1 and status.stderr == ""
    assert (
        f"damaged: q3-peak (is a file, not the folder of 'q3-peak' entries)  ->  solutions run q3-peak --recompute"
    ) in status.stdout


def test_an_offline_download_names_the_url_and_the_way_out(tmp_path, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(url, timeout):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(
        ConnectionError,
        match=rf"cannot download {horses_data.CIFAR_URL} .*set "
        f"{horses_data.ENV_SOURCE} to a local",
    ):
        horses_data.download_archive(tmp_path, progress=None)
    assert list(tmp_path.iterdir()) == []  # the partial download is gone


def test_an_expression_read_as_an_option_gets_the_way_to_write_it(main):
    _one_line(main("check", "csc413-1c-weights", "-NF"), "goes after --: solutions check ID -- -NF")
    assert main("check", "csc413-1c-weights", "--", "-NF").returncode == 1  # judged, not refused


def test_a_torch_check_too_big_to_build_is_refused():
    from solutions.answers import conv_table

    with pytest.raises(ValueError, match="h, w, c1, c2 must keep the check's tensors under"):
        conv_table.torch_check(10**6, 10**6, 2, 2)


def test_the_build_stops_in_one_message_when_the_data_cannot_be_loaded(tmp_path, monkeypatch, capsys):
    source = _npz(tmp_path / "horses.npz", HORSES, EMPTY)
    monkeypatch.setenv(horses_data.ENV_SOURCE, str(source))
    monkeypatch.delenv(cache_guard.ENV_DEBUG, raising=False)
    registry.horses.cache_clear()
    try:
        with pytest.raises(SystemExit) as stop:
            from solutions.book.declarations import ANSWERS

            _outdated(tmp_path, [ANSWERS["csc413-1b"].docname])
    finally:
        registry.horses.cache_clear()
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-2] == "The book cannot be built: the data its stored results are keyed on cannot be loaded:"
    assert err[-1].startswith(f"  x_test is empty (shape (0, 32, 32, 3)) in {source}")


def test_writers_settling_the_same_leftovers_at_once_lose_nothing(root):
    # two runs of `--jobs 2` (other results, the same experiment) may clean its leftovers together
    import threading

    entry = _write(root, 7)
    for trial in range(8):
        aside = entry.path.parent / f"{rs.OLD_PREFIX}{entry.key[:16]}-{_dead_pid()}"
        shutil.copytree(entry.path, aside)
        _damage(entry.path, "metadata deleted")
        start = threading.Barrier(4)
        errors = []

        def settle():
            start.wait()
            try:
                rs.clean_leftovers(root)
            except Exception as err:  # noqa: BLE001 — none may escape
                errors.append(err)

        threads = [threading.Thread(target=settle) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and rs.read_entry("exp", entry.key, root).result == {"v": 7}, trial
        assert not list(entry.path.parent.glob(f"{rs.OLD_PREFIX}*"))
        assert len(list(entry.path.parent.glob(f"{rs.DAMAGED_PREFIX}*"))) == trial + 1  # each damaged one kept
