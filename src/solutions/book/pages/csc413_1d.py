"""Page values for CSC413 PA2 1(d); computed in solutions.answers.input_transform.

The trained CNN and UNet come from the results store (``registry.trained_model``
never trains; a missing run raises MissingResult naming the command).
"""

from __future__ import annotations

from functools import cache

from solutions.answers import input_transform
from solutions.answers.input_transform import BN_MODES, CASES, Effect
from solutions.book.figures import plot_profiles
from solutions.book.render import markdown_table
from solutions.experiments import registry

C1D_IMAGES = 200        # the first validation images: enough for stable means, keeps the page fast
C1D_MODELS = ("cnn", "unet")
C1D_SHIFT = (1.0, 0.2)  # the case whose profile the figure shows
# A short name per case, for glue keys.
CASE_NAMES = {(2.0, 0.0): "up", (0.5, 0.0): "down", (1.0, 0.2): "shift", (-1.0, 0.0): "neg",
              (-1.0, 1.0): "inv"}
_NAMES = {"cnn": "CNN", "unet": "UNet"}
_FIELDS = ("interior_mean", "border_mean", "interior_max", "border_max", "interior_changed",
           "border_changed")


@cache
def data() -> tuple[tuple[Effect, ...], Effect]:
    """Every (model, BN mode, case) on the trained networks, and the CNN's first block under the shift."""
    _, tensors = registry.data()
    x = tensors.x_test_grey[:C1D_IMAGES]
    rows = []
    for name in C1D_MODELS:
        rows += input_transform.measure_cases(registry.trained_model(name), x, CASES,
                                              label=name)
    cnn = registry.trained_model("cnn")
    first = input_transform.measure(cnn.downconv1, x, *C1D_SHIFT, "train", label="cnn downconv1")
    return tuple(rows), first


def _g(x: float) -> str:
    return f"{x:.3g}"   # as the page's glued floats


def effect_table(bn_mode: str = "train", style: str = "latex") -> str:
    rows, _ = data()
    body = [[r.model, _g(r.a), _g(r.b), _g(r.logit_scale), *(_g(getattr(r, f)) for f in _FIELDS)]
            for r in rows if r.bn_mode == bn_mode]
    headers = ["model", "a", "b", "mean |logits|", "mean |Δ|: interior", "mean |Δ|: border",
               "max |Δ|: interior", "max |Δ|: border", "% changed: interior", "% changed: border"]
    if style != "text":   # a bare | would end the Markdown table's cell
        headers = [h.replace("|", "\\|") for h in headers]
    return markdown_table(headers, body, style)


def values() -> dict[str, object]:
    rows, first = data()
    out: dict[str, object] = {
        "c1d_table_train": effect_table("train"),
        "c1d_table_eval": effect_table("eval"),
        "c1d_images": C1D_IMAGES,
        "c1d_batch": input_transform.BATCH_SIZE,
        "c1d_border": rows[0].border,
        "c1d_first_border_pct": 100 * first.border_mean / first.logit_scale,
        "c1d_first_interior_pct": 100 * first.interior_mean / first.logit_scale,
    }
    for (a, b), case in CASE_NAMES.items():
        out[f"c1d_{case}_a"], out[f"c1d_{case}_b"] = a, b
    for r in rows:
        key = f"c1d_{r.model}_{r.bn_mode}_{CASE_NAMES[r.a, r.b]}"
        for f in _FIELDS:
            out[f"{key}_{f}"] = getattr(r, f)
        for region in ("interior", "border"):   # mean |Δ| as % of mean |logits|
            out[f"{key}_{region}_pct"] = 100 * getattr(r, f"{region}_mean") / r.logit_scale
    for name in C1D_MODELS:
        for mode in BN_MODES:
            out[f"c1d_{name}_{mode}_scale"] = next(r.logit_scale for r in rows
                                                   if (r.model, r.bn_mode) == (name, mode))
    return out


def figures() -> dict[str, object]:
    """The profile of the shift's effect (train-mode BN) by distance from the edge."""
    rows, first = data()
    shift = [r for r in rows if r.bn_mode == "train" and (r.a, r.b) == C1D_SHIFT]
    return {"c1d_profile_fig": plot_profiles(
        [first, *shift], ["CNN, first block (downconv1) output",
                          *(f"{_NAMES[r.model]}, logits" for r in shift)])}


def show(style: str = "text") -> str:
    return "\n\n".join(f"BatchNorm in {mode} mode:\n" + effect_table(mode, style) for mode in BN_MODES)
