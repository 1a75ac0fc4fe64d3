"""Halves of the test 8s read by the Q1.1 judge (solutions.answers.half_crops, stored as
q1-half-crops; read back by label_changing_augmentation.half_readings)."""

import numpy as np
import pytest

from conftest import FULL
from solutions.answers import half_crops as hc
from solutions.answers import label_changing_augmentation as lca


def test_a_half_is_cut_along_its_axis_and_stretched_back():
    x = np.zeros((8, 8))
    x[:4] = 1.0  # the top half inked, the bottom blank
    assert np.allclose(hc.half_crop(x, "top"), 1.0)
    assert np.allclose(hc.half_crop(x, "bottom"), 0.0)
    # left half of a left–right ramp 0..7: columns 0..3 stretched to 8 columns, rows unchanged
    ramp = np.tile(np.arange(8.0), (8, 1))
    left = hc.half_crop(ramp, "left")
    assert left.shape == (8, 8) and left[0, 0] == 0.0 and left[0, -1] == 3.0
    assert np.allclose(left, left[0])  # every row the same: only columns were cut


def test_half_crop_validates():
    with pytest.raises(ValueError, match="half"):
        hc.half_crop(np.zeros((8, 8)), "middle")
    with pytest.raises(ValueError, match="x"):
        hc.half_crop(np.zeros((8, 6)), "top")


@pytest.mark.skipif(not FULL, reason="refits the judge (seconds; the full tier)")
def test_the_refitted_judge_is_the_one_whose_crop_readings_are_stored():
    from solutions.answers.digit_readings import crops_of
    from solutions.experiments import registry

    stored = lca.Readings.from_arrays(registry.load("q1-digit-readings").arrays)
    d = lca.digits()
    read = lca.predict(lca.classifier(), crops_of(d.x_test, 4)).reshape(len(d.x_test), 5, 5)
    assert np.array_equal(read, stored.crops[4])


def _stored() -> dict[str, np.ndarray]:
    from solutions.experiments import names, registry

    return registry.load(names.Q1_HALVES).arrays


def test_the_halves_of_the_test_8s():
    halves = lca.half_readings(_stored(), 8)
    # 52 test 8s; counted once from the judge's readings: top → 0 for 17, bottom → 0 for 14,
    # left → 3 for 15, right → 5 for 41 (17/52 = 32.7 %, 14/52 = 26.9 %, 15/52 = 28.8 %, 41/52 = 78.8 %)
    assert {h: r.digits for h, r in halves.items()} == dict.fromkeys(hc.HALVES, 52)
    assert halves["top"].readings[0].hits == 17 and halves["bottom"].readings[0].hits == 14
    assert halves["left"].readings[3].hits == 15
    assert halves["right"].most_common_other == 5 and halves["right"].readings[5].hits == 41


def test_the_stored_halves_are_keyed_on_the_code_and_scikit_learn():
    from solutions.experiments import names, registry

    r = registry.RESULTS[names.Q1_HALVES]
    assert (r.code, r.uses_data, r.versions, r.config) == (
        ("solutions.answers.half_crops",),
        False,
        ("scikit-learn",),
        hc.HalvesConfig(digit=8, seed=0),
    )


@pytest.mark.skipif(not FULL, reason="refits the judge (seconds; the full tier)")
def test_the_stored_halves_are_what_the_current_code_reads():
    read = hc.read_halves(hc.HalvesConfig())
    stored = _stored()
    assert sorted(read) == sorted(stored) == sorted(hc.HALVES)
    assert all(np.array_equal(read[h], stored[h]) for h in hc.HALVES)


def test_read_halves_and_its_config_validate():
    with pytest.raises(ValueError, match="config"):
        hc.read_halves({"digit": 8})
    with pytest.raises(ValueError, match="digit"):
        hc.HalvesConfig(digit=10)
    with pytest.raises(ValueError, match="seed"):
        hc.HalvesConfig(seed=-1)


def _reading(hits: list[int], digit: int = 8) -> lca.HalfReading:
    total = sum(hits)
    return lca.HalfReading(digit, "top", tuple(lca.Share(h, total, 0.0, 1.0) for h in hits))


def test_a_half_reading_counts_its_digits_and_names_the_commonest_other_class():
    # 10 digits: 3 read as 0, 3 as 5, 4 as 8 (the digit itself)
    r = _reading([3, 0, 0, 0, 0, 3, 0, 0, 4, 0])
    assert r.digits == 10 and r.kept == 0.4 and r.share(0) == 0.3
    assert r.most_common_other == 0  # a tie between 0 and 5: the lower class
    assert _reading([1, 0, 0, 0, 0, 3, 0, 0, 6, 0]).most_common_other == 5
    with pytest.raises(ValueError, match="k"):
        r.share(10)


def test_half_readings_reads_every_half_and_validates():
    # 4 digits per half: two read as 8, one as 0, one as 3 (top); all as 8 elsewhere
    reads = {h: np.array([8, 8, 8, 8]) for h in hc.HALVES} | {"top": np.array([8, 0, 3, 8])}
    r = lca.half_readings(reads, 8)
    assert r["top"].digits == 4 and r["top"].kept == 0.5 and r["top"].share(3) == 0.25
    assert r["left"].kept == 1.0 and r["left"].most_common_other == 0  # no other: the lowest class
    with pytest.raises(ValueError, match="digit"):
        lca.half_readings(reads, 10)
    with pytest.raises(ValueError, match="reads"):
        lca.half_readings({"top": reads["top"]}, 8)
    with pytest.raises(ValueError, match="reads"):
        lca.half_readings(reads | {"top": np.array([8, 11])}, 8)
