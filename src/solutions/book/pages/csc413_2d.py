"""Page values for CSC413 PA2 2(d), the batch-size sweep; analysed in solutions.answers.colour_analysis."""

from __future__ import annotations

import dataclasses
from functools import cache

from solutions.answers import colour_analysis as ca
from solutions.book.figures import sweep_figure, sweep_grid_figure
from solutions.book.render import markdown_table
from solutions.experiments import registry
from solutions.experiments.registry import BATCH_SIZES

# The comparison table of the question (questions.md): a GPU run reported in 2020, not ours.
REPORTED_2020 = {  # batch: (validation loss, validation accuracy %, seconds)
    5: (1.2344, 52.7, 176.75), 10: (1.2575, 52.4, 94.68), 20: (1.2859, 51.2, 54.65),
    50: (1.3803, 48.4, 36.50), 100: (1.3236, 49.5, 36.29), 200: (1.4076, 47.2, 33.29),
    500: (1.5182, 43.2, 31.91),
}
BASE = "unet"          # the default UNet: batch 100, seed 0


# ---------------------------------------------------------------------------------------------
# Run names, looked up in one place by config (robust to renamed runs and new config fields).

def run_names(batch: int, learning_rate: float | None = None) -> list[str]:
    """Every stored UNet run that differs from the default only in batch size and seed; seed 0 first."""
    base = registry.RUNS[BASE]
    lr = base.learning_rate if learning_rate is None else learning_rate
    found: dict[object, str] = {}
    for name, config in registry.RUNS.items():
        if config == dataclasses.replace(base, batch_size=batch, learning_rate=lr, seed=config.seed):
            found.setdefault(config, name)          # "unet" and "unet-b100" are one run
    return [found[c] for c in sorted(found, key=lambda c: c.seed)]


def results(batch: int, learning_rate: float | None = None) -> list[dict]:
    return [registry.load(n).result for n in run_names(batch, learning_rate)]


def scaled_rates() -> dict[int, float]:
    """batch → learning rate of the runs whose learning rate differs from the default UNet's."""
    base = registry.RUNS[BASE]
    return {c.batch_size: c.learning_rate for c in registry.RUNS.values()
            if c.learning_rate != base.learning_rate
            and c == dataclasses.replace(base, batch_size=c.batch_size,
                                         learning_rate=c.learning_rate, seed=c.seed)}


@cache
def analysis() -> tuple[ca.SweepAnalysis, ca.ScaledComparison]:
    runs = {b: results(b) for b in BATCH_SIZES}
    sweep = ca.analyse_sweep(runs, registry.palette(), reference=registry.RUNS[BASE].batch_size)
    scaled = {b: results(b, lr) for b, lr in scaled_rates().items()}
    return sweep, ca.compare_scaled(scaled, runs, sweep.noise.val_loss)


# ---------------------------------------------------------------------------------------------
# Rendering.

def _cell(s: ca.Spread, fmt: str) -> str:
    """mean, and min–max over seeds when there are several."""
    return format(s.mean, fmt) + (f" ({s.low:{fmt}}–{s.high:{fmt}})" if s.n > 1 else "")


def _batches(batches) -> str:
    words = [str(b) for b in batches]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def sweep_table(a: ca.SweepAnalysis) -> str:
    return markdown_table(
        ["batch", "seeds", "optimizer steps", "validation loss", "training loss",
         "validation accuracy (%)", "overfit: final − best val. loss", "vivid pixels (%)"],
        [[r.batch, r.val_loss.n, r.steps, _cell(r.val_loss, ".4f"), _cell(r.train_loss, ".4f"),
          _cell(r.val_accuracy, ".1f"), _cell(r.overfit, ".4f"), _cell(r.vivid, ".1f")]
         for r in a.rows])


def pairs_table(a: ca.SweepAnalysis) -> str:
    body = [[f"{v.first} → {v.second}", f"{v.difference:+.4f}", v.verdict,
             f"{t.difference:+.4f}", t.verdict, f"{c.difference:+.1f}", c.verdict]
            for v, t, c in zip(a.val_adjacent, a.train_adjacent, a.vivid_adjacent)]
    return markdown_table(["batch", "Δ validation loss", "verdict", "Δ training loss", "verdict",
                           "Δ vivid pixels (points)", "verdict"], body)


def values() -> dict[str, object]:
    a, s = analysis()
    base = registry.RUNS[BASE]
    sweep = {r.batch: registry.load(run_names(r.batch)[0]).result for r in a.rows}   # seed 0
    small, large = a.rows[0], a.rows[-1]
    final = {b: r["final"] for b, r in sweep.items()}
    fastest = {b: min(e["seconds"] for e in r["epochs"]) * len(r["epochs"]) for b, r in sweep.items()}
    pace = min(fastest, key=fastest.get)   # the batch size with the cheapest epoch
    dip = ca.reversals([ca.spread(b, [REPORTED_2020[b][0]]) for b in BATCH_SIZES], a.noise.val_loss)[0]
    by_batch = {r.batch: r for r in a.rows}
    return {
        "d2_epochs": base.epochs, "d2_seed": base.seed, "d2_base_batch": base.batch_size,
        "d2_base_lr": base.learning_rate,
        "d2_table": sweep_table(a),
        "d2_pairs_table": pairs_table(a),
        "d2_2020_table": markdown_table(
            ["batch", "2020 GPU: validation loss", "accuracy", "time", "ours: validation loss",
             "accuracy"],
            [[b, f"{REPORTED_2020[b][0]:.4f}", f"{REPORTED_2020[b][1]:.1f}%",
              f"{REPORTED_2020[b][2]:.2f} s", f"{final[b]['val_loss']:.4f}",
              f"{final[b]['val_accuracy']:.1f}%"] for b in BATCH_SIZES]),
        "d2_scaled_table": markdown_table(
            ["batch", "learning rate", "validation loss", f"same batch at lr {base.learning_rate:g}",
             "change", "verdict"],
            [[c.second, f"{scaled_rates()[c.second]:g}", _cell(loss, ".4f"),
              _cell(by_batch[c.second].val_loss, ".4f"), f"{c.difference:+.4f}", c.verdict]
             for c, loss in ((s.small_vs_fixed, s.small_loss), (s.large_vs_fixed, s.large_loss))]),
        # the noise rule
        "d2_rule": a.rule,
        "d2_spread_kind": ca.SPREAD_KIND,
        "d2_alpha": 100 * ca.ALPHA,
        "d2_seeds": a.noise.seeds,
        "d2_min_seeds": a.min_seeds,
        "d2_val_noise": a.noise.val_loss,
        "d2_train_noise": a.noise.train_loss,
        "d2_acc_noise": a.noise.val_accuracy,
        "d2_overfit_noise": a.noise.overfit,
        "d2_vivid_noise": a.noise.vivid,
        # steps
        "d2_small": small.batch, "d2_large": large.batch,
        "d2_steps_small": small.steps, "d2_steps_large": large.steps,
        "d2_steps_ratio": small.steps // large.steps,
        # losses
        "d2_small_loss": small.val_loss.mean, "d2_large_loss": large.val_loss.mean,
        "d2_small_train": small.train_loss.mean, "d2_large_train": large.train_loss.mean,
        "d2_val_extremes_verdict": a.val_extremes.verdict,
        "d2_train_extremes_verdict": a.train_extremes.verdict,
        "d2_pairs": len(a.val_adjacent),
        "d2_val_beyond": a.val_adjacent_beyond,
        "d2_train_beyond": a.train_adjacent_beyond,
        "d2_val_reversals": a.val_reversals,
        "d2_best_loss_batch": a.best_val_batch,
        "d2_worst_loss_batch": a.worst_val_batch,
        # overfitting, one measure for every batch size
        "d2_overfit_top_batch": a.overfit_most[0],
        "d2_overfit_top": by_batch[a.overfit_most[0]].overfit.mean,
        "d2_overfit_low_batch": a.overfit_least[0],
        "d2_overfit_low": by_batch[a.overfit_least[0]].overfit.mean,
        "d2_overfit_most": _batches(a.overfit_most),
        "d2_overfit_least": _batches(a.overfit_least),
        # the images
        "d2_vivid_truth": a.vivid_truth,
        "d2_most_vivid_batch": a.most_vivid_batch,
        "d2_most_vivid": by_batch[a.most_vivid_batch].vivid.mean,
        "d2_least_vivid_batch": a.least_vivid_batch,
        "d2_least_vivid": by_batch[a.least_vivid_batch].vivid.mean,
        "d2_vivid_above": _batches(a.vivid_above_truth),
        "d2_vivid_below": _batches(a.vivid_below_truth),
        "d2_vivid_beyond": a.vivid_adjacent_beyond,
        "d2_vivid_spearman": a.vivid_spearman,
        # the learning-rate-scaled runs
        "d2_scaled_small": s.small, "d2_scaled_large": s.large,
        "d2_scaled_small_loss": s.small_loss.mean, "d2_scaled_large_loss": s.large_loss.mean,
        "d2_scaled_gap": abs(s.between.difference),
        "d2_scaled_verdict": s.between.verdict,
        "d2_scaled_small_change": s.small_vs_fixed.difference,
        "d2_scaled_small_verdict": s.small_vs_fixed.verdict,
        "d2_scaled_large_change": s.large_vs_fixed.difference,
        "d2_scaled_large_verdict": s.large_vs_fixed.verdict,
        # the 2020 table's first reversal, against our noise
        "d2_2020_dip_a": dip.first, "d2_2020_dip_b": dip.second,
        "d2_2020_dip": -dip.difference, "d2_2020_dip_verdict": dip.verdict,
        # time
        "d2_pace_batch": pace, "d2_pace_seconds": float(fastest[pace]),
        "d2_time_small": float(final[small.batch]["seconds"]),
        "d2_time_large": float(final[large.batch]["seconds"]),
        "d2_fastest_small": float(fastest[small.batch]),
        "d2_fastest_large": float(fastest[large.batch]),
    }


def figures() -> dict[str, object]:
    """The page's figures (matplotlib): the curves per batch size (seed 0) and the coloured images."""
    a, _ = analysis()
    sweep = {r.batch: registry.load(run_names(r.batch)[0]).result for r in a.rows}   # seed 0
    _, tensors = registry.data()
    return {
        "d2_loss_fig": sweep_figure(sweep),
        "d2_loss_steps_fig": sweep_figure(sweep, x_axis="steps"),
        "d2_train_fig": sweep_figure(sweep, key="train_loss", ylabel="training loss"),
        "d2_grid_fig": sweep_grid_figure(tensors.x_test_grey[:, 0].numpy(),
                                         {b: registry.load(run_names(b)[0]).arrays["grid_predictions"]
                                          for b in sweep},
                                         tensors.y_test.numpy(), tensors.palette.numpy()),
    }


def show(style: str = "text") -> str:
    a, _ = analysis()
    return "\n\n".join([sweep_table(a), pairs_table(a)])
