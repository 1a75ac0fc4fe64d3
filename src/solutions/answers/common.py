"""What every layer shares: the assignment's defaults and the argument checks.

One definition of each default (CSC413 PA2's kernel 3, NF = 32 filters,
NC = 24 colours) and of each check. A check returns the value it accepts and
raises ``ValueError`` naming the parameter otherwise; ``bool`` is never a
number here (``True == 1`` in Python, but ``num_filters=True`` is a mistake).

>>> positive_int("num_filters", 32)
32
>>> positive_int("num_filters", True)
Traceback (most recent call last):
ValueError: num_filters must be a positive integer, got True
>>> positive_number("learning_rate", 1e-3)
0.001
>>> choice("model", "unet", ("cnn", "unet"))
'unet'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

KERNEL = 3  # every convolution of the colourization networks: 3×3, padding kernel // 2
NUM_FILTERS = 32  # NF, the assignment's num_filters
NUM_COLOURS = 24  # NC, the palette size
IMAGE_SIDE = 32  # CIFAR-10 images are 32×32


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(name: str, value: object) -> int:
    """``value`` if it is an integer ≥ 1 (numpy integers included), else ``ValueError``."""
    if not _is_int(value) or value < 1:  # type: ignore[operator]  # keys stored results
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)  # type: ignore[call-overload, no-any-return]  # keys stored results


def non_negative_int(name: str, value: object) -> int:
    """``value`` if it is an integer ≥ 0, else ``ValueError``.

    >>> non_negative_int("seed", -1)
    Traceback (most recent call last):
    ValueError: seed must be a non-negative integer, got -1
    """
    if not _is_int(value) or value < 0:  # type: ignore[operator]  # keys stored results
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)  # type: ignore[call-overload, no-any-return]  # keys stored results


def int_at_least(name: str, value: object, minimum: int) -> int:
    """``value`` if it is an integer ≥ ``minimum``, else ``ValueError``.

    >>> int_at_least("stride", 0, 1)
    Traceback (most recent call last):
    ValueError: stride must be an integer ≥ 1, got 0
    """
    if not _is_int(value) or value < minimum:  # type: ignore[operator]  # keys stored results
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)  # type: ignore[call-overload, no-any-return]  # keys stored results


def positive_number(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number > 0, else ``ValueError``."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def finite_number(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number, else ``ValueError``.

    >>> finite_number("a", float("nan"))
    Traceback (most recent call last):
    ValueError: a must be a finite number, got nan
    """
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def choice(name: str, value: object, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``, else ``ValueError`` listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value
