import pytest
import torch

from solutions.experiments.preprocess import HorseTensors
from solutions.experiments.training import GRID_IMAGES, TrainConfig, resolve_device, summarise, train


def tiny_data(n_train=12, n_test=10, colours=3):
    g = torch.Generator().manual_seed(1)
    return HorseTensors(torch.rand(n_train, 1, 32, 32, generator=g),
                        torch.randint(0, colours, (n_train, 32, 32), generator=g),
                        torch.rand(n_test, 1, 32, 32, generator=g),
                        torch.randint(0, colours, (n_test, 32, 32), generator=g),
                        torch.rand(colours, 3, generator=g))


TINY = dict(num_filters=2, num_colours=3, batch_size=5, epochs=3)


@pytest.mark.parametrize("model", ["cnn", "unet"])
def test_same_config_same_result(model):
    data = tiny_data()
    a = train(TrainConfig(model=model, **TINY), data)
    b = train(TrainConfig(model=model, **TINY), data)
    assert [(e.train_loss, e.val_loss, e.val_accuracy) for e in a.epochs] == \
           [(e.train_loss, e.val_loss, e.val_accuracy) for e in b.epochs]
    assert a.steps == 3 * 3  # ceil(12 / 5) batches per epoch


def test_resumed_run_equals_uninterrupted_run(tmp_path):
    data = tiny_data()
    full = train(TrainConfig(model="unet", **TINY), data)
    ckpt = tmp_path / "run.pt"
    train(TrainConfig(model="unet", **(TINY | {"epochs": 1})), data, checkpoint=ckpt)  # "killed" after 1
    resumed = train(TrainConfig(model="unet", **TINY), data, checkpoint=ckpt)
    assert [e.val_loss for e in resumed.epochs] == [e.val_loss for e in full.epochs]
    assert resumed.steps == full.steps
    for (name, p), q in zip(full.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.equal(p, q), name


def test_learning_reduces_training_loss():
    data = tiny_data(n_train=20)
    run = train(TrainConfig(model="cnn", num_filters=4, num_colours=3, batch_size=10, epochs=6,
                            learning_rate=0.01), data)
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


@pytest.mark.parametrize("kwargs, name", [
    (dict(model="gan"), "model"), (dict(batch_size=0), "batch_size"), (dict(epochs=2.5), "epochs"),
    (dict(learning_rate=-1.0), "learning_rate"), (dict(seed=-1), "seed"), (dict(kernel=True), "kernel")])
def test_bad_config(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TrainConfig(**kwargs)


def test_targets_beyond_num_colours_are_rejected():
    with pytest.raises(ValueError, match="num_colours"):
        train(TrainConfig(num_filters=2, num_colours=2, batch_size=5, epochs=1), tiny_data(colours=3))


def test_device_names():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in ("cpu", "cuda")
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu-please")
