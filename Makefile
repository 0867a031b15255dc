# Two commands for a newcomer: `make demo` and `make test`. Both install into .venv first.
# Python 3.13: Chalice deploys with the runtime of the Python that runs it, and Lambda's
# python3.13 runtime is supported to 2029-06-30. PYTHON=/path/to/python3.13 to choose one.
PYTHON ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13 /usr/local/bin/python3.13 /usr/bin/python3.13; do "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null && { command -v "$$p" || echo "$$p"; } && break; done)
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements-dev.lock
STAMP  := $(VENV)/.installed-$(shell cat $(LOCK) | cksum | cut -d' ' -f1)
# the suite runs on every core (pytest-xdist); JOBS=1 for one process
JOBS   ?= auto
STAGE  ?= dev
REGION ?= eu-west-1

.PHONY: install lock messages axe demo serve test preflight screenshots test-clock lint format package check bench bench-suite deploy-infra deploy clean

$(STAMP): $(LOCK)
	@test -n "$(PYTHON)" || { echo "make: no Python 3.13 found; install one (pyenv install 3.13, or apt-get install python3.13) or pass PYTHON=/path/to/python3.13"; exit 1; }
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

lock: ## resolve requirements.txt + requirements-dev.in into requirements-dev.lock (pins and hashes)
	$(BIN)/python -m pip install --quiet pip-tools==7.7.0
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) requirements-dev.in

CATALOGUES := chalicelib/i18n/locales
# axe-core for the browser tests' accessibility check: the version pinned (with its
# integrity hash) in tests/browser/axe/package-lock.json, installed by npm ci
AXE_DIR := tests/browser/axe
AXE     := $(AXE_DIR)/node_modules/axe-core/axe.min.js

$(AXE): $(AXE_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing (apt-get install -y npm) for axe-core"; exit 1; }
	npm ci --prefix $(AXE_DIR) --no-audit --no-fund --silent
	touch $(AXE)

axe: $(AXE) ## axe-core (npm, pinned) for the browser tests' accessibility check

messages: install ## the message catalogues: extract the marked words into nl/en .po, compile the .mo files
	mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output \
		-k N_ -k _ -k n_:1,2 -o build/messages.pot .
	for code in nl en; do \
		test -f $(CATALOGUES)/$$code/LC_MESSAGES/messages.po \
		|| $(BIN)/pybabel -q init -l $$code -i build/messages.pot -d $(CATALOGUES); \
	done
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete \
		-i build/messages.pot -d $(CATALOGUES)
	$(BIN)/pybabel -q compile -d $(CATALOGUES)

demo: install ## the whole pipeline on moto: alerts on screen, digest in out/
	$(BIN)/python -m demo

serve: install ## the API on a moto stack seeded with the demo's morning: open the printed board link
	$(BIN)/python -m devstack.serve $(SERVE_ARGS)

test: install axe preflight ## lint, types, layers + every test (unit, functional on moto, conformance, browser, deploy)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n $(JOBS)

preflight: install ## what `make test` can run on this machine, and what it would skip (and how to get it)
	@$(BIN)/python -m tests.preflight

screenshots: install axe ## the browser tests, writing their 390 px screenshots (both languages, light and dark) into docs/
	DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser

test-clock: install axe ## the suite with the machine's clock a year ahead, then a year back (faketime)
	@command -v faketime >/dev/null || { echo "faketime is missing: apt-get install faketime"; exit 1; }
	faketime -f '+365d' $(BIN)/python -m pytest -n $(JOBS)
	faketime -f '-365d' $(BIN)/python -m pytest -n $(JOBS)

check: install ## deployability (also part of `make test`): chalice package offline, cfn-lint, name limits, lazy imports
	$(BIN)/python -m pytest tests/deploy

bench-suite: install ## the suite's wall time, its 20 slowest tests and the count of tests
	$(BIN)/python benchmarks/suite_time.py $(BENCH_ARGS)

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
	$(BIN)/python -m infra.bytecode
	AWS_DEFAULT_REGION=$(REGION) $(BIN)/chalice package --stage $(STAGE) build/package

deploy-infra: install ## once per stage: tables, queues, topic, secret
	aws cloudformation deploy --region $(REGION) --stack-name social-listening-$(STAGE) \
		--template-file infra/template.yaml --parameter-overrides Stage=$(STAGE)

deploy: install ## the Lambda functions, API and schedules of a stage
	$(BIN)/python -m infra.bytecode
	$(BIN)/chalice deploy --stage $(STAGE)
	$(BIN)/python -m infra.public_url $(STAGE) "$$($(BIN)/chalice url --stage $(STAGE))" \
		|| { test $$? -eq 3 && $(BIN)/chalice deploy --stage $(STAGE); }

clean:
	rm -rf build out vendor .pytest_cache .ruff_cache
