"""Typed sentences about results are guarded: a claim whose predicate the stored data do not support
fails the page (and so the strict build), naming the sentence; words that depend on the data change
with it.

The altered-data tests feed the 2(d) page the stored sweep changed the two ways a reader's trust is
lost: with one seed per batch size (the page then must not speak of a test over seeds), and with
the smallest and the largest batch size's runs swapped (the page must not keep saying that small
batches end lower).
"""

import dataclasses

import pytest

from conftest import FULL
from solutions.book import claims
from solutions.book.claims import Claim, MissingClaim, UnsupportedClaim
from solutions.book.declarations import ANSWERS, PAGES


def test_a_claim_reads_the_values_its_predicate_names():
    c = Claim("ends lower", lambda small, large: small < large)
    assert c.keys == ("small", "large")
    assert c.holds({"small": 1.2, "large": 1.5}) is True
    assert c.holds({"small": 1.6, "large": 1.5}) is False
    with pytest.raises(ValueError, match=r"\['large'\]"):
        c.holds({"small": 1.2})


@pytest.mark.parametrize(
    "anchor, predicate",
    [("ab", lambda x: x), ("long enough", lambda: True), ("long enough", "x < 1"), ("long enough", lambda *a: 1)],
)
def test_a_claim_needs_words_and_a_predicate_over_named_keys(anchor, predicate):
    with pytest.raises(ValueError):
        Claim(anchor, predicate)


def test_the_sentence_of_an_anchor_spans_line_breaks_and_shows_glue_keys():
    source = (
        "Intro.\n\nAt a fixed {glue:text}`n` epochs, smaller batches end\nwith lower loss: "
        "{glue:text}`a:.3f` against {term}`b <the b>`. Next.\n"
    )
    assert claims.sentence(source, "batches end with lower loss") == (
        "At a fixed {n} epochs, smaller batches end with lower loss: {a} against b."
    )


def test_an_anchor_must_occur_exactly_once():
    c = Claim("ends lower", lambda x: True)
    claims.find_anchors([c], "It ends\nlower.", "page.md")
    with pytest.raises(MissingClaim, match="0 times"):
        claims.find_anchors([c], "It ends higher.", "page.md")
    with pytest.raises(MissingClaim, match="2 times"):
        claims.find_anchors([c], "It ends lower. It ends lower.", "page.md")


def test_result_sentences_are_typed_comparisons_next_to_glued_values():
    source = """# Title

```{code-cell} ipython3
x = "lower {glue:text}`a`"
```

The loss ends lower at {glue:text}`a:.3f`. It is {glue:text}`b` here.

:::{admonition} Pitfall
:class: warning

The typical answer is right: {glue:text}`c` is higher than {glue:text}`d`.
:::

| lower | {glue:text}`e` |
"""
    assert claims.result_sentences(source) == [
        "The loss ends lower at {glue:text}`a:.3f`.",
        "The typical answer is right: {glue:text}`c` is higher than {glue:text}`d`.",
    ]


def _data_pages():
    """The answer pages that read stored results, and the bf16 page (no answer id, same rules)."""
    return [p for p in PAGES if p.module and p.results and (p.answer_id or p.module == "csc413_bf16")]


@pytest.mark.parametrize("page", _data_pages(), ids=lambda p: p.answer_id or p.module)
def test_every_sentence_comparing_stored_results_in_typed_words_is_guarded(page):
    assert claims.unguarded(page.load()) == []


@pytest.mark.parametrize("page", [p for p in ANSWERS.values() if p.module], ids=lambda p: p.answer_id)
def test_every_registered_anchor_is_in_its_page_once(page):
    module = page.load()
    where, source = claims.page_source(module)
    claims.find_anchors(getattr(module, "CLAIMS", ()), source, where)
    claims.find_anchors([Claim(a, lambda x: True) for a in getattr(module, "DEFINITIONS", ())], source, where)


@pytest.mark.skipif(not FULL, reason="computes every answer page's values (the full tier and the build do)")
@pytest.mark.parametrize("page", _data_pages(), ids=lambda p: p.answer_id or p.module)
def test_every_claim_holds_on_the_stored_results(page):
    module = page.load()
    claims.check(module, module.values())


# ---------------------------------------------------------------------------------------------
# 2(d) over altered data.


@pytest.fixture
def sweep(monkeypatch):
    """The 2(d) page module with its caches cleared before and after (the test alters its data)."""
    from solutions.book.pages import csc413_2d

    def clear():
        csc413_2d.analysis.cache_clear()
        csc413_2d.edges.cache_clear()

    clear()
    yield csc413_2d
    monkeypatch.undo()
    clear()


@pytest.mark.slow  # several seconds: the full tier (make test-full, CI)
def test_2d_over_one_seed_per_batch_size_speaks_of_the_seed_range_not_of_a_test(sweep, monkeypatch):
    stored = sweep.run_names
    # one seed per batch size, but the default batch size keeps its seeds (the yardstick)
    monkeypatch.setattr(
        sweep,
        "run_names",
        lambda batch, learning_rate=None: (
            stored(batch, learning_rate)
            if batch == sweep.registry.RUNS[sweep.names.UNET].batch_size
            else stored(batch, learning_rate)[:1]
        ),
    )
    found = sweep.answer_values()
    a, _ = sweep.analysis()
    assert a.rule == sweep.ca.SEED_RANGE
    sentence = sweep.rule_sentence(a)
    assert "Some batch sizes have a single seed" in sentence and "Welch" not in sentence
    assert found["d2_seeds_label"] == "mean of 1–3 seeds"


@pytest.mark.slow  # a page rendered over altered data, seconds: the full tier (make test-full, CI)
def test_2d_with_the_extremes_swapped_fails_naming_the_sentence(sweep, monkeypatch):
    stored = sweep.results
    small, large = sweep.BATCH_SIZES[0], sweep.BATCH_SIZES[-1]

    def swapped(batch, learning_rate=None):
        if learning_rate is not None:  # the learning-rate-scaled runs stay as they are
            return stored(batch, learning_rate)
        other = {small: large, large: small}.get(batch, batch)
        runs = stored(other, learning_rate)
        return [dict(r, steps=stored(batch, learning_rate)[0]["steps"]) for r in runs]

    monkeypatch.setattr(sweep, "results", swapped)
    values = {**sweep.answer_values()}
    with pytest.raises(
        UnsupportedClaim, match="the smallest batch ends with lower training and validation loss than the largest"
    ):
        claims.check(sweep, _complete(sweep, values))


def _complete(module, values):
    """``values`` with every other key a claim reads set so that it holds (only the altered one fails)."""
    keys = {k for c in module.CLAIMS for k in c.keys}
    return {**{k: _Anything() for k in keys}, **values}


@dataclasses.dataclass
class _Anything:
    """Compares as the predicates of the other claims need (they are not under test here)."""

    def __lt__(self, other):
        return True

    def __gt__(self, other):
        return True

    def __le__(self, other):
        return True

    def __ge__(self, other):
        return True

    def __eq__(self, other):
        return True

    def __bool__(self):
        return True

    def __abs__(self):
        return 0

    def __mul__(self, other):
        return 0

    __rmul__ = __mul__
    __hash__ = object.__hash__
