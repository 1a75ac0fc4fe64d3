"""Seeds by name, `stored`, the per-run lock, and `solutions run --jobs` (nothing is trained here)."""

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from solutions.cli import main
from solutions.experiments import registry
from solutions.experiments.store import ENV_RESULTS

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
       "SOLUTIONS_CIFAR_SOURCE": str(ROOT / "data" / "cifar10_horses.npz")}


def test_every_sweep_setting_has_three_seeds_named_after_seed_zero():
    assert registry.sweep_names(50) == ["unet-b50", "unet-b50-s1", "unet-b50-s2"]
    assert registry.seeds_of("cnn") == ["cnn", "cnn-s1", "cnn-s2"]
    # the 2(c) UNet is the batch-100 run; its seeds 1 and 2 are the stored unet-seed1, unet-seed2
    assert registry.seeds_of("unet") == ["unet", "unet-b100-s1", "unet-b100-s2"]
    assert registry.key("unet-b100-s1") == registry.key("unet-seed1")
    assert registry.key("unet-b100-s2") == registry.key("unet-seed2")
    for batch in registry.BATCH_SIZES:
        names = registry.sweep_names(batch)
        configs = [registry.ALL_RESULTS[n].config for n in names]
        assert [c.seed for c in configs] == [0, 1, 2]
        assert {dataclasses.replace(c, seed=0) for c in configs} == {registry.RUNS[f"unet-b{batch}"]}
        assert all(c.epochs == 25 and c.batch_size == batch for c in configs)
    # 7 batch sizes × 2 new seeds + the CNN's 2 = 16 names; those not read by the book are unread(),
    # and so are the bf16 runs no page reads
    seeds = {n for b in registry.BATCH_SIZES for n in registry.sweep_names(b)[1:]} | {"cnn-s1", "cnn-s2"}
    assert len(seeds) == 16
    assert set(registry.unread()) == (seeds | set(registry.BF16_RUNS)) - set(registry.RESULTS)


def test_the_1d_and_2c_runs_are_named_by_what_they_change():
    # 1(d): each network trained on y = a·x + b, 10 epochs, seeds 0, 1, 2; (1, 0) is the baseline
    assert registry.transform_name("unet", -1.0, 1.0) == "unet-a-1-b1"
    for model in ("cnn", "unet"):
        for a, b, case in ((1.0, 0.0, "a1-b0"), (2.0, 0.0, "a2-b0"), (-1.0, 0.0, "a-1-b0"),
                           (-1.0, 1.0, "a-1-b1")):
            names = registry.seeds_of(f"{model}-{case}")
            assert names == [f"{model}-{case}", f"{model}-{case}-s1", f"{model}-{case}-s2"]
            configs = [registry.RESULTS[n].config for n in names]     # all read by the book
            assert [(c.model, c.epochs, c.input_scale, c.input_shift, c.seed, c.batch_size)
                    for c in configs] == [(model, 10, a, b, s, 100) for s in (0, 1, 2)]
    # 2(c): the UNet without one kind of skip, the default run otherwise
    for skips, name in (("no_input", "unet-no-input"), ("no_encoder", "unet-no-encoder")):
        assert registry.ablation_name(skips) == name
        for n, seed in zip(registry.seeds_of(name), (0, 1, 2)):
            assert registry.RESULTS[n].config == dataclasses.replace(
                registry.RUNS["unet"], unet_skips=skips, seed=seed)


@pytest.mark.parametrize("name, network", [(registry.C1D_PROBE, "cnn"), (registry.C1D_PROBE, "unet"),
                                           (registry.C2_EDGES, "cnn"), (registry.C2_EDGES, "unet")])
def test_a_stored_measurement_is_stale_when_a_network_it_runs_is(monkeypatch, name, network):
    # 1(d)'s probe and 2(c)'s edge split run the stored CNN and UNet: their keys include those keys
    before = registry.key(name)
    assert registry.RESULTS[name].after == ("palette", "cnn", "unet")
    run = registry.ALL_RESULTS[network]
    monkeypatch.setitem(registry.ALL_RESULTS, network,
                        dataclasses.replace(run, config=dataclasses.replace(run.config, epochs=24)))
    assert registry.key(name) != before


def test_stored_measurements_are_keyed_on_the_code_that_measures():
    # the 3(d) sweeps and Q3's peak read no data: keyed on their config and code only
    for name, module in ((registry.C3DE_SWEEPS, "solutions.answers.finetune_cost"),
                         (registry.Q3_PEAK, "solutions.answers.alexnet_1x1")):
        r = registry.RESULTS[name]
        assert (r.code, r.uses_data, r.after) == ((module,), False, ())


def test_the_q1_readings_are_keyed_on_scikit_learns_version(monkeypatch):
    # the classifiers come from scikit-learn, whose version is in no code hash: it is in this key
    assert registry.RESULTS[registry.Q1_READINGS].versions == ("scikit-learn",)
    before, palette = registry.key(registry.Q1_READINGS), registry.key("palette")
    real = registry.importlib.metadata.version
    monkeypatch.setattr(registry.importlib.metadata, "version",
                        lambda d: "0.0.1" if d == "scikit-learn" else real(d))
    assert registry.key(registry.Q1_READINGS) != before
    assert registry.key("palette") == palette      # no other result depends on it


@pytest.mark.parametrize("call, arg", [(registry.sweep_names, 30), (registry.sweep_names, True),
                                       (registry.seeds_of, "q4-width"), (registry.seeds_of, "cnn-s9")])
def test_bad_seed_queries(call, arg):
    with pytest.raises(ValueError, match="batch|name"):
        call(arg)


def test_stored_reads_and_never_computes(tmp_path, monkeypatch):
    assert registry.stored("cnn") and registry.stored("unet-b100-s1")   # committed
    monkeypatch.setenv(ENV_RESULTS, str(tmp_path))
    assert not registry.stored("cnn") and registry.stored_seeds("cnn") == []
    assert not list(tmp_path.iterdir())                                  # nothing written


HOLD = textwrap.dedent("""
    import sys, time
    from solutions.experiments import registry
    with registry.run_lock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(60)
""")


@pytest.mark.slow
def test_a_live_lock_is_respected_and_a_dead_holders_lock_is_taken_over(tmp_path):
    env = {**ENV, ENV_RESULTS: str(tmp_path)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, "cnn-s1"], env=env, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        os.environ[ENV_RESULTS] = str(tmp_path)
        with pytest.raises(BlockingIOError, match=f"pid {holder.pid}"):
            with registry.run_lock("cnn-s1", wait=False):
                pass
        with registry.run_lock("cnn-s2", wait=False):   # other runs are not held up
            pass
    finally:
        holder.send_signal(signal.SIGKILL)              # dies holding it, as a crash would
        holder.wait()
    try:
        lock = registry.lock_path("cnn-s1")
        assert lock.read_text().strip() == str(holder.pid)   # the dead pid is still written there
        with registry.run_lock("cnn-s1", wait=False) as path:
            assert path == lock and lock.read_text().strip() == str(os.getpid())
    finally:
        del os.environ[ENV_RESULTS]


RUN_ONCE = textwrap.dedent("""
    import os, sys, time
    from solutions.experiments import registry
    from solutions.experiments.store import Computed

    def fake(r, device, progress, on_epoch=None):      # stands in for training: slow, counted
        def compute():
            with open(sys.argv[2], "a") as f:
                f.write(f"{os.getpid()}\\n")
            time.sleep(3)
            return Computed({"final": None, "pid": os.getpid()})
        return compute

    registry._compute = fake
    print(registry.run(sys.argv[1]).result["pid"], flush=True)
""")


@pytest.mark.slow
def test_two_processes_asking_for_one_run_compute_it_once(tmp_path):
    env = {**ENV, ENV_RESULTS: str(tmp_path / "results")}
    counter = tmp_path / "computed"
    procs = [subprocess.Popen([sys.executable, "-c", RUN_ONCE, "unet-b5-s2", str(counter)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert len(counter.read_text().splitlines()) == 1             # computed once
    assert outs[0][0] == outs[1][0]                               # both got that entry
    assert sum("waiting" in err for _, err in outs) <= 1


def test_run_jobs_needs_a_positive_count(capsys):
    assert main(["run", "cnn", "--jobs", "0"]) == 2
    assert "--jobs: must be from 1 to" in capsys.readouterr().err


def test_run_jobs_with_everything_stored_starts_no_process(capsys):
    start = time.perf_counter()
    assert main(["run", "palette", "cnn", "unet-seed1", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "0 to compute" in out and "cnn " in out and "unet-seed1" in out
    assert time.perf_counter() - start < 60
