"""Sphinx extension: an offline "check your answer" box under an answer (``{answer-check} ID``).

In HTML the directive is an input box; the reader's expression is parsed by the
vendored mathjs (``_extra/_static/mathjs/math.min.js``, installed by ``make book``),
only numbers, the check's symbols and + − × ÷ ^ are allowed, and it is evaluated
at the fixed points for which the build wrote every variant's value
(:func:`solutions.answers.checker.page_data`) into ``_static/checker/checks.json`` and
``checks.js``. No server and no network: the page compares numbers. In the PDF
the directive is a table of the check's common slips instead.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from solutions.answers import checker
from solutions.book.render import fmt_int, math

logger = logging.getLogger(__name__)
MATHJS = Path("_extra") / "_static" / "mathjs" / "math.min.js"
SCRIPTS = ("mathjs/math.min.js", "checker/checks.js", "checker/checker.js")
MARK = 'class="answer-check"'


class AnswerCheck(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        ident = self.arguments[0]
        try:
            c = checker.get(ident)
        except ValueError as err:
            raise self.error(str(err)) from None
        symbols = ", ".join(c.symbols)
        box = (f'<div {MARK} data-check="{html.escape(ident)}">'
               f'<label>Your formula for the {html.escape(c.label)}, in {html.escape(symbols)}: '
               f'<input type="text" size="40" spellcheck="false" autocomplete="off" '
               f'placeholder="e.g. 9NF^2 + 3NC"></label>'
               f'<div class="answer-check-result" aria-live="polite" data-verdict=""></div></div>')
        # In the PDF, where there is no box: the slips the check names, their formulas typeset.
        printed = addnodes.only(expr="latex")
        printed += nodes.paragraph(text=f"Common slips in the {c.label}:")
        at = ", ".join(f"{s} = {v}" for s, v in c.defaults.items())
        printed += _table(["slip", "its formula", f"at {at}"], [40, 44, 16],
                          [[n, _math(v), fmt_int(x)] for n, v, x in checker.common_slips(ident)])
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
    (out / "checker.js").write_text(WIDGET_JS, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_directive("answer-check", AnswerCheck)
    app.connect("builder-inited", _check_mathjs)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _write_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


# The widget: parse with mathjs, refuse any node but numbers, allowed symbols and + − × ÷ ^,
# evaluate at the build's points, compare with every variant. Never calls math.evaluate on text.
WIDGET_JS = r"""(function () {
  "use strict";
  var DATA = window.SOLUTIONS_CHECKS || {};
  var SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  var OPS = {add: 1, subtract: 1, multiply: 1, divide: 1, pow: 1, unaryMinus: 1, unaryPlus: 1};

  function normalise(text) {
    return text.replace(/[×·⋅∗]/g, "*").replace(/[−–]/g, "-").replace(/÷/g, "/").replace(/\*\*/g, "^")
      .replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]+/g, function (m) {
        return "^" + m.split("").map(function (c) { return SUP.indexOf(c); }).join("");
      });
  }

  function splitName(word, symbols) {          // NFNC -> NF*NC
    if (!word) return [];
    var names = symbols.slice().sort(function (a, b) { return b.length - a.length; });
    for (var i = 0; i < names.length; i++) {
      if (word.indexOf(names[i]) === 0) {
        var rest = splitName(word.slice(names[i].length), symbols);
        if (rest) return [names[i]].concat(rest);
      }
    }
    return null;
  }

  function compile(text, check) {
    var src = normalise(text);
    if (!src.trim()) throw new Error("type an expression");
    if (src.length > 300) throw new Error("input longer than 300 characters");
    var bad = src.search(/[^0-9A-Za-z_+\-*\/^().\s]/);
    if (bad >= 0) throw new Error("syntax error at column " + (bad + 1) + ": unexpected character '" + src[bad] + "'");
    src = src.replace(/[A-Za-z_][A-Za-z0-9_]*/g, function (word, at) {
      var parts = splitName(word, check.symbols);
      if (!parts) throw new Error("unknown symbol '" + word + "' at column " + (at + 1) + "; allowed: " + check.symbols.join(", "));
      return parts.length === 1 ? word : "(" + parts.join("*") + ")";   // keeps columns for plain names
    });
    var node;
    try { node = math.parse(src); } catch (e) { throw new Error("syntax error: " + e.message); }
    node.traverse(function (n) {
      if (n.type === "OperatorNode") { if (!OPS[n.fn]) throw new Error("operator '" + n.op + "' is not allowed"); }
      else if (n.type === "SymbolNode") { if (check.symbols.indexOf(n.name) < 0) throw new Error("unknown symbol '" + n.name + "'"); }
      else if (n.type !== "ConstantNode" && n.type !== "ParenthesisNode") throw new Error("not allowed: " + n.type);
      if (n.type === "ConstantNode" && typeof n.value !== "number") throw new Error("only numbers are allowed");
    });
    return node.compile();
  }

  function same(a, b) {
    for (var i = 0; i < b.length; i++) {
      if (!isFinite(a[i]) || Math.abs(a[i] - b[i]) > 1e-9 * Math.max(1, Math.abs(b[i]))) return false;
    }
    return true;
  }

  function fmt(x) { return Number.isInteger(x) ? x.toLocaleString("en-US") : String(+x.toPrecision(8)); }

  function where(check) {
    return Object.keys(check.defaults).map(function (k) { return k + "=" + check.defaults[k]; }).join(", ");
  }

  function judge(text, check) {
    var code = compile(text, check);
    var yours = check.points.map(function (p) {
      var v = code.evaluate(Object.assign({}, p));
      if (typeof v !== "number") throw new Error("not a number");
      return v;
    });
    if (same(yours, check.answer.values)) return {verdict: "correct", text: "correct"};
    for (var i = 0; i < check.conventions.length; i++) {
      if (same(yours, check.conventions[i].values)) {
        return {verdict: "convention", text: "correct under another convention: " + check.conventions[i].name +
          ". The book's answer is " + check.answer.text + "."};
      }
    }
    for (var j = 0; j < check.slips.length; j++) {
      var s = check.slips[j];
      if (same(yours, s.values)) {
        return {verdict: "slip", text: "not the book's answer" + (s.convention ? " (under the convention: " + s.convention + ")" : "") +
          ": " + s.parts.join("; ") + ". Yours gives " + fmt(yours[0]) + " at " + where(check) +
          ", the book's " + fmt(check.answer.values[0]) + "."};
      }
    }
    return {verdict: "unknown", text: "not the book's answer, and no known slip gives it: yours gives " + fmt(yours[0]) +
      " at " + where(check) + ", the book's " + fmt(check.answer.values[0]) + "."};
  }

  function attach(box) {
    var check = DATA[box.getAttribute("data-check")];
    var input = box.querySelector("input");
    var out = box.querySelector(".answer-check-result");
    if (!check || !input || !out) return;
    function update() {
      if (!input.value.trim()) { out.textContent = ""; out.setAttribute("data-verdict", ""); return; }
      var r;
      try { r = judge(input.value, check); } catch (e) { r = {verdict: "error", text: "cannot read this: " + e.message}; }
      out.textContent = r.text;
      out.setAttribute("data-verdict", r.verdict);
    }
    input.addEventListener("input", update);
    update();
  }

  function start() { Array.prototype.forEach.call(document.querySelectorAll(".answer-check"), attach); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
"""
