"""The README, CONTRIBUTING.md and docs/: short where they must be, true to the repository, no history."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [
    README,
    ROOT / "CONTRIBUTING.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "benchmarks" / "mutation" / "README.md",
]


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_the_readme_is_short_and_task_first():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 120
    titles = re.findall(r"^## (.+)$", text, re.M)
    assert titles[:2] == ["Quick start", "In the terminal"]
    assert {"Where things are", "Add or change an answer", "Recompute stored results"} <= set(titles)
    quick = section(text, "Quick start")
    assert "make book" in quick and "make test" in quick
    assert re.search(r"^Then open `_build/html/index.html`\.$", quick, re.M)


def test_adding_an_answer_takes_at_most_eight_steps_naming_what_exists():
    steps = section(README.read_text(encoding="utf-8"), "Add or change an answer")
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", steps, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 8
    for path in re.findall(r"`((?:src|tests|benchmarks|book|\.github)/[^`<>*]+|_toc\.yml)`", steps):
        assert (ROOT / path).exists(), path
    from solutions.book import declarations, notebooks
    from solutions.book.pages import all_answers
    from solutions.experiments import registry

    assert declarations.PAGES and notebooks.RECIPES and all_answers.BOTTOM_KEYS and registry.RESULTS
    for name in (
        "PAGES",
        "RECIPES",
        "BOTTOM_KEYS",
        "RESULTS",
        "TESTS",
        "CLAIMS",
        "values()",
        "answer_values()",
        "show()",
    ):
        assert f"`{name}`" in steps or f"{name}`" in steps, name


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_a_document_names_exists(doc):
    text = doc.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:src|tests|benchmarks|docs|book|data|latex|\.ci|\.github)/[\w./-]+)`", text))
    named |= set(re.findall(r"`([A-Z]+[A-Z-]*\.md|LICENSE[\w-]*)`", text))
    missing = sorted(p for p in named if not (ROOT / p).exists() and not (doc.parent / p).exists())
    assert not missing, missing


PAGES_MD = sorted((ROOT / "book").rglob("*.md"))


def unknown_runs(text: str) -> list[str]:
    """The names after `solutions run` in ``text`` (`solutions run cnn unet-b100 …`, `solutions run
    sweep --jobs 2`) that are neither a result nor a group."""
    from solutions.experiments import names, registry

    known = {*registry.ALL_RESULTS, *names.GROUPS, "book", "all"}
    named = [n for run in re.findall(r"solutions run((?: [a-z][\w-]*(?![\w<-]))+)", text) for n in run.split()]
    return [n for n in named if n not in known]


@pytest.mark.parametrize("doc", DOCS + PAGES_MD, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_run_a_document_names_exists(doc):
    assert unknown_runs(doc.read_text(encoding="utf-8")) == []


def test_a_run_name_that_is_gone_is_caught():
    text = "Trained by `solutions run cnn unet --jobs 2`, `solutions run sweep` and `solutions run q4-<sweep>`."
    assert unknown_runs(text) == ["unet"]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_state_what_is_true_now(doc):
    text = doc.read_text(encoding="utf-8")
    history = re.findall(
        r"\(was [^)]*\)|\bwas \d|\bstop \d+|slip of mine|scripting slip|not pinned down|"
        r"\b(?:measured|trained) (?:on )?20\d\d-\d\d-\d\d|\bno longer\b|\bnow (?:draws|uses)\b",
        text,
    )
    assert not history, history


def test_the_reliability_promises_name_tests_that_exist():
    promises = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    tests = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests").glob("test_*.py")))
    named = re.findall(r"`(test_\w+)`", promises)
    assert len(named) >= 10
    assert [n for n in named if f"def {n}(" not in tests] == []
