# Pelatis: `make run` serves the app and runs its worker with demo data, `make test` runs the
# whole suite (SQLite with the embedded defaults, then PostgreSQL with tasks on RQ, the cache on
# Redis and files in S3, when those servers are there),
# `make bench` prints the benchmark table.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PELATIS := $(VENV)/bin/pelatis
ADDR ?= 127.0.0.1:8000

.PHONY: run test test-sqlite test-postgres bench lint messages install clean clean-data

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(PELATIS) migrate --noinput
	$(PELATIS) demo --if-empty
	$(PELATIS) serve --with-worker $(ADDR)

test: install lint test-sqlite test-postgres

# Style, security rules, formatting, types, the apps' dependency rules and the templates' reach.
lint: install
	$(VENV)/bin/ruff check pelatis tests bench
	$(VENV)/bin/ruff format --check pelatis tests bench
	$(VENV)/bin/mypy pelatis tests bench scripts
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_layout.py

test-sqlite: install
	$(PY) -m pytest -n 2 --dist loadgroup

# The production engines: PostgreSQL, tasks on RQ and the cache on Redis, files in S3 (moto).
test-postgres: install
	scripts/with-postgres scripts/with-engines $(PY) -m pytest -n 2 --dist loadgroup

bench: install
	$(PY) -m bench

messages: install
	cd pelatis && ../$(PELATIS) makemessages -l el -l en --no-obsolete && ../$(PELATIS) compilemessages

# The installed packages only; the data folder (database, attachments, secret key) stays.
clean:
	rm -rf $(VENV) node_modules

# Deletes the data folder after asking (CONFIRM=yes answers for scripts).
DATA_DIR ?= $(or $(PELATIS_DATA_DIR),var)
clean-data:
	@if [ ! -e "$(DATA_DIR)" ]; then echo "$(DATA_DIR) does not exist: nothing to delete."; exit 0; fi; \
	answer="$(CONFIRM)"; \
	if [ "$$answer" != yes ]; then \
	  printf 'Delete %s (the database, attachments and secret key)? Type yes to delete: ' "$(DATA_DIR)"; \
	  read answer || answer=; \
	fi; \
	if [ "$$answer" = yes ]; then rm -rf "$(DATA_DIR)" && echo "Deleted $(DATA_DIR)."; \
	else echo "Kept $(DATA_DIR)."; exit 1; fi
