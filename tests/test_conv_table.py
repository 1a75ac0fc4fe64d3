import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solutions.answers.conv_table import kernel_width_for_output, q2_rows, torch_check


def test_kernel_width_solves_the_output_width():
    assert kernel_width_for_output() == 2


@settings(max_examples=40)
@given(st.integers(3, 12), st.integers(3, 12), st.integers(2, 5), st.integers(1, 4))
def test_every_row_matches_torch(h, w, c1, c2):
    for part, (formula, measured) in torch_check(h, w, c1, c2).items():
        assert formula == measured, part


def test_rows_are_the_four_parts():
    assert [r.part for r in q2_rows()] == ["a", "b", "c", "d"]


@pytest.mark.parametrize("kwargs, name", [
    (dict(h=0, w=5, c1=2, c2=1), "h"), (dict(h=5, w=5.5, c1=2, c2=1), "w"),
    (dict(h=2, w=5, c1=2, c2=1), "h and w"), (dict(h=5, w=5, c1=2, c2=-1), "c2"),
])
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        torch_check(**kwargs)
