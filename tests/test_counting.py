import random

import pytest
import sympy

from conftest import tier
from solutions.experiments.models import ColourCNN, ColourUNet
from solutions.answers.counting import (NC, NF, colour_cnn_rows, count_totals, doubled_input_ratios,
                                evaluate, pitfalls, typical_answer)
from solutions.answers.torch_counts import measure_rows


@pytest.mark.parametrize("model, cls", [("cnn", ColourCNN), ("unet", ColourUNet)])
def test_default_rows_equal_torch_measurement(model, cls):
    measured = measure_rows(cls(), (1, 32, 32))
    closed = [r.subs({NF: 32, NC: 24}) for r in colour_cnn_rows(model=model)]
    assert measured == closed


def test_random_architectures_match_torch_exactly():
    rng = random.Random(0)
    for _ in range(tier(40, 1000)):
        model = rng.choice(["cnn", "unet"])
        kernel = rng.choice([1, 3, 5, 7]) if model == "unet" else rng.randint(1, 6)
        nf, nc = rng.randint(1, 12), rng.randint(1, 12)
        # the pools halve twice: keep at least one pixel after both
        height, width = rng.randint(4, 40), rng.randint(4, 40)
        if model == "unet":
            height, width = 4 * rng.randint(1, 10), 4 * rng.randint(1, 10)  # skips must line up
        cls = ColourUNet if model == "unet" else ColourCNN
        measured = measure_rows(cls(kernel, nf, nc), (1, height, width))
        closed = colour_cnn_rows(NF, NC, kernel, height, width, model=model)
        assert measured == [r.subs({NF: nf, NC: nc}) for r in closed], (model, kernel, nf, nc, height, width)


def test_totals_at_defaults():
    t = count_totals(colour_cnn_rows())
    assert evaluate(t["learnable"]) == sum(p.numel() for p in ColourCNN().parameters())
    assert evaluate(t["bn_buffers"]) == sum(b.numel() for n, b in ColourCNN().named_buffers()
                                            if "running" in n)
    assert t["weights"] == 72 * NF**2 + 9 * NF * NC + 9 * NF + 9 * NC**2
    assert t["biases"] == 6 * NF + 2 * NC


def test_rows_add_up_to_totals():
    rows = colour_cnn_rows()
    t = count_totals(rows)
    assert t["outputs_all_layers"] == sympy.expand(sum(r.outputs for r in rows))
    assert t["learnable"] == sympy.expand(sum(r.weights + r.biases + r.bn_params for r in rows))


def test_doubling_the_input():
    ratios = doubled_input_ratios()
    assert ratios["learnable"] == 1 and ratios["weights"] == 1
    assert ratios["connections"] == 4 and ratios["outputs_all_layers"] == 4
    big = measure_rows(ColourCNN(), (1, 64, 64))
    assert sum(r.connections for r in big) == evaluate(count_totals(colour_cnn_rows(height=64, width=64))["connections"])


def test_typical_answer_formulas_where_right_and_wrong():
    t = count_totals(colour_cnn_rows())
    typ = typical_answer()
    assert typ["connections"] == t["connections"]              # right
    assert typ["outputs"] == t["outputs_conv_resample"]         # right, under its convention
    assert typ["weights"] == sympy.expand(t["with_running_stats"] - t["biases"])  # the two slips


def test_pitfall_numbers():
    slips = {s.slip: s for s in pitfalls()}
    assert slips["biases forgotten (weights + BN γ, β only)"].difference == -(6 * 32 + 2 * 24)
    assert slips["running mean/var counted as weights"].difference == 2 * (6 * 32 + 24)
    assert slips["32·32·NC typed as 1204·NC (twice)"].difference == 2 * 180 * 24
    assert all(s.right == evaluate(count_totals(colour_cnn_rows())["learnable"])
               for s in pitfalls()[:3])


@pytest.mark.parametrize("kwargs, name", [
    (dict(kernel=0), "kernel"), (dict(height=-1), "height"), (dict(width=2.5), "width"),
    (dict(model="rnn"), "model"), (dict(kernel=2, model="unet"), "kernel"),
    (dict(height=2), "height"),
])
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        colour_cnn_rows(**kwargs)


@pytest.mark.parametrize("kwargs, name", [
    (dict(kernel=0), "kernel"), (dict(num_filters=-3), "num_filters"), (dict(num_colours=1.5), "num_colours")])
def test_model_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ColourCNN(**kwargs)
