"""Page values for CS5242 HW5 Q3; computed in solutions.answers.alexnet_1x1."""

from __future__ import annotations

from solutions.answers import alexnet_1x1
from solutions.book.claims import Claim
from solutions.book.render import markdown_table, math
from solutions.experiments import names, registry

Q3_BATCH = 128  # AlexNet's batch size in the original paper (SGD, momentum 0.9)
Q3_ALEXNET_OPTIMIZER = "sgd_momentum"  # AlexNet's optimizer in the original paper
Q3_MEASURED_BATCH = 2  # the item-by-item check against torch
PEAK = registry.RESULTS[names.Q3_PEAK].config  # the stored peak's batch, optimizer, variant
Q3_PEAK_BATCH = PEAK.batch
Q3_OPTIMIZER = PEAK.optimizer
_BILL_ITEMS = ["parameters", "gradients", "optimizer_state", "saved_activations", "activation_gradients", "total"]


def bill_table(variant: str = "relu", style: str = "latex") -> str:
    body = []
    for opt in alexnet_1x1.OPTIMIZERS:
        closed = alexnet_1x1.closed_form_bill(opt, Q3_MEASURED_BATCH, variant).as_dict()
        measured = alexnet_1x1.measured_bill(opt, Q3_MEASURED_BATCH, variant).as_dict()
        for item in _BILL_ITEMS:
            if opt != "sgd" and item in ("parameters", "gradients", "saved_activations", "activation_gradients"):
                continue  # the same for every optimizer; shown once
            body.append([opt, item, closed[item], measured[item], closed[item] == measured[item]])
    return markdown_table(["optimizer", "item (bytes)", "closed form", "torch", "match"], body, style)


def variant_table(style: str = "latex") -> str:
    body = []
    for variant in alexnet_1x1.VARIANTS:
        m = alexnet_1x1.measured_bill(Q3_OPTIMIZER, Q3_MEASURED_BATCH, variant)
        body.append(
            [
                variant,
                m.saved_activations // Q3_MEASURED_BATCH,
                m.activation_gradients // Q3_MEASURED_BATCH,
                alexnet_1x1.bill_formula(Q3_OPTIMIZER, variant),
            ]
        )
    return markdown_table(
        ["variant", "saved activations / image", "activation gradients / image", "bound with Adam, batch B (bytes)"],
        body,
        style,
    )


def held(bill: alexnet_1x1.MemoryBill) -> int:
    """What a step holds at its peak, as the measured peak shows: weights, gradients, optimizer
    state and the saved activations (the gradients of activations are freed as they are used)."""
    return bill.parameters + bill.gradients + bill.optimizer_state + bill.saved_activations


def headline() -> dict[str, int]:
    """The closed-form numbers of the answer (fast; the tests pin each by hand)."""
    at_peak = alexnet_1x1.closed_form_bill(Q3_OPTIMIZER, Q3_PEAK_BATCH)
    at_batch = alexnet_1x1.closed_form_bill(Q3_OPTIMIZER, Q3_BATCH)
    sgd_batch = alexnet_1x1.closed_form_bill("sgd", Q3_BATCH)
    alexnet = alexnet_1x1.closed_form_bill(Q3_ALEXNET_OPTIMIZER, Q3_BATCH)
    return {
        "q3_params": alexnet_1x1.added_parameters(),
        "q3_params_no_bias": alexnet_1x1.added_parameters(with_bias=False),
        "q3_saved_floats": alexnet_1x1.added_saved_activation_floats(),
        "q3_saved_bytes": at_peak.saved_activations // Q3_PEAK_BATCH,
        "q3_act_grad_bytes": at_peak.activation_gradients // Q3_PEAK_BATCH,
        "q3_param_bytes": at_peak.parameters,
        "q3_fixed_adam": at_peak.parameters + at_peak.gradients + at_peak.optimizer_state,
        "q3_fixed_momentum": alexnet.parameters + alexnet.gradients + alexnet.optimizer_state,
        "q3_alexnet_bytes": held(alexnet),
        "q3_held_at_peak_batch": held(at_peak),
        "q3_bound_at_peak_batch": at_peak.total,
        "q3_batch_adam": at_batch.total,
        "q3_batch_sgd": sgd_batch.total,
        "q3_batch_momentum": alexnet.total,
        "q3_typical_items": sum(alexnet_1x1.hand_in_items()),
        "q3_typical_own": sum(alexnet_1x1.hand_in_items(with_bias=False)),
    }


def answer_values() -> dict[str, object]:
    """The answer box's keys only: the closed forms and the one measured peak (no bill tables)."""
    head = headline()
    peak = registry.load(names.Q3_PEAK).result["peak"]
    return {
        "q3_params": head["q3_params"],
        "q3_params_no_bias": head["q3_params_no_bias"],
        "q3_saved_bytes": head["q3_saved_bytes"],
        "q3_fixed_momentum": head["q3_fixed_momentum"],
        "q3_batch": Q3_BATCH,
        "q3_alexnet_bytes": head["q3_alexnet_bytes"],
        "q3_fixed_adam": head["q3_fixed_adam"],
        "q3_peak_batch": Q3_PEAK_BATCH,
        "q3_peak": peak,
        "q3_peak_per_image": round((peak - head["q3_fixed_adam"]) / Q3_PEAK_BATCH),
        "q3_bound_over_peak": head["q3_bound_at_peak_batch"] / peak,
    }


def values() -> dict[str, object]:
    head = headline()
    return {
        **answer_values(),
        "q3_params_formula": math(alexnet_1x1.added_parameters_formula()),
        "q3_saved_floats": head["q3_saved_floats"],
        "q3_new_param_tensors": alexnet_1x1.NEW_PARAM_TENSORS,
        "q3_param_bytes": head["q3_param_bytes"],
        "q3_act_grad_bytes": head["q3_act_grad_bytes"],
        "q3_typical_items": head["q3_typical_items"],
        "q3_typical_own": head["q3_typical_own"],
        "q3_bill_table": bill_table(),
        "q3_variant_table": variant_table(),
        "q3_measured_batch": Q3_MEASURED_BATCH,
        "q3_bound_at_peak_batch": head["q3_bound_at_peak_batch"],
        "q3_held_at_peak_batch": head["q3_held_at_peak_batch"],
        "q3_batch_adam": head["q3_batch_adam"],
        "q3_batch_sgd": head["q3_batch_sgd"],
        "q3_batch_momentum": head["q3_batch_momentum"],
        "q3_formula_adam": math(alexnet_1x1.bill_formula("adam")),
        "q3_formula_sgd": math(alexnet_1x1.bill_formula("sgd")),
        **variant_values(),
        "q3_bills_match": bills_match(),
    }


def bills_match() -> bool:
    """Every item of the closed forms equals torch's measurement (the bill table's last column)."""
    return all(
        alexnet_1x1.closed_form_bill(opt, Q3_MEASURED_BATCH) == alexnet_1x1.measured_bill(opt, Q3_MEASURED_BATCH)
        for opt in alexnet_1x1.OPTIMIZERS
    )


def variant_values() -> dict[str, bool]:
    """Whether the ReLU variants differ in what is saved, and in the activations' gradients."""
    bills = [alexnet_1x1.measured_bill(Q3_OPTIMIZER, Q3_MEASURED_BATCH, v) for v in alexnet_1x1.VARIANTS]
    return {
        "q3_variants_saved_same": len({b.saved_activations for b in bills}) == 1,
        "q3_variants_grads_differ": len({b.activation_gradients for b in bills}) > 1,
    }


# Typed sentences whose direction words define what a glued number is, or state a method.
DEFINITIONS = (
    "more parameters**",
    "That is why the answer above bills a step",
)

# The typed sentences of the page about the measured peak, each with what makes it true.
CLAIMS = (
    Claim(
        "mostly activations, which grow with the batch",
        lambda q3_batch, q3_saved_bytes, q3_fixed_momentum: q3_batch * q3_saved_bytes > q3_fixed_momentum,
    ),
    # "about" the held bill: the measured peak (Adam, its batch) is within 10 % of the same bill
    Claim(
        "(SGD with momentum): about",
        lambda q3_peak, q3_held_at_peak_batch: abs(q3_peak / q3_held_at_peak_batch - 1) < 0.1,
    ),
    Claim(
        "bytes per image, close to the saved outputs alone",
        lambda q3_peak_per_image, q3_saved_bytes: abs(q3_peak_per_image / q3_saved_bytes - 1) < 0.1,
    ),
    Claim("The same figure comes out of", lambda q3_bills_match: q3_bills_match),
    Claim(
        "changes the gradients but not what is saved",
        lambda q3_variants_saved_same, q3_variants_grads_differ: q3_variants_saved_same and q3_variants_grads_differ,
    ),
    Claim("overstates that peak", lambda q3_bound_over_peak: q3_bound_over_peak > 1),
    Claim(
        "divided by the batch), close to the saved activations alone",
        lambda q3_peak_per_image, q3_saved_bytes: abs(q3_peak_per_image / q3_saved_bytes - 1) < 0.1,
    ),
    Claim(
        "the bound is {glue:text}`q3_bound_over_peak:.1f` times too high",
        lambda q3_bound_over_peak: q3_bound_over_peak > 1,
    ),
)


def show(style: str = "text") -> str:
    return variant_table(style) + "\n\n" + bill_table(style=style)
