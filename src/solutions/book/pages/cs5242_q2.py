"""Page values for CS5242 HW5 Q2; computed in solutions.answers.conv_table.

Every formula is printed by sympy's LaTeX printer from the expression itself (tests parse each
printed formula back and compare). Products are written with an explicit ``\\times``, as
torch's documentation writes the formula, so that ``d \\times (k - 1)`` cannot be read as a
function ``d(k − 1)``.
"""

from __future__ import annotations

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from solutions.answers import conv_table
from solutions.answers.conv_shapes import general_formula
from solutions.book.claims import Claim
from solutions.book.render import markdown_table

Q2_EXAMPLE = {"h": 7, "w": 10, "c1": 4, "c2": 5}
N_OUT = sympy.Symbol("n_{out}")


class _ShapePrinter(LatexPrinter):
    """sympy's LaTeX printer; a shape (an unevaluated product) keeps its factors in order, h × w × c."""

    def __init__(self, shape: sympy.Mul):
        super().__init__({"mul_symbol": "times"})
        self._shape = shape

    def _print_Mul(self, expr):
        if expr is self._shape:
            return r" \times ".join(self.parenthesize(a, PRECEDENCE["Mul"], strict=True) for a in expr.args)
        return super()._print_Mul(expr)


def shape_expr(shape: tuple[sympy.Expr, ...]) -> sympy.Expr:
    """A shape as the unevaluated product the page prints (a single entry stays itself)."""
    return shape[0] if len(shape) == 1 else sympy.Mul(*shape, evaluate=False)


def latex(expr: sympy.Basic) -> str:
    """Inline LaTeX of a formula, a relation or a shape, from sympy's printer."""
    if isinstance(expr, sympy.Mul) and not expr.is_Integer:
        return f"${_ShapePrinter(expr).doprint(expr)}$"
    return f"${sympy.latex(expr, mul_symbol='times')}$"


def formulas() -> dict[str, sympy.Basic]:
    """Every formula the page prints, by glue key: the expressions the tests parse back."""
    rows = {r.part: r for r in conv_table.q2_rows()}
    expr, _ = general_formula()
    h_ok, w_ok, c1_ok = conv_table.assumptions()
    return {
        "q2_general_formula": sympy.Eq(N_OUT, expr),
        "q2_a": shape_expr(rows["a"].answer),
        "q2_b": shape_expr(rows["b"].answer),
        "q2_c": shape_expr(rows["c"].answer),
        "q2_d": shape_expr(rows["d"].answer),
        "q2_h_min": h_ok,
        "q2_w_min": w_ok,
        "q2_c1_min": c1_ok,
    }


def table(style: str = "latex") -> str:
    show = latex if style == "latex" else (lambda e: str(e))
    body = [
        [r.part, r.layer, r.asked, show(shape_expr(r.answer)), r.torch_layer, r.typical, r.typical_right]
        for r in conv_table.q2_rows()
    ]
    return markdown_table(
        ["part", "layer", "asked", "answer (h × w × c)", "in torch", "typical answer", "typical right"], body, style
    )


def torch_table(style: str = "latex") -> str:
    checks = conv_table.torch_check(**Q2_EXAMPLE)
    body = [[part, formula, measured, formula == measured] for part, (formula, measured) in checks.items()]
    return markdown_table(["part", "formula", "torch", "match"], body, style)


def values() -> dict[str, object]:
    checks = conv_table.torch_check(**Q2_EXAMPLE)
    printed = {key: latex(expr) for key, expr in formulas().items()}
    return {
        "q2_general_formula": printed["q2_general_formula"],
        "q2_a": printed["q2_a"],
        "q2_b": printed["q2_b"],
        "q2_c": printed["q2_c"],
        "q2_d": printed["q2_d"],
        "q2_h_min": printed["q2_h_min"],
        "q2_w_min": printed["q2_w_min"],
        "q2_c1_min": printed["q2_c1_min"],
        "q2_table": table(),
        "q2_kernel_width": int(conv_table.kernel_width_for_output()),
        "q2_torch_table": torch_table(),
        "q2_example": ", ".join(f"{k} = {v}" for k, v in Q2_EXAMPLE.items()),
        "q2_all_match": "yes" if all(f == m for f, m in checks.values()) else "**NO**",
        "q2_typical_all_right": "yes" if all(r.typical_right for r in conv_table.q2_rows()) else "**NO**",
    }


# The typed sentences of the page about computed results, each with what makes it true.
CLAIMS = (
    Claim("is correct: it equals", lambda q2_typical_all_right: q2_typical_all_right == "yes"),
    Claim("Every entry of the typical answer equals ours", lambda q2_typical_all_right: q2_typical_all_right == "yes"),
    Claim("Every row matches", lambda q2_all_match: q2_all_match == "yes"),
)


def show(style: str = "text") -> str:
    return table(style) + "\n\n" + torch_table(style)
