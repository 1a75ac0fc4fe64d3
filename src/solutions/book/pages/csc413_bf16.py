"""Page values for "Does bf16 change the answers?": the 2(d) sweep and the 2(c) CNN trained in bf16,
against the fp32 runs the book reads; analysed in solutions.answers.precision_effect."""

from __future__ import annotations

from functools import cache

from solutions.answers import colour_analysis as ca
from solutions.answers import precision_effect as pe
from solutions.book.claims import Claim
from solutions.book.pages import csc413_2d
from solutions.book.render import markdown_table
from solutions.experiments import names, registry
from solutions.experiments.names import BATCH_SIZES, BF16

CNN = "CNN"
BOOK_PRECISION = "fp32"  # the precision of every run the other pages read

# How the page words each conclusion (solutions.answers.precision_effect's keys).
CONCLUSIONS = {
    "val_extremes": "validation loss, largest batch against smallest",
    "train_extremes": "training loss, largest batch against smallest",
    "val_adjacent_beyond": "neighbouring batch sizes apart in validation loss",
    "train_adjacent_beyond": "neighbouring batch sizes apart in training loss",
    "val_reversals": "neighbouring pairs where the larger batch ends lower",
    "best_val_batch": "batch with the lowest validation loss",
    "worst_val_batch": "batch with the highest validation loss",
    "overfit_most": "batches within the noise of the most overfitting",
    "overfit_least": "batches within the noise of the least overfitting",
    "most_vivid_batch": "most vivid batch",
    "least_vivid_batch": "least vivid batch",
    "vivid_above_truth": "batches more vivid than the ground truth",
    "vivid_below_truth": "batches less vivid than the ground truth",
    "vivid_adjacent_beyond": "neighbouring batch sizes apart in vivid share",
    "vivid_trend": f"vivid share as the batch grows (rank correlation, a trend from ±{ca.TREND:g})",
    "val_loss": "UNet's validation loss against the CNN's",
    "val_accuracy": "UNet's accuracy against the CNN's",
    "train_loss": "UNet's training loss against the CNN's",
    "vivid": "UNet's vivid share against the CNN's",
}
MEASURE_HEADERS = {
    "val_loss": ("Δ val. loss", ".4f"),
    "val_accuracy": ("Δ accuracy (points)", ".2f"),
    "vivid": ("Δ vivid (points)", ".2f"),
    "overfit": ("Δ overfit", ".4f"),
}


# ---------------------------------------------------------------------------------------------
# The runs: the fp32 names the other pages read, and their bf16 twins.


def fp32_names() -> dict[object, list[str]]:
    """setting → the fp32 runs the book reads for it, seed 0 first: the sweep's batch sizes, the CNN."""
    by_setting: dict[object, list[str]] = {b: csc413_2d.run_names(b) for b in BATCH_SIZES}
    by_setting[CNN] = list(names.CNN_SEEDS)
    return by_setting


def bf16_names() -> dict[object, list[str]]:
    """setting → the bf16 twins of :func:`fp32_names`, seed for seed."""
    return {s: [registry.in_precision(n, BF16) for n in seeds] for s, seeds in fp32_names().items()}


@cache
def runs() -> tuple[dict[object, list[dict]], dict[object, list[dict]]]:
    """(fp32, bf16): setting → every seed's stored result."""
    return tuple(
        {s: [registry.load(n).result for n in names] for s, names in of().items()} for of in (fp32_names, bf16_names)
    )


@cache
def analysis() -> pe.PrecisionCheck:
    fp32, bf16 = runs()
    palette = registry.palette()
    fp32_sweep, _ = csc413_2d.analysis()
    bf16_sweep = ca.analyse_sweep(
        {b: bf16[b] for b in BATCH_SIZES}, palette, reference=registry.RUNS[names.UNET].batch_size
    )
    rows = [pe.compare_row(s, fp32[s], bf16[s], palette, fp32_sweep.noise) for s in fp32]
    base = registry.RUNS[names.UNET].batch_size
    pair = [pe.unet_vs_cnn(runs_[CNN], runs_[base], palette) for runs_ in (fp32, bf16)]
    return pe.check(rows, pe.sweep_conclusions(fp32_sweep, bf16_sweep) + pe.pair_conclusions(*pair))


# ---------------------------------------------------------------------------------------------
# Rendering.


def _setting(s: object) -> str:
    return f"UNet, batch {s}" if isinstance(s, int) else str(s)


def _delta(c: pe.MeasureCheck, fmt: str) -> str:
    """The difference bf16 − fp32 and what the rule made of it (p-value, or the seed range)."""
    cmp = c.comparison
    how = f"p {cmp.p_value:.2f}" if cmp.rule == ca.WELCH else f"range {cmp.noise_range:{fmt}}"
    shown = format(cmp.difference, f"+{fmt}")
    if float(shown) == 0:  # a difference that rounds to zero is printed unsigned, never "-0.00"
        shown = format(0.0, fmt)
    text = f"{shown} ({how})"
    return f"**{text}, beyond**" if cmp.beyond_noise else text


def _words(value: object) -> str:
    if isinstance(value, tuple):
        items = [str(v) for v in value]
        return "none" if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return str(value)


def rows_table(a: pe.PrecisionCheck, style: str = "latex") -> str:
    headers = [
        "setting",
        "seeds fp32 / bf16",
        *(MEASURE_HEADERS[m][0] for m in pe.MEASURES),
        "training s per run (mean), fp32 → bf16",
    ]
    body = [
        [
            _setting(r.setting),
            f"{r.checks[0].fp32.n} / {r.checks[0].bf16.n}",
            *(_delta(c, MEASURE_HEADERS[c.measure][1]) for c in r.checks),
            f"{r.fp32_seconds.mean:.0f} → {r.bf16_seconds.mean:.0f} (×{r.speedup:.2f})",
        ]
        for r in a.rows
    ]
    return markdown_table(headers, body, style)


def conclusions_table(a: pe.PrecisionCheck, style: str = "latex") -> str:
    body = [
        [c.question, CONCLUSIONS[c.key], _words(c.fp32), _words(c.bf16), "same" if c.same else "**differs**"]
        for c in a.conclusions
    ]
    return markdown_table(["question", "conclusion", "from the fp32 runs", "from the bf16 runs", "same?"], body, style)


def _beyond_words(a: pe.PrecisionCheck) -> str:
    names = {m: MEASURE_HEADERS[m][0].removeprefix("Δ ").split(" (")[0] for m in pe.MEASURES}
    return _words(tuple(f"{_setting(s)}: {names[m]}" for s, m in a.beyond_noise))


def verdict(a: pe.PrecisionCheck) -> str:
    """The page's bottom line, in the words the data allow."""
    if not a.differing:
        return (
            f"No: every one of the {len(a.conclusions)} conclusions of 2(c) and 2(d) checked here "
            "comes out the same from the bf16 runs"
        )
    head = f"Yes, in {len(a.differing)} of the {len(a.conclusions)} conclusions checked"
    if len(a.differing) > 3:  # a bottom line, not a list: the table marks each one
        return head + " (marked “differs” in the last table)"
    return (
        head
        + ": "
        + "; ".join(
            f"{c.question} {CONCLUSIONS[c.key]} ({_words(c.fp32)} in fp32, {_words(c.bf16)} in bf16)"
            for c in a.differing
        )
    )


def values() -> dict[str, object]:
    a = analysis()
    sweep = [r for r in a.rows if r.setting != CNN]
    # every run of the sweep: a setting's mean time × its seeds
    fp32_s = sum(r.fp32_seconds.mean * r.fp32_seconds.n for r in sweep)
    bf16_s = sum(r.bf16_seconds.mean * r.bf16_seconds.n for r in sweep)
    fastest = max(sweep, key=lambda r: r.speedup)
    slowest = min(sweep, key=lambda r: r.speedup)
    return {
        "bf16_verdict": verdict(a),
        "bf16_book_precision": BOOK_PRECISION,
        "bf16_rows_table": rows_table(a),
        "bf16_conclusions_table": conclusions_table(a),
        "bf16_settings": len(a.rows),
        "bf16_min_seeds": min(min(r.checks[0].fp32.n, r.checks[0].bf16.n) for r in a.rows),
        "bf16_tests": a.tests,
        "bf16_beyond": len(a.beyond_noise),
        "bf16_beyond_list": _beyond_words(a),
        "bf16_expected": a.expected_by_chance,
        "bf16_alpha": 100 * a.alpha,
        "bf16_conclusions": len(a.conclusions),
        "bf16_differing": len(a.differing),
        "bf16_sweep_speedup": fp32_s / bf16_s,
        "bf16_sweep_fp32_minutes": fp32_s / 60,
        "bf16_sweep_bf16_minutes": bf16_s / 60,
        "bf16_fastest_batch": fastest.setting,
        "bf16_fastest_speedup": fastest.speedup,
        "bf16_slowest_batch": slowest.setting,
        "bf16_slowest_speedup": slowest.speedup,
    }


def show(style: str = "text") -> str:
    a = analysis()
    return "\n\n".join([verdict(a) + ".", rows_table(a, style), conclusions_table(a, style)])


# The typed sentences of the page about the stored runs, each with what makes it true.
CLAIMS = (
    Claim(
        "So each bf16 run lands close to its fp32 twin",
        lambda bf16_beyond, bf16_expected, bf16_differing: bf16_beyond <= 2 * bf16_expected and bf16_differing > 0,
    ),
    Claim("Welch's t-test at", lambda bf16_min_seeds: bf16_min_seeds >= 2),
)

# Typed sentences that state the method or hold only glued counts and lists.
DEFINITIONS = (
    "compared run for run with the fp32 runs",
    "Everything else is the fp32 run's",
    "come out beyond the noise by chance even when nothing differs",
    "Beyond the noise here:",
)
