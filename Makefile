# Quick start: `make demo` (set up and run the shipped example), `make test` (the whole suite).
PY ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install rules-test example clean fuzz

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/duban check facts/fuling-2023 --period 2023-09
	@echo "输出在 reports_out/fuling-2023/2023-09/（memo.docx 督查报告、ledger.xlsx 台账、dashboard.html、notices/ 督办通知单、result.json 等）"

test: install
	$(BIN)/python -m pytest

# Long fuzz run (≥ 10,000 generated cases, fresh random inputs each time; `make test` runs a quick fixed sample).
# Figures per target are printed by --hypothesis-show-statistics; see docs/reliability.md.
fuzz: install
	DUBAN_FUZZ=1 $(BIN)/python -m pytest tests/test_fuzz_yaml.py tests/test_fuzz_rules.py tests/test_fuzz_tables.py \
		tests/test_fuzz_extract.py tests/test_fuzz_check.py -p no:cacheprovider --hypothesis-show-statistics --durations=20

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
	rm -rf $(VENV) reports_out/*/ .pytest_cache
