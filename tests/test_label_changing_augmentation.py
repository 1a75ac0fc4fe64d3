"""Image operations, the judges, the bootstrap, glyph bitmaps and the horse views of Q1.

Expected values are worked by hand in the comments; measured values (classifier readings) are
checked only for what follows from counting (one reading per test digit and class). The analyses
read the stored readings (``solutions run q1-digit-readings``); a few fresh fits check that the
stored readings are what the current code reads.
"""

import numpy as np
import pytest

from solutions.answers import digit_readings
from solutions.answers import label_changing_augmentation as lca
from solutions.answers import view_invariance
from solutions.experiments import registry

RNG = np.random.default_rng(0)
IMAGES = RNG.random((3, 8, 8))


# Hand-made readings of three test digits (a 6, a 6 and a 9), every array of the default config.
STUB_ARRAYS = {
    "y_test": np.array([6, 6, 9], np.int8),
    **{f"untouched:{j}": np.array([6, 9, 9], np.int8) for j in ("shift", "rotation", "elastic", "all")},
    **{f"judged:{t}": np.array([9, 9, 6], np.int8) for t in lca.SAFE + lca.HARMFUL},
    **{f"crops:{s}": np.full((3, 9 - s, 9 - s), 6, np.int8) for s in (4, 5, 6)},
    **{f"trained:{a}": np.array([6, 6, 9], np.int8) for a in ("none",) + lca.SAFE + lca.HARMFUL},
}
READINGS_STUB = lca.Readings.from_arrays(STUB_ARRAYS)


@pytest.fixture(scope="module")
def readings() -> lca.Readings:
    return lca.Readings.from_arrays(registry.load("q1-digit-readings").arrays)


# ---------------------------------------------------------------------------------------------
# Image operations on hand-made arrays.


def test_rot180_twice_is_the_identity_and_equals_both_flips():
    assert np.array_equal(lca.rot180(lca.rot180(IMAGES)), IMAGES)
    assert np.array_equal(lca.rot180(IMAGES), lca.flip_v(lca.flip_h(IMAGES)))


def test_flip_h_of_a_glyph_is_its_mirror():
    g = lca.glyph("b")
    assert np.array_equal(lca.flip_h(g), g[:, ::-1])
    assert np.array_equal(lca.flip_h(lca.flip_h(g)), g)


def test_shift_moves_pixels_and_fills_zeros():
    x = np.zeros((8, 8))
    x[3, 4] = 1
    y = lca.shift(x, -1, 1)
    assert y[2, 5] == 1 and y.sum() == 1
    assert lca.shift(x, 0, 0) is not x and np.array_equal(lca.shift(x, 0, 0), x)


def test_small_rotation_and_elastic_keep_most_of_the_image():
    img = lca.digits().x_test[0]
    for out in (lca.rotate(img, 5.0), lca.elastic(img, np.random.default_rng(1), alpha=0.5)):
        assert out.shape == img.shape
        assert np.corrcoef(out.ravel(), img.ravel())[0, 1] > 0.8


def test_iou_of_tiny_hand_made_glyphs():
    # An L and its mirror on a 2×2 grid:  a = [[1, 0],   flip_h(a) = [[0, 1],
    #                                          [1, 1]]                [1, 1]]
    a = np.array([[1, 0], [1, 1]], bool)
    # a with itself: 3 / 3 = 1; with its mirror: both in the bottom row = 2, either = 4 → 2/4 = 0.5
    assert lca.iou(a, a) == 1.0
    assert lca.iou(a, lca.flip_h(a)) == 0.5
    # a flipped top–bottom = [[1, 1], [1, 0]]: both at (0,0), (1,0) = 2 of 4 → 0.5; with ~a: 0 of 4
    assert lca.iou(a, lca.flip_v(a)) == 0.5
    assert lca.iou(a, ~a) == 0.0
    with pytest.raises(ValueError, match="shape"):
        lca.iou(a, a[:-1])


def test_touching_edge_counts_images_with_ink_in_the_top_or_bottom_row():
    x = np.zeros((4, 3, 3))
    x[0, 0, 0] = 1  # top row
    x[1, 2, 2] = 1  # bottom row
    x[2, 1, 1] = 1  # middle only
    # images 0 and 1 of 4 touch → 2/4
    assert lca.touching_edge(x) == 0.5


def test_every_training_digit_touches_the_top_or_bottom_row():
    # The page's explanation of why a one-pixel shift costs: sklearn's digits are scaled to fill
    # the 8 rows, so all 1,257 training digits have ink in row 0 or row 7.
    assert lca.touching_edge(lca.digits().x_train) == 1.0


# ---------------------------------------------------------------------------------------------
# The bookkeeping of readings, on hand-made labels.


def test_kept_per_class_is_the_share_of_each_class_read_as_itself():
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 0, 1])
    # class 0: 1 of 2 kept = 0.5; class 1: 2 of 3 = 0.666…; class 2: 0 of 1; 3..9 absent → 0
    assert lca.kept_per_class(y_true, y_pred) == (0.5, 2 / 3, 0.0) + (0.0,) * 7


def test_kept_classes_applies_the_threshold_inclusively():
    # 0.8 is kept at the default 80% threshold, 0.79 is not
    assert lca.kept_classes((0.9, 0.5, 0.8, 0.79)) == (0, 2)
    assert lca.kept_classes((0.9, 0.5, 0.8, 0.79), threshold=0.5) == (0, 1, 2, 3)


def test_confusions_and_largest_swap_on_hand_made_readings():
    y_true = np.array([6, 6, 6, 6, 9, 9, 5])
    y_pred = np.array([9, 9, 9, 6, 6, 9, 3])
    # errors: 6→9 three times, 9→6 once, 5→3 once
    assert lca.confusions(y_true, y_pred) == ((6, 9, 3), (9, 6, 1), (5, 3, 1))
    assert lca.confusions(y_true, y_pred, top=1) == ((6, 9, 3),)
    # largest share of one class read as one other: 5→3 is 1 of 1 = 1.0 (above 6→9's 3/4)
    assert lca.largest_swap(y_true, y_pred) == (5, 3, 1.0)
    assert lca.largest_swap(y_true[:6], y_pred[:6]) == (6, 9, 0.75)


# ---------------------------------------------------------------------------------------------
# Bootstrap intervals of toy cases.


def test_bootstrap_of_a_constant_is_that_constant():
    # every resample of five 1s has mean 1
    assert lca.bootstrap_interval(np.ones(5)) == (1.0, 1.0)


def test_bootstrap_of_two_outcomes_spans_both_ends():
    # resampling [0, 1] twice: means 0, ½, 1 with chances ¼, ½, ¼; the 5% and 95% quantiles
    # fall inside the ¼ masses at 0 and 1 → (0, 1)
    assert lca.bootstrap_interval(np.array([0.0, 1.0])) == (0.0, 1.0)
    # at a 40% level the tails are 30% each: a ¼ mass at 0 or 1 is less than 30%, so both
    # quantiles fall in the ½ mass at ½
    assert lca.bootstrap_interval(np.array([0.0, 1.0]), level=40) == (0.5, 0.5)


def test_share_of_counts_hits_and_units():
    s = lca.share_of(np.array([1, 1, 0, 1]))
    # 3 hits of 4 → 0.75
    assert (s.hits, s.total, s.value) == (3, 4, 0.75)
    assert s.low <= s.value <= s.high
    # two units of 5 trials with 5 and 0 hits: 5 of 10 = ½; resampled units: 0, ½, 1
    c = lca.share_of(np.array([5, 0]), per_unit=5)
    assert (c.hits, c.total, c.value, c.low, c.high) == (5, 10, 0.5, 0.0, 1.0)


def test_paired_change_of_a_constant_difference_is_exact():
    c = lca.paired_change(np.array([1, 1, 1, 1]), np.array([1, 0, 1, 0]))
    # differences 0, −1, 0, −1: mean −½; the interval is that of the mean of {0, −1} resampled
    assert c.delta == -0.5 and c.low < 0 and c.high <= 0
    same = lca.paired_change(np.array([1, 0, 1]), np.array([1, 0, 1]))
    assert (same.delta, same.low, same.high, same.arrow) == (0.0, 0.0, 0.0, "≈")


# ---------------------------------------------------------------------------------------------
# The digits: counts that follow from the split, and the consistency of every record.


def test_the_split_has_the_hand_worked_counts():
    d = lca.digits()
    # load_digits has 1,797 digits; test = ⌈0.3 × 1,797⌉ = ⌈539.1⌉ = 540, train = 1,257
    assert (len(d.y_train), len(d.y_test)) == (1257, 540)
    per_class = np.bincount(d.y_test)
    # stratified: 0.3 × 181 sixes = 54.3 → 54; 0.3 × 180 nines = 54.0 → 54; 0.3 × 174 eights = 52.2 → 52
    assert (per_class[6], per_class[9], per_class[8]) == (54, 54, 52)


@pytest.mark.parametrize("transform", lca.SAFE + lca.HARMFUL)
def test_kept_per_class_of_a_judged_transform_adds_up_to_its_hits(readings, transform):
    # Each test digit is read right or not, and is of exactly one class, so
    # Σ_k (digits of class k) × (share of class k kept) = digits read right.
    j = lca.judged(readings, transform)
    n = np.bincount(lca.digits().y_test, minlength=10)
    assert sum(round(n[k] * j.kept_per_class[k]) for k in range(10)) == j.accuracy.hits
    assert j.accuracy.total == 540 and j.untouched.total == 540
    assert j.kept_classes == lca.kept_classes(j.kept_per_class)
    assert j.accuracy.low <= j.accuracy.value <= j.accuracy.high


def test_the_judge_of_a_candidate_never_saw_it():
    # judge("shift") is trained on the originals plus a rotated and an elastic copy: 3 × 1,257
    assert lca.judge("shift").shape_fit_ == (3 * 1257, 64)
    # the judge of flips and crops saw all three candidates: 4 × 1,257
    assert lca.classifier().shape_fit_ == (4 * 1257, 64)


def test_rotated_sixes_are_read_as_nine_far_more_than_untouched_sixes(readings):
    s = lca.swap(readings, 6, 9)
    assert s.count == 54 and s.after.total == 54
    assert s.after.low > s.before.high + 0.5


def test_crops_are_read_at_every_window_position(readings):
    c = lca.crop_effect(readings, 8, 4)
    # a 4×4 window fits at 8 − 4 + 1 = 5 rows × 5 columns = 25 positions; 52 test 8s → 1,300 crops
    assert (c.positions, c.digits, c.crops) == (25, 52, 1300)
    assert sum(r.hits for r in c.readings) == 1300  # every crop read as exactly one class
    assert len(c.kept_by_position) == 5 and all(len(row) == 5 for row in c.kept_by_position)
    # the share still 8 is the mean over positions of the share of 8s still 8 at each position
    assert np.mean(c.kept_by_position) == pytest.approx(c.readings[8].value)
    assert c.kept_worst <= c.readings[8].value <= c.kept_best


def test_read_more_often_compares_intervals_on_a_hand_made_record():
    def share(low, high):
        return lca.Share(1, 10, low, high)

    readings = [share(0.0, 0.05)] * 10
    readings[9] = share(0.20, 0.30)  # above both 3 and 0
    readings[5] = share(0.12, 0.20)  # above both (0.12 > 0.11)
    readings[3] = share(0.06, 0.11)  # 3's high end is 0.11
    readings[4] = share(0.10, 0.15)  # low 0.10 < 0.11: not wholly above 3
    readings[8] = share(0.5, 0.6)  # the digit itself is never listed
    c = lca.CropEffect(8, 4, 1, 25, tuple(readings), ((0.5,),))
    # ranked by hits (all equal) → class order; kept: 5 and 9 (low > 0.11)
    assert lca.read_more_often(c) == (5, 9)


def test_page_claims_follow_from_the_records(readings):
    # the answer box: small rotations and elastic distortion keep every class above 80%, and
    # their intervals lie above every flip's and the 180° rotation's
    keep = [lca.judged(readings, t) for t in ("rotation", "elastic")]
    harm = [lca.judged(readings, t) for t in lca.HARMFUL]
    assert all(j.kept_classes == tuple(range(10)) for j in keep)
    assert min(j.accuracy.low for j in keep) > max(j.accuracy.high for j in harm)
    # the answer box and the pitfall: some reading of 4×4 crops of 8 beats both 3 and 0
    assert len(lca.read_more_often(lca.crop_effect(readings, 8, 4))) >= 1


def test_training_with_nothing_changes_nothing(readings):
    t = lca.train_with(readings, "none")
    assert (t.change.delta, t.change.low, t.change.high) == (0.0, 0.0, 0.0)
    assert t.accuracy.total == 540


# ---------------------------------------------------------------------------------------------
# The stored readings: their shape, and that they are what the current code reads.


def test_the_analyses_count_hand_made_readings():
    s = lca.swap(READINGS_STUB, 6, 9)
    # two 6s; untouched, the judge reads 6, 9 → one 9 of two; rotated: 9, 9 → two of two
    assert (s.count, s.before.hits, s.before.total, s.after.hits) == (2, 1, 2, 2)
    j = lca.judged(READINGS_STUB, "rot180")
    # read 9, 9, 6 for 6, 6, 9: none right; the same judge untouched reads 6, 9, 9: 2 of 3 right
    assert (j.accuracy.hits, j.untouched.hits, j.largest_swap) == (0, 2, (6, 9, 1.0))
    c = lca.crop_effect(READINGS_STUB, 6, 4)
    # two 6s × (8 − 4 + 1)² = 25 positions, every crop read 6
    assert (c.digits, c.positions, c.readings[6].hits, c.kept_worst) == (2, 25, 50, 1.0)


def test_readings_survive_the_store_round_trip(readings):
    again = lca.Readings.from_arrays(readings.to_arrays())
    assert all(np.array_equal(again.judged[t], readings.judged[t]) for t in lca.SAFE + lca.HARMFUL)
    assert all(v.dtype == np.int8 for v in readings.to_arrays().values())


def test_the_stored_readings_have_one_reading_per_test_digit_and_window(readings):
    assert np.array_equal(readings.y_test, lca.digits().y_test)
    assert {k: v.shape for k, v in readings.untouched.items()} == {
        "shift": (540,),
        "rotation": (540,),
        "elastic": (540,),
        "all": (540,),
    }
    # windows of 4, 5, 6 fit at 8 − s + 1 = 5, 4, 3 rows × as many columns
    assert {s: c.shape for s, c in readings.crops.items()} == {4: (540, 5, 5), 5: (540, 4, 4), 6: (540, 3, 3)}
    assert sorted(readings.trained) == sorted(("none",) + lca.SAFE + lca.HARMFUL)


def test_the_stored_readings_are_what_the_current_code_reads(readings):
    # refits two of the eleven classifiers (cached, shared with the judges' test) and reads
    # 60 test digits: a stored result from older code would differ
    d = lca.digits()
    assert np.array_equal(lca.predict(lca.classifier(), d.x_test[:60]), readings.untouched["all"][:60])
    shifted = digit_readings._copy("shift", "test", 0)[:60]
    assert np.array_equal(lca.predict(lca.judge("shift"), shifted), readings.judged["shift"][:60])
    crops = digit_readings.crops_of(d.x_test[:2], 4)  # two digits × 25 windows
    assert np.array_equal(lca.predict(lca.classifier(), crops).reshape(2, 5, 5), readings.crops[4][:2])


# ---------------------------------------------------------------------------------------------
# Letters.


def test_glyphs_are_centred_binary_bitmaps_and_mirror_letters_match():
    b, d = lca.glyph("b"), lca.glyph("d")
    assert b.dtype == bool and b.shape == (lca.GLYPH_SIZE, lca.GLYPH_SIZE)
    rows, cols = np.nonzero(b)
    centre = (lca.GLYPH_SIZE - 1) / 2
    assert abs((rows.min() + rows.max()) / 2 - centre) <= 1
    assert abs((cols.min() + cols.max()) / 2 - centre) <= 1
    m = lca.glyph_match("flip_h", "b", "d")
    assert m.iou > 0.9 > m.baseline_max and m.iou > m.iou_untransformed
    assert lca.iou(lca.flip_h(b), d) == m.iou


# ---------------------------------------------------------------------------------------------
# Faults: a ValueError naming the parameter.


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: lca.flip_h(np.zeros(3)), "x"),
        (lambda: lca.shift(np.zeros((8, 8)), 1.5, 0), "dy"),
        (lambda: lca.shift(np.zeros((8, 8)), 0, True), "dx"),
        (lambda: lca.rotate(np.zeros((8, 8)), float("nan")), "degrees"),
        (lambda: lca.crop_resize(np.zeros((8, 8)), 6, 6, 4), "size"),
        (lambda: lca.crop_resize(np.zeros((8, 6)), 0, 0, 4), "x"),
        (lambda: lca.elastic(np.zeros((8, 8)), 0), "rng"),
        (lambda: lca.elastic(np.zeros((8, 8)), np.random.default_rng(0), alpha=-1.0), "alpha"),
        (lambda: lca.elastic(np.zeros((8, 8)), np.random.default_rng(0), sigma=0.0), "sigma"),
        (lambda: lca.touching_edge(np.zeros((8, 8))), "x"),
        (lambda: lca.bootstrap_interval(np.array([])), "values"),
        (lambda: lca.bootstrap_interval(np.ones(3), resamples=0), "resamples"),
        (lambda: lca.bootstrap_interval(np.ones(3), level=100), "level"),
        (lambda: lca.share_of(np.array([2]), per_unit=1), "hits"),
        (lambda: lca.paired_change(np.ones(3), np.ones(4)), "before"),
        (lambda: lca.kept_per_class(np.array([0, 10]), np.array([0, 1])), "y_true"),
        (lambda: lca.kept_per_class(np.array([0, 1]), np.array([0])), "y_true and y_pred"),
        (lambda: lca.kept_classes((0.5,), threshold=0.0), "threshold"),
        (lambda: lca.confusions(np.array([1]), np.array([1]), top=0), "top"),
        (lambda: lca.digits(test_size=1.0), "test_size"),
        (lambda: lca.fit_classifier(np.zeros((3, 8, 8)), np.array([0, 1])), "x and y"),
        (lambda: lca.safe_transforms(None), "rng"),
        (lambda: lca.judge("cutout"), "unseen"),
        (lambda: lca.judged(READINGS_STUB, "shear"), "transform"),
        (lambda: lca.judged(None, "rot180"), "readings"),
        (lambda: lca.transformed("shear", IMAGES), "transform"),
        (lambda: lca.swap(READINGS_STUB, 6, 10), "target"),
        (lambda: lca.swap(READINGS_STUB, 6, 9, "shift"), "transform"),
        (lambda: lca.crop_effect(READINGS_STUB, 8, 7), "size"),
        (lambda: lca.crop_effect(READINGS_STUB, -1, 4), "digit"),
        (lambda: lca.read_more_often(lca.crop_effect(READINGS_STUB, 6, 4), ()), "than"),
        (lambda: lca.train_with(READINGS_STUB, "cutout"), "augmentation"),
        (lambda: lca.Readings.from_arrays({"y_test": np.zeros(3, np.int8)}), "arrays"),
        (lambda: lca.Readings.from_arrays({**STUB_ARRAYS, "crops:4": np.zeros((3, 4, 4), np.int8)}), "arrays"),
        (lambda: lca.Readings.from_arrays({**STUB_ARRAYS, "y_test": np.full(3, 10)}), "arrays"),
        (lambda: lca.Readings.from_arrays(STUB_ARRAYS, config=None), "config"),
        (lambda: digit_readings.ReadingsConfig(seed=-1), "seed"),
        (lambda: digit_readings.ReadingsConfig(transforms=("shear",)), "transforms"),
        (lambda: digit_readings.ReadingsConfig(crop_sizes=(9,)), "crop_sizes"),
        (lambda: digit_readings.ReadingsConfig(trained_with=("cutout",)), "trained_with"),
        (lambda: digit_readings.compute_readings("seed 0"), "config"),
        (lambda: digit_readings.crops_of(np.zeros((2, 8, 8)), 9), "size"),
        (lambda: digit_readings.judge_of("shear"), "transform"),
        (lambda: lca.glyph("bd"), "char"),
        (lambda: lca.glyph_match("shear", "b", "d"), "transform"),
        (lambda: view_invariance.two_d_views(np.zeros((32, 32)), np.random.default_rng(0)), "img"),
        (lambda: view_invariance.two_d_views(np.zeros((32, 32, 3)), None), "rng"),
        (lambda: view_invariance.two_d_views(np.zeros((32, 32, 3)), np.random.default_rng(0), crop=0), "crop"),
        (
            lambda: view_invariance.two_d_views(np.zeros((32, 32, 3)), np.random.default_rng(0), degrees=float("inf")),
            "degrees",
        ),
    ],
)
def test_bad_inputs_raise_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_two_d_views_of_a_horse_stay_images():
    x = np.random.default_rng(1).integers(0, 256, (1, 32, 32, 3), dtype=np.uint8)
    views = view_invariance.two_d_views(x[0], np.random.default_rng(0))
    assert all(v.shape == (32, 32, 3) and 0 <= v.min() and v.max() <= 1 for v in views.values())


def test_the_page_reads_the_stored_readings_and_fits_nothing(monkeypatch):
    from solutions.book.pages import cs5242_q1

    def no_fitting(*args, **kwargs):
        raise AssertionError("the page fitted a classifier")

    monkeypatch.setattr(digit_readings, "fit_classifier", no_fitting)
    cs5242_q1.readings.cache_clear()
    text = cs5242_q1.show("text")
    rotated = lca.judged(cs5242_q1.readings(), "rot180").accuracy  # the judged table's row
    assert f"{100 * rotated.value:.1f}% [{100 * rotated.low:.1f}, {100 * rotated.high:.1f}]" in text


def test_interval_and_share_edges_by_hand():
    # a 2-D array is refused (not only a 0-D one); a level above 100 is refused
    with pytest.raises(ValueError, match="^values must be an array of 1 dimensions"):
        lca.bootstrap_interval(np.ones((2, 3)))
    with pytest.raises(ValueError, match="^level must be a percentage"):
        lca.bootstrap_interval(np.ones(3), level=150)
    # a share of nothing is 0, not negative
    assert lca.Share(0, 0, 0.0, 0.0).value == 0.0
    # a before longer than after is refused, not only a shorter one
    with pytest.raises(ValueError, match="^before and after must be non-empty and of one shape"):
        lca.paired_change(np.ones(4), np.ones(3))


def test_no_swap_ranked_crops_and_a_glyph_too_tall():
    # nothing misread: no class goes to another, the "no swap" answer is (0, 0, 0.0)
    assert lca.largest_swap(np.array([3, 5, 5]), np.array([3, 5, 5])) == (0, 0, 0.0)
    # classes ranked by crops read as them, most first, ties to the lower class
    hits = [0, 5, 2, 2, 0, 9, 0, 0, 0, 1]
    effect = lca.CropEffect(8, 4, 1, 19, tuple(lca.Share(h, 19, 0.0, 1.0) for h in hits), ((1.0,),))
    assert effect.ranked[:5] == (5, 1, 2, 3, 9)
    # "l" at font size 48 is about 4.3 units wide and 36.5 tall: a 10-pixel bitmap fits its
    # width, not its height
    with pytest.raises(ValueError, match="^size 10 is too small for 'l'"):
        lca.glyph("l", size=10)


def test_a_swap_counts_only_the_target_class_and_the_largest_swap_divides_by_its_class():
    # the stub's two 6s: untouched read 6, 9; rotated 9, 9 — none of them is an 8
    s = lca.swap(READINGS_STUB, 6, 8)
    assert (s.before.hits, s.after.hits) == (0, 0)
    # two 0s both read as 1 (share 2/2 = 1.0); of four 1s one read as 0 (1/4)
    assert lca.largest_swap(np.array([0, 0, 1, 1, 1, 1]), np.array([1, 1, 1, 1, 1, 0])) == (0, 1, 1.0)


def test_a_glyph_is_measured_by_its_own_extent_and_crops_default_to_the_8s(readings):
    # the apostrophe at font size 48 spans y = 22.0 … 35.0 above the baseline: 13 units tall,
    # so it fits 16 pixels though its top is 35 units up
    assert lca.glyph("'", size=16).any()
    assert lca.crop_effect(readings).digit == 8


def test_a_paired_change_needs_digits():
    with pytest.raises(ValueError, match="before and after must be non-empty"):
        lca.paired_change(np.array([]), np.array([]))


def test_the_largest_swap_is_updated_by_share_and_crops_beat_3_and_0_by_default():
    # one of two 0s read as 1 (share ½), then both 1s read as 2 (share 1): the second is larger
    assert lca.largest_swap(np.array([0, 0, 1, 1]), np.array([1, 0, 2, 2])) == (1, 2, 1.0)
    # crops of 8s: class 0 in 0.49–0.5, class 1 in 0.3–0.4, class 3 up to 0.1, class 5 from 0.6;
    # above both 3 and 0 (0.5) lies only class 5 (above 3 and 1 it would be 0 and 5)
    bounds = {0: (0.49, 0.5), 1: (0.3, 0.4), 3: (0.0, 0.1), 5: (0.6, 0.7)}
    shares = tuple(lca.Share(0, 100, *bounds.get(k, (0.0, 0.0))) for k in range(10))
    effect = lca.CropEffect(8, 4, 4, 25, shares, ((1.0,),))
    assert lca.read_more_often(effect) == (5,)
