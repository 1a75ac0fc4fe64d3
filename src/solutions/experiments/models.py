"""The colourization networks of CSC413 PA2: the CNN (Part 1) and the UNet (Part 2).

Written after the assignment's starter code: every block is
conv → (maxpool | upsample) → BatchNorm → ReLU, the conv has a bias and
padding ``kernel // 2``. Sub-modules are named (``downconv1.conv``,
``downconv1.pool``, ...) so that torch's names match the rows of
:mod:`solutions.answers.counting`.

>>> import torch
>>> ColourCNN()(torch.zeros(2, 1, 32, 32)).shape
torch.Size([2, 24, 32, 32])
>>> ColourUNet()(torch.zeros(2, 1, 32, 32)).shape
torch.Size([2, 24, 32, 32])
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from solutions.answers.common import KERNEL, NUM_COLOURS, NUM_FILTERS, choice, positive_int

# Which skip connections a ColourUNet keeps (the ablations of CSC413 2(c)):
#   "all"        both encoder skips (downconv2 → upconv1, downconv1 → upconv2) and the input → finalconv;
#   "no_input"   the encoder skips only: finalconv sees upconv2's output alone;
#   "no_encoder" the input skip only: the decoder sees nothing of downconv1/2 directly;
#   "none"       no skip at all (the CNN's layers).
SKIPS = ("all", "no_input", "no_encoder", "none")


def _block(c_in: int, c_out: int, kernel: int, resample: str | None) -> nn.Sequential:
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    layers["conv"] = nn.Conv2d(c_in, c_out, kernel_size=kernel, padding=kernel // 2)
    if resample == "pool":
        layers["pool"] = nn.MaxPool2d(2)
    elif resample == "upsample":
        layers["upsample"] = nn.Upsample(scale_factor=2)
    layers["bn"] = nn.BatchNorm2d(c_out)
    layers["relu"] = nn.ReLU()
    return nn.Sequential(layers)


class ColourCNN(nn.Module):
    """Part 1's CNN: greyscale (N, in_channels, H, W) → logits (N, num_colours, H, W)."""

    def __init__(
        self, kernel: int = KERNEL, num_filters: int = NUM_FILTERS, num_colours: int = NUM_COLOURS, in_channels: int = 1
    ) -> None:
        super().__init__()
        k = positive_int("kernel", kernel)
        nf = positive_int("num_filters", num_filters)
        nc = positive_int("num_colours", num_colours)
        c_in = positive_int("in_channels", in_channels)
        self.downconv1 = _block(c_in, nf, k, "pool")
        self.downconv2 = _block(nf, 2 * nf, k, "pool")
        self.rfconv = _block(2 * nf, 2 * nf, k, None)
        self.upconv1 = _block(2 * nf, nf, k, "upsample")
        self.upconv2 = _block(nf, nc, k, "upsample")
        self.finalconv = nn.Conv2d(nc, nc, kernel_size=k, padding=k // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.downconv1(x)  # (N, NF, H/2, W/2)
        x = self.downconv2(x)  # (N, 2NF, H/4, W/4)
        x = self.rfconv(x)  # (N, 2NF, H/4, W/4)
        x = self.upconv1(x)  # (N, NF, H/2, W/2)
        x = self.upconv2(x)  # (N, NC, H, W)
        return self.finalconv(x)


class ColourUNet(nn.Module):
    """Part 2's UNet: the CNN's blocks plus skips (concatenations along channels).

    With ``skips="all"`` (the assignment's), upconv1 reads [rfconv, downconv2]
    (4NF channels), upconv2 reads [upconv1, downconv1] (2NF), finalconv reads
    [upconv2, input] (NC + in_channels). The other values of :data:`SKIPS` drop
    the encoder skips (upconv1 then reads 2NF channels, upconv2 NF), the input
    skip (finalconv reads NC), or both. Layers are created in the same order
    for every variant, so a seed initialises the layers they share alike.
    """

    def __init__(
        self,
        kernel: int = KERNEL,
        num_filters: int = NUM_FILTERS,
        num_colours: int = NUM_COLOURS,
        in_channels: int = 1,
        skips: str = "all",
    ) -> None:
        super().__init__()
        k = positive_int("kernel", kernel)
        nf = positive_int("num_filters", num_filters)
        nc = positive_int("num_colours", num_colours)
        c_in = positive_int("in_channels", in_channels)
        self.skips = choice("skips", skips, SKIPS)
        if k % 2 == 0:
            raise ValueError(f"kernel must be odd for the UNet's skips to line up, got {k}")
        self.encoder_skips = skips in ("all", "no_input")
        self.input_skip = skips in ("all", "no_encoder")
        e = 1 if self.encoder_skips else 0
        self.downconv1 = _block(c_in, nf, k, "pool")
        self.downconv2 = _block(nf, 2 * nf, k, "pool")
        self.rfconv = _block(2 * nf, 2 * nf, k, None)
        self.upconv1 = _block(2 * nf + e * 2 * nf, nf, k, "upsample")
        self.upconv2 = _block(nf + e * nf, nc, k, "upsample")
        self.finalconv = nn.Conv2d(nc + (c_in if self.input_skip else 0), nc, kernel_size=k, padding=k // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d1 = self.downconv1(x)  # (N, NF, H/2, W/2)
        d2 = self.downconv2(d1)  # (N, 2NF, H/4, W/4)
        rf = self.rfconv(d2)  # (N, 2NF, H/4, W/4)
        if self.encoder_skips:
            u1 = self.upconv1(torch.cat([rf, d2], dim=1))  # (N, NF, H/2, W/2)
            u2 = self.upconv2(torch.cat([u1, d1], dim=1))  # (N, NC, H, W)
        else:
            u2 = self.upconv2(self.upconv1(rf))
        if self.input_skip:
            return self.finalconv(torch.cat([u2, x], dim=1))
        return self.finalconv(u2)
