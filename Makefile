# The commands of the README: `make book`, `make test`, `make test-full`, `make pdf`, `make site`,
# and CI's `make ci-build`. Each creates the virtual environment and installs the pinned
# dependencies if absent.
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

# Offline math: MathJax 4 from npm (not committed), copied into an html_extra_path folder so the
# book loads no third-party resource. MathJax 4 breaks long formulas at + and = to fit the column
# (in-line and displayed). Its font (mathjax-newcm, a dependency of the npm package) is copied to
# mathjax/fonts/, where _config.yml's mathjax3_config points the loader (its default is a CDN);
# sre/ holds the speech rules that give each formula its spoken text.
MATHJAX_VERSION := 4.1.3
MATHJAX_NPM     := .cache/mathjax/node_modules/mathjax
MATHJAX_FONT    := .cache/mathjax/node_modules/@mathjax/mathjax-newcm-font
MATHJAX_DIR     := _extra/_static/mathjax
# The version stamp as the target: a new MATHJAX_VERSION installs again over an older copy.
MATHJAX         := $(MATHJAX_DIR)/.installed-$(MATHJAX_VERSION)

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

.PHONY: book pdf site check-tex print-tex-packages tex mathjax mathjs lint test test-full ci-build venv clean mutation

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
	rm -rf $(MATHJAX_DIR) && mkdir -p $(MATHJAX_DIR)/input/tex $(MATHJAX_DIR)/fonts/mathjax-newcm-font
	cp -r $(MATHJAX_NPM)/input/tex/extensions $(MATHJAX_DIR)/input/tex/   # what \require/autoload fetch
	cp -r $(MATHJAX_NPM)/a11y $(MATHJAX_NPM)/sre $(MATHJAX_NPM)/ui $(MATHJAX_DIR)/   # speech, explorer, menu
	cp -r $(MATHJAX_FONT)/chtml $(MATHJAX_FONT)/chtml.js $(MATHJAX_DIR)/fonts/mathjax-newcm-font/
	cp $(MATHJAX_NPM)/tex-mml-chtml.js $(MATHJAX_DIR)/
	touch $(MATHJAX)

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

# The TeX toolchain, installed with apt-get when `make check-tex` finds something missing (CI).
tex:
	@if ! $(MAKE) -s check-tex >/dev/null 2>&1; then \
	  sudo apt-get update -qq && \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	fi
	@$(MAKE) -s check-tex

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

# ruff's rules and mypy, as configured in pyproject.toml (mypy strict on solutions.answers).
lint: $(STAMP)
	$(VENV)/bin/ruff check src
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

# The fast tier: every test but those marked `slow` (real book builds, killed processes, the
# command line in a process of its own, tests of several seconds), in two pytest-xdist workers
# (each file's tests in one worker: what a file sets up once is set up once),
# with `make lint` beside them (its output follows the tests'); prints the 15 slowest tests.
# Fails if either fails.
test: $(STAMP)
	@log=$$(mktemp); $(MAKE) --no-print-directory lint > $$log 2>&1 & lint=$$!; \
	$(PY) -m pytest -m "not slow" -n 2 --dist loadfile --durations=15; tests=$$?; \
	wait $$lint; linted=$$?; cat $$log; rm -f $$log; \
	[ $$linted = 0 ] || echo "make test: lint failed"; \
	[ $$tests = 0 ] && [ $$linted = 0 ]

# The full tier: every test, the slow ones included, with thousands of random architectures and
# convolution configurations.
test-full: $(STAMP)
	SOLUTIONS_TEST_TIER=full $(PY) -m pytest --durations=15

# Mutation testing of the answer code (cosmic-ray, benchmarks/mutation/run.py): prints the
# score per module and overall; reports in benchmarks/mutation/. Slow (about an hour on two
# cores), so not part of `make test`: `make mutation MUTATION_MODULES="counting conv_shapes"`,
# MUTATION_FLAGS="--sample 0.1" for an estimate from a tenth of the mutants.
MUTATION_MODULES ?=
MUTATION_FLAGS ?=
mutation: $(STAMP)
	$(PY) benchmarks/mutation/run.py $(MUTATION_FLAGS) $(MUTATION_MODULES)

# CI's build, in the deploy workflow (.github/workflows/book.yml) and in .ci/run: the TeX
# toolchain, both test tiers, the site (HTML book and PDF), then the checks on what was built.
# pytest keeps no cache in CI.
ci-build: export PYTEST_ADDOPTS := $(PYTEST_ADDOPTS) -p no:cacheprovider
ci-build:
	$(MAKE) tex
	$(MAKE) test
	$(MAKE) test-full
	$(MAKE) site
	SOLUTIONS_REQUIRE_BUILT_BOOK=1 SOLUTIONS_REQUIRE_PDF=1 $(PY) -m pytest -q \
	  tests/test_built_book.py tests/test_pdf.py tests/test_pdf_layout.py

clean:
	rm -rf _build
