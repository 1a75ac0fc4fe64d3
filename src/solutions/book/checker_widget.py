"""Sphinx extension: an offline "check your answer" box (``{answer-check} ID``), for every id of
``solutions check --list``.

In HTML the directive is an input box; the reader's answer (a formula, a shape ``h-2, w-2, c1-1``,
an order ``O(n)`` or a factor ``×4``) is parsed by the vendored mathjs
(``_extra/_static/mathjs/math.min.js``, installed by ``make book``) in exact fractions, only
numbers, the check's symbols and functions and + − × ÷ ^ are allowed, and the verdict is reached
from the data the build writes to ``_static/checker/checks.json`` and ``checks.js``
(:func:`solutions.answers.checker.page_data`: every variant's values at the command line's points,
or its order), by ``assets/static/answer-check.js``. No server and no network. In the PDF the
directive is a table of the check's common slips, or nothing with the ``:html-only:`` flag.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from solutions.answers import checker
from solutions.book.render import fmt_int, math

logger = logging.getLogger(__name__)
MATHJS = Path("_extra") / "_static" / "mathjs" / "math.min.js"
SCRIPTS = ("mathjs/math.min.js", "checker/checks.js", "answer-check.js")
MARK = 'class="answer-check"'
# What the box asks for, and an example, by the kind of answer.
_ASK = {
    "formula": "Your formula for the {label}, in {symbols}",
    "shape": "Your {label}: height, width, channels separated by commas, in {symbols}",
    "order": "Your order for the {label}",
    "factor": "Your factor: the {label}",
}


def _placeholder(c: checker.Check, names: list[str]) -> str:
    if c.kind == "shape":
        return "e.g. h-1, w-1, c2"
    if c.kind == "order":
        return "e.g. O(n^2)"
    if c.kind == "factor":
        return "e.g. ×2"
    if not names:
        return "e.g. 150 208"
    if len(names) == 1:
        return f"e.g. 1000{names[0]} + 5000"
    return f"e.g. 9{names[0]}^2 + 3{names[1]}"


class AnswerCheck(SphinxDirective):
    required_arguments = 1
    option_spec: ClassVar[dict] = {"html-only": directives.flag}  # no table of slips in the PDF

    def run(self) -> list[nodes.Node]:
        ident = self.arguments[0]
        try:
            c = checker.get(ident)
        except ValueError as err:
            raise self.error(str(err)) from None
        first: dict = {}
        for name, symbol in c.symbols.items():  # each symbol by its first name (c1, not c_1)
            first.setdefault(symbol, name)
        names = list(first.values())
        if c.kind == "formula" and not names:
            ask = f"Your number for the {c.label}"
        else:
            ask = _ASK[c.kind].format(label=c.label, symbols=", ".join(names))
        box = (
            f'<div {MARK} data-check="{html.escape(ident)}">'
            f"<label>{html.escape(ask)}: "
            f'<input type="text" size="40" spellcheck="false" autocomplete="off" '
            f'placeholder="{html.escape(_placeholder(c, names))}"></label>'
            f'<div class="answer-check-result" aria-live="polite" data-verdict=""></div></div>'
        )
        if "html-only" in self.options:
            return [nodes.raw("", box, format="html")]
        # In the PDF, where there is no box: the slips the check names, their formulas typeset.
        printed = addnodes.only(expr="latex")
        printed += nodes.paragraph(text=f"Common slips in the {c.label}:")
        at = ", ".join(f"{s} = {v}" for s, v in c.defaults.items())
        printed += _table(
            ["slip", "its formula", f"at {at}"],
            [40, 44, 16],
            [[n, _math(v), fmt_int(x)] for n, v, x in checker.common_slips(ident)],
        )
        return [nodes.raw("", box, format="html"), printed]


def _math(value: object) -> nodes.math:
    """A slip's formula as typeset math (a shape's factors joined by ×)."""
    parts = value if isinstance(value, tuple) else (value,)
    return nodes.math(text=r" \times ".join(math(p)[1:-1] for p in parts))


def _table(headers: list[str], widths: list[int], rows: list[list[object]]) -> nodes.table:
    """A table with the given relative column widths (LaTeX: fixed columns, labels whole)."""
    table = nodes.table(classes=["colwidths-given"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body
    for target, cells in ((head, [headers]), (body, rows)):
        for cells_row in cells:
            row = nodes.row()
            for value in cells_row:
                entry = nodes.entry()
                para = nodes.paragraph()
                para += value if isinstance(value, nodes.Node) else nodes.Text(str(value))
                entry += para
                row += entry
            target += row
    return table


def _check_mathjs(app: Sphinx) -> None:
    if app.builder.format == "html" and not (Path(app.srcdir) / MATHJS).exists():
        logger.warning(f"{MATHJS} is missing: run `make mathjs` (npm mathjs); the answer checkers need it")


def _page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and any(MARK in n.astext() for n in doctree.findall(nodes.raw)):
        for script in SCRIPTS:
            app.add_js_file(script)


def _write_data(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "_static" / "checker"
    out.mkdir(parents=True, exist_ok=True)
    data = json.dumps(checker.page_data(), ensure_ascii=False, indent=None)
    (out / "checks.json").write_text(data, encoding="utf-8")
    (out / "checks.js").write_text(f"window.SOLUTIONS_CHECKS = {data};\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_directive("answer-check", AnswerCheck)
    app.connect("builder-inited", _check_mathjs)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _write_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
