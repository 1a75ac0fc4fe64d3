"""Typed sentences about results, each guarded by a predicate on the stored data.

A page states most results through glued values and glued words (``higher``,
``within the noise``), computed from the stored runs. A sentence whose words stay
typed in the page — "both losses end lower", "the UNet under-uses vivid colours
more than the CNN" — is registered here instead: its page module lists it in
``CLAIMS`` as a :class:`Claim`, an *anchor* (words that occur once in the page's
source) and a predicate over the page's values. Every build checks both:

* :func:`check` (called by :func:`solutions.book.render.glue_page` in the page's
  hidden cell, so it runs whenever the page executes, and the page executes
  whenever the stored results it reads change) evaluates each predicate on the
  values the page glues, and raises :class:`UnsupportedClaim` — which fails the
  strict build — naming the sentence and the values it rests on;
* the Sphinx hook of this module (listed in ``_config.yml``) checks, for every
  page it reads, that each registered anchor occurs exactly once in the page's
  source, so a reworded sentence cannot leave its guard behind.

The predicate's parameters are glue keys: ``Claim("both losses end lower",
lambda d2_small_loss, d2_large_loss: d2_small_loss < d2_large_loss)`` reads
those two values, and an error message prints them.

>>> c = Claim("ends lower", lambda small, large: small < large)
>>> c.keys
('small', 'large')
>>> c.holds({"small": 1.2, "large": 1.5, "other": 0})
True
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

_GLUE = re.compile(r"\{glue(?::\w+)?\}`([\w.-]+?)(?::[^`]*)?`")
_ROLE = re.compile(r"\{(?:term|doc|ref|cite|cite:\w+)\}`([^`<]*?)(?:\s*<[^`>]*>)?`")


class UnsupportedClaim(RuntimeError):
    """A typed sentence whose predicate is false on the stored data (the build fails)."""


class MissingClaim(RuntimeError):
    """A registered sentence whose anchor is not in its page exactly once."""


@dataclass(frozen=True)
class Claim:
    """A typed sentence of a page and the predicate on the page's values that makes it true."""

    anchor: str  # words of the sentence, found once in the page
    predicate: Callable[..., bool]  # parameters: glue keys of the page's values
    keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.anchor, str) or len(self.anchor.strip()) < 4:
            raise ValueError(f"anchor must be words of the sentence, got {self.anchor!r}")
        if not callable(self.predicate):
            raise ValueError(f"predicate must be callable, got {self.predicate!r}")
        params = inspect.signature(self.predicate).parameters.values()
        keys = tuple(p.name for p in params)
        if not keys or any(p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params):
            raise ValueError("predicate must take glue keys as named parameters")
        object.__setattr__(self, "keys", keys)

    def holds(self, values: Mapping[str, object]) -> bool:
        missing = [k for k in self.keys if k not in values]
        if missing:
            raise ValueError(f"the claim {self.anchor!r} reads keys the page does not define: {missing}")
        return bool(self.predicate(**{k: values[k] for k in self.keys}))


def sentence(source: str, anchor: str) -> str:
    """The sentence of ``source`` that holds ``anchor``, glue roles shown as ``{key}``.

    >>> sentence("One. Both end {glue:text}`d2_x:.3f` lower than the rest. Two.", "end")
    'Both end {d2_x} lower than the rest.'
    """
    source, anchor = _flat(source), _flat(anchor)
    at = source.index(anchor)
    start = max(source.rfind(". ", 0, at), source.rfind("\n\n", 0, at))
    start = 0 if start < 0 else start + 2
    end = source.find(". ", at + len(anchor))
    para = source.find("\n\n", at + len(anchor))
    end = min(end + 1 if end >= 0 else len(source), para if para >= 0 else len(source))
    text = _GLUE.sub(lambda m: "{" + m.group(1) + "}", source[start:end])
    return re.sub(r"[ \t\n]+", " ", _ROLE.sub(r"\1", text)).strip()


def _flat(text: str) -> str:
    """Line breaks inside a paragraph as spaces (a paragraph break stays one)."""
    paragraphs = re.split(r"\n[ \t]*\n\s*", text)
    return "\n\n".join(re.sub(r"[ \t]*\n[ \t]*", " ", p) for p in paragraphs)


def page_source(module: ModuleType) -> tuple[str, str]:
    """(file, text) of the page whose values ``module`` gives (from the declarations)."""
    from solutions.book.declarations import BY_MODULE

    page = BY_MODULE[module.__name__.rsplit(".", 1)[-1]]
    root = Path(__file__).resolve().parents[3]  # src/solutions/book/ → repository
    return page.file, (root / page.file).read_text(encoding="utf-8")


def find_anchors(claims: Iterable[Claim], source: str, where: str) -> None:
    """Each claim's anchor must occur exactly once in ``source``; else :class:`MissingClaim`."""
    flat = _flat(source)
    for c in claims:
        n = flat.count(_flat(c.anchor))
        if n != 1:
            raise MissingClaim(
                f"{where}: the guarded sentence anchored on {c.anchor!r} occurs {n} times "
                "in the page (it must occur once: reword the anchor in the page module's "
                "CLAIMS with the sentence)"
            )


def check(module: ModuleType, values: Mapping[str, object]) -> int:
    """Evaluate every claim of ``module.CLAIMS`` on ``values``; the number checked.

    Raises :class:`UnsupportedClaim` for the first claim whose predicate is false, naming the
    sentence and the values it reads.
    """
    claims = getattr(module, "CLAIMS", ())
    if not claims:
        return 0
    where, source = page_source(module)
    find_anchors(claims, source, where)
    for c in claims:
        if not c.holds(values):
            data = ", ".join(f"{k} = {values[k]!r}" for k in c.keys)
            raise UnsupportedClaim(
                f"{where}: the stored results do not support the sentence "
                f"“{sentence(source, c.anchor)}” (it needs {_describe(c)}; {data})"
            )
    return len(claims)


def _describe(c: Claim) -> str:
    try:
        src = inspect.getsource(c.predicate).strip()
    except (OSError, TypeError):
        return "its predicate"
    m = re.search(r"lambda[^:]*:\s*(.*?)\)?,?\s*$", src, re.S)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else "its predicate"


# ---------------------------------------------------------------------------------------------
# Which typed sentences need a guard: those that compare glued results in words of their own.

# Words that state a direction or a comparison: next to a glued value, typed, they are a claim.
DIRECTION = re.compile(
    r"\b(higher|lower|more|less|fewer|larger|smaller|bigger|better|worse|above|below|within|beyond|"
    r"exceeds?|exceeding|rises?|rising|rose|falls?|falling|fell|grows?|growing|drops?|increases?|"
    r"decreases?|unchanged|faster|slower|greater|largest|smallest|highest|lowest|best|worst|most|"
    r"least|mostly)\b",
    re.I,
)
_FENCE = re.compile(r"^\s*(`{3,}|:{3,})")


def prose(source: str) -> str:
    r"""The typed prose of a MyST page: code cells, glued blocks, directive options and tables out;
    the text of admonitions (Answer, Pitfall) and of figure captions in.

    >>> print(prose("Text.\n```{code-cell} ipython3\nx = 1\n```\n:::{admonition} A\n:class: tip\n\nIn.\n:::"))
    Text.
    <BLANKLINE>
    <BLANKLINE>
    <BLANKLINE>
    In.
    <BLANKLINE>
    """
    out: list[str] = []
    fence: str | None = None
    typed = True  # whether the open fence holds typed text
    for line in source.splitlines():
        m = _FENCE.match(line)
        stripped = line.strip()
        if fence is not None:
            if m and stripped.rstrip(fence[0]) == "" and len(stripped) >= len(fence):
                fence = None
                out.append("")
            elif typed and not stripped.startswith(":"):
                out.append(line)  # an admonition's text, a figure's caption
            continue
        if m:
            fence = m.group(1)
            typed = not ("{code-cell}" in stripped or re.search(r"\{glue(:\w+)?\}\s", stripped))
            out.append("")
            continue
        out.append("" if stripped.startswith(("#", "|", "---")) else line)
    return "\n".join(out)


def result_sentences(source: str) -> list[str]:
    """The typed sentences of a page that hold a glued value and a direction word outside it."""
    found = []
    for para in re.split(r"\n[ \t]*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", prose(source)):
        para = re.sub(r"\s+", " ", para).strip()
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(*{$])", para):
            if _GLUE.search(s) and DIRECTION.search(_GLUE.sub(" ", s)):
                found.append(s)
    return found


def unguarded(module: ModuleType) -> list[str]:
    """The result sentences of ``module``'s page that no claim covers, nor a ``DEFINITIONS`` anchor
    (a typed sentence whose direction words define what a glued number is — "the largest rise,
    {x}, is at batch {y}" with both computed — or state a method, not a finding)."""
    _, source = page_source(module)
    anchors = [_flat(c.anchor) for c in getattr(module, "CLAIMS", ())]
    anchors += [_flat(a) for a in getattr(module, "DEFINITIONS", ())]
    return [s for s in result_sentences(source) if not any(a in s for a in anchors)]


# ---------------------------------------------------------------------------------------------
# Sphinx: every registered anchor is in its page once, on every build that reads the page.


def _source_read(app, docname: str, source: list[str]) -> None:
    from solutions.book.declarations import PAGES

    page = next((p for p in PAGES if p.docname == docname and p.module), None)
    if page is None:
        return
    claims = getattr(page.load(), "CLAIMS", ())
    find_anchors(claims, source[0], page.file)


def setup(app) -> dict[str, object]:
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
