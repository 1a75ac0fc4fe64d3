"""CS5242 HW5 Q3: two 1×1 convolutions after AlexNet's CONV1 and CONV2.

CONV1: 96 filters 11×11, stride 4, on 227×227×3 → 55×55×96.
CONV2: 256 filters 5×5, pad 2, on 27×27×96 → 27×27×256.
Each is followed by a block of two 1×1 convolutions that keep the channel
count. Closed forms here; :func:`measured_bill` measures the same items on a
real forward and backward of AlexNet's first layers with and without the blocks.

Variants (where the ReLUs go):

- ``"relu"``: conv → ReLU → 1×1 → ReLU → 1×1 → ReLU (Network-in-Network style);
- ``"relu_inplace"``: the same with ``ReLU(inplace=True)``, as torchvision writes AlexNet;
- ``"no_relu"``: conv → ReLU → 1×1 → 1×1 (purely linear blocks).

>>> added_parameters(), added_parameters(with_bias=False)
(150208, 149504)
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import astuple, dataclass, fields
from functools import cache

import sympy
import torch
from torch import nn

from solutions.answers.common import choice, non_negative_int, positive_int
from solutions.answers.conv_shapes import conv_output_size
from solutions.answers.threads import one_thread
from solutions.answers.validation import boolean
from solutions.answers.training_memory import OPTIMIZERS as OPTIMIZERS  # the bills' optimizers, named here too
from solutions.answers.training_memory import (
    gradient_bytes,
    optimizer_state_bytes,
    output_gradient_bytes,
    parameter_bytes,
    peak_bytes,
    saved_activation_bytes,
)

VARIANTS = ("relu", "relu_inplace", "no_relu")
FLOAT32_BYTES = 4
IMAGE = 227
# (channels, spatial size of the conv's output) for the two blocks
C1, C2 = 96, 256
S1 = conv_output_size(IMAGE, kernel=11, stride=4)  # 55
S2 = conv_output_size(conv_output_size(S1, 3, stride=2), 5, padding=2)  # pool 3/2 → 27, conv2 → 27

B = sympy.Symbol("B", integer=True, positive=True)  # batch size


def _check_variant(variant: str) -> str:
    return choice("variant", variant, VARIANTS)


def _check_batch(batch: int) -> int:
    return positive_int("batch", batch)


def _check_optimizer(optimizer: str) -> str:
    return choice("optimizer", optimizer, OPTIMIZERS)


def _one_by_one_block(channels: int, variant: str) -> nn.Sequential:
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    layers["conv_a"] = nn.Conv2d(channels, channels, kernel_size=1)
    if variant != "no_relu":
        layers["relu_a"] = nn.ReLU(inplace=variant == "relu_inplace")
    layers["conv_b"] = nn.Conv2d(channels, channels, kernel_size=1)
    if variant != "no_relu":
        layers["relu_b"] = nn.ReLU(inplace=variant == "relu_inplace")
    return nn.Sequential(layers)


def alexnet_front(with_blocks: bool, variant: str = "relu") -> nn.Sequential:
    """AlexNet from the image to the second max-pool (LRN left out, as torchvision does).

    >>> alexnet_front(True)(torch.zeros(1, 3, 227, 227)).shape
    torch.Size([1, 256, 13, 13])
    """
    with_blocks = boolean("with_blocks", with_blocks)
    _check_variant(variant)
    inplace = variant == "relu_inplace"
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    layers["conv1"] = nn.Conv2d(3, C1, kernel_size=11, stride=4)  # (N, 96, 55, 55)
    layers["relu1"] = nn.ReLU(inplace=inplace)
    if with_blocks:
        layers["block1"] = _one_by_one_block(C1, variant)
    layers["pool1"] = nn.MaxPool2d(3, stride=2)  # (N, 96, 27, 27)
    layers["conv2"] = nn.Conv2d(C1, C2, kernel_size=5, padding=2)  # (N, 256, 27, 27)
    layers["relu2"] = nn.ReLU(inplace=inplace)
    if with_blocks:
        layers["block2"] = _one_by_one_block(C2, variant)
    layers["pool2"] = nn.MaxPool2d(3, stride=2)  # (N, 256, 13, 13)
    return nn.Sequential(layers)


# ---------------------------------------------------------------- closed forms


def added_parameters_formula(with_bias: bool = True) -> sympy.Expr:
    """Parameters added by the two blocks, in the channel counts c1, c2.

    >>> added_parameters_formula()
    2*c_1**2 + 2*c_1 + 2*c_2**2 + 2*c_2
    """
    with_bias = boolean("with_bias", with_bias)
    c1, c2 = sympy.symbols("c_1 c_2", integer=True, positive=True)

    def per_block(c: sympy.Symbol) -> sympy.Expr:  # two 1×1 convs: c·c weights (+ c biases)
        return 2 * (c * c + (c if with_bias else 0))

    return sympy.expand(per_block(c1) + per_block(c2))


def added_parameters(with_bias: bool = True) -> int:
    """Parameters added, evaluated for AlexNet (96 and 256 channels)."""
    if not isinstance(with_bias, bool):
        raise ValueError(f"with_bias must be True or False, got {with_bias!r}")
    c1, c2 = sympy.symbols("c_1 c_2", integer=True, positive=True)
    return int(added_parameters_formula(with_bias).subs({c1: C1, c2: C2}))


def added_saved_activation_floats() -> int:
    """Floats per image that autograd additionally saves: two C×S×S maps per block.

    Each block adds two new tensors that backward needs (the inputs of the
    second 1×1 and of the pool, or the ReLU outputs that are the same storage),
    in every variant.

    >>> added_saved_activation_floats()
    954048
    """
    return 2 * C1 * S1 * S1 + 2 * C2 * S2 * S2


def added_output_gradient_floats(variant: str = "relu") -> int:
    """Floats per image of gradients computed for the new layers' outputs.

    One gradient per new layer output: 1×1, ReLU, 1×1, ReLU (4 per block) or
    1×1, 1×1 without ReLUs (2 per block).
    """
    per_block = 2 if _check_variant(variant) == "no_relu" else 4
    return per_block * (C1 * S1 * S1 + C2 * S2 * S2)


def optimizer_state_floats(optimizer: str, params: int, tensors: int) -> int:
    """Optimizer state for ``params`` values held in ``tensors`` tensors.

    SGD: none; SGD with momentum: one buffer; Adam: two moments plus a
    one-element ``step`` counter per tensor (torch keeps it as a float32 tensor).
    """
    _check_optimizer(optimizer)
    params, tensors = non_negative_int("params", params), non_negative_int("tensors", tensors)
    if optimizer == "sgd":
        return 0
    if optimizer == "sgd_momentum":
        return params
    if optimizer == "adam":
        return 2 * params + tensors
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")


def hand_in_items(with_bias: bool = True) -> tuple[int, int, int]:
    """The items a typical answer adds for one image, in bytes: parameters, their gradients,
    and the four new layers' outputs (which are the saved activations).

    >>> hand_in_items(), sum(hand_in_items(with_bias=False))
    ((600832, 600832, 3816192), 5012224)
    """
    if not isinstance(with_bias, bool):
        raise ValueError(f"with_bias must be True or False, got {with_bias!r}")
    p = FLOAT32_BYTES * added_parameters(with_bias)
    return p, p, FLOAT32_BYTES * added_saved_activation_floats()


@dataclass(frozen=True)
class MemoryBill:
    """Bytes added by the blocks, item by item (float32)."""

    parameters: int
    gradients: int
    optimizer_state: int
    saved_activations: int
    activation_gradients: int

    @property
    def total(self) -> int:
        return sum(astuple(self))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"total": self.total}


NEW_PARAM_TENSORS = 8  # 4 convs × (weight, bias)


def closed_form_bill(optimizer: str = "adam", batch: int = 1, variant: str = "relu") -> MemoryBill:
    """The added training memory from the closed forms, for a batch of ``batch`` images.

    >>> bill = closed_form_bill("sgd", 1)
    >>> bill.parameters + bill.gradients + bill.saved_activations   # the items the typical answer has
    5017856
    >>> bill.total
    12650240
    """
    _check_batch(batch)
    _check_optimizer(optimizer)
    _check_variant(variant)
    p = added_parameters()
    return MemoryBill(
        parameters=FLOAT32_BYTES * p,
        gradients=FLOAT32_BYTES * p,
        optimizer_state=FLOAT32_BYTES * optimizer_state_floats(optimizer, p, NEW_PARAM_TENSORS),
        saved_activations=FLOAT32_BYTES * batch * added_saved_activation_floats(),
        activation_gradients=FLOAT32_BYTES * batch * added_output_gradient_floats(variant),
    )


def bill_formula(optimizer: str = "adam", variant: str = "relu") -> sympy.Expr:
    """Total added bytes as a sympy expression in the batch size ``B``."""
    one = closed_form_bill(optimizer, 1, variant)
    per_image = one.saved_activations + one.activation_gradients
    return (one.total - per_image) + per_image * B


# ---------------------------------------------------------------- measurements


@cache
def _measure_pass(with_blocks: bool, batch: int, variant: str) -> tuple[int, int, int, int]:
    """Parameters, gradients, saved activations, new-layer output gradients (bytes) of one model."""
    torch.manual_seed(0)
    model = alexnet_front(with_blocks, variant)
    x = torch.randn(batch, 3, IMAGE, IMAGE, generator=torch.Generator().manual_seed(0))
    with one_thread():
        model(x).sum().backward()
        grads = gradient_bytes(model)
        model.zero_grad(set_to_none=True)
        saved = saved_activation_bytes(model, x)
        act_grads = output_gradient_bytes(
            model, x, lambda name, m: with_blocks and name.startswith("block") and "." in name
        )
    return parameter_bytes(model), grads, saved, act_grads


@cache
def _measure_state(with_blocks: bool, optimizer: str) -> int:
    """Optimizer state after one step; it depends on the parameters only (not on batch or ReLUs)."""
    torch.manual_seed(0)
    model = alexnet_front(with_blocks)
    with one_thread():
        return optimizer_state_bytes(model, optimizer, torch.zeros(1, 3, IMAGE, IMAGE))


def measured_bill(optimizer: str = "adam", batch: int = 1, variant: str = "relu") -> MemoryBill:
    """The added training memory measured in torch: with blocks minus without.

    Parameters and gradients from the tensors, optimizer state after one real
    step, saved activations through ``saved_tensors_hooks`` (distinct storages,
    parameters excluded), gradients of the new layers' outputs through tensor
    hooks.
    """
    _check_optimizer(optimizer)
    _check_variant(variant)
    _check_batch(batch)
    (p1, g1, s1, a1), (p0, g0, s0, a0) = (_measure_pass(b, batch, variant) for b in (True, False))
    return MemoryBill(
        parameters=p1 - p0,
        gradients=g1 - g0,
        optimizer_state=_measure_state(True, optimizer) - _measure_state(False, optimizer),
        saved_activations=s1 - s0,
        activation_gradients=a1 - a0,
    )


# ---------------------------------------------------------------- the measured peak


@cache
def _peak(with_blocks: bool, batch: int, optimizer: str, variant: str) -> int:
    """Peak bytes of a training step in the steady state, parameters, optimizer state and the
    input included: one step is taken first, so that the optimizer state already exists (as in
    every step but the first), then the next step (forward, backward, ``step``) is measured."""
    torch.manual_seed(0)
    model = alexnet_front(with_blocks, variant)
    x = torch.randn(batch, 3, IMAGE, IMAGE, generator=torch.Generator().manual_seed(0))
    params = list(model.parameters())
    opt: torch.optim.Optimizer = (
        torch.optim.SGD(params, lr=1e-3)
        if optimizer == "sgd"
        else torch.optim.SGD(params, lr=1e-3, momentum=0.9)
        if optimizer == "sgd_momentum"
        else torch.optim.Adam(params, lr=1e-3)
    )

    def step() -> None:
        opt.zero_grad(set_to_none=True)  # torch's default: gradients freed between steps
        model(x).sum().backward()
        opt.step()

    with one_thread():
        step()  # the first step creates the optimizer state
        opt.zero_grad(set_to_none=True)
        during = peak_bytes(step)
    state = sum(t.nelement() * t.element_size() for st in opt.state.values() for t in st.values() if torch.is_tensor(t))
    return parameter_bytes(model) + state + x.nelement() * x.element_size() + during


def measured_peak(batch: int, optimizer: str = "adam", variant: str = "relu") -> int:
    """By how many bytes the blocks raise the peak memory of one training step (measured).

    The peak is what the allocator must provide at the worst moment of forward, backward
    and the optimizer step; with blocks minus without.
    """
    _check_batch(batch)
    _check_optimizer(optimizer)
    _check_variant(variant)
    return _peak(True, batch, optimizer, variant) - _peak(False, batch, optimizer, variant)


@dataclass(frozen=True)
class PeakConfig:
    """The peak the Q3 page shows: batch, optimizer and ReLU variant of the measured step.

    Stored as ``q3-peak`` (``solutions run q3-peak``, seconds), so the book and
    ``solutions show`` read it instead of measuring.
    """

    batch: int = 8  # large enough that activations, not the Adam step, set the peak
    optimizer: str = "adam"  # AlexNet used SGD with momentum; Adam is the common choice today
    variant: str = "relu"

    def __post_init__(self) -> None:
        _check_batch(self.batch)
        _check_optimizer(self.optimizer)
        _check_variant(self.variant)


def peak_record(config: PeakConfig) -> dict[str, int]:
    """:func:`measured_peak` under ``config``: a JSON-ready record for the store."""
    if not isinstance(config, PeakConfig):
        raise ValueError(f"config must be a PeakConfig, got {config!r}")
    return {"peak": measured_peak(config.batch, config.optimizer, config.variant)}
