"""Every page declared once (solutions.book.declarations), thin, and answering first.

* ``_toc.yml`` lists exactly the declared pages, in the declared order;
* outside the book's pages (which link each other), a page's file name appears
  only in its declaration and ``_toc.yml``: every other list derives from the
  declarations;
* glue keys are literal strings, so ``grep`` finds a key in both the page and
  its module, and every key a page uses is one its module defines;
* every answer page opens with a box titled "Answer", before its first section.
"""

import ast
import re
import subprocess
from pathlib import Path

import pytest

from conftest import FULL
from solutions.book.declarations import PAGES

ROOT = Path(__file__).resolve().parents[1]
MODULE_DIR = ROOT / "src" / "solutions" / "book" / "pages"
GLUE = re.compile(r"\{glue(?::\w+)?\}`([\w.:-]+?)(?::[^`]*)?`|```\{glue(?::\w+)?\}\s+([\w-]+)")
WITH_MODULE = [p for p in PAGES if p.module]
# Pages not yet converted to literal glue keys / an opening answer box (expected to fail, strictly:
# a converted page must leave this list). Empty when the content pass is complete.
PENDING_LITERAL_KEYS: set[str] = set()
PENDING_ANSWER_BOX: set[str] = set()


def _pending(pages, pending, attr):
    return [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="not converted yet"))
            if getattr(p, attr) in pending else p for p in pages]


def glue_keys(page) -> set[str]:
    text = (ROOT / page.file).read_text(encoding="utf-8")
    return {a or b for a, b in GLUE.findall(text)}


def test_toc_lists_exactly_the_declared_pages_in_order():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = re.findall(r"^\s*(?:root|- file):\s*(\S+)", toc, re.M)
    assert listed == [p.docname for p in PAGES]


def test_a_page_file_is_named_only_by_its_declaration_and_the_toc():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    allowed = {"_toc.yml", "src/solutions/book/declarations.py"}
    for page in PAGES:
        stem = Path(page.file).stem
        # a path or file name (book/…/stem, stem.md, stem.html), not the words of a sentence
        pattern = re.compile(rf"book/(?:\w+/)?{re.escape(stem)}(?![\w-])|(?<![\w-]){re.escape(stem)}\.(?:md|html|ipynb)")
        named_in = [f for f in files if f not in allowed and not f.startswith(("book/", "results/", "data/"))
                    and (ROOT / f).suffix in (".py", ".md", ".yml", ".yaml", ".toml", ".cfg", ".txt", "")
                    and (ROOT / f).is_file()
                    and pattern.search((ROOT / f).read_text(encoding="utf-8", errors="replace"))]
        assert not named_in, f"{page.file} is named in {named_in}: derive the list from the declarations"


@pytest.mark.parametrize("page", _pending(WITH_MODULE, PENDING_LITERAL_KEYS, "module"),
                         ids=lambda p: p.docname)
def test_glue_keys_are_literals_defined_by_the_page_module(page):
    source = (MODULE_DIR / f"{page.module}.py").read_text(encoding="utf-8")
    for reexported in re.findall(r"^from solutions\.book\.(\w+) import values$", source, re.M):
        source += (MODULE_DIR.parent / f"{reexported}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    dynamic = [ast.unparse(n)[:60] for n in ast.walk(tree)
               if (isinstance(n, ast.Dict) and any(isinstance(k, ast.JoinedStr) for k in n.keys))
               or (isinstance(n, ast.Subscript) and isinstance(n.slice, ast.JoinedStr)
                   and isinstance(n.ctx, ast.Store))]
    assert not dynamic, f"glue keys built at run time in {page.module}: {dynamic}"
    literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    missing = sorted(glue_keys(page) - literals)
    assert not missing, f"{page.file} glues keys its module does not define literally: {missing}"


@pytest.mark.parametrize("page", _pending([p for p in PAGES if p.answer_id], PENDING_ANSWER_BOX,
                                          "answer_id"), ids=lambda p: p.docname)
def test_every_answer_page_opens_with_the_answer(page):
    text = (ROOT / page.file).read_text(encoding="utf-8")
    box = re.search(r"^:::+\{admonition\} Answer\s*$", text, re.M)
    first_section = re.search(r"^## ", text, re.M)
    assert box, f"{page.file} has no box titled Answer"
    assert first_section is None or box.start() < first_section.start(), page.file
    body = text[box.end():text.index(":::", box.end())]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", body.strip()) if s.strip()]
    assert 2 <= len(sentences) <= 8 and "{glue" in body, (page.file, len(sentences))


@pytest.mark.skipif(not FULL, reason="runs every page's values (the full tier and the book build do)")
@pytest.mark.parametrize("page", [p for p in WITH_MODULE if p.module != "build_status"],
                         ids=lambda p: p.docname)
def test_every_key_a_page_module_defines_is_used_by_its_page(page):
    module = page.load()
    defined = set(module.values()) | set(module.figures() if callable(getattr(module, "figures", None)) else ())
    claimed = {k for c in getattr(module, "CLAIMS", ()) for k in c.keys}   # read by a typed sentence
    assert glue_keys(page) <= defined
    unused = defined - glue_keys(page) - claimed
    assert not unused, f"unused glue keys: {sorted(unused)}"


def _answer_box(page) -> str:
    text = (ROOT / page.file).read_text(encoding="utf-8")
    box = re.search(r"^:::+\{admonition\} Answer\s*$", text, re.M)
    return text[box.end():text.index(":::", box.end())]


def test_1d_answers_the_question_asked_with_networks_trained_on_the_transformed_inputs():
    from solutions.book.declarations import page
    from solutions.experiments import registry

    p = page("csc413-1d")
    # the networks trained on y = a·x + b: both networks, the untransformed baseline of the same
    # length and three transforms, three seeds each = 2 × 4 × 3 = 24 runs, plus the test-time probe
    trained = [n for n in p.results if n not in ("palette", "c1d-test-time")]
    assert len(trained) == 24 and "c1d-test-time" in p.results
    assert {(registry.RESULTS[n].config.input_scale, registry.RESULTS[n].config.input_shift)
            for n in trained} == {(1.0, 0.0), (2.0, 0.0), (-1.0, 0.0), (-1.0, 1.0)}
    box = set(GLUE.findall(_answer_box(p)))
    assert {("c1d_beyond_count", ""), ("c1d_compared", ""), ("c1d_unet_largest_gap", "")} <= box
    assert "c1d_trained_table" in glue_keys(p)


def test_2c_reasons_rest_on_ablations_and_gradients_at_matched_steps():
    from solutions.book.declarations import page
    from solutions.experiments import registry

    p = page("csc413-2c")
    ablations = {n: registry.RESULTS[n].config.unet_skips for n in p.results
                 if registry.RESULTS.get(n) and registry.RESULTS[n].config.__class__.__name__ ==
                 "TrainConfig" and registry.RESULTS[n].config.unet_skips != "all"}
    assert sorted(ablations.values()) == ["no_encoder"] * 3 + ["no_input"] * 3
    box = {a for a, _ in GLUE.findall(_answer_box(p))}
    assert {"c2_no_encoder_verdict", "c2_no_input_verdict", "c2_grad_ratio_no_encoder_low"} <= box
    assert "c2_ablation_table" in glue_keys(p)


@pytest.mark.skipif(not FULL, reason="reads the stored ablation runs (the full tier)")
def test_the_2c_sentences_typed_around_the_ablations_hold_for_the_stored_runs():
    # "the gain over the CNN comes from the encoder skips; the raw-input skip adds nothing
    # measurable": typed in the page, so pinned to the stored runs here
    from solutions.book.pages import csc413_2c

    full, no_input, no_encoder = csc413_2c.ablation_rows()
    assert no_encoder.loss_vs_full.beyond_noise and no_encoder.loss_vs_full.difference > 0
    assert not no_input.loss_vs_full.beyond_noise and not no_input.accuracy_vs_full.beyond_noise


@pytest.mark.skipif(not FULL, reason="reads the stored 1(d) runs (the full tier)")
def test_the_1d_sentence_typed_after_the_trained_table_holds_for_the_stored_runs():
    # "neither the rescaling by 2, nor the sign flip, nor the inversion costs either network
    # anything measurable": typed in the page, so pinned to the stored runs here
    from solutions.book.pages import csc413_1d

    # every loss within the noise; the one test beyond it is the UNet's accuracy on 1 − x, higher
    assert all(not r.loss_vs_full.beyond_noise for m in ("cnn", "unet") for r in csc413_1d.trained(m))
    assert csc413_1d.beyond() == ["UNet with a = -1, b = 1"]
    (inv,) = [r for r in csc413_1d.trained("unet") if r.name == "a = -1, b = 1"]
    assert inv.accuracy_vs_full.beyond_noise and inv.accuracy_vs_full.difference > 0
    values = csc413_1d.answer_values()
    # 2 networks × 3 transforms = 6 cases, 2 tests each = 12, at 5 %: 0.6 expected by chance
    assert (values["c1d_compared"], values["c1d_tests"]) == (6, 12)
    assert values["c1d_chance"] == pytest.approx(0.6)


# ---------------------------------------------------------------------------------------------
# Answer boxes: a plain bottom line first (≤ 50 words, no statistics vocabulary), the evidence
# after it, the whole box ≤ 170 words; a glued value or a formula counts as one word.

_ONE_WORD = re.compile(r"\{glue(?::\w+)?\}`[^`]*`|\$[^$]+\$")
_ROLE_WORDS = re.compile(r"\{\w+(?::\w+)?\}`([^`<]*?)(?:\s*<[^`>]*>)?`")
STATISTICS = re.compile(r"\bp\s*[=<>]|p-value|Welch|t-test|noise|beyond|interval|bootstrap|significan",
                        re.I)
BOTTOM_LINE_PAGES = ["csc413-3de", "cs5242-q1", "cs5242-q2", "cs5242-q3", "cs5242-q4"]


def words(markdown: str) -> int:
    """Words of MyST text as a reader counts them: a glued value or a formula is one word, a role
    its words, a token of punctuation alone none."""
    text = _ROLE_WORDS.sub(r"\1", _ONE_WORD.sub(" X ", markdown))
    return sum(1 for w in text.split() if re.search(r"\w", w))


def test_words_counts_glue_and_formulas_as_one_word():
    assert words("(a) The kernel is {glue:md}`q2_a:myst`, $h \\times 2$ wide: {term}`seed spread`.") == 9
    assert words("×{glue:text}`c3de_pixel_factor` % — {term}`bias <bias and variance>`") == 2


def _box_paragraphs(answer_id: str) -> list[str]:
    from solutions.book.pages.all_answers import answer_box

    return [p for p in re.split(r"\n[ \t]*\n", answer_box(answer_id)) if p.strip()]


@pytest.mark.parametrize("answer_id", BOTTOM_LINE_PAGES)
def test_the_answer_box_opens_with_a_plain_bottom_line(answer_id):
    paragraphs = _box_paragraphs(answer_id)
    first = paragraphs[0]
    assert len(paragraphs) >= 2, f"{answer_id}: the bottom line, then the evidence"
    assert words(first) <= 50, (answer_id, words(first))
    assert not STATISTICS.findall(first), (answer_id, STATISTICS.findall(first))
    assert "{glue" in first, f"{answer_id}: the bottom line glues its key numbers"
    assert sum(words(p) for p in paragraphs) <= 170, (answer_id, [words(p) for p in paragraphs])
