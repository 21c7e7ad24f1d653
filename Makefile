# One command per workflow. `make demo` and `make test` work on a fresh machine with only
# Python >= 3.11 and pip: they create .venv and install what they need, and on Debian the system
# packages too (scripts/system-deps, through apt-get: root or sudo).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOME_DIR ?= $(CURDIR)/.nq57

.PHONY: demo test test-fast test-slow test-spark lint bench dev docs clean install install-demo install-test \
	system-render system-test system-office

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "nq57 needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

# The demo generator is the `demo` extra: the product runs without it.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[demo]"
	@touch $@ $(VENV)/.installed

# The test extra includes the demo extra: the tests generate the demo inbox.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@ $(VENV)/.installed $(VENV)/.installed-demo

# The Spark engine (dbt-spark, PySpark) on top of the test extra; Java 17 comes from Debian.
$(VENV)/.installed-spark: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test,spark]"
	@touch $@ $(VENV)/.installed $(VENV)/.installed-demo $(VENV)/.installed-test

install: $(VENV)/.installed
install-demo: $(VENV)/.installed-demo
install-test: $(VENV)/.installed-test

# Debian packages beyond Python: WeasyPrint's Pango/HarfBuzz/fontconfig for the PDF, and for the
# tests Chromium and poppler-utils. Quiet and instant when they are all there.
system-render:
	@scripts/system-deps render
system-test:
	@scripts/system-deps test
# Headless LibreOffice Calc: the slow tests print the xlsx workbooks to PDF as an office would.
system-office:
	@scripts/system-deps office
# A Java 17 runtime for Spark.
system-java:
	@scripts/system-deps java

## demo: generate the demo inbox; publish 2025-Q4, 2026-Q1 and 2026-Q2 (HTML, PDF, XLSX)
demo: system-render install-demo
	NQ57_HOME=$(HOME_DIR) $(BIN)/nq57 demo

## test: run the test suite (includes an end-to-end run on generated demo data)
test: system-test install-test
	$(BIN)/pytest

## test-fast: the inner loop: every test that needs no demo inbox and no whole run
test-fast: install-test
	$(BIN)/pytest -m "not e2e and not slow and not spark"

## test-slow: long fault runs (SIGKILL at 22 points, two runs at once), workbooks printed; minutes
test-slow: system-test system-office install-test
	$(BIN)/pytest -m slow -s -n 0

## test-spark: build the demo on Apache Spark (local session) and check every table equals
##             the DuckDB build; installs the spark extra (and Java 17 on Debian); minutes
test-spark: system-java $(VENV)/.installed-spark
	$(BIN)/pytest -m spark -n 0

## lint: ruff on Python, sqlfluff on the dbt models
lint: install-test
	$(BIN)/ruff check .
	mkdir -p $(HOME_DIR)
	cd dbt && NQ57_HOME=$(HOME_DIR) ../$(BIN)/sqlfluff lint models

## bench: whole runs, header detection and a 50M-row dossier export, each against a baseline
##        measured in the same run; the last line is one JSON object (BENCH_DOSSIER_ROWS=N)
bench: install-test
	$(BIN)/python tests/bench_landing.py
	$(BIN)/python -m tests.bench

## dev: the Dagster UI on http://127.0.0.1:3000 over the same home
dev: install
	mkdir -p $(HOME_DIR)/dagster
	NQ57_HOME=$(HOME_DIR) $(BIN)/python -m dagster_project.lib.quality.dbt_manifest
	NQ57_HOME=$(HOME_DIR) DAGSTER_HOME=$(HOME_DIR)/dagster $(BIN)/dagster dev \
		-m dagster_project.definitions -h 127.0.0.1 -p 3000

## docs: regenerate docs/marts.md from the marts' dbt YAML (a test fails when it is stale)
docs: install
	$(BIN)/python scripts/mart_reference.py

clean:
	rm -rf $(HOME_DIR) dbt/target dbt/logs
