"""The all-answers page: each answer page's bottom line (its Answer box's first paragraph), filled
with that page's own values, and a link to the page.

Cheap pages (1(c), Q2, Q3's counts) are filled for real; the others with stand-in values where a
test only needs the shape.
"""

import re
from pathlib import Path

import pytest

from conftest import FULL
from solutions.book.declarations import ANSWERS, BY_MODULE
from solutions.book.pages import all_answers

ROOT = Path(__file__).resolve().parents[1]
PAGE = BY_MODULE["all_answers"]
GLUE = re.compile(r"\{glue(?::\w+)?\}`([\w.-]+?)(?::[^`]*)?`")
DOC = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")


class _Zeros(dict):
    """Stand-in values: every key is 0 (the lines' shape without computing anything)."""

    def __missing__(self, key):
        return 0


def _page_lines() -> list[str]:
    return [
        line
        for line in (ROOT / PAGE.file).read_text(encoding="utf-8").splitlines()
        if line.startswith("{glue:md}`all_")
    ]


def test_one_bottom_line_per_answer_page_in_the_order_of_the_book():
    glued = [GLUE.findall(line)[0] for line in _page_lines()]
    assert glued == list(all_answers.BOTTOM_KEYS.values())
    assert list(all_answers.BOTTOM_KEYS) == [a for a in ANSWERS if a != "answers"]


def test_each_line_links_the_page_its_bottom_line_comes_from():
    for line, (answer_id, key) in zip(_page_lines(), all_answers.BOTTOM_KEYS.items()):
        (target,) = DOC.findall(line)
        assert (Path(PAGE.docname).parent / target).as_posix() == ANSWERS[answer_id].docname, key


def test_the_bottom_line_is_the_first_paragraph_of_the_answer_box(tmp_path, monkeypatch):
    page = tmp_path / "book" / "p.md"
    page.parent.mkdir()
    page.write_text(
        "# T\n\n::::{admonition} Answer\n:class: tip\n\nYes: {glue:text}`a:.1f` %,\n"
        "{glue:md}`b:myst`.\n\nEvidence {glue:text}`c`.\n::::\n\n## Body\n"
    )
    monkeypatch.setattr(all_answers, "ROOT", tmp_path)
    monkeypatch.setitem(all_answers.ANSWERS, "csc413-1b", type("P", (), {"file": "book/p.md"})())
    assert all_answers.bottom_line_source("csc413-1b") == "Yes: {glue:text}`a:.1f` %,\n{glue:md}`b:myst`."
    assert all_answers.bottom_line("csc413-1b", {"a": 40.06, "b": "$x$"}) == "Yes: 40.1 %, $x$."


def test_answer_values_cover_every_bottom_line():
    # the cheap answer_values() of a page gives every key of its bottom line
    for answer_id in all_answers.BOTTOM_KEYS:
        page = ANSWERS[answer_id]
        source = (ROOT / "src" / "solutions" / "book" / "pages" / f"{page.module}.py").read_text()
        if "def answer_values" not in source:
            continue
        body = source[source.index("def answer_values") : source.index("\ndef values")]
        keys = set(GLUE.findall(all_answers.bottom_line_source(answer_id)))
        assert keys <= set(re.findall(r'"(\w+)":', body)), (answer_id, keys)


def test_the_counting_numbers_reach_the_overview():
    line = all_answers.bottom_line("csc413-1c")
    # weights 72·32² + 9·32·24 + 9·24² + 9·32 = 73,728 + 6,912 + 5,184 + 288 = 86,112
    assert "86,112" in line
    assert "{glue" not in line


def test_show_prints_every_page_title_and_no_markup(monkeypatch):
    monkeypatch.setattr(
        all_answers,
        "values",
        lambda: {k: "Yes: {term}`seed spread` and **bold** $x$" for k in all_answers.BOTTOM_KEYS.values()},
    )
    text = all_answers.show("text")
    for answer_id in all_answers.BOTTOM_KEYS:
        assert f"== {ANSWERS[answer_id].title} ==" in text
    assert "Yes: seed spread and bold $x$" in text
    assert "{term}" not in text and "**" not in text


def test_show_answers_is_an_answer_id():
    assert ANSWERS["answers"] is PAGE


def test_answer_values_rejects_an_unknown_id():
    with pytest.raises(ValueError, match="answer_id"):
        all_answers.answer_values("csc413-9z")


def test_q3_parameters_on_the_page_are_the_answer_pages():
    # 2(96² + 96) + 2(256² + 256) = 18,624 + 131,584 = 150,208
    assert all_answers.answer_values("cs5242-q3")["q3_params"] == 150_208


@pytest.mark.skipif(not FULL, reason="runs every answer page's values (minutes; the full tier)")
def test_the_numbers_are_the_answer_pages_numbers():
    mine = all_answers.values()
    for answer_id, key in all_answers.BOTTOM_KEYS.items():
        theirs = ANSWERS[answer_id].load().values()
        assert mine[key] == all_answers.fill(all_answers.bottom_line_source(answer_id), theirs), answer_id
