"""Page values for CSC413 PA2 2(d), the batch-size sweep; analysed in solutions.answers.colour_analysis."""

from __future__ import annotations

from functools import cache

from solutions.answers import colour_analysis as ca
from solutions.book.figures import sweep_figure, sweep_grid_figure
from solutions.book.claims import Claim
from solutions.book.render import markdown_table
from solutions.experiments import names, registry
from solutions.experiments.names import BATCH_SIZES
from solutions.experiments.training import GRID_IMAGES

# The comparison table of the question (questions.md): a GPU run reported in 2020, not ours.
REPORTED_2020 = {  # batch: (validation loss, validation accuracy %, seconds)
    5: (1.2344, 52.7, 176.75),
    10: (1.2575, 52.4, 94.68),
    20: (1.2859, 51.2, 54.65),
    50: (1.3803, 48.4, 36.50),
    100: (1.3236, 49.5, 36.29),
    200: (1.4076, 47.2, 33.29),
    500: (1.5182, 43.2, 31.91),
}


# ---------------------------------------------------------------------------------------------
# The runs: the sweep's (names.SWEEP) and the learning-rate-scaled pair (names.LR_SCALED).


def run_names(batch: int, learning_rate: float | None = None) -> list[str]:
    """Every seed of the sweep's UNet at ``batch``, seed 0 first; with ``learning_rate``, the
    learning-rate-scaled run at ``batch``, whose learning rate it is."""
    if learning_rate is None:
        return list(names.SWEEP[batch])
    name = names.LR_SCALED[batch]
    if registry.RUNS[name].learning_rate != learning_rate:
        raise ValueError(
            f"learning_rate must be {registry.RUNS[name].learning_rate} (that of {name}), got {learning_rate!r}"
        )
    return [name]


def results(batch: int, learning_rate: float | None = None) -> list[dict]:
    return [registry.load(n).result for n in run_names(batch, learning_rate)]


def scaled_rates() -> dict[int, float]:
    """batch → learning rate of the runs whose learning rate is scaled with the batch size."""
    return {b: registry.RUNS[name].learning_rate for b, name in names.LR_SCALED.items()}


@cache
def analysis() -> tuple[ca.SweepAnalysis, ca.ScaledComparison]:
    runs = {b: results(b) for b in BATCH_SIZES}
    sweep = ca.analyse_sweep(runs, registry.palette(), reference=registry.RUNS[names.UNET].batch_size)
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
        [
            "batch",
            "seeds",
            "optimizer steps",
            "validation loss",
            "training loss",
            "validation accuracy (%)",
            "overfit: final − best val. loss",
            "vivid pixels (%)",
        ],
        [
            [
                r.batch,
                r.val_loss.n,
                r.steps,
                _cell(r.val_loss, ".4f"),
                _cell(r.train_loss, ".4f"),
                _cell(r.val_accuracy, ".1f"),
                _cell(r.overfit, ".4f"),
                _cell(r.vivid, ".1f"),
            ]
            for r in a.rows
        ],
    )


def pairs_table(a: ca.SweepAnalysis) -> str:
    body = [
        [
            f"{v.first} → {v.second}",
            f"{v.difference:+.4f}",
            v.verdict,
            f"{t.difference:+.4f}",
            t.verdict,
            f"{c.difference:+.1f}",
            c.verdict,
        ]
        for v, t, c in zip(a.val_adjacent, a.train_adjacent, a.vivid_adjacent)
    ]
    return markdown_table(
        ["batch", "Δ validation loss", "judged", "Δ training loss", "judged", "Δ vivid pixels (points)", "judged"], body
    )


def seeds_label(rows) -> str:
    """How a figure over every seed is labelled: "mean of 3 seeds" (or "of 1–3 seeds")."""
    low, high = min(r.val_loss.n for r in rows), max(r.val_loss.n for r in rows)
    if high == 1:
        return "one seed"
    return f"mean of {low} seeds" if low == high else f"mean of {low}–{high} seeds"


def rule_sentence(a: ca.SweepAnalysis) -> str:
    """The rule the comparisons of this page use, as the stored seeds decide it (MyST)."""
    if a.rule == ca.WELCH:
        return (
            f"Every batch size of the sweep has at least {a.min_seeds} seeds, so two of them are "
            f"compared by {{term}}`Welch's t-test` on the seeds' final values, at the "
            f"{100 * ca.ALPHA:.0f} % level: a difference is *beyond the noise* when $p$ is below "
            f"{ca.ALPHA:g}. The learning-rate-scaled runs have one seed each: a difference "
            f"involving one of them counts only if it exceeds the {{term}}`seed spread` at batch "
            f"{a.noise.reference} ({a.noise.val_loss:.4f} in validation loss), and the 2020 "
            f"table's single runs are set against the pooled seed spread (below)."
        )
    return (
        f"Some batch sizes have a single seed, so a difference involving one of them counts only "
        f"if it exceeds the {{term}}`seed spread` measured at batch {a.noise.reference} over "
        f"{a.noise.seeds} seeds: {a.noise.val_loss:.4f} in validation loss, "
        f"{a.noise.train_loss:.4f} in training loss, {a.noise.val_accuracy:.2f} points of "
        f"accuracy, {a.noise.overfit:.4f} in the overfitting measure and {a.noise.vivid:.1f} "
        f"points of vivid pixels."
    )


@cache
def edges() -> dict[int, tuple]:
    """Per batch size, each seed's accuracy on the edge and flat pixels of the stored grid images."""
    _, tensors = registry.data()
    n = GRID_IMAGES
    return ca.edge_accuracy_per_run(
        {b: [registry.load(name).arrays["grid_predictions"] for name in run_names(b)] for b in BATCH_SIZES},
        tensors.y_test[:n].numpy(),
        tensors.x_test_grey[:n, 0].numpy(),
    )


def edge_spreads() -> dict[int, tuple[ca.Spread, ca.Spread]]:
    """batch → (edge accuracy, flat accuracy) over seeds, in % of those pixels of the grid images."""
    return {
        b: (ca.spread(b, [e.edge for e in runs]), ca.spread(b, [e.flat for e in runs])) for b, runs in edges().items()
    }


def edge_table(a: ca.SweepAnalysis) -> str:
    rows = edge_spreads()
    return markdown_table(
        ["batch", "edge pixels right (%)", "flat pixels right (%)", "vivid pixels (%)"],
        [
            [r.batch, _cell(rows[r.batch][0], ".1f"), _cell(rows[r.batch][1], ".1f"), _cell(r.vivid, ".1f")]
            for r in a.rows
        ],
    )


def dip_2020(a: ca.SweepAnalysis) -> ca.Comparison:
    """The 2020 table's first reversal (two single runs) against our pooled seed spread."""
    dip = ca.reversals([ca.spread(b, [REPORTED_2020[b][0]]) for b in BATCH_SIZES], a.noise.val_loss)[0]
    sd, df = ca.pooled_sd([r.val_loss for r in a.rows])
    return ca.single_runs(
        ca.spread(dip.first, [REPORTED_2020[dip.first][0]]),
        ca.spread(dip.second, [REPORTED_2020[dip.second][0]]),
        sd,
        df,
    )


def answer_values() -> dict[str, object]:
    """The answer box's keys (stored finals and the grid images' edge split; no figures)."""
    a, s = analysis()
    small, large = a.rows[0], a.rows[-1]
    by_batch = {r.batch: r for r in a.rows}
    ed = edge_spreads()
    edge_cmp = ca.compare(ed[small.batch][0], ed[large.batch][0], ed[registry.RUNS[names.UNET].batch_size][0].range)
    return {
        "d2_epochs": registry.RUNS[names.UNET].epochs,
        "d2_small": small.batch,
        "d2_large": large.batch,
        "d2_steps_small": small.steps,
        "d2_steps_large": large.steps,
        "d2_seeds_label": seeds_label(a.rows),
        "d2_small_loss": small.val_loss.mean,
        "d2_large_loss": large.val_loss.mean,
        "d2_small_train": small.train_loss.mean,
        "d2_large_train": large.train_loss.mean,
        "d2_val_extremes_beyond": a.val_extremes.beyond_noise,
        "d2_train_extremes_beyond": a.train_extremes.beyond_noise,
        "d2_pairs": len(a.val_adjacent),
        "d2_val_beyond": a.val_adjacent_beyond,
        "d2_scaled_small": s.small,
        "d2_scaled_large": s.large,
        "d2_scaled_gap": abs(s.between.difference),
        "d2_scaled_between_beyond": s.between.beyond_noise,
        "d2_scaled_moved": s.small_vs_fixed.beyond_noise and s.large_vs_fixed.beyond_noise,
        "d2_overfit_top": by_batch[a.overfit_most[0]].overfit.mean,
        "d2_overfit_ties": len(a.overfit_most),
        "d2_grid_images": GRID_IMAGES,
        "d2_edge_small": ed[small.batch][0].mean,
        "d2_edge_large": ed[large.batch][0].mean,
        "d2_flat_small": ed[small.batch][1].mean,
        "d2_flat_large": ed[large.batch][1].mean,
        "d2_edge_beyond": edge_cmp.beyond_noise,
        "d2_vivid_truth": a.vivid_truth,
        "d2_most_vivid_batch": a.most_vivid_batch,
        "d2_most_vivid": by_batch[a.most_vivid_batch].vivid.mean,
        "d2_least_vivid_batch": a.least_vivid_batch,
        "d2_least_vivid": by_batch[a.least_vivid_batch].vivid.mean,
        "d2_vivid_spearman": a.vivid_spearman,
        "d2_edge_spearman": ca.spearman(list(ed), [e.mean for e, _ in ed.values()]),
    }


# Typed sentences whose direction words define what a glued number is, or state a method.
DEFINITIONS = (
    "neighbouring pairs differ beyond the noise.",  # a computed count
    "The largest rise,",  # the arg-max, computed
    "cannot be told apart from the largest rise",  # computed lists
    "If the learning rate grows in proportion to the batch size",  # the method
)

# The typed sentences of the page about the stored runs, each with what makes it true.
CLAIMS = (
    Claim(
        "the smallest batch ends with lower training and validation loss than the largest",
        lambda d2_small_loss, d2_large_loss, d2_small_train, d2_large_train, d2_val_extremes_beyond, d2_train_extremes_beyond: (  # noqa: E501  (the lambda's parameters: the glue keys of its claim)
            d2_small_loss < d2_large_loss
            and d2_small_train < d2_large_train
            and d2_val_extremes_beyond
            and d2_train_extremes_beyond
        ),
    ),
    Claim(
        "probably because small batches take far more optimizer steps",
        lambda d2_steps_small, d2_steps_large, d2_scaled_between_beyond, d2_scaled_moved: (
            d2_steps_small > d2_steps_large and not d2_scaled_between_beyond and d2_scaled_moved
        ),
    ),
    Claim(
        "Neighbouring batch sizes are mostly too close to rank",
        lambda d2_val_beyond, d2_pairs: 2 * d2_val_beyond <= d2_pairs,
    ),
    Claim("end as alike as two seeds of one setting", lambda d2_scaled_between_beyond: not d2_scaled_between_beyond),
    Claim("No batch size stands out as the one that overfits", lambda d2_overfit_ties: d2_overfit_ties >= 2),
    Claim(
        "Large batches do colour edges worse",
        lambda d2_edge_small, d2_edge_large, d2_edge_beyond: d2_edge_large < d2_edge_small and d2_edge_beyond,
    ),
    Claim(
        "how colourful the pictures are varies without a trend",
        lambda d2_vivid_spearman: abs(d2_vivid_spearman) < ca.TREND,
    ),
    Claim(
        "and each moved from its fixed-rate result by more than that",
        lambda d2_scaled_small_verdict, d2_scaled_large_verdict: (
            d2_scaled_small_verdict == d2_scaled_large_verdict == ca.BEYOND
        ),
    ),
    Claim(
        "looks largely like a ranking of how far each run got",
        lambda d2_scaled_between_beyond, d2_scaled_moved: not d2_scaled_between_beyond and d2_scaled_moved,
    ),
    Claim(
        "the trend from the smallest to the largest batch is clear, the order of neighbours mostly is not",
        lambda d2_val_extremes_beyond, d2_val_beyond, d2_pairs: (
            d2_val_extremes_beyond and 2 * d2_val_beyond <= d2_pairs
        ),
    ),
    Claim(
        "Edges get worse with the batch size",
        lambda d2_edge_spearman, d2_edge_beyond: d2_edge_spearman <= -0.8 and d2_edge_beyond,
    ),
    Claim("Colourfulness does not follow the batch size", lambda d2_vivid_spearman: abs(d2_vivid_spearman) < ca.TREND),
    Claim("Its table has one bump", lambda d2_2020_bumps: d2_2020_bumps == 1),
    Claim(
        "Two single runs differ that much by chance alone often enough",
        lambda d2_2020_dip_verdict: d2_2020_dip_verdict == ca.WITHIN,
    ),
    Claim(
        "The lower loss of small batches is right",
        lambda d2_val_extremes_beyond, d2_small_loss, d2_large_loss: (
            d2_val_extremes_beyond and d2_small_loss < d2_large_loss
        ),
    ),
    Claim(
        "is consistent with the training loss",
        lambda d2_small_train, d2_large_train, d2_train_extremes_beyond: (
            d2_large_train > d2_small_train and d2_train_extremes_beyond
        ),
    ),
    Claim(
        "is borne out on edges",
        lambda d2_edge_small, d2_edge_large, d2_edge_beyond: d2_edge_large < d2_edge_small and d2_edge_beyond,
    ),
    Claim("does overfit a little", lambda d2_overfit_5_low: d2_overfit_5_low > 0),
    Claim(
        "overfit as much, so it is not",
        lambda d2_overfit_5_tied, d2_overfit_ties: d2_overfit_5_tied and d2_overfit_ties >= 2,
    ),
    Claim("times fewer", lambda d2_steps_small, d2_steps_large: d2_steps_small > d2_steps_large),
    Claim(
        "The lowest is at batch",
        lambda d2_best_loss_batch, d2_worst_loss_batch, d2_small, d2_large: (
            d2_best_loss_batch == d2_small and d2_worst_loss_batch == d2_large
        ),
    ),
    Claim(
        "(one seed each) the gap closes",
        lambda d2_scaled_between_beyond, d2_scaled_moved: not d2_scaled_between_beyond and d2_scaled_moved,
    ),
)


def values() -> dict[str, object]:
    a, s = analysis()
    base = registry.RUNS[names.UNET]
    sweep = {r.batch: registry.load(run_names(r.batch)[0]).result for r in a.rows}  # seed 0
    small, large = a.rows[0], a.rows[-1]
    final = {b: r["final"] for b, r in sweep.items()}
    fastest = {b: min(e["seconds"] for e in r["epochs"]) * len(r["epochs"]) for b, r in sweep.items()}
    pace = min(fastest, key=fastest.get)  # the batch size with the cheapest epoch
    dip = dip_2020(a)
    by_batch = {r.batch: r for r in a.rows}
    return {
        **answer_values(),
        "d2_seed": base.seed,
        "d2_base_batch": base.batch_size,
        "d2_base_lr": base.learning_rate,
        "d2_table": sweep_table(a),
        "d2_pairs_table": pairs_table(a),
        "d2_edge_table": edge_table(a),
        "d2_2020_table": markdown_table(
            ["batch", "2020 GPU: validation loss", "accuracy", "time", "ours: validation loss", "accuracy"],
            [
                [
                    b,
                    f"{REPORTED_2020[b][0]:.4f}",
                    f"{REPORTED_2020[b][1]:.1f}%",
                    f"{REPORTED_2020[b][2]:.2f} s",
                    _cell(by_batch[b].val_loss, ".4f"),
                    _cell(by_batch[b].val_accuracy, ".1f"),
                ]
                for b in BATCH_SIZES
            ],
        ),
        "d2_scaled_table": markdown_table(
            [
                "batch",
                "learning rate",
                "validation loss",
                f"same batch at lr {base.learning_rate:g}",
                "change",
                "judged",
            ],
            [
                [
                    c.second,
                    f"{scaled_rates()[c.second]:g}",
                    _cell(loss, ".4f"),
                    _cell(by_batch[c.second].val_loss, ".4f"),
                    f"{c.difference:+.4f}",
                    c.verdict,
                ]
                for c, loss in ((s.small_vs_fixed, s.small_loss), (s.large_vs_fixed, s.large_loss))
            ],
        ),
        "d2_scaled_seeds": min(s.small_loss.n, s.large_loss.n),
        # the noise rule
        "d2_rule_sentence": rule_sentence(a),
        # steps
        "d2_steps_ratio": small.steps // large.steps,
        # losses
        "d2_val_extremes_verdict": a.val_extremes.verdict,
        "d2_train_extremes_verdict": a.train_extremes.verdict,
        "d2_train_beyond": a.train_adjacent_beyond,
        "d2_reversal_words": (
            "the larger batch never ends lower"
            if a.val_reversals == 0
            else f"in {a.val_reversals} of them the larger batch ends lower"
        ),
        "d2_best_loss_batch": a.best_val_batch,
        "d2_worst_loss_batch": a.worst_val_batch,
        # overfitting, one measure for every batch size
        "d2_overfit_top_batch": a.overfit_most[0],
        "d2_overfit_low_batch": a.overfit_least[0],
        "d2_overfit_low": by_batch[a.overfit_least[0]].overfit.mean,
        "d2_overfit_most": _batches(a.overfit_most),
        "d2_overfit_least": _batches(a.overfit_least),
        "d2_overfit_5": by_batch[small.batch].overfit.mean,
        "d2_overfit_5_low": by_batch[small.batch].overfit.low,
        "d2_overfit_5_tied": small.batch in a.overfit_most,
        "d2_overfit_others": _batches([b for b in a.overfit_most if b != small.batch] or ["none"]),
        # the images
        "d2_vivid_above": _batches(a.vivid_above_truth) if a.vivid_above_truth else "none",
        "d2_vivid_below": _batches(a.vivid_below_truth) if a.vivid_below_truth else "none",
        # the learning-rate-scaled runs
        "d2_scaled_small_loss": s.small_loss.mean,
        "d2_scaled_large_loss": s.large_loss.mean,
        "d2_scaled_verdict": s.between.verdict,
        "d2_scaled_small_change": s.small_vs_fixed.difference,
        "d2_scaled_small_verdict": s.small_vs_fixed.verdict,
        "d2_scaled_large_change": s.large_vs_fixed.difference,
        "d2_scaled_large_verdict": s.large_vs_fixed.verdict,
        # the 2020 table's first reversal, two single runs against the pooled seed spread
        "d2_2020_dip_a": dip.first,
        "d2_2020_dip_b": dip.second,
        "d2_2020_dip": -dip.difference,
        "d2_2020_dip_p": dip.p_value,
        "d2_2020_dip_verdict": dip.verdict,
        "d2_2020_bumps": len(ca.reversals([ca.spread(b, [REPORTED_2020[b][0]]) for b in BATCH_SIZES], 0.0)),
        "d2_pooled_sd": dip.noise_range,
        "d2_ours_dip_size": abs(by_batch[dip.first].val_loss.mean - by_batch[dip.second].val_loss.mean),
        "d2_ours_dip_side": (
            "above" if by_batch[dip.first].val_loss.mean > by_batch[dip.second].val_loss.mean else "below"
        ),
        # time
        "d2_pace_batch": pace,
        "d2_pace_seconds": float(fastest[pace]),
        "d2_time_small": float(final[small.batch]["seconds"]),
        "d2_time_large": float(final[large.batch]["seconds"]),
        "d2_fastest_small": float(fastest[small.batch]),
        "d2_fastest_large": float(fastest[large.batch]),
    }


def figures() -> dict[str, object]:
    """The page's figures (matplotlib): the curves per batch size (seed 0) and the coloured images."""
    a, _ = analysis()
    sweep = {r.batch: registry.load(run_names(r.batch)[0]).result for r in a.rows}  # seed 0
    _, tensors = registry.data()
    return {
        "d2_loss_fig": sweep_figure(sweep),
        "d2_loss_steps_fig": sweep_figure(sweep, x_axis="steps"),
        "d2_train_fig": sweep_figure(sweep, key="train_loss", ylabel="training loss"),
        "d2_grid_fig": sweep_grid_figure(
            tensors.x_test_grey[:, 0].numpy(),
            {b: registry.load(run_names(b)[0]).arrays["grid_predictions"] for b in sweep},
            tensors.y_test.numpy(),
            tensors.palette.numpy(),
        ),
    }


def show(style: str = "text") -> str:
    a, _ = analysis()
    return "\n\n".join([sweep_table(a), pairs_table(a)])
