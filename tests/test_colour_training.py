import dataclasses
import types
import warnings

import pytest
import torch
import torch.nn.functional as F

from solutions.experiments import training
from solutions.experiments.models import ColourCNN, ColourUNet
from solutions.experiments.preprocess import HorseTensors
from solutions.experiments.store import get_or_compute, read_entry
from solutions.experiments.training import GRID_IMAGES, NonFiniteLoss, TrainConfig, resolve_device, summarise, train


def tiny_data(n_train=12, n_test=10, colours=3):
    g = torch.Generator().manual_seed(1)
    return HorseTensors(
        torch.rand(n_train, 1, 32, 32, generator=g),
        torch.randint(0, colours, (n_train, 32, 32), generator=g),
        torch.rand(n_test, 1, 32, 32, generator=g),
        torch.randint(0, colours, (n_test, 32, 32), generator=g),
        torch.rand(colours, 3, generator=g),
    )


TINY = dict(num_filters=2, num_colours=3, batch_size=5, epochs=3)


@pytest.mark.parametrize("model", ["cnn", "unet"])
def test_same_config_same_result(model):
    data = tiny_data()
    a = train(TrainConfig(model=model, **TINY), data)
    b = train(TrainConfig(model=model, **TINY), data)
    assert [(e.train_loss, e.val_loss, e.val_accuracy) for e in a.epochs] == [
        (e.train_loss, e.val_loss, e.val_accuracy) for e in b.epochs
    ]
    assert a.steps == 3 * 3  # ceil(12 / 5) batches per epoch


class Killed(Exception):
    pass


def kill_after(n):
    def on_epoch(record):
        if record.epoch == n:
            raise Killed

    return on_epoch


def interrupted_run(config, data, ckpt, after=1):
    """A run "killed" right after epoch ``after`` (its checkpoint is written by then)."""
    with pytest.raises(Killed):
        train(config, data, checkpoint=ckpt, on_epoch=kill_after(after))
    assert ckpt.exists()


def same_run(a, b):
    assert [e.val_loss for e in a.epochs] == [e.val_loss for e in b.epochs]
    assert a.steps == b.steps
    for (name, p), q in zip(a.model.state_dict().items(), b.model.state_dict().values()):
        assert torch.equal(p, q), name


def test_resumed_run_equals_uninterrupted_run(tmp_path):
    data = tiny_data()
    config = TrainConfig(model="unet", **TINY)
    full = train(config, data)
    ckpt = tmp_path / "run.pt"
    interrupted_run(config, data, ckpt)
    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a sound checkpoint resumes without a word
        resumed = train(config, data, checkpoint=ckpt, on_epoch=lambda r: seen.append(r.epoch))
    same_run(resumed, full)
    assert seen == [2, 3]  # epoch 1 came from the checkpoint, not retrained


def _flip_last_byte(path):
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0x01
    path.write_bytes(bytes(blob))


def _truncate(path):
    path.write_bytes(path.read_bytes()[:-100])


def _flip_header_byte(path):
    blob = bytearray(path.read_bytes())
    blob[len(training.CHECKPOINT_MAGIC) + 3] ^= 0x20  # inside the JSON header
    path.write_bytes(bytes(blob))


@pytest.mark.parametrize(
    "damage, reason",
    [
        (_flip_last_byte, "does not match the SHA-256"),
        (_truncate, "truncated"),
        (_flip_header_byte, "header is damaged|another run"),
        (lambda p: p.write_bytes(b"PK\x03\x04 old torch.save"), "not a checkpoint"),
    ],
)
def test_a_damaged_checkpoint_is_refused_set_aside_and_the_run_restarts(tmp_path, damage, reason):
    data = tiny_data()
    config = TrainConfig(model="cnn", **TINY)
    ckpt = tmp_path / "run.pt"
    interrupted_run(config, data, ckpt)
    damage(ckpt)
    damaged = ckpt.read_bytes()
    with pytest.warns(RuntimeWarning, match=f"refused: .*({reason}).*starts again from epoch 1"):
        run = train(config, data, checkpoint=ckpt)
    same_run(run, train(config, data))  # from scratch: the right result
    aside = list(tmp_path.glob("run.pt.rejected-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept, not deleted


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    data = tiny_data()
    ckpt = tmp_path / "run.pt"
    interrupted_run(TrainConfig(model="cnn", **(TINY | {"seed": 1})), data, ckpt)
    config = TrainConfig(model="cnn", **TINY)
    with pytest.warns(RuntimeWarning, match="belongs to another run"):
        run = train(config, data, checkpoint=ckpt)
    same_run(run, train(config, data))
    # …and the store key, when given, is what a checkpoint must match
    with pytest.raises(Killed):
        train(config, data, checkpoint=tmp_path / "keyed.pt", key="a" * 64, on_epoch=kill_after(1))
    with pytest.warns(RuntimeWarning, match="another run"):
        train(config, data, checkpoint=tmp_path / "keyed.pt", key="b" * 64)


def test_a_non_finite_loss_stops_the_run_naming_epoch_and_step():
    config = TrainConfig(model="unet", input_scale=1e38, **TINY)  # activations overflow at once
    with pytest.raises(NonFiniteLoss, match="training loss became nan at epoch 1 of 3, step 1 of 3"):
        train(config, tiny_data())


def test_a_nan_mid_run_stores_nothing_and_sets_the_checkpoint_aside(tmp_path, monkeypatch):
    calls = []

    def cross_entropy(logits, target, **kw):
        loss = F.cross_entropy(logits, target, **kw)
        if not kw:  # training steps only (evaluation sums)
            calls.append(1)
            if len(calls) == 5:  # epoch 2, its step 2 (3 steps per epoch)
                return loss * float("nan")
        return loss

    monkeypatch.setattr(training, "F", types.SimpleNamespace(cross_entropy=cross_entropy))
    data, config, ckpt = tiny_data(), TrainConfig(model="cnn", **TINY), tmp_path / "run.pt"

    def compute():
        return {"val_loss": train(config, data, checkpoint=ckpt).epochs[-1].val_loss}

    with pytest.raises(NonFiniteLoss, match="epoch 2 of 3, step 2 of 3 \\(step 5 of the run\\)"):
        get_or_compute("colour", config, ["solutions.experiments.training"], "d", compute, root=tmp_path / "store")
    assert read_entry("colour", "0" * 64, tmp_path / "store") is None
    assert not list((tmp_path / "store").glob("*/*"))  # nothing stored
    assert not ckpt.exists() and len(list(tmp_path.glob("run.pt.nonfinite-*"))) == 1


# Parameters by hand, NF = 32, NC = 24, k = 3, one input channel; a block is conv (9·in·out + out)
# plus BatchNorm (2·out); finalconv has no BatchNorm.
#   downconv1 1→32: 288 + 32 + 64 = 384        downconv2 32→64: 18,432 + 64 + 128 = 18,624
#   rfconv 64→64: 36,864 + 192 = 37,056
#   all:        upconv1 128→32: 36,864 + 96 = 36,960; upconv2 64→24: 13,824 + 72 = 13,896;
#               finalconv 25→24: 5,400 + 24 = 5,424   → 384 + 18,624 + 37,056 + 36,960 + 13,896 + 5,424
#                                                       = 112,344
#   no_input:   finalconv 24→24: 5,184 + 24 = 5,208   → 112,344 − 216 = 112,128
#   no_encoder: upconv1 64→32: 18,432 + 96 = 18,528 (−18,432); upconv2 32→24: 6,912 + 72 = 6,984
#               (−6,912)                             → 112,344 − 18,432 − 6,912 = 87,000
#   none:       both                                 → 87,000 − 216 = 86,784 (the CNN's count)
@pytest.mark.parametrize(
    "skips, params", [("all", 112_344), ("no_input", 112_128), ("no_encoder", 87_000), ("none", 86_784)]
)
def test_unet_skip_variants(skips, params):
    model = ColourUNet(skips=skips)
    assert sum(p.numel() for p in model.parameters()) == params
    out = model(torch.rand(2, 1, 32, 32))
    assert out.shape == (2, 24, 32, 32)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())  # every layer is on the path


def test_a_unet_without_skips_is_the_cnn():
    torch.manual_seed(3)
    cnn = ColourCNN(3, 4, 5).eval()
    torch.manual_seed(3)
    unet = ColourUNet(3, 4, 5, skips="none").eval()
    x = torch.rand(2, 1, 32, 32)
    assert torch.equal(cnn(x), unet(x))
    # and the default is the assignment's UNet: finalconv reads NC + 1 channels
    assert ColourUNet(3, 4, 5).finalconv.in_channels == 6 and ColourUNet(3, 4, 5).skips == "all"


def test_skips_reach_the_trained_model():
    config = TrainConfig(model="unet", unet_skips="no_input", **TINY)
    assert train(config, tiny_data()).model.finalconv.in_channels == 3


def test_input_transform_equals_training_on_transformed_data():
    data = tiny_data()
    config = TrainConfig(model="unet", input_scale=2, input_shift=-0.5, **TINY)
    assert config == TrainConfig(model="unet", input_scale=2.0, input_shift=-0.5, **TINY)  # one key
    by_hand = dataclasses.replace(
        data, x_train_grey=data.x_train_grey * 2.0 - 0.5, x_test_grey=data.x_test_grey * 2.0 - 0.5
    )
    a = train(config, data)
    b = train(TrainConfig(model="unet", **TINY), by_hand)
    same_run(a, b)
    assert summarise(a, data)[0]["per_colour"] == summarise(b, by_hand)[0]["per_colour"]
    # the identity transform is no transform: the default config's inputs are untouched
    assert training.transform_inputs(data.x_train_grey, TrainConfig()) is data.x_train_grey


def test_learning_reduces_training_loss():
    data = tiny_data(n_train=20)
    run = train(
        TrainConfig(model="cnn", num_filters=4, num_colours=3, batch_size=10, epochs=6, learning_rate=0.01), data
    )
    assert run.epochs[-1].train_loss < run.epochs[0].train_loss


def test_summary_shares_add_up():
    data = tiny_data()
    run = train(TrainConfig(model="cnn", **TINY), data)
    result, arrays = summarise(run, data, keep_weights=True)
    assert sum(result["per_colour"]["target_share"]) == pytest.approx(100)
    assert sum(result["per_colour"]["predicted_share"]) == pytest.approx(100)
    assert result["final"]["val_accuracy"] == pytest.approx(run.epochs[-1].val_accuracy)
    assert arrays["grid_predictions"].shape == (GRID_IMAGES, 32, 32)
    assert "weight:finalconv.weight" in arrays


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(model="gan"), "model"),
        (dict(batch_size=0), "batch_size"),
        (dict(epochs=2.5), "epochs"),
        (dict(learning_rate=-1.0), "learning_rate"),
        (dict(seed=-1), "seed"),
        (dict(kernel=True), "kernel"),
        (dict(input_scale=float("nan")), "input_scale"),
        (dict(input_shift=True), "input_shift"),
        (dict(input_scale="2"), "input_scale"),
        (dict(model="unet", unet_skips="some"), "unet_skips"),
        (dict(model="cnn", unet_skips="none"), "unet_skips"),
    ],
)
def test_bad_config(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TrainConfig(**kwargs)


def test_targets_beyond_num_colours_are_rejected():
    with pytest.raises(ValueError, match="num_colours"):
        train(TrainConfig(num_filters=2, num_colours=2, batch_size=5, epochs=1), tiny_data(colours=3))


def test_bad_skips_for_the_model():
    with pytest.raises(ValueError, match="skips"):
        ColourUNet(skips="half")


def test_device_names():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in ("cpu", "cuda")
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu-please")


# --- the training step's layout (benchmarks/sweep_speed.py measures what it saves) -----------------


def test_pixel_cross_entropy_by_hand():
    # two pixels, two colours: logits (0, ln 3) → p(colour 1) = 3/4; targets 1 and 0
    logits = torch.tensor([0.0, torch.log(torch.tensor(3.0))]).view(1, 2, 1, 1).expand(1, 2, 1, 2)
    target = torch.tensor([[[1, 0]]])
    expected = [-torch.log(torch.tensor(0.75)).item(), -torch.log(torch.tensor(0.25)).item()]
    assert training.pixel_cross_entropy(logits, target).item() == pytest.approx(sum(expected) / 2)
    assert training.pixel_cross_entropy(logits, target, total=True).item() == pytest.approx(sum(expected))


@pytest.mark.parametrize("channels_last", [False, True])
def test_pixel_cross_entropy_is_the_per_pixel_loss_in_either_layout(channels_last):
    g = torch.Generator().manual_seed(3)
    logits, target = torch.randn(4, 24, 8, 8, generator=g), torch.randint(0, 24, (4, 8, 8), generator=g)
    if channels_last:
        logits = logits.contiguous(memory_format=torch.channels_last)
    reference = F.cross_entropy(logits.contiguous(), target)
    assert training.pixel_cross_entropy(logits, target).item() == pytest.approx(reference.item(), rel=1e-6)
    assert training.pixel_cross_entropy(logits, target, total=True).item() == pytest.approx(
        reference.item() * target.numel(), rel=1e-6
    )


def test_one_channel_inputs_get_channels_last_strides_and_the_unet_keeps_its_layout():
    # A (B, 1, H, W) tensor passes is_contiguous(channels_last) with NCHW strides; torch.cat with it
    # then returned NCHW and finalconv converted its input and gradient on every step.
    config = TrainConfig(model="unet", **TINY)
    x = torch.rand(5, 1, 32, 32)
    laid = training._layout(x, config)
    assert laid.stride() == (32 * 32, 1, 32, 1) and torch.equal(laid, x)
    assert training._layout(laid, config) is laid  # already laid out: no copy
    assert training._layout(x, dataclasses.replace(config, channels_last=False)) is x
    model = training.build_model(config).to(memory_format=torch.channels_last)
    seen = {}
    model.finalconv.register_forward_pre_hook(lambda m, args: seen.update(x=args[0]))
    model(laid)
    assert seen["x"].is_contiguous(memory_format=torch.channels_last) and seen["x"].stride(1) == 1
