"""Page values for CSC413 PA2 1(c); computed in solutions.answers.counting."""

from __future__ import annotations

from solutions.answers import counting
from solutions.book.render import LAYER_HEADERS, markdown_table, math

# The three quantities the question asks for, each under one named convention.
HEADLINE = {"weights": "learnable", "outputs": "outputs_all_layers", "connections": "connections"}


def layer_table(style: str = "latex", **sizes) -> str:
    rows = counting.colour_cnn_rows(**sizes)
    body = [[r.name, r.output_shape, r.weights, r.biases, r.bn_params, r.bn_buffers,
             r.outputs, r.connections] for r in rows]
    totals = counting.count_totals(rows)
    body.append(["**total**", "", totals["weights"], totals["biases"], totals["bn_params"],
                 totals["bn_buffers"], totals["outputs_all_layers"], totals["connections"]])
    return markdown_table(LAYER_HEADERS, body, style)


def totals_table(style: str = "latex") -> str:
    base = counting.count_totals(counting.colour_cnn_rows())
    big = counting.count_totals(counting.colour_cnn_rows(height=64, width=64))
    ratios = counting.doubled_input_ratios()
    body = [[key, counting.CONVENTIONS[key], base[key], counting.evaluate(base[key]),
             big[key], counting.evaluate(big[key]), ratios.get(key, "–")] for key in base]
    return markdown_table(["total", "convention", "32×32", "NF=32, NC=24", "64×64",
                           "NF=32, NC=24 ", "ratio"], body, style)


def answer_table(style: str = "latex") -> str:
    base = counting.count_totals(counting.colour_cnn_rows())
    big = counting.count_totals(counting.colour_cnn_rows(height=64, width=64))
    body = [[q, counting.CONVENTIONS[key], base[key], counting.evaluate(base[key]), big[key],
             counting.evaluate(big[key])] for q, key in HEADLINE.items()]
    return markdown_table(["asked", "convention", "32×32 input", "at defaults", "64×64 input",
                           "at defaults "], body, style)


def pitfall_table(style: str = "latex") -> str:
    body = [[s.slip, s.wrong, s.right, s.difference] for s in counting.pitfalls()]
    return markdown_table(["slip", "gives", "right", "difference"], body, style)


def values() -> dict[str, object]:
    base = counting.count_totals(counting.colour_cnn_rows())
    big = counting.count_totals(counting.colour_cnn_rows(height=64, width=64))
    ratios = counting.doubled_input_ratios()
    typ = counting.typical_answer()
    values: dict[str, object] = {
        "c1c_layer_table": layer_table(),
        "c1c_totals_table": totals_table(),
        "c1c_answer_table": answer_table(),
        "c1c_pitfall_table": pitfall_table(),
        "c1c_typical_weights": math(typ["weights"]),
        "c1c_typical_weights_value": counting.evaluate(typ["weights"]),
        "c1c_typical_outputs": math(typ["outputs"]),
    }
    for key in base:
        values[f"c1c_{key}"] = math(base[key])
        values[f"c1c_{key}_value"] = counting.evaluate(base[key])
        values[f"c1c_{key}_x2_value"] = counting.evaluate(big[key])
        if key in ratios:
            values[f"c1c_{key}_ratio"] = int(ratios[key])
    return values


def show(style: str = "text") -> str:
    return answer_table(style) + "\n\n" + layer_table(style)
