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


def effect(model: str, bn_mode: str, case: tuple[float, float]) -> Effect:
    """The measured effect of ``case`` = (a, b) on ``model`` with BatchNorm in ``bn_mode``."""
    rows, _ = data()
    return next(r for r in rows if (r.model, r.bn_mode, (r.a, r.b)) == (model, bn_mode, case))


UP, DOWN, SHIFT, NEG, INV = CASES   # (2, 0), (0.5, 0), (1, 0.2), (−1, 0), (−1, 1)


def answer_values() -> dict[str, object]:
    """The answer box's keys only: the one case it quotes, measured alone on the stored CNN.

    (:func:`values` measures every case on both networks; this is the same measurement of the
    same images, so the same number, in a few seconds instead of a minute.)
    """
    _, tensors = registry.data()
    up = input_transform.measure(registry.trained_model("cnn"), tensors.x_test_grey[:C1D_IMAGES],
                                 *UP, "eval", label="cnn")
    return {"c1d_up_a": UP[0], "c1d_cnn_eval_up_interior_changed": up.interior_changed}


def values() -> dict[str, object]:
    rows, first = data()
    return {
        **answer_values(),
        "c1d_table_train": effect_table("train"),
        "c1d_table_eval": effect_table("eval"),
        "c1d_images": C1D_IMAGES,
        "c1d_batch": input_transform.BATCH_SIZE,
        "c1d_border": rows[0].border,
        "c1d_first_border_pct": first.border_pct,
        "c1d_first_interior_pct": first.interior_pct,
        "c1d_up_b": UP[1], "c1d_down_a": DOWN[0],
        "c1d_shift_a": SHIFT[0], "c1d_shift_b": SHIFT[1],
        "c1d_neg_a": NEG[0], "c1d_neg_b": NEG[1], "c1d_inv_a": INV[0], "c1d_inv_b": INV[1],
        "c1d_cnn_train_up_interior_pct": effect("cnn", "train", UP).interior_pct,
        "c1d_cnn_train_up_interior_changed": effect("cnn", "train", UP).interior_changed,
        "c1d_cnn_train_down_interior_pct": effect("cnn", "train", DOWN).interior_pct,
        "c1d_cnn_train_down_interior_changed": effect("cnn", "train", DOWN).interior_changed,
        "c1d_unet_train_up_interior_pct": effect("unet", "train", UP).interior_pct,
        "c1d_unet_train_up_interior_changed": effect("unet", "train", UP).interior_changed,
        "c1d_cnn_train_shift_border_pct": effect("cnn", "train", SHIFT).border_pct,
        "c1d_cnn_train_shift_interior_pct": effect("cnn", "train", SHIFT).interior_pct,
        "c1d_cnn_train_shift_border_changed": effect("cnn", "train", SHIFT).border_changed,
        "c1d_cnn_train_shift_interior_changed": effect("cnn", "train", SHIFT).interior_changed,
        "c1d_cnn_train_neg_interior_pct": effect("cnn", "train", NEG).interior_pct,
        "c1d_cnn_train_neg_interior_changed": effect("cnn", "train", NEG).interior_changed,
        "c1d_cnn_train_inv_interior_changed": effect("cnn", "train", INV).interior_changed,
        "c1d_unet_train_neg_interior_changed": effect("unet", "train", NEG).interior_changed,
        "c1d_unet_train_inv_interior_changed": effect("unet", "train", INV).interior_changed,
        "c1d_cnn_eval_up_interior_pct": effect("cnn", "eval", UP).interior_pct,
        "c1d_cnn_eval_shift_interior_changed": effect("cnn", "eval", SHIFT).interior_changed,
        "c1d_unet_eval_up_interior_changed": effect("unet", "eval", UP).interior_changed,
        "c1d_unet_eval_shift_interior_changed": effect("unet", "eval", SHIFT).interior_changed,
        "c1d_cnn_eval_neg_interior_changed": effect("cnn", "eval", NEG).interior_changed,
    }


def figures() -> dict[str, object]:
    """The profile of the shift's effect (train-mode BN) by distance from the edge."""
    rows, first = data()
    shift = [r for r in rows if r.bn_mode == "train" and (r.a, r.b) == C1D_SHIFT]
    return {"c1d_profile_fig": plot_profiles(
        [first, *shift], ["CNN, first block (downconv1) output",
                          *(f"{_NAMES[r.model]}, logits" for r in shift)])}


def show(style: str = "text") -> str:
    return "\n\n".join(f"BatchNorm in {mode} mode:\n" + effect_table(mode, style) for mode in BN_MODES)
