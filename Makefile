# Pelatis: `make run` serves the app with demo data, `make test` runs the
# whole suite (SQLite, then PostgreSQL when its server binaries are there),
# `make bench` prints the benchmark table.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PELATIS := $(VENV)/bin/pelatis
ADDR ?= 127.0.0.1:8000

.PHONY: run test test-sqlite test-postgres bench lint messages install clean

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
	$(PELATIS) serve $(ADDR)

test: install lint test-sqlite test-postgres

lint:
	$(VENV)/bin/ruff check pelatis tests bench

test-sqlite: install
	$(PY) -m pytest -n 2 --dist loadgroup

test-postgres: install
	scripts/with-postgres $(PY) -m pytest -n 2 --dist loadgroup

bench: install
	$(PY) -m bench

messages: install
	cd pelatis && ../$(PELATIS) makemessages -l el -l en --no-obsolete && ../$(PELATIS) compilemessages

clean:
	rm -rf $(VENV) node_modules var
