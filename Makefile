# Two commands for a newcomer: `make demo` and `make test`. Both install into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
STAGE  ?= dev
REGION ?= eu-west-1

.PHONY: install demo serve test screenshots test-clock lint format package check bench deploy-infra deploy clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: install ## the whole pipeline on moto: alerts on screen, digest in out/
	$(BIN)/python -m demo

serve: install ## the API on a moto stack seeded with the demo's morning: open the printed board link
	$(BIN)/python -m devstack.serve $(SERVE_ARGS)

test: install ## lint, types, layers + every test (unit, functional on moto, conformance on ../shared/realdata)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

screenshots: install ## the browser tests, writing their 390 px screenshots into docs/
	DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser

test-clock: install ## the suite with the machine's clock a year ahead, then a year back (faketime)
	@command -v faketime >/dev/null || { echo "faketime is missing: apt-get install faketime"; exit 1; }
	@# SUITE_UNDER_FAKETIME: moto's SQS long poll becomes a short one (tests/conftest.py)
	SUITE_UNDER_FAKETIME=1 faketime -f '+365d' $(BIN)/python -m pytest
	SUITE_UNDER_FAKETIME=1 faketime -f '-365d' $(BIN)/python -m pytest

check: install ## deployability (also part of `make test`): chalice package offline, cfn-lint, name limits, lazy imports
	$(BIN)/python -m pytest tests/deploy

bench: install ## the five cost figures (README "Performance and cost"); BENCH_ARGS=--json for one JSON line
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

lint: install ## ruff, mypy (strict) and the import layers (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

package: install ## the Lambda deployment package, offline (no credentials needed)
	rm -rf build/package
	AWS_DEFAULT_REGION=$(REGION) $(BIN)/chalice package --stage $(STAGE) build/package

deploy-infra: install ## once per stage: tables, queues, topic, secret
	aws cloudformation deploy --region $(REGION) --stack-name social-listening-$(STAGE) \
		--template-file infra/template.yaml --parameter-overrides Stage=$(STAGE)

deploy: install ## the Lambda functions, API and schedules of a stage
	$(BIN)/chalice deploy --stage $(STAGE)
	$(BIN)/python -m infra.public_url $(STAGE) "$$($(BIN)/chalice url --stage $(STAGE))" \
		|| { test $$? -eq 3 && $(BIN)/chalice deploy --stage $(STAGE); }

clean:
	rm -rf build out .pytest_cache .ruff_cache
