"""A small parser for a reader's formula: a whitelist, never ``eval`` or ``sympify`` of text.

Accepted: integers and decimals, the symbols the caller names (and their
aliases), ``+ - * / ^ **``, ``×``, ``·``, ``÷``, ``−``, superscript powers
(``NF²``), implicit multiplication (``2NF``, ``9NF NC``, ``2(NF+1)``),
parentheses, ``⌊…⌋`` / ``⌈…⌉`` and the functions the caller allows
(``floor``, ``ceil``, ``log``, ``O``), and, where asked, a tuple ``a, b, c``.
A run of known symbols without spaces is split (``NFNC`` is ``NF·NC``).
A number written in groups of three digits separated by single spaces
(``150 208``, also with a thin or no-break space) is one number, as its reader
means it; two numbers side by side otherwise (``2 3``), or a number after a
factor with no operator (``NF 2``), are refused, never multiplied; so is a
number grouped by commas (``150,208``), which reads as a tuple or a decimal.
Anything else raises :class:`ExpressionError` (a ``ValueError``) saying what
and where, in one line. Nothing of the text is ever executed: the parser
builds the sympy expression node by node, within a budget: at most
:data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` nested brackets of which
:data:`MAX_CALLS` nested function calls, and a total degree of
:data:`MAX_DEGREE` once multiplied out (so expanding it is cheap).

>>> NF, NC = sympy.symbols("NF NC", integer=True, positive=True)
>>> parse("72NF² + 9×NF·NC + 9NC^2", {"NF": NF, "NC": NC})
9*NC**2 + 9*NC*NF + 72*NF**2
>>> parse("__import__('os')", {"NF": NF, "NC": NC})
Traceback (most recent call last):
solutions.answers.expression.ExpressionError: unknown function '__import__' at column 1; allowed: NF, NC
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy

MAX_LENGTH = 300  # characters
MAX_EXPONENT = 12  # NF^12 is plenty; 9^9^9 is refused, not computed
MAX_DIGITS = 15
MAX_DEPTH = 40  # nested parentheses
MAX_DIGITS_RESULT = 60  # a constant power with more digits is refused before it is computed
MAX_DEGREE = 12  # total degree once multiplied out: (NF + NC)^12^12 is refused, not expanded
MAX_CALLS = 4  # nested function calls: O(log(n)) needs 2; log(log(…)) 59 deep is refused

BigO = sympy.Function("O")  # a marker: O(n) stays O(n), never sympy's Order
FUNCTIONS = {"floor": sympy.floor, "ceil": sympy.ceiling, "ceiling": sympy.ceiling, "log": sympy.log, "O": BigO}

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_OPERATORS = {
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∗": "*",
    "÷": "/",
    "−": "-",
    "–": "-",
    "*": "*",
    "/": "/",
    "+": "+",
    "-": "-",
    "^": "^",
    "(": "(",
    ")": ")",
    ",": ",",
    "[": "(",
    "]": ")",
    "⌊": "⌊",
    "⌋": "⌋",
    "⌈": "⌈",
    "⌉": "⌉",
}


class ExpressionError(ValueError):
    """Input the checker cannot use; the message is one line and says where."""


@dataclass(frozen=True)
class Token:
    kind: str  # num | name | op | sup | end
    text: str
    column: int  # 1-based


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# 150 208, 1 000 000 (one space, thin space or no-break space between groups of three digits)
_GROUPED = re.compile(r"\d{1,3}(?:([ \u00a0\u2009\u202f])\d{3})(?:\1\d{3})*(?![\d.])")
_COMMA_GROUPED = re.compile(r"\s*\d{1,3}(?:,\d{3})+\s*$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``; a character it does not know ends them as a ``bad`` token."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {text!r}")
    out: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif (m := _GROUPED.match(text, i)) and not (out and out[-1].kind == "num"):
            out.append(Token("num", re.sub(r"\D", "", m.group()), i + 1))  # one number, in groups
            i = m.end()
        elif m := _NUMBER.match(text, i):
            out.append(Token("num", m.group(), i + 1))
            i = m.end()
        elif m := _NAME.match(text, i):
            out.append(Token("name", m.group(), i + 1))
            i = m.end()
        elif text.startswith("**", i):
            out.append(Token("op", "^", i + 1))
            i += 2
        elif ch in _SUPERSCRIPT_CHARS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPT_CHARS:
                j += 1
            out.append(Token("sup", text[i:j].translate(_SUPERSCRIPT), i + 1))
            i = j
        elif ch in _OPERATORS:
            out.append(Token("op", _OPERATORS[ch], i + 1))
            i += 1
        else:  # reported when the parser reaches it, so an unknown name before it is named first
            out.append(Token("bad", ch, i + 1))
            break
    out.append(Token("end", "", len(text) + 1))
    return out


_SUPERSCRIPT_CHARS = set("⁰¹²³⁴⁵⁶⁷⁸⁹")


class _Parser:
    def __init__(self, text: str, symbols: Mapping[str, sympy.Symbol], functions: Sequence[str]):
        self.toks = tokens(text)
        self.pos = 0
        self.symbols = dict(symbols)
        self.functions = tuple(functions)
        self.depth = 0
        self.calls = 0

    # -- helpers
    @property
    def tok(self) -> Token:
        t = self.toks[self.pos]
        if t.kind == "bad":
            raise ExpressionError(f"syntax error at column {t.column}: unexpected character {t.text!r}")
        return t

    def take(self) -> Token:
        t = self.tok
        self.pos += 1
        return t

    def expect(self, text: str) -> None:
        if self.tok.kind != "op" or self.tok.text != text:
            raise self.error(f"expected '{text}'")
        self.pos += 1

    def error(self, what: str) -> ExpressionError:
        t = self.tok
        found = "the end of the input" if t.kind == "end" else repr(t.text)
        return ExpressionError(f"syntax error at column {t.column}: {what}, found {found}")

    def allowed(self) -> str:
        names = ", ".join(self.symbols) or "numbers only"
        return names + (f"; functions: {', '.join(self.functions)}" if self.functions else "")

    # -- grammar
    def tuple_(self) -> list[sympy.Expr]:
        items = [self.expr()]
        while self.tok.kind == "op" and self.tok.text == ",":
            self.take()
            items.append(self.expr())
        if self.tok.kind != "end":
            raise self.error("expected an operator")
        return items

    def expr(self) -> sympy.Expr:
        value = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take().text
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def _starts_primary(self) -> bool:
        t = self.tok
        return t.kind in ("num", "name") or (t.kind == "op" and t.text in ("(", "⌊", "⌈"))

    def term(self) -> sympy.Expr:
        value = self.unary()
        while True:
            if self.tok.kind == "op" and self.tok.text in "*/":
                op = self.take().text
                rhs = self.unary()
                if op == "/":
                    if rhs == 0:
                        raise ExpressionError(f"division by zero near column {self.tok.column}")
                    value = value / rhs
                else:
                    value = value * rhs
            elif self._starts_primary():  # implicit multiplication: 2NF, 2(NF+1), NF NC
                if self.tok.kind == "num":  # 2 3, NF 2, (NF+1)2: never a silent product
                    raise ExpressionError(
                        f"a number at column {self.tok.column} follows another factor without an "
                        "operator: write * between them (or, for one number, its digits without a "
                        "space or in groups of three: 150208 or 150 208)"
                    )
                value = value * self.power()
            else:
                return value

    def unary(self) -> sympy.Expr:
        if self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take().text
            value = self.unary()
            return -value if op == "-" else value
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.primary()
        if self.tok.kind == "sup":
            base = self._raise(base, sympy.Integer(int(self.take().text)))
        if self.tok.kind == "op" and self.tok.text == "^":
            self.take()
            base = self._raise(base, self.unary())
        return base

    def _raise(self, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
        if not (exponent.is_Integer and 0 <= exponent <= MAX_EXPONENT):
            raise ExpressionError(
                f"exponent must be a whole number from 0 to {MAX_EXPONENT}, "
                f"got {exponent} (before column {self.tok.column})"
            )
        if base.is_Number and base != 0 and float(exponent) * math.log10(abs(float(base))) > MAX_DIGITS_RESULT:
            raise ExpressionError(f"number too large (before column {self.tok.column})")
        if degree_bound(base) * int(exponent) > MAX_DEGREE:
            raise ExpressionError(f"degree above {MAX_DEGREE} once multiplied out (before column {self.tok.column})")
        return base**exponent

    def primary(self) -> sympy.Expr:
        t = self.tok
        if t.kind == "num":
            self.take()
            if len(t.text.replace(".", "")) > MAX_DIGITS:
                raise ExpressionError(f"number too long at column {t.column}")
            return sympy.Rational(t.text) if "." in t.text else sympy.Integer(t.text)
        if t.kind == "name":
            return self.name()
        if t.kind == "op" and t.text in ("(", "⌊", "⌈"):
            closing = {"(": ")", "⌊": "⌋", "⌈": "⌉"}[t.text]
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError(f"too deeply nested at column {t.column}")
            inner = self.expr()
            self.expect(closing)
            self.depth -= 1
            return {"(": inner, "⌊": sympy.floor(inner), "⌈": sympy.ceiling(inner)}[t.text]
        raise self.error("expected a number, a symbol or '('")

    def name(self) -> sympy.Expr:
        t = self.take()
        after = self.toks[self.pos]  # peeked, not read: an unknown name is reported before a bad character
        is_call = after.kind == "op" and after.text == "("
        if is_call and t.text in self.functions:
            self.take()
            self.depth += 1
            self.calls += 1
            if self.depth > MAX_DEPTH or self.calls > MAX_CALLS:
                raise ExpressionError(
                    f"too deeply nested at column {t.column} (at most {MAX_CALLS} functions inside one another)"
                )
            arg = self.expr()
            self.expect(")")
            self.depth -= 1
            self.calls -= 1
            return FUNCTIONS[t.text](arg)
        if t.text in self.symbols:
            return self.symbols[t.text]
        parts = _split(t.text, self.symbols)
        if parts is not None:
            return sympy.Mul(*(self.symbols[p] for p in parts))
        kind = "function" if is_call else "symbol"
        raise ExpressionError(f"unknown {kind} {t.text!r} at column {t.column}; allowed: {self.allowed()}")


def degree_bound(expr: sympy.Expr) -> int:
    """An upper bound of the total degree of ``expr`` once multiplied out (numerator and
    denominator together; a function counts as its argument), from its tree alone.

    >>> NF, NC = sympy.symbols("NF NC")
    >>> degree_bound((NF + NC + 1) ** 12 * (NF + 1) ** 12), degree_bound((NF**2 - 1) / (NF + 1))
    (24, 3)
    """
    if isinstance(expr, (tuple, list)):
        return max((degree_bound(e) for e in expr), default=0)
    if not isinstance(expr, sympy.Basic) or expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ValueError(f"expr must be a finite sympy expression (or a tuple of them), got {expr!r}")
    if expr.is_Symbol:
        return 1
    if expr.is_Number or not expr.args:
        return 0
    if expr.is_Add:
        return max(degree_bound(a) for a in expr.args)
    if expr.is_Mul:
        return sum(degree_bound(a) for a in expr.args)
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent.is_Integer:
            return degree_bound(base) * abs(int(exponent))
        return MAX_DEGREE + 1  # not a whole power: never from this parser
    return max(degree_bound(a) for a in expr.args)


def _split(word: str, symbols: Mapping[str, object]) -> list[str] | None:
    """``word`` as a run of known symbol names (longest first), or None."""
    if not word:
        return []
    for name in sorted(symbols, key=len, reverse=True):
        if word.startswith(name):
            rest = _split(word[len(name) :], symbols)
            if rest is not None:
                return [name] + rest
    return None


def _check_args(text: object, symbols: object, functions: object) -> None:
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {text!r}")
    if not isinstance(symbols, Mapping) or not all(
        isinstance(k, str) and isinstance(v, sympy.Symbol) for k, v in symbols.items()
    ):
        raise ValueError(f"symbols must map names to sympy symbols, got {symbols!r}")
    if (
        isinstance(functions, (str, bytes))
        or not isinstance(functions, (Sequence, set, frozenset))
        or not all(isinstance(f, str) and f in FUNCTIONS for f in functions)
    ):
        raise ValueError(f"functions must be some of {sorted(FUNCTIONS)}, got {functions!r}")


def parse(text: str, symbols: Mapping[str, sympy.Symbol], functions: Sequence[str] = ()) -> sympy.Expr:
    """``text`` as a sympy expression in ``symbols`` (see the module docstring)."""
    items = parse_tuple(text, symbols, functions)
    if len(items) != 1:
        if _COMMA_GROUPED.match(text):
            raise ExpressionError(
                f"{text.strip()!r}: write the number without commas "
                f"({re.sub(r'[^0-9]', '', text)}) or in groups of three with "
                "spaces (a comma may mean a decimal point)"
            )
        raise ExpressionError(f"expected one expression, got {len(items)} separated by commas")
    return items[0]


def parse_tuple(text: str, symbols: Mapping[str, sympy.Symbol], functions: Sequence[str] = ()) -> list[sympy.Expr]:
    """``text`` as one or more comma-separated expressions (a shape such as ``h-2, w-2, c1-1``)."""
    _check_args(text, symbols, functions)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"input longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError("empty input")
    try:
        items = _Parser(text, symbols, functions).tuple_()
    except RecursionError:  # unreachable within MAX_LENGTH, kept as a refusal all the same
        raise ExpressionError("too deeply nested") from None
    for item in items:
        if item.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise ExpressionError("it has no value as written (the log of 0, or a division by an expression that is 0)")
        if degree_bound(item) > MAX_DEGREE:
            raise ExpressionError(f"degree above {MAX_DEGREE} once multiplied out")
    return items
