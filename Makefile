# Flaskr on Django. `make run` serves the blog, `make test` checks everything.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The Python that .python-version names (pyenv's shim where pyenv is used).
PYTHON ?= $(shell command -v python$$(cat .python-version) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=1
# The outside checkers of the pages, from npm, pinned exactly (tools/checkers.py finds them):
# the W3C's Nu HTML Checker and axe-core for the tests, Lighthouse for `make lighthouse`.
CHECKERS := .cache/checkers
CHECKER_PACKAGES := vnu-jar@26.9.27 axe-core@4.14.1
LIGHTHOUSE := .cache/lighthouse
LIGHTHOUSE_PACKAGE := lighthouse@12.2.3
NPM_INSTALL := npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error

.PHONY: help run test test-fast test-postgres deploy-check tutorial-check lighthouse bench bench-postgres bench-moving mutate format clean

help:  ## List the commands.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt requirements-dev.txt .python-version
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Without npm, the page checks skip (under CI they fail: tests/system/test_pages.py).
$(CHECKERS)/.installed: Makefile
	@command -v npm >/dev/null || { echo "npm is missing: the page checks will be skipped"; exit 0; } \
	  && $(NPM_INSTALL) --prefix $(CHECKERS) $(CHECKER_PACKAGES) && touch $@

$(LIGHTHOUSE)/.installed: Makefile
	$(NPM_INSTALL) --prefix $(LIGHTHOUSE) $(LIGHTHOUSE_PACKAGE)
	touch $@

run: $(BIN)/.installed  ## Serve the blog on http://127.0.0.1:8000 (debug on, SQLite, admin/admin).
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py dev_account
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(BIN)/.installed $(CHECKERS)/.installed  ## Lint, every test on SQLite (coverage >= 95%), the app's tests on PostgreSQL.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest --cov --cov-report=term
	$(MAKE) --no-print-directory test-postgres

test-fast: $(BIN)/.installed  ## The app's own tests alone (entries/tests, SQLite), in seconds.
	$(BIN)/pytest entries/tests -q

# The SQLite-only code (FTS5 search, the seed's index merging) does not run on PostgreSQL: the
# 95% bar is the SQLite run's, which runs every test; this one fails under 90%.
test-postgres: $(BIN)/.installed  ## The app's tests on PostgreSQL (FLASKR_POSTGRES_URL, or a throwaway server).
	$(BIN)/python -m tools.postgres -- $(BIN)/pytest entries/tests --cov --cov-report=term --cov-fail-under=90

deploy-check: $(BIN)/.installed  ## Rehearse a Heroku deploy here: build, release, web, main flows.
	$(BIN)/pytest tests/system/test_deploy.py -v

tutorial-check: $(BIN)/.installed  ## Follow docs/tutorial.md from an empty folder: each red and green as it says.
	$(BIN)/python scripts/tutorial_check.py

lighthouse: $(BIN)/.installed $(LIGHTHOUSE)/.installed  ## Lighthouse (mobile) on a production server's pages: the scores, or fail under 95.
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python scripts/lighthouse.py

bench: $(BIN)/.installed  ## Load-test the production server at 10 and 100,000 entries, SQLite (~9 min).
	command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python scripts/bench/run.py

bench-full: $(BIN)/.installed  ## make bench at 10, 100,000 and 1,000,000 entries (~25 min).
	BENCH_N=$${BENCH_N:-10,100000,1000000} $(MAKE) --no-print-directory bench

bench-postgres: $(BIN)/.installed  ## The same on PostgreSQL (BENCH_DATABASE_URL, or a throwaway server).
	$(BIN)/python -m tools.postgres --var BENCH_DATABASE_URL -- $(MAKE) --no-print-directory bench

bench-moving: $(BIN)/.installed  ## Time import_flaskr and export_entries at 1,000 and 100,000 entries, and their memory (~2 min).
	$(BIN)/python scripts/bench/moving.py

mutate: $(BIN)/.installed  ## Mutation testing (mutmut): survivors and the score, 90% or fail.
	rm -rf mutants
	$(BIN)/mutmut run --max-children $$(nproc)
	$(BIN)/python scripts/mutation_score.py

format: $(BIN)/.installed  ## Fix what ruff can fix.
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:  ## Remove the venv and generated files (keeps flaskr.db).
	rm -rf $(VENV) staticfiles .coverage .pytest_cache .ruff_cache .bench bench-results.json mutants .cache
