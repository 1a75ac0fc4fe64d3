"""Analysis of the stored colourization runs (CSC413 PA2 1(b), 2(c), 2(d)).

Pure functions of result dicts and arrays as the results store keeps them
(:func:`solutions.experiments.training.summarise`); no training, no files, no text
beyond one-word verdicts.

The noise rule (:func:`compare`), used for every claim about training behaviour:

* both settings have ≥ 2 seeds: Welch's t-test on their seed values; the
  difference is real when the two-sided p-value is below ``ALPHA`` (5 %);
* otherwise (one seed on either side): the difference is real only when it
  exceeds the *seed range* (max − min over seeds) measured at a reference
  setting trained with several seeds (the caller names it, e.g. batch 100).

A setting's spread is reported as mean and min–max over its seeds
(:class:`Spread`), never as a standard deviation of three numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, cast

import numpy as np
from scipy import stats

from solutions.answers.edge_split import EdgeAccuracy, accuracy_by_edges
from solutions.answers.validation import (
    array,
    boolean,
    finite_number,
    instance,
    mapping,
    number,
    positive_int,
    sequence,
    text,
)

ALPHA = 0.05  # Welch's test: two-sided significance level
# The |Spearman rank correlation| from which the pages call an ordering over the batch sizes a trend
# (below it: "varies without a trend").
TREND = 0.5
WELCH = "Welch's t-test"
SEED_RANGE = "seed range"
BEYOND, WITHIN = "beyond the noise", "within the noise"
SPREAD_KIND = "min–max over seeds"


# ---------------------------------------------------------------------------------------------
# The noise rule.


@dataclass(frozen=True)
class Spread:
    """One setting's values over seeds: mean, min–max, and (≥ 2 seeds) the sample sd."""

    setting: object  # what the row is (a batch size, a run name)
    values: tuple[float, ...]
    mean: float
    low: float
    high: float
    sd: float  # sample standard deviation (ddof 1); nan with one seed

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def range(self) -> float:
        return self.high - self.low


def spread(setting: object, values: Sequence[float]) -> Spread:
    """The :class:`Spread` of ``values`` (one per seed, at least one).

    >>> s = spread(100, [1.0, 1.5, 2.0])
    >>> s.mean, s.low, s.high, s.sd, s.range
    (1.5, 1.0, 2.0, 0.5, 1.0)
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ValueError(f"values must be a non-empty sequence of numbers, got {values!r}")
    xs = tuple(finite_number("values", v) for v in values)
    sd = float(np.std(xs, ddof=1)) if len(xs) > 1 else math.nan
    return Spread(setting=setting, values=xs, mean=float(np.mean(xs)), low=min(xs), high=max(xs), sd=sd)


@dataclass(frozen=True)
class Comparison:
    """``second`` against ``first`` under the noise rule."""

    first: object
    second: object
    difference: float  # mean(second) − mean(first)
    rule: str  # WELCH or SEED_RANGE
    noise_range: float  # the seed range the SEED_RANGE rule compares with
    p_value: float  # Welch's two-sided p (nan under SEED_RANGE)
    beyond_noise: bool

    @property
    def verdict(self) -> str:
        return BEYOND if self.beyond_noise else WITHIN


def welch(first: Spread, second: Spread) -> tuple[float, float, float]:
    """Welch's t statistic, its degrees of freedom and the two-sided p-value (≥ 2 values each).

    >>> t, df, p = welch(spread("a", [0.0, 2.0]), spread("b", [4.0, 6.0]))   # t = 4/√(2/2 + 2/2)
    >>> round(t, 4), df, round(p, 4)
    (2.8284, 2.0, 0.1056)
    """
    for name, s in (("first", first), ("second", second)):
        if not isinstance(s, Spread) or s.n < 2:
            raise ValueError(f"{name} must be a Spread of at least 2 values, got {s!r}")
    v1, v2 = first.sd**2 / first.n, second.sd**2 / second.n
    diff = second.mean - first.mean
    if v1 + v2 == 0:  # no spread at all: any difference is certain, none is none
        return (math.copysign(math.inf, diff) if diff else 0.0, float(first.n + second.n - 2), 0.0 if diff else 1.0)
    t = diff / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / (first.n - 1) + v2**2 / (second.n - 1))
    return float(t), float(df), float(2 * stats.t.sf(abs(t), df))


def compare(first: Spread, second: Spread, noise_range: float, alpha: float = ALPHA) -> Comparison:
    """Is ``second`` different from ``first`` beyond the noise? See the module's rule.

    >>> compare(spread(5, [1.30]), spread(10, [1.34]), noise_range=0.03).beyond_noise
    True
    """
    for name, s in (("first", first), ("second", second)):
        if not isinstance(s, Spread):
            raise ValueError(f"{name} must be a Spread, got {s!r}")
    noise = finite_number("noise_range", noise_range)
    if noise < 0:
        raise ValueError(f"noise_range must be ≥ 0, got {noise_range!r}")
    alpha = finite_number("alpha", alpha)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    diff = second.mean - first.mean
    if first.n >= 2 and second.n >= 2:
        _, _, p = welch(first, second)
        return Comparison(
            first=first.setting,
            second=second.setting,
            difference=diff,
            rule=WELCH,
            noise_range=noise,
            p_value=p,
            beyond_noise=p < alpha,
        )
    return Comparison(
        first=first.setting,
        second=second.setting,
        difference=diff,
        rule=SEED_RANGE,
        noise_range=noise,
        p_value=math.nan,
        beyond_noise=abs(diff) > noise,
    )


POOLED = "two single runs against the pooled seed spread"


def pooled_sd(rows: Sequence[Spread]) -> tuple[float, int]:
    """The pooled within-setting standard deviation of the rows with ≥ 2 values, and its degrees
    of freedom (Σ (n − 1)): how far one run strays from its setting's mean, from every seed stored.

    >>> sd, df = pooled_sd([spread(5, [1.0, 3.0]), spread(10, [2.0, 4.0, 6.0]), spread(20, [7.0])])
    >>> round(sd ** 2, 4), df          # (1·2 + 2·4) / (1 + 2): variances 2 and 4
    (3.3333, 3)
    """
    rows = _spreads("rows", rows, minimum=1)
    seeded = [r for r in rows if r.n >= 2]
    if not seeded:
        raise ValueError("rows must hold at least one Spread of 2 or more values")
    df = sum(r.n - 1 for r in seeded)
    return math.sqrt(sum((r.n - 1) * r.sd**2 for r in seeded) / df), df


def single_runs(first: Spread, second: Spread, sd: float, df: int, alpha: float = ALPHA) -> Comparison:
    """Two single runs (one value each) against a pooled seed spread ``sd`` with ``df`` degrees of
    freedom: t = (second − first) / (sd·√2), two-sided p from Student's t.

    >>> c = single_runs(spread(50, [1.3803]), spread(100, [1.3236]), sd=0.024, df=14)
    >>> round(c.difference, 4), round(c.p_value, 2), c.verdict    # t = −0.0567/0.0339 = −1.67
    (-0.0567, 0.12, 'within the noise')
    """
    for name, s in (("first", first), ("second", second)):
        if instance(name, s, Spread).n != 1:
            raise ValueError(f"{name} must be a Spread of one value, got {s!r}")
    sd = number("sd", sd, minimum=0, strict=True)
    df = positive_int("df", df)
    alpha = number("alpha", alpha, minimum=0, maximum=1, strict=True)
    diff = second.mean - first.mean
    p = float(2 * stats.t.sf(abs(diff) / (sd * math.sqrt(2)), df))
    return Comparison(
        first=first.setting,
        second=second.setting,
        difference=diff,
        rule=POOLED,
        noise_range=sd,
        p_value=p,
        beyond_noise=p < alpha,
    )


def adjacent(rows: Sequence[Spread], noise_range: float) -> tuple[Comparison, ...]:
    """Each row against the next (rows in setting order)."""
    rows = _spreads("rows", rows, minimum=2)
    return tuple(compare(a, b, noise_range) for a, b in pairwise(rows))


def reversals(rows: Sequence[Spread], noise_range: float) -> tuple[Comparison, ...]:
    """The neighbouring pairs whose mean falls from one row to the next (rows in setting order).

    >>> [(c.first, c.second) for c in reversals([spread(5, [1.0]), spread(10, [1.2]),
    ...                                          spread(20, [1.1])], 0.05)]
    [(10, 20)]
    """
    return tuple(c for c in adjacent(rows, noise_range) if c.difference < 0)


def near_extreme(rows: Sequence[Spread], noise_range: float, largest: bool = True) -> tuple[object, ...]:
    """The settings not distinguishable from the largest (or smallest) mean, that one first.

    >>> rows = [spread(5, [0.03]), spread(10, [0.04]), spread(500, [0.00])]
    >>> near_extreme(rows, 0.02)
    (10, 5)
    """
    rows = _spreads("rows", rows, minimum=1)
    largest = boolean("largest", largest)
    ordered = sorted(rows, key=lambda r: r.mean, reverse=largest)
    top = ordered[0]
    return tuple(r.setting for r in ordered if r is top or not compare(top, r, noise_range).beyond_noise)


def _spreads(name: str, rows: object, minimum: int) -> list[Spread]:
    return list(sequence(name, rows, lambda n, r: instance(n, r, Spread), min_length=minimum))


def seed_range(values: Sequence[float]) -> float:
    """max − min of one setting's values over ≥ 2 seeds: the noise of one run.

    >>> round(seed_range([1.4154, 1.3847, 1.4053]), 4)
    0.0307
    """
    s = spread("seeds", values)
    if s.n < 2:
        raise ValueError(f"values must hold at least 2 seeds to measure a range, got {values!r}")
    return s.range


# ---------------------------------------------------------------------------------------------
# Colours.


@dataclass(frozen=True)
class ColourEvidence:
    """What is wrong with the colours of one run, from its per-colour pixel shares (in %).

    Saturation of a palette colour = max(RGB) − min(RGB); the *vivid* colours
    are those more saturated than the palette's median. Mean saturations weight
    each colour by its share of the predicted (or true) pixels.
    """

    over_colour: int
    over_predicted_share: float
    over_target_share: float
    under_colour: int
    under_predicted_share: float
    under_target_share: float
    vivid_colours: int
    vivid_target_share: float
    vivid_predicted_share: float
    top3_predicted_share: float
    top3_target_share: float
    saturation_predicted: float
    saturation_target: float


def _palette(palette: object) -> np.ndarray:
    p = array("palette", palette, ndim=2, dtype=np.float64)
    if p.shape[1] != 3 or len(p) < 2:
        raise ValueError(f"palette must be a (K, 3) array of RGB colours with K ≥ 2, got shape {p.shape}")
    return p


def _shares(result: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        share = mapping("result", result)["per_colour"]
        target = np.asarray(share["target_share"], dtype=np.float64)
        predicted = np.asarray(share["predicted_share"], dtype=np.float64)
    except (TypeError, KeyError, IndexError) as err:
        raise ValueError(f"result must hold per_colour target_share and predicted_share ({err})") from None
    if target.shape != (k,) or predicted.shape != (k,):
        raise ValueError(f"result's per_colour shares must have one value per palette colour ({k})")
    for name, share in (("target_share", target), ("predicted_share", predicted)):
        if not np.isfinite(share).all() or (share < 0).any() or share.sum() <= 0:
            raise ValueError(f"result's per_colour {name} must be finite shares ≥ 0 that add up to more than 0")
    return target, predicted


def saturation(palette: np.ndarray) -> np.ndarray:
    """Each palette colour's saturation, max(RGB) − min(RGB).

    >>> saturation([[0.5, 0.2, 0.1], [0.3, 0.3, 0.3]]).round(3).tolist()
    [0.4, 0.0]
    """
    p = _palette(palette)
    spread_: np.ndarray = p.max(axis=1) - p.min(axis=1)
    return spread_


def vivid_colours(palette: np.ndarray) -> tuple[np.ndarray, float]:
    """Which palette colours are *vivid* (saturation above the palette's median), and that median.

    >>> mask, median = vivid_colours([[0.5, 0.2, 0.1], [0.3, 0.3, 0.3], [0.9, 0.1, 0.1]])
    >>> mask.tolist(), round(median, 3)
    ([False, False, True], 0.4)
    """
    s = saturation(palette)
    median = float(np.median(s))
    return s > median, median


def colour_evidence(result: dict[str, Any], palette: np.ndarray) -> ColourEvidence:
    """The :class:`ColourEvidence` of a stored run."""
    palette = _palette(palette)
    target, predicted = _shares(result, len(palette))
    saturation_ = saturation(palette)
    vivid, _ = vivid_colours(palette)
    excess = predicted - target
    over, under = int(excess.argmax()), int(excess.argmin())
    return ColourEvidence(
        over_colour=over,
        over_predicted_share=float(predicted[over]),
        over_target_share=float(target[over]),
        under_colour=under,
        under_predicted_share=float(predicted[under]),
        under_target_share=float(target[under]),
        vivid_colours=int(vivid.sum()),
        vivid_target_share=float(target[vivid].sum()),
        vivid_predicted_share=float(predicted[vivid].sum()),
        top3_predicted_share=float(np.sort(predicted)[-3:].sum()),
        top3_target_share=float(np.sort(target)[-3:].sum()),
        saturation_predicted=float((predicted * saturation_).sum() / predicted.sum()),
        saturation_target=float((target * saturation_).sum() / target.sum()),
    )


def over_prediction(result: dict[str, Any], palette: np.ndarray) -> tuple[float, float]:
    """What a run's over-prediction of a colour (predicted share − true share) follows: Spearman's
    rank correlation with the colour's true share (how common it is), and with its saturation.

    >>> r = {"per_colour": {"target_share": [50.0, 30.0, 20.0], "predicted_share": [60.0, 30.0, 10.0]}}
    >>> over_prediction(r, [[0.5, 0.5, 0.5], [0.9, 0.1, 0.1], [0.6, 0.3, 0.3]])
    (1.0, -0.5)
    """
    palette = _palette(palette)
    target, predicted = _shares(result, len(palette))
    excess = predicted - target
    return (
        float(stats.spearmanr(excess, target).statistic),
        float(stats.spearmanr(excess, saturation(palette)).statistic),
    )


# ---------------------------------------------------------------------------------------------
# 2(d): the batch-size sweep.


@dataclass(frozen=True)
class SweepRow:
    """One batch size over its seeds; losses per pixel, shares in % of validation pixels."""

    batch: int
    steps: int
    val_loss: Spread
    train_loss: Spread
    val_accuracy: Spread
    overfit: Spread  # final validation loss − the best epoch's (same measure for all)
    vivid: Spread  # % of predicted pixels in the vivid colours
    saturation: Spread  # mean saturation of the predicted pixels
    top3: Spread  # % of predicted pixels in the three most predicted colours


def _final(result: Any, field: str) -> float:
    try:
        value = mapping("result", result)["final"][field]
    except (TypeError, KeyError, IndexError):
        raise ValueError(f"result must hold final[{field!r}], got {result!r:.80}") from None
    return number(f"result's final[{field!r}]", value)


def overfit(result: dict[str, Any]) -> float:
    """Final validation loss minus the lowest validation loss of any epoch (≥ 0).

    >>> overfit({"epochs": [{"val_loss": 1.5}, {"val_loss": 1.2}, {"val_loss": 1.3}]})
    0.10000000000000009
    """
    mapping("result", result)
    try:
        losses = [number("result's epochs val_loss", e["val_loss"]) for e in result["epochs"]]
    except (TypeError, KeyError):
        raise ValueError("result must hold epochs with val_loss") from None
    if not losses:
        raise ValueError("result must hold at least one epoch")
    return losses[-1] - min(losses)


def sweep_rows(runs: Mapping[int, Sequence[dict[str, Any]]], palette: np.ndarray) -> tuple[SweepRow, ...]:
    """One :class:`SweepRow` per batch size (ascending); ``runs``: batch → its seeds' results."""
    palette = _palette(palette)
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError(f"runs must be a non-empty mapping batch size → results, got {runs!r}")
    rows = []
    for batch in sorted(runs):
        positive_int("runs' batch size", batch)
        seeds = runs[batch]
        if isinstance(seeds, Mapping) or not isinstance(seeds, Sequence) or not seeds:
            raise ValueError(f"runs[{batch}] must be a non-empty sequence of results")
        steps = {int(r["steps"]) for r in seeds}
        if len(steps) != 1:
            raise ValueError(f"runs[{batch}] must all take the same number of steps, got {steps}")
        ev = [colour_evidence(r, palette) for r in seeds]
        rows.append(
            SweepRow(
                batch=batch,
                steps=steps.pop(),
                val_loss=spread(batch, [_final(r, "val_loss") for r in seeds]),
                train_loss=spread(batch, [_final(r, "train_loss") for r in seeds]),
                val_accuracy=spread(batch, [_final(r, "val_accuracy") for r in seeds]),
                overfit=spread(batch, [overfit(r) for r in seeds]),
                vivid=spread(batch, [e.vivid_predicted_share for e in ev]),
                saturation=spread(batch, [e.saturation_predicted for e in ev]),
                top3=spread(batch, [e.top3_predicted_share for e in ev]),
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class Noise:
    """Seed ranges at the reference batch size: the yardstick of the one-seed rule."""

    reference: int
    seeds: int
    val_loss: float
    train_loss: float
    val_accuracy: float
    overfit: float
    vivid: float


def noise_at(rows: Sequence[SweepRow], reference: int) -> Noise:
    """The seed ranges of the row ``reference`` (which must have ≥ 2 seeds)."""
    rows = sequence("rows", rows, lambda n, r: instance(n, r, SweepRow))
    reference = positive_int("reference", reference)
    ref = [r for r in rows if r.batch == reference]
    if not ref:
        raise ValueError(f"reference must be one of the rows' batch sizes, got {reference!r}")
    r = ref[0]
    if r.val_loss.n < 2:
        raise ValueError(f"reference must be a batch size with at least 2 seeds, got {reference!r}")
    return Noise(
        reference=reference,
        seeds=r.val_loss.n,
        val_loss=r.val_loss.range,
        train_loss=r.train_loss.range,
        val_accuracy=r.val_accuracy.range,
        overfit=r.overfit.range,
        vivid=r.vivid.range,
    )


@dataclass(frozen=True)
class SweepAnalysis:
    """What the batch-size sweep shows beyond the noise (every field computed by the rule)."""

    rows: tuple[SweepRow, ...]
    noise: Noise
    rule: str  # WELCH when every row has ≥ 2 seeds, else SEED_RANGE
    min_seeds: int  # the fewest seeds of any row
    val_adjacent: tuple[Comparison, ...]
    train_adjacent: tuple[Comparison, ...]
    vivid_adjacent: tuple[Comparison, ...]
    val_extremes: Comparison  # smallest batch vs largest
    train_extremes: Comparison
    val_reversals: int  # neighbouring pairs where the larger batch has the lower loss
    best_val_batch: int
    worst_val_batch: int
    overfit_most: tuple[int, ...]  # batch sizes within the noise of the largest overfit, largest first
    overfit_least: tuple[int, ...]  # … of the smallest, smallest first
    most_vivid_batch: int
    least_vivid_batch: int
    vivid_truth: float  # % of true pixels in the vivid colours
    vivid_above_truth: tuple[int, ...]  # batch sizes whose vivid share exceeds the truth's beyond the noise
    vivid_below_truth: tuple[int, ...]
    vivid_spearman: float  # rank correlation of vivid share with batch size

    @property
    def val_adjacent_beyond(self) -> int:
        return sum(c.beyond_noise for c in self.val_adjacent)

    @property
    def train_adjacent_beyond(self) -> int:
        return sum(c.beyond_noise for c in self.train_adjacent)

    @property
    def vivid_adjacent_beyond(self) -> int:
        return sum(c.beyond_noise for c in self.vivid_adjacent)


def analyse_sweep(
    runs: Mapping[int, Sequence[dict[str, Any]]], palette: np.ndarray, reference: int, truth_vivid: float | None = None
) -> SweepAnalysis:
    """The batch-size sweep under the noise rule; ``reference``: the batch size whose seeds give the noise.

    Adjacent batch sizes are compared in validation loss, training loss and
    vivid-pixel share; overfitting is :func:`overfit` for every batch size.
    ``truth_vivid`` defaults to the reference's per-colour target share.
    """
    rows = sweep_rows(runs, palette)
    if len(rows) < 2:
        raise ValueError(f"runs must hold at least 2 batch sizes, got {len(rows)}")
    positive_int("reference", reference)
    noise = noise_at(rows, reference)
    first, last = rows[0], rows[-1]
    if truth_vivid is None:
        truth_vivid = colour_evidence(runs[reference][0], palette).vivid_target_share
    truth = number("truth_vivid", truth_vivid, minimum=0, maximum=100)  # a share of pixels, in %
    truth_row = spread("truth", [truth])
    vivid_cmp = {r.batch: compare(truth_row, r.vivid, noise.vivid) for r in rows}
    min_seeds = min(r.val_loss.n for r in rows)
    val_adj = adjacent([r.val_loss for r in rows], noise.val_loss)
    means = np.array([r.val_loss.mean for r in rows])
    vivid = np.array([r.vivid.mean for r in rows])
    return SweepAnalysis(
        rows=rows,
        noise=noise,
        rule=WELCH if min_seeds >= 2 else SEED_RANGE,
        min_seeds=min_seeds,
        val_adjacent=val_adj,
        train_adjacent=adjacent([r.train_loss for r in rows], noise.train_loss),
        vivid_adjacent=adjacent([r.vivid for r in rows], noise.vivid),
        val_extremes=compare(first.val_loss, last.val_loss, noise.val_loss),
        train_extremes=compare(first.train_loss, last.train_loss, noise.train_loss),
        val_reversals=sum(c.difference < 0 for c in val_adj),
        best_val_batch=rows[int(means.argmin())].batch,
        worst_val_batch=rows[int(means.argmax())].batch,
        overfit_most=cast(tuple[int, ...], near_extreme([r.overfit for r in rows], noise.overfit, largest=True)),
        overfit_least=cast(tuple[int, ...], near_extreme([r.overfit for r in rows], noise.overfit, largest=False)),
        most_vivid_batch=rows[int(vivid.argmax())].batch,
        least_vivid_batch=rows[int(vivid.argmin())].batch,
        vivid_truth=truth,
        vivid_above_truth=tuple(b for b, c in vivid_cmp.items() if c.beyond_noise and c.difference > 0),
        vivid_below_truth=tuple(b for b, c in vivid_cmp.items() if c.beyond_noise and c.difference < 0),
        vivid_spearman=spearman([r.batch for r in rows], vivid) if len(rows) > 2 else math.nan,
    )


@dataclass(frozen=True)
class ScaledComparison:
    """The learning-rate-scaled runs: against each other and against the fixed-rate runs."""

    small: int
    large: int
    small_loss: Spread
    large_loss: Spread
    between: Comparison  # large vs small, both with scaled learning rates
    small_vs_fixed: Comparison  # scaled vs fixed rate at the small batch
    large_vs_fixed: Comparison


def compare_scaled(
    scaled: Mapping[int, Sequence[dict[str, Any]]], fixed: Mapping[int, Sequence[dict[str, Any]]], noise_range: float
) -> ScaledComparison:
    """Validation losses of the two learning-rate-scaled batch sizes (``scaled``: batch → seeds' results)."""
    if not isinstance(scaled, Mapping) or len(scaled) != 2:
        raise ValueError(f"scaled must map exactly two batch sizes to results, got {scaled!r:.80}")
    if not isinstance(fixed, Mapping) or not set(scaled) <= set(fixed):
        raise ValueError("fixed must hold the fixed-rate runs of both scaled batch sizes")
    small, large = sorted(scaled)

    def loss(runs: Mapping[int, Sequence[dict[str, Any]]], b: int) -> Spread:
        if isinstance(runs[b], Mapping) or not isinstance(runs[b], Sequence) or not runs[b]:
            raise ValueError(f"the results of batch {b} must be a non-empty sequence")
        return spread(b, [_final(r, "val_loss") for r in runs[b]])

    s, l = loss(scaled, small), loss(scaled, large)
    return ScaledComparison(
        small=small,
        large=large,
        small_loss=s,
        large_loss=l,
        between=compare(s, l, noise_range),
        small_vs_fixed=compare(loss(fixed, small), s, noise_range),
        large_vs_fixed=compare(loss(fixed, large), l, noise_range),
    )


# ---------------------------------------------------------------------------------------------
# 2(c): the ablations (where the UNet's gain is, edges vs flat regions: solutions.answers.edge_split).


@dataclass(frozen=True)
class AblationRow:
    """One variant of the UNet against the full one (validation loss and accuracy over seeds)."""

    name: str
    val_loss: Spread
    val_accuracy: Spread
    vivid: Spread
    loss_vs_full: Comparison
    accuracy_vs_full: Comparison


def ablations(
    variants: Mapping[str, Sequence[dict[str, Any]]], full: str, palette: np.ndarray, noise: Noise | None = None
) -> tuple[AblationRow, ...]:
    """Each variant (name → its seeds' results; ``full`` among them) against ``full`` under the noise rule.

    ``noise``: the seed ranges at batch 100 (:func:`noise_at`), used when a
    variant has one seed; ``None``: ``full``'s own seed ranges (it must then
    have at least two seeds).
    """
    palette = _palette(palette)
    full = text("full", full)
    if not isinstance(variants, Mapping) or full not in variants:
        raise ValueError(f"full must name one of the variants, got {full!r}")
    if noise is not None and not isinstance(noise, Noise):
        raise ValueError(f"noise must be a Noise or None, got {noise!r}")

    def row(name: str, seeds: Sequence[dict[str, Any]]) -> tuple[Spread, Spread, Spread]:
        if isinstance(seeds, Mapping) or not isinstance(seeds, Sequence) or not seeds:
            raise ValueError(f"variants[{name!r}] must be a non-empty sequence of results")
        return (
            spread(name, [_final(r, "val_loss") for r in seeds]),
            spread(name, [_final(r, "val_accuracy") for r in seeds]),
            spread(name, [colour_evidence(r, palette).vivid_predicted_share for r in seeds]),
        )

    ref = row(full, variants[full])
    if noise is None and ref[0].n < 2:
        raise ValueError(f"noise must be given when {full!r} has one seed")
    loss_noise, acc_noise = (noise.val_loss, noise.val_accuracy) if noise is not None else (ref[0].range, ref[1].range)
    out = []
    for name, seeds in variants.items():
        loss, acc, viv = row(name, seeds)
        out.append(
            AblationRow(
                name=name,
                val_loss=loss,
                val_accuracy=acc,
                vivid=viv,
                loss_vs_full=compare(ref[0], loss, loss_noise),
                accuracy_vs_full=compare(ref[1], acc, acc_noise),
            )
        )
    return tuple(out)


def beyond_noise(rows: Sequence[AblationRow]) -> tuple[str, ...]:
    """The variants of :func:`ablations` whose validation loss or accuracy differs from the full
    one beyond the noise, in row order."""
    rows = sequence("rows", rows, lambda n, r: instance(n, r, AblationRow), min_length=0)
    return tuple(r.name for r in rows if r.loss_vs_full.beyond_noise or r.accuracy_vs_full.beyond_noise)


def edge_accuracy_per_run(
    runs: Mapping[object, Sequence[np.ndarray]], target: np.ndarray, grey: np.ndarray
) -> dict[object, tuple[EdgeAccuracy, ...]]:
    """:func:`~solutions.answers.edge_split.accuracy_by_edges` of every run of every setting
    (``runs``: setting → each seed's class maps (N, H, W) of the same images ``target``,
    ``grey``), with one split of the pixels for all of them.

    >>> grey = np.zeros((1, 4, 4)); grey[0, :, 2:] = 1.0
    >>> t = np.zeros((1, 4, 4), dtype=int)
    >>> [a.overall for a in edge_accuracy_per_run({5: [t, 1 - t]}, t, grey)[5]]
    [100.0, 0.0]
    """
    runs = mapping("runs", runs)
    t = array("target", target, ndim=3, kinds="iu")
    g = array("grey", grey, ndim=3, dtype=np.float64)
    if t.shape != g.shape:
        raise ValueError(f"target and grey must have one shape, got {t.shape} and {g.shape}")
    out = {}
    for setting, maps in runs.items():
        if isinstance(maps, np.ndarray):
            raise ValueError(f"runs[{setting!r}] must be a sequence of class maps (one per seed), got one array")
        checked = sequence(f"runs[{setting!r}]", maps, lambda n, m: array(n, m, ndim=3, kinds="iu"))
        wrong = [m.shape for m in checked if m.shape != t.shape]
        if wrong:
            raise ValueError(f"runs[{setting!r}] must hold class maps of target's shape {t.shape}, got {wrong[0]}")
        out[setting] = tuple(accuracy_by_edges(str(setting), m, t, g) for m in checked)
    return out


def gradient_ratio(result: dict[str, Any], reference: dict[str, Any], layer: str) -> tuple[float, ...]:
    """Per epoch, ``layer``'s mean gradient norm in ``result`` over ``reference``'s, at matched steps.

    Both runs must take the same number of optimizer steps per epoch (then
    epoch i is the same step count in both). Under BatchNorm a convolution's
    gradient scales as 1/‖W‖, so a ratio compares weight norms as much as
    gradient flow: it can only be read between variants of one architecture.
    """
    layer = text("layer", layer)
    mapping("result", result), mapping("reference", reference)
    per_epoch = []
    for name, r in (("result", result), ("reference", reference)):
        try:
            per_epoch.append((r["steps"] / len(r["epochs"]), len(r["epochs"])))
            for e in r["epochs"]:
                number(f"{name}'s grad_norms[{layer!r}]", e["grad_norms"][layer], minimum=0)
        except (TypeError, KeyError, ZeroDivisionError):
            raise ValueError(
                f"{name} must hold steps and epochs with grad_norms of the layer given (layer={layer!r})"
            ) from None
    if per_epoch[0] != per_epoch[1]:
        raise ValueError(
            f"result and reference must take the same steps per epoch and epochs, got {per_epoch[0]} and {per_epoch[1]}"
        )
    return tuple(
        float(a["grad_norms"][layer] / b["grad_norms"][layer]) for a, b in zip(result["epochs"], reference["epochs"])
    )


# ---------------------------------------------------------------------------------------------


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman's rank correlation (scipy.stats.spearmanr: tied values share their mean rank).

    >>> spearman([1, 2, 3], [10, 20, 15])
    0.5
    >>> round(spearman([1, 2, 3, 4], [10, 20, 20, 30]), 4)   # ranks 1, 2.5, 2.5, 4: 4.5 / √(5 · 4.5)
    0.9487
    """
    a = array("x", x, ndim=1, dtype=float)
    b = array("y", y, ndim=1, dtype=float)
    if a.shape != b.shape or len(a) < 3:
        raise ValueError(f"x and y must be 1-D sequences of one length ≥ 3, got {a.shape}, {b.shape}")
    return float(stats.spearmanr(a, b).statistic)
