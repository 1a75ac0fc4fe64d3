"""The bias/variance estimators on predictors whose bias and variance are known."""

import numpy as np
import pytest
import torch

from solutions.answers import bias_variance as bv
from solutions.experiments import ensembles as ens

X = np.linspace(0, 1, 101)
F = bv.target(X)


def test_constant_predictor_has_no_variance_and_exact_bias():
    c = 0.3
    d = bv.decompose(np.full((5, X.size), c), F, noise_sd=0.2)
    assert d.variance == 0.0
    assert d.bias2 == pytest.approx(np.mean((c - F) ** 2), abs=1e-12)
    assert d.noise == pytest.approx(0.04)


def test_f_plus_independent_noise_has_no_bias_and_the_known_variance():
    rng = np.random.default_rng(0)
    sd = 0.5
    d = bv.decompose(F + sd * rng.standard_normal((400, X.size)), F, noise_sd=0.0)
    assert d.bias2 == pytest.approx(0.0, abs=2e-3)
    assert d.variance == pytest.approx(sd**2, rel=0.03)


def test_bias2_plus_variance_is_the_mean_squared_error_to_f_exactly():
    rng = np.random.default_rng(1)
    p = 0.2 * np.cos(3 * X) + 0.4 * rng.standard_normal((7, X.size))  # biased and scattered
    d = bv.decompose(p, F, noise_sd=0.0)
    assert d.bias2 + d.variance == pytest.approx(np.mean((p - F) ** 2), rel=1e-12)


def test_expected_error_on_noisy_targets_is_bias2_plus_variance_plus_noise():
    rng = np.random.default_rng(2)
    sd = 0.3
    p = 0.1 + F + 0.2 * rng.standard_normal((50, X.size))
    d = bv.decompose(p, F, noise_sd=sd)
    y = F + sd * rng.standard_normal((200, 1, X.size))  # fresh noisy targets
    assert np.mean((p[None] - y) ** 2) == pytest.approx(d.total, rel=0.02)


def test_bootstrap_interval_contains_the_estimate_and_arrows_follow_it():
    rng = np.random.default_rng(3)
    preds = [F + s * rng.standard_normal((32, X.size)) for s in (0.1, 0.2, 0.4)]
    sw = bv.summarise("width", (1, 2, 3), preds, F)
    for p in sw.points:
        assert p.variance.low <= p.variance.value <= p.variance.high
    assert sw.variance.arrows == "↑" and sw.bias2.arrows == "≈"


def test_a_turn_is_reported_only_when_both_changes_are_outside_the_noise():
    rng = np.random.default_rng(4)
    preds = [F + s * rng.standard_normal((32, X.size)) for s in (0.4, 0.1, 0.4)]
    sw = bv.summarise("width", (1, 2, 3), preds, F)
    assert sw.variance.turn == 1 and sw.variance.arrows == "↓ then ↑"


def test_training_is_seeded_and_has_one_row_per_member():
    exp = bv.Experiment(members=4, steps=30, grid=11)
    s = bv.Setting(n_train=10, width=8, dropout=0.2)
    a, b = ens.train_ensemble(s, exp), ens.train_ensemble(s, exp)
    assert a.shape == (4, 11) and np.array_equal(a, b)
    assert not np.allclose(a[0], a[1])  # members see different training sets


def test_more_data_lowers_variance_in_a_small_run():
    torch.set_num_threads(1)
    exp = bv.Experiment(members=8, steps=300, grid=21, resamples=50)
    config = ens.SweepConfig("n_train", (10, 160), bv.Setting(width=16), exp)
    preds = ens.sweep_predictions(config)
    assert preds.shape == (2, 8, 21)
    sw = bv.summarise("n_train", config.values, list(preds), bv.target(bv.grid_points(exp)), 50)
    assert sw.points[1].variance.value < sw.points[0].variance.value


@pytest.mark.parametrize(
    "kwargs, name", [({"members": 1}, "members"), ({"noise_sd": -0.1}, "noise_sd"), ({"steps": 0}, "steps")]
)
def test_bad_experiment_raises_naming_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        bv.Experiment(**kwargs)


def test_bad_inputs_raise_naming_the_parameter():
    with pytest.raises(ValueError, match="predictions"):
        bv.decompose(np.zeros((1, 5)), np.zeros(5), 0.1)
    with pytest.raises(ValueError, match="noise_sd"):
        bv.decompose(np.zeros((3, 5)), np.zeros(5), -1.0)
    with pytest.raises(ValueError, match="values"):
        ens.SweepConfig("width", ())
    with pytest.raises(ValueError, match="name"):
        ens.SweepConfig("depth", (1.0,))
    with pytest.raises(ValueError, match="values"):
        bv.summarise("width", (), [], np.zeros(3))
    with pytest.raises(ValueError, match="dropout"):
        ens.train_ensemble(bv.Setting(dropout=1.0), bv.Experiment(members=2, steps=1))
    with pytest.raises(ValueError, match="width"):
        ens.train_ensemble(bv.Setting(width=0), bv.Experiment(members=2, steps=1))


# ---------------------------------------------------------------------------------------------
# Hand-made prediction matrices: bias², variance, bootstrap intervals and the page's readings.


def test_bias2_and_variance_of_a_two_by_two_matrix_by_hand():
    p = np.array([[1.0, 2.0], [3.0, 4.0]])  # 2 members × 2 grid points, target f = 0
    # mean p̄ = (2, 3); s² (ddof 1) = ((1−2)² + (3−2)²)/1 = 2 at both points; M = 2
    # bias² = mean[(2² − 2/2), (3² − 2/2)] = mean[3, 8] = 5.5; variance = mean[2, 2] = 2
    d = bv.decompose(p, np.zeros(2), noise_sd=0.5)
    assert (d.bias2, d.variance, d.noise, d.total) == (5.5, 2.0, 0.25, 7.75)


def _offsets(*cs):
    # every member predicts f + c: no variance, bias² = c² exactly, and every bootstrap resample
    # is identical, so every interval is a single point
    return [np.tile(F + c, (4, 1)) for c in cs]


def test_bootstrap_of_identical_members_is_exact_and_finds_the_turn():
    sw = bv.summarise("width", (1, 2, 3), _offsets(0.5, 0.1, 0.3), F, resamples=20)
    # bias² = 0.25, 0.01, 0.09; variance 0 everywhere
    assert [p.bias2.value for p in sw.points] == pytest.approx([0.25, 0.01, 0.09], abs=1e-12)
    assert all(p.bias2.low == pytest.approx(p.bias2.value) == pytest.approx(p.bias2.high) for p in sw.points)
    # first → last: 0.09 − 0.25 = −0.16 ↓; via the least (setting 2): −0.24 ↓ then +0.08 ↑
    assert sw.bias2.overall.delta == pytest.approx(-0.16) and sw.bias2.turn == 1
    assert sw.bias2.arrows == "↓ then ↑" and sw.variance.arrows == "≈"


def test_reading_of_a_hand_made_sweep():
    sw = bv.summarise("weight_decay", (0.0, 0.1, 0.2), _offsets(0.1, 0.2, 0.3), F, resamples=20)
    r = bv.read(sw)
    # bias² 0.01 → 0.09 (↑, as the textbook's "bias ↑"); variance 0 → 0 (≈, the textbook says ↓)
    assert (r.first, r.last) == (0.0, 0.2)
    assert (r.bias_first, r.bias_last) == pytest.approx((0.01, 0.09))
    assert (r.bias_arrows, r.var_arrows) == ("↑", "≈")
    assert (r.bias_verdict, r.var_verdict) == ("agrees", "departs")
    assert r.bias_turn_at is None and r.var_turn_at is None
    # all variances tie at 0: the least is the first setting, and both changes are 0
    assert (r.var_least_at, r.var_least, r.var_to_least.delta, r.var_from_least.delta) == (0.0, 0.0, 0.0, 0.0)


def test_reading_reports_where_the_variance_is_least():
    rng = np.random.default_rng(5)
    noise = rng.standard_normal((32, X.size))
    preds = [F + s * noise for s in (0.4, 0.1, 0.3)]  # same draws, scaled: variance ∝ s²
    r = bv.read(bv.summarise("width", (1, 16, 1024), preds, F))
    # variance ratios 16 : 1 : 9, so the least is at width 16; down by far more than the noise,
    # then up (the same members, so the paired changes are exact multiples of one another)
    assert r.var_least_at == 16 and r.var_turn_at == 16
    assert r.var_to_least.arrow == "↓" and r.var_from_least.arrow == "↑"
    assert r.var_verdict == "departs: not monotone"
    assert r.var_least == pytest.approx(0.01 * np.var(noise, axis=0, ddof=1).mean())


@pytest.mark.parametrize(
    "textbook, change, expected",
    [
        ("↑", bv.Change(0.1, 0.05, 0.2), "agrees"),  # interval above 0: ↑
        ("↓", bv.Change(0.1, 0.05, 0.2), "departs"),
        ("≈", bv.Change(0.1, -0.05, 0.2), "agrees"),  # interval straddles 0: ≈
    ],
)
def test_verdict_compares_the_arrow_with_the_textbook(textbook, change, expected):
    assert bv.verdict(textbook, bv.Trend(change)) == expected
    turned = bv.Trend(change, 1, bv.Change(-1, -2, -0.5), bv.Change(1, 0.5, 2))
    assert bv.verdict(textbook, turned) == "departs: not monotone"


def test_the_stored_sweeps_start_where_their_terms_are_visible():
    # the n_train sweep is the only one that starts from another network: 2 hidden units
    assert bv.BASES["n_train"] == bv.Setting(width=2)
    assert all(bv.BASES[k] == bv.Setting() for k in ("weight_decay", "width", "dropout"))
    from solutions.experiments.registry import q4_predictions

    config, preds = q4_predictions("n_train")
    assert config.base.width == 2 and preds.shape == (6, 32, 101)  # 6 values of n, 32 members, grid 101


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: bv.decompose(np.zeros((3, 5)), np.zeros(4), 0.1), "f"),
        (lambda: bv.bootstrap_indices(0, 10), "members"),
        (lambda: bv.bootstrap_indices(3, 0), "resamples"),
        (lambda: bv.bootstrap_indices(3, 10, seed=-1), "seed"),
        (lambda: bv.summarise("depth", (1,), [np.zeros((2, 3))], np.zeros(3)), "name"),
        (lambda: bv.summarise("width", (1,), [np.zeros((1, 3))], np.zeros(3)), "predictions"),
        (lambda: bv.summarise("width", (1,), [np.zeros((2, 3))], np.zeros(4)), "f"),
        (lambda: bv.verdict("up", bv.Trend(bv.Change(0, 0, 0))), "textbook"),
        (lambda: bv.read("width"), "sweep"),
        (lambda: bv.Setting(n_train=0), "n_train"),
        (lambda: bv.Setting(width=2.5), "width"),
        (lambda: bv.Setting(weight_decay=-1e-3), "weight_decay"),
    ],
)
def test_more_bad_inputs_raise_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_the_90_percent_interval_is_centred_on_the_estimate():
    # samples 0, 1, …, 100: mean 50; their 5th and 95th percentiles are 5 and 95, i.e. −45 and +45
    # about the mean, so the interval of an estimate 7 is 7 − 45 … 7 + 45
    low, high = bv._centred_interval(np.arange(101.0), 7.0)
    assert (low, high) == pytest.approx((-38.0, 52.0), abs=1e-9)
    # a change b − a: with a = 0 it is the spread of b itself
    c = bv._change(np.zeros(101), np.arange(101.0), 1.0, 3.0)
    assert (c.delta, c.low, c.high) == pytest.approx((2.0, -43.0, 47.0), abs=1e-9)


def test_decompose_refuses_a_flat_vector():
    with pytest.raises(ValueError, match="^predictions must be"):
        bv.decompose(np.zeros(5), np.zeros(5), 0.1)


def test_the_bootstrap_seed_defaults_to_0():
    assert (bv.bootstrap_indices(5, 20) == bv.bootstrap_indices(5, 20, seed=0)).all()


def test_a_sweep_of_two_members_compares_equal_to_itself_and_reads_its_last_setting():
    # one grid point, f = 0; members ±s have sample variance 2s² (ddof 1): s = 1, 0.5, 2 → 2, 0.5, 8
    preds = [np.array([[-s], [s]]) for s in (1.0, 0.5, 2.0)]
    a = bv.summarise("width", (1.0, 2.0, 4.0), preds, np.zeros(1), resamples=50)
    b = bv.summarise("width", (1.0, 2.0, 4.0), [p.copy() for p in preds], np.zeros(1), resamples=50)
    assert a == b  # predictions are kept but not compared
    assert [p.variance.value for p in a.points] == pytest.approx([2.0, 0.5, 8.0])
    assert a.least == 1 and a.from_least.delta == pytest.approx(8.0 - 0.5)
    # resampling two members can repeat one (variance 0): the interval of the change is not a point
    assert a.from_least.low < a.from_least.high


def test_a_rise_then_fall_is_a_turn_measured_from_the_first_setting():
    # bias² = c²: 0.01, 0.25, 0.09 (identical members: every interval is a point)
    sw = bv.summarise("width", (1, 2, 3), _offsets(0.1, 0.5, 0.3), F, resamples=20)
    assert sw.bias2.turn == 1 and sw.bias2.arrows == "↑ then ↓"
    assert sw.bias2.before.delta == pytest.approx(0.24)  # 0.25 − 0.01: from the first, not the last
    assert sw.bias2.after.delta == pytest.approx(-0.16)  # 0.09 − 0.25
    with pytest.raises(AttributeError):  # a frozen record
        bv.read(sw).name = "dropout"


def test_of_two_turns_the_larger_one_is_reported():
    # bias² 0.09, 0.01, 0.36, 0.16: a fall to setting 1 (−0.08, then +0.15: size 0.08) and a
    # rise to setting 2 (+0.27, then −0.20: size 0.20); the turn reported is the larger, at 2
    sw = bv.summarise("width", (1, 2, 3, 4), _offsets(0.3, 0.1, 0.6, 0.4), F, resamples=20)
    assert sw.bias2.turn == 2 and sw.bias2.arrows == "↑ then ↓"
    assert sw.bias2.before.delta == pytest.approx(0.27) and sw.bias2.after.delta == pytest.approx(-0.20)


def test_spreads_and_intervals_of_the_variance_follow_the_resampled_members():
    rng = np.random.default_rng(7)
    preds = [F + s * rng.standard_normal((16, X.size)) for s in (0.4, 0.1, 0.3)]
    sw = bv.summarise("width", (1, 2, 3), preds, F, resamples=200, seed=5)
    # the same resamples of members, worked through decompose() one resample at a time
    idx = bv.bootstrap_indices(16, 200, seed=5)
    boot = [np.array([bv.decompose(p[i], F, 0.0).variance for i in idx]) for p in preds]
    full = [bv.decompose(p, F, 0.0).variance for p in preds]
    assert sw.points[0].variance.std == pytest.approx(boot[0].std(ddof=1), rel=1e-9)
    assert sw.least == 1
    for change, a, b in ((sw.to_least, 0, 1), (sw.from_least, 1, 2)):
        d = boot[b] - boot[a]
        low, high = np.quantile(d - d.mean(), [0.05, 0.95])
        assert change.delta == pytest.approx(full[b] - full[a], rel=1e-9)
        assert (change.low, change.high) == pytest.approx((change.delta + low, change.delta + high), rel=1e-9)


def test_a_rise_then_a_plateau_is_no_turn():
    # bias² 0.01, 0.25, 0.25: the maximum is at setting 1, but nothing changes after it (≈)
    sw = bv.summarise("width", (1, 2, 3), _offsets(0.1, 0.5, 0.5), F, resamples=20)
    assert sw.bias2.turn is None and sw.bias2.arrows == "↑"


def test_the_bias_interval_follows_the_resampled_bias():
    rng = np.random.default_rng(8)
    preds = [0.2 * k + F + 0.3 * rng.standard_normal((12, X.size)) for k in (0, 1)]
    sw = bv.summarise("width", (1, 2), preds, F, resamples=100, seed=3)
    idx = bv.bootstrap_indices(12, 100, seed=3)
    boot = [np.array([bv.decompose(p[i], F, 0.0).bias2 for i in idx]) for p in preds]
    d = boot[1] - boot[0]
    low, high = np.quantile(d - d.mean(), [0.05, 0.95])
    c = sw.bias2.overall
    assert (c.low, c.high) == pytest.approx((c.delta + low, c.delta + high), rel=1e-9)
