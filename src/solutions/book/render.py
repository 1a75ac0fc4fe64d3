"""Turning results into text: Markdown tables, LaTeX, and myst-nb glue.

Only this module formats; the answer modules return numbers and sympy
expressions. Tables are Markdown so that they are real tables in both the HTML
and the PDF.

>>> print(markdown_table(["a", "b"], [[1, "x"], [22, "y"]]))
| a | b |
|---:|---|
| 1 | x |
| 22 | y |
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import SupportsInt

import sympy

from solutions.answers.common import choice


# Column headers of a per-layer table (the rows of solutions.answers.counting.LayerRow).
LAYER_HEADERS = [
    "layer",
    "output (C × H × W)",
    "weights",
    "biases",
    "BN γ, β",
    "BN running stats",
    "outputs",
    "connections",
]


def fmt_int(n: SupportsInt) -> str:
    """Thousands separated: ``fmt_int(86784) == '86,784'``."""
    return f"{int(n):,}"


def math(expr: sympy.Basic | numbers.Number, style: str = "latex") -> str:
    r"""An expression as inline ``$…$`` LaTeX, or as plain text for a terminal.

    Only sympy objects and numbers are accepted: a string would go through
    ``sympify``, which evaluates it as Python.

    Factors are joined by ``\cdot``: multi-letter symbols such as NC and NF would otherwise run
    together ("9 NC NF" is typeset as "9NCNF").

    >>> math(sympy.Symbol("NF") ** 2 * 72)
    '$72 \\cdot NF^{2}$'
    >>> math("__import__('os')")
    Traceback (most recent call last):
    ValueError: expr must be a sympy expression or a number, got str
    """
    choice("style", style, ("latex", "text"))
    if isinstance(expr, sympy.Basic):
        pass
    elif isinstance(expr, numbers.Number) and not isinstance(expr, bool):
        expr = sympy.sympify(expr)  # a number: nothing to evaluate
    else:
        raise ValueError(f"expr must be a sympy expression or a number, got {type(expr).__name__}")
    if style == "text":
        return str(expr)
    if expr.is_Integer:
        return f"${fmt_int(expr)}$".replace(",", "{,}")
    return f"${sympy.latex(expr, mul_symbol='dot')}$"


def display_math(expr: object, style: str = "latex") -> str:
    r"""An expression on its own display line (``$$…$$``), or as plain text for a terminal.

    >>> print(display_math(sympy.Symbol("NF") * 9 + 3))
    $$
    9 \cdot NF + 3
    $$
    """
    text = math(expr, style)
    return text if style == "text" else "$$\n" + text[1:-1] + "\n$$"


def cell(value: object, style: str = "latex") -> str:
    """One table cell: ints separated, sympy as math, the rest as text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return fmt_int(value)
    if isinstance(value, sympy.Basic):
        return fmt_int(value) if value.is_Integer else math(value, style)
    if isinstance(value, tuple):  # a shape: parenthesise sums so "h − 2 × w" cannot misread
        return " × ".join(
            cell(sympy.Symbol(f"({v})") if style == "text" and isinstance(v, sympy.Add) else v, style) for v in value
        )
    return str(value)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]], style: str = "latex") -> str:
    """A Markdown table; columns whose cells are all numbers are right-aligned.

    Every header has words: an empty header cell leaves its column unnamed for a screen reader.

    >>> markdown_table(["a", " "], [[1, 2]])
    Traceback (most recent call last):
    ValueError: headers must all have words; header 2 is empty
    """
    for i, h in enumerate(headers, start=1):
        if not str(h).strip():
            raise ValueError(f"headers must all have words; header {i} is empty")
    numeric = [
        all(isinstance(r[i], numbers.Number) and not isinstance(r[i], bool) for r in rows) for i in range(len(headers))
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(cell(v, style) for v in row) + " |" for row in rows]
    return "\n".join(lines)


class GluedText:
    """A string glued for both roles: Markdown for ``{glue:md}``, the bare text for ``{glue:text}``.

    (IPython's ``Markdown`` shows as ``<IPython.core.display.Markdown object>`` under ``{glue:text}``.)

    >>> repr(GluedText("cpu")), GluedText("*x*")._repr_markdown_()
    ('cpu', '*x*')
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def glue_values(values: Mapping[str, object]) -> None:
    """Glue every value for the page (ints as ints, text as Markdown, no display).

    Strings become :class:`GluedText` (``{glue:md}`key:myst``` or ``{glue:text}`key```); ints and floats stay
    numbers (use ``{glue:text}`key:,```); numpy scalars are converted first;
    matplotlib figures are glued (use ``{glue:figure}``) and closed, so they are
    not shown twice.
    """
    from myst_nb import glue

    for key, value in values.items():
        if hasattr(value, "savefig"):  # a matplotlib Figure
            import matplotlib.pyplot as plt

            glue(key, value, display=False)
            plt.close(value)  # type: ignore[arg-type]  # a Figure (it has savefig)
            continue
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            value = value.item()  # numpy scalar → Python number
        if isinstance(value, str):
            value = GluedText(value)
        elif isinstance(value, sympy.Basic):
            value = int(value) if value.is_Integer else GluedText(math(value))
        glue(key, value, display=False)


def glue_page(module) -> None:
    """What a page's hidden cell does: glue ``module.values()`` (and ``module.figures()`` where it
    has them) after checking the typed sentences of ``module.CLAIMS`` against those values
    (:func:`solutions.book.claims.check`: a sentence the stored data do not support fails the build).
    """
    from solutions.book.claims import check

    values = module.values()
    check(module, values)
    glue_values(values)
    figures = getattr(module, "figures", None)
    if callable(figures):
        glue_values(figures())
