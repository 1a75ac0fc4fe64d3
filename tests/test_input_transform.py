"""CSC413 1(d): y = a·x + b on randomly initialised small networks (no training, no data file)."""

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from solutions.experiments.models import ColourCNN, ColourUNet
from solutions.answers.input_transform import (
    ProbeConfig,
    edge_distance,
    measure,
    measure_cases,
    padding_offset,
    probe,
    probe_effects,
    raw_input_convs,
    undo_transform,
)


def small(cls, seed=0):
    torch.manual_seed(seed)
    return cls(num_filters=8, num_colours=6)


def images(n=8, seed=1):
    return torch.rand(n, 1, 32, 32, generator=torch.Generator().manual_seed(seed))


def without_eps(model):
    """A copy whose BatchNorms have ε ≈ 0 (torch refuses 0): then a > 0 is a symmetry in train mode."""
    model = copy.deepcopy(model)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eps = 1e-20
    return model


@torch.no_grad()
def calibrated(model, x):
    """Running statistics of ``x`` (a forward pass in train mode, no weight changes), as after training."""
    model = copy.deepcopy(model)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average
    model.train()(x)
    return model.eval()


def test_positive_scale_in_train_mode_changes_only_through_eps():
    cnn, x = small(ColourCNN), images()
    for a in (2.0, 0.5):
        e = measure(cnn, x, a, 0.0, "train")
        assert e.interior_mean < 1e-2 * e.logit_scale and e.border_mean < 1e-2 * e.logit_scale
        exact = measure(without_eps(cnn), x, a, 0.0, "train")
        assert exact.interior_max < 1e-4 * exact.logit_scale
        assert exact.border_max < 1e-4 * exact.logit_scale
        assert exact.interior_changed == exact.border_changed == 0.0
        assert e.interior_mean > 10 * exact.interior_mean  # what is left is ε's doing


def test_padding_offset_is_constant_inside_and_differs_at_the_edge():
    torch.manual_seed(2)
    w = torch.randn(4, 1, 3, 3)
    s = padding_offset(w, 10, 12)
    inner = s[:, 1:-1, 1:-1]
    assert torch.allclose(inner, w.sum(dim=(1, 2, 3))[:, None, None].expand_as(inner), atol=1e-5)
    assert torch.allclose(s[:, 0, 0], w[:, 0, 1:, 1:].sum(dim=(1, 2)), atol=1e-5)  # a corner


def test_shift_in_train_mode_starts_at_the_border():
    cnn, x = small(ColourCNN), images()
    exact = without_eps(cnn)
    first = measure(exact.downconv1, x, 1.0, 0.2, "train")  # conv → pool → BN → ReLU, 16×16
    assert first.border_mean > 2 * first.interior_mean > 0
    shift = measure(exact, x, 1.0, 0.2, "train")
    scaled = measure(exact, x, 2.0, 0.0, "train")
    assert shift.border_mean > 1e-2 * shift.logit_scale > 100 * scaled.border_mean
    assert shift.border_changed > 0


def test_negative_scale_changes_the_logits():
    cnn, x = small(ColourCNN), images()
    for b in (0.0, 1.0):
        e = measure(cnn, x, -1.0, b, "train")
        assert e.interior_mean > 0.1 * e.logit_scale and e.interior_changed > 10


def test_eval_mode_passes_the_scale_through():
    x = images()
    cnn = calibrated(small(ColourCNN), x)
    e = measure(cnn, x, 2.0, 0.0, "eval")
    train = measure(cnn, x, 2.0, 0.0, "train")
    assert e.interior_mean > 0.05 * e.logit_scale > 5 * train.interior_mean
    assert e.interior_changed > 1


def test_unet_skip_carries_the_scale_in_train_mode():
    unet, x, a = without_eps(small(ColourUNet)), images(), 2.0
    e = measure(unet, x, a, 0.0, "train")
    # Every BN path is invariant, so Δ logits = finalconv's weights on the raw input times (a - 1).
    w_skip = unet.finalconv.weight[:, -1:].detach()
    expected = ((a - 1) * F.conv2d(x, w_skip, padding=1)).abs().mean(1)  # (N, H, W)
    inside = edge_distance(32, 32) >= 1
    assert e.interior_mean == pytest.approx(expected[:, inside].mean().item(), rel=1e-3)
    assert e.border_mean == pytest.approx(expected[:, ~inside].mean().item(), rel=1e-3)
    assert e.interior_mean > 0.05 * e.logit_scale and e.interior_changed > 1


def test_model_is_left_unmodified():
    x = images()
    for model in (small(ColourCNN), calibrated(small(ColourUNet), x)):
        before = {k: v.clone() for k, v in model.state_dict().items()}
        mode = model.training
        measure_cases(model, x, cases=[(2.0, 0.1)])
        assert model.training == mode
        assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_eval_mode_does_not_depend_on_batching_and_rows_are_ordered():
    x = images(5)
    cnn = calibrated(small(ColourCNN), x)
    whole = measure(cnn, x, -1.0, 1.0, "eval", batch_size=5)
    parts = measure(cnn, x, -1.0, 1.0, "eval", batch_size=2)
    assert whole.interior_mean == pytest.approx(parts.interior_mean, rel=1e-5)
    assert whole.border_max == pytest.approx(parts.border_max, rel=1e-5)
    rows = measure_cases(cnn, x, cases=[(2.0, 0.0), (1.0, 0.2)], border=2, label="cnn")
    assert [(r.bn_mode, r.a, r.b, r.border, r.model) for r in rows] == [
        ("train", 2.0, 0.0, 2, "cnn"),
        ("train", 1.0, 0.2, 2, "cnn"),
        ("eval", 2.0, 0.0, 2, "cnn"),
        ("eval", 1.0, 0.2, 2, "cnn"),
    ]
    assert len(rows[0].profile) == 16


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"bn_mode": "test"}, "bn_mode"),
        ({"border": 0}, "border"),
        ({"border": 16}, "border"),
        ({"x": torch.rand(2, 3, 32, 32)}, "x"),
        ({"x": torch.rand(1, 32, 32)}, "x"),
        ({"a": float("nan")}, "a"),
        ({"b": float("inf")}, "b"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, name):
    args = {"model": small(ColourCNN), "x": images(2), "a": 2.0, "b": 0.0} | kwargs
    with pytest.raises(ValueError, match=name):
        measure(**args)


# ---------------------------------------------------------------------------------------------
# Part 1 of the page: a network trained on y = a·x + b can represent what one trained on x can.


@pytest.mark.parametrize("cls", [ColourCNN, ColourUNet])
@pytest.mark.parametrize("a", [2.0, 0.5, -1.0, -3.0])
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_the_first_convolution_undoes_any_nonzero_scale(cls, a, mode):
    # W/a applied to a·x is W applied to x, and 0-padding of a·x is 0-padding of x: exact everywhere,
    # whatever BatchNorm does afterwards (and for a < 0 before max-pooling sees anything).
    net, x = small(cls).train(mode == "train"), images()
    with torch.no_grad():
        assert torch.allclose(undo_transform(net, a, 0.0)(a * x), net(x), atol=1e-4)


@pytest.mark.parametrize("cls", [ColourCNN, ColourUNet])
def test_a_shift_is_undone_inside_and_not_at_the_border(cls):
    # With b ≠ 0 the bias absorbs b·ΣW where every tap is in the image; at the border the padding of
    # y is 0 = x's padding of −b/a, so the first convolution's output differs only on its outer ring.
    net, x, a, b = small(cls), images(), 1.0, 0.3
    with torch.no_grad():
        before = net.downconv1.conv(x)
        after = undo_transform(net, a, b).downconv1.conv(a * x + b)
    delta = (after - before).abs().amax(dim=(0, 1))  # (H, W)
    ring = edge_distance(32, 32) == 0
    assert delta[~ring].max() < 1e-5 and delta[ring].min() > 1e-3


def test_raw_input_convs_find_the_unet_skip():
    # CNN: downconv1 only; UNet: also finalconv's last channel (NC = 6 upconv2 channels + 1 input)
    assert len(raw_input_convs(small(ColourCNN))) == 1
    (first, all_), (final, skip) = raw_input_convs(small(ColourUNet))
    assert (all_, skip) == (slice(0, 1), slice(6, 7)) and final.in_channels == 7


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: undo_transform(small(ColourCNN), 0.0, 0.0), "a"),
        (lambda: undo_transform(small(ColourCNN), 1.0, float("inf")), "b"),
        (lambda: undo_transform(small(ColourCNN), True, 0.0), "a"),
        (lambda: raw_input_convs(nn.Linear(2, 2)), "model"),
    ],
)
def test_undo_transform_faults(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_the_stored_probe_reads_back_as_the_measurement_itself():
    import json

    nets = {"cnn": small(ColourCNN), "unet": small(ColourUNet, 1)}
    x = images(n=6)
    config = ProbeConfig(images=4, cases=((2.0, 0.0), (-1.0, 1.0)), profile_case=(1.0, 0.2))
    record = json.loads(json.dumps(probe(nets, x, config)))  # as the store keeps it
    rows, first = probe_effects(record)
    # 2 networks × 2 BN modes × 2 cases, in that order, on the first 4 images only
    assert [(r.model, r.bn_mode, r.a, r.b) for r in rows] == [
        (m, mode, a, b) for m in ("cnn", "unet") for mode in ("train", "eval") for a, b in ((2.0, 0.0), (-1.0, 1.0))
    ]
    assert rows[5] == measure(nets["unet"], x[:4], -1.0, 1.0, "train", label="unet")
    assert first == measure(nets["cnn"].downconv1, x[:4], 1.0, 0.2, "train", label="cnn downconv1")
    assert first.stride == 2 and all(r.images == 4 for r in rows)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ProbeConfig(images=0), "images"),
        (lambda: ProbeConfig(models=()), "models"),
        (lambda: probe({"cnn": None}, images(n=2), ProbeConfig()), "models"),
        (lambda: probe({"cnn": None, "unet": None}, images(n=2), ProbeConfig()), "x"),
        (lambda: probe_effects({}), "record"),
    ],
)
def test_probe_faults_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        call()
