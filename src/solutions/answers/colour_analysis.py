"""Analysis of the stored colourization runs (CSC413 PA2 1(b), 2(c), 2(d)).

Pure functions of result dicts and arrays as the results store keeps them
(:func:`solutions.experiments.training.summarise`); no training, no files, no text
beyond one-word verdicts.

The noise rule (:func:`compare`), used for every claim about training behaviour:

* both settings have ≥ 2 seeds: Welch's t-test on their seed values; the
  difference is real when the two-sided p-value is below ``ALPHA`` (5 %);
* otherwise (one seed on either side): the difference is real only when it
  exceeds the *seed range* (max − min over seeds) measured at a reference
  setting (batch 100, the one setting trained with several seeds today).

A setting's spread is reported as mean and min–max over its seeds
(:class:`Spread`), never as a standard deviation of three numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from solutions.answers.validation import (array, boolean, finite_number, instance, mapping, number,
                                          positive_int, sequence, text)

ALPHA = 0.05               # Welch's test: two-sided significance level
WELCH = "Welch's t-test"
SEED_RANGE = "seed range"
BEYOND, WITHIN = "beyond the noise", "within the noise"
SPREAD_KIND = "min–max over seeds"


# ---------------------------------------------------------------------------------------------
# The noise rule.

@dataclass(frozen=True)
class Spread:
    """One setting's values over seeds: mean, min–max, and (≥ 2 seeds) the sample sd."""

    setting: object          # what the row is (a batch size, a run name)
    values: tuple[float, ...]
    mean: float
    low: float
    high: float
    sd: float                # sample standard deviation (ddof 1); nan with one seed

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
    return Spread(setting, xs, float(np.mean(xs)), min(xs), max(xs), sd)


@dataclass(frozen=True)
class Comparison:
    """``second`` against ``first`` under the noise rule."""

    first: object
    second: object
    difference: float        # mean(second) − mean(first)
    rule: str                # WELCH or SEED_RANGE
    noise_range: float       # the seed range the SEED_RANGE rule compares with
    p_value: float           # Welch's two-sided p (nan under SEED_RANGE)
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
    v1, v2 = first.sd ** 2 / first.n, second.sd ** 2 / second.n
    diff = second.mean - first.mean
    if v1 + v2 == 0:   # no spread at all: any difference is certain, none is none
        return (math.copysign(math.inf, diff) if diff else 0.0,
                float(first.n + second.n - 2), 0.0 if diff else 1.0)
    t = diff / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (first.n - 1) + v2 ** 2 / (second.n - 1))
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
        return Comparison(first.setting, second.setting, diff, WELCH, noise, p, p < alpha)
    return Comparison(first.setting, second.setting, diff, SEED_RANGE, noise, math.nan,
                      abs(diff) > noise)


def adjacent(rows: Sequence[Spread], noise_range: float) -> tuple[Comparison, ...]:
    """Each row against the next (rows in setting order)."""
    rows = _spreads("rows", rows, minimum=2)
    return tuple(compare(a, b, noise_range) for a, b in zip(rows, rows[1:]))


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
    if not isinstance(rows, Sequence) or len(rows) < minimum \
            or not all(isinstance(r, Spread) for r in rows):
        raise ValueError(f"{name} must be a sequence of at least {minimum} Spread, got {rows!r}")
    return list(rows)


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


def _shares(result: object, k: int) -> tuple[np.ndarray, np.ndarray]:
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
            raise ValueError(f"result's per_colour {name} must be finite shares ≥ 0 that add up to "
                             "more than 0")
    return target, predicted


def colour_evidence(result: dict, palette: np.ndarray) -> ColourEvidence:
    """The :class:`ColourEvidence` of a stored run."""
    palette = _palette(palette)
    target, predicted = _shares(result, len(palette))
    saturation = palette.max(axis=1) - palette.min(axis=1)
    vivid = saturation > np.median(saturation)
    excess = predicted - target
    over, under = int(excess.argmax()), int(excess.argmin())
    return ColourEvidence(
        over, float(predicted[over]), float(target[over]),
        under, float(predicted[under]), float(target[under]),
        int(vivid.sum()), float(target[vivid].sum()), float(predicted[vivid].sum()),
        float(np.sort(predicted)[-3:].sum()), float(np.sort(target)[-3:].sum()),
        float((predicted * saturation).sum() / predicted.sum()),
        float((target * saturation).sum() / target.sum()))


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
    overfit: Spread          # final validation loss − the best epoch's (same measure for all)
    vivid: Spread            # % of predicted pixels in the vivid colours
    saturation: Spread       # mean saturation of the predicted pixels
    top3: Spread             # % of predicted pixels in the three most predicted colours


def _final(result: object, field: str) -> float:
    try:
        value = mapping("result", result)["final"][field]
    except (TypeError, KeyError, IndexError):
        raise ValueError(f"result must hold final[{field!r}], got {result!r:.80}") from None
    return number(f"result's final[{field!r}]", value)


def overfit(result: dict) -> float:
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


def sweep_rows(runs: Mapping[int, Sequence[dict]], palette: np.ndarray) -> tuple[SweepRow, ...]:
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
        rows.append(SweepRow(
            batch, steps.pop(),
            spread(batch, [_final(r, "val_loss") for r in seeds]),
            spread(batch, [_final(r, "train_loss") for r in seeds]),
            spread(batch, [_final(r, "val_accuracy") for r in seeds]),
            spread(batch, [overfit(r) for r in seeds]),
            spread(batch, [e.vivid_predicted_share for e in ev]),
            spread(batch, [e.saturation_predicted for e in ev]),
            spread(batch, [e.top3_predicted_share for e in ev])))
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
    return Noise(reference, r.val_loss.n, r.val_loss.range, r.train_loss.range,
                 r.val_accuracy.range, r.overfit.range, r.vivid.range)


@dataclass(frozen=True)
class SweepAnalysis:
    """What the batch-size sweep shows beyond the noise (every field computed by the rule)."""

    rows: tuple[SweepRow, ...]
    noise: Noise
    rule: str                         # WELCH when every row has ≥ 2 seeds, else SEED_RANGE
    min_seeds: int                    # the fewest seeds of any row
    val_adjacent: tuple[Comparison, ...]
    train_adjacent: tuple[Comparison, ...]
    vivid_adjacent: tuple[Comparison, ...]
    val_extremes: Comparison          # smallest batch vs largest
    train_extremes: Comparison
    val_reversals: int                # neighbouring pairs where the larger batch has the lower loss
    best_val_batch: int
    worst_val_batch: int
    overfit_most: tuple[int, ...]     # batch sizes within the noise of the largest overfit, largest first
    overfit_least: tuple[int, ...]    # … of the smallest, smallest first
    most_vivid_batch: int
    least_vivid_batch: int
    vivid_truth: float                # % of true pixels in the vivid colours
    vivid_above_truth: tuple[int, ...]   # batch sizes whose vivid share exceeds the truth's beyond the noise
    vivid_below_truth: tuple[int, ...]
    vivid_spearman: float             # rank correlation of vivid share with batch size

    @property
    def val_adjacent_beyond(self) -> int:
        return sum(c.beyond_noise for c in self.val_adjacent)

    @property
    def train_adjacent_beyond(self) -> int:
        return sum(c.beyond_noise for c in self.train_adjacent)

    @property
    def vivid_adjacent_beyond(self) -> int:
        return sum(c.beyond_noise for c in self.vivid_adjacent)


def analyse_sweep(runs: Mapping[int, Sequence[dict]], palette: np.ndarray, reference: int,
                  truth_vivid: float | None = None) -> SweepAnalysis:
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
    truth = number("truth_vivid", truth_vivid, minimum=0, maximum=100)   # a share of pixels, in %
    truth_row = spread("truth", [truth])
    vivid_cmp = {r.batch: compare(truth_row, r.vivid, noise.vivid) for r in rows}
    min_seeds = min(r.val_loss.n for r in rows)
    val_adj = adjacent([r.val_loss for r in rows], noise.val_loss)
    means = np.array([r.val_loss.mean for r in rows])
    vivid = np.array([r.vivid.mean for r in rows])
    return SweepAnalysis(
        rows, noise, WELCH if min_seeds >= 2 else SEED_RANGE, min_seeds,
        val_adj,
        adjacent([r.train_loss for r in rows], noise.train_loss),
        adjacent([r.vivid for r in rows], noise.vivid),
        compare(first.val_loss, last.val_loss, noise.val_loss),
        compare(first.train_loss, last.train_loss, noise.train_loss),
        sum(c.difference < 0 for c in val_adj),
        rows[int(means.argmin())].batch, rows[int(means.argmax())].batch,
        near_extreme([r.overfit for r in rows], noise.overfit, largest=True),
        near_extreme([r.overfit for r in rows], noise.overfit, largest=False),
        rows[int(vivid.argmax())].batch, rows[int(vivid.argmin())].batch,
        truth,
        tuple(b for b, c in vivid_cmp.items() if c.beyond_noise and c.difference > 0),
        tuple(b for b, c in vivid_cmp.items() if c.beyond_noise and c.difference < 0),
        spearman([r.batch for r in rows], vivid) if len(rows) > 2 else math.nan)


@dataclass(frozen=True)
class ScaledComparison:
    """The learning-rate-scaled runs: against each other and against the fixed-rate runs."""

    small: int
    large: int
    small_loss: Spread
    large_loss: Spread
    between: Comparison               # large vs small, both with scaled learning rates
    small_vs_fixed: Comparison        # scaled vs fixed rate at the small batch
    large_vs_fixed: Comparison


def compare_scaled(scaled: Mapping[int, Sequence[dict]], fixed: Mapping[int, Sequence[dict]],
                   noise_range: float) -> ScaledComparison:
    """Validation losses of the two learning-rate-scaled batch sizes (``scaled``: batch → seeds' results)."""
    if not isinstance(scaled, Mapping) or len(scaled) != 2:
        raise ValueError(f"scaled must map exactly two batch sizes to results, got {scaled!r:.80}")
    if not isinstance(fixed, Mapping) or not set(scaled) <= set(fixed):
        raise ValueError("fixed must hold the fixed-rate runs of both scaled batch sizes")
    small, large = sorted(scaled)

    def loss(runs, b):
        if isinstance(runs[b], Mapping) or not isinstance(runs[b], Sequence) or not runs[b]:
            raise ValueError(f"the results of batch {b} must be a non-empty sequence")
        return spread(b, [_final(r, "val_loss") for r in runs[b]])

    s, l = loss(scaled, small), loss(scaled, large)
    return ScaledComparison(small, large, s, l, compare(s, l, noise_range),
                            compare(loss(fixed, small), s, noise_range),
                            compare(loss(fixed, large), l, noise_range))


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


def ablations(variants: Mapping[str, Sequence[dict]], full: str, palette: np.ndarray,
              noise: Noise | None = None) -> tuple[AblationRow, ...]:
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

    def row(name, seeds) -> tuple[Spread, Spread, Spread]:
        if isinstance(seeds, Mapping) or not isinstance(seeds, Sequence) or not seeds:
            raise ValueError(f"variants[{name!r}] must be a non-empty sequence of results")
        return (spread(name, [_final(r, "val_loss") for r in seeds]),
                spread(name, [_final(r, "val_accuracy") for r in seeds]),
                spread(name, [colour_evidence(r, palette).vivid_predicted_share for r in seeds]))

    ref = row(full, variants[full])
    if noise is None and ref[0].n < 2:
        raise ValueError(f"noise must be given when {full!r} has one seed")
    loss_noise, acc_noise = ((noise.val_loss, noise.val_accuracy) if noise is not None
                             else (ref[0].range, ref[1].range))
    out = []
    for name, seeds in variants.items():
        loss, acc, viv = row(name, seeds)
        out.append(AblationRow(name, loss, acc, viv, compare(ref[0], loss, loss_noise),
                               compare(ref[1], acc, acc_noise)))
    return tuple(out)


def beyond_noise(rows: Sequence[AblationRow]) -> tuple[str, ...]:
    """The variants of :func:`ablations` whose validation loss or accuracy differs from the full
    one beyond the noise, in row order."""
    rows = sequence("rows", rows, lambda n, r: instance(n, r, AblationRow), min_length=0)
    return tuple(r.name for r in rows
                 if r.loss_vs_full.beyond_noise or r.accuracy_vs_full.beyond_noise)


def gradient_ratio(result: dict, reference: dict, layer: str) -> tuple[float, ...]:
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
            raise ValueError(f"{name} must hold steps and epochs with grad_norms of the layer given "
                             f"(layer={layer!r})") from None
    if per_epoch[0] != per_epoch[1]:
        raise ValueError(f"result and reference must take the same steps per epoch and epochs, got "
                         f"{per_epoch[0]} and {per_epoch[1]}")
    return tuple(float(a["grad_norms"][layer] / b["grad_norms"][layer])
                 for a, b in zip(result["epochs"], reference["epochs"]))


# ---------------------------------------------------------------------------------------------

def _ranks(x: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(x)).astype(float)


def spearman(x, y) -> float:
    """Spearman's rank correlation (no ties expected).

    >>> spearman([1, 2, 3], [10, 20, 15])
    0.5
    """
    x, y = array("x", x, ndim=1, dtype=float), array("y", y, ndim=1, dtype=float)
    if x.shape != y.shape or len(x) < 3:
        raise ValueError(f"x and y must be 1-D sequences of one length ≥ 3, got {x.shape}, {y.shape}")
    rx, ry = _ranks(x), _ranks(y)
    return float(np.corrcoef(rx, ry)[0, 1])
