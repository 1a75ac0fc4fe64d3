"""Does bf16 change an answer (solutions.answers.precision_effect)? Pinned on fabricated results
worked by hand (the page module: tests/test_precision_page.py)."""

import math

import numpy as np
import pytest

from solutions.answers import colour_analysis as ca
from solutions.answers import precision_effect as pe

# Four colours: black, white (saturation 0), red, green (saturation 1): the vivid ones are 2 and 3.
PALETTE = np.array([[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0]], dtype=float)


def result(val=1.2, acc=50.0, train=None, shares=(40, 20, 25, 15), val_curve=None, steps=50, seconds=100.0):
    """A stored run as training.summarise writes it (the fields the analysis reads)."""
    curve = list(val_curve) if val_curve is not None else [val]
    return {
        "steps": steps,
        "epochs": [{"val_loss": v} for v in curve],
        "final": {
            "val_loss": val,
            "val_accuracy": acc,
            "train_loss": val if train is None else train,
            "seconds": seconds,
        },
        "per_colour": {"target_share": [25.0] * 4, "predicted_share": [float(s) for s in shares]},
    }


NOISE = ca.Noise(reference=100, seeds=3, val_loss=0.03, train_loss=0.02, val_accuracy=1.0, overfit=0.01, vivid=2.0)


def test_measures_of_one_run_by_hand():
    r = result(val=1.25, acc=50.0, shares=(40, 20, 25, 15), val_curve=(1.5, 1.2, 1.25))
    assert pe.measure(r, "val_loss", PALETTE) == 1.25
    assert pe.measure(r, "val_accuracy", PALETTE) == 50.0
    assert pe.measure(r, "vivid", PALETTE) == 40.0  # colours 2 and 3 are the vivid ones: 25 + 15
    assert pe.measure(r, "overfit", PALETTE) == pytest.approx(0.05)  # 1.25 − min(1.5, 1.2, 1.25)
    with pytest.raises(ValueError, match="name must be one of .val_loss."):
        pe.measure(r, "train_loss", PALETTE)


def test_a_row_by_welch_when_both_sides_have_seeds():
    fp32 = [result(val=v, seconds=300) for v in (1.0, 1.1, 1.2)]
    same = pe.compare_row(5, fp32, [result(val=v, seconds=150) for v in (1.0, 1.1, 1.2)], PALETTE, NOISE)
    assert [c.measure for c in same.checks] == list(pe.MEASURES)
    loss = same.checks[0]
    assert loss.comparison.rule == ca.WELCH and loss.comparison.difference == 0
    assert loss.comparison.p_value == 1.0 and not loss.beyond_noise
    assert same.beyond_noise == () and same.speedup == 2.0
    # bf16 one whole unit higher, sd 0.1 on each side: t = 1 / √(0.01/3 + 0.01/3) = 12.25, df = 4
    moved = pe.compare_row(5, fp32, [result(val=v) for v in (2.0, 2.1, 2.2)], PALETTE, NOISE)
    cmp = moved.checks[0].comparison
    assert cmp.difference == pytest.approx(1.0) and cmp.p_value < 0.001 and moved.beyond_noise == ("val_loss",)


def test_a_row_with_one_seed_is_judged_against_the_reference_seed_range():
    fp32, bf16 = [result(val=1.30, acc=50.0)], [result(val=1.34, acc=50.5)]
    row = pe.compare_row("CNN", fp32, bf16, PALETTE, NOISE)
    loss, acc = row.checks[0].comparison, row.checks[1].comparison
    assert loss.rule == ca.SEED_RANGE and loss.noise_range == 0.03 and loss.beyond_noise  # 0.04 > 0.03
    assert acc.noise_range == 1.0 and not acc.beyond_noise  # 0.5 < 1.0
    assert math.isnan(loss.p_value)


def test_a_row_refuses_what_it_cannot_compare():
    with pytest.raises(ValueError, match="noise must be a Noise"):
        pe.compare_row(5, [result()], [result()], PALETTE, 0.03)
    with pytest.raises(ValueError, match="bf16 must hold at least 1 item"):
        pe.compare_row(5, [result()], [], PALETTE, NOISE)
    with pytest.raises(ValueError, match="fp32 must be a sequence"):
        pe.compare_row(5, {"a": result()}, [result()], PALETTE, NOISE)


def sweep(val_by_batch, shares_by_batch=None):
    runs = {
        b: [
            result(
                val=v + d, train=v - 0.2 + d, steps=5000 // b, shares=(shares_by_batch or {}).get(b, (40, 20, 25, 15))
            )
            for d in (0.0, 0.01, 0.02)
        ]
        for b, v in val_by_batch.items()
    }
    return ca.analyse_sweep(runs, PALETTE, reference=100)


def test_the_sweep_s_conclusions_from_either_precision():
    fp32 = sweep({5: 1.2, 100: 1.3, 500: 1.5})
    assert all(c.same for c in pe.sweep_conclusions(fp32, sweep({5: 1.2, 100: 1.3, 500: 1.5})))
    # batch 100 now ends above batch 500: the worst batch and the count of reversals change
    moved = {c.key: c for c in pe.sweep_conclusions(fp32, sweep({5: 1.2, 100: 1.6, 500: 1.5}))}
    assert {k for k, c in moved.items() if not c.same} == {"worst_val_batch", "val_reversals"}
    assert (moved["worst_val_batch"].fp32, moved["worst_val_batch"].bf16) == (500, 100)
    assert (moved["val_reversals"].fp32, moved["val_reversals"].bf16) == (0, 1)
    assert moved["val_extremes"].fp32 == "higher, beyond the noise" == moved["val_extremes"].bf16
    assert {c.question for c in moved.values()} == {"2(d)"}
    with pytest.raises(ValueError, match="same batch sizes"):
        pe.sweep_conclusions(fp32, sweep({5: 1.2, 100: 1.3}))
    with pytest.raises(ValueError, match="bf16 must be a SweepAnalysis"):
        pe.sweep_conclusions(fp32, None)


def test_the_2c_conclusions_are_direction_and_verdict():
    cnn = [result(val=v, acc=a, train=v, shares=(60, 20, 10, 10)) for v, a in ((1.50, 42), (1.52, 43), (1.54, 44))]
    unet = [result(val=v, acc=a, train=v, shares=(60, 20, 10, 10)) for v, a in ((1.40, 50), (1.41, 51), (1.42, 52))]
    p = pe.unet_vs_cnn(cnn, unet, PALETTE)
    assert p.val_loss.difference == pytest.approx(-0.11) and p.val_loss.beyond_noise
    assert p.val_accuracy.difference == pytest.approx(8.0) and p.val_accuracy.beyond_noise
    assert p.vivid.difference == 0 and not p.vivid.beyond_noise
    same = pe.pair_conclusions(p, p)
    assert [(c.key, c.fp32) for c in same] == [
        ("val_loss", "lower, beyond the noise"),
        ("val_accuracy", "higher, beyond the noise"),
        ("train_loss", "lower, beyond the noise"),
        ("vivid", "equal, within the noise"),
    ]
    close = pe.unet_vs_cnn(cnn, [result(val=v, acc=a) for v, a in ((1.50, 42), (1.53, 43), (1.55, 44))], PALETTE)
    flipped = {c.key: c for c in pe.pair_conclusions(p, close)}
    assert not flipped["val_loss"].same and flipped["val_loss"].bf16 == "higher, within the noise"


def test_the_check_counts_tests_flags_and_chance():
    rows = [
        pe.compare_row(
            b,
            [result(val=v) for v in (1.0, 1.1, 1.2)],
            [result(val=v + shift) for v in (1.0, 1.1, 1.2)],
            PALETTE,
            NOISE,
        )
        for b, shift in ((5, 0.0), (10, 1.0))
    ]
    c = pe.check(rows, [pe.Conclusion("2(d)", "best_val_batch", 5, 5), pe.Conclusion("2(d)", "x", 1, 2)])
    assert c.tests == 8 and c.beyond_noise == ((10, "val_loss"),)
    assert c.expected_by_chance == pytest.approx(0.4)  # 5 % of 8 tests
    assert [d.key for d in c.differing] == ["x"]
    with pytest.raises(ValueError, match="rows must hold at least 1 item"):
        pe.check([], [])
    with pytest.raises(ValueError, match="alpha must be a finite number > 0 and < 1"):
        pe.check(rows, c.conclusions, alpha=1.5)
    with pytest.raises(ValueError, match="conclusions must hold at least 1 item"):
        pe.check(rows, [])
    with pytest.raises(ValueError, match="conclusions"):
        pe.check(rows, ["same"])
