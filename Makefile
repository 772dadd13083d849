# Mend: `make demo` runs it on a fresh machine, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PIP = $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint audit lock format install install-production serve clean

# Development and CI: Mend (editable) and the test tools, every file checked against its hash.
$(STAMP): requirements/test.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements/test.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# A server: Mend and what it runs on, no test tools (`make install-production VENV=/srv/mend/venv`).
install-production:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements/production.lock
	$(PIP) --no-deps --no-build-isolation .

# Rewrite both lock files from pyproject.toml (after changing a dependency there).
lock:
	$(PYTHON) bin/lock.py

# Known vulnerabilities in the locked packages (requirements/audit-ignore.txt for exceptions).
audit: $(STAMP)
	$(BIN)/python bin/audit.py

demo: $(STAMP)
	$(BIN)/mend demo

serve: $(STAMP)
	$(BIN)/mend serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
