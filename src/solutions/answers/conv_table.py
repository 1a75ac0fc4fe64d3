"""CS5242 HW5 Q2: the table of convolution output sizes, and its torch check.

Input h×w×c1 (height, width, channels), no padding, dilation 1.

(a), (b): a 1-D convolution whose output is 1×(w−1)×c2 slides along w only,
so each kernel covers the whole height and every channel: kernel h×2×c1,
and c2 of them. In torch: ``Conv1d(h·c1, c2, kernel_size=2)`` on the input
laid out as (N, h·c1, w).

(c): ``Conv2d(c1, c2, 3, stride=3)`` on (N, c1, h, w).

(d): one 3×3×2 kernel sliding over the volume h×w×c1 with a single input
channel: ``Conv3d(1, 1, (3, 3, 2))`` on (N, 1, h, w, c1).

>>> [row.part for row in q2_rows()], [row.typical_right for row in q2_rows()]
(['a', 'b', 'c', 'd'], [True, True, True, True])
>>> torch_check(h=7, w=10, c1=4, c2=5)["c"]
((2, 3, 5), (2, 3, 5))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy
import torch
from torch import nn

from solutions.answers.common import positive_int
from solutions.answers.conv_shapes import conv_output_size, minimum_size
from solutions.answers.threads import one_thread

# The homework's sizes as symbols (printed h, w, c_1, c_2).
H, W, C1, C2 = sympy.symbols("h w c_1 c_2", integer=True, positive=True)


@dataclass(frozen=True)
class Q2Row:
    part: str
    layer: str  # the homework's wording
    asked: str  # what is asked
    answer: tuple[sympy.Expr, ...]  # a shape (h×w×c layout) or a single count
    torch_layer: str  # how the row maps onto torch
    typical: str  # the typical submitted answer as written (questions.md)
    typical_expr: tuple[sympy.Expr, ...]  # the same answer as sympy expressions

    @property
    def typical_right(self) -> bool:
        """Whether the typical answer equals ours entry by entry (sympy decides)."""
        return len(self.typical_expr) == len(self.answer) and all(
            sympy.simplify(a - b) == 0 for a, b in zip(self.answer, self.typical_expr)
        )


def kernel_width_for_output(target: sympy.Expr = W - 1) -> sympy.Expr:
    """Solve conv_output_size(w, k) = target for the kernel width k (stride 1).

    >>> kernel_width_for_output()
    2
    """
    if (
        not isinstance(target, sympy.Expr)
        or target.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)
        or target.free_symbols - {W}
    ):
        raise ValueError(f"target must be a finite sympy expression in w, got {target!r}")
    k = sympy.Symbol("k", integer=True, positive=True)
    solutions = sympy.solve(sympy.Eq(conv_output_size(W, k), target), k)
    if len(solutions) != 1:
        raise ValueError(f"target must be an output width some kernel gives (w − k + 1), got {target}")
    return solutions[0]


def assumptions() -> tuple[sympy.Rel, ...]:
    """When the table holds: each kernel must fit in the unpadded input (h, w ≥ 3; c1 ≥ 2).

    Computed from the kernels with :func:`minimum_size`: 3×3 along h and w in (c) and (d),
    2 along the channels in (d). (a) needs only w ≥ 2, which w ≥ 3 covers.

    >>> assumptions()
    (h >= 3, w >= 3, c_1 >= 2)
    """
    return (sympy.Ge(H, minimum_size(3)), sympy.Ge(W, minimum_size(3)), sympy.Ge(C1, minimum_size(2)))


@cache
def q2_rows() -> tuple[Q2Row, ...]:
    """The filled table, every entry computed from :func:`conv_output_size`."""
    k = kernel_width_for_output()
    c_shape = (conv_output_size(H, 3, stride=3), conv_output_size(W, 3, stride=3), C2)
    d_shape = (conv_output_size(H, 3), conv_output_size(W, 3), conv_output_size(C1, 2))
    floor = sympy.floor
    return (
        Q2Row(
            part="a",
            layer="1-D conv, output 1×(w−1)×c2",
            asked="kernel size",
            answer=(H, k, C1),
            torch_layer="Conv1d(h·c1, c2, kernel_size=2) on (N, h·c1, w)",
            typical="h×2×c1",
            typical_expr=(H, 2, C1),
        ),
        Q2Row(
            part="b",
            layer="1-D conv, output 1×(w−1)×c2",
            asked="number of kernels",
            answer=(C2,),
            torch_layer="out_channels = c2",
            typical="c2",
            typical_expr=(C2,),
        ),
        Q2Row(
            part="c",
            layer="2-D conv, c2 kernels 3×3×c1, stride 3",
            asked="output size",
            answer=c_shape,
            torch_layer="Conv2d(c1, c2, 3, stride=3) on (N, c1, h, w)",
            typical="(⌊(h−3)/3⌋+1)×(⌊(w−3)/3⌋+1)×c2",
            typical_expr=(floor((H - 3) / 3) + 1, floor((W - 3) / 3) + 1, C2),
        ),
        Q2Row(
            part="d",
            layer="3-D conv, one 3×3×2 kernel, stride 1",
            asked="output size",
            answer=d_shape,
            torch_layer="Conv3d(1, 1, (3, 3, 2)) on (N, 1, h, w, c1)",
            typical="(h−2)×(w−2)×(c1−1)",
            typical_expr=(H - 2, W - 2, C1 - 1),
        ),
    )


def _ints(*values: int) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


MAX_CHECK_VALUES = 10**7  # torch_check builds an h×w×c1 input and an (h·c1)×c2×2 kernel


def torch_check(h: int, w: int, c1: int, c2: int) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Each row's (formula, torch) pair for concrete sizes, in h×w×c layout.

    Runs the three torch layers on a random h×w×c1 input; (a) compares the
    kernel's shape, (b) the number of kernels, (c) and (d) the output shapes.
    """
    for name, value in (("h", h), ("w", w), ("c1", c1), ("c2", c2)):
        positive_int(name, value)
    if h * w * c1 > MAX_CHECK_VALUES or h * c1 * c2 * 2 > MAX_CHECK_VALUES:
        raise ValueError(
            f"h, w, c1, c2 must keep the check's tensors under {MAX_CHECK_VALUES:,} values "
            f"(it builds them), got h·w·c1 = {h * w * c1:,}"
        )
    sizes = {H: h, W: w, C1: c1, C2: c2}
    for rel, name in zip(assumptions(), ("h", "w", "c1")):
        if not rel.subs(sizes):
            raise ValueError(f"{name} must satisfy {rel} for the kernels to fit, got {sizes[rel.lhs]}")
    rows = {r.part: tuple(int(sympy.sympify(e).subs(sizes)) for e in r.answer) for r in q2_rows()}
    with one_thread():  # tiny tensors: threads only add overhead
        x = torch.randn(1, h, w, c1)  # (N, h, w, c1)

        conv1d = nn.Conv1d(h * c1, c2, kernel_size=2)
        y1 = conv1d(x.permute(0, 1, 3, 2).reshape(1, h * c1, w))  # (N, c2, w−1)
        kernel = conv1d.weight.shape  # (c2, h·c1, 2)
        if tuple(y1.shape) != (1, c2, w - 1):  # torch disagreeing with the table: a bug, ours or torch's
            raise RuntimeError(f"the 1-D layer gave {tuple(y1.shape)}, not 1×{c2}×{w - 1}")

        y2 = nn.Conv2d(c1, c2, 3, stride=3)(x.permute(0, 3, 1, 2))  # (N, c2, h', w')
        y3 = nn.Conv3d(1, 1, (3, 3, 2))(x.unsqueeze(1))  # (N, 1, h−2, w−2, c1−1)
    return {
        "a": (rows["a"], _ints(h, kernel[2], kernel[1] // h)),
        "b": (rows["b"], _ints(kernel[0])),
        "c": (rows["c"], _ints(y2.shape[2], y2.shape[3], y2.shape[1])),
        "d": (rows["d"], _ints(*y3.shape[2:])),
    }
