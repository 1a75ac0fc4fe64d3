"""Bytes a training step holds, measured with torch's own tools.

Each function measures one item of the training-memory bill:

- :func:`parameter_bytes`, :func:`gradient_bytes`: the tensors themselves;
- :func:`optimizer_state_bytes`: what an optimizer keeps after one real step
  (momentum buffers, Adam's two moments and its per-tensor ``step`` counter);
- :func:`saved_activation_bytes`: what autograd saves for the backward pass,
  from ``torch.autograd.graph.saved_tensors_hooks``, one count per distinct
  storage (an in-place ReLU and the conv that reads it share one), parameters
  excluded (they are already billed as parameters);
- :func:`output_gradient_bytes`: the gradients computed during backward for
  the outputs of chosen modules (transient: autograd frees each once used).

>>> from torch import nn
>>> lin = nn.Linear(10, 5)                     # 50 weights + 5 biases
>>> parameter_bytes(lin), optimizer_state_bytes(lin, "adam", torch.ones(1, 10))
(220, 448)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from solutions.answers.validation import boolean, choice, instance

OPTIMIZERS = ("sgd", "sgd_momentum", "adam")


def _model(model: object) -> nn.Module:
    return instance("model", model, nn.Module)


def _example(example: object) -> torch.Tensor:
    """A non-empty batch of finite numbers (what a forward pass reads)."""
    example = instance("example", example, torch.Tensor)
    if (
        example.numel() == 0
        or example.dtype == torch.bool
        or (example.is_floating_point() and not torch.isfinite(example).all())
    ):
        raise ValueError(
            f"example must be a non-empty batch of finite numbers, got {tuple(example.shape)} {example.dtype}"
        )
    return example


def _forward(model: nn.Module, example: torch.Tensor) -> torch.Tensor:
    try:
        out = model(example)
    except RuntimeError as err:  # a shape or type the model cannot take
        raise ValueError(
            f"example of shape {tuple(example.shape)} does not fit the model: {str(err).splitlines()[0]}"
        ) from None
    if not isinstance(out, torch.Tensor):
        raise ValueError(f"model must return one tensor, got {type(out).__name__}")
    return out


def parameter_bytes(model: nn.Module, trainable_only: bool = False) -> int:
    """Bytes of ``model``'s parameters (all, or those with ``requires_grad``)."""
    _model(model)
    trainable_only = boolean("trainable_only", trainable_only)
    return sum(p.nelement() * p.element_size() for p in model.parameters() if p.requires_grad or not trainable_only)


def gradient_bytes(model: nn.Module) -> int:
    """Bytes of the ``.grad`` tensors present after a backward pass."""
    _model(model)
    return sum(p.grad.nelement() * p.grad.element_size() for p in model.parameters() if p.grad is not None)


def _make_optimizer(name: str, params: Iterable[torch.nn.Parameter]) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=1e-3)
    if name == "sgd_momentum":
        return torch.optim.SGD(params, lr=1e-3, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3)
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")


def optimizer_state_bytes(model: nn.Module, optimizer: str, example: torch.Tensor) -> int:
    """Bytes of optimizer state after one real step on ``example`` (a batch).

    Only parameters with ``requires_grad`` are given to the optimizer, as in
    fine-tuning. The model's weights are restored afterwards.
    """
    _model(model), choice("optimizer", optimizer, OPTIMIZERS), _example(example)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = _make_optimizer(optimizer, params)
    saved = [p.detach().clone() for p in params]
    torch.autograd.backward(_forward(model, example).float().sum())
    opt.step()
    with torch.no_grad():
        for p, s in zip(params, saved):
            p.copy_(s)
            p.grad = None
    return sum(
        t.nelement() * t.element_size() for state in opt.state.values() for t in state.values() if torch.is_tensor(t)
    )


def saved_activation_bytes(model: nn.Module, example: torch.Tensor) -> int:
    """Bytes autograd saves for backward in ``model(example)``, parameters excluded.

    Distinct storages are counted once, so a tensor saved by two ops (a ReLU's
    output and the next conv's input) is billed once, as memory is.

    >>> relu_net = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    >>> saved_activation_bytes(relu_net, torch.ones(2, 4))   # input 2×4 + ReLU output 2×3
    56
    """
    _model(model), _example(example)
    param_storages = {p.untyped_storage().data_ptr() for p in model.parameters()}
    storages: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        s = t.untyped_storage()
        if s.data_ptr() not in param_storages:
            storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = _forward(model, example)
    del out
    return sum(storages.values())


def output_gradient_bytes(model: nn.Module, example: torch.Tensor, watch: Callable[[str, nn.Module], bool]) -> int:
    """Bytes of the gradients autograd computes for the outputs of watched modules.

    Runs one forward and backward of ``sum(model(example))``; ``watch(name,
    module)`` picks the modules. Each gradient is transient (freed after use);
    the figure is the total produced, an upper bound on what is held at once.
    """
    _model(model), _example(example)
    if not callable(watch):
        raise ValueError(f"watch must be a function of (name, module), got {watch!r}")
    total = 0

    def on_grad(g: torch.Tensor) -> None:
        nonlocal total
        total += g.nelement() * g.element_size()

    def forward_hook(module: nn.Module, args: object, output: object) -> None:
        if isinstance(output, torch.Tensor) and output.requires_grad:
            torch.autograd.graph.register_multi_grad_hook((output,), on_grad, mode="any")

    handles = [m.register_forward_hook(forward_hook) for n, m in model.named_modules() if watch(n, m)]
    try:
        torch.autograd.backward(_forward(model, example).float().sum())
    finally:
        for h in handles:
            h.remove()
        model.zero_grad(set_to_none=True)
    return total


def peak_bytes(step: Callable[[], object]) -> int:
    """Peak of the bytes allocated while ``step()`` runs, above what was allocated before it.

    Measured with ``torch.profiler`` (``profile_memory=True``): every allocation and free on
    the CPU is an event with a signed size; the peak is the largest running sum, in time order.
    The CPU allocator caches nothing, so these are the bytes the process asks for. Tensors
    alive before the step (parameters, the input) are not included: add them.

    >>> peak_bytes(lambda: [torch.empty(1000), torch.empty(500)])   # both alive: 4·1500
    6000
    """
    from torch.profiler import ProfilerActivity, profile

    if not callable(step):
        raise ValueError(f"step must be callable, got {step!r}")
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
    events = sorted((e.start_ns(), e.nbytes()) for e in prof.profiler.kineto_results.events() if e.name() == "[memory]")
    running = peak = 0
    for _, nbytes in events:
        running += nbytes
        peak = max(peak, running)
    return peak
