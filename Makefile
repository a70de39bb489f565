# shopops — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo
DEMO_DAYS ?= 730
DEMO_ORDERS ?= 200

.PHONY: demo test check lint bench env clean system-deps docs

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e ".[dev,spark]"
	@touch $(STAMP)

env: $(STAMP)

# Debian packages the tests need (Chromium for page tests, a CJK font for Chinese text); installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk" || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "note: missing Debian packages:$$missing (run: sudo apt-get install$$missing)"; fi; \
	fi

demo: $(STAMP)
	$(BIN)/shopops demo $(DEMO_DIR) --days $(DEMO_DAYS) --orders-per-day $(DEMO_ORDERS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

# The fast loop while working: lint and the core tests, without Spark, Chromium or the slow tests,
# on both cores (pytest-xdist). About 3 minutes on a 2-core machine.
check: $(STAMP) lint
	$(BIN)/python -m pytest -q -n 2 -m "not spark and not slow and not browser"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

docs: $(STAMP)
	$(BIN)/python -m shopops.docs

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
