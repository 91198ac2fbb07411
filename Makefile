# `make run`: set everything up, serve the demo on http://127.0.0.1:8000 and run a
# task worker beside it (scripts/run); Ctrl+C stops both.
# `make test`: set up what the suite needs and run it on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The suite runs in one process per core (pytest-xdist), at most 4; each process has its own
# test database. loadscope keeps a test class (and its setUpTestData) in one process.
PYTEST_PARALLEL ?= -n auto --maxprocesses 4 --dist loadscope

.PHONY: run test test-sqlite test-postgres system-packages lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/harapan demo
	@echo "Harapan berjalan di http://127.0.0.1:8000 dengan satu worker tugas (hentikan dengan Ctrl+C)"
	HARAPAN_BIN=$(BIN) scripts/run 127.0.0.1:8000

system-packages:
	scripts/system-packages

test: $(STAMP) system-packages
	$(BIN)/ruff check harapan benchmarks
	$(BIN)/ruff format --check harapan benchmarks
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_PARALLEL)

test-postgres: $(STAMP)
	@echo "== test suite on PostgreSQL"
	scripts/with-postgres $(BIN)/pytest $(PYTEST_PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check harapan benchmarks
	$(BIN)/ruff format --check harapan benchmarks

clean:
	rm -rf $(VENV) harapan.sqlite3* staticfiles test-artifacts

bench: $(STAMP)
	env -u DATABASE_URL $(BIN)/python benchmarks/compute_entitlements.py
	scripts/with-postgres $(BIN)/python benchmarks/compute_entitlements.py
	scripts/with-postgres $(BIN)/python benchmarks/compute_entitlements_fanout.py
	env -u DATABASE_URL $(BIN)/python benchmarks/import_registry.py
	scripts/with-postgres $(BIN)/python benchmarks/import_registry.py
	env -u DATABASE_URL $(BIN)/python benchmarks/import_verification.py --families 15000 60000
	scripts/with-postgres $(BIN)/python benchmarks/import_verification.py --families 15000 60000
	env -u DATABASE_URL $(BIN)/python benchmarks/program_gaps.py
	scripts/with-postgres $(BIN)/python benchmarks/program_gaps.py
	scripts/with-postgres $(BIN)/python benchmarks/dashboard.py --families 100000
