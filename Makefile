# The front door. A fresh machine needs only make and python3 (3.11).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
SIZE ?= 100000
# The commit bench_ab compares this checkout with, side by side (make bench AB_BASE=<commit>).
AB_BASE ?= HEAD~1
TEST_PACKAGES := chromium epubcheck poppler-utils calibre fonts-noto-cjk
# axe-core, which the browser test runs on every page it visits; npm installs it here (var/ is not committed).
AXE_DIR := var/test-tools
AXE_VERSION := 4.14.1
PG_TEST_URL ?= $(or $(FANSHELF_TEST_POSTGRES),postgres://postgres@127.0.0.1:5432/fanshelf_test)

.PHONY: install run dev test test-deps check lint fmt bench migrate demo pdf-fonts

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
run: demo pdf-fonts
	$(BIN)/fanshelf collectstatic --noinput -v0
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/fanshelf serve --bind $(HOST):$(PORT) --workers $(WORKERS)

dev: demo
	FANSHELF_DEBUG=1 $(BIN)/fanshelf runserver $(HOST):$(PORT)

# PDFs show Chinese, Japanese and Korean as boxes unless fontconfig finds a CJK font: install one when root,
# otherwise say how (docs/selfhost.md, "E-book formats and fonts").
pdf-fonts:
	@if ! fc-list :lang=ja 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then echo "Installing fonts-noto-cjk for PDF downloads"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; } \
	      || echo "WARNING: could not install fonts-noto-cjk: PDFs will show Chinese, Japanese and Korean as boxes"; \
	  else echo "WARNING: no CJK font found (fc-list :lang=ja): PDF downloads will show Chinese, Japanese and Korean as boxes. Install one: sudo apt-get install fonts-noto-cjk"; fi; \
	fi

# Debian packages the browser, EPUB, Kindle and PDF tests drive; installed when missing and we are root.
test-deps:
	@if ! command -v chromium >/dev/null || ! command -v epubcheck >/dev/null || ! command -v pdftotext >/dev/null \
	  || ! command -v ebook-convert >/dev/null || ! fc-list :lang=ja 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_PACKAGES) >/dev/null; \
	  else echo "Missing test tools and this is not root: apt-get install $(TEST_PACKAGES)"; fi; \
	fi
	@if [ ! -f $(AXE_DIR)/node_modules/axe-core/package.json ] || ! grep -q '"version": "$(AXE_VERSION)"' $(AXE_DIR)/node_modules/axe-core/package.json; then \
	  if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; fi; \
	  if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --prefix $(AXE_DIR) axe-core@$(AXE_VERSION); \
	  else echo "npm is missing: the browser test needs axe-core (apt-get install npm)"; fi; \
	fi

# The whole suite on SQLite, then again on PostgreSQL when a server answers.
test: install test-deps
	$(BIN)/python -m tests.run_passes "$(PG_TEST_URL)"

lint: install
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
	$(BIN)/python bench/bench_comments.py
	$(BIN)/python -m bench.bench_hits
	nice -n 10 $(BIN)/python -m bench.bench_work_page --size $(SIZE) --listings 100
	$(BIN)/python -m bench.bench_metrics
	$(BIN)/python -m bench.bench_pages --size $(SIZE)
	nice -n 10 $(BIN)/python -m bench.bench_stats_memo --size $(SIZE)
	$(BIN)/python -m bench.bench_traffic --size $(SIZE)
	$(BIN)/python -m bench.bench_ab --base $(AB_BASE) --size $(SIZE)
