"""The blocks between each encoder block and the output, read from the colourization networks.

By hand from the assignment's architecture: in the CNN, downconv1's output passes downconv2,
rfconv, upconv1, upconv2 and finalconv (5 blocks), downconv2's the last four (4). In the UNet,
downconv1 reaches upconv2 by its skip, then finalconv (2); downconv2 reaches upconv1 by its skip,
then upconv2 and finalconv (3).
"""

import pytest
import torch
from torch import nn

from solutions.answers.layer_paths import INPUT, layers_to_output, reads
from solutions.experiments.models import ColourCNN, ColourUNet


def test_the_cnn_is_a_chain():
    d = layers_to_output(reads(ColourCNN()))
    assert (d["downconv1"], d["downconv2"], d["finalconv"]) == (5, 4, 0)


def test_the_unets_skips_shorten_the_encoders_paths():
    g = reads(ColourUNet())
    assert g["upconv1"] == ("downconv2", "rfconv") and g["finalconv"] == (INPUT, "upconv2")
    d = layers_to_output(g)
    assert (d["downconv1"], d["downconv2"], d["rfconv"]) == (2, 3, 3)


def test_without_the_encoder_skips_the_paths_are_the_cnns():
    d = layers_to_output(reads(ColourUNet(skips="no_encoder")))
    assert (d["downconv1"], d["downconv2"]) == (5, 4)


def test_a_graph_needs_one_output():
    with pytest.raises(ValueError, match="exactly one output"):
        layers_to_output({"a": (INPUT,), "b": (INPUT,)})


def test_reads_refuses_what_is_not_a_module():
    with pytest.raises(TypeError, match="model"):
        reads(lambda x: x)


def test_a_sum_passes_both_inputs_on():
    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(2, 2), nn.Linear(2, 2)

        def forward(self, x):
            return self.b(torch.relu(self.a(x)) + x)

    assert reads(Residual()) == {"a": (INPUT,), "b": (INPUT, "a")}
