"""Page values for CSC413 PA2 2(d), the batch-size sweep."""

from __future__ import annotations

import numpy as np

from solutions.experiments import registry
from solutions.experiments.registry import BATCH_SIZES, LR_SCALED_BATCHES, SEEDS
from solutions.book.figures import sweep_figure, sweep_grid_figure
from solutions.answers.colour_analysis import spearman
from solutions.book.render import markdown_table

# The comparison table of the question (questions.md): a GPU run reported in 2020, not ours.
REPORTED_2020 = {  # batch: (validation loss, validation accuracy %, seconds)
    5: (1.2344, 52.7, 176.75), 10: (1.2575, 52.4, 94.68), 20: (1.2859, 51.2, 54.65),
    50: (1.3803, 48.4, 36.50), 100: (1.3236, 49.5, 36.29), 200: (1.4076, 47.2, 33.29),
    500: (1.5182, 43.2, 31.91),
}






def sweep_results() -> dict[int, dict]:
    return {b: registry.load(f"unet-b{b}").result for b in BATCH_SIZES}


def values() -> dict[str, object]:
    sweep = sweep_results()
    entries = {b: registry.load(f"unet-b{b}") for b in BATCH_SIZES}
    seeds = {registry.RUNS["unet"].seed: sweep[registry.RUNS["unet"].batch_size], **{s: registry.load(f"unet-seed{s}").result for s in SEEDS}}
    scaled = {b: registry.load(f"unet-b{b}-lr-scaled").result for b in LR_SCALED_BATCHES}
    _, tensors = registry.data()

    final = {b: r["final"] for b, r in sweep.items()}
    base_batch = registry.RUNS["unet"].batch_size
    base_lr = registry.RUNS["unet"].learning_rate
    val_loss = np.array([final[b]["val_loss"] for b in BATCH_SIZES])
    val_acc = np.array([final[b]["val_accuracy"] for b in BATCH_SIZES])
    best_epoch_loss = {b: min(e["val_loss"] for e in r["epochs"]) for b, r in sweep.items()}
    fastest = {b: min(e["seconds"] for e in r["epochs"]) * len(r["epochs"]) for b, r in sweep.items()}
    seed_loss = [r["final"]["val_loss"] for r in seeds.values()]
    seed_acc = [r["final"]["val_accuracy"] for r in seeds.values()]
    loss_noise = max(seed_loss) - min(seed_loss)
    adjacent = [abs(a - b) for a, b in zip(val_loss, val_loss[1:])]

    table = markdown_table(
        ["batch", "validation loss", "validation accuracy", "wall time", "epochs × fastest epoch",
         "optimizer steps", "best epoch's val. loss"],
        [[b, f"{final[b]['val_loss']:.4f}", f"{final[b]['val_accuracy']:.1f}%",
          f"{final[b]['seconds']:.0f} s", f"{fastest[b]:.0f} s", f"{sweep[b]['steps']:,}",
          f"{best_epoch_loss[b]:.4f}"] for b in BATCH_SIZES])
    table_2020 = markdown_table(
        ["batch", "2020 GPU: validation loss", "accuracy", "time", "ours: validation loss", "accuracy"],
        [[b, f"{REPORTED_2020[b][0]:.4f}", f"{REPORTED_2020[b][1]:.1f}%", f"{REPORTED_2020[b][2]:.2f} s",
          f"{final[b]['val_loss']:.4f}", f"{final[b]['val_accuracy']:.1f}%"] for b in BATCH_SIZES])
    seed_table = markdown_table(
        [f"seed (batch {base_batch})", "validation loss", "validation accuracy"],
        [[s, f"{r['final']['val_loss']:.4f}", f"{r['final']['val_accuracy']:.1f}%"]
         for s, r in seeds.items()])
    scaled_table = markdown_table(
        ["batch", "learning rate", "validation loss", "validation accuracy",
         f"same batch at lr {base_lr:g}: loss", "accuracy"],
        [[b, f"{r['config']['learning_rate']:g}", f"{r['final']['val_loss']:.4f}",
          f"{r['final']['val_accuracy']:.1f}%", f"{final[b]['val_loss']:.4f}",
          f"{final[b]['val_accuracy']:.1f}%"] for b, r in scaled.items()])
    # The 2020 table's non-monotone step: the first pair where the larger batch had the lower loss.
    dips = [(a, b) for a, b in zip(BATCH_SIZES, BATCH_SIZES[1:]) if REPORTED_2020[b][0] < REPORTED_2020[a][0]]
    dip_a, dip_b = dips[0]
    dip = REPORTED_2020[dip_a][0] - REPORTED_2020[dip_b][0]
    dip_text = (f"a difference of {dip:.4f}, " +
                ("within" if dip <= loss_noise else "larger than") +
                f" the range of {loss_noise:.4f} that changing only the seed produces here")
    pace = min(fastest, key=fastest.get)   # the batch size with the cheapest epoch
    lo, hi = min(LR_SCALED_BATCHES), max(LR_SCALED_BATCHES)
    lo_loss, hi_loss = scaled[lo]["final"]["val_loss"], scaled[hi]["final"]["val_loss"]
    scaled_text = (f"the batch-{hi} run reaches a validation loss of {hi_loss:.4f} and the batch-{lo} "
                   f"run {lo_loss:.4f}: " + ("with the learning rate scaled, the larger batch is "
                                              "the better one, the reverse of the fixed-rate sweep"
                                              if hi_loss < lo_loss else
                                              "the smaller batch stays ahead even with the "
                                              "learning rate scaled"))
    small, large = min(BATCH_SIZES), max(BATCH_SIZES)
    base = registry.RUNS["unet"]
    return {
        "d2_epochs": base.epochs, "d2_seed": base.seed, "d2_base_batch": base.batch_size,
        "d2_base_lr": base.learning_rate,
        "d2_table": table,
        "d2_2020_table": table_2020,
        "d2_seed_table": seed_table,
        "d2_scaled_table": scaled_table,
        "d2_loss_fig": sweep_figure(sweep),
        "d2_loss_steps_fig": sweep_figure(sweep, x_axis="steps"),
        "d2_train_fig": sweep_figure(sweep, key="train_loss", ylabel="training loss"),
        "d2_grid_fig": sweep_grid_figure(tensors.x_test_grey[:, 0].numpy(),
                                         {b: e.arrays["grid_predictions"] for b, e in entries.items()},
                                         tensors.y_test.numpy(), tensors.palette.numpy()),
        "d2_2020_dip_a": dip_a, "d2_2020_dip_b": dip_b, "d2_2020_dip_text": dip_text,
        "d2_pace_batch": pace, "d2_pace_seconds": float(fastest[pace]),
        "d2_scaled_text": scaled_text,
        "d2_small": small,
        "d2_large": large,
        "d2_steps_small": sweep[small]["steps"],
        "d2_steps_large": sweep[large]["steps"],
        "d2_steps_ratio": sweep[small]["steps"] // sweep[large]["steps"],
        "d2_best_loss_batch": int(BATCH_SIZES[int(val_loss.argmin())]),
        "d2_best_acc_batch": int(BATCH_SIZES[int(val_acc.argmax())]),
        "d2_worst_loss_batch": int(BATCH_SIZES[int(val_loss.argmax())]),
        "d2_spearman_loss": spearman(BATCH_SIZES, val_loss),
        "d2_spearman_acc": spearman(BATCH_SIZES, val_acc),
        "d2_spearman_2020": spearman(BATCH_SIZES, [REPORTED_2020[b][0] for b in BATCH_SIZES]),
        "d2_seed_loss_range": float(loss_noise),
        "d2_seed_acc_range": float(max(seed_acc) - min(seed_acc)),
        "d2_seeds": len(seeds),
        "d2_adjacent_within_noise": int(sum(d <= loss_noise for d in adjacent)),
        "d2_adjacent_pairs": len(adjacent),
        "d2_small_loss": float(final[small]["val_loss"]),
        "d2_large_loss": float(final[large]["val_loss"]),
        "d2_small_overfit": float(final[small]["val_loss"] - best_epoch_loss[small]),
        "d2_small_train_gap": float(final[small]["val_loss"] - final[small]["train_loss"]),
        "d2_large_train_gap": float(final[large]["val_loss"] - final[large]["train_loss"]),
        "d2_time_small": float(final[small]["seconds"]),
        "d2_time_large": float(final[large]["seconds"]),
        "d2_fastest_small": float(fastest[small]),
        "d2_fastest_large": float(fastest[large]),
    }


def show(style: str = "text") -> str:
    v = values()
    return "\n\n".join([v["d2_table"], v["d2_2020_table"], v["d2_seed_table"], v["d2_scaled_table"]])
