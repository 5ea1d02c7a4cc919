# Every target bootstraps .venv itself: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_STAMP := $(VENV)/.installed-demo
PYTEST_ARGS ?=

.PHONY: install demo test test-all lint bench browser examples clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo needs scikit-learn only, not the whole dev toolchain.
$(DEMO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[sklearn]'
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/hypersweep demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

test-all: lint browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's chromium renders the HTML report to PNG in a slow test (tests/cli/test_report.py).
# Installed only when missing, with apt-get and as root; otherwise a note, never an error
# (the test then skips, or fails under CI=true).
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || command -v google-chrome >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends chromium) \
	  || echo "browser: could not install chromium; the report's PNG test will skip"; \
	else echo "browser: no chromium, and no apt-get as root; the report's PNG test will skip"; fi

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/overhead.py
	$(BIN)/python benchmarks/pbt.py --seeds 3
	$(BIN)/python benchmarks/cost_frugal.py --seeds 3
	$(BIN)/python benchmarks/pbt_mlp.py --seeds 3
	$(BIN)/python benchmarks/ray_overhead.py
	$(BIN)/python benchmarks/viz.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
