"""Sphinx extension: practice mode, a switch on every answer page and on the all-answers page.

HTML only. Each admonition titled "Answer" is marked ``answer-box``, each bottom line of the
all-answers page (a paragraph under a question's heading) ``practice-fold``, and a page with either
gets the switch under its title (hidden until ``assets/static/practice.js`` runs: without
JavaScript there is nothing to switch) and that script. The script keeps the setting in the
browser (localStorage, off by default); on, it folds each marked element behind a "Show the
answer" button and moves the page's checker boxes up under the question. The LaTeX builder sees
none of this: the PDF prints every answer as the HTML shows it with practice mode off.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from solutions.book.declarations import ANSWERS

SCRIPT = "practice.js"
ANSWER_TITLE = "Answer"
SWITCH = (
    '<div class="practice-switch" hidden>'
    '<label><input type="checkbox" role="switch" class="practice-toggle"> '
    "<strong>Practice mode</strong>: fold the answers; try the question, check your answer, "
    "then show it</label>"
    '<p class="practice-status" aria-live="polite"></p></div>'
)


def is_answer_box(node: nodes.Node) -> bool:
    """An admonition whose title is "Answer"."""
    return (
        isinstance(node, nodes.admonition)
        and len(node.children) > 0
        and isinstance(node[0], nodes.title)
        and node[0].astext().strip() == ANSWER_TITLE
    )


def _bottom_lines(doctree: nodes.document) -> list[nodes.paragraph]:
    """The all-answers page's bottom lines: the paragraphs of its third-level sections."""
    out = []
    for section in doctree.findall(nodes.section):
        depth = len([a for a in _ancestors(section) if isinstance(a, nodes.section)])
        if depth == 2:
            out += [p for p in section.children if isinstance(p, nodes.paragraph)]
    return out


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


def mark(doctree: nodes.document, docname: str) -> bool:
    """Mark the page's answers and put the switch under its title; whether it has any."""
    boxes = [n for n in doctree.findall(nodes.admonition) if is_answer_box(n)]
    for box in boxes:
        box["classes"].append("answer-box")
    lines = _bottom_lines(doctree) if docname == ANSWERS["answers"].docname else []
    for line in lines:
        line["classes"].append("practice-fold")
    if not (boxes or lines):
        return False
    top = next(doctree.findall(nodes.section), None)
    if top is None:
        return False
    at = 1 if top.children and isinstance(top[0], nodes.title) else 0
    top.insert(at, nodes.raw("", SWITCH, format="html"))
    return True


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format == "html":
        mark(doctree, docname)


def _page_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and any('class="practice-switch"' in n.astext() for n in doctree.findall(nodes.raw)):
        app.add_js_file(SCRIPT)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _page_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
