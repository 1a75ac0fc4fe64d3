"""UNet training throughput on this machine, beside torch's sgemm rate measured in the same run.

    .venv/bin/python benchmarks/unet_throughput.py [--batches 5 100 500] [--steps 20]

Prints images/s and the FLOP rate (forward + backward + Adam step, counted by
torch.utils.flop_counter) as a fraction of the sgemm rate on 2048×2048
matrices. The issue's goal: at batch 100, at least 0.75 of sgemm.
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from solutions.experiments.training import TrainConfig, _layout, build_model


def sgemm_gflops(n: int = 2048, repeats: int = 10) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def training_rate(batch: int, steps: int, channels_last: bool = True) -> tuple[float, float]:
    """(images/s, GFLOP/s) of UNet training steps at ``batch``."""
    config = TrainConfig(model="unet", batch_size=batch, channels_last=channels_last)
    model = build_model(config)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    x = _layout(torch.rand(batch, 1, 32, 32), config)
    y = torch.randint(0, 24, (batch, 32, 32))

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    with FlopCounterMode(display=False) as counter:
        step()
    flops = counter.get_total_flops()
    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - start) / steps
    return batch / seconds, flops / seconds / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[5, 100, 500])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    gemm = sgemm_gflops()
    print(f"sgemm 2048x2048: {gemm:.1f} GFLOP/s")
    for batch in args.batches:
        for cl in (False, True):
            images, gflops = training_rate(batch, max(3, args.steps * 100 // max(batch, 100)), cl)
            layout = "channels_last" if cl else "NCHW"
            print(
                f"UNet batch {batch:>3} {layout:<13}: {images:7.0f} images/s, "
                f"{gflops:6.1f} GFLOP/s = {gflops / gemm:.2f} of sgemm"
            )
    print(f"sgemm again: {sgemm_gflops():.1f} GFLOP/s (a drift means the machine was busy)")


if __name__ == "__main__":
    main()
