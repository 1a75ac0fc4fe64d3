"""Page values for the all-answers page: every answer page's bottom line, as that page prints it.

The bottom line of an answer page is the first paragraph of its Answer box. This module reads it
from the page's source and fills in its glue roles with the values of the page's own module
(``answer_values()`` where it has one: the answer box's keys only; else ``values()``), so the
overview shows exactly the words and numbers of each page's box. ``show`` prints the same lines
in a terminal (``solutions show answers``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from solutions.book.declarations import ANSWERS

# answer id → the glue key of its bottom line on the all-answers page
BOTTOM_KEYS: dict[str, str] = {
    "csc413-1b": "all_csc413_1b",
    "csc413-1c": "all_csc413_1c",
    "csc413-1d": "all_csc413_1d",
    "csc413-2c": "all_csc413_2c",
    "csc413-2d": "all_csc413_2d",
    "csc413-3de": "all_csc413_3de",
    "cs5242-q1": "all_cs5242_q1",
    "cs5242-q2": "all_cs5242_q2",
    "cs5242-q3": "all_cs5242_q3",
    "cs5242-q4": "all_cs5242_q4",
}
ROOT = Path(__file__).resolve().parents[4]  # src/solutions/book/pages/ → repository
_GLUE = re.compile(r"\{glue(?::(\w+))?\}`([\w.-]+)(?::([^`]*))?`")
_ROLE = re.compile(r"\{(\w+)(?::\w+)?\}`([^`]*)`")
_BOX = re.compile(r"^(:::+)\{admonition\} Answer\s*\n(?::class:.*\n)?", re.M)


def answer_box(answer_id: str) -> str:
    """The source of ``answer_id``'s Answer box (between its opening and closing fences)."""
    page = ANSWERS[answer_id]
    text = (ROOT / page.file).read_text(encoding="utf-8")
    m = _BOX.search(text)
    if m is None:
        raise ValueError(f"{page.file} has no Answer box")
    end = re.compile(rf"^{m.group(1)}\s*$", re.M).search(text, m.end())
    if end is None:
        raise ValueError(f"{page.file}: the Answer box is not closed")
    return text[m.end() : end.start()].strip()


def bottom_line_source(answer_id: str) -> str:
    """The first paragraph of ``answer_id``'s Answer box, as typed (glue roles unfilled)."""
    return re.split(r"\n[ \t]*\n", answer_box(answer_id), maxsplit=1)[0].strip()


def answer_values(answer_id: str) -> dict[str, object]:
    """The answer box's values of ``answer_id``'s page (``answer_values()`` if it has one)."""
    if answer_id not in BOTTOM_KEYS:
        raise ValueError(f"answer_id must be one of {', '.join(BOTTOM_KEYS)}; got {answer_id!r}")
    module = ANSWERS[answer_id].load()
    return getattr(module, "answer_values", module.values)()


def fill(text: str, found: Mapping[str, object]) -> str:
    """Markdown with its glue roles filled in as myst-nb formats them.

    >>> fill("{glue:text}`a:.2f` and {glue:md}`b:myst`", {"a": 1.234, "b": "$x$"})
    '1.23 and $x$'
    """

    def glue(m: re.Match) -> str:
        value = found[m.group(2)]
        spec = m.group(3) or ""
        if m.group(1) == "md" or not spec:
            return str(value)
        return format(value, spec)

    return re.sub(r"\s+", " ", _GLUE.sub(glue, text)).strip()


def plain(text: str) -> str:
    """MyST inline markup as terminal text: roles by their words, emphasis marks dropped.

    >>> plain("the {term}`seed spread` and {term}`edges <edge pixels>`, **not** *this*")
    'the seed spread and edges, not this'
    """
    text = _ROLE.sub(lambda m: re.sub(r"\s*<[^>]*>$", "", m.group(2)), text)
    return re.sub(r"\*\*?([^*]+)\*\*?", r"\1", text)


def bottom_line(answer_id: str, found: Mapping[str, object] | None = None) -> str:
    """``answer_id``'s bottom line with its values filled in (MyST)."""
    found = answer_values(answer_id) if found is None else found
    return fill(bottom_line_source(answer_id), found)


def values() -> dict[str, object]:
    out: dict[str, object] = {}
    for answer_id, key in BOTTOM_KEYS.items():
        out[key] = bottom_line(answer_id)
    return out


def show(style: str = "text") -> str:
    found = values()
    blocks = []
    for answer_id, key in BOTTOM_KEYS.items():
        line = str(found[key])
        title = ANSWERS[answer_id].title
        blocks.append(f"== {title} ==\n{plain(line) if style == 'text' else line}")
    return "\n\n".join(blocks)
