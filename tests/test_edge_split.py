"""2(c)'s edge split (solutions.answers.edge_split): values by hand on a 4×4 image; the stored record."""

import numpy as np
import pytest

from solutions.answers.edge_split import EdgeAccuracy, EdgeSplitConfig, edge_accuracies, split_record

# One 4×4 image, dark left half, bright right half. Central differences: the 4 interior pixels
# have gx = (1 − 0)/2 = 0.5, gy = 0, so strength 0.5; the 12 pixels of the outer ring are 0.
# Quantiles of the 16 strengths (12 zeros, 4 × 0.5): 25 % → 0; 75 % → position 0.75·15 = 11.25,
# between the 12th value (0) and the 13th (0.5): 0.25·0.5 = 0.125. Flat: strength ≤ 0 (the ring,
# 12 pixels); edge: strength > 0.125 (the 4 interior pixels).
GREY = np.zeros((1, 4, 4))
GREY[0, :, 2:] = 1.0
TARGET = np.zeros((1, 4, 4), dtype=int)


def test_split_by_hand():
    wrong_inside = TARGET.copy()
    wrong_inside[0, 1, 1] = wrong_inside[0, 2, 2] = 5  # 2 of the 4 edge pixels wrong
    wrong_ring = TARGET.copy()
    wrong_ring[0, 0, :] = 3  # the 4 pixels of the top row (flat) wrong
    config = EdgeSplitConfig(models=("a", "b"))
    record = split_record({"a": wrong_inside, "b": wrong_ring, "unused": TARGET}, TARGET, GREY, config)
    assert record == {
        "images": 1,
        "models": {
            "a": {"overall": 100 * 14 / 16, "flat": 100.0, "edge": 50.0},  # 14/16 = 87.5 %
            "b": {"overall": 100 * 12 / 16, "flat": pytest.approx(100 * 8 / 12), "edge": 100.0},
        },
    }  # 8 of 12
    a, b = edge_accuracies(record, config)
    assert a == EdgeAccuracy("a", 87.5, 100.0, 50.0)
    assert (b.model, b.overall, b.edge) == ("b", 75.0, 100.0) and b.flat == pytest.approx(66.6667, abs=1e-4)


def test_the_order_of_the_config_is_the_order_read_back():
    record = split_record({"x": TARGET, "y": TARGET}, TARGET, GREY, EdgeSplitConfig(models=("y", "x")))
    assert [e.model for e in edge_accuracies(record, EdgeSplitConfig(models=("x", "y")))] == ["x", "y"]


@pytest.mark.parametrize(
    "call, says",
    [
        (lambda: EdgeSplitConfig(models=()), "models"),
        (lambda: EdgeSplitConfig(models=("a", "")), "models"),
        (lambda: EdgeSplitConfig(flat_quantile=0.8, edge_quantile=0.2), "flat_quantile"),
        (lambda: EdgeSplitConfig(flat_quantile=0.0), "flat_quantile"),
        (lambda: EdgeSplitConfig(edge_quantile=1.0), "edge_quantile"),
        (lambda: split_record({"cnn": TARGET}, TARGET, GREY, EdgeSplitConfig()), "unet"),
        (lambda: edge_accuracies({"models": {"cnn": {}}}, EdgeSplitConfig()), "record"),
        (lambda: edge_accuracies([], EdgeSplitConfig()), "record"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(call, says):
    with pytest.raises(ValueError, match=says):
        call()


def test_edge_strength_of_a_horizontal_and_a_diagonal_edge_by_hand():
    from solutions.answers.edge_split import edge_strength

    horizontal = np.zeros((1, 4, 4))
    horizontal[0, 2:, :] = 1.0  # interior: gy = (1 − 0)/2 = 0.5, gx = 0 → 0.5
    assert edge_strength(horizontal)[0, 1:3, 1:3].tolist() == [[0.5, 0.5], [0.5, 0.5]]
    ramp = np.add.outer(np.arange(4.0), np.arange(4.0))[None]  # g = row + column
    # gx = gy = (1 + 1)/2 = 1 everywhere inside: √(1² + 1²) = √2; the outer ring stays 0
    e = edge_strength(ramp)
    assert e[0, 1:3, 1:3] == pytest.approx(np.full((2, 2), 2**0.5)) and e[0, 0].tolist() == [0.0] * 4


def test_a_class_below_the_target_is_wrong_too():
    target = np.full((1, 4, 4), 7)
    predicted = target.copy()
    predicted[0, 1:3, 1:3] = 2  # the 4 edge pixels: a smaller class, still wrong
    (a,) = edge_accuracies(
        split_record({"m": predicted}, target, GREY, EdgeSplitConfig(models=("m",))), EdgeSplitConfig(models=("m",))
    )
    assert (a.overall, a.flat, a.edge) == (75.0, 100.0, 0.0)  # 12 of 16 right, all 12 ring pixels
