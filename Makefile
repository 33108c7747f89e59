# The two commands of the README's Quick start: `make run` and `make test`.
# Each creates .venv on first use and reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run build test bench browser vendor

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/kg build
	$(VENV)/bin/kg serve --host $(HOST) --port $(PORT)

build: $(STAMP)
	$(VENV)/bin/kg build

# The browser tests drive Debian's Chromium; installed (as root) only when missing.
browser:
	test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver)

test: $(STAMP) browser
	$(VENV)/bin/python -m pytest

# Refresh the vendored YASGUI build (kg/web/static/vendor/yasgui/) from the npm registry.
vendor:
	$(PYTHON) scripts/vendor_yasgui.py

bench: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(VENV)/bin/python benchmarks/run.py
