"""The built HTML book in a real browser (run by .ci/run after `make book`).

Skipped unless SOLUTIONS_REQUIRE_BROWSER=1. Serves ``_build/html`` on localhost (a thread of
this process), opens every page in headless Chromium driven by Playwright (Debian's
``/usr/bin/chromium``, or ``SOLUTIONS_CHROMIUM``; Playwright's own browser download is not used)
and asserts that each page

* makes no request to a host other than localhost and no request fails (network error or HTTP
  status ≥ 400): the book is self-contained, MathJax included;
* raises no JavaScript error and logs no console error;
* has its math typeset by MathJax (every ``.math`` element holds an ``mjx-container``);
* has every ``<img>`` loaded (``naturalWidth > 0``) and every image an alt text;
* has no accessibility violation of any impact (critical, serious, moderate or minor) found by
  axe-core (axe-playwright-python; WCAG 2 A/AA rules and axe's best practices: contrast, headings,
  labels, landmarks, …), at both sizes;
* does not scroll sideways at 1280×800 (desktop) or 390×844 (phone): nothing sticks out past the
  viewport except inside a code block or table whose container scrolls and says so (keyboard
  focusable, with an accessible name naming it as scrollable);
* is legible at both sizes (``LEGIBILITY_CHECKS``): no table cell narrower than 48 px holding more
  than 3 characters (a squeezed column, printed a few letters per line); no table row taller than
  160 px at 1280 px; no typeset formula (MathJax's ``mjx-container``) wider than its block outside
  a labelled scroll container (its end hidden or running past the column); every image over 700 px
  natural width shown at ≥ 60 % of it, or linked to its full-size file.

The counts per page and measure are printed (``pytest -s``) and kept in the report.

Beside the crawl (issue 28): every answer checker's JavaScript gives the command line's verdict
on its page, for every id and every catalogued slip; practice mode folds every answer on every
answer page and the all-answers page, keeps the question and the checkers, survives a reload and
leaves axe and the legibility measures at 0; the what-if boxes of 1(c), Q2 and Q3 show the
package's numbers at five random points each; screenshots of one page in both modes at 390 px go
to ``_build/screenshots/practice/``.

Full-page screenshots of every page at both sizes (``desktop/`` and ``phone/``) and a JSON report
(request counts, axe violations by rule and impact, overflow and legibility findings) go to
``_build/screenshots/``, which CI keeps for review.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from solutions.book.declarations import ANSWERS, BY_MODULE, ROOT_PAGE

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("SOLUTIONS_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium off the network it would use on its own (updates, sync, Google hosts).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}

if os.environ.get("SOLUTIONS_REQUIRE_BROWSER") != "1":
    pytest.skip(
        "drives Chromium over the built book: run `make book`, then with "
        "SOLUTIONS_REQUIRE_BROWSER=1 (needs Debian's chromium)",
        allow_module_level=True,
    )
if not HTML.exists():
    raise RuntimeError(f"no built book at {HTML}: run `make book` first")
if not Path(CHROMIUM).exists():
    raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set SOLUTIONS_CHROMIUM)")

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Legibility thresholds (issue 24): a table cell narrower than this holding more than SQUEEZED_CHARS
# characters is a squeezed column; a row taller than TALL_ROW_PX at 1280 px is one a reader scrolls
# through; an image wider than BIG_IMAGE_PX shown at under MIN_IMAGE_SCALE of it has unreadable labels.
NARROW_CELL_PX, SQUEEZED_CHARS, TALL_ROW_PX = 48, 3, 160
BIG_IMAGE_PX, MIN_IMAGE_SCALE = 700, 0.6
MEASURES = ("squeezed_cells", "tall_rows", "clipped_formulas", "small_figures")

PAGES = sorted(
    p.relative_to(HTML).as_posix()
    for p in HTML.rglob("*.html")
    if not p.relative_to(HTML).as_posix().startswith(("_static/", "_sources/", "_images/"))
)

# The checks run in the page once it has loaded (and MathJax has finished, where it runs).
PAGE_CHECKS = """async () => {
  const math = [...document.querySelectorAll('.math')];
  if (math.length && window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
  const imgs = [...document.images];
  return {
    math: math.length,
    mjx: document.querySelectorAll('mjx-container').length,
    untypeset: math.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60)),
    mathjax: typeof window.MathJax === 'object' && !!window.MathJax.startup,
    images: imgs.length,
    broken: imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src')),
  };
}"""


# What sticks out sideways. The page itself must not scroll sideways; an element may reach past the
# viewport only inside a container that scrolls (overflow-x auto/scroll, so the reader can reach
# it) and that is a code or table block saying it scrolls: keyboard focusable (tabindex) and named
# for assistive technology. Elements clipped by an ancestor (overflow hidden) are not seen.
OVERFLOW_CHECKS = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const says = el => el.matches('pre, div.highlight, div.math, .pst-scrollable-table-container, .table-wrapper, .scroll-block')
      && el.hasAttribute('tabindex') && !!(el.getAttribute('aria-label') || el.getAttribute('title'));
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const out = [], scrolling = [];
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || cs.position === 'fixed') continue;
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1) {
      scrolling.push({el: describe(el), says: says(el), text: el.textContent.trim().slice(0, 50)});
    }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= vw + 1) continue;
    let a = el.parentElement, inside = null;
    while (a && a !== document.body) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible') { inside = a; break; }
      if (getComputedStyle(a).position === 'fixed') { inside = a; break; }
      a = a.parentElement;
    }
    if (inside === null) out.push({el: describe(el), right: Math.round(r.right), text: el.textContent.trim().slice(0, 50)});
  }
  return {viewport: vw, page_width: document.documentElement.scrollWidth, sticking_out: out.slice(0, 20),
          scrolling: scrolling};
}"""


# What a reader cannot read, in the page as laid out at the current viewport (see the module's
# docstring). Only what is displayed counts (a collapsed dropdown's table has no box).
LEGIBILITY_CHECKS = """([narrowPx, squeezedChars, tallPx, bigImagePx, minScale]) => {
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const text = el => el.textContent.replace(/\\s+/g, ' ').trim();
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const labelled = el => scrolls(el) && el.hasAttribute('tabindex')
      && !!(el.getAttribute('aria-label') || el.getAttribute('title'));
  const squeezed = [], tall = [], clipped = [], small = [];
  for (const c of document.querySelectorAll('main td, main th')) {
    const r = c.getBoundingClientRect();
    if (visible(c) && r.width < narrowPx && text(c).length > squeezedChars)
      squeezed.push({text: text(c).slice(0, 40), width: Math.round(r.width)});
  }
  for (const tr of document.querySelectorAll('main tr')) {
    const r = tr.getBoundingClientRect();
    if (visible(tr) && r.height > tallPx) tall.push({text: text(tr).slice(0, 60), height: Math.round(r.height)});
  }
  // A formula is wider than its block when its typeset width (scrollWidth where it clips or scrolls itself)
  // reaches past the content box of the nearest ancestor that is not inline; it is fine inside a
  // scroll container that says so (itself or any ancestor: the reader can scroll to its end).
  for (const m of document.querySelectorAll('main mjx-container')) {
    if (!visible(m) || m.parentElement.closest('mjx-container')) continue;
    let block = m.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    let ok = false;
    for (let a = m; a && a !== document.body; a = a.parentElement) ok = ok || labelled(a);
    if (!block || ok) continue;
    const r = m.getBoundingClientRect(), b = block.getBoundingClientRect(), cs = getComputedStyle(block);
    const left = b.left + parseFloat(cs.paddingLeft) + parseFloat(cs.borderLeftWidth);
    const right = b.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
    const width = getComputedStyle(m).overflowX === 'visible' ? r.width : Math.max(r.width, m.scrollWidth);
    if (r.left + width > right + 1 || r.left < left - 1)
      clipped.push({text: (m.getAttribute('aria-label') || text(m)).slice(0, 60),
                    width: Math.round(width), block: Math.round(right - left)});
  }
  // An image is legible if shown at minScale of its natural width, or linked to its full-size file.
  for (const img of document.querySelectorAll('main img')) {
    if (!visible(img) || img.naturalWidth <= bigImagePx) continue;
    const shown = img.getBoundingClientRect().width / img.naturalWidth;
    const a = img.closest('a[href]');
    const file = (img.getAttribute('src') || '').split('/').pop();
    const linked = !!a && !!file && decodeURIComponent(a.getAttribute('href')).split('/').pop() === decodeURIComponent(file);
    if (shown < minScale && !linked)
      small.push({src: file, natural: img.naturalWidth, shown: Math.round(shown * 100)});
  }
  return {squeezed_cells: squeezed, tall_rows: tall, clipped_formulas: clipped, small_figures: small};
}"""
LEGIBILITY_ARGS = [NARROW_CELL_PX, SQUEEZED_CHARS, TALL_ROW_PX, BIG_IMAGE_PX, MIN_IMAGE_SCALE]


# MathJax 4 breaks display formulas for the width they are laid out at; a11y.js lays them out again
# when the width changes and leaves that width on <html data-math-width>.
MATH_LAID_OUT = """() => !(window.MathJax && MathJax.startup && MathJax.startup.document)
  || document.documentElement.dataset.mathWidth === String(document.documentElement.clientWidth)"""


def _resize(page, size: dict) -> None:
    """The viewport at ``size``, once the theme's layout and the formulas' line breaks follow it."""
    page.set_viewport_size(size)
    page.wait_for_timeout(200)  # the theme's layout settles
    page.wait_for_function(MATH_LAID_OUT, timeout=15_000)


def _axe_summary(response: dict) -> list[dict]:
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "targets": [", ".join(map(str, n["target"])) for n in v["nodes"][:5]],
            "help": v["help"],
        }
        for v in response["violations"]
    ]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def crawl():
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for view in VIEWPORTS:
        (SHOTS / view).mkdir(parents=True, exist_ok=True)
    report = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORTS["desktop"])
            for name in PAGES:
                page = context.new_page()
                seen = {
                    "requests": [],
                    "failed": [],
                    "offsite": [],
                    "console": [],
                    "errors": [],
                    "overflow": {},
                    "legibility": {},
                    "axe": {},
                }

                def on_request(req, seen=seen):
                    seen["requests"].append(req.url)
                    host = urlsplit(req.url).hostname
                    if req.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
                        seen["offsite"].append(req.url)

                def on_response(resp, seen=seen):
                    if resp.status >= 400:
                        seen["failed"].append(f"{resp.status} {resp.url}")

                page.on("request", on_request)
                page.on("response", on_response)
                page.on("requestfailed", lambda req, seen=seen: seen["failed"].append(f"{req.failure} {req.url}"))
                page.on(
                    "console", lambda msg, seen=seen: seen["console"].append(msg.text) if msg.type == "error" else None
                )
                page.on("pageerror", lambda err, seen=seen: seen["errors"].append(str(err)))
                page.goto(base + name, wait_until="networkidle")
                seen.update(page.evaluate(PAGE_CHECKS))
                page.wait_for_load_state("networkidle")  # fonts MathJax asked for
                seen["no_alt"] = page.evaluate(
                    "() => [...document.images].filter(i => !(i.getAttribute('alt') || '').trim()"
                    " || /[.](png|svg|jpe?g)$/i.test(i.getAttribute('alt').trim()))"  # Sphinx's default: the file name
                    ".map(i => i.getAttribute('src'))"
                )
                shot = name.replace("/", "_").removesuffix(".html") + ".png"
                for view, size in VIEWPORTS.items():
                    _resize(page, size)
                    seen["overflow"][view] = page.evaluate(OVERFLOW_CHECKS)
                    seen["legibility"][view] = page.evaluate(LEGIBILITY_CHECKS, LEGIBILITY_ARGS)
                    page.screenshot(path=str(SHOTS / view / shot), full_page=True)
                # axe last, at both sizes, and its own requests apart: its CSS preload resolves a
                # stylesheet's @import ("../basic.css" in the theme's CSS) against the page, not
                # the sheet, and asks for files that do not exist; a reader's browser never does.
                reader = {k: list(seen[k]) for k in ("requests", "failed", "console", "errors")}
                for view, size in reversed(VIEWPORTS.items()):
                    _resize(page, size)
                    seen["axe"][view] = _axe_summary(axe.run(page).response)
                seen["axe_requests"] = seen["requests"][len(reader["requests"]) :]
                seen.update(reader)
                page.close()
                report[name] = seen
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    summary = {
        "pages": len(report),
        "requests": sum(len(r["requests"]) for r in report.values()),
        "math_pages": sum(r["math"] > 0 for r in report.values()),
        "mjx_containers": sum(r["mjx"] for r in report.values()),
        "images": sum(r["images"] for r in report.values()),
        "axe": _axe_counts(report),
        "legibility": _legibility_counts(report),
    }
    (SHOTS / "browser-report.json").write_text(json.dumps({"summary": summary, "pages": report}, indent=1))
    print(f"\nbrowser: {summary}")
    print(_count_table(report))
    return report


def _axe_counts(report: dict) -> dict[str, dict[str, int]]:
    """Violating nodes per "rule (impact)" over every page, per viewport."""
    out: dict[str, dict[str, int]] = {}
    for view in VIEWPORTS:
        counts: dict[str, int] = {}
        for r in report.values():
            for v in r["axe"][view]:
                key = f"{v['rule']} ({v['impact']})"
                counts[key] = counts.get(key, 0) + v["nodes"]
        out[view] = dict(sorted(counts.items()))
    return out


def _axe_impacts(violations: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in violations:
        counts[v["impact"]] = counts.get(v["impact"], 0) + v["nodes"]
    return counts


def _legibility_counts(report: dict) -> dict[str, dict[str, int]]:
    """Findings per measure over every page, per viewport."""
    return {
        view: {m: sum(len(r["legibility"][view][m]) for r in report.values()) for m in MEASURES} for view in VIEWPORTS
    }


def _count_table(report: dict) -> str:
    """The counts per page, measure and viewport, as printed for the closing note."""
    heads = ["squeezed", "tall", "formulas", "figures", "axe"]
    lines = ["legibility per page (desktop 1280 / phone 390): " + ", ".join(heads)]
    for name, r in report.items():
        cells = []
        for view in VIEWPORTS:
            leg = r["legibility"][view]
            axe = _axe_impacts(r["axe"][view])
            cells.append(
                " ".join(str(len(leg[m])) for m in MEASURES)
                + " axe "
                + (",".join(f"{k}:{v}" for k, v in sorted(axe.items())) or "0")
            )
        lines.append(f"  {name:40s} {cells[0]:32s} | {cells[1]}")
    return "\n".join(lines)


def test_every_toc_page_was_visited(crawl):
    for page in [
        ROOT_PAGE.docname + ".html",
        BY_MODULE["conventions"].docname + ".html",
        BY_MODULE["build_status"].docname + ".html",
        ANSWERS["cs5242-q3"].docname + ".html",
    ]:
        assert page in crawl


def test_no_request_leaves_localhost(crawl):
    assert {p: r["offsite"] for p, r in crawl.items() if r["offsite"]} == {}


def test_no_request_fails(crawl):
    assert {p: r["failed"] for p, r in crawl.items() if r["failed"]} == {}


def test_no_javascript_error(crawl):
    assert {p: r["errors"] + r["console"] for p, r in crawl.items() if r["errors"] or r["console"]} == {}


def test_math_is_typeset_by_the_local_mathjax(crawl):
    math_pages = {p: r for p, r in crawl.items() if r["math"]}
    assert BY_MODULE["conventions"].docname + ".html" in math_pages
    for page, r in math_pages.items():
        assert r["mathjax"] and r["mjx"] > 0 and r["untypeset"] == [], (page, r["untypeset"])
        assert any("/_static/mathjax/tex-mml-chtml.js" in u for u in r["requests"]), page


def test_every_image_loads(crawl):
    assert sum(r["images"] for r in crawl.values()) >= 10
    assert {p: r["broken"] for p, r in crawl.items() if r["broken"]} == {}


def test_answer_checker_works_offline_in_the_page():
    """The 1(c) checker in Chromium: right answer, a typical slip, nonsense; no request leaves."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    offsite, errors = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on(
                "request",
                lambda req: (
                    offsite.append(req.url)
                    if urlsplit(req.url).hostname not in LOCAL_HOSTS and req.url.startswith("http")
                    else None
                ),
            )
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(base + ANSWERS["csc413-1c"].docname + ".html", wait_until="networkidle")

            def verdict(check_id, text):
                box = page.locator(f'.answer-check[data-check="{check_id}"]')
                box.locator("input").fill(text)
                result = box.locator(".answer-check-result")
                return result.get_attribute("data-verdict"), result.text_content()

            assert page.locator(".answer-check").count() == 8
            kind, text = verdict("csc413-1c-weights", "72*NF^2 + 9*NF*NC + 9*NC^2 + 9*NF")
            assert kind == "correct" and text.startswith("correct: ") and "86,112" in text
            # the typical answer's weights, read as parameters: both of its slips are named
            kind, text = verdict("csc413-1c-parameters", "33NF + 72NF² + 9NF·NC + 9NC² + 4NC")
            assert kind == "slip" and "conv biases left out" in text and "running statistics" in text
            kind, text = verdict("csc413-1c-parameters", "72*NF^2 + 9*NF*NC + 9*NC^2 + 9*NF")
            assert kind == "slip" and "BatchNorm γ, β left out" in text
            kind, text = verdict("csc413-1c-outputs", "2368NF + 2304NC")
            assert kind == "convention"
            kind, text = verdict("csc413-1c-weights", "__import__('os')")
            assert kind == "error" and "cannot read" in text
            kind, text = verdict("csc413-1c-weights", "NF + x")
            assert kind == "error" and "unknown symbol 'x'" in text
            kind, text = verdict("csc413-1c-weights", "NF +* 2")
            assert kind == "error"
            kind, text = verdict("csc413-1c-connections", "NF")
            assert kind == "unknown" and "15,630,336" in text
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert offsite == [] and errors == []


def test_every_image_has_an_alt_text(crawl):
    assert {p: r["no_alt"] for p, r in crawl.items() if r["no_alt"]} == {}


@pytest.mark.parametrize("view", VIEWPORTS)
def test_axe_finds_no_violation_of_any_impact(crawl, view):
    assert all(view in r["axe"] for r in crawl.values())  # axe ran on every page at this size
    bad = {
        p: [(v["rule"], v["impact"], v["nodes"], v["targets"][:2]) for v in r["axe"][view]] for p, r in crawl.items()
    }
    assert {p: v for p, v in bad.items() if v} == {}


def _legibility_findings(crawl: dict, view: str, measure: str) -> dict[str, list]:
    return {p: r["legibility"][view][measure] for p, r in crawl.items() if r["legibility"][view][measure]}


@pytest.mark.parametrize("view", VIEWPORTS)
def test_no_table_cell_is_squeezed(crawl, view):
    assert _legibility_findings(crawl, view, "squeezed_cells") == {}


def test_no_table_row_is_taller_than_a_glance_at_1280(crawl):
    assert _legibility_findings(crawl, "desktop", "tall_rows") == {}


@pytest.mark.parametrize("view", VIEWPORTS)
def test_no_formula_hides_its_end(crawl, view):
    assert _legibility_findings(crawl, view, "clipped_formulas") == {}


@pytest.mark.parametrize("view", VIEWPORTS)
def test_big_figures_are_shown_large_or_linked_to_full_size(crawl, view):
    assert _legibility_findings(crawl, view, "small_figures") == {}


@pytest.mark.parametrize("view", VIEWPORTS)
def test_no_page_scrolls_sideways(crawl, view):
    wide = {
        p: (r["overflow"][view]["page_width"], r["overflow"][view]["sticking_out"])
        for p, r in crawl.items()
        if r["overflow"][view]["page_width"] > r["overflow"][view]["viewport"] or r["overflow"][view]["sticking_out"]
    }
    assert wide == {}


@pytest.mark.parametrize("view", VIEWPORTS)
def test_only_code_and_tables_that_say_so_scroll(crawl, view):
    silent = {p: [s for s in r["overflow"][view]["scrolling"] if not s["says"]] for p, r in crawl.items()}
    assert {p: s for p, s in silent.items() if s} == {}


def test_the_overflow_check_sees_a_wide_element():
    """OVERFLOW_CHECKS itself: a too-wide paragraph is found, a scrolling labelled block is not."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORTS["phone"])
        page.set_content(
            '<p style="width:900px">wide</p>'
            '<div class="pst-scrollable-table-container" tabindex="0" '
            'aria-label="table, scrolls sideways" style="overflow-x:auto">'
            '<table style="width:900px"><tr><td>t</td></tr></table></div>'
            '<div style="overflow-x:auto"><p style="width:900px">silent</p></div>'
        )
        found = page.evaluate(OVERFLOW_CHECKS)
        browser.close()
    assert found["page_width"] > found["viewport"]
    assert [o["text"] for o in found["sticking_out"]] == ["wide"]
    assert sorted((s["says"], s["text"]) for s in found["scrolling"]) == [(False, "silent"), (True, "t")]


# A page with one of each problem, and beside each a legible twin that must not be counted.
_BAD_AND_GOOD = """<main>
<table><tr><td style="width:20px;max-width:20px">squeezed</td><td style="width:20px">abc</td></tr></table>
<table><tr><td style="height:300px">tall row</td></tr><tr><td>short row</td></tr></table>
<div style="width:200px;overflow:hidden"><p><mjx-container style="display:inline-block;width:400px">clipped</mjx-container></p></div>
<div style="width:200px;overflow-x:auto" tabindex="0" aria-label="Formula, scrolls sideways"><p>
  <mjx-container style="display:inline-block;width:400px">scrolls</mjx-container></p></div>
<p style="width:300px"><mjx-container style="display:inline-block;width:100px">fits</mjx-container></p>
<img id="small" style="width:300px" src="data:image/svg+xml;utf8,{svg}">
<img style="width:700px" src="data:image/svg+xml;utf8,{svg}">
</main>"""


def test_the_legibility_check_sees_each_problem_and_passes_its_twin():
    """LEGIBILITY_CHECKS itself: one finding per measure, none for the legible twins."""
    from playwright.sync_api import sync_playwright

    svg = "<svg xmlns='http://www.w3.org/2000/svg' width='1000' height='100'></svg>".replace("<", "%3C").replace(
        ">", "%3E"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORTS["desktop"])
        page.set_content(_BAD_AND_GOOD.replace("{svg}", svg))
        page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        found = page.evaluate(LEGIBILITY_CHECKS, LEGIBILITY_ARGS)
        browser.close()
    assert [c["text"] for c in found["squeezed_cells"]] == ["squeezed"]
    assert [r["text"] for r in found["tall_rows"]] == ["tall row"]
    assert [f["text"] for f in found["clipped_formulas"]] == ["clipped"]
    assert [(f["natural"], f["shown"]) for f in found["small_figures"]] == [(1000, 30)]


# ---------------------------------------------------------------------------------------------
# Practice mode, the checkers of every id and the what-if boxes, in Chromium (issue 28).

CHECK_PAGES = {
    "csc413-1c": "csc413-1c",
    "cs5242-q2": "cs5242-q2",
    "cs5242-q3": "cs5242-q3",
    "csc413-3d": "csc413-3de",
    "csc413-3e": "csc413-3de",
}
PRACTICE_SHOTS = SHOTS / "practice"
PRACTICE_SHOT_PAGE = "cs5242-q3"  # the page whose screenshots show both modes at 390 px


def checker_ids() -> tuple[str, ...]:
    from solutions.answers import checker

    return checker.IDS


@pytest.fixture(scope="module")
def browser_at():
    """(browser, base URL) over the built book, served on localhost."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser, f"http://127.0.0.1:{server.server_address[1]}/"
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


def _open(context, base: str, answer_id: str, errors: list):
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base + ANSWERS[answer_id].docname + ".html", wait_until="networkidle")
    page.wait_for_function(MATH_LAID_OUT, timeout=15_000)
    return page


def _js_verdict(r: dict) -> tuple[str, tuple[str, ...], str | None]:
    kind = r["verdict"]
    return (
        kind,
        tuple(r.get("slips") or ()) if kind == "slip" else (),
        r.get("convention") or None if kind in ("slip", "convention") else None,
    )


def test_every_checker_gives_the_command_lines_verdict(browser_at):
    """For every id, the book's answer, every convention and catalogued slip, and answers no slip
    gives: the widget's JavaScript on its page reaches `solutions check ID EXPR`'s verdict."""
    from test_page_widgets import cases, cli_verdict, variant_texts

    browser, base = browser_at
    by_page: dict[str, list[tuple[str, str]]] = {}
    for ident, text in cases():
        by_page.setdefault(CHECK_PAGES["-".join(ident.split("-")[:2])], []).append((ident, text))
    errors: list = []
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    wrong, typed = [], 0
    for answer_id, items in by_page.items():
        page = _open(context, base, answer_id, errors)
        got = page.evaluate(
            "items => items.map(([id, text]) => window.SolutionsAnswerCheck.judge(id, text))", [list(i) for i in items]
        )
        for (ident, text), r in zip(items, got, strict=True):
            if _js_verdict(r) != cli_verdict(ident, text):
                wrong.append((ident, text, r, cli_verdict(ident, text)))
        # and through each box as a reader uses it: the book's answer typed in, and its first slip
        for ident in dict.fromkeys(i for i, _ in items):
            box = page.locator(f'.answer-check[data-check="{ident}"]')
            for text in variant_texts(ident)[:2]:
                box.locator("input").fill(text)
                result = box.locator(".answer-check-result")
                shown = (result.get_attribute("data-verdict"), result.text_content())
                assert shown[0] == cli_verdict(ident, text)[0] and shown[1], (ident, text, shown)
                typed += 1
        page.close()
    context.close()
    assert wrong == [] and errors == []
    assert typed == 2 * len(checker_ids()) - 2  # every box typed into (3(d)'s full-layer orders: no slip)


def _positions(page) -> dict:
    return page.evaluate("""() => {
      const checks = document.querySelector('.practice-checks');
      const box = document.querySelector('main .answer-box');
      const exercise = document.querySelector('main .exercise');
      const before = (a, b) => !!(a && b && (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING));
      return {checks_before_answer: before(checks, box), after_exercise: !exercise || before(exercise, checks),
              moved: checks ? checks.querySelectorAll('.answer-check').length : 0,
              all: document.querySelectorAll('main .answer-check').length};
    }""")


def _illegible(page, view: str) -> dict:
    """The legibility findings at ``view``, as the crawl counts them (tall rows only at 1280 px)."""
    found = page.evaluate(LEGIBILITY_CHECKS, LEGIBILITY_ARGS)
    return {m: found[m] for m in MEASURES if found[m] and (m != "tall_rows" or view == "desktop")}


@pytest.mark.parametrize("answer_id", list(ANSWERS))
def test_practice_mode_folds_every_answer_and_keeps_the_question_and_checkers(browser_at, answer_id):
    """Off by default; on (by keyboard): every answer folded behind "Show the answer", the checker
    boxes under the question and working; kept over a reload; "Show the answer" reveals; off again:
    the page as built. With it on, axe finds nothing at either size, and nothing is illegible or
    sticks out, folded or revealed."""
    from axe_playwright_python.sync_playwright import Axe

    from test_page_widgets import variant_texts

    browser, base = browser_at
    errors: list = []
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = _open(context, base, answer_id, errors)
    folds = "main .answer-box, main .practice-fold"
    n_folds = page.locator(folds).count()
    assert n_folds >= 1 and page.locator(".practice-reveal").count() == 0  # off: as built
    built = page.evaluate("() => document.querySelector('main').innerHTML")
    toggle = page.locator(".practice-toggle")
    assert toggle.is_visible() and not toggle.is_checked() and toggle.get_attribute("role") == "switch"

    def check_folded():
        buttons = page.locator(".practice-reveal")
        assert buttons.count() == n_folds
        for i in range(n_folds):
            b = buttons.nth(i)
            assert (
                b.is_visible() and b.text_content() == "Show the answer" and b.get_attribute("aria-expanded") == "false"
            )
            assert not page.locator("#" + b.get_attribute("aria-controls")).is_visible()
        assert page.locator("main .exercise").count() == 0 or page.locator("main .exercise").first.is_visible()
        pos = _positions(page)
        assert pos["moved"] == pos["all"]
        if pos["all"]:
            assert pos["checks_before_answer"] and pos["after_exercise"], pos
            assert all(page.locator("main .answer-check").nth(i).is_visible() for i in range(pos["all"]))
            assert page.locator(".what-if").count() == 0 or not page.locator(".what-if").first.is_visible()

    toggle.focus()
    page.keyboard.press("Space")
    assert toggle.is_checked()
    assert "Practice mode on" in page.locator(".practice-status").text_content()
    check_folded()
    page.reload(wait_until="networkidle")
    page.wait_for_function(MATH_LAID_OUT, timeout=15_000)
    assert page.locator(".practice-toggle").is_checked()
    check_folded()
    ident = page.evaluate("() => (document.querySelector('main .answer-check') || {dataset: {}}).dataset.check")
    if ident:  # a checker works where it moved to
        box = page.locator(f'.answer-check[data-check="{ident}"]')
        box.locator("input").fill(variant_texts(ident)[0])
        assert box.locator(".answer-check-result").get_attribute("data-verdict") == "correct"
    assert errors == []
    axe = Axe()  # its CSS preload asks for files that do not exist (see crawl): those 404s aside
    findings = {}
    for view in ("phone", "desktop"):
        _resize(page, VIEWPORTS[view])
        findings[f"axe folded {view}"] = _axe_summary(axe.run(page).response)
        findings[f"legibility folded {view}"] = _illegible(page, view)
    _resize(page, VIEWPORTS["phone"])
    # "Show the answer", by keyboard, on every fold
    for i in range(n_folds):
        b = page.locator(".practice-reveal").nth(i)
        b.focus()
        page.keyboard.press("Enter")
        assert b.get_attribute("aria-expanded") == "true" and b.text_content() == "Hide the answer"
        assert page.locator("#" + b.get_attribute("aria-controls")).is_visible()
    if page.locator(".what-if").count():
        assert page.locator(".what-if").first.is_visible()
    page.wait_for_function(MATH_LAID_OUT, timeout=15_000)
    for view in ("desktop", "phone"):
        _resize(page, VIEWPORTS[view])
        findings[f"legibility shown {view}"] = _illegible(page, view)
        findings[f"overflow shown {view}"] = page.evaluate(OVERFLOW_CHECKS)["sticking_out"]
    # off again: the page as built
    page.locator(".practice-toggle").click()
    assert "Practice mode off" in page.locator(".practice-status").text_content()
    assert page.locator(".practice-reveal").count() == 0 and page.locator(".practice-checks").count() == 0
    page.reload(wait_until="networkidle")
    page.wait_for_function(MATH_LAID_OUT, timeout=15_000)
    assert not page.locator(".practice-toggle").is_checked()
    assert page.evaluate("() => document.querySelector('main').innerHTML").count("answer-check") == built.count(
        "answer-check"
    )
    context.close()
    assert {k: v for k, v in findings.items() if v} == {}
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


# the what-if boxes: the inputs each page asks for, and the package's numbers at them
def _what_if_points(answer_id: str, rng) -> dict:
    from solutions.answers import alexnet_1x1
    from solutions.book import what_if

    if answer_id == "csc413-1c":
        return {"NF": rng.randint(1, 512), "NC": rng.randint(1, 512), "side": rng.randint(*what_if.C1C_SIDES)}
    if answer_id == "cs5242-q2":
        return {
            "h": rng.randint(3, 1024),
            "w": rng.randint(3, 1024),
            "c1": rng.randint(2, 1024),
            "c2": rng.randint(1, 1024),
        }
    return {"B": rng.randint(1, 4096), "optimizer": rng.choice(alexnet_1x1.OPTIMIZERS)}


def _package_numbers(answer_id: str, point: dict) -> dict:
    from test_page_widgets import package_c1c, package_q2, package_q3

    if answer_id == "csc413-1c":
        return package_c1c(point["NF"], point["NC"], point["side"])
    if answer_id == "cs5242-q2":
        return package_q2(point["h"], point["w"], point["c1"], point["c2"])
    return package_q3(point["B"], point["optimizer"])


@pytest.mark.parametrize("answer_id", ["csc413-1c", "cs5242-q2", "cs5242-q3"])
def test_what_if_shows_the_packages_numbers_at_five_random_points(browser_at, answer_id):
    import random

    browser, base = browser_at
    errors: list = []
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = _open(context, base, answer_id, errors)
    box = page.locator(f'.what-if[data-what-if="{answer_id}"]')
    assert box.is_visible()

    def shown(at: str) -> dict:
        return {td.get_attribute("data-key"): td.text_content() for td in box.locator(f'td[data-at="{at}"]').all()}

    homework = shown("homework")
    assert shown("yours") == homework
    rng = random.Random(f"what-if {answer_id}")
    for _ in range(5):
        point = _what_if_points(answer_id, rng)
        for name, value in point.items():
            field = box.locator(f'[name="{name}"]')
            if isinstance(value, str):
                field.select_option(value)
            else:
                field.fill(str(value))
        assert shown("yours") == _package_numbers(answer_id, point), point
        assert shown("homework") == homework
    # out of range: said, and no number shown; the reset button restores the homework's values
    first = box.locator("input").first
    first.fill("0")
    assert "must be a whole number" in box.locator(".what-if-note").text_content()
    assert set(shown("yours").values()) == {"—"} and first.get_attribute("aria-invalid") == "true"
    box.locator(".what-if-reset").click()
    assert shown("yours") == homework and box.locator(".what-if-note").text_content() == ""
    context.close()
    assert errors == []


def test_practice_mode_screenshots_at_390(browser_at):
    """One page at 390 px: practice mode off (as built), on (folded, the checkers under the
    question), and on with the answer shown; into _build/screenshots/practice/."""
    browser, base = browser_at
    errors: list = []
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = _open(context, base, PRACTICE_SHOT_PAGE, errors)
    PRACTICE_SHOTS.mkdir(parents=True, exist_ok=True)
    shots = {}

    def shoot(name: str) -> None:
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        page.wait_for_function(MATH_LAID_OUT, timeout=15_000)
        shots[name] = PRACTICE_SHOTS / f"{PRACTICE_SHOT_PAGE}-{name}-390.png"
        page.screenshot(path=str(shots[name]), full_page=True)

    shoot("off")
    page.locator(".practice-toggle").click()
    shoot("on-folded")
    page.locator(".practice-reveal").first.click()
    shoot("on-shown")
    context.close()
    assert errors == [] and all(p.stat().st_size > 10_000 for p in shots.values())
