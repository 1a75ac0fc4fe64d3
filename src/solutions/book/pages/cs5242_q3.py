"""Page values for CS5242 HW5 Q3; computed in solutions.answers.alexnet_1x1."""

from __future__ import annotations

from solutions.answers import alexnet_1x1
from solutions.book.render import markdown_table, math

Q3_BATCH = 128  # AlexNet's batch size in the original paper
Q3_MEASURED_BATCH = 2
_BILL_ITEMS = ["parameters", "gradients", "optimizer_state", "saved_activations",
               "activation_gradients", "total"]


def bill_table(variant: str = "relu", style: str = "latex") -> str:
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


def variant_table(style: str = "latex") -> str:
    body = []
    for variant in alexnet_1x1.VARIANTS:
        m = alexnet_1x1.measured_bill("adam", 1, variant)
        body.append([variant, m.saved_activations, m.activation_gradients,
                     alexnet_1x1.bill_formula("adam", variant)])
    return markdown_table(["variant", "saved activations / image", "activation gradients / image",
                           "total with Adam, batch B (bytes)"], body, style)


def values() -> dict[str, object]:
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
        "q3_bill_table": bill_table(),
        "q3_variant_table": variant_table(),
        "q3_measured_batch": Q3_MEASURED_BATCH,
        "q3_batch": Q3_BATCH,
        "q3_batch_sgd": batch["sgd"].total,
        "q3_batch_adam": batch["adam"].total,
        "q3_formula_adam": math(alexnet_1x1.bill_formula("adam")),
        "q3_formula_sgd": math(alexnet_1x1.bill_formula("sgd")),
    }


def show(style: str = "text") -> str:
    return variant_table(style) + "\n\n" + bill_table(style=style)
