import subprocess
import sys

from solutions.__main__ import main
from solutions.answers import ANSWERS


def test_list_prints_every_id(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(answer_id in out for answer_id in ANSWERS)


def test_show_prints_the_answer_table(capsys):
    assert main(["show", "csc413-1c"]) == 0
    out = capsys.readouterr().out
    assert "86,784" in out and "downconv1.conv" in out


def test_unknown_id_exits_2_with_the_list():
    run = subprocess.run([sys.executable, "-m", "solutions", "show", "no-such-answer"],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "unknown answer id" in run.stderr and "cs5242-q2" in run.stderr
