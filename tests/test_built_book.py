"""Checks on the built HTML book (run by .ci/run after `make book`).

Without a build this module is skipped, unless SOLUTIONS_REQUIRE_BUILT_BOOK=1
(as in CI), where a missing build is a failure.
"""

import os
from pathlib import Path

import pytest

from solutions import alexnet_1x1, bias_variance, counting, label_changing_augmentation
from solutions.render import fmt_int

HTML = Path(__file__).resolve().parents[1] / "_build" / "html"
PAGES = ["book/intro", "book/conventions", "book/csc413/part1c-counting",
         "book/cs5242/q2-conv-sizes", "book/cs5242/q3-alexnet-1x1",
         "book/cs5242/q1-augmentation", "book/cs5242/q4-bias-variance"]

if not HTML.exists():
    if os.environ.get("SOLUTIONS_REQUIRE_BUILT_BOOK") == "1":
        raise RuntimeError(f"no built book at {HTML}: run `make book` first")
    pytest.skip("the book is not built (make book)", allow_module_level=True)


def text(page: str) -> str:
    return (HTML / f"{page}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_raw_glue_or_broken_reference(page):
    html = text(page)
    assert "{glue" not in html and "??" not in html
    assert "Traceback" not in html and "output traceback" not in html and "output stderr" not in html


def test_part1c_shows_the_computed_totals():
    t = counting.count_totals(counting.colour_cnn_rows())
    html = text("book/csc413/part1c-counting")
    for key in ("learnable", "connections", "outputs_all_layers"):
        assert fmt_int(counting.evaluate(t[key])) in html
    assert "downconv1.conv" in html and "finalconv" in html


def test_q3_shows_the_parameter_increase():
    html = text("book/cs5242/q3-alexnet-1x1")
    assert fmt_int(alexnet_1x1.added_parameters()) in html
    assert fmt_int(alexnet_1x1.added_parameters(with_bias=False)) in html


def test_q2_shows_the_table():
    html = text("book/cs5242/q2-conv-sizes")
    assert "Conv3d(1, 1, (3, 3, 2))" in html and "lfloor" in html


def test_q1_shows_the_six_to_nine_share_and_figures():
    html = text("book/cs5242/q1-augmentation")
    assert f"{100 * label_changing_augmentation.swap(6, 9).share_after:.1f}" in html
    assert html.count("<img") >= 3   # digits, glyphs, horses


def test_q4_shows_the_number_of_networks_and_figures():
    html = text("book/cs5242/q4-bias-variance")
    settings = sum(len(v) for v in bias_variance.SWEEPS.values())
    assert fmt_int(settings * bias_variance.Experiment().members) in html
    assert html.count("<img") >= 2   # sweeps, fits
