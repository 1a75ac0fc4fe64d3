"""The all-answers page: one row per question part, the answer boxes' own numbers, a link to each page.

The rows are read from the page (``all_answers.tables``) with stand-in values where a test only needs
the rows' shape; the numbers are compared with the answer pages' own modules.
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
# Every question part of the two homework sets (questions.md), as the page labels it.
PARTS = ["1(b)", "1(c) weights", "1(c) outputs", "1(c) connections", "1(c) doubled", "1(d)", "2(c)",
         "2(d)", "3(d)", "3(e)", "Q1.1", "Q1.2", "Q2 (a)", "Q2 (b)", "Q2 (c)", "Q2 (d)", "Q3 (1)",
         "Q3 (2)", "Q4 (1)", "Q4 (2)", "Q4 (3)", "Q4 (4)"]


class _Zeros(dict):
    """Stand-in values: every key is 0 (the rows' shape without computing anything)."""

    def __missing__(self, key):
        return 0


def _source_rows() -> list[str]:
    text = (ROOT / PAGE.file).read_text(encoding="utf-8")
    return [line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| part |")]


def _answer_box(page) -> str:
    text = (ROOT / page.file).read_text(encoding="utf-8")
    start = re.search(r"^:::+\{admonition\} Answer\s*$", text, re.M).end()
    return text[start:text.index(":::", start)]


def _linked_page(row: str):
    (target,) = set(DOC.findall(row))
    docname = (Path(PAGE.docname).parent / target).as_posix()
    return next(p for p in ANSWERS.values() if p.docname == docname)


def test_one_row_per_question_part_in_order():
    assert [r[0] for r in all_answers.rows(_Zeros())] == PARTS


def test_every_answer_page_has_a_row_and_every_row_links_an_answer_page():
    linked = [_linked_page(row).answer_id for row in _source_rows()]
    assert len(linked) == len(PARTS)
    assert set(linked) == set(ANSWERS) - {"answers"} == set(all_answers.KEYS)


def test_each_row_glues_only_keys_of_the_linked_pages_answer_box():
    for row in _source_rows():
        page = _linked_page(row)
        keys = set(GLUE.findall(row))
        assert keys <= set(GLUE.findall(_answer_box(page))), (page.answer_id, keys)
        assert keys <= set(all_answers.KEYS[page.answer_id]), (page.answer_id, keys)


def test_answer_values_cover_the_whole_answer_box():
    # The cheap answer_values() of a page gives every key its own answer box uses.
    for answer_id in all_answers.KEYS:
        page = ANSWERS[answer_id]
        source = (ROOT / "src" / "solutions" / "book" / "pages" / f"{page.module}.py").read_text()
        if "def answer_values" not in source:
            continue
        body = source[source.index("def answer_values"):source.index("\ndef values")]
        box = set(GLUE.findall(_answer_box(page)))
        assert box <= set(re.findall(r'"(\w+)":', body)), (answer_id, box)


def test_rows_carry_the_counting_numbers():
    # 1(c) at NF = 32, NC = 24 (cheap: no stored results)
    found = _Zeros(all_answers.answer_values("csc413-1c"))
    rows = {r[0]: r for r in all_answers.rows(found)}
    # weights 72·32² + 9·32·24 + 9·24² + 9·32 = 73,728 + 6,912 + 5,184 + 288 = 86,112
    assert "86,112" in rows["1(c) weights"][2]
    # doubled connections: 4 × (9216·32 + 8064·32² + 2304·32·24 + 9216·24²)
    #   = 4 × (294,912 + 8,257,536 + 1,769,472 + 5,308,416) = 4 × 15,630,336 = 62,521,344
    assert "62,521,344" in rows["1(c) doubled"][2] and "4 times" in rows["1(c) doubled"][2]
    # every link becomes the page's file
    assert rows["1(c) outputs"][3] == ANSWERS["csc413-1c"].file


def test_show_prints_every_row(monkeypatch):
    monkeypatch.setattr(all_answers, "values", lambda: _Zeros(all_answers.answer_values("cs5242-q2")))
    text = all_answers.show("text")
    for part in PARTS:
        assert f"part: {part}\n" in text
    assert "answer: $h \\times 2 \\times c_{1}$" in text        # Q2 (a): the kernel is h × 2 × c1
    assert "{glue" not in text and "{doc}" not in text


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
    for answer_id, keys in all_answers.KEYS.items():
        theirs = ANSWERS[answer_id].load().values()
        for key in keys:
            assert mine[key] == theirs[key], (answer_id, key)
