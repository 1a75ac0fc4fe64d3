import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy.parsing.latex import parse_latex

from solutions.answers.conv_table import C1, C2, H, W, assumptions, kernel_width_for_output, q2_rows, torch_check
from solutions.book.pages import cs5242_q2


def test_kernel_width_solves_the_output_width():
    # ⌊(w − k)/1⌋ + 1 = w − 1  ⇔  k = 2
    assert kernel_width_for_output() == 2


def test_the_four_entries_by_hand():
    rows = {r.part: r.answer for r in q2_rows()}
    assert rows["a"] == (H, 2, C1)  # whole height, 2 columns, all channels
    assert rows["b"] == (C2,)  # one kernel per output channel
    assert rows["c"] == (sympy.floor(H / 3), sympy.floor(W / 3), C2)  # ⌊(h − 3)/3⌋ + 1 = ⌊h/3⌋
    assert rows["d"] == (H - 2, W - 2, C1 - 1)  # 3×3×2 kernel, stride 1


def test_the_four_entries_at_the_example_by_hand():
    # h = 7, w = 10, c1 = 4, c2 = 5: (a) 7×2×4; (b) 5; (c) ⌊7/3⌋ = 2, ⌊10/3⌋ = 3 → 2×3×5;
    # (d) (7 − 2)×(10 − 2)×(4 − 1) = 5×8×3
    checks = torch_check(h=7, w=10, c1=4, c2=5)
    assert {p: f for p, (f, _) in checks.items()} == {"a": (7, 2, 4), "b": (5,), "c": (2, 3, 5), "d": (5, 8, 3)}


def test_assumptions_by_hand():
    # 3×3 kernels need h, w ≥ 3; the depth-2 kernel of (d) needs c1 ≥ 2
    assert assumptions() == (sympy.Ge(H, 3), sympy.Ge(W, 3), sympy.Ge(C1, 2))


def test_the_typical_answer_is_right_everywhere():
    # questions.md: (a) h×2×c1, (b) c2, (c) (⌊(h−3)/3⌋+1)×(⌊(w−3)/3⌋+1)×c2, (d) (h−2)×(w−2)×(c1−1)
    assert [r.typical_right for r in q2_rows()] == [True, True, True, True]


def test_a_wrong_typical_answer_is_caught():
    import dataclasses

    row = dataclasses.replace(q2_rows()[3], typical_expr=(H - 2, W - 2, C1))
    assert not row.typical_right


@given(st.integers(3, 12), st.integers(3, 12), st.integers(2, 5), st.integers(1, 4))
def test_every_row_matches_torch(h, w, c1, c2):
    for part, (formula, measured) in torch_check(h, w, c1, c2).items():
        assert formula == measured, part


def test_rows_are_the_four_parts():
    assert [r.part for r in q2_rows()] == ["a", "b", "c", "d"]


def _by_name(expr):
    return str(expr).replace("{", "").replace("}", "")


@pytest.mark.parametrize("key", list(cs5242_q2.formulas()))
def test_each_printed_formula_parses_back_to_its_expression(key):
    expr = cs5242_q2.formulas()[key]
    printed = cs5242_q2.values()[key] if key == "q2_general_formula" else cs5242_q2.latex(expr)
    assert printed == cs5242_q2.values()[key]
    assert printed.startswith("$") and printed.endswith("$")
    parsed = parse_latex(printed[1:-1], backend="lark")
    names = {_by_name(s): s for s in expr.free_symbols}
    parsed = parsed.subs({s: names[_by_name(s)] for s in parsed.free_symbols})
    if isinstance(expr, sympy.Rel):
        assert type(parsed) is type(expr)
        assert sympy.simplify(parsed.lhs - expr.lhs) == 0 and sympy.simplify(parsed.rhs - expr.rhs) == 0
    else:
        assert sympy.simplify(parsed - expr.doit()) == 0
    if isinstance(expr, sympy.Mul):  # a shape: its factors printed in order, h × w × c
        at = [printed.index(cs5242_q2.latex(f).strip("$")) for f in expr.args]
        assert at == sorted(at)


def test_shape_sums_are_parenthesised():
    # "h − 2 × w − 2" would read as h − 2w − 2; the printed shape must keep the parentheses
    printed = cs5242_q2.latex(cs5242_q2.formulas()["q2_d"])
    assert printed == r"$\left(h - 2\right) \times \left(w - 2\right) \times \left(c_{1} - 1\right)$"


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(h=0, w=5, c1=2, c2=1), "h"),
        (dict(h=5, w=5.5, c1=2, c2=1), "w"),
        (dict(h=2, w=5, c1=2, c2=1), "h"),
        (dict(h=5, w=2, c1=2, c2=1), "w"),
        (dict(h=5, w=5, c1=1, c2=1), "c1"),
        (dict(h=5, w=5, c1=2, c2=-1), "c2"),
        (dict(h=True, w=5, c1=2, c2=1), "h"),
    ],
)
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        torch_check(**kwargs)
