import random

import pytest
import sympy

from conftest import tier
from solutions.experiments.models import ColourCNN, ColourUNet
from solutions.answers.counting import (
    NC,
    NF,
    QUANTITIES,
    Count,
    colour_cnn_rows,
    count_totals,
    doubled_input_ratios,
    evaluate,
    slip_variants,
    total,
    typical_answer,
)
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
    assert evaluate(t["bn_buffers"]) == sum(b.numel() for n, b in ColourCNN().named_buffers() if "running" in n)
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
    assert sum(r.connections for r in big) == evaluate(
        count_totals(colour_cnn_rows(height=64, width=64))["connections"]
    )


def test_typical_answer_formulas_where_right_and_wrong():
    t = count_totals(colour_cnn_rows())
    typ = typical_answer()
    assert typ["connections"] == t["connections"]  # right
    assert typ["outputs"] == t["outputs_conv_resample"]  # right, under its convention
    assert typ["weights"] == sympy.expand(t["with_running_stats"] - t["biases"])  # the two slips


def test_hand_counted_answers_at_the_defaults():
    # NF = 32, NC = 24. Kernel entries, 3×3 convs: 1→NF, NF→2NF, 2NF→2NF, 2NF→NF, NF→NC, NC→NC:
    # 9·(32 + 32·64 + 64·64 + 64·32 + 32·24 + 24·24) = 9·(32 + 2048 + 4096 + 2048 + 768 + 576)
    # = 9·9568 = 86,112
    assert evaluate(total(QUANTITIES["weights"].answer)) == 86112
    # + conv biases 32 + 64 + 64 + 32 + 24 + 24 = 240, + BN γ, β 2·(32 + 64 + 64 + 32 + 24) = 432
    assert evaluate(total(QUANTITIES["parameters"].answer)) == 86112 + 240 + 432 == 86784
    # every layer's outputs: conv, pool/upsample, BN, ReLU per block (finalconv: conv only)
    # downconv1: 32·32·32 + 3·(32·16·16) = 32,768 + 24,576 = 57,344
    # downconv2: 64·16·16 + 3·(64·8·8) = 16,384 + 12,288 = 28,672
    # rfconv: 4·(64·8·8) = 16,384
    # upconv1: 32·8·8 + 3·(32·16·16) = 2,048 + 24,576 = 26,624
    # upconv2: 24·16·16 + 3·(24·32·32) = 6,144 + 73,728 = 79,872
    # finalconv: 24·32·32 = 24,576             total 229,376
    assert evaluate(total(QUANTITIES["outputs"].answer)) == 229376
    # connections = Σ outputs of each conv × 9·C_in:
    # 32,768·9 + 16,384·288 + 4,096·576 + 2,048·576 + 6,144·288 + 24,576·216
    # = 294,912 + 4,718,592 + 2,359,296 + 1,179,648 + 1,769,472 + 5,308,416 = 15,630,336
    assert evaluate(total(QUANTITIES["connections"].answer)) == 15630336
    # doubled H and W: kernels unchanged, every map ×4
    assert evaluate(total(QUANTITIES["weights_doubled"].answer)) == 86112
    assert evaluate(total(QUANTITIES["parameters_doubled"].answer)) == 86784
    assert evaluate(total(QUANTITIES["outputs_doubled"].answer)) == 4 * 229376 == 917504
    assert evaluate(total(QUANTITIES["connections_doubled"].answer)) == 4 * 15630336 == 62521344


def test_typical_answer_charged_only_with_what_it_wrote():
    t = count_totals(colour_cnn_rows())
    typ = typical_answer()
    # 33·32 + 72·1024 + 9·768 + 9·576 + 4·24 = 1,056 + 73,728 + 6,912 + 5,184 + 96 = 86,976
    assert evaluate(typ["weights"]) == 86976 == 86784 - 240 + 432
    # its outputs total (not the 1204 typo): 2368·32 + 2304·24 = 75,776 + 55,296 = 131,072
    assert evaluate(typ["outputs"]) == 131072 == evaluate(t["outputs_conv_resample"])
    assert typ["outputs_doubled"] == 4 * typ["outputs"] and typ["weights_doubled"] == typ["weights"]


def test_slip_switches():
    params = Count(("weights", "biases", "bn_params"))
    # biases off: −(6NF + 2NC); BN affine off: −(12NF + 2NC); buffers summed: +(12NF + 2NC)
    assert total(params) - total(Count(params.fields, bias=False)) == 6 * NF + 2 * NC
    assert total(params) - total(Count(params.fields, bn_affine=False)) == 12 * NF + 2 * NC
    assert total(Count(params.fields + ("bn_buffers",))) - total(params) == 12 * NF + 2 * NC
    # one input channel: 9·(NF + 2NF + 2NF + NF + NC + NC) = 54NF + 18NC
    assert total(Count(("weights",), one_input_channel=True)) == 54 * NF + 18 * NC
    names = [n for (n,), _ in slip_variants(Count(("outputs",)), 1)]
    assert names == ["pooling and upsampling outputs left out", "BatchNorm outputs left out", "ReLU outputs left out"]
    assert slip_variants(Count(("outputs",)), 0) == []


def test_output_slips_apply_to_outputs_only_and_the_x4_slip_to_weights_of_the_doubled_input():
    # dropping layers from a sum is an outputs slip: a connections or weights count has none of it
    for fields in (("connections",), ("weights",)):
        names = {n for (n,), _ in slip_variants(Count(fields), 1)}
        assert not any("outputs left out" in n for n in names), (fields, names)
    # weights at the 64×64 input: "×4" is a slip (kernels do not depend on the image size): 4·86,112
    names = {n: c for (n,), c in slip_variants(Count(("weights",), side=64), 1)}
    slip = names["×4 for the 64×64 input (kernels do not depend on the image size)"]
    assert slip.factor == 4 and evaluate(total(slip)) == 4 * 86_112 == 344_448
    # … and not for the outputs, which do grow ×4
    assert not any(n.startswith("×4") for (n,), _ in slip_variants(Count(("outputs",), side=64), 1))


@pytest.mark.parametrize("value", [0, -3, 2.5, True, "NF", "__import__('os')", None, sympy.Integer(3) * NF])
@pytest.mark.parametrize("name", ["num_filters", "num_colours"])
def test_sizes_must_be_positive_ints_or_symbols(name, value):
    with pytest.raises(ValueError, match=name):
        colour_cnn_rows(**{name: value})


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(bias=1), "bias"),
        (dict(bn_affine="yes"), "bn_affine"),
        (dict(one_input_channel=None), "one_input_channel"),
        (dict(in_channels=True), "in_channels"),
    ],
)
def test_switches_must_be_bools(kwargs, name):
    with pytest.raises(ValueError, match=name):
        colour_cnn_rows(**kwargs)


def test_bad_totals_and_evaluate():
    with pytest.raises(ValueError, match="expr"):
        evaluate("__import__('os').getcwd()")
    with pytest.raises(ValueError, match="expr"):
        evaluate(True)
    with pytest.raises(ValueError, match="values"):
        evaluate(NF, [32])
    with pytest.raises(ValueError, match="fields"):
        Count(("weights", "mass"))
    with pytest.raises(ValueError, match="side"):
        Count(("weights",), side=0)
    with pytest.raises(ValueError, match="count"):
        total("weights")
    with pytest.raises(ValueError, match="depth"):
        slip_variants(Count(("weights",)), -1)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(kernel=0), "kernel"),
        (dict(height=-1), "height"),
        (dict(width=2.5), "width"),
        (dict(model="rnn"), "model"),
        (dict(kernel=2, model="unet"), "kernel"),
        (dict(height=2), "height"),
    ],
)
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        colour_cnn_rows(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [(dict(kernel=0), "kernel"), (dict(num_filters=-3), "num_filters"), (dict(num_colours=1.5), "num_colours")],
)
def test_model_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ColourCNN(**kwargs)
