"""Page values for CSC413 PA2 2(c), UNet vs CNN; analysed in solutions.answers.colour_analysis."""

from __future__ import annotations

from functools import cache


from solutions.answers import colour_analysis as ca
from solutions.answers.edge_split import EdgeAccuracy, edge_accuracies
from solutions.book.figures import curves_figure, image_grid_figure
from solutions.book.render import markdown_table
from solutions.book.pages.csc413_1b import final_table
from solutions.book.pages.csc413_2d import BASE, results
from solutions.experiments import registry
from solutions.experiments.training import GRID_IMAGES


@cache
def edge_accuracy() -> tuple[EdgeAccuracy, EdgeAccuracy]:
    """CNN and UNet on every validation image, split by the input's edge strength (stored: c2-edge-split)."""
    config = registry.RESULTS[registry.C2_EDGES].config
    assert config.models == ("cnn", BASE)
    return edge_accuracies(registry.load(registry.C2_EDGES).result, config)


ABLATION_LABELS = {"all": "UNet, all skips", "no_input": "without the raw-input skip",
                   "no_encoder": "without the encoder skips"}
GRADIENT_LAYER = "downconv1.conv.weight"   # the first encoder layer: where a shorter path would show


@cache
def ablation_results(skips: str) -> tuple[dict, ...]:
    """Every seed of the UNet without ``skips`` (one of registry.ABLATED_SKIPS), loaded once."""
    return tuple(registry.load(n).result for n in registry.seeds_of(registry.ablation_name(skips)))


@cache
def ablation_rows() -> tuple[ca.AblationRow, ...]:
    """The full UNet and each ablation, every seed, against the full UNet by the noise rule."""
    variants = {ABLATION_LABELS["all"]: results(registry.RUNS[BASE].batch_size)}
    for skips in registry.ABLATED_SKIPS:
        variants[ABLATION_LABELS[skips]] = list(ablation_results(skips))
    return ca.ablations(variants, ABLATION_LABELS["all"], registry.palette())


def ablation_table(style: str = "latex") -> str:
    body = [[r.name, f"{r.val_loss.mean:.4f} [{r.val_loss.low:.4f}–{r.val_loss.high:.4f}]",
             f"{r.val_accuracy.mean:.1f} [{r.val_accuracy.low:.1f}–{r.val_accuracy.high:.1f}]",
             f"{r.vivid.mean:.1f}",
             "—" if i == 0 else f"{r.loss_vs_full.difference:+.4f} ({r.loss_vs_full.verdict})",
             "—" if i == 0 else f"{r.accuracy_vs_full.difference:+.1f} ({r.accuracy_vs_full.verdict})"]
            for i, r in enumerate(ablation_rows())]
    headers = ["UNet", "val loss: mean [range]", "val acc %: mean [range]", "vivid %",
               "Δ val loss vs all skips", "Δ val acc vs all skips"]
    return markdown_table(headers, body, style)


@cache
def gradient_ratios(skips: str) -> tuple[float, ...]:
    """Per seed, the mean over epochs of ``GRADIENT_LAYER``'s gradient norm in the ablation over
    the full UNet's with the same seed (the same optimizer steps: the same batch size and epochs)."""
    full = results(registry.RUNS[BASE].batch_size)
    mine = ablation_results(skips)
    return tuple(float(sum(ratios) / len(ratios)) for ratios in
                 (ca.gradient_ratio(m, f, GRADIENT_LAYER) for m, f in zip(mine, full)))


def cnn_results() -> list[dict]:
    """The CNN's stored runs the book reads, seed 0 first."""
    return [registry.load(n).result for n in registry.seeds_of("cnn") if n in registry.RUNS]


def answer_values() -> dict[str, object]:
    """The answer box's keys only: stored finals, colour evidence and the edge split (no figures)."""
    cnns = cnn_results()
    palette = registry.palette()
    seeds = results(registry.RUNS[BASE].batch_size)          # the default UNet, every seed
    unet_loss = ca.spread("UNet", [r["final"]["val_loss"] for r in seeds])
    unet_acc = ca.spread("UNet", [r["final"]["val_accuracy"] for r in seeds])
    unet_vivid = ca.spread("UNet", [ca.colour_evidence(r, palette).vivid_predicted_share for r in seeds])
    cnn_ev = ca.colour_evidence(cnns[0], palette)
    cnn_acc = ca.spread("CNN", [r["final"]["val_accuracy"] for r in cnns])
    acc = ca.compare(cnn_acc, unet_acc, unet_acc.range)
    edge_cnn, edge_unet = edge_accuracy()
    full, no_input, no_encoder = ablation_rows()
    return {
        **ablation_values(full, no_input, no_encoder),
        "c2_epochs": registry.RUNS[BASE].epochs,
        "c2_seeds": unet_loss.n,
        "c2_cnn_seeds": cnn_acc.n,
        "c2_cnn_val_loss": ca.spread("CNN", [r["final"]["val_loss"] for r in cnns]).mean,
        "c2_unet_val_loss": unet_loss.mean,
        "c2_cnn_val_acc": cnn_acc.mean,
        "c2_unet_val_acc": unet_acc.mean,
        "c2_acc_verdict": acc.verdict,
        "c2_cnn_train_loss": ca.spread("CNN", [r["final"]["train_loss"] for r in cnns]).mean,
        "c2_unet_train_loss": ca.spread("UNet", [r["final"]["train_loss"] for r in seeds]).mean,
        "c2_vivid_target": cnn_ev.vivid_target_share,
        "c2_cnn_vivid": ca.spread("CNN", [ca.colour_evidence(r, palette).vivid_predicted_share
                                          for r in cnns]).mean,
        "c2_unet_vivid": unet_vivid.mean,
        "c2_edge_gain": edge_unet.edge - edge_cnn.edge,
        "c2_flat_gain": edge_unet.flat - edge_cnn.flat,
    }


def ablation_values(full: ca.AblationRow, no_input: ca.AblationRow,
                    no_encoder: ca.AblationRow) -> dict[str, object]:
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
    cnn, unet = registry.load("cnn"), registry.load(BASE)
    both = {"CNN": cnn.result, "UNet": unet.result}
    _, tensors = registry.data()
    palette = tensors.palette.numpy()
    seeds = results(registry.RUNS[BASE].batch_size)          # the default UNet, every seed
    unet_loss = ca.spread("UNet", [r["final"]["val_loss"] for r in seeds])
    unet_acc = ca.spread("UNet", [r["final"]["val_accuracy"] for r in seeds])
    unet_train = ca.spread("UNet", [r["final"]["train_loss"] for r in seeds])
    unet_vivid = ca.spread("UNet", [ca.colour_evidence(r, palette).vivid_predicted_share for r in seeds])
    cnn_ev = ca.colour_evidence(cnn.result, palette)
    unet_ev = ca.colour_evidence(unet.result, palette)
    cnns = cnn_results()

    def cnn_spread(value) -> ca.Spread:
        return ca.spread("CNN", [value(r) for r in cnns])

    loss = ca.compare(cnn_spread(lambda r: r["final"]["val_loss"]), unet_loss, unet_loss.range)
    acc = ca.compare(cnn_spread(lambda r: r["final"]["val_accuracy"]), unet_acc, unet_acc.range)
    train = ca.compare(cnn_spread(lambda r: r["final"]["train_loss"]), unet_train, unet_train.range)
    vivid = ca.compare(cnn_spread(lambda r: ca.colour_evidence(r, palette).vivid_predicted_share),
                       unet_vivid, unet_vivid.range)
    edge_cnn, edge_unet = edge_accuracy()
    config = registry.RUNS[BASE]
    return {
        **answer_values(),
        "c2_batch": config.batch_size,
        "c2_lr": config.learning_rate, "c2_seed": config.seed,
        "c2_alpha_pct": 100 * ca.ALPHA,
        "c2_table": final_table(both),
        "c2_curves_fig": curves_figure(both),
        "c2_grid_fig": image_grid_figure(
            tensors.x_test_grey[:GRID_IMAGES, 0].numpy(),
            {"CNN": cnn.arrays["grid_predictions"], "UNet": unet.arrays["grid_predictions"],
             "ground truth": tensors.y_test[:GRID_IMAGES].numpy()}, palette),
        # loss and accuracy, against the UNet's seed range
        "c2_unet_val_loss_low": unet_loss.low, "c2_unet_val_loss_high": unet_loss.high,
        "c2_loss_verdict": loss.verdict,
        "c2_acc_gain": acc.difference,
        "c2_acc_noise": unet_acc.range,
        "c2_train_verdict": train.verdict,
        # colourfulness
        "c2_unet_vivid_low": unet_vivid.low, "c2_unet_vivid_high": unet_vivid.high,
        "c2_vivid_verdict": vivid.verdict,
        "c2_cnn_saturation": cnn_ev.saturation_predicted,
        "c2_unet_saturation": unet_ev.saturation_predicted,
        "c2_saturation_target": cnn_ev.saturation_target,
        "c2_cnn_top3": cnn_ev.top3_predicted_share,
        "c2_unet_top3": unet_ev.top3_predicted_share,
        "c2_top3_target": cnn_ev.top3_target_share,
        # the ablations, and the first layer's gradient at matched steps
        "c2_ablation_table": ablation_table(),
        "c2_grad_layer": GRADIENT_LAYER.removesuffix(".conv.weight"),
        # where the accuracy is gained
        "c2_cnn_edge": edge_cnn.edge, "c2_unet_edge": edge_unet.edge,
        "c2_cnn_flat": edge_cnn.flat, "c2_unet_flat": edge_unet.flat,
    }


def show(style: str = "text") -> str:
    return (final_table({"CNN": registry.load("cnn").result, "UNet": registry.load(BASE).result})
            + "\n\nThe UNet without some of its skips, every seed:\n" + ablation_table(style))
