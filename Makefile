# The only commands a newcomer needs: `make demo` and `make test`. Both start from a bare clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
# A strict editable install (a link tree) lets mypy follow the mapped folders; a new module
# needs a re-install, so the stamp depends on the folders' listings as well as on pyproject.toml.
SOURCES := $(shell find aws constructs stacks blueprints cli rules testing terraform -type d -not -name __pycache__ 2>/dev/null)
STAMP   := $(VENV)/.installed
NODE    := node_modules/.installed
# checkov pins packaging<24 and boto3==1.35.49 (pytest and the Lambda client libraries need newer):
# it gets a venv of its own, installed from the pin in pyproject.toml's `checkov` extra.
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
EXAMPLES := $(sort $(wildcard blueprints/examples/*.yaml))

# jsii warns on every start that Node 20 is end-of-life; the machines ship Node 20.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: help install demo test lint typecheck unit bench clean

help:
	@echo "make demo   - set up, validate and synthesize the example blueprints"
	@echo "make test   - set up, lint, type-check and run the test suite"
	@echo "make bench  - run the benchmarks under bench/"

$(STAMP): pyproject.toml $(SOURCES)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check 'pip==25.3'
	$(PY) -m pip install --quiet --disable-pip-version-check \
		--config-settings editable_mode=strict -e '.[dev]'
	touch $@

$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_STAMP): pyproject.toml
	test -x $(CHECKOV_VENV)/bin/python || python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		$$(python3 -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["checkov"])')
	touch $@

install: $(STAMP) $(NODE)

# Validate every example, then synthesize each through the real CDK CLI (cdk.json → app.py).
# checkov's venv too, so that `edastack check` finds every gate's tool after a demo.
demo: install $(CHECKOV_STAMP)
	$(BIN)/edastack validate --summary $(EXAMPLES)
	@for f in $(EXAMPLES); do \
		name=$$(basename $$f .yaml); \
		echo "== cdk synth -c blueprint=$$f"; \
		npx --no-install cdk synth --quiet --no-notices -c blueprint=$$f -o cdk.out/$$name \
			|| exit 1; \
		$(BIN)/edastack stacks cdk.out/$$name || exit 1; \
	done
	@echo "== next, every trust gate on an example: $(BIN)/edastack check $(firstword $(EXAMPLES)) --env dev"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy -p edastack.aws -p edastack.blueprints -p edastack.constructs -p edastack.stacks \
		-p edastack.cli -p edastack.rules -p edastack.testing -p edastack.terraform
	@for handler in constructs/runtime/*/handler.py; do \
		MYPYPATH=constructs/runtime/shared $(BIN)/mypy --strict --no-incremental $$handler || exit 1; \
	done

unit: install $(CHECKOV_STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP) $(CHECKOV_STAMP)
	$(PY) bench/validate_bench.py
	$(PY) bench/synth_bench.py
	$(PY) bench/check_bench.py

clean:
	rm -rf $(VENV) node_modules build cdk.out .pytest_cache .mypy_cache .ruff_cache
