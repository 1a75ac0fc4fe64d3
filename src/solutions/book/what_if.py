"""Sphinx extension and data: what-if inputs (``{what-if} ID``) that recompute an answer's counts in
the page for the reader's sizes.

For each widget (:data:`WIDGETS`: CSC413 1(c) in NF, NC and the input's side; CS5242 Q2 in h, w,
c1, c2; CS5242 Q3 in the batch size and the optimizer) the package's own sympy expressions are
written out as mathjs expressions (:func:`to_mathjs`: fully bracketed, integers and fractions
exact) into ``_static/checker/what-if.js`` at the end of an HTML build; the page parses them with
the vendored mathjs in exact fractions and evaluates them at the reader's values (nothing the
reader types is parsed: the inputs are whole numbers and a choice). Where a count is not one
formula in an input (1(c)'s side: pooling floors the sizes; Q3's optimizer), that input selects a
set of formulas, one per value it may take. The homework's values are the defaults, and a reset
button restores them. HTML only: in the PDF the directive is nothing.

>>> to_mathjs(sympy.floor(sympy.Symbol("h") / 3) + 1, {sympy.Symbol("h"): "h"})
'(1 + floor(((1/3) * h)))'
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import sympy
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

SCRIPTS = ("mathjs/math.min.js", "checker/what-if.js", "what-if.js")
MARK = 'class="what-if"'


def to_mathjs(expr: object, names: dict[sympy.Symbol, str]) -> str:
    """``expr`` as a mathjs expression with every operation bracketed (nothing left to precedence).

    Integers, fractions, the symbols of ``names``, sums, products, whole powers, floor and ceiling;
    anything else raises ValueError (so nothing reaches the page that the page would read
    differently).
    """
    e = sympy.sympify(expr)
    if e.is_Integer:
        return str(int(e)) if e >= 0 else f"(-{-int(e)})"
    if e.is_Rational:
        return f"({e.p}/{e.q})" if e > 0 else f"(-{-e.p}/{e.q})"
    if e.is_Symbol:
        if e not in names:
            raise ValueError(f"expr: no input is named for the symbol {e}")
        return names[e]
    if e.is_Add:
        return "(" + " + ".join(to_mathjs(a, names) for a in e.args) + ")"
    if e.is_Mul:
        return "(" + " * ".join(to_mathjs(a, names) for a in e.args) + ")"
    if e.is_Pow and e.exp.is_Integer:
        k = int(e.exp)
        base = to_mathjs(e.base, names)
        return f"({base} ^ {k})" if k >= 0 else f"(1 / ({base} ^ {-k}))"
    if isinstance(e, sympy.floor):
        return f"floor({to_mathjs(e.args[0], names)})"
    if isinstance(e, sympy.ceiling):
        return f"ceil({to_mathjs(e.args[0], names)})"
    raise ValueError(f"expr must be built of sums, products, whole powers, floor and ceiling, got {e}")


@dataclass(frozen=True)
class Input:
    """One input of a widget: a whole number in [low, high], or one of ``choices``."""

    name: str
    label: str
    default: int | str
    low: int = 1
    high: int = 1024
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)


@dataclass(frozen=True)
class Output:
    key: str
    label: str


@dataclass(frozen=True)
class Widget:
    """One what-if widget: its inputs, its outputs, and the formulas of each output; ``select``
    names the input whose value picks the set of formulas (None: one set)."""

    title: str
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    formulas: dict[str, dict[str, list[str]]]  # select value ("" without one) → output → formulas
    select: str | None = None
    unit: str = ""

    def data(self) -> dict:
        return {
            "title": self.title,
            "select": self.select,
            "unit": self.unit,
            "inputs": [
                {
                    "name": i.name,
                    "label": i.label,
                    "default": i.default,
                    "min": i.low,
                    "max": i.high,
                    "choices": [list(c) for c in i.choices],
                }
                for i in self.inputs
            ],
            "outputs": [{"key": o.key, "label": o.label} for o in self.outputs],
            "formulas": self.formulas,
        }


# ---------------------------------------------------------------- CSC413 1(c)

C1C_SIDES = (4, 128)  # the input's side: 4 is the least the two poolings allow
C1C_OUTPUTS = (
    ("weights", "weights (conv kernel entries)"),
    ("parameters", "learnable parameters (weights, biases, BatchNorm γ, β)"),
    ("outputs", "outputs (every layer's output elements)"),
    ("connections", "connections (multiply-accumulates of the convs)"),
)


def c1c_formulas(side: int) -> dict[str, sympy.Expr]:
    """The four counts of the book's answer for a side × side input, in NF and NC
    (:func:`solutions.answers.counting.total` of each quantity's count at that side)."""
    from solutions.answers import counting

    return {
        key: sympy.sympify(counting.total(replace(counting.QUANTITIES[key].answer, side=side)))
        for key, _ in C1C_OUTPUTS
    }


def _c1c() -> Widget:
    from solutions.answers import counting

    names = {counting.NF: "NF", counting.NC: "NC"}
    side = counting.QUANTITIES["weights"].answer.side
    return Widget(
        "What if the network or the image were another size?",
        (
            Input("NF", "NF (filters)", counting.DEFAULTS[counting.NF], 1, 512),
            Input("NC", "NC (colours)", counting.DEFAULTS[counting.NC], 1, 512),
            Input("side", "input side (pixels)", side, *C1C_SIDES),
        ),
        tuple(Output(k, label) for k, label in C1C_OUTPUTS),
        {
            str(s): {k: [to_mathjs(f, names)] for k, f in c1c_formulas(s).items()}
            for s in range(C1C_SIDES[0], C1C_SIDES[1] + 1)
        },
        select="side",
    )


# ---------------------------------------------------------------- CS5242 Q2

Q2_LABELS = {"a": "(a) kernel size", "b": "(b) number of kernels", "c": "(c) output size", "d": "(d) output size"}


def _q2() -> Widget:
    from solutions.answers import checker, conv_table

    names = {conv_table.H: "h", conv_table.W: "w", conv_table.C1: "c1", conv_table.C2: "c2"}
    defaults = {names[s]: int(v) for s, v in checker.get("cs5242-q2-output-size-c").defaults.items()}
    low = {"h": 3, "w": 3, "c1": 2, "c2": 1}  # the kernels fit (conv_table.assumptions)
    for rel in conv_table.assumptions():
        low[names[rel.lhs]] = int(rel.rhs)
    rows = conv_table.q2_rows()
    return Widget(
        "What if the input had other sizes?",
        tuple(
            Input(n, label, defaults[n], low[n], 1024)
            for n, label in (
                ("h", "h (height)"),
                ("w", "w (width)"),
                ("c1", "c1 (input channels)"),
                ("c2", "c2 (kernels in (a)–(c))"),
            )
        ),
        tuple(Output(r.part, Q2_LABELS[r.part]) for r in rows),
        {"": {r.part: [to_mathjs(x, names) for x in r.answer] for r in rows}},
    )


# ---------------------------------------------------------------- CS5242 Q3

Q3_ITEMS = (
    ("parameters", "parameters"),
    ("gradients", "their gradients"),
    ("optimizer_state", "optimizer state"),
    ("saved_activations", "activations saved for backward"),
    ("held", "held at the peak: all of the above"),
    ("activation_gradients", "gradients of the new layers' outputs"),
    ("total", "every item at once (an upper bound)"),
)
Q3_OPTIMIZERS = (("sgd", "SGD"), ("sgd_momentum", "SGD with momentum"), ("adam", "Adam"))
Q3_HELD = ("parameters", "gradients", "optimizer_state", "saved_activations")


def q3_formulas(optimizer: str) -> dict[str, sympy.Expr]:
    """Each item of the blocks' added training memory, in bytes, as a formula in the batch size
    B (:data:`solutions.answers.alexnet_1x1.B`): every item of
    :func:`~solutions.answers.alexnet_1x1.closed_form_bill` grows linearly in the batch, so its
    formula is fitted through the bills at B = 1 and 2 and checked at B = 3; "total" is
    :func:`~solutions.answers.alexnet_1x1.bill_formula`; "held" what the answer bills (the items a
    step holds at its peak)."""
    from solutions.answers import alexnet_1x1

    bills = [alexnet_1x1.closed_form_bill(optimizer, b).as_dict() for b in (1, 2, 3)]
    out: dict[str, sympy.Expr] = {}
    for key in bills[0]:
        one, two = (sympy.Integer(b[key]) for b in bills[:2])
        out[key] = sympy.expand(one + (two - one) * (alexnet_1x1.B - 1))
        if out[key].subs(alexnet_1x1.B, 3) != bills[2][key]:
            raise ValueError(f"optimizer {optimizer}: the bill's {key} is not linear in the batch")
    if sympy.expand(out["total"] - alexnet_1x1.bill_formula(optimizer)) != 0:
        raise ValueError(f"optimizer {optimizer}: the items do not add up to bill_formula")
    out["held"] = sympy.expand(sum((out[k] for k in Q3_HELD), sympy.Integer(0)))
    return out


def _q3() -> Widget:
    from solutions.answers import alexnet_1x1
    from solutions.book.pages import cs5242_q3

    names = {alexnet_1x1.B: "B"}
    return Widget(
        "What if the batch or the optimizer were different?",
        (
            Input("B", "batch size B (images)", cs5242_q3.Q3_BATCH, 1, 4096),
            Input("optimizer", "optimizer", cs5242_q3.Q3_ALEXNET_OPTIMIZER, choices=Q3_OPTIMIZERS),
        ),
        tuple(Output(k, label) for k, label in Q3_ITEMS),
        {opt: {k: [to_mathjs(f, names)] for k, f in q3_formulas(opt).items()} for opt, _ in Q3_OPTIMIZERS},
        select="optimizer",
        unit="bytes",
    )


WIDGETS = {"csc413-1c": _c1c, "cs5242-q2": _q2, "cs5242-q3": _q3}


@cache
def widget(ident: str) -> Widget:
    if ident not in WIDGETS:
        raise ValueError(f"what-if id must be one of {', '.join(WIDGETS)}; got {ident!r}")
    return WIDGETS[ident]()


def page_data() -> dict[str, dict]:
    """Every widget's data, JSON-ready (what ``_static/checker/what-if.js`` holds)."""
    return {ident: widget(ident).data() for ident in WIDGETS}


# ---------------------------------------------------------------- the directive


def box_html(ident: str) -> str:
    """The widget's markup; what-if.js fills in the numbers (hidden without JavaScript)."""
    w = widget(ident)
    fields = []
    for i in w.inputs:
        label = html.escape(i.label)
        if i.choices:
            options = "".join(
                f'<option value="{html.escape(v)}"{" selected" if v == i.default else ""}>{html.escape(text)}</option>'
                for v, text in i.choices
            )
            fields.append(f'<label>{label} <select name="{i.name}">{options}</select></label>')
        else:
            fields.append(
                f'<label>{label} <input type="number" name="{i.name}" value="{i.default}" '
                f'min="{i.low}" max="{i.high}" step="1" inputmode="numeric" required></label>'
            )
    homework = ", ".join(f"{i.name} = {dict(i.choices).get(str(i.default), i.default)}" for i in w.inputs)
    unit = f" ({html.escape(w.unit)})" if w.unit else ""
    rows = "".join(
        f'<tr><th scope="row">{html.escape(o.label)}</th><td data-key="{o.key}" data-at="yours"></td>'
        f'<td data-key="{o.key}" data-at="homework"></td></tr>'
        for o in w.outputs
    )
    return (
        f'<div {MARK} data-what-if="{html.escape(ident)}" hidden>'
        f'<p class="what-if-title"><strong>{html.escape(w.title)}</strong> Set the values: the page '
        f"recomputes the answer from the package's formulas.</p>"
        f'<div class="what-if-inputs">{"".join(fields)}'
        f'<button type="button" class="what-if-reset">Reset to {html.escape(homework)}</button></div>'
        f'<p class="what-if-note" aria-live="polite"></p>'
        f'<div class="pst-scrollable-table-container"><table class="table what-if-table"><thead><tr>'
        f'<th scope="col">count{unit}</th><th scope="col">at your values</th>'
        f'<th scope="col">at the homework\'s values</th></tr></thead>'
        f'<tbody aria-live="polite">{rows}</tbody></table></div></div>'
    )


class WhatIf(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        try:
            markup = box_html(self.arguments[0])
        except ValueError as err:
            raise self.error(str(err)) from None
        return [nodes.raw("", markup, format="html")]


def _page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and any(MARK in n.astext() for n in doctree.findall(nodes.raw)):
        for script in SCRIPTS:
            app.add_js_file(script)


def _write_data(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "_static" / "checker"
    out.mkdir(parents=True, exist_ok=True)
    data = json.dumps(page_data(), ensure_ascii=False)
    (out / "what-if.json").write_text(data, encoding="utf-8")
    (out / "what-if.js").write_text(f"window.SOLUTIONS_WHAT_IF = {data};\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_directive("what-if", WhatIf)
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _write_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
