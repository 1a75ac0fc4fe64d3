"""What a reader of the PDF sees: no word outside the text area, nothing under the footer.

Skipped unless SOLUTIONS_REQUIRE_PDF=1 (as in CI, after `make pdf`). ``pdftotext -bbox-layout``
gives every word's box; the text area is the page less the margins of the geometry in
``_config.yml`` (``latex_elements.geometry``). On every page:

* no word of the body lies outside the text area (a table or formula running off the right edge);
* the footer (the page's last line, below the text block) overlaps no other word, and no caption
  or text lies below the text block's bottom (a caption under the footer);
* no table label is hyphen-broken mid-word ("out- puts", "con- nec- tions"): a line of a narrow
  block (a table cell) that ends in a hyphen after a letter, continued by a lower-case word on the
  next line of that block. A break at a hyphen the word already has ("multiply-accumulates") is
  not one: the whole word, hyphen included, is in the LaTeX source;
* no two words overprint each other (a word wider than its table column running into the next
  one, now that table words are never hyphenated).

Each page with a figure or table is also saved as a PNG (``pdftoppm``) in ``_build/pdf-pages/``
for review, with ``bbox-report.json`` (the findings).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "latex" / "book.pdf"
PAGES_OUT = ROOT / "_build" / "pdf-pages"
MM = 72 / 25.4  # PDF points per millimetre
FOOTER_ROW = 3.0  # points: words of the footer's row share a baseline within this
TOLERANCE = 4.0  # points: glyph boxes overhang their advance a little, and LaTeX lets a line run
# over by a few points (an overfull box) without clipping anything
NS = "{http://www.w3.org/1999/xhtml}"


def geometry() -> dict[str, float]:
    """The margins (points) declared in _config.yml's latex_elements.geometry."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "usepackage[" in ln and "{geometry}" in ln)
    opts = dict(re.findall(r"(\w+)=(\d+(?:\.\d+)?)mm", line))
    return {
        "left": float(opts["hmargin"]) * MM,
        "right": float(opts["hmargin"]) * MM,
        "top": float(opts["top"]) * MM,
        "bottom": float(opts["bottom"]) * MM,
    }


def words_of(xhtml: str) -> list[dict]:
    """Pages of ``pdftotext -bbox-layout`` output: size and words with their boxes and line ids."""
    root = ET.fromstring(xhtml)
    pages = []
    for page in root.iter(NS + "page"):
        words = []
        for n, line in enumerate(page.iter(NS + "line")):
            for w in line.iter(NS + "word"):
                words.append(
                    {"text": w.text or "", "line": n, **{k: float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")}}
                )
        pages.append({"width": float(page.get("width")), "height": float(page.get("height")), "words": words})
    return pages


def blocks_of(xhtml: str) -> list[list[dict]]:
    """Per page, its text blocks (pdftotext's layout): their box and their lines' words."""
    root = ET.fromstring(xhtml)
    pages = []
    for page in root.iter(NS + "page"):
        blocks = []
        for block in page.iter(NS + "block"):
            lines = [[w.text or "" for w in line.iter(NS + "word")] for line in block.iter(NS + "line")]
            blocks.append(
                {"width": float(block.get("xMax")) - float(block.get("xMin")), "lines": [ln for ln in lines if ln]}
            )
        pages.append(blocks)
    return pages


# A block narrower than this share of the text width is a table cell (prose, captions and boxes
# span the column).
NARROW_BLOCK = 0.6


def broken_labels(blocks: list[dict], text_width: float, whole: str = "") -> list[str]:
    """Words hyphen-broken across two lines of a narrow block, as "out- puts"; ``whole``: text in
    which a word that has its own hyphen ("multiply-accumulates") is found whole."""
    out = []
    for block in blocks:
        if block["width"] >= NARROW_BLOCK * text_width:
            continue
        for line, after in zip(block["lines"], block["lines"][1:]):
            head, tail = line[-1], after[0]
            if (
                len(head) > 2
                and head.endswith("-")
                and head[-2].isalpha()
                and tail[:1].islower()
                and f"{head}{tail}".rstrip(".,;:)") not in whole
            ):
                out.append(f"{head} {tail}")
    return out


OVERLAP = 1.5  # points of two words' boxes on one line that may coincide (kerning, italics)


def overprinted(page: dict) -> list[str]:
    """Pairs of words on one line whose boxes overlap, as "downconv1.conv|NF". A lone symbol
    (a radical's sign, a big operator) may reach over its neighbour and is not counted."""
    words = sorted((w for w in page["words"] if len(w["text"]) > 1 or w["text"].isalnum()), key=lambda w: w["xMin"])
    out = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if b["xMin"] >= a["xMax"] - OVERLAP:
                break
            rows = min(a["yMax"], b["yMax"]) - max(a["yMin"], b["yMin"])
            if (
                rows > 0.5 * min(a["yMax"] - a["yMin"], b["yMax"] - b["yMin"])
                and min(a["xMax"], b["xMax"]) - b["xMin"] > OVERLAP
            ):
                out.append(f"{a['text']}|{b['text']}")
    return out


def findings(page: dict, margins: dict[str, float]) -> list[str]:
    """What lies outside the text area on one page (empty: nothing)."""
    left, right = margins["left"] - TOLERANCE, page["width"] - margins["right"] + TOLERANCE
    bottom = page["height"] - margins["bottom"] + TOLERANCE
    top = margins["top"] - TOLERANCE
    body = [w for w in page["words"] if top <= w["yMin"] and w["yMax"] <= bottom]
    below = [w for w in page["words"] if w["yMax"] > bottom]
    out = [
        f"outside the margins: {w['text']!r} at x {w['xMin']:.0f}–{w['xMax']:.0f}"
        for w in body
        if w["xMin"] < left or w["xMax"] > right
    ]
    # The footer is one row below the text block (its left and right parts may be separate lines
    # for pdftotext: the section's name, the page number); anything else down there, above that
    # row, is text or a caption that ran under it.
    if below:
        footer_y = max(w["yMin"] for w in below)
        out += [
            f"under the footer: {w['text']!r} at y {w['yMin']:.0f}"
            for w in below
            if w["yMin"] > bottom and w["yMin"] < footer_y - FOOTER_ROW
        ]
    out += [
        f"across the text block's bottom: {w['text']!r} at y {w['yMin']:.0f}–{w['yMax']:.0f}"
        for w in below
        if w["yMin"] <= bottom
    ]
    return out


def test_findings_sees_a_word_in_the_margin_and_under_the_footer():
    page = {
        "width": 595.0,
        "height": 842.0,
        "words": [
            {"text": "body", "line": 0, "xMin": 80, "xMax": 120, "yMin": 100, "yMax": 110},
            {"text": "clipped", "line": 1, "xMin": 500, "xMax": 580, "yMin": 200, "yMax": 210},
            {"text": "Figure", "line": 2, "xMin": 80, "xMax": 120, "yMin": 770, "yMax": 780},
            {"text": "7", "line": 3, "xMin": 290, "xMax": 300, "yMin": 790, "yMax": 800},
        ],
    }
    margins = {"left": 62.4, "right": 62.4, "top": 70.9, "bottom": 85.0}
    found = findings(page, margins)
    assert any("'clipped'" in f and "margins" in f for f in found)
    assert any("'Figure'" in f and "under the footer" in f for f in found)
    assert not any("'body'" in f or "'7'" in f for f in found)
    page["words"] = [page["words"][0], page["words"][3]]
    assert findings(page, margins) == []


def test_broken_labels_sees_a_word_split_in_a_table_cell_only():
    cell = {"width": 60.0, "lines": [["out-"], ["puts"], ["multiply-"], ["accumulates"], ["to-"], ["tal"]]}
    prose = {"width": 450.0, "lines": [["the", "convo-"], ["lutions", "run"]]}
    found = broken_labels([cell, prose], 470.0, whole="multiply-accumulates of the convs")
    assert found == ["out- puts", "to- tal"]
    assert broken_labels([prose], 470.0) == []


def test_overprinted_sees_a_word_running_into_its_neighbour_only():
    page = {
        "words": [
            {"text": "downconv1.upsample", "xMin": 80, "xMax": 150, "yMin": 100, "yMax": 108},
            {"text": "NF", "xMin": 140, "xMax": 150, "yMin": 100, "yMax": 108},
            {"text": "below", "xMin": 85, "xMax": 110, "yMin": 110, "yMax": 118},
            {"text": "next", "xMin": 151, "xMax": 170, "yMin": 100, "yMax": 108},
            {"text": "√", "xMin": 165, "xMax": 200, "yMin": 100, "yMax": 108},
        ]
    }
    assert overprinted(page) == ["downconv1.upsample|NF"]


def test_geometry_is_read_from_the_config():
    g = geometry()
    assert 10 * MM < g["left"] < 40 * MM and g["bottom"] > g["top"] - 20 * MM


if os.environ.get("SOLUTIONS_REQUIRE_PDF") == "1":
    if not PDF.exists():
        raise RuntimeError(f"no PDF at {PDF}: run `make pdf` first")
    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext is missing: apt-get install -y poppler-utils")


@cache
def pdf_pages() -> list[dict]:
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(PDF), "-"], check=True, capture_output=True, text=True
    ).stdout
    return words_of(xhtml)


needs_pdf = pytest.mark.skipif(
    os.environ.get("SOLUTIONS_REQUIRE_PDF") != "1",
    reason="checks the PDF: run `make pdf`, then with SOLUTIONS_REQUIRE_PDF=1",
)


@needs_pdf
def test_no_word_outside_the_text_area_and_nothing_under_the_footer():
    margins = geometry()
    pages = pdf_pages()
    assert len(pages) > 20 and sum(len(p["words"]) for p in pages) > 10_000
    report = {n: f for n, p in enumerate(pages, start=1) if (f := findings(p, margins))}
    PAGES_OUT.mkdir(parents=True, exist_ok=True)
    (PAGES_OUT / "bbox-report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    assert report == {}


@needs_pdf
def test_no_table_label_is_hyphen_broken_mid_word():
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(PDF), "-"], check=True, capture_output=True, text=True
    ).stdout
    margins = geometry()
    width = float(ET.fromstring(xhtml).find(f".//{NS}page").get("width"))
    text_width = width - margins["left"] - margins["right"]
    # the LaTeX source, with Sphinx's hyphen macro as the hyphen it prints
    whole = (PDF.parent / "book.tex").read_text(encoding="utf-8", errors="replace").replace(r"\sphinxhyphen{}", "-")
    report = {
        n: f for n, blocks in enumerate(blocks_of(xhtml), start=1) if (f := broken_labels(blocks, text_width, whole))
    }
    print(f"\nhyphen-broken table labels per PDF page: {report}")
    assert report == {}


@needs_pdf
def test_no_word_overprints_another():
    report = {n: f for n, p in enumerate(pdf_pages(), start=1) if (f := overprinted(p))}
    assert report == {}


@needs_pdf
def test_pages_with_a_figure_or_table_are_saved_as_png():
    """For review (CI keeps _build/pdf-pages/): every page whose text names a Figure or Table."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is missing: apt-get install -y poppler-utils")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(PDF), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    images = subprocess.run(
        ["pdfimages", "-list", str(PDF)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    with_image = {int(line.split()[0]) for line in images if line.split()}
    chosen = [n for n, t in enumerate(text, start=1) if n in with_image or re.search(r"\b(Fig\.|Figure|Table) \d", t)]
    assert chosen
    PAGES_OUT.mkdir(parents=True, exist_ok=True)
    for n in chosen:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", str(n), "-l", str(n), str(PDF), str(PAGES_OUT / f"page-{n:03d}")],
            check=True,
        )
    assert len(list(PAGES_OUT.glob("page-*.png"))) >= len(chosen)
