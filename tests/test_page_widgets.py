"""The data behind the page's widgets, without a browser: the answer checkers' export
(:func:`solutions.answers.checker.page_data`) reaches the command line's verdict, and the what-if
formulas (:mod:`solutions.book.what_if`) give the package's own numbers.

The checker boxes decide by comparing the reader's values at the exported points with each
variant's exported values, in the exported order (an order answer: its n^a·log(n)^b with each
variant's). ``_port`` is that decision in Python, fed the reader's answer as the command line
parses it; it must give ``solutions check ID EXPR``'s verdict for every id, for the book's answer,
every convention and every catalogued slip, and for answers no slip gives. The widget's own
JavaScript is compared with the command line in Chromium (tests/test_browser.py).

The what-if formulas are parsed back by the command line's parser (their mathjs syntax is a
subset of its syntax) and evaluated at random points; each must equal the package's own count
there: :func:`solutions.answers.counting.total` (1(c)), the Q2 table's sympy rows, and
:func:`solutions.answers.alexnet_1x1.closed_form_bill` (Q3).
"""

from __future__ import annotations

import dataclasses
import functools
import random
from fractions import Fraction

import pytest
import sympy
from conftest import TIER

from solutions.answers import alexnet_1x1, checker, conv_table, counting
from solutions.answers.expression import parse
from solutions.book import what_if


@functools.cache
def page_data() -> dict:
    """checker.page_data() of every check, built once per process, when a test first needs it."""
    return checker.page_data()


def variant_texts(ident: str) -> list[str]:
    """Each variant of a check written as a reader would type it (the book's answer first)."""
    out = []
    for v in checker.get(ident).variants():
        items = v.value if isinstance(v.value, tuple) else (v.value,)
        out.append(", ".join(sympy.sstr(x) for x in items).replace("ceiling(", "ceil("))
    return out


# Answers no variant gives (and a few that the parser refuses), per kind of check.
OTHERS = {
    "formula": ["NF", "2NF + NC", "B", "1"],
    "shape": ["h, w, c2", "⌈h/3⌉−1, ⌈w/3⌉−1, c2", "h/3, w/3, c2"],
    "order": ["O(n^2)", "O(log(n))", "O(n log(n))", "2n + 3", "O(n/(n+1))"],
    "factor": ["3", "8", "×2"],
}


def cases() -> list[tuple[str, str]]:
    """(check, text) pairs: every variant and every other answer; in the fast tier each check's
    answer, its first convention or slip and its first other answer (the mutation run takes all)."""
    out = []
    for ident in checker.IDS:
        c = checker.get(ident)
        variants = variant_texts(ident)
        others = [t for t in OTHERS[c.kind] if _parses(c, t)]
        if TIER == "fast":
            variants, others = variants[:2], others[:1]
        out += [(ident, t) for t in variants + others]
    return out


def _parses(c: checker.Check, text: str) -> bool:
    try:
        checker.parse_answer(c, text)
    except ValueError:
        return False
    return True


def cli_verdict(ident: str, text: str) -> tuple[str, tuple[str, ...], str | None]:
    """``solutions check``'s verdict as (kind, slips, convention)."""
    v = checker.check(ident, text)
    if v.correct:
        return ("convention", (), v.convention) if v.convention else ("correct", (), None)
    return ("slip", v.slips, v.convention) if v.slips else ("unknown", (), None)


def _order(arg: sympy.Expr) -> list[int]:
    """[a, b] such that ``arg`` grows as n^a·log(n)^b (what answer-check.js works out from its terms)."""
    n = checker.N
    a = sympy.limit(sympy.log(arg) / sympy.log(n), n, sympy.oo)
    b = sympy.limit(sympy.log(arg / n**a) / sympy.log(sympy.log(n)), n, sympy.oo)
    return [int(a), int(b)]


def _port(ident: str, text: str) -> tuple[str, tuple[str, ...], str | None]:
    """The widget's decision on the exported data (answer-check.js's judgeValues / judgeOrder)."""
    d, c = page_data()[ident], checker.get(ident)
    yours = checker.parse_answer(c, text)
    if d["kind"] == "order":
        order = _order(checker._order_argument(yours))
        if order == d["answer"]["order"]:
            return ("correct", (), None)
        for v in d["conventions"]:
            if order == v["order"]:
                return ("convention", (), v["name"])
        for v in d["slips"]:
            if order == v["order"]:
                return ("slip", tuple(v["slips"]), None)
        return ("unknown", (), None)
    items = yours if isinstance(yours, tuple) else (yours,)
    symbols = {name: c.symbols[name] for name in d["symbols"]}

    def at(point: dict) -> list[Fraction]:
        values = {symbols[n]: point[d["aliases"].get(n, n)] for n in d["symbols"]}
        return [Fraction(str(sympy.nsimplify(sympy.sympify(x).subs(values)))) for x in items]

    mine = [at(p) for p in d["points"]]

    def same(values: list) -> bool:
        return all(
            m == [Fraction(str(x)) for x in (v if isinstance(v, list) else [v])]
            for m, v in zip(mine, values, strict=True)
        )

    if same(d["answer"]["values"]):
        return ("correct", (), None)
    for v in d["conventions"]:
        if same(v["values"]):
            return ("convention", (), v["name"])
    for v in d["slips"]:
        if same(v["values"]):
            return ("slip", tuple(v["slips"]), v["convention"])
    return ("unknown", (), None)


def test_every_check_is_exported_with_its_kind():
    assert list(page_data()) == list(checker.IDS)
    for ident, d in page_data().items():
        c = checker.get(ident)
        assert d["kind"] == c.kind and len(d["slips"]) == len(c.slips), ident
        assert [s["slips"] for s in d["slips"]] == [list(s.slips) for s in c.slips]


def test_exported_values_are_exact():
    # 1(c) weights at NF=32, NC=24: 72·32² + 9·32·24 + 9·24² + 9·32 = 73,728 + 6,912 + 5,184 + 288
    assert page_data()["csc413-1c-weights"]["answer"]["values"][0] == 86112
    q2 = page_data()["cs5242-q2-output-size-c"]
    assert q2["points"][0] == {"h": 32, "w": 32, "c1": 3, "c2": 16} and q2["aliases"] == {"c_1": "c1", "c_2": "c2"}
    assert q2["answer"]["values"][0] == [10, 10, 16]  # ⌊32/3⌋ = 10
    assert q2["slips"][0]["values"][0] == [30, 30, 16]  # stride 1: 32 − 3 + 1
    assert page_data()["csc413-3e-activation-memory"]["answer"]["values"] == [4]  # no symbols: one point
    assert page_data()["csc413-3d-compute-last"]["slips"][0]["order"] == [0, 0]
    assert checker._exact(sympy.Rational(7, 3)) == "7/3"
    with pytest.raises(ValueError, match="order"):
        checker._order_exponents(sympy.exp(checker.N))


@pytest.mark.parametrize("ident,text", cases())
def test_the_exported_data_reaches_the_command_lines_verdict(ident, text):
    assert _port(ident, text) == cli_verdict(ident, text)


def test_the_port_sees_a_slip_and_a_convention():
    # a catalogued slip, a convention, and a right answer that no slip gives: named as the CLI names them
    assert _port("csc413-1c-parameters", "72*NF^2 + 9*NF*NC + 9*NC^2 + 9*NF")[0] == "slip"
    assert _port("csc413-1c-outputs", "2368NF + 2304NC")[0] == "convention"
    assert _port("cs5242-q2-output-size-c", "floor((h-3)/3)+1, floor((w-3)/3)+1, c2") == ("correct", (), None)
    assert _port("csc413-3d-memory-last", "O(5)")[0] == "slip"


# ---------------------------------------------------------------- what-if


def _parse_mathjs(text: str, names: list[str]) -> sympy.Expr:
    symbols = {n: sympy.Symbol(n) for n in names}
    return parse(text, symbols, ("floor", "ceil"))


def shown(ident: str, values: dict) -> dict[str, str]:
    """What the what-if table shows at ``values``, from the exported formulas."""
    spec = what_if.page_data()[ident]
    numbers = [i["name"] for i in spec["inputs"] if not i["choices"]]
    formulas = spec["formulas"][str(values[spec["select"]]) if spec["select"] else ""]
    out = {}
    for key, items in formulas.items():
        parts = []
        for f in items:
            v = _parse_mathjs(f, numbers).subs({sympy.Symbol(n): values[n] for n in numbers})
            assert v.is_Integer, (ident, key, f, v)
            parts.append(f"{int(v):,}")
        out[key] = " × ".join(parts)
    return out


def package_c1c(nf: int, nc: int, side: int) -> dict[str, str]:
    return {
        key: f"{counting.total(dataclasses.replace(counting.QUANTITIES[key].answer, side=side), nf, nc):,}"
        for key, _ in what_if.C1C_OUTPUTS
    }


def package_q2(h: int, w: int, c1: int, c2: int) -> dict[str, str]:
    at = {conv_table.H: h, conv_table.W: w, conv_table.C1: c1, conv_table.C2: c2}
    return {r.part: " × ".join(f"{int(x.subs(at)):,}" for x in r.answer) for r in conv_table.q2_rows()}


def package_q3(batch: int, optimizer: str) -> dict[str, str]:
    bill = alexnet_1x1.closed_form_bill(optimizer, batch).as_dict()
    bill["held"] = sum(bill[k] for k in what_if.Q3_HELD)
    return {k: f"{v:,}" for k, v in bill.items()}


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_what_if_at_the_homeworks_values():
    # 1(c) at NF=32, NC=24, 32×32: the answer box's numbers
    assert (
        package_c1c(32, 24, 32)["weights"]
        == "86,112"
        == shown("csc413-1c", {"NF": 32, "NC": 24, "side": 32})["weights"]
    )
    # Q2 at h=w=32, c1=3, c2=16: (c) ⌊32/3⌋ = 10, (d) 30 × 30 × 2
    assert shown("cs5242-q2", {"h": 32, "w": 32, "c1": 3, "c2": 16}) == {
        "a": "32 × 2 × 3",
        "b": "16",
        "c": "10 × 10 × 16",
        "d": "30 × 30 × 2",
    }
    # Q3, SGD with momentum, batch 128: 3 × 600,832 fixed + 128 × 3,816,192 saved = 490,275,072
    q3 = shown("cs5242-q3", {"B": 128, "optimizer": "sgd_momentum"})
    assert q3["held"] == f"{3 * 600_832 + 128 * 3_816_192:,}" == "490,275,072"


@pytest.mark.parametrize("seed", range(5))
def test_what_if_formulas_give_the_packages_numbers(seed):
    rng = random.Random(seed)
    nf, nc, side = rng.randint(1, 512), rng.randint(1, 512), rng.randint(*what_if.C1C_SIDES)
    assert shown("csc413-1c", {"NF": nf, "NC": nc, "side": side}) == package_c1c(nf, nc, side)
    h, w, c1, c2 = rng.randint(3, 1024), rng.randint(3, 1024), rng.randint(2, 1024), rng.randint(1, 1024)
    assert shown("cs5242-q2", {"h": h, "w": w, "c1": c1, "c2": c2}) == package_q2(h, w, c1, c2)
    batch, opt = rng.randint(1, 4096), rng.choice(alexnet_1x1.OPTIMIZERS)
    assert shown("cs5242-q3", {"B": batch, "optimizer": opt}) == package_q3(batch, opt)


def test_what_if_inputs_and_defaults():
    data = what_if.page_data()
    assert set(data) == {"csc413-1c", "cs5242-q2", "cs5242-q3"}
    c1c = {i["name"]: i for i in data["csc413-1c"]["inputs"]}
    assert (c1c["NF"]["default"], c1c["NC"]["default"], c1c["side"]["default"]) == (32, 24, 32)
    assert sorted(map(int, data["csc413-1c"]["formulas"])) == list(range(4, 129))
    q2 = {i["name"]: i for i in data["cs5242-q2"]["inputs"]}
    assert (q2["h"]["min"], q2["w"]["min"], q2["c1"]["min"]) == (3, 3, 2)  # the kernels fit
    q3 = {i["name"]: i for i in data["cs5242-q3"]["inputs"]}
    assert q3["B"]["default"] == 128 and q3["optimizer"]["default"] == "sgd_momentum"
    assert [c[0] for c in q3["optimizer"]["choices"]] == list(alexnet_1x1.OPTIMIZERS)


def test_to_mathjs_writes_every_operation_bracketed_and_refuses_the_rest():
    h, n = sympy.symbols("h n")
    assert what_if.to_mathjs(sympy.Rational(-1, 2) * h**2 - 3, {h: "h"}) == "((-3) + ((-1/2) * (h ^ 2)))"
    assert what_if.to_mathjs(1 / (h + 1), {h: "h"}) == "(1 / ((1 + h) ^ 1))"
    assert what_if.to_mathjs(sympy.ceiling(h / 2), {h: "h"}) == "ceil(((1/2) * h))"
    for bad in (sympy.log(h), sympy.sqrt(h), h ** sympy.Rational(1, 2)):
        with pytest.raises(ValueError, match="expr"):
            what_if.to_mathjs(bad, {h: "h"})
    with pytest.raises(ValueError, match="symbol n"):
        what_if.to_mathjs(n + 1, {h: "h"})


def test_q3_formulas_refuse_a_bill_that_is_not_linear(monkeypatch):
    real = alexnet_1x1.closed_form_bill

    def curved(optimizer, batch, variant="relu"):
        bill = real(optimizer, batch, variant)
        return dataclasses.replace(bill, saved_activations=bill.saved_activations * batch)

    monkeypatch.setattr(alexnet_1x1, "closed_form_bill", curved)
    with pytest.raises(ValueError, match="not linear"):
        what_if.q3_formulas("adam")


def test_the_box_markup_names_its_inputs():
    box = what_if.box_html("cs5242-q3")
    assert 'data-what-if="cs5242-q3"' in box and 'name="B"' in box and '<option value="adam">' in box
    assert "Reset to B = 128, optimizer = SGD with momentum" in box and " hidden>" in box
    with pytest.raises(ValueError, match="what-if id"):
        what_if.box_html("no-such-widget")
