# Thi Đua — set-up and everyday commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/thidua_ci
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run demo test test-pg e2e lint format messages bench clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed  ## create .venv and install the project with its dev tools

demo: install  ## migrate the embedded SQLite database under var/ and load the demo data
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

run: demo  ## set up, then serve http://127.0.0.1:8000
	@echo "Thi Đua: http://$(HOST):$(PORT)/"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install  ## the whole suite on SQLite, with lint and migration checks
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

test-pg: install  ## the whole suite on PostgreSQL ($(PG_URL))
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

e2e: install  ## browser tests in Debian's Chromium (see .ci/run for installing it)
	$(BIN)/pytest e2e

lint: install  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install  ## refresh and compile the English translation
	$(BIN)/python manage.py makemessages -l en --ignore '.venv/*' --ignore 'e2e/*'
	$(BIN)/python manage.py compilemessages -l en --ignore '.venv/*'

bench: install  ## benchmarks (print their figures)
	@set -e; for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) var *.egg-info
