"""Which committed results no longer match the code (fast: hashes only, nothing is trained).

Fails naming the command that recomputes what is missing, and the folders of
results that no current code, config or data needs any more.
"""

import pytest

from solutions import colour_experiments
from solutions.cifar_horses import SHARED_NPZ, resolve_source
from solutions.results_store import stale_entries


def test_every_result_the_book_needs_is_stored_for_the_current_code():
    if resolve_source() != str(SHARED_NPZ):
        pytest.skip("the committed results are for the shared JPEG copy of the data")
    report = stale_entries(colour_experiments.needed_keys())
    names = {key: name for name, (_, key) in zip(["palette", *colour_experiments.RUNS],
                                                 colour_experiments.needed_keys())}
    missing = [names[k] for _, k in report.missing + report.corrupt]
    assert not missing, ("results missing or corrupt for the current code: "
                         f"{missing}; run: python -m solutions.colour_experiments run book")
    assert not report.unneeded, f"stored results no current code needs (delete them): {report.unneeded}"


def test_run_names_and_command():
    assert colour_experiments.command("cnn") == "python -m solutions.colour_experiments run cnn"
    assert set(colour_experiments.RUNS) >= {"cnn", "unet", "unet-b5", "unet-b500"}
    with pytest.raises(ValueError, match="name"):
        colour_experiments.run("no-such-run")


def test_cli_list_and_unknown_name(capsys):
    assert colour_experiments.main(["list"]) == 0
    assert "unet-b500" in capsys.readouterr().out
    assert colour_experiments.main(["run", "no-such-run"]) == 2
