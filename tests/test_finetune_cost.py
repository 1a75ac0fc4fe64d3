"""Fine-tuning cost: figures worked out by hand on tiny models, then the scaling laws."""

import dataclasses

import pytest

from solutions.answers.finetune_cost import (
    CLAIMED_SIDE_EXPONENT,
    COMPONENTS,
    MODES,
    build,
    depth_sweep,
    fit_slope,
    growth_per_doubling,
    measure,
    resolution_sweep,
    slopes,
)
from solutions.book.figures import plot_depth_scaling, plot_resolution_scaling

F = 4  # bytes per float32


def linear_flops(batch, fan_in, fan_out):
    return 2 * batch * fan_in * fan_out  # one multiply and one add per weight per example


# ------------------------------------------------------------ by hand: MLP

# mlp, n=1, width 4, 3 classes, batch 2: Linear(4, 4) (20 parameters), ReLU, Linear(4, 3) (15).
MLP = dict(n=1, width=4, batch=2, classes=3)


def test_mlp_full_by_hand():
    c = measure("mlp", "full", **MLP)
    assert c.parameters == c.gradients == c.momentum_state == F * 35
    assert c.head_parameters == F * 15
    assert c.sgd_state == 0
    assert c.adam_state == F * (2 * 35 + 4)  # two moments + a one-float step per tensor (4)
    # saved: the input (2×4) for the first weight's gradient; the ReLU output (2×4), kept once
    # although both ReLU and the head save it
    assert c.saved_activations == F * (2 * 4 + 2 * 4)
    fwd1, fwd2 = linear_flops(2, 4, 4), linear_flops(2, 4, 3)
    assert c.forward_flops == fwd1 + fwd2
    # the head needs weight and input gradients (2×), the first layer only its weight gradient
    # (the input does not require grad)
    assert c.backward_flops == fwd1 + 2 * fwd2


@pytest.mark.parametrize("mode", ["last_requires_grad", "last_no_grad"])
def test_mlp_last_layer_by_hand(mode):
    c = measure("mlp", mode, **MLP)
    assert c.parameters == F * 35  # the frozen weights are still held
    assert c.gradients == c.momentum_state == c.head_parameters == F * 15
    assert c.adam_state == F * (2 * 15 + 2)
    assert c.saved_activations == F * 2 * 4  # only the head's input
    assert c.forward_flops == linear_flops(2, 4, 4) + linear_flops(2, 4, 3)
    assert c.backward_flops == linear_flops(2, 4, 3)  # head weight gradient only


def test_deeper_mlp_backward_is_twice_forward_but_the_first_layer():
    c = measure("mlp", "full", n=3, width=5, batch=3, classes=2)
    body, head = linear_flops(3, 5, 5), linear_flops(3, 5, 2)
    assert c.forward_flops == 3 * body + head
    assert c.backward_flops == 2 * c.forward_flops - body


# ------------------------------------------------------------ by hand: conv

# conv, n=1, 2 channels, 4×4 input, batch 1, 3 classes: Conv2d(2, 2, 3) (38), ReLU, 1×1 conv (9).
CONV = dict(n=1, width=2, resolution=4, batch=1, classes=3)


def test_conv_by_hand():
    full, last = measure("conv", "full", **CONV), measure("conv", "last_no_grad", **CONV)
    conv, head = 2 * 16 * 2 * 2 * 9, 2 * 16 * 2 * 3  # 2 × outputs × fan-in
    assert full.parameters == last.parameters == F * (38 + 9)
    assert (full.forward_flops, full.backward_flops) == (conv + head, conv + 2 * head)
    assert (last.forward_flops, last.backward_flops) == (conv + head, head)
    assert full.saved_activations == F * 2 * (2 * 16)  # input and ReLU output
    assert last.saved_activations == F * 2 * 16
    assert last.gradients == F * 9


def test_flatten_head_parameters_grow_with_the_pixels():
    for side in (3, 6):
        c = measure("conv_flatten", "last_no_grad", n=1, width=2, resolution=side, classes=3)
        assert c.head_parameters == c.gradients == F * (2 * side * side * 3 + 3)


def test_no_grad_adds_nothing_for_a_frozen_prefix():
    # autograd records no op whose inputs all have requires_grad=False, so freezing the body
    # already drops its graph; torch.no_grad() around it changes no figure
    for arch in ("mlp", "conv"):
        a = measure(arch, "last_requires_grad", n=3, width=3, resolution=4)
        b = measure(arch, "last_no_grad", n=3, width=3, resolution=4)
        assert dataclasses.replace(a, mode="last_no_grad") == b


# ------------------------------------------------------------ scaling


def by(found, mode, component):
    return next(s.slope for s in found if s.mode == mode and s.component == component)


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_depth_slopes(arch):
    found = slopes(depth_sweep(arch, depths=(8, 16, 32, 64), width=4, resolution=4, classes=2))
    for mode in MODES:
        assert by(found, mode, "parameters") == pytest.approx(1, abs=0.05)  # every mode: O(n)
        assert by(found, mode, "forward_flops") == pytest.approx(1, abs=0.05)
        assert by(found, mode, "sgd_state") is None  # always 0 bytes
        assert by(found, mode, "head_parameters") == 0.0
    for comp in ("gradients", "momentum_state", "adam_state", "saved_activations", "backward_flops"):
        assert by(found, "full", comp) == pytest.approx(1, abs=0.06)
        assert by(found, "last_requires_grad", comp) == by(found, "last_no_grad", comp) == 0.0


def test_resolution_doubling():
    rows = resolution_sweep("conv", n=2, factors=(1, 2), base=4, width=2)
    for mode in MODES:
        small, big = [r for r in rows if r.mode == mode]
        assert big.parameters == small.parameters  # fully convolutional
        assert big.saved_activations == 4 * small.saved_activations
        assert big.forward_flops == 4 * small.forward_flops
    flat = slopes(resolution_sweep("conv_flatten", n=1, factors=(1, 2, 4), base=4, width=2), x="resolution")
    assert growth_per_doubling(by(flat, "full", "head_parameters")) == pytest.approx(4, abs=0.1)
    assert growth_per_doubling(by(flat, "full", "saved_activations")) == 4.0


def test_measured_side_slopes_match_the_claimed_3e_exponents():
    """3(e)'s table, CLAIMED_SIDE_EXPONENT, against the measured growth when the side doubles."""
    assert {k: v for k, v in CLAIMED_SIDE_EXPONENT.items() if v} == {
        "saved_activations": 2,
        "forward_flops": 2,
        "backward_flops": 2,
    }  # r² positions each
    found = slopes(resolution_sweep("conv", n=2, factors=(1, 2, 4), base=4, width=2), x="resolution")
    for mode in MODES:
        for comp, exponent in CLAIMED_SIDE_EXPONENT.items():
            growth = growth_per_doubling(by(found, mode, comp))
            if exponent is None:
                assert growth is None, (mode, comp)
            else:
                assert growth == pytest.approx(2**exponent, abs=0.05), (mode, comp)


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_the_stored_sweeps_record_reads_back_whole():
    # a tiny config measured, stored as JSON, and read back equal to the measurement
    import json

    from solutions.answers.finetune_cost import SweepsConfig, sweeps, sweeps_from_record

    config = SweepsConfig(
        depth_archs=("mlp",),
        resolution_archs=("conv",),
        resolution_n=1,
        bert_modes=("last_no_grad",),
        bert_batches=(1,),
    )
    record = json.loads(json.dumps(sweeps(config)))
    back = sweeps_from_record(record)
    assert back.depth == tuple(depth_sweep("mlp"))
    assert back.resolution == tuple(resolution_sweep("conv", n=1))
    assert list(back.bert_bills) == [("last_no_grad", 1)]
    # BERT-base's classifier: Linear(768, 2) = 768·2 + 2 = 1,538 parameters in 2 tensors
    assert back.bert_parameters["classifier"] == (1538, 2)
    with pytest.raises(ValueError, match="c3de-sweeps"):
        sweeps_from_record({"depth": []})


@pytest.mark.parametrize(
    "kwargs, says",
    [
        (dict(depth_archs=()), "depth_archs"),
        (dict(resolution_archs=("rnn",)), "resolution_archs"),
        (dict(resolution_n=0), "resolution_n"),
        (dict(bert_modes=("frozen",)), "bert_modes"),
        (dict(bert_batches=()), "bert_batches"),
        (dict(bert_batches=(0,)), "bert_batches"),
    ],
)
def test_sweeps_config_is_checked(kwargs, says):
    from solutions.answers.finetune_cost import SweepsConfig

    with pytest.raises(ValueError, match=says):
        SweepsConfig(**kwargs)


def test_fit_slope_edge_cases():
    assert fit_slope([1, 2, 4], [7, 7, 7]) == 0.0
    assert fit_slope([1, 2, 4], [0, 0, 0]) is None
    assert fit_slope([1, 10], [1, 100]) == 2.0
    with pytest.raises(ValueError, match="positive"):
        fit_slope([1, 2], [0, 3])
    with pytest.raises(ValueError, match="length"):
        fit_slope([1, 2], [3])


def test_plots_have_a_panel_per_architecture():
    rows = depth_sweep("mlp", depths=(1, 2), width=2) + depth_sweep("conv", depths=(1, 2), width=2)
    fig = plot_depth_scaling(rows)
    assert len(fig.axes) == 4
    fig = plot_resolution_scaling(resolution_sweep("conv", n=1, factors=(1, 2), base=2, width=2))
    assert len(fig.axes) == 1


def test_components_are_cost_fields():
    names = {f.name for f in dataclasses.fields(measure("mlp", "full", **MLP))}
    assert set(COMPONENTS) <= names


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n=0), "n"),
        (dict(n=2.0), "n"),
        (dict(n=True), "n"),
        (dict(width=0), "width"),
        (dict(resolution=0), "resolution"),
        (dict(mode="frozen"), "mode"),
        (dict(arch="rnn"), "arch"),
        (dict(batch=0), "batch"),
        (dict(classes=-1), "classes"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, name):
    args = dict(arch="mlp", mode="full", n=1) | kwargs
    with pytest.raises(ValueError, match=rf"^{name} must"):
        measure(**args)


def test_bad_sweep_input():
    from solutions.answers.finetune_cost import measure

    with pytest.raises(ValueError, match="^rows must"):
        slopes([], x="n")
    with pytest.raises(ValueError, match="^x must"):
        slopes([measure("mlp", "full", 1, width=4)], x="width")
    with pytest.raises(ValueError, match=r"^factors\[0\] must"):
        resolution_sweep("conv", factors=(0,))
    with pytest.raises(ValueError, match="^mode must"):
        build("conv", "partial", 1)


# ------------------------------------------------------------ BERT-base, by hand


def test_bert_base_parameters_by_hand():
    from solutions.answers.finetune_cost import bert_parameters

    counts = bert_parameters()
    # embeddings: 30,522·768 + 512·768 + 2·768 + LayerNorm 2·768 = 23,440,896 + 393,216 + 1,536
    # + 1,536 = 23,837,184
    assert counts["embeddings"] == (23837184, 5)
    # one layer: QKV 768·2304 + 2304, output 768² + 768, FFN 768·3072 + 3072 and 3072·768 + 768,
    # two LayerNorms 4·768: 1,771,776 + 590,592 + 2,362,368 + 2,360,064 + 3,072 = 7,087,872; ×12
    assert counts["encoder"] == (12 * 7087872, 12 * 12)
    assert counts["pooler"] == (768 * 768 + 768, 2)
    assert counts["classifier"] == (768 * 2 + 2, 2)
    # 109,482,240 without the classifier: Hugging Face's count for bert-base-uncased
    assert sum(c for c, _ in counts.values()) - 1538 == 109482240


def test_bert_last_layer_bill_by_hand():
    from solutions.answers.finetune_cost import bert_bill

    bill = bert_bill("last_no_grad", 32)
    assert bill.frozen_weights == 4 * 109482240 == 437928960
    assert bill.trained_weights == bill.gradients == 4 * 1538 == 6152
    assert bill.adam_state == 4 * (2 * 1538 + 2) == 12312  # two moments + a step per tensor
    assert bill.saved_activations == 32 * 768 * 4 == 98304  # only the classifier's input
    assert bill.total == 437928960 + 6152 + 6152 + 12312 + 98304 == 438051880
    # frozen share: 437,928,960 / 438,051,880 = 99.9719…%
    assert bill.share("frozen_weights") == pytest.approx(99.97194, abs=1e-4)
    assert bill.share("saved_activations") == pytest.approx(100 * 98304 / 438051880)


def test_bert_full_bill_fixed_part_by_hand():
    from solutions.answers.finetune_cost import bert_bill

    bill = bert_bill("full", 1)
    params = 109483778  # every part trained
    assert bill.frozen_weights == 0
    assert bill.trained_weights == bill.gradients == 4 * params
    assert bill.adam_state == 4 * (2 * params + 5 + 144 + 2 + 2)  # 153 parameter tensors
    # shares add up to 100 %
    items = ("frozen_weights", "trained_weights", "gradients", "adam_state", "saved_activations")
    assert sum(bill.share(i) for i in items) == pytest.approx(100)


def test_bert_saved_closed_form_matches_a_direct_measurement():
    from solutions.answers.finetune_cost import BERT_BASE, bert_saved_bytes, bert_saved_closed_form

    small = dataclasses.replace(BERT_BASE, vocab=1000)
    assert bert_saved_closed_form("full", 3, 2) == bert_saved_bytes("full", 3, 2, small)


def test_bert_bad_input():
    from solutions.answers.finetune_cost import bert_bill, bert_saved_bytes

    with pytest.raises(ValueError, match="^mode must"):
        bert_bill("partial", 1)
    with pytest.raises(ValueError, match="^batch must"):
        bert_bill("full", 0)
    with pytest.raises(ValueError, match="^layers must"):
        bert_saved_bytes("full", 0, 1)
    with pytest.raises(ValueError, match="^item must"):
        bert_bill("last_no_grad", 1).share("weights")


# ------------------------------------------------------------ the page's slopes


def test_slopes_are_fitted_from_depth_8_and_the_page_agrees_everywhere():
    from solutions.answers.finetune_cost import FIT_FROM
    from solutions.book.pages import csc413_3de

    assert FIT_FROM == 8  # the fixed-size head hides the trend below n = 8
    for arch in ("mlp", "conv"):
        rows = csc413_3de.slope_table(arch, style="text").splitlines()[2:]
        assert rows and all(r.rstrip(" |").endswith("yes") for r in rows), arch


def test_fit_from_drops_the_small_depths():
    # y = n + 10 (a constant head): on 1…64 the slope is well below 1, on 8…64 closer to 1
    rows = [
        dataclasses.replace(measure("mlp", "full", **MLP), n=n, parameters=n + 10) for n in (1, 2, 4, 8, 16, 32, 64)
    ]
    low = next(s.slope for s in slopes(rows) if s.component == "parameters")
    high = next(s.slope for s in slopes(rows, fit_from=8) if s.component == "parameters")
    # by hand (least squares of log(n + 10) on log n): on 8…64 ≈ 0.68, on 1…64 ≈ 0.46
    assert low < 0.5 < 0.65 < high < 0.7


def test_adam_memory_adds_weights_gradients_state_and_activations():
    c = measure("mlp", "full", **MLP)
    # 4·35 weights + 4·35 gradients + 4·(2·35 + 4) Adam state + 4·(8 + 8) saved = 140 + 140 + 296 + 64
    assert c.adam_memory == 640


def test_the_default_batch_is_two():
    # MLP without batch: the same saved activations as with batch 2, 4·(2·4 + 2·4) = 64 bytes
    c = measure("mlp", "full", n=1, width=4, classes=3)
    assert (c.batch, c.saved_activations) == (2, 64)


def test_growth_per_doubling_by_hand():
    assert growth_per_doubling(3.0) == 8.0  # 2³
    assert growth_per_doubling(0.5) == 1.4142  # √2 = 1.41421…, to 4 decimals
    assert growth_per_doubling(0.0) == 1.0


def test_the_sweeps_the_page_describes():
    from solutions.answers import finetune_cost as fc

    # depths double from 1 to 64 (equal steps in log n) and slopes are fitted on 8–64
    assert fc.DEPTHS == (1, 2, 4, 8, 16, 32, 64) and fc.FIT_FROM == 8
    # sides 8, 16, 32: ×1, ×2, ×4 of the 8-pixel input
    assert tuple(fc.DEFAULT_RESOLUTION * f for f in fc.SIDE_FACTORS) == (8, 16, 32)
    assert fc.DEFAULT_WIDTH == {"mlp": 32, "conv": 8, "conv_flatten": 8}
    # BERT-base as published (L 12, H 768, A 12, FFN 4H), fine-tuned at sequence length 128
    b = fc.BERT_BASE
    assert (b.layers, b.hidden, b.heads, b.ffn, b.seq) == (12, 768, 12, 4 * 768, 128)
