# Every developer command of cadre. `make demo` and `make test` are the README's two commands:
# each one sets up everything it needs on a fresh machine with Python 3.11+.
PY ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint typecheck layers fmt bench clean setup audit

# The tool that installs the locked environment lives in its own small venv, so that nothing on the
# machine beyond Python itself is assumed.
$(UV):
	$(PY) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(BIN)/cadre: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --all-extras
	@touch $@

setup: $(BIN)/cadre  ## install the locked environment into .venv

demo: setup  ## the main job: replay 1929 with the twin into a fresh workspace and serve it on localhost
	$(BIN)/cadre demo

test: setup  ## every check CI runs: lint, types, layering, the dependency audit, the whole test suite (slow and PostgreSQL included)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/mypy --strict scripts
	$(BIN)/python scripts/audit_deps.py
	$(BIN)/lint-imports
	$(BIN)/pytest -m "" -q
	$(BIN)/pytest -m postgres -q tests/web tests/trust/test_concurrency_pg.py  # the workspace on PostgreSQL

test-fast: setup  ## the fast suite only (under a minute)
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check src tests bench scripts

audit: setup  ## known vulnerabilities in every locked dependency; ADVISORIES=DIR adds an OSV folder when no service answers
	$(BIN)/python scripts/audit_deps.py --strict $(if $(ADVISORIES),--advisories $(ADVISORIES))

fmt: setup
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

typecheck: setup
	$(BIN)/mypy

layers: setup
	$(BIN)/lint-imports

bench: setup  ## time the product against its baselines (prints ratios)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache .hypothesis
