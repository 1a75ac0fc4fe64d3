"""Does training in bf16 change an answer? fp32 runs against their bf16 twins (CSC413 PA2 2(c), 2(d)).

Pure functions of result dicts as the results store keeps them, like
:mod:`solutions.answers.colour_analysis`, whose noise rule decides every
comparison. Two questions, answered separately:

* Row by row (:func:`compare_rows`): each setting (a batch size of the sweep, the
  CNN) trained in fp32 and in bf16, every seed, compared on the four measures the
  book's answers rest on — final validation loss, validation accuracy, the share of
  vivid pixels and overfitting (:func:`colour_analysis.overfit`). Many tests at
  ``ALPHA`` flag about ``ALPHA`` × their number by chance alone even when nothing
  differs (:attr:`PrecisionCheck.expected_by_chance`).
* Conclusion by conclusion (:func:`sweep_conclusions`, :func:`pair_conclusions`):
  each conclusion the 2(d) and 2(c) answers draw, derived from the fp32 runs and
  again from the bf16 runs; it is the same or it differs, nothing in between.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solutions.answers import colour_analysis as ca
from solutions.answers.colour_analysis import TREND, Comparison, Noise, Spread, SweepAnalysis
from solutions.answers.validation import choice, instance, mapping, number, sequence

# The measures of a row, in table order: name → the value of one stored result (given the palette).
MEASURES = ("val_loss", "val_accuracy", "vivid", "overfit")


def measure(result: dict[str, Any], name: str, palette: np.ndarray) -> float:
    """One measure of one stored run: final validation loss or accuracy, vivid share (%), overfit."""
    result = dict(mapping("result", result))
    name = choice("name", name, MEASURES)
    palette = ca._palette(palette)
    if name == "val_loss" or name == "val_accuracy":
        return ca._final(result, name)
    if name == "vivid":
        return ca.colour_evidence(result, palette).vivid_predicted_share
    if name == "overfit":
        return ca.overfit(result)
    raise ValueError(f"name must be one of {', '.join(MEASURES)}, got {name!r}")


def _noise_of(noise: Noise, name: str) -> float:
    return float(getattr(noise, name))


@dataclass(frozen=True)
class MeasureCheck:
    """One measure of one setting: its fp32 and bf16 seeds, and bf16 against fp32 by the noise rule."""

    measure: str
    fp32: Spread
    bf16: Spread
    comparison: Comparison

    @property
    def beyond_noise(self) -> bool:
        return self.comparison.beyond_noise


@dataclass(frozen=True)
class RowCheck:
    """One setting (a batch size, "CNN") in fp32 and bf16; ``seconds``: each run's stored training time."""

    setting: object
    checks: tuple[MeasureCheck, ...]  # one per MEASURES, in order
    fp32_seconds: Spread
    bf16_seconds: Spread

    @property
    def speedup(self) -> float:
        """Mean fp32 training time over mean bf16 training time (the runs' own clocks)."""
        return self.fp32_seconds.mean / self.bf16_seconds.mean

    @property
    def beyond_noise(self) -> tuple[str, ...]:
        return tuple(c.measure for c in self.checks if c.beyond_noise)


def _seeds(name: str, runs: object) -> list[dict[str, Any]]:
    """A non-empty sequence of stored results (mappings), one per seed."""
    return [dict(r) for r in sequence(name, runs, lambda n, r: mapping(n, r))]


def compare_row(
    setting: object, fp32: Sequence[dict[str, Any]], bf16: Sequence[dict[str, Any]], palette: np.ndarray, noise: Noise
) -> RowCheck:
    """bf16 against fp32 for one setting, every measure; ``noise``: the seed ranges of the one-seed rule."""
    noise = instance("noise", noise, Noise)
    fp32, bf16 = _seeds("fp32", fp32), _seeds("bf16", bf16)
    palette = ca._palette(palette)
    checks = []
    for name in MEASURES:
        a = ca.spread(setting, [measure(r, name, palette) for r in fp32])
        b = ca.spread(setting, [measure(r, name, palette) for r in bf16])
        checks.append(MeasureCheck(name, a, b, ca.compare(a, b, _noise_of(noise, name))))
    return RowCheck(
        setting,
        tuple(checks),
        ca.spread(setting, [ca._final(r, "seconds") for r in fp32]),
        ca.spread(setting, [ca._final(r, "seconds") for r in bf16]),
    )


@dataclass(frozen=True)
class Conclusion:
    """One conclusion of an answer (``key``), as the fp32 runs and as the bf16 runs give it."""

    question: str  # "2(c)" or "2(d)"
    key: str  # which conclusion (the book's pages word it)
    fp32: object
    bf16: object

    @property
    def same(self) -> bool:
        return self.fp32 == self.bf16


def _direction(c: Comparison) -> str:
    """The verdict and the sign of ``second − first``: what a sentence about the pair says."""
    sign = "higher" if c.difference > 0 else "lower" if c.difference < 0 else "equal"
    return f"{sign}, {c.verdict}"


def _trend(rho: float) -> str:
    """A rank correlation in the pages' words: a trend only from ``TREND`` on (2(d)'s rule).

    >>> _trend(0.36), _trend(0.5), _trend(-0.9)
    ('no trend', 'rises', 'falls')
    """
    return "rises" if rho >= TREND else "falls" if rho <= -TREND else "no trend"


def sweep_conclusions(fp32: SweepAnalysis, bf16: SweepAnalysis) -> tuple[Conclusion, ...]:
    """Every conclusion the 2(d) answer draws from the sweep, from each analysis (same batch sizes)."""
    fp32, bf16 = instance("fp32", fp32, SweepAnalysis), instance("bf16", bf16, SweepAnalysis)
    if [r.batch for r in fp32.rows] != [r.batch for r in bf16.rows]:
        raise ValueError(
            "fp32 and bf16 must analyse the same batch sizes, got "
            f"{[r.batch for r in fp32.rows]} and {[r.batch for r in bf16.rows]}"
        )

    def of(a: SweepAnalysis) -> dict[str, object]:
        return {
            "val_extremes": _direction(a.val_extremes),  # largest batch vs smallest
            "train_extremes": _direction(a.train_extremes),
            "val_adjacent_beyond": a.val_adjacent_beyond,
            "train_adjacent_beyond": a.train_adjacent_beyond,
            "val_reversals": a.val_reversals,
            "best_val_batch": a.best_val_batch,
            "worst_val_batch": a.worst_val_batch,
            "overfit_most": a.overfit_most,
            "overfit_least": a.overfit_least,
            "most_vivid_batch": a.most_vivid_batch,
            "least_vivid_batch": a.least_vivid_batch,
            "vivid_above_truth": a.vivid_above_truth,
            "vivid_below_truth": a.vivid_below_truth,
            "vivid_adjacent_beyond": a.vivid_adjacent_beyond,
            "vivid_trend": _trend(a.vivid_spearman) if not math.isnan(a.vivid_spearman) else "none",
        }

    first, second = of(fp32), of(bf16)
    return tuple(Conclusion("2(d)", k, first[k], second[k]) for k in first)


@dataclass(frozen=True)
class PairComparison:
    """2(c): the UNet against the CNN, each over its seeds, judged against the UNet's seed range."""

    val_loss: Comparison
    val_accuracy: Comparison
    train_loss: Comparison
    vivid: Comparison


def unet_vs_cnn(cnn: Sequence[dict[str, Any]], unet: Sequence[dict[str, Any]], palette: np.ndarray) -> PairComparison:
    """The UNet (second) against the CNN (first) on the measures of the 2(c) answer."""
    cnn, unet = _seeds("cnn", cnn), _seeds("unet", unet)
    palette = ca._palette(palette)

    def pair(value: Callable[[dict[str, Any]], float]) -> Comparison:
        u = ca.spread("UNet", [value(r) for r in unet])
        return ca.compare(ca.spread("CNN", [value(r) for r in cnn]), u, u.range)

    return PairComparison(
        pair(lambda r: ca._final(r, "val_loss")),
        pair(lambda r: ca._final(r, "val_accuracy")),
        pair(lambda r: ca._final(r, "train_loss")),
        pair(lambda r: measure(r, "vivid", palette)),
    )


def pair_conclusions(fp32: PairComparison, bf16: PairComparison) -> tuple[Conclusion, ...]:
    """The 2(c) conclusions (direction and verdict of each measure), from each precision's runs."""
    fp32, bf16 = instance("fp32", fp32, PairComparison), instance("bf16", bf16, PairComparison)
    return tuple(
        Conclusion("2(c)", k, _direction(getattr(fp32, k)), _direction(getattr(bf16, k)))
        for k in ("val_loss", "val_accuracy", "train_loss", "vivid")
    )


@dataclass(frozen=True)
class PrecisionCheck:
    """Every row and every conclusion; what differs, and how many row tests chance alone would flag."""

    rows: tuple[RowCheck, ...]
    conclusions: tuple[Conclusion, ...]
    alpha: float

    @property
    def tests(self) -> int:
        return sum(len(r.checks) for r in self.rows)

    @property
    def beyond_noise(self) -> tuple[tuple[object, str], ...]:
        """(setting, measure) of every row test where bf16 differs from fp32 beyond the noise."""
        return tuple((r.setting, m) for r in self.rows for m in r.beyond_noise)

    @property
    def expected_by_chance(self) -> float:
        """How many of the row tests would come out beyond the noise with no difference at all
        (Welch's test at ``alpha``: ``alpha`` × tests; under the one-seed rule this is a rough guide)."""
        return self.alpha * self.tests

    @property
    def differing(self) -> tuple[Conclusion, ...]:
        return tuple(c for c in self.conclusions if not c.same)


def check(rows: Sequence[RowCheck], conclusions: Sequence[Conclusion], alpha: float = ca.ALPHA) -> PrecisionCheck:
    """Gather the rows and the conclusions."""
    rows = sequence("rows", rows, lambda n, r: instance(n, r, RowCheck))
    conclusions = sequence("conclusions", conclusions, lambda n, c: instance(n, c, Conclusion))
    alpha = number("alpha", alpha, minimum=0, maximum=1, strict=True)
    return PrecisionCheck(tuple(rows), tuple(conclusions), alpha)
