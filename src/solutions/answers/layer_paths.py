"""How many layers lie between each block of a network and its output (CSC413 2(c)).

A skip connection shortens the path from the loss back to an early layer. This module reads
which block feeds which from the network itself (``torch.fx`` traces its ``forward``; a
concatenation passes on all its inputs) and counts, for every block, the blocks on the shortest
path from its output to the network's output.

>>> from torch import nn
>>> class Skip(nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.a, self.b, self.c = nn.Identity(), nn.Identity(), nn.Identity()
...     def forward(self, x):
...         a = self.a(x)
...         return self.c(self.b(a) + a)
>>> reads(Skip())
{'a': ('input',), 'b': ('a',), 'c': ('a', 'b')}
>>> layers_to_output(reads(Skip()))
{'a': 1, 'b': 1, 'c': 0}
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from torch import fx, nn

from solutions.answers.validation import instance, mapping, sequence, text

INPUT = "input"


def reads(model: nn.Module) -> dict[str, tuple[str, ...]]:
    """Each top-level block of ``model`` → the blocks (or ``"input"``) whose outputs it reads.

    Layers inside a block (``downconv1.conv``, ``downconv1.pool``, …) count as the block; any
    operation that is not a module (a concatenation, a sum) passes its inputs through.
    """
    model = instance("model", model, nn.Module)
    try:
        graph = fx.symbolic_trace(model).graph
    except (ValueError, TypeError, RuntimeError, AttributeError) as err:  # data-dependent control flow, no forward, …
        raise ValueError(f"model must be traceable by torch.fx: {str(err).splitlines()[0]}"[:300]) from None
    source: dict[fx.Node, frozenset[str]] = {}  # node → the blocks its value comes from
    found: dict[str, set[str]] = {}
    for node in graph.nodes:
        inputs = frozenset().union(*(source.get(a, frozenset()) for a in node.all_input_nodes))
        if node.op == "placeholder":
            source[node] = frozenset({INPUT})
        elif node.op == "call_module":
            block = str(node.target).split(".")[0]
            found.setdefault(block, set()).update(inputs - {block})
            source[node] = frozenset({block})
        else:
            source[node] = inputs
    return {
        block: tuple(sorted(r, key=lambda b: (b != INPUT, list(found).index(b) if b in found else -1)))
        for block, r in found.items()
    }


def layers_to_output(graph: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Each block → how many blocks lie after it on the shortest path to the output.

    The output block is the one no other block reads; it counts 0.
    """
    graph = {
        text("graph's block", block): sequence(f"graph[{block!r}]", inputs, text, min_length=0)
        for block, inputs in mapping("graph", graph).items()
    }
    readers: dict[str, list[str]] = {b: [] for b in graph}
    for block, inputs in graph.items():
        for i in inputs:
            if i != INPUT:
                readers.setdefault(i, []).append(block)
    outputs = [b for b, r in readers.items() if not r]
    if len(outputs) != 1:
        raise ValueError(f"graph must have exactly one output block, got {outputs}")
    distance = {outputs[0]: 0}
    queue = deque(outputs)
    while queue:
        block = queue.popleft()
        for i in graph.get(block, ()):
            if i != INPUT and i not in distance:
                distance[i] = distance[block] + 1
                queue.append(i)
    return {b: distance[b] for b in graph if b in distance}


__all__ = ["INPUT", "layers_to_output", "reads"]
