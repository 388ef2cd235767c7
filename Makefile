# The front door. A fresh machine needs only make and python3 (3.11).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
SIZE ?= 100000
TEST_PACKAGES := chromium epubcheck poppler-utils
PG_TEST_URL ?= $(or $(FANSHELF_TEST_POSTGRES),postgres://postgres@127.0.0.1:5432/fanshelf_test)

.PHONY: install run dev test test-deps check lint fmt bench migrate demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

install: $(INSTALLED)

migrate: install
	$(BIN)/fanshelf migrate --noinput -v0

# FANSHELF_DEMO=0 skips the demo archive (its accounts have a published password).
demo: migrate
	@if [ "$(FANSHELF_DEMO)" != "0" ]; then $(BIN)/fanshelf demo; fi

# The real thing: gunicorn with the app preloaded, DEBUG off, static files from whitenoise.
run: demo
	$(BIN)/fanshelf collectstatic --noinput -v0
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/fanshelf serve --bind $(HOST):$(PORT) --workers $(WORKERS)

dev: demo
	FANSHELF_DEBUG=1 $(BIN)/fanshelf runserver $(HOST):$(PORT)

# Debian packages the browser and EPUB tests drive; installed when missing and we are root.
test-deps:
	@if ! command -v chromium >/dev/null || ! command -v epubcheck >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_PACKAGES) >/dev/null; \
	  else echo "Missing test tools and this is not root: apt-get install $(TEST_PACKAGES)"; fi; \
	fi

# The whole suite on SQLite, then again on PostgreSQL when a server answers.
test: install test-deps
	$(BIN)/python -m tests.run_passes "$(PG_TEST_URL)"

lint:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy fanshelf tests bench

check: install lint test
	$(BIN)/fanshelf makemigrations --check --dry-run -v1

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run --size $(SIZE)
	$(BIN)/python bench/bench_epub.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python -m bench.bench_listing --size $(SIZE)
