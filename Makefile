# Cổng Chỉ số CCHC — every target sets itself up on a fresh machine (virtual environment, dependencies,
# translations); `make test` also installs Debian's Chromium and the ClamAV daemon when they are missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := app.py
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test bench translations browser extract guide

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check ".[test]"
	touch $(STAMP)

portal/translations/en/LC_MESSAGES/messages.mo: portal/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations -D messages >/dev/null

translations: portal/translations/en/LC_MESSAGES/messages.mo

setup: $(STAMP) translations

# The development server runs the app as a gunicorn worker does (portal.gc_tuning.tuned_app: templates
# compiled, start-up heap frozen, deliberate GC thresholds); FLASK_DEBUG=1 make run keeps the reloader.
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo "Cổng Chỉ số CCHC: http://127.0.0.1:5000"
	$(BIN)/flask --app 'portal.gc_tuning:tuned_app()' run --host 127.0.0.1 --port 5000 --with-threads

browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing Chromium and fonts from Debian packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium fonts-dejavu-core poppler-utils >/dev/null; \
	fi
	@if ! command -v clamd >/dev/null 2>&1 && [ ! -x /usr/sbin/clamd ]; then \
	  echo "Installing the ClamAV daemon (the upload virus-scan test starts its own, with a test signature)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    clamav-daemon >/dev/null || echo "clamav-daemon could not be installed: its test will be skipped"; \
	fi

# The suite runs in parallel, one worker per CPU (PYTEST_JOBS=0 runs it in this process). Each test module
# goes whole to one worker (--dist loadscope), so a module's seeded world (the route and visibility matrices
# build theirs once per module) is never built twice.
PYTEST_JOBS ?= auto

test: setup browser
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist loadscope $(PYTEST_ARGS)

# Every benchmark in sequence and a summary (bench/run_all.py); `make bench BENCH_ARGS=--quick` measures the
# provincial year only. The national-scale year is generated once and cached in bench/out/cache/.
bench: setup browser
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# The user guide's screenshots (static/guide/<lang>/*.webp): the demo data in each phase, Chromium at 1024×768,
# both languages; commit the images with the change that altered the pages (bench/guide_screens.py).
guide: setup browser
	$(BIN)/python bench/guide_screens.py $(GUIDE_ARGS)

# Refresh the message catalogue after changing user-facing strings.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k plural:2,3 -o portal/translations/messages.pot --no-location --sort-output . >/dev/null
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -l en --no-fuzzy-matching >/dev/null
