import numpy as np
import pytest
import sympy

from conftest import FULL
from solutions.book.render import cell, fmt_int, markdown_table, math


# Pages that read stored results load the data set and run the trained networks: the book builds
# them on every change and the full tier checks them here; the fast tier skips them.
def _slow(page) -> bool:
    return bool(page.results)


def test_table_alignment_and_cells():
    table = markdown_table(["n", "f"], [[1234, sympy.Symbol("x") * 2], [5, "t"]])
    assert table.splitlines()[1] == "|---:|---|"
    assert "| 1,234 | $2 \\cdot x$ |" in table  # factors joined by \\cdot (NC NF would run together)


def test_shapes_and_text_style():
    h = sympy.Symbol("h")
    assert cell((h - 2, 3), style="text") == "(h - 2) × 3"
    assert math(sympy.Integer(86784)) == "$86{,}784$"
    assert fmt_int(np.int64(1000)) == "1,000"


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_every_answer_builds_its_values():
    from solutions.book.declarations import PAGES

    for page in PAGES:
        if page.module in (None, "build_status") or (_slow(page) and not FULL):
            continue
        values = page.load().values()
        assert values and all(not isinstance(v, np.generic) for v in values.values())
