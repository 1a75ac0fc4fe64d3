import pytest
import sympy

from conftest import FULL
from solutions.answers import alexnet_1x1 as ax


def test_parameter_increase():
    assert ax.added_parameters() == 2 * (96 * 96 + 96) + 2 * (256 * 256 + 256) == 150208
    assert ax.added_parameters(with_bias=False) == 149504
    with_blocks = sum(p.numel() for p in ax.alexnet_front(True).parameters())
    without = sum(p.numel() for p in ax.alexnet_front(False).parameters())
    assert with_blocks - without == ax.added_parameters()


def test_block_output_sizes():
    assert (ax.S1, ax.S2) == (55, 27)
    assert ax.added_saved_activation_floats() == 2 * 96 * 55 * 55 + 2 * 256 * 27 * 27


CASES = [(o, v) for v in ax.VARIANTS for o in ax.OPTIMIZERS] if FULL else \
    [("adam", "relu"), ("sgd", "no_relu"), ("sgd_momentum", "relu_inplace")]


@pytest.mark.parametrize("optimizer, variant", CASES)
def test_measured_bill_equals_closed_form(optimizer, variant):
    batch = 2
    assert ax.measured_bill(optimizer, batch, variant) == ax.closed_form_bill(optimizer, batch, variant)


def test_bill_formula_is_linear_in_batch():
    f = ax.bill_formula("adam")
    for b in (1, 3, 128):
        assert f.subs(ax.B, b) == ax.closed_form_bill("adam", b).total
    assert sympy.degree(f, ax.B) == 1


@pytest.mark.parametrize("call, name", [
    (lambda: ax.measured_bill("adamw"), "optimizer"),
    (lambda: ax.measured_bill("sgd", 0), "batch"),
    (lambda: ax.closed_form_bill("sgd", 2.0), "batch"),
    (lambda: ax.alexnet_front(True, "gelu"), "variant"),
    (lambda: ax.closed_form_bill("lbfgs"), "optimizer"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()
