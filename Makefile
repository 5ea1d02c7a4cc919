# Every target bootstraps .venv itself: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_STAMP := $(VENV)/.installed-demo
INTEGRATIONS_STAMP := $(VENV)/.installed-integrations
REPRO_STAMP := $(VENV)/.installed-repro
GAN_STAMP := $(VENV)/.installed-gan
PYTEST_ARGS ?=

.PHONY: integrations install demo test test-all lint bench browser examples clean repro

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

# Published comparisons rerun (docs/reproduction.md); REPRO_ARGS=--quick for a smoke test.
$(REPRO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[repro]'
	touch $(REPRO_STAMP)

# The DCGAN comparison needs torch (the `gan` extra), installed as for the integrations: the
# CPU build first, pinned. REPRO_ARGS=--quick runs both commands at their smoke-test size;
# without it the GAN run takes ~20 min on 2 cores (docs/reproduction.md).
$(GAN_STAMP): $(REPRO_STAMP)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[gan]'
	touch $(GAN_STAMP)

repro: $(REPRO_STAMP) $(GAN_STAMP)
	OMP_NUM_THREADS=1 $(BIN)/hypersweep bench yang-shami $(REPRO_ARGS)
	OMP_NUM_THREADS=1 $(BIN)/hypersweep bench gan $(REPRO_ARGS)

# The training libraries and trackers of tests/integrations (docs/integrations.md). torch's CPU
# build goes first, pinned: a torch range would pull a CUDA build of several GB.
$(INTEGRATIONS_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[integrations]'
	touch $(INTEGRATIONS_STAMP)

integrations: $(INTEGRATIONS_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint $(INTEGRATIONS_STAMP)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

test-all: lint browser $(INTEGRATIONS_STAMP)
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
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/searchcv.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
