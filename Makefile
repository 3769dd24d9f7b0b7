# Duban: `make demo` and `make test` work on a fresh machine; both create .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck pytest i18n migrations bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/duban demo

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext -o locales/duban.pot --no-location --sort-output --project duban -w 100 .
	$(BIN)/python scripts/i18n.py cli
	$(BIN)/pybabel update -i locales/duban.pot -d locales -D duban -w 100 --no-fuzzy-matching
	$(BIN)/python scripts/i18n.py fill
	$(BIN)/python scripts/i18n.py check

migrations: $(STAMP)
	$(BIN)/python scripts/makemigrations.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet 'python-telegram-bot[rate-limiter]'  # the comparison only
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-output
