"""Page values for CSC413 PA2 1(b), the CNN trained with the defaults (every stored seed)."""

from __future__ import annotations

import dataclasses

from solutions.answers import colour_analysis as ca
from solutions.book.claims import Claim
from solutions.book.figures import curves_figure, image_grid_figure, per_colour_figure
from solutions.book.render import markdown_table
from solutions.experiments import names, registry
from solutions.experiments.training import GRID_IMAGES


def final_table(results: dict[str, dict]) -> str:
    body = [
        [
            label,
            f"{r['final']['train_loss']:.4f}",
            f"{r['final']['val_loss']:.4f}",
            f"{r['final']['val_accuracy']:.1f}%",
            f"{r['steps']:,}",
            f"{r['final']['seconds']:.0f} s",
        ]
        for label, r in results.items()
    ]
    return markdown_table(
        [
            "run",
            "final train loss",
            "final validation loss",
            "validation accuracy",
            "optimizer steps",
            "wall time (CPU)",
        ],
        body,
    )


def seeds() -> dict[str, dict]:
    """The CNN's stored runs, one per seed, labelled "seed 0", "seed 1", …"""
    return {f"seed {registry.RUNS[n].seed}": registry.load(n).result for n in names.CNN_SEEDS}


def answer_values() -> dict[str, object]:
    """The answer box's keys only: the stored runs' final numbers and colour evidence (no figures)."""
    runs = list(seeds().values())
    palette = registry.palette()
    evidence = [ca.colour_evidence(r, palette) for r in runs]
    correlations = [ca.over_prediction(r, palette) for r in runs]
    frequency = ca.spread("frequency", [f for f, _ in correlations])
    saturation = ca.spread("saturation", [s for _, s in correlations])
    return {
        "b1_epochs": len(runs[0]["epochs"]),
        "b1_seeds_label": f"mean of {len(runs)} seeds",
        "b1_val_loss": ca.spread("CNN", [r["final"]["val_loss"] for r in runs]).mean,
        "b1_val_acc": ca.spread("CNN", [r["final"]["val_accuracy"] for r in runs]).mean,
        "b1_vivid_target_share": evidence[0].vivid_target_share,
        # the accuracy of colouring every pixel with the truth's most common colour
        "b1_one_colour_share": max(runs[0]["per_colour"]["target_share"]),
        "b1_vivid_predicted_share": ca.spread("CNN", [e.vivid_predicted_share for e in evidence]).mean,
        "b1_rho_frequency": frequency.mean,
        "b1_rho_frequency_low": frequency.low,
        "b1_rho_frequency_high": frequency.high,
        "b1_rho_saturation": saturation.mean,
        "b1_rho_saturation_low": saturation.low,
        "b1_rho_saturation_high": saturation.high,
        "b1_frequency_first": all(f > abs(s) for f, s in correlations),
    }


# The typed sentences of the page about the stored runs, each with what makes it true.
CLAIMS = (
    Claim(
        "it under-uses {term}`vivid colours`",
        lambda b1_vivid_predicted_share, b1_vivid_target_share: b1_vivid_predicted_share < b1_vivid_target_share,
    ),
    Claim(
        "It over-predicts the colours that are common in the truth, not simply the dull ones",
        lambda b1_frequency_first, b1_rho_frequency: b1_frequency_first and b1_rho_frequency > 0,
    ),
    Claim(
        "Vivid colours are under-used",
        lambda b1_vivid_predicted_share, b1_vivid_target_share: b1_vivid_predicted_share < b1_vivid_target_share,
    ),
    Claim("more with how common a colour is than with how dull it is", lambda b1_frequency_first: b1_frequency_first),
    Claim(
        "the most over-predicted colour",
        lambda b1_over_predicted_share, b1_over_target_share, b1_under_predicted_share, b1_under_target_share: (
            b1_over_predicted_share > b1_over_target_share and b1_under_predicted_share < b1_under_target_share
        ),
    ),
    Claim(
        "Saturation is lost",
        lambda b1_saturation_predicted, b1_saturation_target: b1_saturation_predicted < b1_saturation_target,
    ),
)


def values() -> dict[str, object]:
    entry = registry.load(names.CNN)
    result = entry.result
    _, tensors = registry.data()
    palette = tensors.palette.numpy()
    ev = ca.colour_evidence(result, palette)
    config = registry.RUNS[names.CNN]
    runs = seeds()
    return {
        **answer_values(),
        "b1_lr": config.learning_rate,
        "b1_batch": config.batch_size,
        "b1_seed": config.seed,
        "b1_seeds": len(runs),
        "b1_table": final_table(runs),
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
        "b1_grid_fig": image_grid_figure(
            tensors.x_test_grey[:GRID_IMAGES, 0].numpy(),
            {"CNN output": entry.arrays["grid_predictions"], "ground truth": tensors.y_test[:GRID_IMAGES].numpy()},
            palette,
        ),
        "b1_per_colour_fig": per_colour_figure(result, palette, "CNN (seed 0), validation set"),
    }


def show(style: str = "text") -> str:
    runs = seeds()
    evidence = dataclasses.asdict(ca.colour_evidence(runs["seed 0"], registry.palette()))
    lines = [f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}" for k, v in evidence.items()]
    return final_table(runs) + "\n\nseed 0:\n" + "\n".join(lines)
