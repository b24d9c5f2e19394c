# The two commands: `make run` and `make test`. Everything else is here to serve them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("newsdesk needs Python 3.11+") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## run: set up .venv and start newsdesk (scheduler + pipeline + web on http://127.0.0.1:8000)
run: $(STAMP)
	$(BIN)/newsdesk run

## test: set up .venv, lint, type-check and run every test
test: $(STAMP) lint typecheck
	$(BIN)/pytest -q -ra

lint: $(STAMP)
	$(BIN)/ruff check newsdesk tests bench
	$(BIN)/ruff format --check newsdesk tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
