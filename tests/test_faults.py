"""What the project promises when things go wrong (docs/reliability.md): one test per fault.

Each fault was found by trying the command line, the results store and the book
build as a user would. Reading never deletes or rewrites; a replaced entry is
the old or the new one, whole, after a kill at any moment; a read hashes
exactly the bytes it returns, metadata included; a killed build leaves no page
marked current that did not finish; every build is strict; no user string
reaches ``sympify``; every command-line error is one line with exit status 2.
"""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import sympy

from solutions.book.render import math
from solutions.cli import main
from solutions.experiments import data as horses_data
from solutions.experiments import registry
from solutions.experiments import store as rs
from test_book_cache import CONFIG, PAGE, SRC, TOC, build, build_command, build_env, html_text, make_book

PYTHON_ENV = {**os.environ, "PYTHONPATH": f"{SRC}:{os.environ.get('PYTHONPATH', '')}"}


@dataclass(frozen=True)
class Config:
    lr: float = 0.001


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.delenv(rs.ENV_RESULTS, raising=False)
    return tmp_path / "results"


CODE, DATA = "c" * 64, "d" * 64


def _write(root, value, n=3):
    """An entry whose result and arrays agree (both hold ``value``)."""
    return rs.write_entry(
        "exp", Config(), CODE, DATA, rs.Computed({"v": value}, {"v": np.full(n, value, dtype=np.int64)}), root=root
    )


def _get(root, compute, **kwargs):
    key = rs.entry_key("exp", Config(), CODE, DATA)
    return key, lambda: rs.get_or_compute("exp", Config(), [], DATA, compute, root=root, **kwargs)


# ---------------------------------------------------------------------------------------------
# 1. Reading never deletes; a damaged entry is an error; recomputing needs a flag.


@pytest.mark.parametrize("stray", [".DS_Store", "result.json~", "notes.txt"])
def test_a_stray_file_in_an_entry_is_ignored_and_nothing_is_deleted(root, stray):
    entry = _write(root, 7)
    (entry.path / stray).write_text("editor backup")
    again = rs.read_entry("exp", entry.key, root)
    assert again.result == {"v": 7} and (entry.path / stray).exists()
    report = rs.stale_entries([("exp", entry.key)], root)
    assert report.ok and report.unlisted == ((entry.path, (stray,)),)  # reported, not an error


def test_get_or_compute_never_deletes_a_damaged_entry(tmp_path, root):
    entry = rs.write_entry("exp", Config(), rs.code_hash([]), DATA, rs.Computed({"v": 1}), root=root)
    (entry.path / "result.json").write_text('{"v": 2}\n')
    calls = []
    _, get = _get(root, lambda: calls.append(1) or {"v": 3}, command="solutions run exp")
    with pytest.raises(rs.CorruptEntry) as err:
        get()
    message = str(err.value)
    assert str(entry.path) in message and "result.json does not match" in message
    assert "solutions run exp --recompute" in message
    assert calls == [] and (entry.path / "result.json").read_text() == '{"v": 2}\n'
    _, get = _get(root, lambda: calls.append(1) or {"v": 3}, recompute=True)
    assert get().result == {"v": 3} and calls == [1]


def test_status_reports_a_damaged_entry_and_writes_nothing(root):
    entry = _write(root, 1)
    (entry.path / "metadata.json").write_text("{")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    report = rs.stale_entries([("exp", entry.key)], root)
    assert report.corrupt == (("exp", entry.key),) and not report.ok
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


# ---------------------------------------------------------------------------------------------
# 1. Replacing an entry is atomic: SIGKILL at random moments leaves the old or the new, whole.

WRITER = """
import sys
from dataclasses import dataclass
import numpy as np
from solutions.experiments import store as rs
@dataclass(frozen=True)
class Config:
    lr: float = 0.001
rs.write_entry("exp", Config(), "c" * 64, "d" * 64,
               rs.Computed({"v": 2}, {"v": np.full(200_000, 2, dtype=np.int64)}), root=sys.argv[1])
"""


@pytest.mark.slow
def test_sigkill_during_a_replacement_leaves_the_old_or_the_new_entry_whole(root):
    old = _write(root, 1, n=200_000)
    rng = random.Random(12)
    seen = set()
    for trial in range(16):
        env = {**PYTHON_ENV, "SOLUTIONS_STORE_PAUSE_S": "0.05"}  # 0.05 s before each step
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(root)], env=env)
        while not list((root / "exp").glob(f"{rs.TEMP_PREFIX}*")):  # the write has begun
            assert proc.poll() is None
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.45))  # six steps of 0.05 s, plus the writing itself
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        entry = rs.read_entry("exp", old.key, root)  # readers: never an error
        assert entry is not None and entry.result["v"] in (1, 2)
        assert (entry.arrays["v"] == entry.result["v"]).all()
        seen.add(entry.result["v"])
        rs.clean_leftovers(root)  # what the next start does
        assert rs.leftovers(root) == []
        assert sorted(p.name for p in (root / "exp").iterdir()) == [old.key[:16]]
        _write(root, 1, n=200_000)  # back to the old one
    assert seen == {1, 2}, seen  # the kills landed both before and after the swap


def test_a_killed_write_leaks_no_temporary_folder(root):
    key = rs.entry_key("exp", Config(), CODE, DATA)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = root / "exp" / f"{rs.TEMP_PREFIX}{key[:16]}-{dead.pid}-x"
    leftover.mkdir(parents=True)
    (leftover / "arrays.npz").write_bytes(b"\0" * 1000)
    assert rs.stale_entries([("exp", key)], root).leftovers == (leftover,)  # reported
    _write(root, 1)
    assert not leftover.exists() and rs.leftovers(root) == []


def test_a_replacement_killed_between_its_renames_is_read_and_restored(root):
    entry = _write(root, 1)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    aside = root / "exp" / f"{rs.OLD_PREFIX}{entry.key[:16]}-{dead.pid}"
    os.rename(entry.path, aside)  # the state right after the first rename
    assert rs.read_entry("exp", entry.key, root).result == {"v": 1}
    assert aside.exists() and not entry.path.exists()  # reading restored nothing
    assert rs.clean_leftovers(root) and rs.read_entry("exp", entry.key, root).path == entry.path


# ---------------------------------------------------------------------------------------------
# 5, 6. A read hashes exactly what it returns, metadata included, even beside a writer.


def test_reads_beside_a_concurrent_writer_are_whole(root):
    _write(root, 0)
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            i += 1
            _write(root, i)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        key = rs.entry_key("exp", Config(), CODE, DATA)
        for _ in range(300):
            entry = rs.read_entry("exp", key, root)
            assert entry is not None
            assert (entry.arrays["v"] == entry.result["v"]).all()
            assert entry.metadata["files"]["result.json"]
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("field, value", [("device", "cuda"), ("wall_time_s", 1.0), ("versions", {})])
def test_metadata_the_book_shows_is_covered_by_a_hash(root, field, value):
    entry = _write(root, 1)
    meta = json.loads((entry.path / "metadata.json").read_text())
    meta[field] = value
    (entry.path / "metadata.json").write_text(json.dumps(meta, indent=1))
    with pytest.raises(rs.CorruptEntry, match="metadata_sha256"):
        rs.read_entry("exp", entry.key, root)


def test_every_committed_entry_has_sealed_metadata():
    entries = sorted(rs.DEFAULT_ROOT.glob("*/*/metadata.json"))
    assert len(entries) >= 17  # palette, 13 colourization runs, 3 Q4 sweeps
    for path in entries:
        meta = json.loads(path.read_text())
        assert meta["metadata_sha256"] == rs._metadata_sha256(meta), path


# ---------------------------------------------------------------------------------------------
# 9. The command line: one line, exit 2, no traceback; a closed pipe ends quietly.


def _cli(*argv, env=None):
    return subprocess.run(
        [sys.executable, "-m", "solutions", *argv],
        capture_output=True,
        text=True,
        env={**PYTHON_ENV, **(env or {})},
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv, env, needle",
    [
        (["run", "palette", "--device", "mps"], {}, "device must be"),
        (["run", "palette", "--device", "cuda:7"], {}, "--device cuda:7"),
        (["run", "palette", "--recompute", "--device", "nonsense"], {}, "device must be"),
        (["frobnicate"], {}, "invalid choice"),
        (["status"], {horses_data.ENV_SOURCE: "/nonexistent/horses.npz"}, "no such file /nonexistent/horses.npz"),
    ],
)
def test_cli_errors_are_one_line_with_exit_status_2(argv, env, needle):
    out = _cli(*argv, env=env)
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in out.stderr, out.stderr


@pytest.mark.slow
def test_a_malformed_data_file_is_named(tmp_path):
    bad = tmp_path / "horses.npz"
    bad.write_bytes(b"not an npz")
    out = _cli("status", env={horses_data.ENV_SOURCE: str(bad)})
    assert out.returncode == 2 and str(bad) in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    archive = tmp_path / "horses.tar.gz"
    archive.write_bytes(b"junk")
    with pytest.raises(ValueError, match=str(archive)):
        horses_data.load_horses(archive, archive_md5=None)


@pytest.mark.slow
def test_a_damaged_entry_stops_run_naming_the_entry_and_the_command(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    entry_key = registry.key("palette")
    rs.write_entry(
        "cifar-palette",
        registry.RESULTS["palette"].config,
        rs.code_hash(registry.RESULTS["palette"].code),
        registry.horses().sha256,
        rs.Computed({"palette": [[0.5, 0.5, 0.5]] * 24}),
        root=results,
    )
    path = rs.entry_path(results, "cifar-palette", entry_key)
    (path / "result.json").write_text("{}")
    before = sorted(p.read_bytes() for p in path.iterdir())
    out = _cli("run", "palette", env={rs.ENV_RESULTS: str(results)})
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert str(path) in out.stderr and "solutions run palette --recompute" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    out = _cli("status", env={rs.ENV_RESULTS: str(results)})
    assert out.returncode == 1 and "damaged: palette" in out.stdout
    assert sorted(p.read_bytes() for p in path.iterdir()) == before  # nothing rewritten


def test_run_says_when_device_is_ignored_for_a_stored_result(tmp_path, monkeypatch, capsys):
    results = tmp_path / "results"
    r = registry.RESULTS["palette"]
    rs.write_entry(
        r.experiment,
        r.config,
        rs.code_hash(r.code),
        registry.horses().sha256,
        rs.Computed({"palette": [[0.5, 0.5, 0.5]] * 24}, device="cuda"),
        root=results,
    )
    monkeypatch.setenv(rs.ENV_RESULTS, str(results))
    assert main(["run", "palette", "--device", "cpu", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "already stored (computed on cuda); --device cpu ignored; use --recompute" in err


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly():
    out = subprocess.run(
        f"'{sys.executable}' -m solutions list | head -c 10", shell=True, capture_output=True, text=True, env=PYTHON_ENV
    )
    assert out.returncode == 0 and out.stderr == "", out.stderr


# ---------------------------------------------------------------------------------------------
# No user-supplied string reaches sympify.


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "x + 1", "1"])
def test_render_math_refuses_strings(text):
    with pytest.raises(ValueError, match="expr"):
        math(text)
    assert (
        math(sympy.Integer(2) * sympy.Symbol("x")) == "$2 \\cdot x$"
    )  # factors joined by a centred dot (9·NC·NF, not 9NCNF)


# ---------------------------------------------------------------------------------------------
# 2, 3. The book: a killed build leaves nothing marked current; every build is strict.

SLOW_ANSWER = """\
import os, pathlib, time
from .helper import base

def value():
    pathlib.Path(__file__).with_name("executing").write_text("now")
    time.sleep(float(os.environ.get("FAKEPKG_SLEEP", "0")))
    return base() + 40
"""


@pytest.mark.slow
def test_a_build_killed_while_executing_pages_leaves_them_stale(tmp_path):
    pkg = make_book(tmp_path)
    (pkg / "answer.py").write_text(SLOW_ANSWER)
    assert build(tmp_path)["uses_answer"] == "executed"
    assert "value is 41" in html_text(tmp_path, "uses_answer")
    marker = pkg / "executing"
    marker.unlink()
    (pkg / "helper.py").write_text("def base():\n    return 2\n")  # a code change
    killed = subprocess.Popen(
        build_command(tmp_path),
        env=build_env(tmp_path, FAKEPKG_SLEEP="120"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while not marker.exists():  # the page is executing the new code
        assert time.monotonic() < deadline and killed.poll() is None
        time.sleep(0.2)
    os.killpg(killed.pid, signal.SIGKILL)  # the build and its kernel
    killed.wait()
    # The next, unchanged build executes the page again and shows the new number.
    assert build(tmp_path)["uses_answer"] == "executed"
    assert "value is 42" in html_text(tmp_path, "uses_answer")


FAULTY_PAGE = PAGE.replace("{title}\n", "{title}\n\n{body}\n")


@pytest.mark.slow
def test_every_unchanged_build_fails_while_a_page_is_broken(tmp_path):
    make_book(tmp_path)
    book = tmp_path / "book"
    (book / "_config.yml").write_text(
        CONFIG.replace("nb_execution_raise_on_error: true", "nb_execution_raise_on_error: false")
    )
    (book / "_toc.yml").write_text(TOC + "  - file: glue_missing\n  - file: broken_ref\n  - file: failing_cell\n")
    (book / "glue_missing.md").write_text(
        FAULTY_PAGE.format(title="Glue", module="other", body="The value is {glue:text}`no_such_key`.")
    )
    (book / "broken_ref.md").write_text(
        FAULTY_PAGE.format(title="Ref", module="other", body="See {ref}`no-such-label`.")
    )
    (book / "failing_cell.md").write_text(
        FAULTY_PAGE.format(title="Fail", module="other", body="") + "\n```{code-cell} ipython3\n1 / 0\n```\n"
    )
    for attempt in range(3):  # the first, second and third unchanged builds all fail
        out = subprocess.run(
            build_command(tmp_path, "-n", "--keep-going"),
            env=build_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
        )
        text = out.stdout + out.stderr
        assert out.returncode != 0, (attempt, text[-3000:])
        for page, needle in (
            ("glue_missing", "no_such_key"),
            ("broken_ref", "no-such-label"),
            ("failing_cell", "Executing notebook failed"),
        ):
            assert needle in text, (attempt, page, text[-3000:])
    # Fixed: the build passes, and so does the next one.
    (book / "glue_missing.md").write_text(PAGE.format(title="Glue", module="other"))
    (book / "broken_ref.md").write_text(PAGE.format(title="Ref", module="other"))
    (book / "failing_cell.md").write_text(PAGE.format(title="Fail", module="other"))
    for _ in range(2):
        out = subprocess.run(
            build_command(tmp_path, "-n", "--keep-going"),
            env=build_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
