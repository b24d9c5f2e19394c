# The two commands: `make run` and `make test`. Everything else is here to serve them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench browser screenshots embeddings clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("newsdesk needs Python 3.11+") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## browser: Debian's chromium for the end-to-end tests (Playwright drives it; it never
## downloads a browser of its own). Installed when running as root, else a note is printed.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
	  echo "note: /usr/bin/chromium is missing; the browser tests will skip." \
	       "Install it with: sudo apt-get install chromium"; \
	fi

## embeddings: the optional sentence-embedding extra for story clustering (PyTorch, CPU
## build: torch==2.13.0 is installed on its own first so pip never picks a CUDA build).
## Not needed by `make run` or `make test` (the tests that use the model skip without it).
embeddings: $(STAMP)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,embeddings]'

## run: set up .venv and start newsdesk (scheduler + pipeline + web on http://127.0.0.1:8000)
run: $(STAMP)
	$(BIN)/newsdesk run

## test: set up .venv, lint, type-check and run every test
test: $(STAMP) browser lint typecheck
	$(BIN)/pytest -q -ra

lint: $(STAMP)
	$(BIN)/ruff check newsdesk tests bench
	$(BIN)/ruff format --check newsdesk tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

## screenshots: refresh docs/screenshots from the browser tests
screenshots: $(STAMP) browser
	NEWSDESK_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest -q tests/e2e/web

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
