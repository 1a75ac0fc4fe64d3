"""Page values for CSC413 PA2 1(d); computed in solutions.answers.input_transform and colour_analysis.

Part 1, the question as asked: the CNN and the UNet trained on ``a·x + b``
(stored runs ``cnn-a2-b0``, …, each with its seeds) against the same networks
trained as long on ``x`` (``cnn-a1-b0``, …), by the noise rule of
``colour_analysis``. Part 2, the transform at test time only: the stored
measurement ``c1d-test-time`` of the stored CNN and UNet. Nothing here trains
or measures: a missing result raises MissingResult naming the command.
"""

from __future__ import annotations

from functools import cache

from solutions.answers import colour_analysis as ca
from solutions.answers import input_transform
from solutions.answers.input_transform import BN_MODES, CASES, Effect, ProbeConfig
from solutions.book.figures import plot_profiles
from solutions.book.claims import Claim
from solutions.book.render import markdown_table
from solutions.experiments import names, registry
from solutions.experiments.names import C1D_PROBE, TRANSFORMS
from solutions.experiments.registry import TRANSFORM_EPOCHS

C1D_MODELS = names.MODELS  # the networks of 1(d) (kinds: "cnn", "unet")
_NAMES = {"cnn": "CNN", "unet": "UNet"}
_FIELDS = ("interior_mean", "border_mean", "interior_max", "border_max", "interior_changed", "border_changed")


@cache
def data() -> tuple[tuple[Effect, ...], Effect]:
    """Every (model, BN mode, case) of the stored test-time measurement, and the CNN's first block."""
    return input_transform.probe_effects(registry.load(C1D_PROBE).result)


def case_label(a: float, b: float) -> str:
    """How a row of the trained table names (a, b)."""
    return f"a = {a:g}, b = {b:g}"


BASELINE = case_label(*TRANSFORMS[0])  # (1, 0): trained on x itself, as long as the others


@cache
def trained(model: str) -> tuple[ca.AblationRow, ...]:
    """``model`` trained on each a·x + b, every seed, against the same network trained on x."""
    variants = {case_label(a, b): [registry.load(n).result for n in names.C1D_RUNS[model, a, b]] for a, b in TRANSFORMS}
    return ca.ablations(variants, BASELINE, registry.palette())


def trained_table(style: str = "latex") -> str:
    """Validation loss and accuracy per network and (a, b): mean [min–max] over seeds, and each
    difference from training on x with Welch's p and the verdict."""

    def versus(c: ca.Comparison, digits: int) -> str:
        return f"{c.difference:+.{digits}f} (p = {c.p_value:.3f}, {c.verdict})"

    body = []
    for m in C1D_MODELS:
        for r in trained(m):
            base = r.name == BASELINE
            body.append(
                [
                    _NAMES[m],
                    r.name,
                    f"{r.val_loss.mean:.4f} [{r.val_loss.low:.4f}–{r.val_loss.high:.4f}]",
                    f"{r.val_accuracy.mean:.1f} [{r.val_accuracy.low:.1f}–{r.val_accuracy.high:.1f}]",
                    "—" if base else versus(r.loss_vs_full, 4),
                    "—" if base else versus(r.accuracy_vs_full, 2),
                ]
            )
    headers = [
        "network",
        "trained on y = a·x + b",
        "val loss: mean [range]",
        "val acc %: mean [range]",
        "Δ val loss vs a = 1, b = 0",
        "Δ val acc vs a = 1, b = 0 (points)",
    ]
    return markdown_table(headers, body, style)


def beyond() -> list[str]:
    """The (network, case) pairs whose trained runs differ from training on x beyond the noise."""
    return [f"{_NAMES[m]} with {name}" for m in C1D_MODELS for name in ca.beyond_noise(trained(m))]


def every_seed(model: str, name: str) -> tuple[bool, bool]:
    """Whether ``model`` trained on the case ``name`` ends lower in loss, and higher in accuracy,
    than training on x with the same seed, on every seed."""
    rows = {r.name: r for r in trained(model)}
    base, case = rows[BASELINE], rows[name]
    return (
        all(c < b for c, b in zip(case.val_loss.values, base.val_loss.values)),
        all(c > b for c, b in zip(case.val_accuracy.values, base.val_accuracy.values)),
    )


def _largest_gap(model: str) -> float:
    return max(abs(r.loss_vs_full.difference) for r in trained(model) if r.name != BASELINE)


def _g(x: float) -> str:
    return f"{x:.3g}"  # as the page's glued floats


def effect_table(bn_mode: str = "train", style: str = "latex") -> str:
    rows, _ = data()
    body = [
        [r.model, _g(r.a), _g(r.b), _g(r.logit_scale), *(_g(getattr(r, f)) for f in _FIELDS)]
        for r in rows
        if r.bn_mode == bn_mode
    ]
    headers = [
        "model",
        "a",
        "b",
        "mean |logits|",
        "mean |Δ|: interior",
        "mean |Δ|: border",
        "max |Δ|: interior",
        "max |Δ|: border",
        "% changed: interior",
        "% changed: border",
    ]
    if style != "text":  # a bare | would end the Markdown table's cell
        headers = [h.replace("|", "\\|") for h in headers]
    return markdown_table(headers, body, style)


def effect(model: str, bn_mode: str, case: tuple[float, float]) -> Effect:
    """The measured effect of ``case`` = (a, b) on ``model`` with BatchNorm in ``bn_mode``."""
    rows, _ = data()
    return next(r for r in rows if (r.model, r.bn_mode, (r.a, r.b)) == (model, bn_mode, case))


UP, DOWN, SHIFT, NEG, INV = CASES  # (2, 0), (0.5, 0), (1, 0.2), (−1, 0), (−1, 1)


def answer_values() -> dict[str, object]:
    """The answer box's keys: the trained runs' verdict and the one test-time case it quotes."""
    seeds = {r.val_loss.n for m in C1D_MODELS for r in trained(m)}
    compared = sum(len(trained(m)) - 1 for m in C1D_MODELS)  # every case but each model's baseline
    return {
        "c1d_trained_epochs": TRANSFORM_EPOCHS,
        "c1d_trained_seeds": min(seeds),
        "c1d_alpha_pct": 100 * ca.ALPHA,
        # two tests (loss, accuracy) per case at level ALPHA: how many "beyond" chance alone gives
        "c1d_tests": 2 * compared,
        "c1d_chance": 2 * compared * ca.ALPHA,
        "c1d_beyond_count": len(beyond()),
        "c1d_beyond_names": "; ".join(beyond()) or "none",
        "c1d_trained_cases": (
            ", ".join(f"({a:g}, {b:g})" for a, b in TRANSFORMS[1:-1]) + " and ({:g}, {:g})".format(*TRANSFORMS[-1])
        ),
        "c1d_cnn_base_loss": trained("cnn")[0].val_loss.mean,
        "c1d_unet_base_loss": trained("unet")[0].val_loss.mean,
        "c1d_largest_gap": max(_largest_gap(m) for m in C1D_MODELS),
        "c1d_losses_within": all(not r.loss_vs_full.beyond_noise for m in C1D_MODELS for r in trained(m)),
        "c1d_unet_inv_beyond": beyond() == [f"{_NAMES['unet']} with {case_label(*INV)}"],
        "c1d_unet_inv_every_seed": all(every_seed("unet", case_label(*INV))),
        "c1d_unet_inv_acc_gain": next(
            r.accuracy_vs_full.difference for r in trained("unet") if r.name == case_label(*INV)
        ),
        "c1d_cnn_base_range": trained("cnn")[0].val_loss.range,
        "c1d_unet_base_range": trained("unet")[0].val_loss.range,
        "c1d_up_a": UP[0],
        "c1d_cnn_eval_up_interior_changed": effect("cnn", "eval", UP).interior_changed,
    }


# Typed sentences whose direction words define what a glued number is, or state a method.
DEFINITIONS = ("the tables give the mean and the largest",)

# The typed sentences of the page about the stored runs, each with what makes it true.
CLAIMS = (
    Claim(
        "Almost none, if the same pre-processing is used in training",
        lambda c1d_losses_within, c1d_largest_gap: c1d_losses_within and c1d_largest_gap < 0.02,
    ),
    Claim(
        "A large one if it is applied only at test time",
        lambda c1d_cnn_eval_up_interior_changed: c1d_cnn_eval_up_interior_changed > 50,
    ),
    Claim(
        "neither network's validation loss differs measurably from training on",
        lambda c1d_losses_within: c1d_losses_within,
    ),
    Claim(
        "the UNet trained on $1 - x$ is a little more accurate, on every seed",
        lambda c1d_unet_inv_beyond, c1d_unet_inv_every_seed, c1d_unet_inv_acc_gain: (
            c1d_unet_inv_beyond and c1d_unet_inv_every_seed and 0 < c1d_unet_inv_acc_gain < 2
        ),
    ),
    Claim(
        "so a small real gain cannot be ruled out",
        lambda c1d_beyond_count, c1d_chance: c1d_beyond_count >= 1 and c1d_chance < 1,
    ),
    Claim("every difference in validation loss is within the noise", lambda c1d_losses_within: c1d_losses_within),
    Claim(
        "It ends lower in loss and higher in accuracy than training on $x$ with the same seed",
        lambda c1d_unet_inv_every_seed: c1d_unet_inv_every_seed,
    ),
    Claim(
        "no rescaling, sign flip or inversion tried here",
        lambda c1d_losses_within, c1d_unet_inv_acc_gain: c1d_losses_within and c1d_unet_inv_acc_gain >= 0,
    ),
    Claim("falls beyond the noise", lambda c1d_beyond_count: c1d_beyond_count == 1),
    Claim(
        "(a smaller $a$ makes $\\epsilon$ relatively larger)",
        lambda c1d_cnn_train_down_interior_pct, c1d_cnn_train_up_interior_pct: (
            c1d_cnn_train_down_interior_pct > c1d_cnn_train_up_interior_pct
        ),
    ),
    Claim(
        "BatchNorm in training mode, CNN:** no visible change",
        lambda c1d_cnn_train_up_interior_changed: c1d_cnn_train_up_interior_changed < 1,
    ),
    Claim("is right as far as training runs can tell", lambda c1d_losses_within: c1d_losses_within),
)


def values() -> dict[str, object]:
    rows, first = data()
    return {
        **answer_values(),
        "c1d_trained_table": trained_table(),
        "c1d_table_train": effect_table("train"),
        "c1d_table_eval": effect_table("eval"),
        "c1d_images": rows[0].images,
        "c1d_batch": input_transform.BATCH_SIZE,
        "c1d_border": rows[0].border,
        "c1d_first_border_pct": first.border_pct,
        "c1d_first_interior_pct": first.interior_pct,
        "c1d_up_b": UP[1],
        "c1d_down_a": DOWN[0],
        "c1d_shift_a": SHIFT[0],
        "c1d_shift_b": SHIFT[1],
        "c1d_neg_a": NEG[0],
        "c1d_neg_b": NEG[1],
        "c1d_inv_a": INV[0],
        "c1d_inv_b": INV[1],
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
    shift = [r for r in rows if r.bn_mode == "train" and (r.a, r.b) == ProbeConfig().profile_case]
    return {
        "c1d_profile_fig": plot_profiles(
            [first, *shift], ["CNN, first block (downconv1) output", *(f"{_NAMES[r.model]}, logits" for r in shift)]
        )
    }


def show(style: str = "text") -> str:
    return "\n\n".join(
        [f"Trained on y = a·x + b ({TRANSFORM_EPOCHS} epochs, every seed):\n" + trained_table(style)]
        + [f"At test time only, BatchNorm in {mode} mode:\n" + effect_table(mode, style) for mode in BN_MODES]
    )
