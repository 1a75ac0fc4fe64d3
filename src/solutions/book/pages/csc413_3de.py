"""Page values for CSC413 PA2 3(d), 3(e); computed in solutions.answers.finetune_cost."""

from __future__ import annotations

import dataclasses
from functools import cache

from solutions.answers import finetune_cost
from solutions.answers.finetune_cost import agrees
from solutions.book.claims import Claim
from solutions.book.render import markdown_table
from solutions.experiments import names, registry


SWEEPS = registry.RESULTS[names.C3DE_SWEEPS].config  # what the stored sweeps measured
C3DE_DEPTH_ARCHS = SWEEPS.depth_archs
C3DE_RESOLUTION_ARCHS = SWEEPS.resolution_archs
C3DE_RESOLUTION_N = SWEEPS.resolution_n  # body layers of the models doubled in resolution
C3DE_LAST = "last_no_grad"  # tables show this last-layer mode; last_requires_grad is identical
_MODE_LABELS = {
    "full": "full",
    "last_requires_grad": "last, `requires_grad=False`",
    "last_no_grad": "last, `no_grad` body",
}


@cache
def stored() -> finetune_cost.Sweeps:
    """The depth and resolution sweeps and BERT-base's bills, as stored (c3de-sweeps)."""
    return finetune_cost.sweeps_from_record(registry.load(names.C3DE_SWEEPS).result)


def data() -> tuple[tuple[finetune_cost.Cost, ...], tuple[finetune_cost.Cost, ...]]:
    """The depth sweep (MLP, conv) and the resolution sweep (conv, flatten head)."""
    return stored().depth, stored().resolution


def bert_bill(mode: str, batch: int) -> finetune_cost.Bill:
    return stored().bert_bills[mode, batch]


def _depth_slopes() -> dict[tuple[str, str, str], float | None]:
    rows, _ = data()
    return {(s.arch, s.mode, s.component): s.slope for s in finetune_cost.slopes(rows, fit_from=finetune_cost.FIT_FROM)}


def _resolution_growth() -> dict[tuple[str, str, str], float | None]:
    _, rows = data()
    return {
        (s.arch, s.mode, s.component): finetune_cost.growth_per_doubling(s.slope)
        for s in finetune_cost.slopes(rows, x="resolution")
    }


def _order(exponent: int | None, style: str) -> str:
    if exponent is None:
        return "0 bytes"
    order = {0: "O(1)", 1: "O(n)"}[exponent]
    return order if style == "text" else f"${order}$"


def _two(x: float | None) -> str:
    return "none (0 bytes)" if x is None else f"{x:.2f}"  # as the page's glued slopes


def slope_table(arch: str = "mlp", style: str = "latex") -> str:
    slope = _depth_slopes()
    body = []
    for comp, label in finetune_cost.COMPONENTS.items():
        full, last = finetune_cost.CLAIMED_EXPONENT[comp]
        measured = [slope[arch, m, comp] for m in finetune_cost.MODES]
        ok = all(finetune_cost.agrees(s, e) for s, e in zip(measured, (full, last, last)))
        body.append([label, *(_two(s) for s in measured), _order(full, style), _order(last, style), ok])
    return markdown_table(
        [
            "component",
            *(f"slope: {_MODE_LABELS[m]}" for m in finetune_cost.MODES),
            "answer: full",
            "answer: last layer",
            "agrees",
        ],
        body,
        style,
    )


def depth_table(arch: str = "mlp", style: str = "latex") -> str:
    rows, _ = data()
    at = {(r.mode, r.n): r for r in rows if r.arch == arch}
    body = [
        [
            n,
            at["full", n].parameters,
            *(
                getattr(at[m, n], c)
                for c in ("gradients", "adam_state", "saved_activations")
                for m in ("full", C3DE_LAST)
            ),
            at["full", n].forward_flops,
            at["full", n].backward_flops,
            at[C3DE_LAST, n].backward_flops,
        ]
        for n in finetune_cost.DEPTHS
    ]
    return markdown_table(
        [
            "n",
            "parameters (every mode)",
            "gradients: full",
            "gradients: last",
            "Adam state: full",
            "Adam state: last",
            "saved: full",
            "saved: last",
            "forward FLOPs (every mode)",
            "backward FLOPs: full",
            "backward FLOPs: last",
        ],
        body,
        style,
    )


def resolution_table(style: str = "latex") -> str:
    _, rows = data()
    growth = _resolution_growth()
    sides = [finetune_cost.DEFAULT_RESOLUTION * f for f in finetune_cost.SIDE_FACTORS]
    body = []
    for arch in C3DE_RESOLUTION_ARCHS:
        at = {r.resolution: r for r in rows if r.arch == arch and r.mode == "full"}
        for comp, label in finetune_cost.COMPONENTS.items():
            body.append(
                [
                    arch,
                    label,
                    *(getattr(at[s], comp) for s in sides),
                    _two(growth[arch, "full", comp]),
                    _two(growth[arch, C3DE_LAST, comp]),
                ]
            )
    return markdown_table(
        [
            "model",
            "component",
            *(f"full, {s}×{s}" for s in sides),
            "× per doubling: full",
            "× per doubling: last layer",
        ],
        body,
        style,
    )


_BILL_ITEMS = {
    "frozen_weights": "frozen weights",
    "trained_weights": "trained weights",
    "gradients": "gradients",
    "adam_state": "Adam state",
    "saved_activations": "saved activations",
}


def bert_table(style: str = "latex") -> str:
    """BERT-base's Adam bill: each item's share of the step's memory, per mode and batch."""
    body = []
    for mode in SWEEPS.bert_modes:
        for b in SWEEPS.bert_batches:
            bill = bert_bill(mode, b)
            body.append([_MODE_LABELS[mode], b, *(f"{bill.share(i):.2f} %" for i in _BILL_ITEMS), bill.total])
    return markdown_table(["fine-tuning", "batch", *_BILL_ITEMS.values(), "total (bytes)"], body, style)


@cache
def working() -> dict[str, object]:
    """The forward pass's working memory with the body frozen (stored: ``c3de-working-memory``)."""
    from solutions.answers import working_memory

    stored_ = working_memory.working_from_record(registry.load(names.C3DE_WORKING).result)
    one, two = stored_.line
    b_min, b_max = min(SWEEPS.bert_batches), max(SWEEPS.bert_batches)
    w_max = stored_.at(b_max)
    return {
        "c3de_bert_working_min": stored_.at(b_min),
        "c3de_bert_working_max": w_max,
        "c3de_bert_working_share": 100 * w_max / bert_bill(C3DE_LAST, b_max).total,
        # what the page's sentence about the measurement rests on
        "c3de_working_depth_free": stored_.depth_free,
        "c3de_working_per_sequence": abs(2 * one - two) <= 0.01 * one,
    }


def answer_values() -> dict[str, object]:
    """The answer box's keys: the stored sweeps' slopes and growth, BERT-base's bills and the
    forward pass's working memory (no tables, no figures)."""
    slope, growth = _depth_slopes(), _resolution_growth()
    sides = [finetune_cost.DEFAULT_RESOLUTION * f for f in finetune_cost.SIDE_FACTORS]
    b_max = max(SWEEPS.bert_batches)
    last_max = bert_bill(C3DE_LAST, b_max)
    work = working()
    return {
        "c3de_pixel_factor": (2 * sides[0]) ** 2 // sides[0] ** 2,
        "c3de_depth_min": min(finetune_cost.DEPTHS),
        "c3de_depth_max": max(finetune_cost.DEPTHS),
        "c3de_fit_from": finetune_cost.FIT_FROM,
        "c3de_mlp_full_parameters": slope["mlp", "full", "parameters"],
        "c3de_mlp_last_no_grad_parameters": slope["mlp", "last_no_grad", "parameters"],
        "c3de_mlp_full_gradients": slope["mlp", "full", "gradients"],
        "c3de_mlp_last_no_grad_gradients": slope["mlp", "last_no_grad", "gradients"],
        "c3de_bert_batch_max": b_max,
        "c3de_bert_last_total_max": last_max.total,
        "c3de_bert_last_frozen_min": last_max.share("frozen_weights"),
        "c3de_bert_working_max": work["c3de_bert_working_max"],
        "c3de_bert_full_total_max": bert_bill("full", b_max).total,
        "c3de_x2_conv_full_saved_activations": growth["conv", "full", "saved_activations"],
        "c3de_x2_conv_flatten_full_head_parameters": growth["conv_flatten", "full", "head_parameters"],
    }


def claim_values() -> dict[str, object]:
    """What the page's typed sentences rest on beyond its glued values: each component's measured
    slopes against the answer's exponent (``finetune_cost.CLAIMED_EXPONENT``), in every arch."""
    slope = _depth_slopes()

    def as_answered(component: str, mode: str) -> bool:
        full, last = finetune_cost.CLAIMED_EXPONENT[component]
        return all(agrees(slope[arch, mode, component], full if mode == "full" else last) for arch in C3DE_DEPTH_ARCHS)

    def both(component: str) -> bool:
        return all(as_answered(component, mode) for mode in finetune_cost.MODES)

    shares = [bert_bill(C3DE_LAST, b).share("frozen_weights") for b in SWEEPS.bert_batches]
    growth = _resolution_growth()
    trained = ("parameters", "gradients", "adam_state")  # what the figure's flat lines show
    return {f"c3de_as_answered_{c}": both(c) for c in finetune_cost.COMPONENTS if c != "head_parameters"} | {
        "c3de_bert_last_frozen_every": min(shares),
        # the depth figure: parameters and forward FLOPs are equal in the two modes at every depth
        "c3de_same_in_both_modes": all(
            getattr(r, c) == getattr(f, c)
            for r in data()[0]
            if r.mode == C3DE_LAST
            for f in data()[0]
            if (f.arch, f.n, f.mode) == (r.arch, r.n, "full")
            for c in ("parameters", "forward_flops")
        ),
        # the resolution figure, last layer only: flat with the pointwise head, ×4 with the flatten head
        "c3de_pointwise_flat": all(growth["conv", C3DE_LAST, c] in (None, 1.0) for c in trained),
        "c3de_flatten_grows": all(
            growth["conv_flatten", C3DE_LAST, c] is not None and abs(growth["conv_flatten", C3DE_LAST, c] - 4) < 0.2
            for c in ("head_parameters", "gradients", "adam_state")
        ),
    }


def values() -> dict[str, object]:
    depth_rows, res_rows = data()
    slope, growth = _depth_slopes(), _resolution_growth()
    big, small = max(finetune_cost.DEPTHS), min(finetune_cost.DEPTHS)
    mlp = {(r.mode, r.n): r for r in depth_rows if r.arch == "mlp"}
    pit, pit_small = mlp[C3DE_LAST, big], mlp[C3DE_LAST, small]
    pairs = [
        (a, b)
        for a in depth_rows + res_rows
        if a.mode == "last_requires_grad"
        for b in depth_rows + res_rows
        if b.mode == C3DE_LAST and (b.arch, b.n, b.resolution) == (a.arch, a.n, a.resolution)
    ]
    sides = [finetune_cost.DEFAULT_RESOLUTION * f for f in finetune_cost.SIDE_FACTORS]
    conv_full = {r.resolution: r for r in res_rows if r.arch == "conv" and r.mode == "full"}
    b_min, b_max = min(SWEEPS.bert_batches), max(SWEEPS.bert_batches)
    full_min, full_max = (bert_bill("full", b) for b in (b_min, b_max))
    last_max = bert_bill(C3DE_LAST, b_max)
    values: dict[str, object] = {
        **answer_values(),
        **claim_values(),
        **working(),
        "c3de_slope_table_mlp": slope_table("mlp"),
        "c3de_slope_table_conv": slope_table("conv"),
        "c3de_depth_table_mlp": depth_table("mlp"),
        "c3de_depth_table_conv": depth_table("conv"),
        "c3de_resolution_table": resolution_table(),
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
        "c3de_pit_total": pit.adam_memory,
        "c3de_pit_total_small": pit_small.adam_memory,
        "c3de_pit_growth": pit.adam_memory / pit_small.adam_memory,
        "c3de_full_total": mlp["full", big].adam_memory,
        "c3de_bwd_fwd_ratio": mlp["full", big].backward_flops / mlp["full", big].forward_flops,
        "c3de_pixel_factor": (2 * sides[0]) ** 2 // sides[0] ** 2,
        "c3de_conv_total_x2": conv_full[sides[1]].adam_memory / conv_full[sides[0]].adam_memory,
        "c3de_conv_full_parameters": slope["conv", "full", "parameters"],
        "c3de_conv_last_no_grad_parameters": slope["conv", "last_no_grad", "parameters"],
        "c3de_mlp_full_adam_state": slope["mlp", "full", "adam_state"],
        "c3de_mlp_full_backward_flops": slope["mlp", "full", "backward_flops"],
        "c3de_mlp_full_forward_flops": slope["mlp", "full", "forward_flops"],
        "c3de_mlp_full_gradients": slope["mlp", "full", "gradients"],
        "c3de_mlp_full_momentum_state": slope["mlp", "full", "momentum_state"],
        "c3de_mlp_full_parameters": slope["mlp", "full", "parameters"],
        "c3de_mlp_full_saved_activations": slope["mlp", "full", "saved_activations"],
        "c3de_mlp_last_no_grad_adam_state": slope["mlp", "last_no_grad", "adam_state"],
        "c3de_mlp_last_no_grad_backward_flops": slope["mlp", "last_no_grad", "backward_flops"],
        "c3de_mlp_last_no_grad_forward_flops": slope["mlp", "last_no_grad", "forward_flops"],
        "c3de_mlp_last_no_grad_gradients": slope["mlp", "last_no_grad", "gradients"],
        "c3de_mlp_last_no_grad_momentum_state": slope["mlp", "last_no_grad", "momentum_state"],
        "c3de_mlp_last_no_grad_parameters": slope["mlp", "last_no_grad", "parameters"],
        "c3de_mlp_last_no_grad_saved_activations": slope["mlp", "last_no_grad", "saved_activations"],
        "c3de_x2_conv_flatten_full_head_parameters": growth["conv_flatten", "full", "head_parameters"],
        "c3de_x2_conv_flatten_full_parameters": growth["conv_flatten", "full", "parameters"],
        "c3de_x2_conv_flatten_last_no_grad_adam_state": growth["conv_flatten", "last_no_grad", "adam_state"],
        "c3de_x2_conv_full_forward_flops": growth["conv", "full", "forward_flops"],
        "c3de_x2_conv_full_parameters": growth["conv", "full", "parameters"],
        "c3de_x2_conv_full_saved_activations": growth["conv", "full", "saved_activations"],
        "c3de_x2_conv_last_no_grad_saved_activations": growth["conv", "last_no_grad", "saved_activations"],
        "c3de_bert_table": bert_table(),
        "c3de_bert_layers": finetune_cost.BERT_BASE.layers,
        "c3de_bert_seq": finetune_cost.BERT_BASE.seq,
        "c3de_bert_hidden": finetune_cost.BERT_BASE.hidden,
        "c3de_bert_heads": finetune_cost.BERT_BASE.heads,
        "c3de_bert_ffn": finetune_cost.BERT_BASE.ffn,
        "c3de_bert_vocab": finetune_cost.BERT_BASE.vocab,
        "c3de_bert_params": sum(c for c, _ in stored().bert_parameters.values()),
        "c3de_bert_batch_min": b_min,
        "c3de_bert_batch_max": b_max,
        "c3de_bert_last_frozen_min": last_max.share("frozen_weights"),
        "c3de_bert_last_total_max": last_max.total,
        "c3de_bert_full_total_max": full_max.total,
        "c3de_bert_full_weights_min": full_min.share("trained_weights"),
        "c3de_bert_full_weights_max": full_max.share("trained_weights"),
        "c3de_bert_full_saved_min": full_min.share("saved_activations"),
        "c3de_bert_full_saved_max": full_max.share("saved_activations"),
        "c3de_res_fit_min": sides[0],
        "c3de_res_fit_max": sides[-1],
        "c3de_side_x2": sides[1],
    }
    return values


def figures() -> dict[str, object]:
    """The page's two log-log figures (matplotlib), keyed by glue key."""
    from solutions.book.figures import plot_depth_scaling, plot_resolution_scaling

    depth_rows, resolution_rows = data()
    return {
        "c3de_depth_fig": plot_depth_scaling(depth_rows),
        "c3de_resolution_fig": plot_resolution_scaling(resolution_rows),
    }


def _near(x: float | None, target: float, tol: float = 0.05) -> bool:
    return x is not None and abs(x - target) <= tol * target


# Typed sentences whose direction words define what a glued number is, or state a method.
DEFINITIONS = (
    "bytes more while they run",
    "A *slope* is the least-squares slope",
    "the forward pass's working memory, below, not included",
    "the pointwise convolution above",
    "how each cost grows with $n$ as a",  # what a slope means, not a result
)

# The typed sentences of the page about the stored sweeps, each with what makes it true.
CLAIMS = (
    Claim(
        "the head's weights grow with the pixels",
        lambda c3de_x2_conv_flatten_full_head_parameters, c3de_x2_conv_flatten_last_no_grad_adam_state: (
            c3de_x2_conv_flatten_full_head_parameters > 1.5 and c3de_x2_conv_flatten_last_no_grad_adam_state > 1.5
        ),
    ),
    Claim("(d) Memory: $O(n)$ both ways", lambda c3de_as_answered_parameters: c3de_as_answered_parameters),
    Claim(
        "only gradients, optimizer state and saved activations become $O(1)$",
        lambda c3de_as_answered_gradients, c3de_as_answered_momentum_state, c3de_as_answered_adam_state, c3de_as_answered_saved_activations: (  # noqa: E501  (the lambda's parameters: the glue keys of its claim)
            c3de_as_answered_gradients
            and c3de_as_answered_momentum_state
            and c3de_as_answered_adam_state
            and c3de_as_answered_saved_activations
        ),
    ),
    Claim(
        "Compute: $O(n)$ both ways (only backward becomes $O(1)$)",
        lambda c3de_as_answered_forward_flops, c3de_as_answered_backward_flops: (
            c3de_as_answered_forward_flops and c3de_as_answered_backward_flops
        ),
    ),
    Claim(
        "(e) Activations ×{glue:text}`c3de_pixel_factor`, so fine-tuning memory grows",
        lambda c3de_x2_conv_full_saved_activations, c3de_pixel_factor, c3de_conv_total_x2: (
            _near(c3de_x2_conv_full_saved_activations, c3de_pixel_factor) and c3de_conv_total_x2 > 1
        ),
    ),
    Claim(
        "parameters unchanged, except a flatten→linear head's weights",
        lambda c3de_x2_conv_full_parameters, c3de_x2_conv_flatten_full_head_parameters, c3de_pixel_factor: (
            _near(c3de_x2_conv_full_parameters, 1)
            and _near(c3de_x2_conv_flatten_full_head_parameters, c3de_pixel_factor)
        ),
    ),
    Claim("keeps the parameter count", lambda c3de_x2_conv_full_parameters: _near(c3de_x2_conv_full_parameters, 1)),
    Claim("Weights: $O(n)$ in every mode.", lambda c3de_as_answered_parameters: c3de_as_answered_parameters),
    Claim("Parameter gradients: $O(n)$ against $O(1)$.", lambda c3de_as_answered_gradients: c3de_as_answered_gradients),
    Claim(
        "Optimizer state: $O(n)$ against $O(1)$.",
        lambda c3de_as_answered_sgd_state, c3de_as_answered_momentum_state, c3de_as_answered_adam_state: (
            c3de_as_answered_sgd_state and c3de_as_answered_momentum_state and c3de_as_answered_adam_state
        ),
    ),
    Claim(
        "Saved activations: $O(n)$ against $O(1)$.",
        lambda c3de_as_answered_saved_activations: c3de_as_answered_saved_activations,
    ),
    Claim("as well changes none of the", lambda c3de_mode_differences: c3de_mode_differences == 0),
    Claim(
        "The total is therefore $O(n)$ in both cases",
        lambda c3de_as_answered_parameters, c3de_pit_growth: c3de_as_answered_parameters and c3de_pit_growth > 1,
    ),
    Claim("The compute is right", lambda c3de_as_answered_forward_flops: c3de_as_answered_forward_flops),
    Claim("The memory is not", lambda c3de_as_answered_parameters: c3de_as_answered_parameters),
    Claim(
        "of the memory at every batch",
        lambda c3de_bert_last_frozen_every, c3de_bert_last_frozen_min: (
            c3de_bert_last_frozen_every >= round(c3de_bert_last_frozen_min, 2)
        ),
    ),
    Claim(
        "the weights' share falls from",
        lambda c3de_bert_full_weights_min, c3de_bert_full_weights_max, c3de_bert_full_saved_min, c3de_bert_full_saved_max: (  # noqa: E501  (the lambda's parameters: the glue keys of its claim)
            c3de_bert_full_weights_min > c3de_bert_full_weights_max
            and c3de_bert_full_saved_min < c3de_bert_full_saved_max
        ),
    ),
    Claim("it does not grow with the number of layers", lambda c3de_working_depth_free: c3de_working_depth_free),
    Claim("grows in proportion to the batch", lambda c3de_working_per_sequence: c3de_working_per_sequence),
    Claim(
        "the step's memory grows",
        lambda c3de_as_answered_parameters, c3de_pit_growth: c3de_as_answered_parameters and c3de_pit_growth > 1,
    ),
    Claim("each about as costly as the layer's forward", lambda c3de_bwd_fwd_ratio: 1.8 <= c3de_bwd_fwd_ratio <= 2.1),
    Claim(
        "So a step costs $O(n)$ either way",
        lambda c3de_as_answered_forward_flops, c3de_as_answered_backward_flops: (
            c3de_as_answered_forward_flops and c3de_as_answered_backward_flops
        ),
    ),
    Claim("so their dashed line lies under the solid one", lambda c3de_same_in_both_modes: c3de_same_in_both_modes),
    Claim(
        "optimizer state are flat; with the flatten head (right)",
        lambda c3de_pointwise_flat, c3de_flatten_grows: c3de_pointwise_flat and c3de_flatten_grows,
    ),
    Claim("Forward: $O(n)$ in both.", lambda c3de_as_answered_forward_flops: c3de_as_answered_forward_flops),
    Claim("Backward: $O(n)$ against $O(1)$.", lambda c3de_as_answered_backward_flops: c3de_as_answered_backward_flops),
    Claim(
        "Memory for activations grows with the pixels.",
        lambda c3de_x2_conv_full_saved_activations, c3de_x2_conv_last_no_grad_saved_activations, c3de_pixel_factor: (
            _near(c3de_x2_conv_full_saved_activations, c3de_pixel_factor)
            and _near(c3de_x2_conv_last_no_grad_saved_activations, c3de_pixel_factor)
        ),
    ),
    Claim(
        "FLOPs grow the same way",
        lambda c3de_x2_conv_full_forward_flops, c3de_pixel_factor: _near(
            c3de_x2_conv_full_forward_flops, c3de_pixel_factor
        ),
    ),
    Claim(
        "the closer this comes to",
        lambda c3de_conv_total_x2, c3de_pixel_factor: 1 < c3de_conv_total_x2 < c3de_pixel_factor,
    ),
    Claim(
        "Parameters are unchanged unless the head flattens the feature map",
        lambda c3de_x2_conv_full_parameters, c3de_x2_conv_flatten_full_head_parameters, c3de_pixel_factor: (
            _near(c3de_x2_conv_full_parameters, 1)
            and _near(c3de_x2_conv_flatten_full_head_parameters, c3de_pixel_factor)
        ),
    ),
)


def show(style: str = "text") -> str:
    return "\n\n".join([slope_table("mlp", style), slope_table("conv", style), resolution_table(style)])
