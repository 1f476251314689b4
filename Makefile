# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint bench faults clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(BIN)/hardship run

test: install
	bash tests/services.sh
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	bash tests/services.sh
	$(BIN)/python -m bench

faults: install
	$(BIN)/python -m faults

clean:
	rm -rf $(VENV) var
