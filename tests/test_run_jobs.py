"""Names, groups and seeds, `stored`, the per-run lock, and `solutions run --jobs` (nothing is trained here)."""

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
from solutions.experiments import names, registry, runner
from solutions.experiments.store import ENV_RESULTS
from solutions.experiments.training import TrainConfig

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT / "src"),
    "SOLUTIONS_CIFAR_SOURCE": str(ROOT / "data" / "cifar10_horses.npz"),
}


def test_every_sweep_setting_has_three_seeds_named_after_seed_zero():
    assert names.SWEEP[50] == ("unet-b50", "unet-b50-s1", "unet-b50-s2")
    assert registry.seeds_of("unet-b50-s2") == ["unet-b50", "unet-b50-s1", "unet-b50-s2"]
    assert names.CNN_SEEDS == ("cnn", "cnn-s1", "cnn-s2") and registry.seeds_of("cnn") == list(names.CNN_SEEDS)
    # the 2(c) UNet is the batch-100 run of the sweep, with the assignment's settings
    assert names.UNET_SEEDS == names.SWEEP[100] == ("unet-b100", "unet-b100-s1", "unet-b100-s2")
    assert registry.RUNS[names.UNET] == TrainConfig(model="unet")
    assert registry.RUNS[names.CNN] == TrainConfig(model="cnn")
    for batch in names.BATCH_SIZES:
        configs = [registry.RESULTS[n].config for n in names.SWEEP[batch]]  # all read by the book
        assert [c.seed for c in configs] == [0, 1, 2]
        assert {dataclasses.replace(c, seed=0) for c in configs} == {registry.RUNS[f"unet-b{batch}"]}
        assert all(c.epochs == 25 and c.batch_size == batch and c.learning_rate == 0.001 for c in configs)
    # the book reads every run: the fp32 runs and their bf16 twins (the page "Does bf16 change the answers?")
    assert not registry.unread() and set(names.BF16_RUNS) <= set(registry.RESULTS)


def test_each_result_has_one_name():
    # no two names of one result: every (experiment, config), hence every key, is named once
    things = [(r.experiment, repr(r.config)) for r in registry.ALL_RESULTS.values()]
    assert len(set(things)) == len(things)
    keys = [key for _, key in registry.known_keys().values()]
    assert len(set(keys)) == len(keys)


def test_the_groups_name_results_and_no_group_is_a_result():
    # 7 batch sizes × 3 seeds; the scaled pair; 3 CNN seeds; 2 networks × 4 (a, b) × 3 seeds;
    # 2 ablations × 3 seeds; 4 Q4 sweeps; (21 + 3) bf16 twins
    assert {g: len(m) for g, m in names.GROUPS.items()} == {
        "sweep": 21,
        "lr-scaled": 2,
        "cnn-seeds": 3,
        "c1d-runs": 24,
        "c2-ablations": 6,
        "q4": 4,
        "bf16": 24,
    }
    assert set(names.GROUPS) == set(names.GROUP_TITLES)
    for group, members in names.GROUPS.items():
        assert len(set(members)) == len(members) and set(members) <= set(registry.ALL_RESULTS), group
        assert group not in registry.ALL_RESULTS and group not in ("book", "all"), group
    assert names.LR_SCALED == {10: "unet-b10-lr-scaled", 500: "unet-b500-lr-scaled"}
    assert {b: registry.RUNS[n].learning_rate for b, n in names.LR_SCALED.items()} == {10: 0.0001, 500: 0.005}
    assert names.Q4_SWEEPS == {
        "weight_decay": "q4-weight_decay",
        "width": "q4-width",
        "dropout": "q4-dropout",
        "n_train": "q4-n_train",
    }
    assert {registry.RESULTS[n].config.name for n in names.Q4_SWEEPS.values()} == set(names.Q4_SWEEPS)
    for fp32, bf16 in names.BF16_TWINS.items():
        assert registry.in_precision(fp32, "bf16") == bf16 and registry.in_precision(bf16, "fp32") == fp32


def test_every_experiment_kind_has_one_compute_function():
    assert set(runner.COMPUTE) == {r.experiment for r in registry.ALL_RESULTS.values()}
    assert len(set(runner.COMPUTE.values())) == len(runner.COMPUTE)


def test_colour_run_names_the_run_of_a_network_batch_size_and_seed():
    assert names.colour_run("unet", 5, 2) == "unet-b5-s2" and names.colour_run("cnn", 100, 1) == "cnn-s1"
    assert names.colour_run("unet", 100, 0) == names.UNET
    for model, batch, seed in (("cnn", 100, 0), ("unet", 20, 1), ("unet", 500, 2)):
        config = registry.RUNS[names.colour_run(model, batch, seed)]
        assert (config.model, config.batch_size, config.seed, config.learning_rate) == (model, batch, seed, 0.001)


@pytest.mark.parametrize(
    "model, batch, seed, needle",
    [
        ("rnn", 100, 0, "model"),
        (None, 100, 0, "model"),
        ("cnn", 50, 0, "batch_size"),
        ("unet", 30, 0, "batch_size"),
        ("unet", True, 0, "batch_size"),
        ("unet", 5, 3, "seed"),
        ("unet", 5, False, "seed"),
        ("unet", 5, "0", "seed"),
    ],
)
def test_colour_run_refuses_what_is_not_a_stored_run(model, batch, seed, needle):
    with pytest.raises(ValueError, match=f"^{needle} must be"):
        names.colour_run(model, batch, seed)


def test_the_1d_and_2c_runs_are_named_by_what_they_change():
    # 1(d): each network trained on y = a·x + b, 10 epochs, seeds 0, 1, 2; (1, 0) is the baseline
    assert names.transform_name("unet", -1.0, 1.0) == "unet-a-1-b1"
    for model in ("cnn", "unet"):
        for a, b, case in ((1.0, 0.0, "a1-b0"), (2.0, 0.0, "a2-b0"), (-1.0, 0.0, "a-1-b0"), (-1.0, 1.0, "a-1-b1")):
            runs = list(names.C1D_RUNS[model, a, b])
            assert runs == registry.seeds_of(runs[0]) == [f"{model}-{case}", f"{model}-{case}-s1", f"{model}-{case}-s2"]
            configs = [registry.RESULTS[n].config for n in runs]  # all read by the book
            assert [(c.model, c.epochs, c.input_scale, c.input_shift, c.seed, c.batch_size) for c in configs] == [
                (model, 10, a, b, s, 100) for s in (0, 1, 2)
            ]
    # 2(c): the UNet without one kind of skip, the default run otherwise
    assert names.ablation_name("all") == names.UNET
    for skips, name in (("no_input", "unet-no-input"), ("no_encoder", "unet-no-encoder")):
        assert names.ablation_name(skips) == name
        assert names.C2_ABLATIONS[skips] == (name, f"{name}-s1", f"{name}-s2")
        for n, seed in zip(names.C2_ABLATIONS[skips], (0, 1, 2)):
            assert registry.RESULTS[n].config == dataclasses.replace(
                registry.RUNS[names.UNET], unet_skips=skips, seed=seed
            )


@pytest.mark.parametrize(
    "name, network",
    [(names.C1D_PROBE, "cnn"), (names.C1D_PROBE, "unet-b100"), (names.C2_EDGES, "cnn"), (names.C2_EDGES, "unet-b100")],
)
def test_a_stored_measurement_is_stale_when_a_network_it_runs_is(monkeypatch, name, network):
    # 1(d)'s probe and 2(c)'s edge split run the stored CNN and UNet (the networks of kinds "cnn"
    # and "unet" in their configs, names.WEIGHTS_KEPT): their keys include those keys
    before = registry.key(name)
    assert registry.RESULTS[name].config.models == ("cnn", "unet")
    assert names.WEIGHTS_KEPT == {"cnn": "cnn", "unet": "unet-b100"}
    assert registry.RESULTS[name].after == ("palette", "cnn", "unet-b100")
    run = registry.ALL_RESULTS[network]
    monkeypatch.setitem(
        registry.ALL_RESULTS, network, dataclasses.replace(run, config=dataclasses.replace(run.config, epochs=24))
    )
    assert registry.key(name) != before


def test_stored_measurements_are_keyed_on_the_code_that_measures():
    # the 3(d) sweeps and Q3's peak read no data: keyed on their config and code only
    for name, module in (
        (names.C3DE_SWEEPS, "solutions.answers.finetune_cost"),
        (names.Q3_PEAK, "solutions.answers.alexnet_1x1"),
    ):
        r = registry.RESULTS[name]
        assert (r.code, r.uses_data, r.after) == ((module,), False, ())


def test_the_q1_readings_are_keyed_on_scikit_learns_version(monkeypatch):
    # the classifiers come from scikit-learn, whose version is in no code hash: it is in this key
    assert registry.RESULTS[names.Q1_READINGS].versions == ("scikit-learn",)
    before, palette = registry.key(names.Q1_READINGS), registry.key("palette")
    real = registry.importlib.metadata.version
    monkeypatch.setattr(registry.importlib.metadata, "version", lambda d: "0.0.1" if d == "scikit-learn" else real(d))
    assert registry.key(names.Q1_READINGS) != before
    assert registry.key("palette") == palette  # no other result depends on it


@pytest.mark.parametrize("arg", ["q4-width", "cnn-s9", "unet", "unet-seed1"])
def test_bad_seed_queries(arg):
    with pytest.raises(ValueError, match="^name must be"):
        registry.seeds_of(arg)


def test_stored_reads_and_never_computes(tmp_path, monkeypatch):
    assert registry.stored("cnn") and registry.stored("unet-b100-s1")  # committed
    monkeypatch.setenv(ENV_RESULTS, str(tmp_path))
    assert not registry.stored("cnn") and registry.stored_seeds("cnn") == []
    assert not list(tmp_path.iterdir())  # nothing written


HOLD = textwrap.dedent("""
    import sys, time
    from solutions.experiments import runner
    with runner.run_lock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(60)
""")


@pytest.mark.slow
def test_a_live_lock_is_respected_and_a_dead_holders_lock_is_taken_over(tmp_path):
    env = {**ENV, ENV_RESULTS: str(tmp_path)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, "cnn-s1"], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        os.environ[ENV_RESULTS] = str(tmp_path)
        with pytest.raises(BlockingIOError, match=f"pid {holder.pid}"):
            with runner.run_lock("cnn-s1", wait=False):
                pass
        with runner.run_lock("cnn-s2", wait=False):  # other runs are not held up
            pass
    finally:
        holder.send_signal(signal.SIGKILL)  # dies holding it, as a crash would
        holder.wait()
    try:
        lock = runner.lock_path("cnn-s1")
        assert lock.read_text().strip() == str(holder.pid)  # the dead pid is still written there
        with runner.run_lock("cnn-s1", wait=False) as path:
            assert path == lock and lock.read_text().strip() == str(os.getpid())
    finally:
        del os.environ[ENV_RESULTS]


RUN_ONCE = textwrap.dedent("""
    import os, sys, time
    from solutions.experiments import runner
    from solutions.experiments.store import Computed

    def fake(r, device, progress, on_epoch=None):      # stands in for training: slow, counted
        def compute():
            with open(sys.argv[2], "a") as f:
                f.write(f"{os.getpid()}\\n")
            time.sleep(3)
            return Computed({"final": None, "pid": os.getpid()})
        return compute

    runner._compute = fake
    print(runner.run(sys.argv[1]).result["pid"], flush=True)
""")


@pytest.mark.slow
def test_two_processes_asking_for_one_run_compute_it_once(tmp_path):
    env = {**ENV, ENV_RESULTS: str(tmp_path / "results")}
    counter = tmp_path / "computed"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_ONCE, "unet-b5-s2", str(counter)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert len(counter.read_text().splitlines()) == 1  # computed once
    assert outs[0][0] == outs[1][0]  # both got that entry
    assert sum("waiting" in err for _, err in outs) <= 1


def test_run_jobs_needs_a_positive_count(capsys):
    assert main(["run", "cnn", "--jobs", "0"]) == 2
    assert "--jobs: must be from 1 to" in capsys.readouterr().err


def test_run_jobs_with_everything_stored_starts_no_process(capsys):
    start = time.perf_counter()
    assert main(["run", "palette", "cnn", "unet-b100-s1", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "0 to compute" in out and "cnn " in out and "unet-b100-s1" in out
    assert time.perf_counter() - start < 60


def test_run_a_group_runs_its_members_once_each(monkeypatch, capsys):
    ran = []

    class Entry:
        result, path = {}, Path("x")

    monkeypatch.setattr(runner, "run", lambda name, *a, **k: ran.append(name) or Entry())
    assert main(["run", "lr-scaled", "c2-ablations", "unet-no-input", "--quiet"]) == 0
    assert ran == ["unet-b10-lr-scaled", "unet-b500-lr-scaled", *names.GROUPS["c2-ablations"]]
    assert main(["run", "no-such-group"]) == 2
    assert "known: the groups book, all, sweep, lr-scaled" in capsys.readouterr().err
