# Every target honours COCKPIT_DATA_DIR (default ./data); the virtual environment is .venv.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SCALE ?= demo
# growth (tenth and half generated and built beside this run's build) only at full scale
BENCH_FULL_ONLY := ,growth
STAGES ?= generation,bare,build,daily,indicators,cockpit$(if $(filter full,$(SCALE)),$(BENCH_FULL_ONLY))
PORT ?= 8501
HOST ?= 127.0.0.1

export COCKPIT_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(COCKPIT_DATA_DIR)/dagster_home
export DAGSTER_DISABLE_TELEMETRY := 1
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

APT_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system-packages demo build generate cockpit dagster test lint bench docs clean

help:
	@echo "make demo     install, generate the demo scenario, build, serve the cockpit"
	@echo "make test     install and run the test suite"
	@echo "make build    generate the scenario if the landing zone is empty, build, publish"
	@echo "make cockpit  serve the cockpit on http://$(HOST):$(PORT)"
	@echo "make dagster  serve the Dagster UI on http://$(HOST):3000"
	@echo "make bench    time generation, bare load, build, daily run, indicators, cockpit (and growth at full) at SCALE=$(SCALE) (STAGES=...)"
	@echo "make docs     dbt docs and GX Data Docs, offline: \$$COCKPIT_DATA_DIR/docs/{dbt,quality}/index.html"
	@echo "make lint     ruff"
	@echo "Data directory: $(COCKPIT_DATA_DIR)"

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on CI machines)
# every process would otherwise compile the stack from source, ~3 s per pipeline command.
$(STAMP): requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --compile-bytecode -p $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install --quiet -p $(PY) --no-deps -e .
	touch $@

# Debian's chromium drives the browser tests; the CJK fonts render Chinese in screenshots.
system-packages:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

setup: $(STAMP) system-packages

generate: $(STAMP)
	$(PY) -m sources.simulator generate --scenario quzhou --scale $(SCALE) \
		--landing "$(COCKPIT_DATA_DIR)/landing"

build: $(STAMP)
	@if [ -z "$$(ls -A "$(COCKPIT_DATA_DIR)/landing" 2>/dev/null)" ]; then \
		$(MAKE) --no-print-directory generate; \
	fi
	$(PY) -m pipelines build

demo: setup build cockpit

cockpit: $(STAMP)
	@echo "Cockpit: http://$(HOST):$(PORT)  (data: $(COCKPIT_DATA_DIR)/warehouse/cockpit.duckdb)"
	$(PY) -m streamlit run cockpit/app.py --server.port $(PORT) --server.address $(HOST) \
		--server.headless true --browser.gatherUsageStats false

dagster: $(STAMP)
	@$(PY) -m pipelines.instance "$(DAGSTER_HOME)"
	$(VENV)/bin/dagster dev -w workspace.yaml -h $(HOST) -p 3000

test: setup
	$(PY) -m pytest

# One self-contained HTML page (manifest and catalogue inlined): opens from disk, no network;
# then GX's Data Docs from the suites' kept results, with CSS/JS vendored (docs/quality.md).
# The catalogue of columns comes from the built warehouse, so an empty data dir is built first.
docs: $(STAMP)
	@if [ ! -f "$(COCKPIT_DATA_DIR)/warehouse/build.duckdb" ]; then $(MAKE) --no-print-directory build; fi
	cd dbt_project && COCKPIT_BUILD_DB="$(COCKPIT_DATA_DIR)/warehouse/build.duckdb" \
		../$(VENV)/bin/dbt docs generate --static --quiet --target-path "$(COCKPIT_DATA_DIR)/docs/target"
	mkdir -p "$(COCKPIT_DATA_DIR)/docs/dbt"
	cp "$(COCKPIT_DATA_DIR)/docs/target/static_index.html" "$(COCKPIT_DATA_DIR)/docs/dbt/index.html"
	@echo "dbt docs: $(COCKPIT_DATA_DIR)/docs/dbt/index.html"
	$(PY) -m quality.data_docs --data-dir "$(COCKPIT_DATA_DIR)"

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) -m pipelines.bench --scale $(SCALE) --stages $(STAGES)

clean:
	rm -rf dbt_project/target dbt_project/logs .pytest_cache test-artifacts
