# Quick start: `make demo` (set up and run the shipped example), `make test` (the whole suite).
# Installs the exact, hashed versions in requirements/*.lock (docs/install.md); `make upgrade` refreshes them.
# The first Python that actually runs (pyenv shims may exist without one behind them); PY=... overrides.
PY ?= $(shell for p in python3.11 python3.12 python3.13 python3.14 python3; do \
	$$p -c 'import sys' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCKS := requirements/build.lock requirements/test.lock
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: demo test install rules-test example clean fuzz upgrade test-latest python-check

python-check:
	@test -n "$(PY)" || { echo "错误：没有找到可运行的 Python 3。请安装 Python 3.12，或用 make PY=Python 的完整路径 demo" >&2; exit 1; }
	@$(PY) tools/check_python.py
	@$(PY) tools/check_python.py --venv $(VENV) || rm -rf $(VENV)

# The lock first (with --require-hashes), then duban itself without dependencies or build isolation,
# so nothing unpinned is fetched. A venv made by another Python, or half made, is rebuilt.
$(STAMP): pyproject.toml $(LOCKS) tools/check_python.py
	@$(MAKE) --no-print-directory python-check PY="$(PY)"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_QUIET) --require-hashes --no-build-isolation -r requirements/build.lock
	$(BIN)/python -m pip install $(PIP_QUIET) --require-hashes --no-build-isolation -r requirements/test.lock
	$(BIN)/python -m pip install $(PIP_QUIET) --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/duban demo

test: install
	$(BIN)/python -m pytest

# Refresh the locks on purpose (newest releases allowed by pyproject.toml and requirements/constraints.txt),
# for every platform and Python at once (uv's universal resolution); commit the result after `make test`.
upgrade: install
	$(BIN)/python -m pip install $(PIP_QUIET) uv
	$(BIN)/uv pip compile requirements/build.in --universal --python-version 3.11 --generate-hashes \
		--no-header --annotation-style line --upgrade -o requirements/build.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes \
		--no-header --annotation-style line --upgrade -c requirements/constraints.txt -o requirements/test.lock

# The suite against the newest releases pyproject.toml allows (no lock), in its own venv: drift shows here first.
test-latest:
	@$(MAKE) --no-print-directory python-check PY="$(PY)" VENV=.venv-latest
	rm -rf .venv-latest
	$(PY) -m venv .venv-latest
	.venv-latest/bin/python -m pip install $(PIP_QUIET) --upgrade pip setuptools wheel
	.venv-latest/bin/python -m pip install $(PIP_QUIET) --upgrade --upgrade-strategy eager -e '.[test]'
	.venv-latest/bin/python -m pip list --format=freeze
	.venv-latest/bin/python -m pytest -p no:cacheprovider

# Long fuzz run (≥ 10,000 generated cases, fresh random inputs each time; `make test` runs a quick fixed sample).
# Figures per target are printed by --hypothesis-show-statistics; see docs/reliability.md.
fuzz: install
	DUBAN_FUZZ=1 $(BIN)/python -m pytest tests/test_fuzz_yaml.py tests/test_fuzz_rules.py tests/test_fuzz_tables.py \
		tests/test_fuzz_extract.py tests/test_fuzz_check.py tests/test_fuzz_layouts.py -p no:cacheprovider --hypothesis-show-statistics --durations=20

rules-test: install
	$(BIN)/duban rules test

# Rebuild the shipped example workspace from the Word documents the office receives:
# the decomposition plan (leaders, cooperating units), then the Q3 progress report with its annexes.
FUL := tests/fixtures/fuling
example: install
	rm -rf facts/fuling-2023
	$(BIN)/duban import $(FUL)/fuling_2023_plan.docx --into facts/fuling-2023 --region 涪陵区 --year 2023
	$(BIN)/duban import $(FUL)/fuling_2023q3_report.docx --into facts/fuling-2023 --period 2023-09

clean:
	rm -rf $(VENV) .venv-latest reports_out/*/ .pytest_cache
