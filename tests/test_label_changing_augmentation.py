"""Image operations, the digit judge, glyph bitmaps, and the horse loader of Q1."""

import numpy as np
import pytest

from solutions.answers import label_changing_augmentation as lca
from solutions.answers import view_invariance

RNG = np.random.default_rng(0)
IMAGES = RNG.random((3, 8, 8))


def test_rot180_twice_is_the_identity_and_equals_both_flips():
    assert np.array_equal(lca.rot180(lca.rot180(IMAGES)), IMAGES)
    assert np.array_equal(lca.rot180(IMAGES), lca.flip_v(lca.flip_h(IMAGES)))


def test_flip_h_of_a_glyph_is_its_mirror():
    g = lca.glyph("b")
    assert np.array_equal(lca.flip_h(g), g[:, ::-1])
    assert np.array_equal(lca.flip_h(lca.flip_h(g)), g)


def test_shift_moves_pixels_and_fills_zeros():
    x = np.zeros((8, 8)); x[3, 4] = 1
    y = lca.shift(x, -1, 1)
    assert y[2, 5] == 1 and y.sum() == 1
    assert lca.shift(x, 0, 0) is not x and np.array_equal(lca.shift(x, 0, 0), x)


def test_small_rotation_and_elastic_keep_most_of_the_image():
    img = lca.digits().x_test[0]
    for out in (lca.rotate(img, 5.0), lca.elastic(img, np.random.default_rng(1), alpha=0.5)):
        assert out.shape == img.shape
        assert np.corrcoef(out.ravel(), img.ravel())[0, 1] > 0.8


def test_iou_of_a_mask_with_itself_is_one_and_disjoint_is_zero():
    g = lca.glyph("n")
    assert lca.iou(g, g) == 1.0
    assert lca.iou(g, ~g) == 0.0
    with pytest.raises(ValueError, match="shape"):
        lca.iou(g, g[:-1])


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


def test_the_judge_reads_untouched_digits_well():
    assert lca.accuracy() > 0.9


def test_rotated_sixes_are_read_as_nine_far_more_than_untouched_sixes():
    s = lca.swap(6, 9)
    assert 0 <= s.share_before <= 1 and 0 <= s.share_after <= 1
    assert s.share_after > s.share_before + 0.5


def test_flips_cost_accuracy_and_safe_augmentations_do_not():
    safe = lca.safe_accuracies()
    assert lca.flip_effect("flip_h").accuracy < safe["none"] - 0.3
    assert min(safe.values()) > 0.85


def test_crop_shares_are_a_distribution():
    c = lca.crop_effect(8, 4, per_image=2)
    assert c.crops == 2 * int((lca.digits().y_test == 8).sum())
    assert sum(c.predicted) == pytest.approx(1.0)


def test_bad_inputs_raise_naming_the_parameter():
    with pytest.raises(ValueError, match="size"):
        lca.crop_resize(np.zeros((8, 8)), 6, 6, 4)
    with pytest.raises(ValueError, match="transform"):
        lca.flip_effect("shear")
    with pytest.raises(ValueError, match="char"):
        lca.glyph("bd")
    with pytest.raises(ValueError, match="augmentation"):
        lca.train_with("cutout")


def test_two_d_views_of_a_horse_stay_images():
    x = np.random.default_rng(1).integers(0, 256, (1, 32, 32, 3), dtype=np.uint8)
    views = view_invariance.two_d_views(x[0], np.random.default_rng(0))
    assert all(v.shape == (32, 32, 3) and 0 <= v.min() and v.max() <= 1 for v in views.values())
