"""The command line: one entry point (`solutions`, `python -m solutions`), one-line errors, no writes."""

import subprocess
import sys
from pathlib import Path

import pytest

from solutions.book.declarations import ANSWERS
from solutions.cli import main

SOLUTIONS = Path(sys.executable).with_name("solutions")


def test_list_prints_every_id_and_result(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(answer_id in out for answer_id in ANSWERS)
    assert "unet-b500" in out and "q4-width" in out and "palette" in out


def test_show_prints_the_answer_table(capsys):
    assert main(["show", "csc413-1c"]) == 0
    out = capsys.readouterr().out
    assert "86,784" in out and "downconv1.conv" in out


def test_show_1d_reads_the_stored_measurements_and_measures_nothing(capsys, monkeypatch):
    # 1(d)'s test-time measurement is the stored result c1d-test-time: show runs no network
    from solutions.answers import input_transform
    from solutions.experiments import registry, runner

    def refuse(*args, **kwargs):
        raise AssertionError("show must not run a network")

    monkeypatch.setattr(input_transform, "measure_cases", refuse)
    monkeypatch.setattr(registry, "trained_model", refuse)
    monkeypatch.setattr(runner, "train", refuse)
    assert main(["show", "csc413-1d"]) == 0
    out = capsys.readouterr().out
    assert "Trained on y = a·x + b (10 epochs" in out and "a = -1, b = 1" in out
    assert "At test time only, BatchNorm in eval mode" in out


def test_show_answers_reads_stored_measurements_and_runs_no_network(capsys, monkeypatch):
    # 1(d)'s probe, 2(c)'s edge split, 3(d)'s sweeps and BERT bills, Q3's peak are stored results
    from solutions.answers import alexnet_1x1, finetune_cost, input_transform
    from solutions.experiments import registry, runner

    def refuse(*args, **kwargs):
        raise AssertionError("show answers must not run a network or measure")

    for module, name in (
        (input_transform, "measure_cases"),
        (registry, "trained_model"),
        (runner, "train"),
        (runner, "predict"),
        (finetune_cost, "measure"),
        (finetune_cost, "bert_bill"),
        (finetune_cost, "bert_parameters"),
        (alexnet_1x1, "measured_peak"),
        (alexnet_1x1, "_peak"),
    ):
        monkeypatch.setattr(module, name, refuse)
    assert main(["show", "answers"]) == 0
    out = capsys.readouterr().out
    assert "150,208" in out and "86,784" in out  # Q3's parameters, 1(c)'s learnable parameters


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv, needle",
    [
        (["show", "no-such-answer"], "unknown answer id 'no-such-answer'"),
        (["run", "no-such-run"], "unknown result name(s) no-such-run"),
        (["run", "cnn", "--device", "tpu"], "device must be"),
    ],
)
def test_user_errors_are_one_line_exit_2(argv, needle):
    for cmd in ([str(SOLUTIONS)], [sys.executable, "-m", "solutions"]):
        run = subprocess.run(cmd + argv, capture_output=True, text=True)
        assert run.returncode == 2, run
        assert needle in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_show_into_a_closed_pipe_ends_quietly():
    run = subprocess.run(f"'{SOLUTIONS}' show csc413-1c | head -1", shell=True, capture_output=True, text=True)
    assert run.returncode == 0 and "Traceback" not in run.stderr and "Error" not in run.stderr
