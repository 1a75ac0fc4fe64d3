"""Checks on the PDF book (run by .ci/run after `make pdf`).

Skipped unless SOLUTIONS_REQUIRE_PDF=1 (as in CI, right after the PDF build); then a missing PDF,
LaTeX log or pdftotext is a failure. The PDF is turned into text with pdftotext (poppler-utils).
"""

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from solutions.answers import alexnet_1x1
from solutions.answers import counting
from solutions.book.pages import csc413_3de
from solutions.book.render import fmt_int

LATEX = Path(__file__).resolve().parents[1] / "_build" / "latex"
PDF, LOG = LATEX / "book.pdf", LATEX / "book.log"
CHAPTER_TITLES = [
    "Conventions",
    "The colourization data",
    "Part 1(b)",
    "Part 1(c)",
    "Part 1(d)",
    "Part 2(c)",
    "Part 2(d)",
    "Part 3(d), 3(e)",
    "Q2",
    "Q3",
    "Build status",
]

if os.environ.get("SOLUTIONS_REQUIRE_PDF") != "1":
    pytest.skip("checks the PDF book: run `make pdf`, then with SOLUTIONS_REQUIRE_PDF=1", allow_module_level=True)
if not PDF.exists() or not LOG.exists():
    raise RuntimeError(f"no PDF at {PDF} (or no {LOG.name}): run `make pdf` first")
if shutil.which("pdftotext") is None:
    raise RuntimeError("pdftotext is missing: apt-get install -y poppler-utils")


@cache
def pages() -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(PDF), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


@cache
def flat() -> str:
    """The whole text with every run of white space as one space (table cells wrap)."""
    return re.sub(r"\s+", " ", " ".join(pages()))


def test_no_page_carries_a_raw_glue_key_a_broken_reference_or_a_traceback():
    for number, page in enumerate(pages(), start=1):
        assert "{glue" not in page, f"page {number}: raw glue key"
        assert "??" not in page, f"page {number}: unresolved reference"
        assert "Traceback" not in page, f"page {number}: error trace"


def test_the_latex_log_has_no_undefined_reference_or_citation():
    log = LOG.read_text(encoding="utf-8", errors="replace")
    for pattern in (
        r"There were undefined references",
        r"Reference `[^']*' on page \d+ undefined",
        r"Citation `[^']*' on page \d+ undefined",
        r"There were undefined citations",
    ):
        assert not re.search(pattern, log), pattern


def test_every_chapter_is_in_the_pdf():
    for title in CHAPTER_TITLES:
        assert title in flat(), title


def test_q3_parameter_increase_is_glued():
    assert fmt_int(alexnet_1x1.added_parameters()) in flat()
    assert fmt_int(alexnet_1x1.added_parameters(with_bias=False)) in flat()


def test_part1c_totals_are_glued():
    t = counting.count_totals(counting.colour_cnn_rows())
    for key in ("learnable", "connections"):
        assert fmt_int(counting.evaluate(t[key])) in flat()


def test_3de_slope_is_glued():
    assert f"{csc413_3de.values()['c3de_mlp_full_gradients']:.2f}" in flat()


def test_batch_size_table_is_in_the_pdf():
    """The sweep table prints each batch size's mean over its seeds (validation loss to four
    places, accuracy to one) and their range."""
    from solutions.book.pages import csc413_2d

    sweep, _ = csc413_2d.analysis()
    assert len(sweep.rows) == 7
    for r in sweep.rows:
        for spread, fmt in ((r.val_loss, ".4f"), (r.val_accuracy, ".1f")):
            assert format(spread.mean, fmt) in flat(), (r.batch, fmt)
            assert f"{spread.low:{fmt}}–{spread.high:{fmt}}" in flat(), (r.batch, fmt)


def test_figures_are_embedded():
    """Every glued matplotlib figure becomes an image in the PDF (pdfimages lists them; a figure
    with transparency also has an "smask" row, not counted)."""
    rows = subprocess.run(
        ["pdfimages", "-list", str(PDF)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    images = [r for r in rows if r.split()[2] == "image"]
    # colour data 2, 1(b) 3, 1(d) 1, 2(c) 3, 2(d) 4, 3(d)(e) 2
    assert len(images) >= 15, rows


def test_title_page_names_the_commit():
    """solutions.book.publishing puts the commit the PDF was built from under the title."""
    root = Path(__file__).resolve().parents[1]
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    title_pages = re.sub(r"\s+", " ", " ".join(pages()[:2]))
    assert f"Built from commit {commit}" in title_pages, title_pages[:500]


def test_the_site_carries_this_pdf():
    """`make site` copies this PDF to the HTML root, where every page's "Download PDF" points."""
    site_pdf = Path(__file__).resolve().parents[1] / "_build" / "html" / "book.pdf"
    if not site_pdf.exists():
        pytest.skip("no PDF in the HTML root: run `make site` (the deploy does)")
    assert site_pdf.read_bytes() == PDF.read_bytes()
