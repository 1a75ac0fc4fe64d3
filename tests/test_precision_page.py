"""The page "Does bf16 change the answers?" (solutions.book.pages.csc413_bf16), on the stored fp32
runs standing in for their bf16 twins (identical, then with one setting moved): the bf16 runs are
trained apart (benchmarks/bf16_sweep.py)."""

import copy

import pytest

from conftest import FULL


@pytest.fixture
def page(monkeypatch):
    """csc413_bf16 with every bf16 run read as its fp32 twin (a copy, training time halved);
    ``page.move(setting, delta)`` shifts one setting's bf16 validation losses."""
    from solutions.book.pages import csc413_bf16
    from solutions.experiments import registry

    load = registry.load
    moved: dict[str, float] = {}

    class Stand:
        def __init__(self, entry):
            self.result = copy.deepcopy(entry.result)

    def stand_in(name):
        if not name.endswith("-bf16"):
            return load(name)
        entry = Stand(load(registry.in_precision(name, "fp32")))
        entry.result["final"]["seconds"] /= 2
        for e in entry.result["epochs"]:
            e["val_loss"] += moved.get(name, 0.0)
        entry.result["final"]["val_loss"] = entry.result["epochs"][-1]["val_loss"]
        return entry

    monkeypatch.setattr(registry, "load", stand_in)
    for f in (csc413_bf16.runs, csc413_bf16.analysis):
        f.cache_clear()

    def move(setting, delta):
        for n in csc413_bf16.bf16_names()[setting]:
            moved[n] = delta
        for f in (csc413_bf16.runs, csc413_bf16.analysis):
            f.cache_clear()

    csc413_bf16.move = move
    yield csc413_bf16
    for f in (csc413_bf16.runs, csc413_bf16.analysis):
        f.cache_clear()


def test_the_page_reads_every_seed_of_the_sweep_and_the_cnn_in_both_precisions(page):
    from solutions.experiments import names

    fp32, bf16 = page.fp32_names(), page.bf16_names()
    assert list(fp32) == [*names.BATCH_SIZES, "CNN"]
    assert fp32[100] == ["unet-b100", "unet-b100-s1", "unet-b100-s2"] and fp32["CNN"] == ["cnn", "cnn-s1", "cnn-s2"]
    assert bf16[100] == ["unet-b100-bf16", "unet-b100-s1-bf16", "unet-b100-s2-bf16"]
    assert sorted(n for runs in bf16.values() for n in runs) == sorted(names.BF16_RUNS)


def test_identical_runs_change_no_conclusion(page):
    a = page.analysis()
    assert len(a.rows) == 8 and a.tests == 32 and a.beyond_noise == ()
    assert a.differing == () and len(a.conclusions) == 15 + 4
    v = page.values()
    assert v["bf16_verdict"].startswith("No: every one of the 19 conclusions")
    assert v["bf16_sweep_speedup"] == pytest.approx(2.0) and v["bf16_beyond_list"] == "none"
    assert v["bf16_expected"] == pytest.approx(1.6) and v["bf16_min_seeds"] == 3
    assert "**differs**" not in v["bf16_conclusions_table"] and "beyond**" not in v["bf16_rows_table"]


def test_the_fp32_side_is_what_the_2c_and_2d_pages_conclude(page):
    from solutions.book.pages import csc413_2c, csc413_2d

    a = page.analysis()
    by_key = {c.key: c.fp32 for c in a.conclusions}
    d2, _ = csc413_2d.analysis()
    assert by_key["best_val_batch"] == d2.best_val_batch and by_key["overfit_most"] == d2.overfit_most
    assert by_key["val_extremes"].endswith(d2.val_extremes.verdict)
    assert by_key["val_accuracy"].endswith(csc413_2c.answer_values()["c2_acc_verdict"])


@pytest.mark.skipif(not FULL, reason="2(c)'s page values draw its figures (the full tier)")
def test_the_fp32_2c_conclusions_are_the_2c_page_s_verdicts(page):
    from solutions.book.pages import csc413_2c

    v = csc413_2c.values()
    by_key = {c.key: c.fp32 for c in page.analysis().conclusions if c.question == "2(c)"}
    assert [by_key[k].split(", ", 1)[1] for k in ("val_loss", "val_accuracy", "train_loss", "vivid")] == [
        v["c2_loss_verdict"],
        v["c2_acc_verdict"],
        v["c2_train_verdict"],
        v["c2_vivid_verdict"],
    ]


def test_a_moved_setting_is_flagged_and_the_page_says_which_conclusion_differs(page):
    page.move(5, 1.0)  # batch 5 ends a whole unit higher in bf16: it becomes the worst batch
    a = page.analysis()
    assert (5, "val_loss") in a.beyond_noise
    differing = {c.key: c for c in a.differing}
    assert "worst_val_batch" in differing and differing["worst_val_batch"].bf16 == 5
    v = page.values()
    assert v["bf16_verdict"].startswith(f"Yes, in {len(a.differing)} of the 19 conclusions checked")
    # more than three differ: the bottom line counts them and the table marks each
    assert len(a.differing) > 3 and v["bf16_verdict"].endswith("(marked “differs” in the last table)")
    row = next(r for r in v["bf16_conclusions_table"].splitlines() if "batch with the highest validation loss" in r)
    assert row.rstrip(" |").endswith("**differs**")
    assert "**differs**" in v["bf16_conclusions_table"] and "UNet, batch 5: val. loss" in v["bf16_beyond_list"]
    assert page.show().startswith("Yes, in")
