"""Output sizes of convolutions and poolings, as numbers and as sympy formulas.

One formula covers every case (per spatial dimension, as in ``torch.nn.Conv*d``)::

    out = floor((n + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1

With integers the functions validate their input and return ``int``; with
sympy symbols they return the formula, so the book can print it.

>>> conv_output_size(227, kernel=11, stride=4)   # AlexNet CONV1
55
>>> conv_output_size(27, kernel=5, padding=2)    # AlexNet CONV2
27
>>> conv_output_shape((32, 32), kernel=3, padding=1)
(32, 32)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TypeAlias

import sympy

Size: TypeAlias = int | sympy.Expr  # a whole number, or a sympy formula for one


def _is_symbolic(value: object) -> bool:
    return isinstance(value, sympy.Basic) and bool(value.free_symbols)


def _check_symbolic(name: str, value: sympy.Basic, minimum: int) -> sympy.Basic:
    """A size given as a formula: finite, and not declared below ``minimum`` or not a whole number."""
    below = value.is_nonnegative is False if minimum == 0 else value.is_positive is False
    if (
        not isinstance(value, sympy.Expr)
        or value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)
        or below
        or value.is_integer is False
    ):
        raise ValueError(f"{name} must be a whole number ≥ {minimum} or a formula for one, got {value!r}")
    return value


def _check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an int, or raise ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, sympy.Integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}"[:300])
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def conv_output_size(size: Size, kernel: Size, stride: Size = 1, padding: Size = 0, dilation: Size = 1) -> Size:
    """Length of a convolution's output along one dimension.

    Integers are validated: ``size`` ≥ 1, ``kernel`` ≥ 1, ``stride`` ≥ 1,
    ``padding`` ≥ 0, ``dilation`` ≥ 1, and the dilated kernel must fit in the
    padded input. Any sympy symbol among the arguments gives the formula.

    >>> conv_output_size(32, kernel=3, stride=3)
    10
    >>> h = sympy.Symbol("h", integer=True, positive=True)
    >>> conv_output_size(h, kernel=3, stride=3)
    floor(h/3)
    >>> conv_output_size(4, kernel=7)
    Traceback (most recent call last):
    ...
    ValueError: kernel: the dilated kernel (7) is larger than the padded input (4)
    """
    args = {"size": size, "kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation}
    symbolic = any(_is_symbolic(v) for v in args.values())
    for name, v in args.items():
        minimum = 0 if name == "padding" else 1
        args[name] = _check_symbolic(name, v, minimum) if _is_symbolic(v) else _check_int(name, v, minimum)
    size, kernel, stride, padding, dilation = args.values()
    if not symbolic and size < minimum_size(kernel, padding, dilation):
        raise ValueError(
            f"kernel: the dilated kernel ({dilation * (kernel - 1) + 1}) is larger "
            f"than the padded input ({size + 2 * padding})"
        )
    # The one formula (torch.nn.Conv*d's documentation); floor division on integers.
    out = sympy.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / sympy.sympify(stride)) + 1
    return out if symbolic else int(out)


def minimum_size(kernel: Size, padding: Size = 0, dilation: Size = 1) -> Size:
    """The smallest input length the dilated kernel fits in: ``dilation·(kernel − 1) + 1 − 2·padding``
    (at least 1).

    >>> minimum_size(3), minimum_size(3, padding=1), minimum_size(3, dilation=2)
    (3, 1, 5)
    >>> minimum_size(0)
    Traceback (most recent call last):
    ...
    ValueError: kernel must be >= 1, got 0
    """
    args = {"kernel": kernel, "padding": padding, "dilation": dilation}
    symbolic = any(_is_symbolic(v) for v in args.values())
    for name, v in args.items():
        minimum = 0 if name == "padding" else 1
        args[name] = _check_symbolic(name, v, minimum) if _is_symbolic(v) else _check_int(name, v, minimum)
    kernel, padding, dilation = args.values()
    low = sympy.Max(dilation * (kernel - 1) + 1 - 2 * padding, 1)
    return low if symbolic else int(low)


def _per_dim(name: str, value: Size | Sequence[Size], ndim: int) -> list[Size]:
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be an integer or a sequence of {ndim} integers, got {value!r}")
    if isinstance(value, Sequence):
        if len(value) != ndim:
            raise ValueError(f"{name} has {len(value)} entries but the input has {ndim} dimensions")
        return list(value)
    return [value] * ndim


def conv_output_shape(
    input_shape: Sequence[Size],
    kernel: Size | Sequence[Size],
    stride: Size | Sequence[Size] = 1,
    padding: Size | Sequence[Size] = 0,
    dilation: Size | Sequence[Size] = 1,
) -> tuple[Size, ...]:
    """Spatial output shape of an N-dimensional convolution (channels excluded).

    Scalars apply to every dimension, as in torch.

    >>> conv_output_shape((10, 9, 5), kernel=(3, 3, 2))
    (8, 7, 4)
    >>> conv_output_shape((10,), kernel=(3, 3))
    Traceback (most recent call last):
    ...
    ValueError: kernel has 2 entries but the input has 1 dimensions
    """
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence) or not input_shape:
        raise ValueError(f"input_shape must be a non-empty sequence of sizes, got {input_shape!r}")
    ndim = len(input_shape)
    for i, n in enumerate(input_shape):
        if _is_symbolic(n):
            _check_symbolic(f"input_shape[{i}]", n, 1)
        else:
            _check_int(f"input_shape[{i}]", n, 1)
    params = [
        _per_dim(n, v, ndim)
        for n, v in (("kernel", kernel), ("stride", stride), ("padding", padding), ("dilation", dilation))
    ]
    return tuple(conv_output_size(n, k, s, p, d) for n, k, s, p, d in zip(input_shape, *params))


def general_formula() -> tuple[sympy.Expr, dict[str, sympy.Symbol]]:
    """:func:`conv_output_size` with every argument a symbol: the formula the book prints.

    Not a second copy of the formula: it is :func:`conv_output_size` itself, called on symbols.

    >>> expr, s = general_formula()
    >>> expr.subs({s["n"]: 227, s["k"]: 11, s["s"]: 4, s["p"]: 0, s["d"]: 1})
    55
    """
    n, k, s = sympy.symbols("n k s", integer=True, positive=True)
    p = sympy.Symbol("p", integer=True, nonnegative=True)
    d = sympy.Symbol("d", integer=True, positive=True)
    return conv_output_size(n, k, s, p, d), {"n": n, "k": k, "s": s, "p": p, "d": d}
