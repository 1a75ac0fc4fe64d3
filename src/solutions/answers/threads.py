"""Running torch on one thread for tiny tensors.

On tiny tensors a second intra-op thread only adds synchronisation; on a busy
2-core machine its spin-waits made a bias-variance sweep 20× slower (6 s on
one thread, 119 s on two) and the fine-tuning sweeps about 30× slower.
Counts, bytes and results do not depend on the thread count.

>>> import torch
>>> before = torch.get_num_threads()
>>> with one_thread():
...     torch.get_num_threads()
1
>>> torch.get_num_threads() == before
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(1)``, then restore the setting."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
