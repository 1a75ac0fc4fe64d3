"""Publishing hooks: a Sphinx extension (``solutions.book.publishing`` in ``_config.yml``).

* **Download PDF.** Every HTML page gets a "Download PDF" link in its article header (the row of
  buttons above the text, shown in the desktop and the mobile layout alike). It points to
  ``book.pdf`` in the root of the HTML output, relative to the page, where ``make site`` (and so
  the deploy workflow) copies the PDF of the same build (``_build/latex/book.pdf``). A plain
  ``make book`` has the link too; it resolves once ``make site`` has put the PDF there.
* **Commit on the title page.** The PDF's title page names the commit it was built from
  (``git rev-parse --short HEAD``; "+ uncommitted changes" when ``git status --porcelain`` lists
  anything, "an unknown commit" outside a git checkout). It is set as Sphinx's LaTeX
  ``\\releaseinfo`` (printed under the title by the ``sphinxmanual`` class that Jupyter Book's
  LaTeX class loads), through ``latex_elements["preamble"]``, which no HTML page depends on.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

PDF_NAME = "book.pdf"  # at the root of the HTML output (see `make site`)
LINK_LABEL = "book-pdf-button"  # the link's CSS class is btn-<label>


def commit_description(root: str | os.PathLike[str]) -> str:
    """The commit a build of the checkout ``root`` comes from, in words.

    ``"1a2b3c4"``, ``"1a2b3c4 + uncommitted changes"``, else (no git, not a checkout)
    ``$GITHUB_SHA``'s first 7 digits when set, else ``"an unknown commit"``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as empty:
    ...     commit_description(empty) in {"an unknown commit", os.environ.get("GITHUB_SHA", "")[:7]}
    True
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=60
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain") != ""
    except (OSError, subprocess.SubprocessError):
        return os.environ.get("GITHUB_SHA", "")[:7] or "an unknown commit"
    return f"{commit} + uncommitted changes" if dirty else commit


def title_page_line(description: str) -> str:
    """The LaTeX line under the title.

    >>> title_page_line("1a2b3c4")
    'Built from commit 1a2b3c4'
    >>> title_page_line("an unknown commit")
    'Built from an unknown commit'
    """
    return f"Built from {description}" if description.startswith("an ") else f"Built from commit {description}"


def add_commit_to_title_page(app: Any, config: Any) -> None:
    """``config-inited``: put the commit under the title of the PDF's title page."""
    # A short hash and plain words: nothing LaTeX would read as a command.
    line = re.sub(r"[^0-9A-Za-z +.-]", "", title_page_line(commit_description(app.srcdir)))
    elements = dict(config.latex_elements or {})
    elements["preamble"] = (
        elements.get("preamble", "") + "\n% the commit this PDF was built from (solutions.book.publishing)\n"
        f"\\setreleaseinfo{{{line}}}\n"
    )
    config.latex_elements = elements


def pdf_link(pathto: Any) -> dict[str, str]:
    """The header button (sphinx-book-theme's format) linking to the site's ``book.pdf``."""
    return {
        "type": "link",
        "url": pathto(PDF_NAME, 1),
        "text": "Download PDF",
        "tooltip": "The whole book as one PDF (built with these pages)",
        "icon": "fas fa-file-pdf",
        "label": LINK_LABEL,
        "classes": "fs-6 text-nowrap",
    }  # Bootstrap utilities: body-size text, one line


def add_pdf_link(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context``, after sphinx-book-theme has listed its header buttons: prepend
    the PDF link (pages of another theme, which has no such list, are left as they are)."""
    buttons = context.get("header_buttons")
    if isinstance(buttons, list) and "pathto" in context:
        buttons.insert(0, pdf_link(context["pathto"]))


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", add_commit_to_title_page)
    # sphinx-book-theme fills context["header_buttons"] at priority 501.
    app.connect("html-page-context", add_pdf_link, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
