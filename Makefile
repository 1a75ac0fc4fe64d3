# The set-up commands of the README: `make book`, `make test`, `make pdf` and `make site`.
# Each creates the virtual environment and installs the pinned dependencies if absent.
# Everything they read lies in the repository (data/, results/) or comes from PyPI and npm.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Two stamps: BOOK_STAMP, what `make book` and `make pdf` need (requirements-book.txt); STAMP,
# everything (requirements.txt: the book's packages and the development tools), for the rest.
BOOK_STAMP := $(VENV)/.installed-book
STAMP      := $(VENV)/.installed
# Strict build: every warning (failed cell, missing glue key, broken reference) fails it.
JB_FLAGS := -W -n --keep-going

# Offline math: MathJax 3 from npm (not committed), copied into an html_extra_path folder so the
# book loads no third-party resource. npm's default mathjax is 4.x, which fetches fonts from a CDN.
MATHJAX_VERSION := 3.2.2
MATHJAX_NPM     := .cache/mathjax/node_modules/mathjax/es5
MATHJAX_DIR     := _extra/_static/mathjax
MATHJAX         := $(MATHJAX_DIR)/tex-mml-chtml.js

# The answer checkers' parser: npm mathjs (not committed), only its minified browser bundle,
# copied beside MathJax (html_extra_path). Pinned: the widget relies on math.parse's node types.
MATHJS_VERSION := 15.2.0
MATHJS_NPM     := .cache/mathjs/node_modules/mathjs/lib/browser/math.js
MATHJS         := _extra/_static/mathjs/math.min.js

# The Debian packages the PDF needs (xelatex via Jupyter Book's LaTeX extension, latexmk,
# xindy for the index, FreeFont/TeX Gyre fonts, pdftotext for the PDF test).
TEX_PACKAGES := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
                texlive-xetex latexmk fonts-freefont-otf xindy tex-gyre poppler-utils
TEX_COMMANDS := xelatex latexmk xindy pdftotext
TEX_STYLES   := fontspec.sty polyglossia.sty unicode-math.sty fncychap.sty amsmath.sty booktabs.sty \
                tabulary.sty varwidth.sty framed.sty wrapfig.sty pgfplots.sty ellipse.sty \
                changepage.sty pict2e.sty mathrsfs.sty capt-of.sty needspace.sty upquote.sty titlesec.sty
PDF := _build/latex/book.pdf
# Where the site carries the PDF: every page's "Download PDF" link (solutions.book.publishing)
# points there.
SITE_PDF := _build/html/book.pdf

.PHONY: book pdf site check-tex print-tex-packages mathjax mathjs test test-full venv clean mutation

# --no-compile: byte-compiling every installed file took most of the install; precompile then
# compiles what a build imports (solutions.book.precompile).
$(BOOK_STAMP): requirements-book.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --no-compile -r requirements-book.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-compile --no-deps -e .
	$(PY) -m solutions.book.precompile
	touch $(BOOK_STAMP)

$(STAMP): requirements.txt $(BOOK_STAMP)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

$(MATHJAX):
	@command -v npm >/dev/null || { echo "npm is needed to install MathJax $(MATHJAX_VERSION) (Debian: apt-get install -y npm)"; exit 1; }
	mkdir -p .cache/mathjax
	npm install --prefix .cache/mathjax --no-save --no-package-lock --no-audit --no-fund -s mathjax@$(MATHJAX_VERSION)
	rm -rf $(MATHJAX_DIR) && mkdir -p $(MATHJAX_DIR)/output/chtml/fonts $(MATHJAX_DIR)/input/tex
	cp $(MATHJAX_NPM)/tex-mml-chtml.js $(MATHJAX_DIR)/
	cp -r $(MATHJAX_NPM)/output/chtml/fonts/woff-v2 $(MATHJAX_DIR)/output/chtml/fonts/
	cp -r $(MATHJAX_NPM)/input/tex/extensions $(MATHJAX_DIR)/input/tex/   # what \require/autoload fetch

mathjax: $(MATHJAX)

$(MATHJS):
	@command -v npm >/dev/null || { echo "npm is needed to install mathjs $(MATHJS_VERSION) (Debian: apt-get install -y npm)"; exit 1; }
	mkdir -p .cache/mathjs
	npm install --prefix .cache/mathjs --no-save --no-package-lock --no-audit --no-fund -s mathjs@$(MATHJS_VERSION)
	mkdir -p $(dir $(MATHJS))
	cp $(MATHJS_NPM) $(MATHJS)

mathjs: $(MATHJS)

book: $(BOOK_STAMP) $(MATHJAX) $(MATHJS)
	rm -f $(SITE_PDF)   # a PDF there is always that of the same build (make site)
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)

# Fails with the apt-get command to run when a TeX tool or style is missing.
check-tex:
	@missing=""; \
	for c in $(TEX_COMMANDS); do command -v $$c >/dev/null || missing="$$missing $$c"; done; \
	if command -v kpsewhich >/dev/null; then \
	  for s in $(TEX_STYLES); do test -n "$$(kpsewhich $$s)" || missing="$$missing $$s"; done; \
	else missing="$$missing kpsewhich"; fi; \
	fc-list : family 2>/dev/null | grep -q FreeSerif || missing="$$missing FreeSerif-font"; \
	if [ -n "$$missing" ]; then \
	  echo "make pdf: missing$$missing"; \
	  echo "install the TeX toolchain (Debian/Ubuntu, about 430 MB):"; \
	  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $(TEX_PACKAGES)"; \
	  exit 1; fi

print-tex-packages:
	@echo $(TEX_PACKAGES)

# The whole book as one PDF (Jupyter Book's LaTeX builder, xelatex): _build/latex/book.pdf.
# LaTeX does not fail on undefined references, so the log is checked.
pdf: $(BOOK_STAMP) $(MATHJAX) $(MATHJS) check-tex   # MathJax: html_extra_path must exist in every build
	$(VENV)/bin/jupyter-book build . --builder pdflatex $(JB_FLAGS)
	@test -s $(PDF) || { echo "no PDF at $(PDF)"; exit 1; }
	@! grep -nE "undefined references|Reference .* undefined|Citation .* undefined|There were undefined" _build/latex/book.log \
	  || { echo "undefined references or citations in _build/latex/book.log"; exit 1; }
	@echo "PDF: $(PDF)"

# What the deploy workflow publishes: the HTML book with the PDF of the same build beside it.
site:
	$(MAKE) book
	$(MAKE) pdf
	cp $(PDF) $(SITE_PDF)
	@echo "site: _build/html, with the PDF at $(SITE_PDF)"

test: $(STAMP)
	$(PY) -m pytest

# The full tier: thousands of random architectures and conv configurations.
test-full: $(STAMP)
	SOLUTIONS_TEST_TIER=full $(PY) -m pytest

# Mutation testing of the answer code (cosmic-ray, benchmarks/mutation/run.py): prints the
# score per module and overall; reports in benchmarks/mutation/. Slow (about an hour on two
# cores), so not part of `make test`: `make mutation MUTATION_MODULES="counting conv_shapes"`,
# MUTATION_FLAGS="--sample 0.1" for an estimate from a tenth of the mutants.
MUTATION_MODULES ?=
MUTATION_FLAGS ?=
mutation: $(STAMP)
	$(PY) benchmarks/mutation/run.py $(MUTATION_FLAGS) $(MUTATION_MODULES)

clean:
	rm -rf _build
