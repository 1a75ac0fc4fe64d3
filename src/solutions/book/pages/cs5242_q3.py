"""Page values for CS5242 HW5 Q3; computed in solutions.answers.alexnet_1x1."""

from __future__ import annotations

from solutions.answers import alexnet_1x1
from solutions.book.render import markdown_table, math
from solutions.experiments import registry

Q3_BATCH = 128        # AlexNet's batch size in the original paper
Q3_MEASURED_BATCH = 2  # the item-by-item check against torch
PEAK = registry.RESULTS[registry.Q3_PEAK].config   # the stored peak's batch, optimizer, variant
Q3_PEAK_BATCH = PEAK.batch
Q3_OPTIMIZER = PEAK.optimizer
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
        m = alexnet_1x1.measured_bill(Q3_OPTIMIZER, Q3_MEASURED_BATCH, variant)
        body.append([variant, m.saved_activations // Q3_MEASURED_BATCH,
                     m.activation_gradients // Q3_MEASURED_BATCH,
                     alexnet_1x1.bill_formula(Q3_OPTIMIZER, variant)])
    return markdown_table(["variant", "saved activations / image", "activation gradients / image",
                           "bound with Adam, batch B (bytes)"], body, style)


def headline() -> dict[str, int]:
    """The closed-form numbers of the answer (fast; the tests pin each by hand)."""
    at_peak = alexnet_1x1.closed_form_bill(Q3_OPTIMIZER, Q3_PEAK_BATCH)
    at_batch = alexnet_1x1.closed_form_bill(Q3_OPTIMIZER, Q3_BATCH)
    sgd_batch = alexnet_1x1.closed_form_bill("sgd", Q3_BATCH)
    return {
        "q3_params": alexnet_1x1.added_parameters(),
        "q3_params_no_bias": alexnet_1x1.added_parameters(with_bias=False),
        "q3_saved_floats": alexnet_1x1.added_saved_activation_floats(),
        "q3_saved_bytes": at_peak.saved_activations // Q3_PEAK_BATCH,
        "q3_act_grad_bytes": at_peak.activation_gradients // Q3_PEAK_BATCH,
        "q3_param_bytes": at_peak.parameters,
        "q3_fixed_adam": at_peak.parameters + at_peak.gradients + at_peak.optimizer_state,
        "q3_bound_at_peak_batch": at_peak.total,
        "q3_batch_adam": at_batch.total,
        "q3_batch_sgd": sgd_batch.total,
        "q3_typical_items": sum(alexnet_1x1.hand_in_items()),
        "q3_typical_own": sum(alexnet_1x1.hand_in_items(with_bias=False)),
    }


def answer_values() -> dict[str, object]:
    """The answer box's keys only: the closed forms and the one measured peak (no bill tables)."""
    head = headline()
    peak = registry.load(registry.Q3_PEAK).result["peak"]
    return {
        "q3_params": head["q3_params"],
        "q3_params_no_bias": head["q3_params_no_bias"],
        "q3_saved_floats": head["q3_saved_floats"],
        "q3_saved_bytes": head["q3_saved_bytes"],
        "q3_fixed_adam": head["q3_fixed_adam"],
        "q3_peak_batch": Q3_PEAK_BATCH,
        "q3_peak": peak,
        "q3_peak_per_image": round((peak - head["q3_fixed_adam"]) / Q3_PEAK_BATCH),
        "q3_bound_at_peak_batch": head["q3_bound_at_peak_batch"],
        "q3_bound_over_peak": head["q3_bound_at_peak_batch"] / peak,
        "q3_batch": Q3_BATCH,
        "q3_batch_adam": head["q3_batch_adam"],
    }


def values() -> dict[str, object]:
    head = headline()
    return {
        **answer_values(),
        "q3_params_formula": math(alexnet_1x1.added_parameters_formula()),
        "q3_new_param_tensors": alexnet_1x1.NEW_PARAM_TENSORS,
        "q3_param_bytes": head["q3_param_bytes"],
        "q3_act_grad_bytes": head["q3_act_grad_bytes"],
        "q3_typical_items": head["q3_typical_items"],
        "q3_typical_own": head["q3_typical_own"],
        "q3_bill_table": bill_table(),
        "q3_variant_table": variant_table(),
        "q3_measured_batch": Q3_MEASURED_BATCH,
        "q3_batch_sgd": head["q3_batch_sgd"],
        "q3_formula_adam": math(alexnet_1x1.bill_formula("adam")),
        "q3_formula_sgd": math(alexnet_1x1.bill_formula("sgd")),
    }


def show(style: str = "text") -> str:
    return variant_table(style) + "\n\n" + bill_table(style=style)
