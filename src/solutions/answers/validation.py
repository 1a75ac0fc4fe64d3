"""The argument checks the public functions of :mod:`solutions.answers` run first.

Each check returns the value it accepts (as the plain type the caller computes with: an ``int``,
a ``float``, a float array, a tuple) and raises ``ValueError`` for a wrong value, or
:class:`WrongType` (both a ``TypeError`` and a ``ValueError``) for a wrong kind of object, with a
one-line message that starts with the parameter's name.
What counts as meaningless everywhere: ``bool`` where a number is meant (``True == 1`` in
Python, but ``batch=True`` is a mistake); NaN, ±inf and sympy's ``oo``, ``zoo``, ``nan`` where a
finite number is meant; a non-integer (2.5, 5/2) where a size is meant; an empty array, or one
with NaN, where data are meant; arrays that should pair up but differ in length.

The first checks (:func:`positive_int`, :func:`non_negative_int`, :func:`positive_number`,
:func:`finite_number`) are defined in :mod:`solutions.answers.common`, beside the assignment's
defaults, and re-exported here; :func:`choice` and :func:`int_at_least` here also check their
other arguments.

>>> number("noise_sd", 0.3, minimum=0)
0.3
>>> number("noise_sd", float("nan"), minimum=0)
Traceback (most recent call last):
ValueError: noise_sd must be a finite number ≥ 0, got nan
>>> array("predictions", [[1.0, 2.0]], ndim=2).shape
(1, 2)
>>> array("predictions", [], ndim=1)
Traceback (most recent call last):
ValueError: predictions must be an array that is not empty, got shape (0,)
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np

from solutions.answers import common
from solutions.answers.common import finite_number, non_negative_int, positive_int, positive_number

__all__ = [
    "WrongType",
    "array",
    "boolean",
    "choice",
    "finite_number",
    "instance",
    "int_at_least",
    "integer",
    "mapping",
    "non_negative_int",
    "number",
    "ordered",
    "positive_int",
    "positive_number",
    "same_shape",
    "sequence",
    "text",
]

if TYPE_CHECKING:
    from typing_extensions import TypeIs

T = TypeVar("T")


class WrongType(TypeError, ValueError):
    """An argument of the wrong kind (a string for an array, a dict for a Spread): a TypeError,
    and a ValueError like every other refused argument, so callers catch either."""


def _is_int(value: object) -> TypeIs[numbers.Integral]:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value: object) -> TypeIs[numbers.Real]:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _bound(name: str, value: object) -> float | None:
    if value is None:
        return None
    if not (_is_real(value) and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number or None, got {value!r}")
    return float(value)


def _bounds(minimum: float | None, maximum: float | None, strict: bool) -> str:
    low, high = (">", "<") if strict else ("≥", "≤")
    parts = ([f"{low} {minimum:g}"] if minimum is not None else []) + (
        [f"{high} {maximum:g}"] if maximum is not None else []
    )
    return " " + " and ".join(parts) if parts else ""


def integer(name: str, value: object, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` if it is a whole number (not a bool) within the bounds.

    >>> integer("dy", -2)
    -2
    >>> integer("top", 2.5, minimum=0)
    Traceback (most recent call last):
    ValueError: top must be a whole number ≥ 0, got 2.5
    """
    if minimum is not None and not _is_int(minimum):
        raise ValueError(f"minimum must be a whole number or None, got {minimum!r}")
    if maximum is not None and not _is_int(maximum):
        raise ValueError(f"maximum must be a whole number or None, got {maximum!r}")
    if not _is_int(value) or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be a whole number{_bounds(minimum, maximum, False)}, got {value!r}")
    return int(value)


def number(
    name: str, value: object, minimum: float | None = None, maximum: float | None = None, *, strict: bool = False
) -> float:
    """``value`` as a ``float`` if it is a finite real number (not a bool) within the bounds
    (``strict``: the bounds themselves excluded)."""
    minimum, maximum = _bound("minimum", minimum), _bound("maximum", maximum)
    strict = boolean("strict", strict)
    x = float(value) if _is_real(value) else math.nan  # the number returned is the one checked
    if (
        not math.isfinite(x)
        or (minimum is not None and not (x > minimum if strict else x >= minimum))
        or (maximum is not None and not (x < maximum if strict else x <= maximum))
    ):
        raise ValueError(f"{name} must be a finite number{_bounds(minimum, maximum, strict)}, got {value!r}")
    return x


def int_at_least(name: str, value: object, minimum: int) -> int:
    """``value`` if it is an integer ≥ ``minimum`` (a whole number itself), else ``ValueError``.

    >>> int_at_least("stride", 0, 1)
    Traceback (most recent call last):
    ValueError: stride must be an integer ≥ 1, got 0
    """
    if not _is_int(minimum):
        raise ValueError(f"minimum must be a whole number, got {minimum!r}")
    return common.int_at_least(name, value, minimum)


def choice(name: str, value: object, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices`` (a non-empty sequence of strings), else ``ValueError``
    listing them.

    >>> choice("mode", "full", ("full", "last"))
    'full'
    """
    if (
        isinstance(choices, (str, bytes))
        or not isinstance(choices, (Sequence, frozenset, set))
        or not choices
        or not all(isinstance(c, str) for c in choices)
    ):
        raise ValueError(f"choices must be a non-empty sequence of strings, got {choices!r}"[:300])
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}"[:400])
    return value


def boolean(name: str, value: object) -> bool:
    """``value`` if it is ``True`` or ``False`` (numpy's too); 1, 0 and strings are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def text(name: str, value: object) -> str:
    """``value`` if it is a string, else ``TypeError``."""
    if not isinstance(value, str):
        raise WrongType(f"{name} must be a string, got {value!r}")
    return value


@overload
def instance(name: str, value: object, kind: type[T]) -> T: ...
@overload
def instance(name: str, value: object, kind: tuple[type[T], ...]) -> T: ...
def instance(name: str, value: object, kind: type[T] | tuple[type[T], ...]) -> T:
    """``value`` if it is an instance of ``kind``, else ``TypeError`` naming what was expected.

    >>> instance("config", {}, dict)
    {}
    """
    if not (isinstance(kind, type) or (isinstance(kind, tuple) and kind and all(isinstance(k, type) for k in kind))):
        raise WrongType(f"kind must be a type or a tuple of types, got {kind!r}")
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        raise WrongType(f"{name} must be a {' or '.join(k.__name__ for k in kinds)}, got {value!r}"[:300])
    return value


def array(
    name: str,
    value: object,
    *,
    ndim: int | tuple[int, ...] | None = None,
    kinds: str = "biuf",
    finite: bool = True,
    empty: bool = False,
    dtype: Any = None,
) -> np.ndarray:
    """``value`` as a numpy array of numbers (booleans, integers or floats: ``kinds``, numpy's
    dtype kinds) with ``ndim`` dimensions, not empty (unless ``empty``) and, for floats, with no
    NaN or infinity (unless ``finite=False``); converted to ``dtype`` if given.

    >>> array("mask", [[True, False]], ndim=2, kinds="b").dtype
    dtype('bool')
    >>> array("x", ["a"])
    Traceback (most recent call last):
    ValueError: x must be an array of numbers, got dtype <U1
    """
    wanted_ndim = (ndim,) if _is_int(ndim) else ndim
    if wanted_ndim is not None and (
        not isinstance(wanted_ndim, tuple) or not wanted_ndim or not all(_is_int(d) and d >= 0 for d in wanted_ndim)
    ):
        raise ValueError(f"ndim must be a whole number ≥ 0, a tuple of them, or None, got {ndim!r}")
    if not isinstance(kinds, str) or not kinds or set(kinds) - set("biufcmMOSUV"):
        raise ValueError(f"kinds must be numpy dtype kinds such as 'biuf', got {kinds!r}")
    finite, empty = boolean("finite", finite), boolean("empty", empty)
    if dtype is not None:
        try:
            if not isinstance(dtype, (np.dtype, type, str)):
                raise TypeError
            dtype = np.dtype(dtype)
        except TypeError:
            raise WrongType(f"dtype must be a numpy dtype, got {dtype!r}") from None
    if (
        value is None
        or isinstance(value, (str, bytes, Mapping))
        or (callable(value) and not isinstance(value, np.ndarray))
    ):
        raise WrongType(f"{name} must be an array, got {type(value).__name__}")
    try:
        a = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be an array of one shape ({err})") from None
    if a.dtype.kind not in kinds:
        what = (
            "numbers"
            if "f" in kinds
            else "integers"
            if set(kinds) & set("iu")
            else "booleans"
            if kinds == "b"
            else f"dtype kinds {kinds!r}"
        )
        raise ValueError(f"{name} must be an array of {what}, got dtype {a.dtype}")
    if wanted_ndim is not None and a.ndim not in wanted_ndim:
        raise ValueError(
            f"{name} must be an array of {' or '.join(map(str, wanted_ndim))} dimensions, got shape {a.shape}"
        )
    if not empty and a.size == 0:
        raise ValueError(f"{name} must be an array that is not empty, got shape {a.shape}")
    if finite and a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or infinity)")
    return a.astype(dtype) if dtype is not None else a


def same_shape(names: Sequence[str], arrays: Sequence[np.ndarray], *, axis: int | None = None) -> None:
    """``ValueError`` naming two of ``names`` unless ``arrays`` (one per name) have one shape (or,
    with ``axis``, one length along it).

    >>> same_shape(("y_true", "y_pred"), (np.zeros(3), np.zeros(2)))
    Traceback (most recent call last):
    ValueError: y_true and y_pred must have the same shape, got (3,) and (2,)
    """
    names = sequence("names", names, text, min_length=1)
    arrays = sequence(
        "arrays", arrays, lambda n, a: array(n, a, kinds="biufcOUS", finite=False, empty=True), min_length=len(names)
    )
    if axis is not None and not (_is_int(axis) and all(-a.ndim <= axis < a.ndim for a in arrays)):
        raise ValueError(f"axis must be an axis of every array or None, got {axis!r}")

    def size(a: np.ndarray) -> tuple[int, ...] | int:
        return a.shape if axis is None else a.shape[axis]

    for other_name, other in zip(names[1:], arrays[1:]):
        if size(other) != size(arrays[0]):
            what = "shape" if axis is None else f"length along axis {axis}"
            raise ValueError(
                f"{names[0]} and {other_name} must have the same {what}, got {arrays[0].shape} and {other.shape}"
            )


@overload
def sequence(name: str, value: object, item: None = None, *, min_length: int = 1) -> tuple[Any, ...]: ...
@overload
def sequence(name: str, value: object, item: Callable[[str, Any], T], *, min_length: int = 1) -> tuple[T, ...]: ...
def sequence(
    name: str, value: object, item: Callable[[str, Any], T] | None = None, *, min_length: int = 1
) -> tuple[T, ...] | tuple[Any, ...]:
    """``value`` as a tuple (a list, tuple or range; not a string or a mapping) of at least
    ``min_length`` items, each passed through ``item(f"{name}[i]", …)`` when given."""
    if item is not None and not callable(item):
        raise WrongType(f"item must be a check (a callable) or None, got {item!r}")
    min_length = non_negative_int("min_length", min_length)
    if (
        isinstance(value, (str, bytes, Mapping))
        or not isinstance(value, (Sequence, range, np.ndarray))
        or (isinstance(value, np.ndarray) and value.ndim == 0)
    ):
        raise WrongType(f"{name} must be a sequence, got {value!r}"[:300])
    if len(value) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} item{'s' * (min_length != 1)}, got {len(value)}")
    return tuple(item(f"{name}[{i}]", v) if item else v for i, v in enumerate(value))


def mapping(name: str, value: object, *, min_length: int = 1) -> Mapping[Any, Any]:
    """``value`` if it is a mapping of at least ``min_length`` items."""
    min_length = non_negative_int("min_length", min_length)
    if not isinstance(value, Mapping):
        raise WrongType(f"{name} must be a mapping, got {value!r}"[:300])
    if len(value) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} item{'s' * (min_length != 1)}, got {len(value)}")
    return value


def ordered(name: str, values: Sequence[float], *, strictly: bool = True) -> None:
    """``ValueError`` unless ``values`` (finite numbers) rise (strictly, or never fall).

    >>> ordered("quantiles", (0.75, 0.25))
    Traceback (most recent call last):
    ValueError: quantiles must be in strictly increasing order, got (0.75, 0.25)
    """
    values = sequence(name, values, number, min_length=1)
    strictly = boolean("strictly", strictly)
    pairs = list(itertools.pairwise(values))
    if any(b <= a if strictly else b < a for a, b in pairs):
        raise ValueError(f"{name} must be in {'strictly ' if strictly else ''}increasing order, got {tuple(values)!r}")
