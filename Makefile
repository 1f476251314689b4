# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider --durations=15
FRESH := var/constraints-venv

.PHONY: install run test test-unit lint bench faults constraints clean

# The exact versions of constraints.txt; again whenever it or pyproject.toml changes.
$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(BIN)/hardship run

test: install
	bash tests/services.sh
	bash tests/in_two.sh $(PYTEST) $(PYTEST_ARGS)

# The unit layer only: no broker, no database server, under a minute.
test-unit: install
	$(PYTEST) tests/unit $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	bash tests/services.sh
	$(BIN)/python -m bench

faults: install
	$(BIN)/python -m faults

# After changing a dependency in pyproject.toml: every package pinned again, from a fresh virtualenv.
constraints:
	rm -rf $(FRESH)
	$(PYTHON) -m venv $(FRESH)
	$(FRESH)/bin/pip install --quiet --upgrade pip
	$(FRESH)/bin/pip install --quiet -e '.[test]'
	echo '# Every package `make install` installs, pinned. Made by `make constraints` (pip freeze of a fresh virtualenv).' > constraints.txt
	$(FRESH)/bin/pip freeze --all --exclude-editable >> constraints.txt
	rm -rf $(FRESH)

clean:
	rm -rf $(VENV) var
