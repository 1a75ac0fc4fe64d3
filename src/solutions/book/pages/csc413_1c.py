"""Page values for CSC413 PA2 1(c); computed in solutions.answers.counting (and judged by solutions.answers.checker)."""

from __future__ import annotations

import sympy

from solutions.answers import checker, counting
from solutions.book.render import LAYER_HEADERS, display_math, fmt_int, markdown_table, math

# The four answers, in the order the answer box gives them (each with its 64×64 twin).
ANSWER_ORDER = ("weights", "parameters", "outputs", "connections")


def _totals(side: int = 32) -> dict[str, object]:
    return counting.count_totals(counting.colour_cnn_rows(height=side, width=side))


def layer_table(style: str = "latex", **sizes) -> str:
    rows = counting.colour_cnn_rows(**sizes)
    body = [
        [r.name, r.output_shape, r.weights, r.biases, r.bn_params, r.bn_buffers, r.outputs, r.connections] for r in rows
    ]
    totals = counting.count_totals(rows)
    body.append(
        [
            "**total**",
            "",
            totals["weights"],
            totals["biases"],
            totals["bn_params"],
            totals["bn_buffers"],
            totals["outputs_all_layers"],
            totals["connections"],
        ]
    )
    return markdown_table(LAYER_HEADERS, body, style)


def totals_table(style: str = "latex") -> str:
    """Every total at NF = 32, NC = 24 for both inputs, and as a formula (32×32; 64×64 = × ratio)."""
    base, big = _totals(), _totals(64)
    ratios = counting.doubled_input_ratios()
    body = [
        [
            counting.CONVENTIONS[key],
            base[key],
            counting.evaluate(base[key]),
            counting.evaluate(big[key]),
            ratios.get(key, "–"),
        ]
        for key in base
    ]
    return markdown_table(
        ["what is counted", "formula (32×32 input)", "32×32 at NF=32, NC=24", "64×64 at NF=32, NC=24", "× for 64×64"],
        body,
        style,
    )


def defaults(style: str = "latex") -> str:
    """The values the numbers are given at: "$NF = 32$, $NC = 24$"."""
    return ", ".join(f"${s} = {v}$" if style == "latex" else f"{s} = {v}" for s, v in counting.DEFAULTS.items())


def answer_blocks(style: str = "text") -> str:
    """The answer, one block per quantity, as ``solutions show`` prints it (the page's answer box
    has the same shape): its name, the formula on its own line, its value at the defaults, and
    the 64×64 input's formula and value (or that they are the same)."""
    at = defaults(style)
    bold = "**" if style == "latex" else ""
    blocks = []
    for key in ANSWER_ORDER:
        q, q2 = counting.QUANTITIES[key], counting.QUANTITIES[key + "_doubled"]
        small, big = counting.total(q.answer), counting.total(q2.answer)
        name, _, counted = q.label.partition(" (")
        lines = [
            f"{bold}{name[0].upper() + name[1:]}{bold} ({counted}, 32×32 input:",
            display_math(small, style),
            f"{bold}{fmt_int(counting.evaluate(small))}{bold} at {at}.",
        ]
        if sympy.expand(big - small) == 0:
            lines[-1] += " The same for a 64×64 input."
        else:
            ratio = sympy.simplify(big / small)
            lines[-1] += " With a 64×64 input:"
            lines += [
                display_math(big, style),
                f"{bold}{fmt_int(counting.evaluate(big))}{bold}"
                + (f", {ratio} times as many." if ratio.is_Integer else "."),
            ]
        blocks.append("\n\n".join(lines))
    return "\n\n".join(blocks)


def doubled_same(key: str) -> str:
    """The sentence under a quantity that doubling the input's width and height leaves unchanged
    (the answer box gives no 64×64 formula for it); ``ValueError`` if it does change."""
    if key not in ANSWER_ORDER:
        raise ValueError(f"key must be one of {', '.join(ANSWER_ORDER)}; got {key!r}")
    small = counting.total(counting.QUANTITIES[key].answer)
    big = counting.total(counting.QUANTITIES[key + "_doubled"].answer)
    if sympy.expand(big - small) != 0:
        raise ValueError(f"key {key!r} changes with a 64×64 input: the page must give its formula")
    return r"The same for a $64\times 64$ input."


def doubled_clause() -> str:
    """What doubling the input's width and height does to the four answers, in words."""
    ratios = counting.doubled_input_ratios()
    same = [k for k, r in (("weights", ratios["weights"]), ("parameters", ratios["learnable"])) if r == 1]
    grow = {"outputs": ratios["outputs_all_layers"], "connections": ratios["connections"]}
    parts = []
    if same:
        parts.append("the " + " and ".join(same) + (" stay" if len(same) > 1 else " stays") + " the same")
    if len(set(grow.values())) == 1:
        parts.append(f"the outputs and connections grow {next(iter(grow.values()))} times")
    else:
        parts.append(" and ".join(f"the {k} grow {r} times" for k, r in grow.items()))
    return ", and ".join(parts)


def typical_table(style: str = "latex") -> str:
    body = []
    for t in checker.typical_answer_verdicts():
        v = t.verdict
        said = (
            "right"
            if v.correct and not v.convention
            else f"right, counting {v.convention}"
            if v.correct
            else "; ".join(f"{n}: {math(d, style)}" for n, d in zip(v.slips, v.deltas))
        )
        body.append([t.asked, t.formula, t.value, said])
    return markdown_table(["asked", "typical answer", "at NF=32, NC=24", "verdict of the checker"], body, style)


def other_slips_table(style: str = "latex") -> str:
    body = [
        [ident.removeprefix("csc413-1c-"), slip, delta, wrong, right]
        for ident, slip, delta, wrong, right in checker.other_slips()
    ]
    return markdown_table(["answer", "slip", "change", "gives", "book"], body, style)


def answer_values() -> dict[str, object]:
    """The formulas and values the answer box and the all-answers page glue (no tables, no checker)."""
    q = {k: counting.total(v.answer) for k, v in counting.QUANTITIES.items()}
    base = _totals()
    ratios = counting.doubled_input_ratios()
    typ = counting.typical_answer()
    return {
        "c1c_weights": math(q["weights"]),
        "c1c_weights_value": counting.evaluate(q["weights"]),
        "c1c_parameters": math(q["parameters"]),
        "c1c_parameters_value": counting.evaluate(q["parameters"]),
        "c1c_biases": math(base["biases"]),
        "c1c_bn_params": math(base["bn_params"]),
        "c1c_bn_buffers": math(base["bn_buffers"]),
        "c1c_outputs": math(q["outputs"]),
        "c1c_outputs_value": counting.evaluate(q["outputs"]),
        "c1c_outputs_doubled": math(q["outputs_doubled"]),
        "c1c_outputs_doubled_value": counting.evaluate(q["outputs_doubled"]),
        "c1c_outputs_conv_resample": math(base["outputs_conv_resample"]),
        "c1c_outputs_conv_resample_value": counting.evaluate(base["outputs_conv_resample"]),
        "c1c_connections": math(q["connections"]),
        "c1c_connections_value": counting.evaluate(q["connections"]),
        "c1c_connections_doubled": math(q["connections_doubled"]),
        "c1c_connections_doubled_value": counting.evaluate(q["connections_doubled"]),
        "c1c_weights_ratio": int(ratios["weights"]),
        "c1c_outputs_ratio": int(ratios["outputs_all_layers"]),
        "c1c_connections_ratio": int(ratios["connections"]),
        "c1c_typical_weights": math(typ["weights"]),
        "c1c_typical_outputs": math(typ["outputs"]),
        "c1c_at": defaults(),
        "c1c_doubled_clause": doubled_clause(),
        "c1c_weights_doubled_same": doubled_same("weights"),
        "c1c_parameters_doubled_same": doubled_same("parameters"),
    }


def values() -> dict[str, object]:
    return {
        **answer_values(),
        "c1c_layer_table": layer_table(),
        "c1c_totals_table": totals_table(),
        "c1c_typical_table": typical_table(),
        "c1c_other_slips_table": other_slips_table(),
    }


def show(style: str = "text") -> str:
    return answer_blocks(style) + "\n\n" + layer_table(style)
