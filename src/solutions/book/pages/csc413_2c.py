"""Page values for CSC413 PA2 2(c), UNet vs CNN."""

from __future__ import annotations

import numpy as np

from solutions.experiments import registry
from solutions.book.figures import curves_figure, grad_norm_figure, image_grid_figure
from solutions.experiments.training import GRAD_LAYERS, GRID_IMAGES
from solutions.answers.colour_analysis import colour_evidence, input_skip_weight_share
from solutions.book.pages.csc413_1b import final_table

FIRST_LAYER = GRAD_LAYERS[0]   # downconv1's conv: the farthest from the loss




def values() -> dict[str, object]:
    cnn, unet = registry.load("cnn"), registry.load("unet")
    results = {"CNN": cnn.result, "UNet": unet.result}
    _, tensors = registry.data()
    palette = tensors.palette.numpy()
    grid = image_grid_figure(tensors.x_test_grey[:GRID_IMAGES, 0].numpy(),
                             {"CNN": cnn.arrays["grid_predictions"],
                              "UNet": unet.arrays["grid_predictions"],
                              "ground truth": tensors.y_test[:GRID_IMAGES].numpy()}, palette)
    norms = {name: np.array([e["grad_norms"][FIRST_LAYER] for e in r["epochs"]])
             for name, r in results.items()}
    skip_rms, other_rms = input_skip_weight_share(unet.arrays)
    ev = {name: colour_evidence(r, palette) for name, r in results.items()}
    config = registry.RUNS["unet"]
    out: dict[str, object] = {
        "c2_epochs": config.epochs, "c2_batch": config.batch_size,
        "c2_lr": config.learning_rate, "c2_seed": config.seed,
        "c2_table": final_table(results),
        "c2_curves_fig": curves_figure(results),
        "c2_grid_fig": grid,
        "c2_grad_fig": grad_norm_figure(results, FIRST_LAYER),
        "c2_first_layer": FIRST_LAYER,
        "c2_grad_ratio_first_epoch": float(norms["UNet"][0] / norms["CNN"][0]),
        "c2_grad_ratio_mean": float(norms["UNet"].mean() / norms["CNN"].mean()),
        "c2_skip_rms": skip_rms,
        "c2_other_rms": other_rms,
        "c2_skip_ratio": skip_rms / other_rms,
    }
    for name in results:
        tag = name.lower()
        final = results[name]["final"]
        out[f"c2_{tag}_val_loss"] = float(final["val_loss"])
        out[f"c2_{tag}_val_acc"] = float(final["val_accuracy"])
        out[f"c2_{tag}_saturation"] = ev[name]["saturation_predicted"]
        out[f"c2_{tag}_top3"] = ev[name]["top3_predicted_share"]
    out["c2_saturation_target"] = ev["CNN"]["saturation_target"]
    out["c2_top3_target"] = ev["CNN"]["top3_target_share"]
    out["c2_acc_gain"] = out["c2_unet_val_acc"] - out["c2_cnn_val_acc"]
    return out


def show(style: str = "text") -> str:
    return final_table({"CNN": registry.load("cnn").result,
                        "UNet": registry.load("unet").result})
