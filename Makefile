# Two commands do all set-up on a fresh machine: `make dev` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := 3.13
# Python 3.13, as Lambda runs: from PATH, else from pyenv; override with `make PYTHON=/path/to/python3.13`.
# (A pyenv shim on PATH may exist without the version being active, so each candidate is tried.)
PYTHON ?= $(shell for p in $$(ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION).*/bin/python$(PYTHON_VERSION) 2>/dev/null | sort -V -r) $$(command -v python$(PYTHON_VERSION)); do "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null && echo "$$p" && break; done)
VENV := .venv
SAM_VENV := .venv-sam
BIN := $(VENV)/bin
export SAM_CLI_TELEMETRY := 0

.PHONY: dev test lint validate gate unit integration bench build clean help openapi

help:
	@echo "make dev       serve every API on localhost (moto in-process, no Docker, no AWS account)"
	@echo "make test      lint, validate the template, run every test"
	@echo "make gate      prove sam deploy would accept every template (SAM transform + cycles + cfn-lint + our rules)"
	@echo "make bench     print the performance figures (see docs/performance.md)"
	@echo "make openapi   regenerate docs/openapi/*.json from the code (a test fails when they drift)"
	@echo "make build     sam build (no Docker needed)"

$(VENV)/.installed: requirements-dev.txt requirements-gate.txt layers/shared/requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python $(PYTHON_VERSION) was not found on PATH or under ~/.pyenv/versions."; \
	  echo "Install it (for example: pyenv install $(PYTHON_VERSION)) or run: make PYTHON=/path/to/python$(PYTHON_VERSION) ..."; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-gate.txt
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python $(PYTHON_VERSION) was not found (see above)"; exit 1; fi
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet -r requirements-sam.txt
	touch $@

dev: $(VENV)/.installed
	$(BIN)/python -m local

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

validate: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/sam validate --lint

# The deployability gate (gate/, docs/deploy-gate.md): offline, a few seconds. Not yet part of
# `make test`: template.yaml does not pass it until the nested-stack restructure lands (issue 6).
gate: $(VENV)/.installed
	$(BIN)/python -m gate template.yaml

# The gate transforms every template as sam deploy would and fails on what CloudFormation would refuse.
test: lint validate gate
	$(BIN)/pytest

unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit

integration: $(VENV)/.installed
	$(BIN)/pytest tests/integration

openapi: $(VENV)/.installed
	$(BIN)/python -m local.openapi --all docs/openapi

bench: $(VENV)/.installed
	$(BIN)/python -m bench

# sam build looks for python3.13 on PATH (no Docker): put the one we found first.
build: $(SAM_VENV)/.installed
	PATH="$(dir $(PYTHON)):$$PATH" $(SAM_VENV)/bin/sam build

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .ruff_cache .hypothesis
