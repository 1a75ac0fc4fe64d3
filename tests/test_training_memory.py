import pytest
import torch
from torch import nn

from solutions.answers.training_memory import (
    gradient_bytes,
    optimizer_state_bytes,
    output_gradient_bytes,
    parameter_bytes,
    saved_activation_bytes,
)


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))  # 35 + 18 parameters


def test_parameters_and_gradients_by_hand():
    m = mlp()
    assert parameter_bytes(m) == 4 * 53
    m[0].weight.requires_grad_(False)
    assert parameter_bytes(m, trainable_only=True) == 4 * (53 - 30)
    m(torch.ones(2, 6)).sum().backward()
    assert gradient_bytes(m) == 4 * (53 - 30)


@pytest.mark.parametrize("name, floats", [("sgd", 0), ("sgd_momentum", 53), ("adam", 2 * 53 + 4)])
def test_optimizer_state_by_hand(name, floats):
    # Adam keeps a one-element float32 step tensor per parameter tensor (4 tensors here)
    m = mlp()
    before = [p.detach().clone() for p in m.parameters()]
    assert optimizer_state_bytes(m, name, torch.ones(2, 6)) == 4 * floats
    assert all(torch.equal(a, b) for a, b in zip(before, m.parameters()))  # weights restored


def test_optimizer_name_is_checked():
    with pytest.raises(ValueError, match="optimizer"):
        optimizer_state_bytes(mlp(), "rmsprop", torch.ones(1, 6))


def test_saved_activations_by_hand():
    # Linear 1 saves its input (2×6); ReLU saves its output (2×5), which Linear 2 also saves
    # (one storage); parameters are excluded.
    assert saved_activation_bytes(mlp(), torch.ones(2, 6)) == 4 * (2 * 6 + 2 * 5)


def test_saved_activations_scale_with_batch():
    m = mlp()
    assert saved_activation_bytes(m, torch.ones(8, 6)) == 4 * saved_activation_bytes(m, torch.ones(2, 6))


def test_output_gradients_by_hand():
    # gradients of the ReLU output (2×5) and of the last output (2×3)
    watched = output_gradient_bytes(mlp(), torch.ones(2, 6), lambda n, m: n in ("1", "2"))
    assert watched == 4 * (2 * 5 + 2 * 3)


def test_peak_bytes_by_hand():
    from solutions.answers.training_memory import peak_bytes

    def step():
        a = torch.empty(1000)  # 4,000 B
        b = torch.empty(500)  # + 2,000 B: 6,000 B alive
        del a, b
        c = torch.empty(1200)  # 4,800 B alone
        return c

    assert peak_bytes(step) == 6000
    with pytest.raises(ValueError, match="^step must"):
        peak_bytes(42)


def test_parameter_bytes_counts_frozen_parameters_by_default():
    # the default is every parameter: 53 floats whether or not the first weight (30) is frozen
    m = mlp()
    m[0].weight.requires_grad_(False)
    assert parameter_bytes(m) == 4 * 53
    assert parameter_bytes(m, trainable_only=False) == 4 * 53


@pytest.mark.parametrize("name", ["Adam", "a", "sgd_nesterov", "zzz"])
def test_only_the_three_optimizer_names_are_accepted(name):
    # names ordered before "adam" and after "sgd_momentum" are refused too
    with pytest.raises(ValueError, match="^optimizer must be one of"):
        optimizer_state_bytes(mlp(), name, torch.ones(1, 6))


def test_the_optimizers_are_the_homeworks():
    # lr 1e-3 for all three; momentum 0.9 for SGD with momentum, none for plain SGD
    from solutions.answers.training_memory import _make_optimizer

    params = list(mlp().parameters())
    sgd, momentum, adam = (_make_optimizer(n, params).defaults for n in ("sgd", "sgd_momentum", "adam"))
    assert (sgd["lr"], sgd["momentum"]) == (1e-3, 0)
    assert (momentum["lr"], momentum["momentum"]) == (1e-3, 0.9)
    assert adam["lr"] == 1e-3


def test_output_gradients_leave_the_model_as_found():
    # hooks removed and .grad reset to None: a second call with nothing watched counts 0 B
    m = mlp()
    assert output_gradient_bytes(m, torch.ones(2, 6), lambda n, _: n == "2") == 4 * 2 * 3
    assert all(p.grad is None for p in m.parameters())
    assert all(not mod._forward_hooks for mod in m.modules())
    assert output_gradient_bytes(m, torch.ones(2, 6), lambda n, _: False) == 0
