"""Page values for CSC413 PA2 2(c), UNet vs CNN; analysed in solutions.answers.colour_analysis."""

from __future__ import annotations

from functools import cache


from solutions.answers import colour_analysis as ca
from solutions.answers.edge_split import EdgeAccuracy, edge_accuracies
from solutions.answers.layer_paths import layers_to_output, reads
from solutions.book.claims import Claim
from solutions.book.figures import curves_figure, image_grid_figure
from solutions.book.render import markdown_table
from solutions.book.pages.csc413_2d import _batches, results
from solutions.book.pages.csc413_2d import analysis as sweep_analysis
from solutions.experiments import names, registry
from solutions.experiments.models import ColourCNN, ColourUNet
from solutions.experiments.training import GRID_IMAGES


@cache
def edge_accuracy() -> tuple[EdgeAccuracy, EdgeAccuracy]:
    """CNN and UNet on every validation image, split by the input's edge strength (stored: c2-edge-split)."""
    config = registry.RESULTS[names.C2_EDGES].config
    if tuple(config.models) != tuple(names.WEIGHTS_KEPT):
        raise ValueError(f"the stored edge split must compare {' and '.join(names.WEIGHTS_KEPT)}, got {config.models}")
    return edge_accuracies(registry.load(names.C2_EDGES).result, config)


ABLATION_LABELS = {
    "all": "UNet, all skips",
    "no_input": "without the raw-input skip",
    "no_encoder": "without the encoder skips",
}
GRADIENT_LAYER = "downconv1.conv.weight"  # the first encoder layer: where a shorter path would show


@cache
def ablation_results(skips: str) -> tuple[dict, ...]:
    """Every seed of the UNet without ``skips`` (one of names.ABLATED_SKIPS), loaded once."""
    return tuple(registry.load(n).result for n in names.C2_ABLATIONS[skips])


@cache
def ablation_rows() -> tuple[ca.AblationRow, ...]:
    """The full UNet and each ablation, every seed, against the full UNet by the noise rule."""
    variants = {ABLATION_LABELS["all"]: results(registry.RUNS[names.UNET].batch_size)}
    for skips in names.C2_ABLATIONS:
        variants[ABLATION_LABELS[skips]] = list(ablation_results(skips))
    return ca.ablations(variants, ABLATION_LABELS["all"], registry.palette())


def ablation_table(style: str = "latex") -> str:
    body = [
        [
            r.name,
            f"{r.val_loss.mean:.4f} [{r.val_loss.low:.4f}–{r.val_loss.high:.4f}]",
            f"{r.val_accuracy.mean:.1f} [{r.val_accuracy.low:.1f}–{r.val_accuracy.high:.1f}]",
            f"{r.vivid.mean:.1f}",
            "—" if i == 0 else f"{r.loss_vs_full.difference:+.4f} ({r.loss_vs_full.verdict})",
            "—" if i == 0 else f"{r.accuracy_vs_full.difference:+.1f} ({r.accuracy_vs_full.verdict})",
        ]
        for i, r in enumerate(ablation_rows())
    ]
    headers = [
        "UNet",
        "val loss: mean [range]",
        "val acc %: mean [range]",
        "vivid %",
        "Δ val loss vs all skips",
        "Δ val acc vs all skips",
    ]
    return markdown_table(headers, body, style)


@cache
def gradient_ratios(skips: str) -> tuple[float, ...]:
    """Per seed, the mean over epochs of ``GRADIENT_LAYER``'s gradient norm in the ablation over
    the full UNet's with the same seed (the same optimizer steps: the same batch size and epochs)."""
    full = results(registry.RUNS[names.UNET].batch_size)
    mine = ablation_results(skips)
    return tuple(
        float(sum(ratios) / len(ratios))
        for ratios in (ca.gradient_ratio(m, f, GRADIENT_LAYER) for m, f in zip(mine, full))
    )


def cnn_results() -> list[dict]:
    """The CNN's stored runs the book reads, seed 0 first."""
    return [registry.load(n).result for n in names.CNN_SEEDS]


ENCODER = ("downconv1", "downconv2")  # the encoder blocks, whose distance to the loss the skips change


def encoder_paths() -> dict[str, tuple[int, int]]:
    """Network → (fewest, most) blocks between an encoder block and the output, read from the models."""
    out = {}
    for name, model in (("CNN", ColourCNN()), ("UNet", ColourUNet())):
        d = layers_to_output(reads(model))
        out[name] = (min(d[b] for b in ENCODER), max(d[b] for b in ENCODER))
    return out


def _spread(label: str, runs, value) -> ca.Spread:
    return ca.spread(label, [value(r) for r in runs])


@cache
def spreads() -> dict[str, dict[str, ca.Spread]]:
    """CNN and UNet (batch 100), every seed: final losses, accuracy and vivid share."""
    palette = registry.palette()
    out = {}
    for label, runs in (("CNN", cnn_results()), ("UNet", results(registry.RUNS[names.UNET].batch_size))):
        out[label] = {
            "val_loss": _spread(label, runs, lambda r: r["final"]["val_loss"]),
            "train_loss": _spread(label, runs, lambda r: r["final"]["train_loss"]),
            "val_accuracy": _spread(label, runs, lambda r: r["final"]["val_accuracy"]),
            "vivid": _spread(label, runs, lambda r: ca.colour_evidence(r, palette).vivid_predicted_share),
        }
    return out


def means_table() -> str:
    """Both networks' final numbers: mean [lowest–highest] over their seeds."""

    def cell(s: ca.Spread, fmt: str) -> str:
        return f"{s.mean:{fmt}} [{s.low:{fmt}}–{s.high:{fmt}}]"

    return markdown_table(
        ["network", "seeds", "training loss", "validation loss", "validation accuracy %", "vivid pixels %"],
        [
            [
                label,
                s["val_loss"].n,
                cell(s["train_loss"], ".4f"),
                cell(s["val_loss"], ".4f"),
                cell(s["val_accuracy"], ".1f"),
                cell(s["vivid"], ".1f"),
            ]
            for label, s in spreads().items()
        ],
    )


def _cnn_vs_unet(field: str) -> ca.Comparison:
    s = spreads()
    return ca.compare(s["CNN"][field], s["UNet"][field], s["UNet"][field].range)


def _subject(batches: list[int]) -> str:
    """ "batch 5 is" or "batches 5 and 10 are" ("none" when the list is empty)."""
    if not batches:
        return "none"
    return f"batch {batches[0]} is" if len(batches) == 1 else f"batches {_batches(batches)} are"


def brighter_and_more_accurate() -> list[int]:
    """The batch sizes of 2(d) whose UNet is both more accurate and more colourful than the default
    batch size's, each beyond the noise (accuracy need not cost colour)."""
    a, _ = sweep_analysis()
    rows = {r.batch: r for r in a.rows}
    base = rows[registry.RUNS[names.UNET].batch_size]
    return [
        r.batch
        for r in a.rows
        if r is not base
        and ca.compare(base.val_accuracy, r.val_accuracy, a.noise.val_accuracy).beyond_noise
        and ca.compare(base.vivid, r.vivid, a.noise.vivid).beyond_noise
        and r.val_accuracy.mean > base.val_accuracy.mean
        and r.vivid.mean > base.vivid.mean
    ]


def answer_values() -> dict[str, object]:
    """The answer box's keys only: stored finals, colour evidence and the edge split (no figures)."""
    s = spreads()
    loss, acc, vivid = _cnn_vs_unet("val_loss"), _cnn_vs_unet("val_accuracy"), _cnn_vs_unet("vivid")
    edge_cnn, edge_unet = edge_accuracy()
    full, no_input, no_encoder = ablation_rows()
    no_encoder_vs_cnn = ca.compare(s["CNN"]["val_loss"], no_encoder.val_loss, no_encoder.val_loss.range)
    paths = encoder_paths()
    return {
        **ablation_values(full, no_input, no_encoder),
        "c2_seeds_label": "means of {} seeds".format(min(s["CNN"]["val_loss"].n, s["UNet"]["val_loss"].n)),
        "c2_seeds": s["UNet"]["val_loss"].n,
        "c2_cnn_val_loss": s["CNN"]["val_loss"].mean,
        "c2_unet_val_loss": s["UNet"]["val_loss"].mean,
        "c2_cnn_val_acc": s["CNN"]["val_accuracy"].mean,
        "c2_unet_val_acc": s["UNet"]["val_accuracy"].mean,
        "c2_loss_verdict": loss.verdict,
        "c2_loss_beyond": loss.beyond_noise,
        "c2_acc_verdict": acc.verdict,
        "c2_acc_beyond": acc.beyond_noise,
        "c2_vivid_verdict": vivid.verdict,
        "c2_vivid_beyond": vivid.beyond_noise,
        "c2_vivid_target": ca.colour_evidence(cnn_results()[0], registry.palette()).vivid_target_share,
        "c2_cnn_vivid": s["CNN"]["vivid"].mean,
        "c2_unet_vivid": s["UNet"]["vivid"].mean,
        "c2_edge_gain": edge_unet.edge - edge_cnn.edge,
        "c2_flat_gain": edge_unet.flat - edge_cnn.flat,
        "c2_acc_noise": s["UNet"]["val_accuracy"].range,
        "c2_edge_seed": registry.RUNS[names.UNET].seed,
        "c2_no_encoder_vs_cnn_beyond": no_encoder_vs_cnn.beyond_noise,
        "c2_unet_path_low": paths["UNet"][0],
        "c2_unet_path_high": paths["UNet"][1],
        "c2_cnn_path_low": paths["CNN"][0],
        "c2_cnn_path_high": paths["CNN"][1],
    }


# Typed sentences whose direction words define what a glued number is, or state a method.
DEFINITIONS = ("the three most predicted colours",)

# The typed sentences of the page about the stored runs, each with what makes it true.
CLAIMS = (
    Claim(
        "Yes: lower validation loss",
        lambda c2_unet_val_loss, c2_cnn_val_loss, c2_loss_beyond: c2_unet_val_loss < c2_cnn_val_loss and c2_loss_beyond,
    ),
    Claim(
        "more pixels coloured right",
        lambda c2_unet_val_acc, c2_cnn_val_acc, c2_acc_beyond: c2_unet_val_acc > c2_cnn_val_acc and c2_acc_beyond,
    ),
    Claim(
        "with colours that follow the horse's outlines", lambda c2_edge_gain, c2_acc_noise: c2_edge_gain > c2_acc_noise
    ),
    Claim(
        "The gain is largest where the input has detail",
        lambda c2_edge_gain, c2_flat_gain: c2_edge_gain > c2_flat_gain > 0,
    ),
    Claim(
        "as far behind as the CNN",
        lambda c2_no_encoder_verdict, c2_no_encoder_loss_gap, c2_no_encoder_vs_cnn_beyond: (
            c2_no_encoder_verdict == ca.BEYOND and c2_no_encoder_loss_gap > 0 and not c2_no_encoder_vs_cnn_beyond
        ),
    ),
    Claim(
        "no measurable change",
        lambda c2_no_input_verdict, c2_no_input_acc_verdict: (
            c2_no_input_verdict == c2_no_input_acc_verdict == ca.WITHIN
        ),
    ),
    Claim(
        "the UNet is not more colourful",
        lambda c2_unet_vivid, c2_cnn_vivid, c2_vivid_beyond: not (c2_unet_vivid > c2_cnn_vivid and c2_vivid_beyond),
    ),
    Claim(
        "Its training loss is lower too",
        lambda c2_unet_train_loss, c2_cnn_train_loss, c2_train_verdict: (
            c2_unet_train_loss < c2_cnn_train_loss and c2_train_verdict == ca.BEYOND
        ),
    ),
    Claim(
        "They are **less** colourful, not more",
        lambda c2_unet_vivid, c2_cnn_vivid, c2_vivid_beyond: c2_unet_vivid < c2_cnn_vivid and c2_vivid_beyond,
    ),
    Claim(
        "So the gain over the CNN comes from the encoder skips",
        lambda c2_no_encoder_verdict, c2_no_encoder_loss_gap, c2_no_input_verdict: (
            c2_no_encoder_verdict == ca.BEYOND and c2_no_encoder_loss_gap > 0 and c2_no_input_verdict == ca.WITHIN
        ),
    ),
    Claim("points higher", lambda c2_acc_gain, c2_acc_beyond: c2_acc_gain > 0 and c2_acc_beyond),
    Claim(
        "the UNet's training loss is indeed lower",
        lambda c2_unet_train_loss, c2_cnn_train_loss: c2_unet_train_loss < c2_cnn_train_loss,
    ),
    Claim(
        "a more accurate network is not always a duller one", lambda c2_brighter_batches: c2_brighter_batches != "none"
    ),
    Claim(
        "The second fits what is measured above",
        lambda c2_edge_gain, c2_flat_gain, c2_no_encoder_verdict: (
            c2_edge_gain > c2_flat_gain and c2_no_encoder_verdict == ca.BEYOND
        ),
    ),
)


def ablation_values(full: ca.AblationRow, no_input: ca.AblationRow, no_encoder: ca.AblationRow) -> dict[str, object]:
    return {
        "c2_ablation_seeds": min(r.val_loss.n for r in (full, no_input, no_encoder)),
        "c2_no_input_loss": no_input.val_loss.mean,
        "c2_no_input_loss_gap": no_input.loss_vs_full.difference,
        "c2_no_input_verdict": no_input.loss_vs_full.verdict,
        "c2_no_input_acc_gap": no_input.accuracy_vs_full.difference,
        "c2_no_input_acc_verdict": no_input.accuracy_vs_full.verdict,
        "c2_no_input_vivid": no_input.vivid.mean,
        "c2_no_encoder_loss": no_encoder.val_loss.mean,
        "c2_no_encoder_loss_gap": no_encoder.loss_vs_full.difference,
        "c2_no_encoder_verdict": no_encoder.loss_vs_full.verdict,
        "c2_no_encoder_acc_gap": no_encoder.accuracy_vs_full.difference,
        "c2_no_encoder_acc_verdict": no_encoder.accuracy_vs_full.verdict,
        "c2_no_encoder_vivid": no_encoder.vivid.mean,
        "c2_grad_ratio_no_encoder_low": min(gradient_ratios("no_encoder")),
        "c2_grad_ratio_no_encoder_high": max(gradient_ratios("no_encoder")),
        "c2_grad_ratio_no_input_low": min(gradient_ratios("no_input")),
        "c2_grad_ratio_no_input_high": max(gradient_ratios("no_input")),
    }


def values() -> dict[str, object]:
    cnn, unet = registry.load(names.CNN), registry.load(names.UNET)
    both = {"CNN": cnn.result, "UNet": unet.result}
    _, tensors = registry.data()
    palette = tensors.palette.numpy()
    s = spreads()
    cnn_ev = ca.colour_evidence(cnn.result, palette)
    unet_ev = ca.colour_evidence(unet.result, palette)
    edge_cnn, edge_unet = edge_accuracy()
    config = registry.RUNS[names.UNET]
    return {
        **answer_values(),
        "c2_epochs": config.epochs,
        "c2_batch": config.batch_size,
        "c2_lr": config.learning_rate,
        "c2_seed": config.seed,
        "c2_table": means_table(),
        "c2_curves_fig": curves_figure(both),
        "c2_grid_fig": image_grid_figure(
            tensors.x_test_grey[:GRID_IMAGES, 0].numpy(),
            {
                "CNN": cnn.arrays["grid_predictions"],
                "UNet": unet.arrays["grid_predictions"],
                "ground truth": tensors.y_test[:GRID_IMAGES].numpy(),
            },
            palette,
        ),
        # loss and accuracy
        "c2_acc_gain": s["UNet"]["val_accuracy"].mean - s["CNN"]["val_accuracy"].mean,
        "c2_cnn_train_loss": s["CNN"]["train_loss"].mean,
        "c2_unet_train_loss": s["UNet"]["train_loss"].mean,
        "c2_train_verdict": _cnn_vs_unet("train_loss").verdict,
        # colourfulness (seed 0's per-colour shares)
        "c2_unet_vivid_low": s["UNet"]["vivid"].low,
        "c2_unet_vivid_high": s["UNet"]["vivid"].high,
        "c2_cnn_saturation": cnn_ev.saturation_predicted,
        "c2_unet_saturation": unet_ev.saturation_predicted,
        "c2_saturation_target": cnn_ev.saturation_target,
        "c2_cnn_top3": cnn_ev.top3_predicted_share,
        "c2_unet_top3": unet_ev.top3_predicted_share,
        "c2_top3_target": cnn_ev.top3_target_share,
        # the ablations, and the first layer's gradient
        "c2_ablation_table": ablation_table(),
        "c2_grad_layer": GRADIENT_LAYER.removesuffix(".conv.weight"),
        "c2_brighter_batches": _subject(brighter_and_more_accurate()),
        "c2_base_batch": config.batch_size,
        # where the accuracy is gained (seed 0's networks, every validation image)
        "c2_cnn_edge": edge_cnn.edge,
        "c2_unet_edge": edge_unet.edge,
        "c2_cnn_flat": edge_cnn.flat,
        "c2_unet_flat": edge_unet.flat,
    }


def show(style: str = "text") -> str:
    return means_table() + "\n\nThe UNet without some of its skips, every seed:\n" + ablation_table(style)
