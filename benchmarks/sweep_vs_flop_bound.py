"""The stored batch-size sweep's time against its FLOP-bound time at this machine's sgemm rate.

    .venv/bin/python benchmarks/sweep_vs_flop_bound.py

FLOP-bound time = (training FLOPs + validation FLOPs of all seven runs, counted by
torch.utils.flop_counter on one step of each) / the sgemm rate measured now.
Printed against the stored wall times (as measured, under whatever load the
machine had) and against epochs × fastest epoch (closer to an unloaded machine).
The issue's goal: the sweep within 1.4× of its FLOP-bound time.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from solutions.experiments import names, registry
from solutions.experiments.training import build_model

from unet_throughput import sgemm_gflops


def flops_per_image() -> tuple[float, float]:
    """(training step FLOPs per image, validation forward FLOPs per image) of the default UNet."""
    model = build_model(registry.RUNS[names.UNET])
    x, y = torch.rand(10, 1, 32, 32), torch.randint(0, 24, (10, 32, 32))
    with FlopCounterMode(display=False) as train_counter:
        F.cross_entropy(model(x), y).backward()
    with torch.no_grad(), FlopCounterMode(display=False) as val_counter:
        model.eval()(x)
    return train_counter.get_total_flops() / 10, val_counter.get_total_flops() / 10


def main() -> None:
    horses, _ = registry.data()
    train_flops, val_flops = flops_per_image()
    gemm = sgemm_gflops() * 1e9
    total_bound = measured = fastest = 0.0
    print(
        f"sgemm {gemm / 1e9:.1f} GFLOP/s; UNet {train_flops / 1e6:.1f} MFLOP per training image, "
        f"{val_flops / 1e6:.1f} MFLOP per validation image"
    )
    for b in names.BATCH_SIZES:
        result = registry.load(names.batch_name(b)).result
        epochs = len(result["epochs"])
        bound = epochs * (len(horses.x_train) * train_flops + len(horses.x_test) * val_flops) / gemm
        fast = min(e["seconds"] for e in result["epochs"]) * epochs
        total_bound += bound
        measured += result["final"]["seconds"]
        fastest += fast
        print(
            f"batch {b:>3}: FLOP-bound {bound:6.1f} s, measured {result['final']['seconds']:6.1f} s "
            f"({result['final']['seconds'] / bound:.2f}×), epochs × fastest {fast:6.1f} s ({fast / bound:.2f}×)"
        )
    print(
        f"sweep: FLOP-bound {total_bound:.0f} s, measured {measured:.0f} s ({measured / total_bound:.2f}×), "
        f"epochs × fastest {fastest:.0f} s ({fastest / total_bound:.2f}×); goal ≤ 1.4×"
    )


if __name__ == "__main__":
    main()
