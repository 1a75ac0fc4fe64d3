"""The shared bootstrap (solutions.answers.bootstrap): resampled indices, intervals, changes."""

import numpy as np
import pytest

from solutions.answers import bias_variance as bv
from solutions.answers import bootstrap
from solutions.answers import label_changing_augmentation as lca


def test_indices_are_seeded_draws_with_replacement():
    idx = bootstrap.indices(4, 500, seed=3)
    assert idx.shape == (500, 4) and idx.min() == 0 and idx.max() == 3
    assert (idx == bootstrap.indices(4, 500, seed=3)).all()
    assert not (idx == bootstrap.indices(4, 500, seed=4)).all()
    # with replacement: some resample repeats a unit (all 500 being permutations has chance (4!/4⁴)^500)
    assert any(len(set(row)) < 4 for row in idx)


def test_interval_is_the_central_level_percent():
    # 0, 1, …, 100: the 5th and 95th percentiles are 5 and 95; the 25th and 75th, 25 and 75
    assert bootstrap.interval(np.arange(101.0), 90) == (5.0, 95.0)
    assert bootstrap.interval(np.arange(101.0), 50) == (25.0, 75.0)
    # two values 0 and 1: linear interpolation puts the 10th percentile at 0.1
    assert bootstrap.interval(np.array([0.0, 1.0]), 80) == pytest.approx((0.1, 0.9))


@pytest.mark.parametrize(
    "low, high, arrow", [(0.5, 2.0, "↑"), (-2.0, -0.5, "↓"), (-0.5, 2.0, "≈"), (0.0, 2.0, "≈"), (-2.0, 0.0, "≈")]
)
def test_a_change_claims_a_direction_only_when_its_interval_excludes_zero(low, high, arrow):
    assert bootstrap.Change(1.0, low, high).arrow == arrow


def test_both_analyses_use_the_one_change_and_the_one_draw():
    assert bv.Change is bootstrap.Change is lca.Change
    assert (bv.bootstrap_indices(5, 20, seed=2) == bootstrap.indices(5, 20, seed=2)).all()
    # Q1.1's interval of a mean: the same draw, one mean per resample, the central 90 %
    values = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    means = values[bootstrap.indices(5, 1000, seed=lca.SEED)].mean(axis=1)
    assert lca.bootstrap_interval(values) == bootstrap.interval(means, 90)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: bootstrap.indices(0, 10), "units"),
        (lambda: bootstrap.indices(0, 10, name="members"), "members"),
        (lambda: bootstrap.indices(3, 0), "resamples"),
        (lambda: bootstrap.indices(3, 10, seed=-1), "seed"),
        (lambda: bootstrap.interval(np.ones(3), 0), "level"),
        (lambda: bootstrap.interval(np.ones(3), 100), "level"),
        (lambda: bootstrap.interval(np.ones(3), float("nan")), "level"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_a_change_is_frozen_and_the_default_seed_is_zero():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        bootstrap.Change(1.0, 0.5, 2.0).delta = 0.0
    assert (bootstrap.indices(4, 50) == bootstrap.indices(4, 50, seed=0)).all()
    assert not (bootstrap.indices(4, 50) == bootstrap.indices(4, 50, seed=1)).all()


def test_every_level_strictly_between_0_and_100_is_accepted():
    # 0, 1, …, 100 at level 0.5: the 49.75th and 50.25th percentiles; at 99.5: the 0.25th and 99.75th
    assert bootstrap.interval(np.arange(101.0), 0.5) == pytest.approx((49.75, 50.25))
    assert bootstrap.interval(np.arange(101.0), 99.5) == pytest.approx((0.25, 99.75))
    with pytest.raises(ValueError, match="level"):
        bootstrap.interval(np.ones(3), -5)
