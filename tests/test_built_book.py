"""Checks on the built HTML book (run by .ci/run after `make book`).

Skipped unless SOLUTIONS_REQUIRE_BUILT_BOOK=1 (as in CI, right after the build);
then a missing build is a failure.
"""

import os
import re
from pathlib import Path

import pytest

from solutions.answers import alexnet_1x1
from solutions.answers import bias_variance
from solutions.answers import counting
from solutions.answers import label_changing_augmentation
from solutions.book.pages import csc413_3de
from solutions.book.declarations import ANSWERS, BY_MODULE, PAGES as DECLARED
from solutions.book.render import fmt_int

HTML = Path(__file__).resolve().parents[1] / "_build" / "html"
PAGES = [p.docname for p in DECLARED]

if os.environ.get("SOLUTIONS_REQUIRE_BUILT_BOOK") != "1":
    # A build left from older code would fail these checks for the wrong reason.
    pytest.skip(
        "checks the built book: run `make book`, then with SOLUTIONS_REQUIRE_BUILT_BOOK=1", allow_module_level=True
    )
if not HTML.exists():
    raise RuntimeError(f"no built book at {HTML}: run `make book` first")


def text(page: str) -> str:
    return (HTML / f"{page}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_raw_glue_or_broken_reference(page):
    html = text(page)
    assert "{glue" not in html and "??" not in html
    assert "IPython.core.display" not in html and "<Figure size" not in html  # mis-pasted glue
    assert "Traceback" not in html and "output traceback" not in html and "output stderr" not in html


def test_part1c_shows_the_computed_totals():
    t = counting.count_totals(counting.colour_cnn_rows())
    html = text(ANSWERS["csc413-1c"].docname)
    for key in ("learnable", "connections", "outputs_all_layers"):
        assert fmt_int(counting.evaluate(t[key])) in html
    assert "downconv1.conv" in html and "finalconv" in html


def _words(html: str) -> list[str]:
    """The words a reader sees, each formula counted as one word."""
    html = re.sub(r'<(span|div) class="math[^"]*">.*?</\1>', " F ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html).split()


def test_part1c_answer_box_opens_with_a_short_bottom_line_and_stays_short():
    html = text(ANSWERS["csc413-1c"].docname)
    box = re.search(
        r'<div class="tip [^"]*admonition[^"]*">(.*?)</div>\s*(?:<p>Computed in|<div class="what-if")', html, re.S
    ).group(1)
    box = box.split("</p>", 1)[1]  # the title, "Answer"
    first = re.search(r"<p>(.*?)</p>", box, re.S).group(1)
    assert "86,112" in first and "15,630,336" in first and len(_words(first)) <= 50
    assert len(_words(box)) <= 170
    assert box.count('<div class="formula') == 6  # each formula on its own line


def test_q3_shows_the_parameter_increase():
    html = text(ANSWERS["cs5242-q3"].docname)
    assert fmt_int(alexnet_1x1.added_parameters()) in html
    assert fmt_int(alexnet_1x1.added_parameters(with_bias=False)) in html


def test_q2_shows_the_table():
    html = text(ANSWERS["cs5242-q2"].docname)
    assert "Conv3d(1, 1, (3, 3, 2))" in html and "lfloor" in html


def test_3de_shows_a_glued_slope_and_its_figures():
    html = text(ANSWERS["csc413-3de"].docname)
    values = csc413_3de.values()
    assert f"{values['c3de_mlp_full_gradients']:.2f}" in html
    # BERT-base: 12 layers × (4·768² + 4·768 + 2·768·3072 + 3072 + 768 + 4·768) = 85,054,464, the
    # embeddings (30,522 + 512 + 2)·768 + 2·768 = 23,837,184, the pooler 768² + 768 = 590,592 and a
    # 2-class head 768·2 + 2 = 1,538: 109,483,778 parameters
    assert "109,483,778" in html
    assert html.count("<img") >= 2  # the two glued matplotlib figures, not their text repr


def test_1d_shows_both_tables_and_the_profile_figure():
    html = text(ANSWERS["csc413-1d"].docname)
    assert html.count("% changed: interior</p></th>") == 2 and "Pitfall" in html  # real tables
    assert html.count("<img") >= 1  # the glued profile figure, not its text repr


@pytest.mark.parametrize(
    "page, figures",
    [
        (BY_MODULE["csc413_data"].docname, 2),
        (ANSWERS["csc413-1b"].docname, 3),
        (ANSWERS["csc413-2c"].docname, 2),
        (ANSWERS["csc413-2d"].docname, 4),
    ],
)
def test_colourization_pages_show_their_figures(page, figures):
    assert text(page).count("<img") >= figures


def test_sweep_table_shows_the_stored_results():
    from solutions.book.pages import csc413_2d

    html = text(ANSWERS["csc413-2d"].docname)
    a, _ = csc413_2d.analysis()
    for row in a.rows:  # the mean over seeds, with the lowest and highest seed
        assert f"{row.val_loss.mean:.4f} ({row.val_loss.low:.4f}–{row.val_loss.high:.4f})" in html
        assert f"{row.val_accuracy.mean:.1f} ({row.val_accuracy.low:.1f}–{row.val_accuracy.high:.1f})" in html


def test_q1_shows_the_six_to_nine_share_and_figures():
    html = text(ANSWERS["cs5242-q1"].docname)
    from solutions.book.pages import cs5242_q1

    six = label_changing_augmentation.swap(cs5242_q1.readings(), 6, 9)  # the stored readings
    assert f"{100 * six.share_after:.1f}" in html
    assert html.count("<img") >= 3  # digits, glyphs, horses


def test_q4_shows_the_number_of_networks_and_figures():
    html = text(ANSWERS["cs5242-q4"].docname)
    settings = sum(len(v) for v in bias_variance.SWEEPS.values())
    assert fmt_int(settings * bias_variance.Experiment().members) in html
    assert html.count("<img") >= 2  # sweeps, fits


_OFFSITE = [
    re.compile(r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=[\"'](?:https?:)?//", re.I),
    re.compile(r"<link\b[^>]*\bhref=[\"'](?:https?:)?//", re.I),
]
_CSS_OFFSITE = re.compile(r"url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:https?:)?//", re.I)


def test_no_page_loads_a_third_party_resource():
    """Scripts, styles, images and fonts come from the book itself (MathJax included); plain
    <a href> links to other sites are fine."""
    offsite = {}
    for path in HTML.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        hits = [m.group(0)[:120] for pattern in _OFFSITE for m in pattern.finditer(html)]
        if hits:
            offsite[str(path.relative_to(HTML))] = hits
    for path in HTML.rglob("*.css"):
        if _CSS_OFFSITE.search(path.read_text(encoding="utf-8", errors="replace")):
            offsite[str(path.relative_to(HTML))] = ["url(//…) in CSS"]
    assert offsite == {}


def test_mathjax_is_the_local_copy():
    html = text(BY_MODULE["conventions"].docname)
    assert 'src="../_static/mathjax/tex-mml-chtml.js' in html
    fonts = HTML / "_static" / "mathjax" / "fonts" / "mathjax-newcm-font" / "chtml" / "woff2"
    assert any(fonts.glob("*.woff2")), fonts  # MathJax 4's font, where mathjax3_config points


def test_build_status_page_shows_the_build():
    from solutions.book import build_status
    from solutions.experiments import registry

    html = text(BY_MODULE["build_status"].docname)
    horses = registry.horses()
    assert horses.sha256 in html and build_status.versions()["Sphinx"] in html
    assert build_status.cpu_model() in html
    for page in [BY_MODULE["conventions"].docname, ANSWERS["csc413-2d"].docname]:
        assert page in html
    for _, key in registry.needed_keys().values():
        assert key[:16] in html


@pytest.mark.parametrize("page", ["search", "genindex", *PAGES])  # depth 0, 1 and 2
def test_every_page_links_the_pdf_at_the_site_root(page):
    """The "Download PDF" link (solutions.book.publishing) of every page resolves to
    <html root>/book.pdf, where `make site` puts the PDF of the same build."""
    links = re.findall(r'<a href="([^"]+)"[^>]*class="[^"]*btn-book-pdf-button', text(page))
    assert len(links) == 1, links
    target = (HTML / page).parent / links[0]
    assert target.resolve() == (HTML / "book.pdf").resolve(), links[0]
    assert "Download PDF" in text(page)


# ---------------------------------------------------------------------------------------------
# Bottom line first: every answer page's box opens with a plain answer of at most 50 words,
# and the whole box stays under 170 (a typeset formula counts as one word).

BOTTOM_LINE_WORDS, BOX_WORDS = 50, 170
STATISTICS = re.compile(r"\bp\s*[=<>≤]|p-value|Welch|noise|\bbeyond\b|significan|\binterval\b|bootstrap", re.I)


def answer_box(page) -> list[str]:
    """The paragraphs of ``page``'s Answer box as a reader sees them, each formula one word."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text(page.docname), "html.parser")
    box = next(
        b for b in soup.select("div.admonition") if b.select_one(".admonition-title").get_text(strip=True) == "Answer"
    )
    for formula in box.select("span.math, div.math"):
        formula.replace_with(" F ")
    return [
        re.sub(r"\s+", " ", p.get_text(" ")).strip()
        for p in box.find_all("p")
        if "admonition-title" not in (p.get("class") or [])
    ]


def words(text: str) -> int:
    """Words as a reader counts them: tokens with a letter or a digit (a lone "%", "×" or ":" is none).

    >>> words("Yes: 40.1 % of F : × 4")
    5
    """
    return sum(1 for w in text.split() if re.search(r"\w", w))


@pytest.mark.parametrize("page", [p for p in ANSWERS.values() if p.answer_id != "answers"], ids=lambda p: p.answer_id)
def test_every_answer_box_opens_with_a_plain_bottom_line(page):
    paragraphs = answer_box(page)
    first = paragraphs[0]
    assert words(first) <= BOTTOM_LINE_WORDS, (words(first), first)
    assert not STATISTICS.search(first), (STATISTICS.search(first).group(), first)
    total = sum(words(p) for p in paragraphs)
    assert total <= BOX_WORDS, (total, paragraphs)
    assert "-0.000" not in " ".join(paragraphs) and "−0.000" not in " ".join(paragraphs)


# ---------------------------------------------------------------------------------------------
# Practice mode, checkers and what-if boxes, as built (their behaviour: tests/test_browser.py).

CHECK_PAGES = {
    "csc413-1c": "csc413-1c",
    "cs5242-q2": "cs5242-q2",
    "cs5242-q3": "cs5242-q3",
    "csc413-3d": "csc413-3de",
    "csc413-3e": "csc413-3de",
}


def test_every_checkable_id_has_its_box_on_its_page():
    from solutions.answers import checker

    found = {}
    for page in ANSWERS.values():
        for ident in re.findall(r'class="answer-check" data-check="([^"]+)"', text(page.docname)):
            found.setdefault(ident, []).append(page.answer_id)
    assert set(found) == set(checker.IDS)
    for ident, pages in found.items():
        assert pages == [CHECK_PAGES["-".join(ident.split("-")[:2])]], (ident, pages)


def test_each_box_names_the_symbols_in_the_checks_order():
    html = text(ANSWERS["csc413-1c"].docname)
    assert "Your formula for the weights (conv kernel entries), in NF, NC: <input" in html
    assert 'placeholder="e.g. 9NF^2 + 3NC"' in html
    q2 = text(ANSWERS["cs5242-q2"].docname)
    assert q2.count("height, width, channels separated by commas, in h, w, c1, c2: <input") == 2


@pytest.mark.parametrize("page", list(ANSWERS.values()), ids=lambda p: p.answer_id)
def test_every_answer_page_has_the_practice_switch_and_its_script(page):
    html = text(page.docname)
    assert html.count('class="practice-switch"') == 1 and "_static/practice.js" in html
    assert "answer-box admonition" in html
    title = html.index("<h1")
    assert title < html.index('class="practice-switch"') < html.index("answer-box")


def test_pages_without_answers_have_no_switch():
    for page in DECLARED:
        if page.answer_id is None:
            assert "practice-switch" not in text(page.docname), page.docname


def test_what_if_boxes_are_on_their_pages():
    for answer_id in ("csc413-1c", "cs5242-q2", "cs5242-q3"):
        html = text(ANSWERS[answer_id].docname)
        assert html.count(f'data-what-if="{answer_id}"') == 1 and "_static/checker/what-if.js" in html
    assert (HTML / "_static" / "checker" / "what-if.json").exists()
