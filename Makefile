# Two commands: `make demo` (set up, then check and build the flagship example)
# and `make test` (the whole test suite). Both create the virtualenv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE ?= examples/starlink-gen1.orb

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask,lsp,report]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/orbc check $(EXAMPLE)
	$(BIN)/orbc build $(EXAMPLE) -o out/demo
	@echo "artifacts in out/demo (see out/demo/manifest.json)"

test: $(VENV)/.installed
	$(BIN)/python -m pytest tests

lint: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
