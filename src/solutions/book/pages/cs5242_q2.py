"""Page values for CS5242 HW5 Q2; computed in solutions.answers.conv_table."""

from __future__ import annotations

import sympy

from solutions.answers import conv_table
from solutions.answers.conv_shapes import general_formula
from solutions.book.render import markdown_table, math

Q2_EXAMPLE = {"h": 7, "w": 10, "c1": 4, "c2": 5}


def table(style: str = "latex") -> str:
    body = [[r.part, r.layer, r.asked, r.answer if len(r.answer) > 1 else r.answer[0],
             r.torch_layer, r.typical] for r in conv_table.q2_rows()]
    return markdown_table(["", "layer", "asked", "answer (h × w × c)", "in torch",
                           "typical answer"], body, style)


def torch_table(style: str = "latex") -> str:
    checks = conv_table.torch_check(**Q2_EXAMPLE)
    body = [[part, formula, measured, formula == measured]
            for part, (formula, measured) in checks.items()]
    return markdown_table(["", "formula", "torch", "match"], body, style)


def values() -> dict[str, object]:
    expr, _ = general_formula()
    checks = conv_table.torch_check(**Q2_EXAMPLE)
    return {
        "q2_general_formula": math(sympy.Eq(sympy.Symbol("n_{out}"), expr)),
        "q2_table": table(),
        "q2_kernel_width": int(conv_table.kernel_width_for_output()),
        "q2_torch_table": torch_table(),
        "q2_example": ", ".join(f"{k} = {v}" for k, v in Q2_EXAMPLE.items()),
        "q2_all_match": "yes" if all(f == m for f, m in checks.values()) else "**NO**",
    }


def show(style: str = "text") -> str:
    return table(style) + "\n\n" + torch_table(style)
