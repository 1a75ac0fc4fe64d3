"""Mixed precision (solutions.experiments.precision): torch's AMP recipe, fp32 runs keyed as before."""

import dataclasses
from pathlib import Path

import pytest
import torch

from solutions.cli import main
from solutions.experiments import names, precision, registry, runner, training
from solutions.experiments.codehash import module_closure
from solutions.experiments.precision import MixedPrecisionConfig, precision_of, with_precision
from solutions.experiments.store import read_entry
from solutions.experiments.training import TrainConfig, _layout, build_model, evaluate, pixel_cross_entropy

from test_colour_training import TINY, tiny_data


@pytest.fixture
def bf16_cpu(monkeypatch):
    """Let bf16 run on this CPU even without bf16 instructions (emulated: slow, but the same maths)."""
    monkeypatch.setattr(precision, "native_bf16_cpu", lambda: True)


def recipe(config, data):
    """torch's AMP recipe written out: autocast around each forward pass and its loss only."""
    model = build_model(config).to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate, foreach=True)
    x, xv = _layout(data.x_train_grey, config), _layout(data.x_test_grey, config)
    n = -(-len(x) // config.batch_size)
    losses = []
    for _ in range(config.epochs):
        for b in range(n):
            xb = x[b * config.batch_size : (b + 1) * config.batch_size]
            yb = data.y_train[b * config.batch_size : (b + 1) * config.batch_size]
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = pixel_cross_entropy(model(xb).float(), yb)
            loss.backward()
            opt.step()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            losses.append(evaluate(model, xv, data.y_test, config.batch_size, config))
    return losses, model


@pytest.mark.parametrize("model", ["cnn", "unet"])
def test_a_bf16_run_is_the_amp_recipe_to_the_bit(model, bf16_cpu):
    data = tiny_data()
    config = with_precision(TrainConfig(model=model, **TINY), "bf16")
    run = precision.train(config, data, device="cpu")
    losses, reference = recipe(config, data)
    assert [(e.val_loss, e.val_accuracy) for e in run.epochs] == losses
    for (name, p), q in zip(run.model.state_dict().items(), reference.state_dict().values()):
        assert torch.equal(p, q), name
    # …and it is not fp32's run (autocast did engage)
    fp32 = training.train(TrainConfig(model=model, **TINY), data)
    assert [e.val_loss for e in fp32.epochs] != [e.val_loss for e in run.epochs]


def test_with_autocast_s_weight_cache_the_run_would_not_see_its_updates(bf16_cpu):
    # why precision.autocast turns the cache off: one context around many steps reuses the first
    # step's bf16 weights (the recipe's context lasts one step, so its cache never goes stale)
    data = tiny_data()
    config = with_precision(TrainConfig(model="cnn", **TINY), "bf16")
    with torch.autocast("cpu", dtype=torch.bfloat16):
        cached = training.train(config, data, device="cpu")
    losses, _ = recipe(config, data)
    assert [(e.val_loss, e.val_accuracy) for e in cached.epochs] != losses


def test_bf16_convolutions_with_fp32_weights_optimizer_state_statistics_and_loss(bf16_cpu, monkeypatch):
    seen = {"conv": set(), "loss": set()}
    loss_fn = training.pixel_cross_entropy

    def recording_loss(logits, target, total=False):
        out = loss_fn(logits, target, total)
        seen["loss"].add(out.dtype)
        return out

    monkeypatch.setattr(training, "pixel_cross_entropy", recording_loss)
    hook = torch.nn.modules.module.register_module_forward_hook(
        lambda m, i, o: seen["conv"].add(o.dtype) if isinstance(m, torch.nn.Conv2d) else None
    )
    try:
        run = precision.train(with_precision(TrainConfig(model="unet", **TINY), "bf16"), tiny_data(), device="cpu")
    finally:
        hook.remove()
    assert seen == {"conv": {torch.bfloat16}, "loss": {torch.float32}}
    assert {t.dtype for t in run.model.state_dict().values() if t.is_floating_point()} == {torch.float32}
    assert {p.grad.dtype for p in run.model.parameters()} == {torch.float32}


def test_summaries_of_a_bf16_run_predict_in_bf16(bf16_cpu, monkeypatch):
    data = tiny_data()
    run = precision.train(with_precision(TrainConfig(model="cnn", **TINY), "bf16"), data, device="cpu")
    dtypes = set()
    hook = run.model.finalconv.register_forward_hook(lambda m, i, o: dtypes.add(o.dtype))
    result, _ = precision.summarise(run, data)
    hook.remove()
    assert dtypes == {torch.bfloat16}
    assert result["config"]["precision"] == "bf16"
    fp32 = training.train(TrainConfig(model="cnn", **TINY), data)
    assert "precision" not in training.summarise(fp32, data)[0]["config"]


def test_fp32_is_a_plain_train_config_and_one_key():
    config = TrainConfig(model="unet", batch_size=5)
    assert type(with_precision(config, "fp32")) is TrainConfig and with_precision(config, "fp32") == config
    bf16 = with_precision(config, "bf16")
    assert isinstance(bf16, MixedPrecisionConfig) and precision_of(bf16) == "bf16"
    assert with_precision(bf16, "fp32") == config  # back again, field by field
    assert dataclasses.replace(bf16, seed=2).precision == "bf16"  # seeds keep their precision
    with pytest.raises(ValueError, match="precision 'fp32' is a plain TrainConfig"):
        MixedPrecisionConfig(precision="fp32")  # else two keys for one computation
    with pytest.raises(ValueError, match="fp16 is not offered|'fp16' is not offered"):
        MixedPrecisionConfig(precision="fp16")
    with pytest.raises(ValueError, match="precision must be one of"):
        with_precision(config, "fp8")
    with pytest.raises(ValueError, match="config must be a TrainConfig"):
        precision_of({"precision": "bf16"})


def test_refusals_say_why_in_one_line(monkeypatch):
    monkeypatch.setattr(precision, "native_bf16_cpu", lambda: False)
    with pytest.raises(ValueError, match=r"no bf16 instructions \(avx512_bf16 or AMX\).*use fp32"):
        precision.check_supported("bf16", "cpu")
    with pytest.raises(ValueError, match="no bf16 instructions"):  # nothing is trained
        precision.train(with_precision(TrainConfig(**TINY), "bf16"), tiny_data(), device="cpu")
    with pytest.raises(ValueError, match="GradScaler"):
        precision.check_supported("fp16", "cpu")
    precision.check_supported("fp32", "cpu")
    monkeypatch.setattr(precision, "native_bf16_cpu", lambda: True)
    precision.check_supported("bf16", "cpu")


def test_native_bf16_follows_the_cpu_flags():
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    if not flags:
        pytest.skip("no /proc/cpuinfo")
    assert precision.native_bf16_cpu() == any(f in flags.split() for f in ("avx512_bf16", "amx_tile"))


# ---------------------------------------------------------------------------------------------
# Keys: the fp32 runs are keyed as they were before precision existed.


def test_the_fp32_runs_keys_do_not_cover_the_precision_module():
    assert "solutions.experiments.precision" not in module_closure(["solutions.experiments.training"], "solutions")
    for name in registry.ALL_RUNS:
        r = registry.ALL_RESULTS[name]
        mixed = precision_of(r.config) != "fp32"
        assert ("solutions.experiments.precision" in r.code) == mixed, name
        assert ("precision" in dataclasses.asdict(r.config)) == mixed, name


def test_a_stored_fp32_key_is_pinned():
    # The key of unet-b5 as stored in results/colour/ (its entry's folder name). Changing the training
    # code or TrainConfig's fields re-keys every stored run: then, and only then, update this pin.
    assert registry.key("unet-b5")[:16] == "bfdd93db2ea2da4c"
    assert read_entry("colour", registry.key("unet-b5")) is not None
    assert '"precision"' not in registry.ALL_RESULTS["unet-b5"].config.__repr__()


def test_the_bf16_runs_are_the_sweep_and_the_cnn_every_seed_with_their_own_keys():
    assert len(names.BF16_RUNS) == 7 * 3 + 3
    for name in names.BF16_RUNS:
        fp32 = registry.in_precision(name, "fp32")
        assert registry.in_precision(fp32, "bf16") == name
        assert registry.ALL_RUNS[name] == with_precision(registry.ALL_RUNS[fp32], "bf16")
        assert registry.key(name) != registry.key(fp32)
    assert registry.seeds_of("unet-b50-bf16") == ["unet-b50-bf16", "unet-b50-s1-bf16", "unet-b50-s2-bf16"]
    assert registry.in_precision("unet-b100", "bf16") == "unet-b100-bf16"
    assert registry.in_precision("unet-b100-s2", "bf16") == "unet-b100-s2-bf16"
    assert registry.in_precision("unet-b100-bf16", "fp32") == "unet-b100"
    with pytest.raises(ValueError, match="'unet-b500-lr-scaled' has no bf16 run"):
        registry.in_precision("unet-b500-lr-scaled", "bf16")
    with pytest.raises(ValueError, match="colourization runs only"):
        registry.in_precision("palette", "bf16")


def test_run_precision_bf16_runs_the_twins(monkeypatch, capsys, bf16_cpu):
    ran = []

    class Entry:
        result, path = {}, Path("x")

    def fake_run(name, device="auto", progress=True, recompute=False, **kwargs):
        ran.append(name)
        return Entry()

    monkeypatch.setattr(runner, "run", fake_run)
    assert main(["run", "unet-b5", "unet-b100-s1", "cnn-s2", "--precision", "bf16", "--quiet"]) == 0
    assert ran == ["unet-b5-bf16", "unet-b100-s1-bf16", "cnn-s2-bf16"]
    ran.clear()
    assert main(["run", "bf16", "--quiet"]) == 0
    assert ran == list(names.BF16_RUNS)


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["run", "unet-b5", "--precision", "fp16"], "'fp16' is not offered"),
        (["run", "q3-peak", "--precision", "bf16"], "colourization runs only"),
        (["run", "unet-b10-lr-scaled", "--precision", "bf16"], "has no bf16 run"),
    ],
)
def test_precision_errors_are_one_line_exit_2(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err


def test_bf16_on_a_cpu_without_it_is_refused_before_anything_runs(monkeypatch, capsys):
    monkeypatch.setattr(precision, "native_bf16_cpu", lambda: False)
    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("nothing may run"))
    assert main(["run", "unet-b500", "--precision", "bf16", "--device", "cpu"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no bf16 instructions" in err[0]
