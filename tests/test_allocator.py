"""keep_freed_memory: large tensors stop costing page faults, and training computes the same bits.

Each check runs in a fresh interpreter: the setting is process-wide and cannot be undone.
"""

import json
import platform
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc only"
)

FAULTS = """
import json, resource, sys, torch
from solutions.experiments.allocator import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == "kept" else None

def step():   # blocks above glibc's largest mmap threshold (32 MiB), as a step at batch 500 allocates
    a = torch.empty(64 * 2**20, dtype=torch.uint8).fill_(1)
    torch.empty(40 * 2**20, dtype=torch.uint8).fill_(2)
    del a

for _ in range(20):   # the heap settles (memalign's padding leaves some freed blocks a little short)
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    step()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(json.dumps({"kept": kept, "faults": faults, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

TRAIN = """
import hashlib, json, sys, torch
from solutions.experiments.allocator import keep_freed_memory
from solutions.experiments.preprocess import HorseTensors
from solutions.experiments.training import TrainConfig, train
if sys.argv[1] == "kept":
    keep_freed_memory()
torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
data = HorseTensors(torch.rand(40, 1, 32, 32, generator=g), torch.randint(0, 4, (40, 32, 32), generator=g),
                    torch.rand(10, 1, 32, 32, generator=g), torch.randint(0, 4, (10, 32, 32), generator=g),
                    torch.rand(4, 3, generator=g))
run = train(TrainConfig(model="unet", num_filters=8, num_colours=4, batch_size=20, epochs=2), data)
h = hashlib.sha256()
for t in run.model.state_dict().values():
    h.update(t.numpy().tobytes())
print(json.dumps({"val": [e.val_loss for e in run.epochs], "weights": h.hexdigest()}))
"""


def _run(script: str, mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), mode], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_large_blocks_are_reused_instead_of_faulted_in_again():
    default, kept = _run(FAULTS, "default"), _run(FAULTS, "kept")
    assert kept["kept"] is True
    assert default["faults"] > 5 * (16_384 + 10_240) * 0.9  # every 4 KiB page of both blocks, every step
    assert kept["faults"] < 100
    assert kept["peak_mib"] < 2 * default["peak_mib"]  # bounded: a few blocks more at most, not one per step


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_training_computes_the_same_bits_either_way():
    assert _run(TRAIN, "default") == _run(TRAIN, "kept")
