import pytest
import sympy
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

from solutions.answers.conv_shapes import conv_output_shape, conv_output_size, general_formula, minimum_size

from solutions.answers.threads import one_thread

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    with one_thread():  # tiny tensors: threads only add overhead
        yield


@st.composite
def conv_configs(draw):
    ndim = draw(st.integers(1, 3))
    dims = []
    for _ in range(ndim):
        kernel = draw(st.integers(1, 5))
        dilation = draw(st.integers(1, 3))
        padding = draw(st.integers(0, 3))
        span = dilation * (kernel - 1) + 1
        low = max(1, span - 2 * padding)
        size = draw(st.integers(low, low + (10 if ndim == 3 else 20)))
        stride = draw(st.integers(1, 4))
        dims.append((size, kernel, stride, padding, dilation))
    return ndim, dims


@given(conv_configs())
def test_size_formula_matches_torch_output_shape(config):
    ndim, dims = config
    sizes, kernels, strides, paddings, dilations = map(tuple, zip(*dims))
    x = torch.zeros(1, 1, *sizes)
    w = torch.zeros(1, 1, *kernels)
    out = CONV[ndim](x, w, stride=strides, padding=paddings, dilation=dilations)
    assert conv_output_shape(sizes, kernels, strides, paddings, dilations) == tuple(out.shape[2:])


@given(conv_configs())
def test_symbolic_formula_matches_torch_dilation_included(config):
    # The formula the book prints (conv_output_size on symbols), evaluated, against torch's shape.
    ndim, dims = config
    expr, sym = general_formula()
    sizes, kernels, strides, paddings, dilations = map(tuple, zip(*dims))
    out = CONV[ndim](
        torch.zeros(1, 1, *sizes), torch.zeros(1, 1, *kernels), stride=strides, padding=paddings, dilation=dilations
    )
    for (n, k, s, p, d), got in zip(dims, out.shape[2:]):
        assert expr.subs({sym["n"]: n, sym["k"]: k, sym["s"]: s, sym["p"]: p, sym["d"]: d}) == got


@given(st.integers(1, 50), st.integers(1, 7), st.integers(1, 5), st.integers(0, 3), st.integers(1, 3))
def test_symbolic_and_numeric_paths_agree(n, k, s, p, d):
    assume(d * (k - 1) + 1 <= n + 2 * p)  # a valid convolution (the error tests cover the rest)
    expr, sym = general_formula()
    value = expr.subs({sym["n"]: n, sym["k"]: k, sym["s"]: s, sym["p"]: p, sym["d"]: d})
    assert value == conv_output_size(n, k, s, p, d)


def test_the_printed_formula_is_conv_output_size_itself():
    expr, sym = general_formula()
    assert expr == conv_output_size(sym["n"], sym["k"], sym["s"], sym["p"], sym["d"])
    # by hand, torch's documented formula: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1
    n, k, s, p, d = (sym[c] for c in "nkspd")
    assert expr == sympy.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1


def test_dilation_counts_by_hand():
    # n = 10, k = 3, d = 2: the kernel spans 2·(3 − 1) + 1 = 5 inputs, so 10 − 5 + 1 = 6 outputs;
    # stride 2 → ⌊(10 − 5)/2⌋ + 1 = 3; padding 1 → ⌊(12 − 5)/1⌋ + 1 = 8
    assert conv_output_size(10, 3, dilation=2) == 6
    assert conv_output_size(10, 3, stride=2, dilation=2) == 3
    assert conv_output_size(10, 3, padding=1, dilation=2) == 8
    d = sympy.Symbol("d", integer=True, positive=True)
    assert conv_output_size(10, 3, dilation=d) == 10 - 2 * d  # ⌊10 − d·(3 − 1) − 1⌋ + 1 = 10 − 2d


def test_minimum_size_by_hand():
    assert minimum_size(3) == 3  # 1·(3 − 1) + 1
    assert minimum_size(3, padding=1) == 1  # 3 − 2 = 1
    assert minimum_size(5, dilation=2) == 9  # 2·4 + 1
    assert minimum_size(1, padding=3) == 1  # never below 1
    with pytest.raises(ValueError, match="^padding"):
        minimum_size(3, padding=-1)
    with pytest.raises(ValueError, match="^dilation"):
        minimum_size(3, dilation=0)


def test_minimum_size_subtracts_twice_the_padding_and_returns_a_plain_int():
    assert minimum_size(7, padding=1) == 5  # 1·(7 − 1) + 1 − 2·1 = 5
    assert minimum_size(9, padding=2) == 5  # 9 − 4
    assert type(minimum_size(3)) is int  # numbers in, a Python int out
    k = sympy.Symbol("k", integer=True, positive=True)
    assert minimum_size(k) == sympy.Max(k, 1)  # symbols in, a formula out: 1·(k − 1) + 1 = k


def test_a_symbolic_size_still_checks_the_other_arguments():
    # with h symbolic the "kernel fits" check cannot run; each argument is still checked itself
    h = sympy.Symbol("h", integer=True, positive=True)
    for kwargs, name in ((dict(dilation=0), "dilation"), (dict(kernel=0), "kernel"), (dict(stride=0), "stride")):
        with pytest.raises(ValueError, match=rf"^{name} must be >= 1"):
            conv_output_size(h, **{"kernel": 3, **kwargs})


def test_alexnet_sizes():
    assert conv_output_size(227, 11, stride=4) == 55
    assert conv_output_size(27, 5, padding=2) == 27


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(size=4, kernel=7), "kernel"),
        (dict(size=4, kernel=3, dilation=2), "kernel"),
        (dict(size=10, kernel=3, stride=0), "stride"),
        (dict(size=10, kernel=3, stride=-1), "stride"),
        (dict(size=10, kernel=3, padding=-1), "padding"),
        (dict(size=-5, kernel=3), "size"),
        (dict(size=0, kernel=1), "size"),
        (dict(size=10.0, kernel=3), "size"),
        (dict(size=10, kernel=2.5), "kernel"),
        (dict(size=10, kernel=True), "kernel"),
        (dict(size=10, kernel=3, dilation=0), "dilation"),
        (dict(size="10", kernel=3), "size"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        conv_output_size(**kwargs)


def test_shape_arguments_must_match_dimensions():
    with pytest.raises(ValueError, match="stride"):
        conv_output_shape((10, 10), kernel=3, stride=(1, 1, 1))
    with pytest.raises(ValueError, match="^kernel has 1 entries but the input has 2"):
        conv_output_shape((10, 10), kernel=(3,))  # too few entries, not only too many
    with pytest.raises(ValueError, match="input_shape"):
        conv_output_shape((), kernel=3)


def test_symbols_give_a_formula():
    h = sympy.Symbol("h", integer=True, positive=True)
    assert conv_output_size(h, 3) == h - 2
    with pytest.raises(ValueError, match="stride"):
        conv_output_size(h, 3, stride=0)
