"""Keep freed memory in the process, so a training step's large tensors cost no page faults.

glibc's malloc serves every block above its mmap threshold (32 MiB at most) with a fresh ``mmap``
and unmaps it when the block is freed. A step of the UNet at batch 500 allocates blocks of up to
65 MB (an activation of 500 × 32 × 32 × 32 floats), so every step maps its large tensors again and
the kernel faults in and zeroes each of their 4 KiB pages: about 200,000 page faults per step at
batch 500, 17,000 at batch 100 (``benchmarks/sweep_speed.py`` prints the time they cost). With
mmap off and the heap never trimmed, freed blocks are reused instead: the same arithmetic, bit for
bit, without the faults; the process keeps the memory of its peak.

This is a setting of the process, not of a computation: no result's key covers it.
:func:`keep_freed_memory` is called by ``solutions run`` (in each process that trains) and by the
benchmarks.
"""

from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_MAX = -4
NEVER = 2**31 - 1  # the largest trim threshold mallopt takes (an int)


def keep_freed_memory() -> bool:
    """Make this process's malloc keep freed memory for reuse; True if it did (glibc), else False.

    Elsewhere (macOS, musl, Windows) nothing changes and False is returned.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success, 0 on error (musl's stub always returns 0)
    return mallopt(M_MMAP_MAX, 0) == 1 and mallopt(M_TRIM_THRESHOLD, NEVER) == 1
