# The two set-up commands of the README: `make book` and `make test`.
# Each creates the virtual environment and installs the pinned dependencies if absent.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Strict build: every warning (failed cell, missing glue key, broken reference) fails it.
JB_FLAGS := -W -n --keep-going

.PHONY: book test test-full venv clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)

test: $(STAMP)
	$(PY) -m pytest

# The full tier: thousands of random architectures and conv configurations.
test-full: $(STAMP)
	SOLUTIONS_TEST_TIER=full $(PY) -m pytest

clean:
	rm -rf _build
