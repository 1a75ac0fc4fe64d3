"""Page values for CSC413 PA2 1(b), the CNN trained with the defaults."""

from __future__ import annotations

import dataclasses


from solutions.experiments import registry
from solutions.book.figures import curves_figure, image_grid_figure, per_colour_figure
from solutions.experiments.training import GRID_IMAGES
from solutions.answers.colour_analysis import colour_evidence
from solutions.book.render import markdown_table



def final_table(results: dict[str, dict]) -> str:
    body = [[label, r["final"]["train_loss"], r["final"]["val_loss"], r["final"]["val_accuracy"],
             r["steps"], r["final"]["seconds"]] for label, r in results.items()]
    body = [[row[0], f"{row[1]:.4f}", f"{row[2]:.4f}", f"{row[3]:.1f}%", f"{row[4]:,}", f"{row[5]:.0f} s"]
            for row in body]
    return markdown_table(["model", "final train loss", "final validation loss",
                           "validation accuracy", "optimizer steps", "wall time (CPU)"], body)


def answer_values() -> dict[str, object]:
    """The answer box's keys only: the stored run's final numbers and its colour evidence (no figures)."""
    result = registry.load("cnn").result
    ev = colour_evidence(result, registry.palette())
    return {
        "b1_epochs": len(result["epochs"]),
        "b1_val_loss": float(result["final"]["val_loss"]),
        "b1_val_acc": float(result["final"]["val_accuracy"]),
        "b1_vivid_colours": ev.vivid_colours,
        "b1_vivid_target_share": ev.vivid_target_share,
        "b1_vivid_predicted_share": ev.vivid_predicted_share,
    }


def values() -> dict[str, object]:
    entry = registry.load("cnn")
    result = entry.result
    _, tensors = registry.data()
    palette = tensors.palette.numpy()
    ev = colour_evidence(result, palette)
    config = registry.RUNS["cnn"]
    return {
        **answer_values(),
        "b1_lr": config.learning_rate,
        "b1_batch": config.batch_size,
        "b1_seed": config.seed,
        "b1_table": final_table({"CNN": result}),
        "b1_device": entry.metadata["device"],
        "b1_key": entry.key[:16],
        "b1_over_colour": ev.over_colour,
        "b1_over_predicted_share": ev.over_predicted_share,
        "b1_over_target_share": ev.over_target_share,
        "b1_under_colour": ev.under_colour,
        "b1_under_predicted_share": ev.under_predicted_share,
        "b1_under_target_share": ev.under_target_share,
        "b1_saturation_predicted": ev.saturation_predicted,
        "b1_saturation_target": ev.saturation_target,
        "b1_curves_fig": curves_figure({"CNN": result}),
        "b1_grid_fig": image_grid_figure(tensors.x_test_grey[:GRID_IMAGES, 0].numpy(),
                                         {"CNN output": entry.arrays["grid_predictions"],
                                          "ground truth": tensors.y_test[:GRID_IMAGES].numpy()},
                                         palette),
        "b1_per_colour_fig": per_colour_figure(result, palette, "CNN, validation set"),
    }


def show(style: str = "text") -> str:
    result = registry.load("cnn").result
    _, tensors = registry.data()
    evidence = dataclasses.asdict(colour_evidence(result, tensors.palette.numpy()))
    lines = [f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}" for k, v in evidence.items()]
    return final_table({"CNN": result}) + "\n\n" + "\n".join(lines)
