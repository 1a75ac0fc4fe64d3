import pytest
import torch
from torch import nn

from solutions.answers.torch_counts import measure_rows


def test_hand_counted_conv_bn_relu():
    # Conv2d(2→3, k=3, no padding) on 6×5: output 3×4×3 = 36 elements, each 3·3·2 = 18 MACs.
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2))
    conv, bn, relu, pool = measure_rows(model, (2, 6, 5))
    assert (conv.weights, conv.biases, conv.outputs, conv.connections) == (54, 3, 36, 36 * 18)
    assert (bn.bn_params, bn.bn_buffers, bn.weights) == (6, 6, 0)  # γ, β vs running mean, var
    assert relu.outputs == 36 and relu.connections == 0
    assert pool.output_shape == (3, 2, 1)


def test_measurement_leaves_the_model_as_it_was():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2)).train()
    before = model[1].running_mean.clone()
    measure_rows(model, (1, 8, 8))
    assert model.training and torch.equal(model[1].running_mean, before)


def test_conv_without_bias():
    (row,) = measure_rows(nn.Sequential(nn.Conv2d(1, 4, 3, bias=False)), (1, 5, 5))
    assert row.biases == 0 and row.weights == 36


def test_bad_shape():
    with pytest.raises(ValueError, match="input_shape"):
        measure_rows(nn.Conv2d(1, 1, 1), (1, 0, 4))


@pytest.mark.parametrize(
    "model, shape, name",
    [
        ("Conv2d(1, 1, 1)", (1, 4, 4), "model"),
        (nn.Conv2d(1, 1, 1), "1,4,4", "input_shape"),
        (nn.Conv2d(1, 1, 1), (1, True, 4), "input_shape"),
        (nn.Conv2d(1, 1, 1), (1, 2.0, 4), "input_shape"),
    ],
)
def test_bad_arguments(model, shape, name):
    with pytest.raises(ValueError, match=name):
        measure_rows(model, shape)
