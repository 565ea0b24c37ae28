# The README's two commands are `make run` and `make test`; CI (.ci/run) calls the same targets.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
MANAGE = $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup install test lint format migrations-check messages clean e2e-deps deploy-check vendor bench bench-import bench-cluster map

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

$(BIN)/.bench-installed: pyproject.toml $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

## The benchmark on PostgreSQL (benchmarks/README.md); e.g. BENCH_ARGS="--build --duration 120".
bench: $(BIN)/.bench-installed
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

## Three app servers behind HAProxy, PgBouncer, a primary and a streaming replica, Redis, two
## workers, on 127.0.0.1 (benchmarks/cluster.py; Debian's postgresql-15, pgbouncer, haproxy,
## redis-server); e.g. BENCH_ARGS="--scale 0.1 --duration 30". Tears it all down afterwards.
bench-cluster: $(BIN)/.bench-installed
	$(BIN)/python -m benchmarks.cluster $(BENCH_ARGS)

## Bookings during a 100,000-row import of the real list (benchmarks/import_while_booking.py).
bench-import: $(BIN)/.bench-installed
	$(BIN)/python -m benchmarks.import_while_booking $(BENCH_ARGS)

## Regenerate the dashboard's map of the 17 provinces (dashboard/geodata/provinces.json).
map: install
	$(BIN)/pip install --quiet -e '.[map]'
	$(BIN)/python -m dashboard.geodata.build

## Set up a local SQLite portal with the national registry and demo accounts, then serve it
## and run the task worker beside it (Procfile.dev, with honcho); Ctrl-C stops both.
run: setup
	PATH="$(abspath $(BIN)):$$PATH" DEBUG=true HOST=$(HOST) $(BIN)/honcho -f Procfile.dev start -p $(PORT)

setup: install
	DEBUG=true $(MANAGE) migrate --noinput
	DEBUG=true $(MANAGE) createcachetable
	DEBUG=true $(MANAGE) load_registry
	DEBUG=true $(MANAGE) load_demo
	DEBUG=true $(MANAGE) load_demo_activity

## Run the whole test suite against DATABASE_URL (default: SQLite), one process per core, at
## most 8 (pytest-xdist; each has its own test database and a few connections to it).
## PYTEST_ARGS="-n 0" runs it in this process.
test: install
	$(BIN)/pytest -n auto --maxprocesses 8 $(PYTEST_ARGS)

## Lint, format, the apps' layer contract (pyproject.toml) and the type checker.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

LOCALISED_APPS = accounts regions rooms reservations waitlist demand portal dashboard backoffice workspace api web worker

## Refresh the Korean catalogues after changing translatable strings (needs GNU gettext).
messages: install
	for app in $(LOCALISED_APPS); do \
		mkdir -p $$app/locale && (cd $$app && DEBUG=true ../$(BIN)/django-admin makemessages -l ko --no-obsolete --settings=boms.settings --pythonpath=..) ; \
	done; true
	DEBUG=true $(BIN)/django-admin makemessages -l ko --no-obsolete --settings=boms.settings --pythonpath=. --ignore='.venv/*' --ignore='*/migrations/*' $(foreach app,$(LOCALISED_APPS),--ignore='$(app)/*') --ignore='node_modules/*' --ignore='benchmarks/*' --ignore='tests/*'
	DEBUG=true $(MANAGE) compilemessages --ignore='.venv/*'

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

AXE_CORE_VERSION = 4.14.1

## Browser and accessibility engine for the end-to-end journeys (Debian's Chromium, axe-core).
e2e-deps: install
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)
	@[ -f .cache/e2e/node_modules/axe-core/axe.min.js ] || npm install --silent --no-save --no-package-lock --prefix .cache/e2e axe-core@$(AXE_CORE_VERSION)

## Django's deployment checklist with production settings; any warning fails.
deploy-check: install
	DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=boms.example.kr DATABASE_URL=postgres://boms@db.example.kr:5432/boms \
	$(MANAGE) check --deploy --fail-level WARNING

HTMX_VERSION = 2.0.11
LEAFLET_VERSION = 1.9.4

## Copy the front-end libraries from their npm packages into static/vendor/ (committed).
vendor:
	rm -rf .cache/vendor && npm install --silent --no-save --no-package-lock --prefix .cache/vendor htmx.org@$(HTMX_VERSION) leaflet@$(LEAFLET_VERSION)
	mkdir -p static/vendor/htmx static/vendor/leaflet
	cp .cache/vendor/node_modules/htmx.org/dist/htmx.min.js .cache/vendor/node_modules/htmx.org/LICENSE static/vendor/htmx/
	cp -r .cache/vendor/node_modules/leaflet/dist/leaflet.js .cache/vendor/node_modules/leaflet/dist/leaflet.js.map .cache/vendor/node_modules/leaflet/dist/leaflet.css .cache/vendor/node_modules/leaflet/dist/images .cache/vendor/node_modules/leaflet/LICENSE static/vendor/leaflet/
