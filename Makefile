# Mercato: `make demo` serves the demo marketplace; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX := src/mercato/web/static/vendor/htmx.min.js
HTMX_VERSION := 2.0.11

.PHONY: demo test install lint typecheck imports bench-browse bench-pricing clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# htmx comes from the npm registry as a dependency (never committed); pages work without it, only less smoothly.
$(HTMX):
	@if command -v npm >/dev/null 2>&1; then \
	  tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null) && \
	  tar -xzf $$tmp/htmx.org-$(HTMX_VERSION).tgz -C $$tmp package/dist/htmx.min.js && \
	  cp $$tmp/package/dist/htmx.min.js $@ && rm -rf $$tmp; \
	else echo "npm not found: pages will work without htmx"; fi

install: $(VENV)/.installed
	-@$(MAKE) --no-print-directory $(HTMX)

demo: install
	$(BIN)/mercato demo

test: install lint typecheck
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy --no-incremental src/mercato

bench-browse: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/browse.py

bench-pricing: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/pricing.py

clean:
	rm -rf $(VENV) var .pytest_cache
