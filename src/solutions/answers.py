"""Every answer by id: what the terminal shows and what its book page glues.

An answer's ``values()`` returns the page's glue keys (numbers, formulas as
LaTeX, tables as Markdown); ``show(style="text")`` is what
``python -m solutions show <id>`` prints. Computation lives in the modules
named in each entry; this module only assembles.

>>> sorted(ANSWERS)
['cs5242-q2', 'cs5242-q3', 'csc413-1c', 'csc413-3de']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import sympy

from solutions import alexnet_1x1, conv_table, counting, finetune_cost
from solutions.conv_shapes import general_formula
from solutions.render import fmt_int, markdown_table, math

# ------------------------------------------------------------ CSC413 PA2 1(c)

_LAYER_HEADERS = ["layer", "output (C × H × W)", "weights", "biases", "BN γ, β",
                  "BN running stats", "outputs", "connections"]

# The three quantities the question asks for, each under one named convention.
HEADLINE = {"weights": "learnable", "outputs": "outputs_all_layers", "connections": "connections"}


def csc413_1c_layer_table(style: str = "latex", **sizes) -> str:
    rows = counting.colour_cnn_rows(**sizes)
    body = [[r.name, r.output_shape, r.weights, r.biases, r.bn_params, r.bn_buffers,
             r.outputs, r.connections] for r in rows]
    totals = counting.count_totals(rows)
    body.append(["**total**", "", totals["weights"], totals["biases"], totals["bn_params"],
                 totals["bn_buffers"], totals["outputs_all_layers"], totals["connections"]])
    return markdown_table(_LAYER_HEADERS, body, style)


def csc413_1c_totals_table(style: str = "latex") -> str:
    base = counting.count_totals(counting.colour_cnn_rows())
    big = counting.count_totals(counting.colour_cnn_rows(height=64, width=64))
    ratios = counting.doubled_input_ratios()
    body = [[key, counting.CONVENTIONS[key], base[key], counting.evaluate(base[key]),
             big[key], counting.evaluate(big[key]), ratios.get(key, "–")] for key in base]
    return markdown_table(["total", "convention", "32×32", "NF=32, NC=24", "64×64",
                           "NF=32, NC=24 ", "ratio"], body, style)


def csc413_1c_answer_table(style: str = "latex") -> str:
    base = counting.count_totals(counting.colour_cnn_rows())
    big = counting.count_totals(counting.colour_cnn_rows(height=64, width=64))
    body = [[q, counting.CONVENTIONS[key], base[key], counting.evaluate(base[key]), big[key],
             counting.evaluate(big[key])] for q, key in HEADLINE.items()]
    return markdown_table(["asked", "convention", "32×32 input", "at defaults", "64×64 input",
                           "at defaults "], body, style)


def csc413_1c_pitfall_table(style: str = "latex") -> str:
    body = [[s.slip, s.wrong, s.right, s.difference] for s in counting.pitfalls()]
    return markdown_table(["slip", "gives", "right", "difference"], body, style)


def csc413_1c_values() -> dict[str, object]:
    base = counting.count_totals(counting.colour_cnn_rows())
    big = counting.count_totals(counting.colour_cnn_rows(height=64, width=64))
    ratios = counting.doubled_input_ratios()
    typ = counting.typical_answer()
    values: dict[str, object] = {
        "c1c_layer_table": csc413_1c_layer_table(),
        "c1c_totals_table": csc413_1c_totals_table(),
        "c1c_answer_table": csc413_1c_answer_table(),
        "c1c_pitfall_table": csc413_1c_pitfall_table(),
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


# ------------------------------------------------------------ CS5242 HW5 Q2

Q2_EXAMPLE = {"h": 7, "w": 10, "c1": 4, "c2": 5}


def cs5242_q2_table(style: str = "latex") -> str:
    body = [[r.part, r.layer, r.asked, r.answer if len(r.answer) > 1 else r.answer[0],
             r.torch_layer, r.typical] for r in conv_table.q2_rows()]
    return markdown_table(["", "layer", "asked", "answer (h × w × c)", "in torch",
                           "typical answer"], body, style)


def cs5242_q2_torch_table(style: str = "latex") -> str:
    checks = conv_table.torch_check(**Q2_EXAMPLE)
    body = [[part, formula, measured, formula == measured]
            for part, (formula, measured) in checks.items()]
    return markdown_table(["", "formula", "torch", "match"], body, style)


def cs5242_q2_values() -> dict[str, object]:
    expr, _ = general_formula()
    checks = conv_table.torch_check(**Q2_EXAMPLE)
    return {
        "q2_general_formula": math(sympy.Eq(sympy.Symbol("n_{out}"), expr)),
        "q2_table": cs5242_q2_table(),
        "q2_kernel_width": int(conv_table.kernel_width_for_output()),
        "q2_torch_table": cs5242_q2_torch_table(),
        "q2_example": ", ".join(f"{k} = {v}" for k, v in Q2_EXAMPLE.items()),
        "q2_all_match": "yes" if all(f == m for f, m in checks.values()) else "**NO**",
    }


# ------------------------------------------------------------ CS5242 HW5 Q3

Q3_BATCH = 128  # AlexNet's batch size in the original paper
Q3_MEASURED_BATCH = 2
_BILL_ITEMS = ["parameters", "gradients", "optimizer_state", "saved_activations",
               "activation_gradients", "total"]


def cs5242_q3_bill_table(variant: str = "relu", style: str = "latex") -> str:
    body = []
    for opt in alexnet_1x1.OPTIMIZERS:
        closed = alexnet_1x1.closed_form_bill(opt, Q3_MEASURED_BATCH, variant).as_dict()
        measured = alexnet_1x1.measured_bill(opt, Q3_MEASURED_BATCH, variant).as_dict()
        for item in _BILL_ITEMS:
            if opt != "sgd" and item in ("parameters", "gradients", "saved_activations",
                                          "activation_gradients"):
                continue  # the same for every optimizer; shown once
            body.append([opt, item, closed[item], measured[item], closed[item] == measured[item]])
    return markdown_table(["optimizer", "item (bytes)", "closed form", "torch", "match"], body, style)


def cs5242_q3_variant_table(style: str = "latex") -> str:
    body = []
    for variant in alexnet_1x1.VARIANTS:
        m = alexnet_1x1.measured_bill("adam", 1, variant)
        body.append([variant, m.saved_activations, m.activation_gradients,
                     alexnet_1x1.bill_formula("adam", variant)])
    return markdown_table(["variant", "saved activations / image", "activation gradients / image",
                           "total with Adam, batch B (bytes)"], body, style)


def cs5242_q3_values() -> dict[str, object]:
    one = alexnet_1x1.closed_form_bill("sgd", 1)
    batch = {o: alexnet_1x1.closed_form_bill(o, Q3_BATCH) for o in alexnet_1x1.OPTIMIZERS}
    return {
        "q3_params": alexnet_1x1.added_parameters(),
        "q3_params_no_bias": alexnet_1x1.added_parameters(with_bias=False),
        "q3_params_formula": math(alexnet_1x1.added_parameters_formula()),
        "q3_new_param_tensors": alexnet_1x1.NEW_PARAM_TENSORS,
        "q3_saved_floats": alexnet_1x1.added_saved_activation_floats(),
        "q3_param_bytes": one.parameters,
        "q3_saved_bytes": one.saved_activations,
        "q3_act_grad_bytes": one.activation_gradients,
        "q3_typical_items": one.parameters + one.gradients + one.saved_activations,
        "q3_bill_table": cs5242_q3_bill_table(),
        "q3_variant_table": cs5242_q3_variant_table(),
        "q3_measured_batch": Q3_MEASURED_BATCH,
        "q3_batch": Q3_BATCH,
        "q3_batch_sgd": batch["sgd"].total,
        "q3_batch_adam": batch["adam"].total,
        "q3_formula_adam": math(alexnet_1x1.bill_formula("adam")),
        "q3_formula_sgd": math(alexnet_1x1.bill_formula("sgd")),
    }


# ------------------------------------------------------------ CSC413 PA2 3(d), 3(e)

C3DE_DEPTH_ARCHS = ("mlp", "conv")
C3DE_RESOLUTION_ARCHS = ("conv", "conv_flatten")
C3DE_RESOLUTION_N = 4        # body layers of the models doubled in resolution
C3DE_LAST = "last_no_grad"   # tables show this last-layer mode; last_requires_grad is identical
_MODE_LABELS = {"full": "full", "last_requires_grad": "last, `requires_grad=False`",
                "last_no_grad": "last, `no_grad` body"}


@cache
def csc413_3de_data() -> tuple[tuple[finetune_cost.Cost, ...], tuple[finetune_cost.Cost, ...]]:
    """The depth sweep (MLP, conv) and the resolution sweep (conv, flatten head), measured once."""
    depth = [r for a in C3DE_DEPTH_ARCHS for r in finetune_cost.depth_sweep(a)]
    res = [r for a in C3DE_RESOLUTION_ARCHS
           for r in finetune_cost.resolution_sweep(a, n=C3DE_RESOLUTION_N)]
    return tuple(depth), tuple(res)


def _depth_slopes() -> dict[tuple[str, str, str], float | None]:
    rows, _ = csc413_3de_data()
    return {(s.arch, s.mode, s.component): s.slope
            for s in finetune_cost.slopes(rows, fit_from=finetune_cost.FIT_FROM)}


def _resolution_growth() -> dict[tuple[str, str, str], float | None]:
    _, rows = csc413_3de_data()
    return {(s.arch, s.mode, s.component): finetune_cost.growth_per_doubling(s.slope)
            for s in finetune_cost.slopes(rows, x="resolution")}


def _order(exponent: int | None, style: str) -> str:
    if exponent is None:
        return "0 bytes"
    order = {0: "O(1)", 1: "O(n)"}[exponent]
    return order if style == "text" else f"${order}$"


def _two(x: float | None) -> str:
    return "none (0 bytes)" if x is None else f"{x:.2f}"  # as the page's glued slopes


def csc413_3de_slope_table(arch: str = "mlp", style: str = "latex") -> str:
    slope = _depth_slopes()
    body = []
    for comp, label in finetune_cost.COMPONENTS.items():
        full, last = finetune_cost.CLAIMED_EXPONENT[comp]
        measured = [slope[arch, m, comp] for m in finetune_cost.MODES]
        ok = all(finetune_cost.agrees(s, e) for s, e in zip(measured, (full, last, last)))
        body.append([label, *(_two(s) for s in measured), _order(full, style), _order(last, style), ok])
    return markdown_table(["component", *(f"slope: {_MODE_LABELS[m]}" for m in finetune_cost.MODES),
                           "answer: full", "answer: last layer", "agrees"], body, style)


def csc413_3de_depth_table(arch: str = "mlp", style: str = "latex") -> str:
    rows, _ = csc413_3de_data()
    at = {(r.mode, r.n): r for r in rows if r.arch == arch}
    body = [[n, at["full", n].parameters,
             *(getattr(at[m, n], c) for c in ("gradients", "adam_state", "saved_activations")
               for m in ("full", C3DE_LAST)),
             at["full", n].forward_flops, at["full", n].backward_flops, at[C3DE_LAST, n].backward_flops]
            for n in finetune_cost.DEPTHS]
    return markdown_table(["n", "parameters (every mode)", "gradients: full", "gradients: last",
                           "Adam state: full", "Adam state: last", "saved: full", "saved: last",
                           "forward FLOPs (every mode)", "backward FLOPs: full",
                           "backward FLOPs: last"], body, style)


def csc413_3de_resolution_table(style: str = "latex") -> str:
    _, rows = csc413_3de_data()
    growth = _resolution_growth()
    sides = [finetune_cost.DEFAULT_RESOLUTION * f for f in finetune_cost.SIDE_FACTORS]
    body = []
    for arch in C3DE_RESOLUTION_ARCHS:
        at = {r.resolution: r for r in rows if r.arch == arch and r.mode == "full"}
        for comp, label in finetune_cost.COMPONENTS.items():
            body.append([arch, label, *(getattr(at[s], comp) for s in sides),
                         _two(growth[arch, "full", comp]), _two(growth[arch, C3DE_LAST, comp])])
    return markdown_table(["model", "component", *(f"full, {s}×{s}" for s in sides),
                           "× per doubling: full", "× per doubling: last layer"], body, style)


def csc413_3de_values() -> dict[str, object]:
    depth_rows, res_rows = csc413_3de_data()
    slope, growth = _depth_slopes(), _resolution_growth()
    big, small = max(finetune_cost.DEPTHS), min(finetune_cost.DEPTHS)
    mlp = {(r.mode, r.n): r for r in depth_rows if r.arch == "mlp"}
    pit, pit_small = mlp[C3DE_LAST, big], mlp[C3DE_LAST, small]
    frozen = pit.parameters - pit.head_parameters
    trainable = pit.adam_memory - frozen
    pairs = [(a, b) for a in depth_rows + res_rows if a.mode == "last_requires_grad"
             for b in depth_rows + res_rows if b.mode == C3DE_LAST
             and (b.arch, b.n, b.resolution) == (a.arch, a.n, a.resolution)]
    sides = [finetune_cost.DEFAULT_RESOLUTION * f for f in finetune_cost.SIDE_FACTORS]
    conv_full = {r.resolution: r for r in res_rows if r.arch == "conv" and r.mode == "full"}
    values: dict[str, object] = {
        "c3de_slope_table_mlp": csc413_3de_slope_table("mlp"),
        "c3de_slope_table_conv": csc413_3de_slope_table("conv"),
        "c3de_depth_table_mlp": csc413_3de_depth_table("mlp"),
        "c3de_depth_table_conv": csc413_3de_depth_table("conv"),
        "c3de_resolution_table": csc413_3de_resolution_table(),
        "c3de_depth_min": small,
        "c3de_depth_max": big,
        "c3de_fit_from": finetune_cost.FIT_FROM,
        "c3de_mlp_width": finetune_cost.DEFAULT_WIDTH["mlp"],
        "c3de_conv_width": finetune_cost.DEFAULT_WIDTH["conv"],
        "c3de_batch": depth_rows[0].batch,
        "c3de_side": sides[0],
        "c3de_side_max": sides[-1],
        "c3de_res_n": C3DE_RESOLUTION_N,
        "c3de_mode_pairs": len(pairs),
        "c3de_mode_differences": sum(dataclasses.replace(a, mode=C3DE_LAST) != b for a, b in pairs),
        "c3de_pit_n": big,
        "c3de_pit_frozen": frozen,
        "c3de_pit_trainable": trainable,
        "c3de_pit_frozen_percent": 100 * frozen / pit.adam_memory,
        "c3de_pit_total": pit.adam_memory,
        "c3de_pit_total_small": pit_small.adam_memory,
        "c3de_pit_growth": pit.adam_memory / pit_small.adam_memory,
        "c3de_full_total": mlp["full", big].adam_memory,
        "c3de_bwd_fwd_ratio": mlp["full", big].backward_flops / mlp["full", big].forward_flops,
        "c3de_pixel_factor": (2 * sides[0]) ** 2 // sides[0] ** 2,
        "c3de_conv_total_x2": conv_full[sides[1]].adam_memory / conv_full[sides[0]].adam_memory,
    }
    for (arch, mode, comp), s in slope.items():
        if s is not None:  # a 0-byte item has no slope; the page says "0 bytes" for it
            values[f"c3de_{arch}_{mode}_{comp}"] = s
    for (arch, mode, comp), g in growth.items():
        if g is not None:
            values[f"c3de_x2_{arch}_{mode}_{comp}"] = g
    return values


# ------------------------------------------------------------ the registry

@dataclass(frozen=True)
class Answer:
    id: str
    title: str
    module: str                          # where it is computed
    page: str                            # where it is rendered
    show: Callable[[str], str]           # style → text for the terminal
    values: Callable[[], dict[str, object]]


ANSWERS = {a.id: a for a in [
    Answer("csc413-1c", "CSC413 PA2 1(c): weights, outputs and connections of the CNN",
           "solutions.counting", "book/csc413/part1c-counting.md",
           lambda style: csc413_1c_answer_table(style) + "\n\n" + csc413_1c_layer_table(style),
           csc413_1c_values),
    Answer("cs5242-q2", "CS5242 HW5 Q2: convolution output sizes",
           "solutions.conv_table", "book/cs5242/q2-conv-sizes.md",
           lambda style: cs5242_q2_table(style) + "\n\n" + cs5242_q2_torch_table(style),
           cs5242_q2_values),
    Answer("cs5242-q3", "CS5242 HW5 Q3: two 1×1 convolutions in AlexNet",
           "solutions.alexnet_1x1", "book/cs5242/q3-alexnet-1x1.md",
           lambda style: cs5242_q3_variant_table(style) + "\n\n" + cs5242_q3_bill_table(style=style),
           cs5242_q3_values),
    Answer("csc413-3de", "CSC413 PA2 3(d), 3(e): fine-tuning cost vs depth and resolution",
           "solutions.finetune_cost", "book/csc413/part3de-finetuning.md",
           lambda style: "\n\n".join([csc413_3de_slope_table("mlp", style),
                                       csc413_3de_slope_table("conv", style),
                                       csc413_3de_resolution_table(style)]),
           csc413_3de_values),
]}


# ------------------------------------------------------------ conventions page

CONVENTION_EXAMPLE_SIZE = 8


def conventions_values() -> dict[str, object]:
    """A measured Conv2d(3, 8, 3) + BatchNorm2d(8), for the conventions page."""
    from torch import nn

    from solutions.torch_counts import measure_rows

    rows = measure_rows(nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8)),
                        (3, CONVENTION_EXAMPLE_SIZE, CONVENTION_EXAMPLE_SIZE))
    body = [[r.kind, r.output_shape, r.weights, r.biases, r.bn_params, r.bn_buffers, r.outputs,
             r.connections] for r in rows]
    return {
        "conv_example_table": markdown_table(["layer"] + _LAYER_HEADERS[1:], body),
        "conv_example_connections": sum(r.connections for r in rows),
        "conv_example_size": CONVENTION_EXAMPLE_SIZE,
    }
