"""How fast the batch-size sweep trains: our loop vs the assignment's, vs its convolutions alone.

    PYTHONPATH=src .venv/bin/python benchmarks/sweep_speed.py [--batches 5 10 20 50 100 200 500]
        [--repeats 3] [--seconds 1.0] [--seeds 3 5] [--compile] [--profile] [--stacked]

Every figure is measured in this one run, the variants interleaved (each batch size: every
variant once per repeat; the best repeat is kept), so that a machine shared with other work
slows all of them alike. It prints

(a) the epoch time (5000 training images + the 1000-image validation) of the assignment's loop
    style — numpy batches converted to torch per step, NCHW, the loss through
    ``transpose(1, 3).contiguous().view``, one process with every core — against ours: tensors
    converted once, channels_last, and two runs at once in two processes of one thread each
    (``solutions run … --jobs 2``); the speed-up over the whole sweep is total time / total time;
(b) our step (one process, one thread) against the same convolutions run alone (same shapes,
    forward and backward, same layout), the rest being BatchNorm, ReLU, pooling, upsampling,
    concatenation, the loss and Adam; and the step as it was before 2026-11-30 (same run);
(c) a PROJECTION of the from-scratch wall time of the sweep (7 batch sizes × N seeds, 25 epochs)
    with --jobs 2, from the measured epoch times, runs packed longest first on two workers, and
    its FLOOR on this machine: the same projection if every step cost only its convolutions;
(d) bf16 mixed precision (``solutions run … --precision bf16``: autocast around the forward pass)
    against fp32, per step, one thread, and the bf16 step against its own convolutions;

and with flags: NCHW vs channels_last (``--layout``), ``torch.compile`` (``--compile``: compile
time vs the per-step gain), a per-op profile at batch 5, 10 and 500 with the page faults per step
(``--profile``), and grouped convolutions for stacked seeds (``--stacked``). sgemm is printed as
context only.

Our loop runs as ``solutions run`` runs it: in processes that keep freed memory
(:func:`solutions.experiments.allocator.keep_freed_memory`), as do its convolutions alone; the
assignment's loop with the C library's defaults. (b) also shows our step with the defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F

from solutions.experiments.allocator import keep_freed_memory
from solutions.experiments.training import TrainConfig, _layout, build_model, pixel_cross_entropy

N_TRAIN, N_VAL, NC = 5000, 1000, 24
EPOCHS = 25
_BARRIER = None  # set in the worker processes of --jobs 2: both start timing together


def _set_barrier(barrier) -> None:
    global _BARRIER
    _BARRIER = barrier
    keep_freed_memory()  # as `solutions run --jobs 2` does in its workers


def _tuned_init() -> None:
    keep_freed_memory()  # as `solutions run` does in every process that trains


def _amp(style: str):
    """The autocast context of a bf16 variant (a fresh one per use), else a null context."""
    if style.endswith("-bf16"):
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.random((n, 1, 32, 32), dtype=np.float32), rng.integers(0, NC, (n, 1, 32, 32)).astype(np.int64))


def _time_it(fn, seconds: float) -> dict[str, float]:
    """Wall and process-CPU seconds per call of ``fn``: warm up, then about ``seconds`` of calls.

    Best of 3 blocks, each figure on its own. On a loaded machine the wall time
    of a one-thread variant includes the time it waited for a core; its CPU time
    does not, so CPU-time ratios of one-thread variants are the robust ones.
    """
    fn()
    if _BARRIER is not None:
        _BARRIER.wait()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-6)
    calls = max(1, int(seconds / 3 / once))
    wall = cpu = math.inf
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            fn()
        wall = min(wall, (time.perf_counter() - start) / calls)
        cpu = min(cpu, (time.process_time() - start_cpu) / calls)
    return {"wall": wall, "cpu": cpu}


def measure(style: str, batch: int, threads: int, seconds: float) -> dict[str, float]:
    """Seconds per training step and per validation batch of the UNet at ``batch``.

    ``style``: "ours" (the step of :func:`solutions.experiments.training.train`: tensors laid
    out once, channels_last, the loss on pixel rows, foreach Adam), "before" (our step until
    2026-11-30: one-channel inputs with NCHW strides, the loss on (B, NC, H, W) logits, Adam's
    per-parameter loop), "ours-nchw", "assignment" (numpy per batch, NCHW, the starter code's
    loss), "convs" (our step's convolutions alone, channels_last; validation: their forward);
    "ours-bf16" and "convs-bf16": the same under autocast to bf16 (the loss in fp32).
    """
    torch.set_num_threads(threads)
    cl = style in ("ours", "before", "convs", "ours-bf16", "convs-bf16")
    config = TrainConfig(model="unet", batch_size=batch, channels_last=cl)
    model = build_model(config)
    if cl:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate, foreach=style != "before")
    x_np, y_np = _data(N_TRAIN)
    xv_np, yv_np = _data(N_VAL, 1)
    n_batches = N_TRAIN // batch
    cursor = [0]

    def next_slice() -> slice:
        b = cursor[0] % n_batches
        cursor[0] += 1
        return slice(b * batch, (b + 1) * batch)

    if style == "assignment":

        def step() -> None:
            s = next_slice()
            xs, ys = torch.from_numpy(x_np[s]).float(), torch.from_numpy(y_np[s]).long()
            opt.zero_grad()
            out = model(xs)
            loss = F.cross_entropy(
                out.transpose(1, 3).contiguous().view(batch * 32 * 32, NC),
                ys.transpose(1, 3).contiguous().view(batch * 32 * 32),
            )
            loss.backward()
            opt.step()
            loss.item()

        def val() -> None:
            with torch.no_grad():
                model.eval()
                xs, ys = torch.from_numpy(xv_np[:batch]).float(), torch.from_numpy(yv_np[:batch]).long()
                out = model(xs)
                F.cross_entropy(
                    out.transpose(1, 3).contiguous().view(batch * 32 * 32, NC),
                    ys.transpose(1, 3).contiguous().view(batch * 32 * 32),
                ).item()
                out.argmax(1)
                model.train()
    elif style.startswith("convs"):
        step_fn, val_fn = _conv_step(model, batch), _conv_step(model, batch, backward=False)

        def conv_step() -> None:
            with _amp(style):
                step_fn()

        def conv_val() -> None:
            with _amp(style):
                val_fn()

        t = _time_it(conv_step, seconds)
        v = _time_it(conv_val, seconds / 3)
        return {"step": t["wall"], "step_cpu": t["cpu"], "val": v["wall"], "val_cpu": v["cpu"]}
    else:
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np[:, 0])
        xv, yv = torch.from_numpy(xv_np), torch.from_numpy(yv_np[:, 0])
        params = dict(model.named_parameters())
        if style == "before":

            def lay(t: torch.Tensor) -> torch.Tensor:  # a no-op for one channel: NCHW strides stay
                return t.contiguous(memory_format=torch.channels_last)

            def loss_of(out: torch.Tensor, target: torch.Tensor, total: bool = False) -> torch.Tensor:
                return F.cross_entropy(out, target, reduction="sum" if total else "mean")
        else:
            x, xv = _layout(x, config), _layout(xv, config)  # once, as train() does

            def lay(t: torch.Tensor) -> torch.Tensor:
                return _layout(t, config)

            loss_of = pixel_cross_entropy

        def step() -> None:  # the loop of solutions.experiments.training.train
            s = next_slice()
            xb, yb = lay(x[s]), y[s]
            opt.zero_grad(set_to_none=True)
            with _amp(style):
                loss = loss_of(model(xb), yb)
            loss.item()
            loss.backward()
            opt.step()
            for name in ("downconv1.conv.weight", "finalconv.weight"):
                params[name].grad.norm().item()

        def val() -> None:
            with torch.no_grad(), _amp(style):
                model.eval()
                out = model(lay(xv[:batch]))
                loss_of(out, yv[:batch], total=True).item()
                (out.argmax(1) == yv[:batch]).sum().item()
                model.train()

    t, v = _time_it(step, seconds), _time_it(val, seconds / 3)
    return {"step": t["wall"], "step_cpu": t["cpu"], "val": v["wall"], "val_cpu": v["cpu"]}


def _conv_step(model, batch: int, backward: bool = True):
    """Forward + backward (or forward only) of every convolution of ``model`` alone, at its shapes."""
    shapes = []
    hooks = [
        m.register_forward_hook(lambda m, i, o: shapes.append((m, i[0].shape)))
        for m in model.modules()
        if isinstance(m, torch.nn.Conv2d)
    ]
    model(_layout(torch.rand(batch, 1, 32, 32), TrainConfig(channels_last=True)))
    for h in hooks:
        h.remove()
    cases = []
    for i, (conv, shape) in enumerate(shapes):
        x = torch.rand(shape).contiguous(memory_format=torch.channels_last).requires_grad_(i > 0)
        w = conv.weight.detach().clone().requires_grad_()
        b = conv.bias.detach().clone().requires_grad_()
        cases.append((x, w, b, conv.padding))

    def step() -> None:
        for x, w, b, pad in cases:
            out = F.conv2d(x, w, b, padding=pad)
            out.backward(torch.ones_like(out))

    def forward() -> None:
        with torch.no_grad():
            for x, w, b, pad in cases:
                F.conv2d(x, w, b, padding=pad)

    return step if backward else forward


def _pair(pool, style: str, batch: int, seconds: float, procs: int = 2) -> dict[str, float]:
    """``procs`` processes of one thread measuring at once; their mean (each is one run's speed)."""
    results = pool.starmap(measure, [(style, batch, 1, seconds)] * procs)
    return {k: float(np.mean([r[k] for r in results])) for k in results[0]}


def epoch_seconds(m: dict[str, float], batch: int, clock: str = "") -> float:
    """An epoch's seconds from per-step and per-validation-batch times (``clock`` "_cpu": CPU time)."""
    return math.ceil(N_TRAIN / batch) * m["step" + clock] + math.ceil(N_VAL / batch) * m["val" + clock]


def project(epoch_s: dict[int, float], seeds: int, workers: int = 2) -> float:
    """Wall time of 25-epoch runs (every batch × ``seeds``) packed longest first on ``workers``."""
    runs = sorted([EPOCHS * epoch_s[b] for b in epoch_s for _ in range(seeds)], reverse=True)
    load = [0.0] * workers
    for r in runs:
        load[load.index(min(load))] += r
    return max(load)


def sgemm_gflops(n: int = 2048, repeats: int = 5) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def compile_gain(batch: int, seconds: float) -> None:
    torch.set_num_threads(1)
    config = TrainConfig(model="unet", batch_size=batch)
    x = _layout(torch.rand(batch, 1, 32, 32), config)
    y = torch.randint(0, NC, (batch, 32, 32))
    rates = {}
    for compiled in (False, True):
        model = build_model(config).to(memory_format=torch.channels_last)
        opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
        fwd = torch.compile(model) if compiled else model

        def step() -> None:
            opt.zero_grad(set_to_none=True)
            pixel_cross_entropy(fwd(x), y).backward()
            opt.step()

        start = time.perf_counter()
        step()
        first = time.perf_counter() - start
        rates[compiled] = (first, _time_it(step, seconds)["cpu"])
    (_, eager), (first, comp) = rates[False], rates[True]
    steps = EPOCHS * math.ceil(N_TRAIN / batch)
    print(
        f"  batch {batch:>3}: eager {eager * 1e3:7.2f} ms/step, compiled {comp * 1e3:7.2f} ms/step "
        f"(×{eager / comp:.2f}), first compiled step {first:.1f} s; over a 25-epoch run "
        f"({steps} steps) saves {steps * (eager - comp):.0f} s "
        f"→ {'repaid' if steps * (eager - comp) > first else 'NOT repaid'} (validation graphs not counted)"
    )


def _profiled_step(batch: int):
    torch.set_num_threads(1)
    config = TrainConfig(model="unet", batch_size=batch)
    model = build_model(config).to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate, foreach=True)
    x = _layout(torch.rand(batch, 1, 32, 32), config)
    y = torch.randint(0, NC, (batch, 32, 32))
    params = dict(model.named_parameters())

    def step() -> None:  # as training.train: the loss read, two gradient norms logged
        opt.zero_grad(set_to_none=True)
        loss = pixel_cross_entropy(model(x), y)
        loss.item()
        loss.backward()
        opt.step()
        for name in ("downconv1.conv.weight", "finalconv.weight"):
            params[name].grad.norm().item()

    for _ in range(3):
        step()
    return step


CONV_OPS = ("aten::mkldnn_convolution", "aten::convolution_backward")


def profile(batch: int) -> None:
    from torch.profiler import ProfilerActivity, profile as torch_profile

    step = _profiled_step(batch)
    steps = max(3, 400 // batch)
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    events = prof.key_averages()
    rows = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in rows)
    conv = sum(e.self_cpu_time_total for e in rows if e.key in CONV_OPS)
    calls = sum(e.count for e in rows if e.key.startswith("aten::"))
    print(
        f"  batch {batch}: {total / steps / 1e3:.2f} ms of CPU per step, {calls / steps:.0f} aten calls per step; "
        f"convolutions {100 * conv / total:.1f}%, the rest {(total - conv) / steps / 1e3:.2f} ms "
        f"({(total - conv) / calls:.1f} µs per aten call); top ops (self time):"
    )
    for e in rows[:10]:
        print(
            f"    {e.key:<42} {100 * e.self_cpu_time_total / total:5.1f}%  "
            f"{e.self_cpu_time_total / steps:9.1f} µs/step  {e.count / steps:5.1f} calls/step"
        )


def faults_per_step(batch: int) -> tuple[float, float]:
    """(minor page faults, CPU seconds) per training step, in the calling process's malloc setting."""
    step = _profiled_step(batch)
    n = max(3, 300 // batch)
    faults, cpu = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.process_time()
    for _ in range(n):
        step()
    return ((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / n, (time.process_time() - cpu) / n)


def stacked(batch: int, seeds: int, seconds: float) -> None:
    """Grouped convolution (``seeds`` models as groups) vs the same convs one model at a time."""
    torch.set_num_threads(1)
    model = build_model(TrainConfig(model="unet")).to(memory_format=torch.channels_last)
    separate = _conv_step(model, batch)
    shapes = []
    hooks = [
        m.register_forward_hook(lambda m, i, o: shapes.append((m, i[0].shape)))
        for m in model.modules()
        if isinstance(m, torch.nn.Conv2d)
    ]
    model(torch.rand(batch, 1, 32, 32).contiguous(memory_format=torch.channels_last))
    for h in hooks:
        h.remove()
    cases = []
    for i, (conv, (n, c, h, w)) in enumerate(shapes):
        x = torch.rand(n, c * seeds, h, w).contiguous(memory_format=torch.channels_last)
        x.requires_grad_(i > 0)
        wt = conv.weight.detach().repeat(seeds, 1, 1, 1).requires_grad_()
        cases.append((x, wt, conv.padding))

    def grouped() -> None:
        for x, wt, pad in cases:
            out = F.conv2d(x, wt, padding=pad, groups=seeds)
            out.backward(torch.ones_like(out))

    t_sep = _time_it(separate, seconds)["cpu"]
    t_grp = _time_it(grouped, seconds)["cpu"]
    print(
        f"  batch {batch:>3}: {seeds} seeds' convolutions one at a time {seeds * t_sep * 1e3:7.2f} ms, "
        f"as one grouped conv {t_grp * 1e3:7.2f} ms (×{seeds * t_sep / t_grp:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[5, 10, 20, 50, 100, 200, 500])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0, help="measuring time per variant")
    parser.add_argument("--seeds", type=int, nargs="+", default=[3, 5])
    parser.add_argument("--layout", action="store_true", help="also NCHW vs channels_last")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--stacked", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true", help="only the flagged extras")
    args = parser.parse_args()
    cores = torch.get_num_threads()
    print(
        f"torch {torch.__version__}, {cores} threads; sgemm 2048²: {sgemm_gflops():.0f} GFLOP/s "
        f"(context only). Variants interleaved, best of {args.repeats} repeats."
    )
    best: dict[tuple[str, int], dict[str, float]] = {}
    if args.skip_sweep:
        args.batches, args.repeats = [], 0

    def keep(key, m):  # the best of the repeats, per figure
        best[key] = {k: min(v, best.get(key, m)[k]) for k, v in m.items()}

    ctx = multiprocessing.get_context("spawn")
    pool = tuned = plain = None
    if args.batches:
        pool = ctx.Pool(2, initializer=_set_barrier, initargs=(ctx.Barrier(2),))
        tuned = ctx.Pool(1, initializer=_tuned_init)  # one process that keeps freed memory
        plain = ctx.Pool(1)  # one with the C library's defaults

    def ours(style: str, b: int, threads: int) -> dict[str, float]:
        return tuned.apply(measure, (style, b, threads, args.seconds))

    for _ in range(args.repeats):
        for b in args.batches:
            keep(("assignment", b), measure("assignment", b, cores, args.seconds))
            keep(("assignment-1t", b), measure("assignment", b, 1, args.seconds))
            keep(("ours-default-1t", b), plain.apply(measure, ("ours", b, 1, args.seconds)))
            keep(("ours-2t", b), ours("ours", b, cores))
            keep(("ours-1t", b), ours("ours", b, 1))
            keep(("before-1t", b), ours("before", b, 1))
            keep(("convs", b), ours("convs", b, 1))
            keep(("bf16-1t", b), ours("ours-bf16", b, 1))
            keep(("convs-bf16", b), ours("convs-bf16", b, 1))
            keep(("ours-jobs2", b), _pair(pool, "ours", b, args.seconds))
            if args.layout:
                keep(("nchw-1t", b), ours("ours-nchw", b, 1))
    for p in (pool, tuned, plain):
        if p is not None:
            p.close()
    if args.batches:
        report(args, best)
    extras(args)


def report(args, best) -> None:
    print("\n(a) epoch time (5000 training + 1000 validation images), wall seconds (measured under load)")
    print(
        f"{'batch':>5}  {'assignment':>10}  {'ours 1 proc':>11}  {'ours --jobs 2':>13}  {'speed-up':>8}"
        f"  | CPU s, 1 thread: {'assignment':>10}  {'ours':>8}  {'speed-up':>8}"
    )
    totals = {"assignment": 0.0, "ours-2t": 0.0, "ours-jobs2": 0.0, "a_cpu": 0.0, "o_cpu": 0.0}
    ours_epoch, ours_epoch_cpu = {}, {}
    for b in args.batches:
        a = epoch_seconds(best[("assignment", b)], b)
        o = epoch_seconds(best[("ours-2t", b)], b)
        j = epoch_seconds(best[("ours-jobs2", b)], b)  # one run's epoch while another runs too
        a_cpu = epoch_seconds(best[("assignment-1t", b)], b, "_cpu")  # one thread too
        o_cpu = epoch_seconds(best[("ours-1t", b)], b, "_cpu")  # one thread: one core
        ours_epoch[b], ours_epoch_cpu[b] = j, o_cpu
        totals["assignment"] += a
        totals["ours-2t"] += o
        totals["ours-jobs2"] += j / 2  # two runs at once
        totals["a_cpu"] += a_cpu
        totals["o_cpu"] += o_cpu
        print(
            f"{b:>5}  {a:10.2f}  {o:11.2f}  {j / 2:13.2f}  ×{a / (j / 2):7.2f}"
            f"  | {'':>15} {a_cpu:10.2f}  {o_cpu:8.2f}  ×{a_cpu / o_cpu:7.2f}"
        )
    print(
        f"sweep  {totals['assignment']:10.2f}  {totals['ours-2t']:11.2f}  {totals['ours-jobs2']:13.2f}  "
        f"×{totals['assignment'] / totals['ours-jobs2']:7.2f}  | {'':>15} {totals['a_cpu']:10.2f}  "
        f"{totals['o_cpu']:8.2f}  ×{totals['a_cpu'] / totals['o_cpu']:7.2f}"
    )
    print(
        "  goal ≥ ×2. Wall columns: the assignment's loop in one process with every core; ours in\n"
        "  one process with every core; ours as two runs at once (--jobs 2, one thread each): the\n"
        "  per-epoch wall time of each, / 2. Under load the wall columns mostly measure the\n"
        "  scheduler (two threads that wait for each other lose most when cores are oversubscribed).\n"
        "  CPU columns: both loops on one thread, CPU time per epoch: the loop's own cost, robust to\n"
        "  load. The sweep's speed-up on a quiet machine is this ratio times the gain of two one-\n"
        "  thread processes over one two-thread process (measured on a quieter machine: ×2.25 at\n"
        "  batch 5, ×1.39 at 20, ×1.37 at 100, ×1.34 at 500; shared/toolchain-facts.md)."
    )

    print(
        "\n(b) our step (1 process, 1 thread, CPU time) vs its convolutions alone (forward + backward),"
        "\n    both in a process that keeps freed memory; the step before 2026-11-30's layout changes"
        "\n    (one-channel input with NCHW strides, the loss on 4-D logits, Adam's per-parameter loop);"
        "\n    and our step with the C library's default allocator (large blocks mapped and faulted in"
        "\n    again every step)"
    )
    for b in args.batches:
        s, c = best[("ours-1t", b)]["step_cpu"], best[("convs", b)]["step_cpu"]
        old = best[("before-1t", b)]["step_cpu"]
        plain = best[("ours-default-1t", b)]["step_cpu"]
        print(
            f"  batch {b:>3}: step {s * 1e3:8.2f} ms, convolutions {c * 1e3:8.2f} ms → ×{s / c:.2f} "
            f"(goal ≤ ×1.25); {b / s:6.0f} images/s per core | before {old * 1e3:8.2f} ms "
            f"(×{old / c:.2f} the convolutions; now ×{old / s:.2f} faster) | the C library's default "
            f"allocator: step {plain * 1e3:8.2f} ms (×{plain / c:.2f}; freed memory kept: ×{plain / s:.2f} faster)"
        )
    if args.layout:
        print("\nNCHW vs channels_last (1 thread)")
        for b in args.batches:
            n, c = best[("nchw-1t", b)]["step_cpu"], best[("ours-1t", b)]["step_cpu"]
            print(f"  batch {b:>3}: NCHW {n * 1e3:8.2f} ms, channels_last {c * 1e3:8.2f} ms (×{n / c:.2f})")

    print(
        "\n(c) PROJECTION (not a measurement of the sweep): from-scratch wall time of the sweep "
        f"({EPOCHS} epochs, batches {', '.join(map(str, args.batches))}) with --jobs 2 on this "
        "machine, from the epoch times of (a)"
    )
    print(
        "  from one-thread CPU time (no waiting for a core, but a loaded machine's shared caches and\n"
        "  clock still slow it) and from the wall time of two runs at once as measured:"
    )
    for seeds in args.seeds:
        quiet, loaded = project(ours_epoch_cpu, seeds), project(ours_epoch, seeds)
        one = sum(EPOCHS * epoch_seconds(best[("assignment-1t", b)], b, "_cpu") for b in args.batches) * seeds
        floor = project({b: epoch_seconds(best[("convs", b)], b, "_cpu") for b in args.batches}, seeds)
        print(
            f"  {seeds} seeds × {len(args.batches)} batch sizes = {seeds * len(args.batches)} runs: "
            f"{quiet / 60:5.1f} min from CPU time, {loaded / 60:5.1f} min from wall time (the assignment's "
            f"loop, one run at a time on one core: {one / 60:5.1f} min); FLOOR if every step and\n"
            f"    validation batch cost only its convolutions: {floor / 60:5.1f} min (goal for 3 seeds: 30 min)"
        )
    print(
        "  The floor is what no change outside the convolutions can beat on this machine: below it\n"
        "  only faster convolutions (another algorithm, precision or processor) or fewer of them help."
    )
    bf16_epoch = {b: epoch_seconds(best[("bf16-1t", b)], b, "_cpu") for b in args.batches}
    for seeds in args.seeds:
        print(
            f"  in bf16 (--precision bf16), {seeds} seeds: {project(bf16_epoch, seeds) / 60:5.1f} min from "
            f"CPU time; its floor (bf16 convolutions only): "
            f"{project({b: epoch_seconds(best[('convs-bf16', b)], b, '_cpu') for b in args.batches}, seeds) / 60:5.1f} min"
            f" (the measured figure: benchmarks/bf16_sweep.py)"
        )

    print(
        "\n(d) bf16 mixed precision vs fp32, per training step (1 process, 1 thread, CPU time; autocast\n"
        "    around the forward pass and the loss, as solutions.experiments.precision trains)"
    )
    for b in args.batches:
        f, h = best[("ours-1t", b)]["step_cpu"], best[("bf16-1t", b)]["step_cpu"]
        hc = best[("convs-bf16", b)]["step_cpu"]
        fv, hv = best[("ours-1t", b)]["val_cpu"], best[("bf16-1t", b)]["val_cpu"]
        goal = " (goal ≥ ×1.5)" if b == 100 else ""
        print(
            f"  batch {b:>3}: fp32 {f * 1e3:8.2f} ms, bf16 {h * 1e3:8.2f} ms → ×{f / h:.2f}{goal}; "
            f"validation batch ×{fv / hv:.2f}; bf16 step / its bf16 convolutions ×{h / hc:.2f}"
        )


def extras(args) -> None:
    if args.compile:
        print("\ntorch.compile (inductor), 1 thread")
        for b in (5, 100):
            compile_gain(b, args.seconds)
    if args.profile:
        print(
            "\nper-op profile of our step, 1 thread (self CPU time; profiling adds its own overhead per op),"
            "\nin a process that keeps freed memory; then the page faults per step either way"
        )
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1, initializer=_tuned_init) as tuned:
            for b in (5, 10, 500):
                tuned.apply(profile, (b,))
        for b in (5, 10, 100, 500):
            kept = ctx.Pool(1, initializer=_tuned_init)
            plain = ctx.Pool(1)
            k, d = kept.apply(faults_per_step, (b,)), plain.apply(faults_per_step, (b,))
            kept.close()
            plain.close()
            print(
                f"  batch {b:>3}: {d[0]:8.0f} page faults per step, {d[1] * 1e3:8.2f} ms with the C library's "
                f"defaults; {k[0]:6.0f} and {k[1] * 1e3:8.2f} ms keeping freed memory (×{d[1] / k[1]:.2f})"
            )
    if args.stacked:
        print("\nstacked seeds as grouped convolutions, 1 thread")
        for b in (5, 100):
            stacked(b, 3, args.seconds)


if __name__ == "__main__":
    main()
