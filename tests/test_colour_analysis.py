"""solutions.answers.colour_analysis: the noise rule and the colourization analyses.

Every expectation is worked by hand in a comment, on tiny synthetic result dicts;
the last tests pin the stored runs' key numbers by reading results/…/result.json
directly (not through the code under test, except where a share needs the palette).
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from solutions.answers import colour_analysis as ca
from solutions.answers import edge_split

ROOT = Path(__file__).resolve().parents[1]

# A 4-colour palette: black and grey (saturation 0), red and blue (saturation 1).
# Median saturation 0.5, so the vivid colours are 2 and 3.
PALETTE = np.array([[0, 0, 0], [0.5, 0.5, 0.5], [1, 0, 0], [0, 0, 1]], dtype=float)
TARGET = [40.0, 30.0, 20.0, 10.0]  # vivid share of the truth: 20 + 10 = 30 %


def run(val, train, acc, epochs, predicted, steps=100):
    """A result dict as the store keeps it (only the fields the analysis reads)."""
    return {
        "final": {"val_loss": val, "train_loss": train, "val_accuracy": acc},
        "epochs": [{"val_loss": v, "grad_norms": {"l": 1.0}} for v in epochs],
        "steps": steps,
        "per_colour": {"target_share": TARGET, "predicted_share": predicted},
    }


# ---------------------------------------------------------------------------------------------
# Spread, Welch, the rule.


def test_spread_of_four_values():
    s = ca.spread(7, [1, 2, 3, 6])
    # mean 12/4 = 3; deviations −2, −1, 0, 3 → squares 14; sd = √(14/3) = 2.1602
    assert (s.setting, s.n, s.mean, s.low, s.high, s.range) == (7, 4, 3.0, 1.0, 6.0, 5.0)
    assert s.sd == pytest.approx(2.1602, abs=1e-4)
    assert math.isnan(ca.spread(7, [1.0]).sd)


def test_welch_by_hand():
    # [0, 2] and [4, 6]: means 1 and 5, s² = 2 each, s²/n = 1 each → t = 4/√2 = 2.8284,
    # df = (1 + 1)² / (1²/1 + 1²/1) = 2. With 2 df, P(T > t) = ½(1 − t/√(t² + 2)):
    # t² = 8, t/√10 = 0.89443 → ½ · 0.10557 = 0.052786, two-sided p = 0.10557.
    t, df, p = ca.welch(ca.spread("a", [0, 2]), ca.spread("b", [4, 6]))
    assert t == pytest.approx(2.8284, abs=1e-4) and df == pytest.approx(2.0)
    assert p == pytest.approx(0.10557, abs=1e-5)


def test_the_rule_uses_welch_with_two_seeds_each_and_the_range_otherwise():
    # Welch: difference 4 far above a range of 1, yet p = 0.106 (above) > 0.05: not established.
    c = ca.compare(ca.spread("a", [0, 2]), ca.spread("b", [4, 6]), noise_range=1.0)
    assert (c.rule, c.difference, c.beyond_noise, c.verdict) == (ca.WELCH, 4.0, False, ca.WITHIN)
    # [0, 0.2] vs [4, 4.2]: s²/n = 0.01 each, t = 4/√0.02 = 28.284, df 2;
    # P(T > t) = ½(1 − 28.284/√802) = ½(1 − 0.998754) = 0.000623 → p = 0.00125 < 0.05.
    c = ca.compare(ca.spread("a", [0, 0.2]), ca.spread("b", [4, 4.2]), noise_range=10.0)
    assert c.beyond_noise and c.p_value == pytest.approx(0.00125, abs=2e-5)
    # One seed: 1.34 − 1.30 = 0.04 against the range: beyond 0.03, within 0.05.
    one, other = ca.spread(5, [1.30]), ca.spread(10, [1.34])
    assert ca.compare(one, other, 0.03).beyond_noise
    c = ca.compare(one, other, 0.05)
    assert (c.rule, c.beyond_noise, c.verdict) == (ca.SEED_RANGE, False, ca.WITHIN)
    assert math.isnan(c.p_value) and c.difference == pytest.approx(0.04)
    # A setting with seeds against one without: the range rule (Welch needs ≥ 2 on each side).
    assert ca.compare(ca.spread(1, [1.0, 1.1]), one, 0.1).rule == ca.SEED_RANGE


def test_welch_with_no_spread():
    same = ca.welch(ca.spread(1, [2, 2]), ca.spread(2, [2, 2]))
    assert same[0] == 0.0 and same[2] == 1.0
    assert ca.welch(ca.spread(1, [2, 2]), ca.spread(2, [3, 3]))[2] == 0.0


def test_seed_range_and_near_extreme():
    # the stored batch-100 seeds: 1.4154 − 1.3847 = 0.0307
    assert ca.seed_range([1.4154, 1.3847, 1.4053]) == pytest.approx(0.0307)
    rows = [ca.spread(5, [0.03]), ca.spread(10, [0.04]), ca.spread(500, [0.0])]
    # largest 0.04 (batch 10); 5 is 0.01 below (within 0.02); 500 is 0.04 below (beyond)
    assert ca.near_extreme(rows, 0.02) == (10, 5)
    # smallest 0 (batch 500); 5 is 0.03 above, 10 is 0.04 above: both beyond 0.02
    assert ca.near_extreme(rows, 0.02, largest=False) == (500,)
    assert ca.near_extreme(rows, 0.035, largest=False) == (500, 5)


def test_reversals_are_the_falling_neighbours():
    # the 2020 table: 1.3803 at batch 50, 1.3236 at batch 100 → a fall of 0.0567, beyond 0.0307
    rows = [ca.spread(20, [1.2859]), ca.spread(50, [1.3803]), ca.spread(100, [1.3236]), ca.spread(200, [1.4076])]
    (r,) = ca.reversals(rows, 0.0307)
    assert (r.first, r.second, r.beyond_noise) == (50, 100, True)
    assert r.difference == pytest.approx(-0.0567)
    assert not ca.reversals(rows, 0.06)[0].beyond_noise


def test_overfit_is_final_minus_best():
    # best 1.2, final 1.3 → 0.1; a run still improving → 0
    assert ca.overfit({"epochs": [{"val_loss": 1.5}, {"val_loss": 1.2}, {"val_loss": 1.3}]}) == pytest.approx(0.1)
    assert ca.overfit({"epochs": [{"val_loss": 1.5}, {"val_loss": 1.2}]}) == 0.0


# ---------------------------------------------------------------------------------------------
# 2(d): the sweep.


def sweep(seeds_everywhere=False):
    """Batch 10 and 500 with one seed (two with ``seeds_everywhere``), batch 100 with three."""
    runs = {
        # val 1.20, train 1.00; epochs 1.30, 1.15, 1.20 → overfit 0.05; vivid 25 + 15 = 40 %
        10: [run(1.20, 1.00, 50.0, [1.30, 1.15, 1.20], [30, 30, 25, 15], steps=1000)],
        # vals 1.30, 1.32, 1.34 (range 0.04, mean 1.32); trains 1.10–1.12 (range 0.02);
        # overfit 0 (1.40 → 1.30), 0.02 (1.30 → 1.32), 0.03 (1.31 → 1.34): range 0.03, mean 0.01667;
        # vivid 14 + 10 = 24, 25, 26 → range 2, mean 25
        100: [
            run(1.30, 1.10, 45.0, [1.40, 1.30], [46, 30, 14, 10]),
            run(1.32, 1.11, 46.0, [1.30, 1.32], [45, 30, 15, 10]),
            run(1.34, 1.12, 47.0, [1.31, 1.34], [44, 30, 16, 10]),
        ],
        # val 1.50, train 1.45, overfit 0; vivid 30 + 30 = 60 %
        500: [run(1.50, 1.45, 40.0, [1.60, 1.50], [20, 20, 30, 30], steps=20)],
    }
    if seeds_everywhere:
        runs[10].append(run(1.22, 1.01, 50.5, [1.30, 1.22], [30, 30, 25, 15], steps=1000))
        runs[500].append(run(1.52, 1.46, 40.5, [1.60, 1.52], [20, 20, 30, 30], steps=20))
    return runs


def test_sweep_with_one_seed_per_batch_uses_the_seed_range_at_the_reference():
    a = ca.analyse_sweep(sweep(), PALETTE, reference=100)
    assert (a.rule, a.min_seeds) == (ca.SEED_RANGE, 1)
    n = a.noise
    assert (n.reference, n.seeds) == (100, 3)
    assert n.val_loss == pytest.approx(0.04) and n.train_loss == pytest.approx(0.02)
    assert n.val_accuracy == pytest.approx(2.0) and n.overfit == pytest.approx(0.03)
    assert n.vivid == pytest.approx(2.0)
    # rows: batch 100 is the mean of its seeds, with min–max
    r100 = a.rows[1]
    assert (r100.batch, r100.steps, r100.val_loss.n) == (100, 100, 3)
    assert r100.val_loss.mean == pytest.approx(1.32)
    assert (r100.val_loss.low, r100.val_loss.high) == (1.30, 1.34)
    # validation loss: 1.32 − 1.20 = 0.12 and 1.50 − 1.32 = 0.18, both above 0.04
    assert [c.difference for c in a.val_adjacent] == pytest.approx([0.12, 0.18])
    assert a.val_adjacent_beyond == 2 and a.val_reversals == 0
    # training loss: 1.11 − 1.00 = 0.11, 1.45 − 1.11 = 0.34, above 0.02
    assert a.train_adjacent_beyond == 2
    assert a.val_extremes.difference == pytest.approx(0.30) and a.val_extremes.beyond_noise
    assert a.train_extremes.difference == pytest.approx(0.45)
    assert (a.best_val_batch, a.worst_val_batch) == (10, 500)
    # overfit 0.05 (10), 0.01667 (100), 0 (500), noise 0.03:
    # largest 10; 100 is 0.0333 below (beyond), 500 0.05 below → (10,)
    # smallest 500; 100 is 0.0167 above (within), 10 0.05 above (beyond) → (500, 100)
    assert a.overfit_most == (10,) and a.overfit_least == (500, 100)
    # vivid 40, 25, 60 against the truth's 30 with noise 2: 10 and 500 above, 100 below
    assert [c.difference for c in a.vivid_adjacent] == pytest.approx([-15, 35])
    assert a.vivid_adjacent_beyond == 2
    assert a.vivid_truth == pytest.approx(30.0)
    assert (a.most_vivid_batch, a.least_vivid_batch) == (500, 100)
    assert a.vivid_above_truth == (10, 500) and a.vivid_below_truth == (100,)
    # ranks of vivid (40, 25, 60) = 1, 0, 2 against 0, 1, 2: Σd² = 2, ρ = 1 − 6·2/(3·8) = 0.5
    assert a.vivid_spearman == pytest.approx(0.5)


def test_sweep_with_seeds_everywhere_uses_welch_and_reports_min_max():
    a = ca.analyse_sweep(sweep(seeds_everywhere=True), PALETTE, reference=100)
    assert (a.rule, a.min_seeds) == (ca.WELCH, 2)
    r10 = a.rows[0]
    assert r10.val_loss.mean == pytest.approx(1.21)
    assert (r10.val_loss.low, r10.val_loss.high) == (1.20, 1.22)
    c = a.val_adjacent[0]
    # batch 10: [1.20, 1.22], s² = 0.0002, s²/n = 0.0001; batch 100: s² = 0.0004, s²/n = 0.000133;
    # t = 0.11/√0.000233 = 7.20, df = 0.000233²/(0.0001²/1 + 0.000133²/2) = 2.88.
    # Even at 2 df the 5 % critical value is 4.30 < 7.20, so p < 0.05.
    assert c.rule == ca.WELCH and c.beyond_noise and c.p_value < 0.05
    t, df, _ = ca.welch(a.rows[0].val_loss, a.rows[1].val_loss)
    assert t == pytest.approx(7.20, abs=0.01) and df == pytest.approx(2.88, abs=0.01)


def test_a_small_fall_counts_as_a_reversal_and_two_rows_have_no_rank_correlation():
    runs = sweep()
    # batch 500 now ends 0.02 below batch 100 (1.30 against 1.32): a fall, however small, is a reversal
    runs[500] = [run(1.30, 1.45, 40.0, [1.60, 1.30], [20, 20, 30, 30], steps=20)]
    a = ca.analyse_sweep(runs, PALETTE, reference=100)
    assert [c.difference for c in a.val_adjacent] == pytest.approx([0.12, -0.02])
    assert a.val_reversals == 1
    # with 3 rows the vivid shares 40, 25, 60 rank 2, 1, 3 against 1, 2, 3: ρ = 1 − 6·(1+1+0)/(3·8) = 0.5
    assert a.vivid_spearman == pytest.approx(0.5)
    # with 2 rows a rank correlation says nothing: nan, not ±1
    two = ca.analyse_sweep({100: runs[100], 500: runs[500]}, PALETTE, reference=100)
    assert math.isnan(two.vivid_spearman)


def test_scaled_comparison():
    scaled = {10: [run(1.40, 1.3, 47.0, [1.4], TARGET)], 500: [run(1.37, 1.3, 48.0, [1.37], TARGET)]}
    fixed = {10: [run(1.30, 1.1, 51.0, [1.3], TARGET)], 500: [run(1.55, 1.5, 41.0, [1.55], TARGET)]}
    s = ca.compare_scaled(scaled, fixed, noise_range=0.0307)
    # 1.37 − 1.40 = −0.03, |−0.03| < 0.0307: within; 1.40 − 1.30 = +0.10 and 1.37 − 1.55 = −0.18: beyond
    assert (s.small, s.large) == (10, 500)
    assert s.between.difference == pytest.approx(-0.03) and not s.between.beyond_noise
    assert s.small_vs_fixed.difference == pytest.approx(0.10) and s.small_vs_fixed.beyond_noise
    assert s.large_vs_fixed.difference == pytest.approx(-0.18) and s.large_vs_fixed.beyond_noise


# ---------------------------------------------------------------------------------------------
# Colours, edges, ablations, gradients.


def test_colour_evidence_by_hand():
    e = ca.colour_evidence(run(1, 1, 1, [1], [50, 30, 15, 5]), PALETTE)
    # excess = predicted − target = 10, 0, −5, −5: over colour 0, under colour 2 (first of the ties)
    assert (e.over_colour, e.over_predicted_share, e.over_target_share) == (0, 50.0, 40.0)
    assert (e.under_colour, e.under_predicted_share, e.under_target_share) == (2, 15.0, 20.0)
    # vivid colours 2, 3: truth 30 %, predicted 20 %; top 3: 50 + 30 + 15 = 95 vs 40 + 30 + 20 = 90
    assert (e.vivid_colours, e.vivid_target_share, e.vivid_predicted_share) == (2, 30.0, 20.0)
    assert (e.top3_predicted_share, e.top3_target_share) == (95.0, 90.0)
    # mean saturation = vivid share / 100 (saturation 1 there, 0 elsewhere)
    assert e.saturation_predicted == pytest.approx(0.20) and e.saturation_target == pytest.approx(0.30)


def test_edge_strength_and_accuracy_by_edges():
    grey = np.zeros((1, 4, 4))
    grey[0, :, 2:] = 1.0  # a vertical edge between columns 1 and 2
    e = edge_split.edge_strength(grey)
    # interior pixels (1..2, 1..2): (x[j+1] − x[j−1])/2 = (1 − 0)/2 = 0.5; ring 0
    assert e[0, 1:3, 1:3].tolist() == [[0.5, 0.5], [0.5, 0.5]] and e[0, 0].sum() == 0
    target = np.zeros((1, 4, 4), dtype=int)
    predicted = target.copy()
    predicted[0, 1, 1] = 1  # one edge pixel wrong
    acc = edge_split.accuracy_by_edges("m", predicted, target, grey)
    # 12 of 16 pixels have strength 0 (≤ the lower quartile 0); the 4 with 0.5 exceed the
    # upper quartile (the 75th percentile of twelve 0s and four 0.5s is 0.125 by interpolation):
    # flat 12/12 right = 100 %, edge 3/4 = 75 %, overall 15/16 = 93.75 %
    assert (acc.model, acc.overall, acc.flat, acc.edge) == ("m", 93.75, 100.0, 75.0)


def test_ablations_against_the_full_unet():
    noise = ca.Noise(100, 3, val_loss=0.03, train_loss=0.01, val_accuracy=1.0, overfit=0.03, vivid=1.0)
    variants = {
        "unet": [run(1.40, 1.2, 48.0, [1.4], [40, 30, 20, 10])],
        "no input skip": [run(1.42, 1.2, 47.5, [1.42], [40, 30, 20, 10])],
        "no encoder skips": [run(1.55, 1.4, 42.0, [1.55], [50, 30, 15, 5])],
    }
    rows = ca.ablations(variants, "unet", PALETTE, noise)
    assert [r.name for r in rows] == ["unet", "no input skip", "no encoder skips"]
    # +0.02 loss, −0.5 points: within 0.03 and 1.0; +0.15 and −6 points: beyond
    assert not rows[1].loss_vs_full.beyond_noise and not rows[1].accuracy_vs_full.beyond_noise
    assert rows[2].loss_vs_full.difference == pytest.approx(0.15) and rows[2].loss_vs_full.beyond_noise
    assert rows[2].accuracy_vs_full.difference == pytest.approx(-6.0)
    assert rows[2].vivid.mean == pytest.approx(20.0)  # 15 + 5
    assert ca.beyond_noise(rows) == ("no encoder skips",)


def test_ablations_without_noise_use_welch_over_the_seeds():
    # As 1(d)'s trained table: three seeds per variant, no Noise given.
    P = [40, 30, 20, 10]

    def seeds(*losses):
        return [run(v, 1.2, 50.0, [v], P) for v in losses]

    rows = ca.ablations(
        {"x": seeds(1.40, 1.41, 1.42), "far": seeds(1.50, 1.51, 1.52), "near": seeds(1.40, 1.42, 1.44)}, "x", PALETTE
    )
    far, near = rows[1].loss_vs_full, rows[2].loss_vs_full
    # far: diff 0.10, sd 0.01 each, se = √(2·0.0001/3) = 0.008165, t = 12.25 on 4 df: p ≈ 0.00026
    assert far.rule == ca.WELCH and far.difference == pytest.approx(0.10) and far.beyond_noise
    assert far.p_value == pytest.approx(0.00026, abs=0.00002)
    # near: diff 0.01, sds 0.01 and 0.02, se = √(0.0001/3 + 0.0004/3) = 0.01291, t = 0.775 on
    # 2.94 Welch df: p ≈ 0.50, within
    assert near.difference == pytest.approx(0.01) and not near.beyond_noise
    assert near.p_value == pytest.approx(0.50, abs=0.02)
    with pytest.raises(ValueError, match="^noise must be given when 'x' has one seed"):
        ca.ablations({"x": seeds(1.40), "far": seeds(1.5)}, "x", PALETTE)


def test_gradient_ratio_at_matched_steps():
    a = {"steps": 4, "epochs": [{"grad_norms": {"l": 2.0}}, {"grad_norms": {"l": 3.0}}]}
    b = {"steps": 4, "epochs": [{"grad_norms": {"l": 1.0}}, {"grad_norms": {"l": 6.0}}]}
    assert ca.gradient_ratio(a, b, "l") == (2.0, 0.5)  # 2/1, 3/6
    with pytest.raises(ValueError, match="same steps per epoch"):
        ca.gradient_ratio(a, {**b, "steps": 8}, "l")


# ---------------------------------------------------------------------------------------------
# Faults: a ValueError naming the parameter.


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ca.spread(1, []), "values"),
        (lambda: ca.spread(1, [1.0, float("nan")]), "values"),
        (lambda: ca.spread(1, "12"), "values"),
        (lambda: ca.welch(ca.spread(1, [1.0]), ca.spread(2, [1.0, 2.0])), "first"),
        (lambda: ca.compare(1.0, ca.spread(2, [1.0]), 0.1), "first"),
        (lambda: ca.compare(ca.spread(1, [1.0]), ca.spread(2, [1.0]), -0.1), "noise_range"),
        (lambda: ca.compare(ca.spread(1, [1.0]), ca.spread(2, [1.0]), 0.1, alpha=1.5), "alpha"),
        (lambda: ca.adjacent([ca.spread(1, [1.0])], 0.1), "rows"),
        (lambda: ca.near_extreme([], 0.1), "rows"),
        (lambda: ca.seed_range([1.0]), "values"),
        (lambda: ca.overfit({"epochs": []}), "result"),
        (lambda: ca.colour_evidence(run(1, 1, 1, [1], [1, 2, 3, 4]), PALETTE[:, :2]), "palette"),
        (lambda: ca.colour_evidence({"per_colour": {}}, PALETTE), "result"),
        (lambda: ca.colour_evidence(run(1, 1, 1, [1], [1, 2, 3]), PALETTE), "result"),
        (lambda: ca.sweep_rows({}, PALETTE), "runs"),
        (lambda: ca.sweep_rows({0: [run(1, 1, 1, [1], TARGET)]}, PALETTE), "batch size"),
        (lambda: ca.sweep_rows({10: []}, PALETTE), "runs"),
        (lambda: ca.analyse_sweep(sweep(), PALETTE, reference=10), "reference"),
        (lambda: ca.analyse_sweep(sweep(), PALETTE, reference=7), "reference"),
        (lambda: ca.analyse_sweep({100: sweep()[100]}, PALETTE, reference=100), "runs"),
        (lambda: ca.compare_scaled({10: []}, {}, 0.1), "scaled"),
        (lambda: ca.compare_scaled({10: [], 500: []}, {10: []}, 0.1), "fixed"),
        (lambda: edge_split.edge_strength(np.zeros((2, 2))), "grey"),
        (
            lambda: edge_split.accuracy_by_edges("m", np.zeros((1, 3, 3)), np.zeros((1, 3, 4)), np.zeros((1, 3, 3))),
            "predicted",
        ),
        (lambda: ca.ablations({"a": []}, "unet", PALETTE, None), "full"),
        (lambda: ca.ablations({"unet": []}, "unet", PALETTE, "noise"), "noise"),
        (lambda: ca.gradient_ratio({}, {}, "l"), "result"),
        (lambda: ca.beyond_noise(["row"]), "rows"),
        (lambda: ca.spearman([1, 2], [1, 2]), "x and y"),
    ],
)
def test_faults_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ---------------------------------------------------------------------------------------------
# The stored runs the pages quote, read straight from results/.


def stored(
    model="unet",
    batch_size=100,
    learning_rate=0.001,
    seed=0,
    epochs=25,
    input_scale=1.0,
    input_shift=0.0,
    unet_skips="all",
):
    want = {
        "model": model,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "seed": seed,
        "epochs": epochs,
        "input_scale": input_scale,
        "input_shift": input_shift,
        "unet_skips": unet_skips,
        "precision": "fp32",
    }
    found = [json.loads(p.read_text()) for p in (ROOT / "results" / "colour").glob("*/result.json")]
    # runs stored before a field existed lack it in result.json: they had its default
    defaults = {"epochs": 25, "input_scale": 1.0, "input_shift": 0.0, "unet_skips": "all", "precision": "fp32"}
    found = [r for r in found if all(r["config"].get(k, defaults.get(k)) == v for k, v in want.items())]
    assert len(found) == 1, (want, len(found))
    return found[0]


def test_stored_sweep_val_losses_and_seed_range():
    # the 2(d) table's final validation losses, batch 5 … 500 (seed 0)
    expected = {5: 1.2785, 10: 1.3127, 20: 1.3321, 50: 1.4017, 100: 1.4177, 200: 1.4820, 500: 1.5410}
    for batch, loss in expected.items():
        assert stored(batch_size=batch)["final"]["val_loss"] == pytest.approx(loss, abs=5e-5)
    seeds = [stored(seed=s)["final"]["val_loss"] for s in (0, 1, 2)]
    assert seeds == pytest.approx([1.4177, 1.4014, 1.3691], abs=5e-5)
    # range 1.4177 − 1.3691 = 0.0486; the learning-rate-scaled pair 1.3983 − 1.3953 = 0.0030 < 0.0486
    s10 = stored(batch_size=10, learning_rate=0.0001)["final"]["val_loss"]
    s500 = stored(batch_size=500, learning_rate=0.005)["final"]["val_loss"]
    assert (s10, s500) == pytest.approx((1.3983, 1.3953), abs=5e-5)
    assert abs(s10 - s500) < max(seeds) - min(seeds)


def test_stored_ablations_and_transformed_runs():
    # 2(c): final validation losses of the UNet without its encoder skips, seeds 0, 1, 2: mean
    # (1.6064 + 1.6051 + 1.6038)/3 = 1.6051, 0.2090 above the full UNet's (1.4177 + 1.4014 +
    # 1.3691)/3 = 1.3961, with seed ranges 0.0026 and 0.0486: far beyond; without the raw-input
    # skip 1.4092, 1.4178, 1.4078: mean 1.4116, 0.0155 above, inside the full UNet's range
    no_encoder = [stored(unet_skips="no_encoder", seed=s)["final"]["val_loss"] for s in (0, 1, 2)]
    no_input = [stored(unet_skips="no_input", seed=s)["final"]["val_loss"] for s in (0, 1, 2)]
    assert no_encoder == pytest.approx([1.6064, 1.6051, 1.6038], abs=5e-5)
    assert no_input == pytest.approx([1.4092, 1.4178, 1.4078], abs=5e-5)
    rows = ca.ablations(
        {
            "all": [stored(seed=s) for s in (0, 1, 2)],
            "no_input": [stored(unet_skips="no_input", seed=s) for s in (0, 1, 2)],
            "no_encoder": [stored(unet_skips="no_encoder", seed=s) for s in (0, 1, 2)],
        },
        "all",
        _stored_palette(),
    )
    assert rows[2].loss_vs_full.difference == pytest.approx(0.2090, abs=1e-4)
    assert rows[2].loss_vs_full.beyond_noise and not rows[1].loss_vs_full.beyond_noise
    # 1(d): the UNet trained 10 epochs on 1 − x against x itself, seeds 0, 1, 2
    inverted = [stored(epochs=10, input_scale=-1.0, input_shift=1.0, seed=s)["final"]["val_loss"] for s in (0, 1, 2)]
    plain = [stored(epochs=10, seed=s)["final"]["val_loss"] for s in (0, 1, 2)]
    assert inverted == pytest.approx([1.4557, 1.4522, 1.4595], abs=5e-5)
    assert plain == pytest.approx([1.4684, 1.4617, 1.4621], abs=5e-5)


def _stored_palette() -> np.ndarray:
    return np.array(json.loads(next((ROOT / "results" / "cifar-palette").glob("*/result.json")).read_text())["palette"])


def test_stored_vivid_shares_of_cnn_unet_and_truth():
    palette = np.array(
        json.loads(next((ROOT / "results" / "cifar-palette").glob("*/result.json")).read_text())["palette"]
    )
    cnn = ca.colour_evidence(stored(model="cnn"), palette)
    unet = ca.colour_evidence(stored(), palette)
    # issue 14: vivid pixels, truth 38.0 %, CNN 30.4 %, UNet 20.9 % (retrained 2026-11-30; were 32.1, 21.3)
    assert cnn.vivid_target_share == pytest.approx(38.0, abs=0.05)
    assert cnn.vivid_predicted_share == pytest.approx(30.4, abs=0.05)
    assert unet.vivid_predicted_share == pytest.approx(20.9, abs=0.05)


def test_seed_range_of_the_fewest_seeds_it_accepts():
    # two seeds are enough: 1.5 − 1.25 = 0.25 (exact in binary)
    assert ca.seed_range([1.5, 1.25]) == 0.25


@pytest.mark.parametrize(
    "call, message",
    [
        # one batch size where two are needed, though `fixed` holds it: refused for `scaled` itself
        (lambda: ca.compare_scaled({10: []}, {10: []}, 0.1), r"^scaled must map exactly two"),
        # a variant with no seeds at all (an empty list is a Sequence, but not a non-empty one)
        (
            lambda: ca.ablations(
                {"unet": []},
                "unet",
                PALETTE,
                ca.Noise(100, 3, val_loss=0.03, train_loss=0.01, val_accuracy=1.0, overfit=0.03, vivid=1.0),
            ),
            r"^variants\['unet'\] must be a non-empty sequence",
        ),
    ],
)
def test_faults_are_caught_by_their_own_check(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_welch_with_no_spread_has_the_pooled_degrees_of_freedom():
    # no spread on either side: df = n₁ + n₂ − 2 = 2 + 3 − 2 = 3
    assert ca.welch(ca.spread(1, [2, 2]), ca.spread(2, [3, 3, 3]))[1] == 3.0


def test_gradient_ratio_refuses_runs_without_epochs():
    # steps per epoch = steps / 0 epochs is undefined: refused, not an empty ratio
    empty = {"steps": 4, "epochs": []}
    with pytest.raises(ValueError, match="^result must hold steps and epochs"):
        ca.gradient_ratio(empty, empty, "conv1")


def test_spread_of_one_value_has_no_sd_and_no_warning():
    # one seed: the sample sd (ddof 1) is undefined; it is nan without numpy's
    # "Degrees of freedom <= 0" RuntimeWarning
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = ca.spread(1, [1.5])
    assert math.isnan(s.sd) and s.n == 1


# ---------------------------------------------------------------------------------------------
# Added for the words of 1(b) and 2(d): pooled seed spread, two single runs, over-prediction, edges.


def test_pooled_sd_weights_each_setting_by_its_degrees_of_freedom():
    from solutions.answers.colour_analysis import pooled_sd, spread

    # variances: [1, 3] → 2 (1 df); [2, 4, 6] → 4 (2 df); pooled (2 + 8) / 3 = 10/3; [7] adds nothing
    sd, df = pooled_sd([spread(5, [1.0, 3.0]), spread(10, [2.0, 4.0, 6.0]), spread(20, [7.0])])
    assert df == 3 and sd**2 == pytest.approx(10 / 3)
    with pytest.raises(ValueError, match="2 or more"):
        pooled_sd([spread(5, [1.0])])


def test_two_single_runs_against_the_pooled_spread():
    from solutions.answers.colour_analysis import POOLED, single_runs, spread

    # d = 0.1, sd = 0.05: t = 0.1 / (0.05·√2) = 1.4142; with 2 df, p = 2·(1 − F(1.4142)) = 0.2929
    c = single_runs(spread(1, [1.0]), spread(2, [1.1]), sd=0.05, df=2)
    assert c.rule == POOLED and c.p_value == pytest.approx(0.2929, abs=1e-4) and not c.beyond_noise
    # d = 0.5: t = 7.0711, p = 0.0194 < 0.05
    assert single_runs(spread(1, [1.0]), spread(2, [1.5]), sd=0.05, df=2).beyond_noise
    with pytest.raises(ValueError, match="first"):
        single_runs(spread(1, [1.0, 2.0]), spread(2, [1.5]), sd=0.05, df=2)
    with pytest.raises(ValueError, match="sd"):
        single_runs(spread(1, [1.0]), spread(2, [1.5]), sd=0.0, df=2)


def test_over_prediction_follows_frequency_or_saturation():
    from solutions.answers.colour_analysis import over_prediction

    palette = [[0.5, 0.5, 0.5], [0.9, 0.1, 0.1], [0.6, 0.3, 0.3], [0.2, 0.2, 0.6]]
    # saturations 0, 0.8, 0.3, 0.4; true shares 40, 30, 20, 10; excess +10, 0, −4, −6:
    # excess ranks follow the true shares exactly (ρ = 1); against saturation the ranks are
    # (4, 3, 2, 1) vs (1, 4, 2, 3): d² = 9 + 1 + 0 + 4 = 14, ρ = 1 − 6·14/(4·15) = −0.4
    r = {"per_colour": {"target_share": [40.0, 30.0, 20.0, 10.0], "predicted_share": [50.0, 30.0, 16.0, 4.0]}}
    freq, sat = over_prediction(r, palette)
    assert freq == pytest.approx(1.0) and sat == pytest.approx(-0.4)


def test_vivid_colours_are_those_above_the_median_saturation():
    from solutions.answers.colour_analysis import vivid_colours

    # saturations 0.4, 0.0, 0.8, 0.2: median 0.3, vivid the first and the third
    mask, median = vivid_colours([[0.5, 0.2, 0.1], [0.3, 0.3, 0.3], [0.9, 0.1, 0.1], [0.4, 0.3, 0.2]])
    assert mask.tolist() == [True, False, True, False] and median == pytest.approx(0.3)


def test_edge_accuracy_per_run_uses_one_split_for_every_run():
    from solutions.answers.colour_analysis import edge_accuracy_per_run

    grey = np.zeros((1, 4, 4))
    grey[0, :, 2:] = 1.0  # a vertical edge: the inner pixels of columns 1 and 2 are the edge
    target = np.zeros((1, 4, 4), dtype=int)
    wrong_on_edge = target.copy()
    wrong_on_edge[0, 1:3, 1:3] = 1
    found = edge_accuracy_per_run({5: [target, wrong_on_edge]}, target, grey)
    assert [a.edge for a in found[5]] == [100.0, 0.0]
    assert [a.flat for a in found[5]] == [100.0, 100.0]
    with pytest.raises(ValueError, match="runs"):
        edge_accuracy_per_run({}, target, grey)


def test_shares_palettes_and_scaled_runs_of_the_wrong_size_are_refused():
    with pytest.raises(ValueError, match="palette"):  # four columns, not RGB
        ca.colour_evidence(run(1, 1, 1, [1], TARGET), np.hstack([PALETTE, np.zeros((4, 1))]))
    longer = run(1, 1, 1, [1], TARGET)
    longer["per_colour"]["target_share"] = TARGET + [0.0]  # five shares for four colours
    with pytest.raises(ValueError, match="result"):
        ca.colour_evidence(longer, PALETTE)
    three = {b: [run(1.3, 1.1, 45.0, [1.3], TARGET)] for b in (10, 100, 500)}
    with pytest.raises(ValueError, match="scaled"):
        ca.compare_scaled(three, three, 0.1)
    with pytest.raises(ValueError, match="the results of batch 10 must be a non-empty sequence"):
        ca.compare_scaled({10: [], 500: three[500]}, three, 0.1)


def test_a_small_vivid_shortfall_beyond_a_small_noise_counts_as_below_the_truth():
    runs = sweep()
    # batch 100's vivid shares 24.0, 24.1, 24.2: noise 0.2; batch 10 at 19.5 + 10 = 29.5,
    # 0.5 below the truth's 30 and beyond 0.2; batch 100 (24.1) below too, 500 (60) above
    runs[100] = [run(1.30 + i / 100, 1.10, 45.0, [1.40, 1.30], [46 - i / 10, 30, 14 + i / 10, 10]) for i in range(3)]
    runs[10] = [run(1.20, 1.00, 50.0, [1.30, 1.15, 1.20], [30, 40.5, 19.5, 10], steps=1000)]
    a = ca.analyse_sweep(runs, PALETTE, reference=100)
    assert a.noise.vivid == pytest.approx(0.2)
    assert a.vivid_below_truth == (10, 100) and a.vivid_above_truth == (500,)


def test_gradient_ratios_need_the_same_epochs_either_way_round():
    longer = {"steps": 300, "epochs": [{"grad_norms": {"l": 1.0}}] * 3}  # 100 steps an epoch, 3 epochs
    shorter = {"steps": 200, "epochs": [{"grad_norms": {"l": 1.0}}] * 2}  # 100 steps an epoch, 2 epochs
    with pytest.raises(ValueError, match=r"got \(100\.0, 3\) and \(100\.0, 2\)"):
        ca.gradient_ratio(longer, shorter, "l")
