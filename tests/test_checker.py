"""`solutions check`: the parser's whitelist, the verdicts, and every slip variant against torch.

Each slip of 1(c) is a switch of the counting code; here the same mistake is built as a torch
module (``Conv2d(bias=False)``, ``BatchNorm2d(affine=False)``, running buffers summed, convs that
read one input channel) and measured with :func:`measure_rows`.
"""

from __future__ import annotations

import functools
import random
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

import pytest
import sympy
import torch
from torch import nn

from solutions.answers import alexnet_1x1, checker, conv_table, counting
from solutions.answers.expression import ExpressionError, parse
from solutions.answers.torch_counts import measure_rows
from solutions.experiments.models import ColourCNN

ROOT = Path(__file__).resolve().parents[1]
NF, NC = counting.NF, counting.NC
S = {"NF": NF, "NC": NC}


# ---------------------------------------------------------------- the 1(c) mistakes, built in torch


class FirstChannel(nn.Module):
    """Keeps channel 0: the conv after it is Conv2d(1, C_out), the "input channel forgotten" slip."""

    def forward(self, x):
        return x[:, :1]


def mistaken_cnn(
    nf: int, nc: int, bias: bool = True, affine: bool = True, one_input_channel: bool = False
) -> nn.Module:
    def conv(c_in, c_out):
        c = nn.Conv2d(1 if one_input_channel else c_in, c_out, 3, padding=1, bias=bias)
        return nn.Sequential(FirstChannel(), c) if one_input_channel else c

    def block(c_in, c_out, resample):
        layers = OrderedDict(conv=conv(c_in, c_out))
        if resample == "pool":
            layers["pool"] = nn.MaxPool2d(2)
        elif resample == "upsample":
            layers["upsample"] = nn.Upsample(scale_factor=2)
        layers["bn"] = nn.BatchNorm2d(c_out, affine=affine)
        layers["relu"] = nn.ReLU()
        return nn.Sequential(layers)

    return nn.Sequential(
        OrderedDict(
            downconv1=block(1, nf, "pool"),
            downconv2=block(nf, 2 * nf, "pool"),
            rfconv=block(2 * nf, 2 * nf, None),
            upconv1=block(2 * nf, nf, "upsample"),
            upconv2=block(nf, nc, "upsample"),
            finalconv=conv(nc, nc),
        )
    )


@functools.cache
def _measured(nf: int, nc: int, bias: bool, affine: bool, one_input_channel: bool, side: int):
    return measure_rows(mistaken_cnn(nf, nc, bias, affine, one_input_channel), (1, side, side))


def torch_total(count: counting.Count, nf: int, nc: int) -> int:
    rows = _measured(nf, nc, count.bias, count.bn_affine, count.one_input_channel, count.side)
    keep = [r for r in rows if count.layers is None or r.kind in count.layers or r.name in count.layers]
    return count.factor * sum(getattr(r, f) for r in keep for f in count.fields)


def test_the_builder_is_the_assignments_cnn():
    # with no mistake, the torch module built here counts exactly as ColourCNN does
    ours = measure_rows(mistaken_cnn(5, 7), (1, 32, 32))
    real = measure_rows(ColourCNN(num_filters=5, num_colours=7), (1, 32, 32))
    assert [r.subs({}) for r in ours] == [r.subs({}) for r in real]


def test_1c_slip_variants_match_torch():
    rng = random.Random(17)
    nf, nc = rng.randint(2, 9), rng.randint(2, 9)
    checked = 0
    for q in counting.QUANTITIES.values():
        for _, base in ((None, q.answer), *q.conventions):
            assert counting.total(base, nf, nc) == torch_total(base, nf, nc), q.key
            for names, changed in counting.slip_variants(base):
                assert counting.total(changed, nf, nc) == torch_total(changed, nf, nc), (q.key, names)
                checked += 1
    assert checked > 100


@pytest.mark.slow
def test_every_1c_variant_is_named_back():
    for ident in checker.IDS[:8]:
        c = checker.get(ident)
        for v in c.slips:
            verdict = checker.check(ident, str(v.value))
            assert verdict.exit_status == 1 and verdict.slips == v.slips, (ident, v.name)


# ---------------------------------------------------------------- the bar


def _cli(*args: str) -> subprocess.CompletedProcess:
    """The command in a process of its own (as a reader runs it)."""
    return subprocess.run(
        [sys.executable, "-m", "solutions", "check", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def _main(capsys, *args: str) -> subprocess.CompletedProcess:
    """The command in this process (fast: torch is imported once)."""
    from solutions.cli import main

    status = main(["check", *args])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, out.out, out.err)


@pytest.mark.slow
def test_bar_weights_exit_0_parameters_exit_1_malicious_exit_2(tmp_path, capsys):
    weights = "72*NF^2 + 9*NF*NC + 9*NC^2 + 9*NF"
    ok = _cli("csc413-1c-weights", weights)
    assert ok.returncode == 0 and ok.stdout.startswith("correct") and "86,112" in ok.stdout
    slip = _main(capsys, "csc413-1c-parameters", weights)
    assert slip.returncode == 1
    assert "conv biases left out: −(2NC + 6NF)" in slip.stdout  # 2·24 + 6·32 = 240
    assert "BatchNorm γ, β left out: −(2NC + 12NF)" in slip.stdout  # 2·24 + 12·32 = 432
    assert "86,784" in slip.stdout  # 86,112 + 240 + 432
    marker = tmp_path / "ran"
    bad = _cli("csc413-1c-weights", f"__import__('os').system('touch {marker}')")
    assert bad.returncode == 2 and not marker.exists()
    assert bad.stderr.count("\n") == 1 and "__import__" in bad.stderr and bad.stdout == ""


def test_cli_list_and_errors(capsys):
    _cli = functools.partial(_main, capsys)
    listed = _cli("--list")
    assert listed.returncode == 0
    for ident in checker.IDS:
        assert ident in listed.stdout
    assert "symbols NF, NC" in listed.stdout and "symbols h, w, c1" in listed.stdout
    unknown = _cli("csc413-1c-weights", "NF + x")
    assert unknown.returncode == 2 and "unknown symbol 'x'" in unknown.stderr and "NF, NC" in unknown.stderr
    syntax = _cli("csc413-1c-weights", "NF +* 2")
    assert syntax.returncode == 2 and "column 5" in syntax.stderr
    assert _cli("no-such-id", "1").returncode == 2
    assert _cli("csc413-1c-weights").returncode == 2


# ---------------------------------------------------------------- the parser


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2NF", 2 * NF),
        ("NF^2", NF**2),
        ("NF²", NF**2),
        ("9*NF*NC", 9 * NF * NC),
        ("9×NF·NC", 9 * NF * NC),
        ("NF**2", NF**2),
        ("NFNC", NF * NC),
        ("2(NF + NC)", 2 * NF + 2 * NC),
        ("−NF", -NF),
        ("NF/2", NF / 2),
    ],
)
def test_parser_accepts(text, expected):
    assert sympy.expand(parse(text, S) - expected) == 0


@pytest.mark.parametrize(
    "text, says",
    [
        ("__import__('os').system('ls')", "unknown function '__import__'"),
        ("N", "unknown symbol 'N'"),  # N is NF's or NC's, never sympy's N()
        ("E + NF", "unknown symbol 'E'"),
        ("NF + 'a'", "column 6"),
        ("NF +", "column 5"),
        ("lambda: 1", "unknown symbol 'lambda'"),
        ("NF; 1", "column 3"),
        ("9^9^9", "exponent"),
        ("((NF + NC)^12)^12", "degree"),
        ("1/0", "division by zero"),
        ("", "empty"),
        ("x" * 400, "longer"),
        ("NF.real", "column 3"),
    ],
)
def test_parser_refuses(text, says):
    with pytest.raises(ExpressionError, match=says.replace("(", r"\(").replace("^", r"\^")):
        parse(text, S)


def test_parser_arguments_are_checked():
    with pytest.raises(ValueError, match="text"):
        parse(3, S)
    with pytest.raises(ValueError, match="symbols"):
        parse("NF", {"NF": "NF"})
    with pytest.raises(ValueError, match="functions"):
        parse("NF", S, ("eval",))
    with pytest.raises(ValueError, match="check_id"):
        checker.check("csc413-9z", "NF")
    with pytest.raises(ValueError, match="text"):
        checker.check("csc413-1c-weights", None)


# ---------------------------------------------------------------- the typical answers (questions.md)

TYPICAL_WEIGHTS = "33NF + 72NF² + 9NF·NC + 9NC² + 4NC"
TYPICAL_CONNECTIONS = "9216NF + 8064NF² + 2304NF·NC + 9216NC²"
TYPICAL_OUTPUTS = "2368NF + 2304NC"


@pytest.mark.parametrize(
    "ident, text, status, slips",
    [
        # its "weights" are the learnable parameters without conv biases (−(6NF + 2NC)) and with the
        # running mean and variance (+(12NF + 2NC)): 86,784 − 240 + 432 = 86,976
        ("csc413-1c-parameters", TYPICAL_WEIGHTS, 1, ("conv biases left out", "BatchNorm running statistics counted")),
        (
            "csc413-1c-parameters-doubled",
            TYPICAL_WEIGHTS,
            1,
            ("conv biases left out", "BatchNorm running statistics counted"),
        ),
        ("csc413-1c-connections", TYPICAL_CONNECTIONS, 0, ()),
        ("csc413-1c-connections-doubled", f"4({TYPICAL_CONNECTIONS})", 0, ()),
        ("csc413-1c-outputs", TYPICAL_OUTPUTS, 0, ()),  # right under convs + pools + upsamples
        ("csc413-1c-outputs-doubled", f"4({TYPICAL_OUTPUTS})", 0, ()),
        ("cs5242-q2-output-size-c", "⌊(h−3)/3⌋+1, ⌊(w−3)/3⌋+1, c2", 0, ()),
        ("cs5242-q2-output-size-d", "h−2, w−2, c1−1", 0, ()),
        ("cs5242-q3-parameters", "149504", 1, ("conv biases left out",)),  # 2·(96² + 256²) = 149,504
        ("cs5242-q3-parameters", "150208", 0, ()),  # + 2·(96 + 256) = 150,208
        # 1,196,032 + 3,816,192 = 5,012,224: SGD, no biases, no activation gradients, one image
        (
            "cs5242-q3-memory",
            "5012224",
            1,
            ("conv biases left out", "gradients of the new layers' outputs left out", "batch size ignored (one image)"),
        ),
        ("csc413-3d-memory-full", "O(n)", 0, ()),
        (
            "csc413-3d-memory-last",
            "O(1)",
            1,
            ("O(1): the frozen weights are still held for the forward pass (parameters stay O(n))",),
        ),
        ("csc413-3d-compute-full", "O(n)", 0, ()),
        ("csc413-3d-compute-last", "O(n)", 0, ()),
        # 3(e): "pixels ×4 but complexity stays O(1)": the saved activations and FLOPs are charged (each
        # feature map has H·W positions: (2H)(2W) = 4HW), the unchanged parameters credited
        (
            "csc413-3e-activation-memory",
            "1",
            1,
            ("unchanged: every feature map has H·W positions, so it grows with the pixel count",),
        ),
        ("csc413-3e-activation-memory", "×4", 0, ()),
        ("csc413-3e-compute", "2", 1, ("×2: only one side counted (H and W both double, so the pixels grow ×4)",)),
        ("csc413-3e-compute", "2^2", 0, ()),
        ("csc413-3e-parameters", "1", 0, ()),
    ],
)
def test_typical_answers_get_their_verdicts(ident, text, status, slips):
    verdict = checker.check(ident, text)
    assert (verdict.exit_status, verdict.slips) == (status, slips), verdict.message


def test_3e_factors_are_numbers_by_hand():
    # (2H)(2W) / (HW) = 4 for activations and FLOPs; a fully convolutional model's weights do not
    # depend on H, W: factor 1; ×4 for its parameters is the named slip
    c = {i: checker.get(i) for i in ("csc413-3e-activation-memory", "csc413-3e-compute", "csc413-3e-parameters")}
    assert [v.answer for v in c.values()] == [4, 4, 1]
    assert all(v.kind == "factor" and not v.symbols for v in c.values())
    v = checker.check("csc413-3e-parameters", "x4")
    assert v.exit_status == 1 and v.deltas == (3,) and "Yours gives 4, the book's 1." in v.message
    assert checker.check("csc413-3e-compute", "4").message == "correct: 4"
    assert "no known slip" in checker.check("csc413-3e-compute", "8").message
    with pytest.raises(ValueError, match="allowed: numbers only"):
        checker.check("csc413-3e-compute", "O(1)")


def test_typical_outputs_credited_as_a_convention():
    verdict = checker.check("csc413-1c-outputs", TYPICAL_OUTPUTS)
    assert verdict.correct and verdict.convention.startswith("convs, pools and upsamples")
    # 2368·32 + 2304·24 = 75,776 + 55,296 = 131,072
    assert counting.evaluate(parse(TYPICAL_OUTPUTS, S)) == 131072


def test_no_known_slip_names_the_smallest_differing_term():
    verdict = checker.check("csc413-1c-weights", "72NF^2 + 9NF·NC + 9NC^2 + 9NF + 5NC")
    assert verdict.exit_status == 1 and verdict.slips == ()
    assert "86,232" in verdict.message and "86,112" in verdict.message  # 86,112 + 5·24
    assert "yours has 5NC" in verdict.message


def test_equality_uses_random_points_for_floors():
    assert checker.check("cs5242-q2-output-size-c", "floor(h/3), floor(w/3), c2").correct
    assert not checker.check("cs5242-q2-output-size-c", "h/3, w/3, c2").correct


# ---------------------------------------------------------------- CS5242 slips against torch


def test_q2_slip_variants_match_torch():
    h, w, c1, c2 = 17, 11, 6, 5
    x = torch.zeros(1, c1, h, w)
    c = checker.get("cs5242-q2-output-size-c")
    pt = {conv_table.H: h, conv_table.W: w, conv_table.C1: c1, conv_table.C2: c2}
    no_stride = nn.Conv2d(c1, c2, 3)(x).shape  # stride left at 1: 15 × 9 × 5
    assert tuple(int(e.subs(pt)) for e in c.slips[0].value) == (no_stride[2], no_stride[3], no_stride[1])
    d = checker.get("cs5242-q2-output-size-d")
    vol = torch.zeros(1, 1, h, w, c1)
    for slip, depth in zip(d.slips, (1, 3)):  # depth 1: c1 kept; depth 3: c1 − 2
        shape = nn.Conv3d(1, 1, (3, 3, depth))(vol).shape[2:]
        assert tuple(int(e.subs(pt)) for e in slip.value) == tuple(shape), slip.name


def test_q3_slip_variants_match_torch():
    def blocks(bias):
        return nn.ModuleList([nn.Conv2d(c, c, 1, bias=bias) for c in (96, 96, 256, 256)])

    assert sum(p.numel() for p in blocks(False).parameters()) == 149504  # 2·96² + 2·256²
    assert sum(p.numel() for p in blocks(True).parameters()) == 150208  # + 2·96 + 2·256
    measured = alexnet_1x1.measured_bill("adam", 2).as_dict()
    B = alexnet_1x1.B
    assert checker.q3_memory_formula("adam").subs(B, 2) == measured["total"]
    for item in ("gradients", "saved_activations", "activation_gradients"):
        assert checker.q3_memory_formula("adam", (item,)).subs(B, 2) == measured["total"] - measured[item], item
    # biases left out: the Adam state of weight-only convs, measured
    from solutions.answers.training_memory import optimizer_state_bytes

    no_bias = nn.Sequential(*blocks(False)[:1])
    state = optimizer_state_bytes(no_bias, "adam", torch.zeros(1, 96, 2, 2))
    assert state == 4 * (2 * 96 * 96 + 1)  # two moments per weight + a step counter, float32


def test_page_data_matches_the_checks():
    data = checker.page_data(["csc413-1c-weights"])
    d = data["csc413-1c-weights"]
    assert d["points"][0] == {"NF": 32, "NC": 24} and d["answer"]["values"][0] == 86112
    assert all(len(v["values"]) == len(d["points"]) for v in d["slips"])
    with pytest.raises(ValueError, match="check_ids"):
        checker.page_data(["no-such-check"])


# ---------------------------------------------------------------------------------------------
# The parser's limits and messages, worked out by hand.


def test_parser_limits_by_hand():
    import dataclasses

    from solutions.answers.expression import Token, tokens

    nf = {"NF": sympy.Symbol("NF")}
    text = "1" + "+1" * 149  # 299 characters, value 150
    assert parse(text + " ", nf) == 150  # 300 characters: the limit, accepted
    with pytest.raises(ExpressionError):
        parse(text + "  ", nf)  # 301: refused
    # a constant power may have up to 60 digits: 100000^12 = 10^60 (12 · 5 = 60) is computed,
    # 100001^12 (12 · 5.0000043 > 60) is refused before it is
    assert parse("100000^12", nf) == 10**60
    with pytest.raises(ExpressionError, match="^number too large"):
        parse("100001^12", nf)
    assert parse("NF^0", nf) == 1  # exponents run from 0
    # 40 nested parentheses are allowed, 41 are refused
    assert parse("(" * 40 + "NF" + ")" * 40, nf) == nf["NF"]
    with pytest.raises(ExpressionError, match="^too deeply nested at column 41"):
        parse("(" * 41 + "NF" + ")" * 41, nf)
    # columns are 1-based: "2**3" has its power at column 2, "NF²" its superscript at column 3
    assert [(t.kind, t.column) for t in tokens("2**3")] == [("num", 1), ("op", 2), ("num", 4), ("end", 5)]
    assert tokens("NF²")[1] == Token("sup", "2", 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tokens("1")[0].column = 5


def test_syntax_errors_say_what_was_found():
    nf = {"NF": sympy.Symbol("NF")}
    with pytest.raises(ExpressionError, match=r"column 5: .*found the end of the input$"):
        parse("NF +", nf)
    with pytest.raises(ExpressionError, match=r"column 6: .*found '\)'$"):
        parse("NF + )", nf)


def test_common_slips_are_single_slips_with_their_values_by_hand():
    from solutions.answers import checker

    # weights 86,112; conv biases counted as weights add 6NF + 2NC = 192 + 48 = 240 → 86,352;
    # BatchNorm γ, β counted as weights add 12NF + 2NC = 384 + 48 = 432 → 86,544
    slips = checker.common_slips("csc413-1c-weights", 2)
    assert [(name, value) for name, _, value in slips] == [
        ("conv biases counted as weights", 86_352),
        ("BatchNorm γ, β counted as weights", 86_544),
    ]
    # single slips only: three for the weights, however large the limit
    assert len(checker.common_slips("csc413-1c-weights", 50)) == 3
    for bad in (0, -1, True, 2.0):
        with pytest.raises(ValueError, match="^limit must be a positive integer"):
            checker.common_slips("csc413-1c-weights", bad)
    with pytest.raises(ValueError, match="^leave_out must name items"):
        checker.q3_memory_formula("adam", ("total",))


# ---------------------------------------------------------------------------------------------
# Mutation survivors of the checker (benchmarks/mutation/recheck.txt), killed with values by hand.


def test_q2_messages_give_the_values_at_the_defaults_by_hand():
    # h = w = 32, c1 = 3, c2 = 16: Q2(c) ⌊(32 − 3)/3⌋ + 1 = ⌊29/3⌋ + 1 = 10, so 10 × 10 × 16;
    # Q2(d) (h − 2) × (w − 2) × (c1 − 1) = 30 × 30 × 2
    where = "at h=32, w=32, c_1=3, c_2=16"
    v = checker.check("cs5242-q2-output-size-c", "⌊(h−3)/3⌋+1, ⌊(w−3)/3⌋+1, c2")
    assert v.correct and v.message.endswith(f"(10 × 10 × 16 {where})")
    v = checker.check("cs5242-q2-output-size-d", "h−2, w−2, c1−1")
    assert v.correct and v.message.endswith(f"(30 × 30 × 2 {where})")
    # h, w, c2 is no known slip: 32 × 32 × 16, only the channels right
    v = checker.check("cs5242-q2-output-size-c", "h, w, c2")
    assert v.message == (
        "not the book's answer, and no known slip gives it: yours gives 32 × 32 × 16 "
        f"{where}, the book's 10 × 10 × 16; the height differs, the width differs."
    )


def test_the_random_points_are_drawn_from_each_checks_declared_ranges():
    # The smallest sizes each question allows: a 3×3 kernel, stride 3, no padding needs h, w ≥ 3;
    # Q2(d)'s "kernel depth taken as 3" slip gives c1 − 2 channels, so c1 ≥ 3; one kernel or more
    # (c2 ≥ 1), one image or more (B ≥ 1), one filter and one colour or more (NF, NC ≥ 1). The caps
    # are the declared 200 (sizes, filters), 50 (channels) and 512 (images).
    H, W, C1, C2 = conv_table.H, conv_table.W, conv_table.C1, conv_table.C2
    q2 = {H: (3, 200), W: (3, 200), C1: (3, 50), C2: (1, 50)}
    assert checker.get("cs5242-q2-output-size-c").ranges == q2
    assert checker.get("cs5242-q2-output-size-d").ranges == q2
    assert checker.get("cs5242-q3-memory").ranges == {alexnet_1x1.B: (1, 512)}
    assert checker.get("csc413-1c-weights").ranges == {NF: (1, 200), NC: (1, 200)}
    # every check that compares at points (formulas and shapes) declares a range for each of its
    # symbols, so _points' fallback range is never used; orders are compared by limits, factors
    # have no symbols
    for ident, c in checker.checks().items():
        if c.kind in ("formula", "shape"):
            assert set(c.symbols.values()) <= set(c.ranges), ident
            for p in checker._points(c)[1:]:
                assert all(c.ranges[s][0] <= v <= c.ranges[s][1] for s, v in p.items()), ident
        else:
            assert c.kind in ("order", "factor") and (c.kind == "order" or not c.symbols), ident


def test_q3_leaving_out_the_biases_under_adam_by_hand():
    # With biases 150,208 parameters in 8 tensors; without 149,504 in the 4 weight tensors
    # (704 = 2·96 + 2·256 biases). float32, 4 bytes: parameters and gradients each lose
    # 4·704 = 2,816 bytes; Adam's state (two moments per value, one step counter per tensor) loses
    # 4·(2·704 + 4) = 5,648: 2,816 + 2,816 + 5,648 = 11,280 in all. Momentum SGD's one buffer per
    # value loses 2,816: 3 · 2,816 = 8,448.
    adam = checker.q3_memory_formula("adam")
    assert checker.q3_memory_formula("adam", ("biases",)) - adam == -11280
    momentum = checker.q3_memory_formula("sgd_momentum")
    assert checker.q3_memory_formula("sgd_momentum", ("biases",)) - momentum == -8448
    v = checker.check("cs5242-q3-memory", str(adam - 11280))
    assert v.slips == ("conv biases left out",) and v.deltas == (-11280,)


def test_n_is_a_positive_integer():
    # n counts the layers of the network: the reader's "n" is a positive integer
    assert checker.N.is_integer is True and checker.N.is_positive is True
    assert str(checker.N) == "n"


@pytest.mark.parametrize(
    "table, answers",
    [
        # made-up exponents (full model, last layer): memory is the largest of parameters, gradients,
        # Adam state and saved activations (None counts as 0), compute of the forward and backward FLOPs
        (
            {
                "parameters": (3, 0),
                "gradients": (2, None),
                "adam_state": (2, 0),
                "saved_activations": (None, 0),
                "forward_flops": (4, 2),
                "backward_flops": (5, 1),
            },
            (3, 0, 5, 2),
        ),
        (
            {
                "parameters": (0, 2),
                "gradients": (None, 1),
                "adam_state": (0, 0),
                "saved_activations": (None, None),
                "forward_flops": (1, 3),
                "backward_flops": (0, 0),
            },
            (0, 2, 1, 3),
        ),
    ],
)
def test_the_order_answers_read_their_column_of_the_exponent_table(monkeypatch, table, answers):
    from solutions.answers import finetune_cost
    from solutions.answers.expression import BigO

    monkeypatch.setattr(finetune_cost, "CLAIMED_EXPONENT", {**finetune_cost.CLAIMED_EXPONENT, **table})
    checker.get.cache_clear()
    try:
        got = [
            checker.get(f"csc413-3d-{what}-{mode}").answer
            for what in ("memory", "compute")
            for mode in ("full", "last")
        ]
    finally:
        checker.get.cache_clear()  # the other tests get the real table's checks
    assert got == [BigO(checker.N**e) for e in answers]


def test_an_order_that_is_no_known_slip_says_whether_it_grows_faster_or_slower():
    # n²/n → ∞: faster; log(n)/n → 0: slower (the book's memory of full fine-tuning is O(n))
    v = checker.check("csc413-3d-memory-full", "O(n^2)")
    assert v.message == "not the book's answer: O(n^2) grows faster than the book's O(n)"
    v = checker.check("csc413-3d-memory-full", "O(log(n))")
    assert v.message == "not the book's answer: O(log(n)) grows slower than the book's O(n)"
    assert v.exit_status == 1 and v.slips == ()


def test_no_known_slip_names_the_books_term_too():
    # 72NF² + 9NF·NC + 9NC² + 10NF differs from the book's weights by NF alone: yours 10NF, the
    # book's 9NF; at NF = 32, NC = 24 it gives 86,112 + 32 = 86,144
    v = checker.check("csc413-1c-weights", "72NF^2 + 9NF·NC + 9NC^2 + 10NF")
    assert v.message == (
        "not the book's answer, and no known slip gives it: yours gives 86,144 at NF=32, "
        "NC=24, the book's 86,112; the smallest term that differs: yours has 10NF, the book's 9NF."
    )


def test_a_shape_never_equals_a_number():
    c = checker.get("cs5242-q2-output-size-c")
    ten = sympy.Integer(10)
    assert checker._equal(c, (ten, ten, ten), ten) is False
    assert checker._equal(c, ten, (ten, ten, ten)) is False
    assert checker._equal(c, (ten, ten), (ten, ten, ten)) is False


def test_a_q2_slip_without_deltas_is_named_with_its_values():
    # stride 1 instead of 3: (32 − 3)/1 + 1 = 30, so 30 × 30 × 16 for the book's 10 × 10 × 16
    v = checker.check("cs5242-q2-output-size-c", "h−2, w−2, c2")
    assert v.message == (
        "not the book's answer: stride ignored (stride 1 used). Yours gives 30 × 30 × 16 "
        "at h=32, w=32, c_1=3, c_2=16, the book's 10 × 10 × 16."
    )
    assert v.slips == ("stride ignored (stride 1 used)",) and v.deltas == ()


def test_answers_are_compared_beyond_the_defaults():
    # ⌈h/3⌉ − 1 = ⌊(h − 3)/3⌋ + 1 unless 3 divides h: at the default h = 32 both are 10, at h = 33
    # they are 10 and 11. The 12 random points (beside the defaults) tell them apart.
    v = checker.check("cs5242-q2-output-size-c", "⌈h/3⌉−1, ⌈w/3⌉−1, c2")
    assert not v.correct and v.slips == ()
    assert "yours gives 10 × 10 × 16 at h=32" in v.message  # the same at the defaults
    d = checker.page_data(["csc413-1c-weights"])["csc413-1c-weights"]
    assert len(d["points"]) == 1 + 12  # the defaults + POINTS


def test_other_slips_are_the_single_slips_not_made():
    # 6NF + 2NC = 192 + 48 = 240 more than the book's 86,112: 86,352
    rows = checker.other_slips(set())
    assert ("csc413-1c-weights", "conv biases counted as weights", 6 * NF + 2 * NC, 86352, 86112) in rows
    assert rows and all(" + " not in name for _, name, *_ in rows)  # one slip each
    made = {"conv biases counted as weights"}
    assert all(name not in made for _, name, *_ in checker.other_slips(made))
