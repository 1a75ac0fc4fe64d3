import pytest
import sympy

from conftest import FULL
from solutions.answers import alexnet_1x1 as ax
from solutions.book.pages import cs5242_q3


def test_parameter_increase():
    # two 1×1 convs per block: 2·(96·96 + 96) + 2·(256·256 + 256) = 18,624 + 131,584 = 150,208
    assert ax.added_parameters() == 150208
    # without biases: 2·96² + 2·256² = 18,432 + 131,072 = 149,504 (the typical answer's figure)
    assert ax.added_parameters(with_bias=False) == 149504
    with_blocks = sum(p.numel() for p in ax.alexnet_front(True).parameters())
    without = sum(p.numel() for p in ax.alexnet_front(False).parameters())
    assert with_blocks - without == 150208


def test_block_output_sizes():
    # CONV1: ⌊(227 − 11)/4⌋ + 1 = 55; pool 3/2: ⌊(55 − 3)/2⌋ + 1 = 27; CONV2 pad 2: 27
    assert (ax.S1, ax.S2) == (55, 27)
    # two saved maps per block: 2·96·55² + 2·256·27² = 580,800 + 373,248 = 954,048 floats
    assert ax.added_saved_activation_floats() == 954048


def test_the_headline_by_hand():
    h = cs5242_q3.headline()
    # parameters 4·150,208 = 600,832 B; the same for gradients; Adam: two moments 2·600,832
    # + one 4-byte step per tensor (8 tensors) = 1,201,696 → fixed part 2,403,360 B
    assert h["q3_param_bytes"] == 600832
    assert h["q3_fixed_adam"] == 600832 + 600832 + 1201696 == 2403360
    # per image: saved 4·954,048 = 3,816,192 B; activation gradients (1×1, ReLU, 1×1, ReLU per
    # block): 4·4·(96·55² + 256·27²) = 16·477,024 = 7,632,384 B
    assert h["q3_saved_bytes"] == 3816192
    assert h["q3_act_grad_bytes"] == 7632384
    # batch 128 with Adam: 2,403,360 + 128·(3,816,192 + 7,632,384) = 2,403,360 + 1,465,417,728
    assert h["q3_batch_adam"] == 1467821088
    # plain SGD has no state: 1,201,664 + 1,465,417,728
    assert h["q3_batch_sgd"] == 1466619392
    # the bound at batch 8 with Adam: 2,403,360 + 8·11,448,576 = 93,991,968
    assert h["q3_bound_at_peak_batch"] == 93991968
    # the typical answer: 4·149,504·2 + 3,816,192 = 5,012,224 B; with biases 5,017,856 B
    assert h["q3_typical_own"] == 5012224
    assert h["q3_typical_items"] == 5017856


def test_bill_formula_by_hand():
    # fixed part + per-image part · B, coefficients worked out above
    assert sympy.expand(ax.bill_formula("adam") - (2403360 + 11448576 * ax.B)) == 0
    assert sympy.expand(ax.bill_formula("sgd") - (1201664 + 11448576 * ax.B)) == 0
    # momentum: one buffer, 600,832 B, on top of SGD's 1,201,664
    assert sympy.expand(ax.bill_formula("sgd_momentum") - (1802496 + 11448576 * ax.B)) == 0
    # no ReLUs: two gradient maps per block instead of four: 3,816,192 + 3,816,192 per image
    assert sympy.expand(ax.bill_formula("adam", "no_relu") - (2403360 + 7632384 * ax.B)) == 0


@pytest.mark.slow
def test_measured_peak_is_between_the_saved_activations_and_the_bound():
    # measured (torch.profiler) at batch 8. The saved activations of 8 images are
    # 8·3,816,192 = 30,529,536 B; the peak above the fixed 2,403,360 B must be of that order
    # (3.0 to 4.5 MB per image), and far below the bound 2,403,360 + 8·11,448,576 = 93,991,968
    peak = ax.measured_peak(8)
    assert 2403360 + 8 * 3000000 < peak < 2403360 + 8 * 4500000
    assert peak < 93991968 / 2


CASES = (
    [(o, v) for v in ax.VARIANTS for o in ax.OPTIMIZERS]
    if FULL
    else [("adam", "relu"), ("sgd", "no_relu"), ("sgd_momentum", "relu_inplace")]
)


@pytest.mark.parametrize("optimizer, variant", CASES)
def test_measured_bill_equals_closed_form(optimizer, variant):
    batch = 2
    assert ax.measured_bill(optimizer, batch, variant) == ax.closed_form_bill(optimizer, batch, variant)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ax.measured_bill("adamw"), "optimizer"),
        (lambda: ax.measured_bill("sgd", 0), "batch"),
        (lambda: ax.closed_form_bill("sgd", 2.0), "batch"),
        (lambda: ax.closed_form_bill("sgd", 2, "gelu"), "variant"),
        (lambda: ax.alexnet_front(True, "gelu"), "variant"),
        (lambda: ax.closed_form_bill("lbfgs"), "optimizer"),
        (lambda: ax.measured_peak(0), "batch"),
        (lambda: ax.measured_peak(2, "rmsprop"), "optimizer"),
        (lambda: ax.added_parameters(1), "with_bias"),
        (lambda: ax.hand_in_items("no"), "with_bias"),
    ],
)
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        call()


def test_only_the_inplace_variant_makes_its_relus_inplace():
    relus = {
        v: [m.inplace for m in ax.alexnet_front(True, v).modules() if isinstance(m, __import__("torch").nn.ReLU)]
        for v in ("relu", "relu_inplace")
    }
    # the blocks' ReLUs are the last four (relu_a, relu_b in each of the two blocks)
    assert relus["relu"][-4:] == [False] * 4 and relus["relu_inplace"][-4:] == [True] * 4


def test_a_bill_is_frozen_and_lists_its_items_and_total():
    import dataclasses

    bill = ax.MemoryBill(parameters=1, gradients=2, optimizer_state=3, saved_activations=4, activation_gradients=5)
    assert bill.as_dict() == {
        "parameters": 1,
        "gradients": 2,
        "optimizer_state": 3,
        "saved_activations": 4,
        "activation_gradients": 5,
        "total": 15,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        bill.parameters = 0


def test_the_peak_adds_parameters_adam_state_and_input_to_the_step(monkeypatch):
    import torch

    # With the step's own peak taken as 0, what remains is held for the whole step: the weights
    # (P bytes), Adam's two moments (2P) and one step counter per parameter tensor (a float32
    # scalar, 4 bytes each), and the input: 3 · 227 · 227 floats = 154,587 · 4 = 618,348 bytes.
    monkeypatch.setattr(ax, "peak_bytes", lambda step: (step(), 0)[1])
    model = ax.alexnet_front(False)
    p = 4 * sum(t.numel() for t in model.parameters())
    tensors = len(list(model.parameters()))
    assert ax._peak.__wrapped__(False, 1, "adam", "relu") == 3 * p + 4 * tensors + 618_348


@pytest.mark.parametrize(
    "kwargs, says",
    [
        (dict(batch=0), "batch"),
        (dict(batch=True), "batch"),
        (dict(optimizer="lbfgs"), "optimizer"),
        (dict(variant="gelu"), "variant"),
    ],
)
def test_the_stored_peak_config_is_checked(kwargs, says):
    from solutions.answers.alexnet_1x1 import PeakConfig

    with pytest.raises(ValueError, match=says):
        PeakConfig(**kwargs)


def test_the_peak_record_is_the_measured_peak(monkeypatch):
    from solutions.answers import alexnet_1x1

    seen = []
    monkeypatch.setattr(alexnet_1x1, "measured_peak", lambda *a: seen.append(a) or 1234)
    assert alexnet_1x1.peak_record(alexnet_1x1.PeakConfig(batch=3, optimizer="sgd")) == {"peak": 1234}
    assert seen == [(3, "sgd", "relu")]
    with pytest.raises(ValueError, match="config"):
        alexnet_1x1.peak_record({"batch": 3})
