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
    assert d.variance == pytest.approx(sd ** 2, rel=0.03)


def test_bias2_plus_variance_is_the_mean_squared_error_to_f_exactly():
    rng = np.random.default_rng(1)
    p = 0.2 * np.cos(3 * X) + 0.4 * rng.standard_normal((7, X.size))   # biased and scattered
    d = bv.decompose(p, F, noise_sd=0.0)
    assert d.bias2 + d.variance == pytest.approx(np.mean((p - F) ** 2), rel=1e-12)


def test_expected_error_on_noisy_targets_is_bias2_plus_variance_plus_noise():
    rng = np.random.default_rng(2)
    sd = 0.3
    p = 0.1 + F + 0.2 * rng.standard_normal((50, X.size))
    d = bv.decompose(p, F, noise_sd=sd)
    y = F + sd * rng.standard_normal((200, 1, X.size))      # fresh noisy targets
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
    assert not np.allclose(a[0], a[1])          # members see different training sets


def test_more_data_lowers_variance_in_a_small_run():
    torch.set_num_threads(1)
    exp = bv.Experiment(members=8, steps=300, grid=21, resamples=50)
    config = ens.SweepConfig("n_train", (10, 160), bv.Setting(width=16), exp)
    preds = ens.sweep_predictions(config)
    assert preds.shape == (2, 8, 21)
    sw = bv.summarise("n_train", config.values, list(preds), bv.target(bv.grid_points(exp)), 50)
    assert sw.points[1].variance.value < sw.points[0].variance.value


@pytest.mark.parametrize("kwargs, name", [({"members": 1}, "members"), ({"noise_sd": -0.1}, "noise_sd"),
                                          ({"steps": 0}, "steps")])
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
