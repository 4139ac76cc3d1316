# make run   – set up everything and serve the portal at http://127.0.0.1:8000/
# make test  – set up what the tests need and run the whole suite
# make bench – time the dashboards and work pages at 1×, 10× and 100× the real data (writes BENCHMARKS.md)
# make serve – as `make run`, but served as in production: DEBUG off, gunicorn, collected static files
# make backup – the data, history included, to backups/portal-<date>-<time>.yaml.gz with its manifest
# make restore FILE=… – a backup into an empty database, checked against its manifest (docs/backup.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test install lint data bench clean backup restore

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

data: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_plan_data
	$(BIN)/python manage.py create_demo_users

run: data
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production stack on one's own machine over plain http (PORTAL_HTTPS=false). SECRET_KEY,
# ALLOWED_HOSTS, PORTAL_HTTPS and the GUNICORN_* variables are taken from the environment when set;
# without SECRET_KEY, a random key is made once and kept in $(SECRET_KEY_FILE).
SECRET_KEY_FILE := $(VENV)/secret_key
SERVE_ENV = DEBUG=false \
	SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	PORTAL_HTTPS="$${PORTAL_HTTPS:-false}"

serve: data
	@if [ -z "$$SECRET_KEY" ] && [ ! -s $(SECRET_KEY_FILE) ]; then \
		(umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_KEY_FILE)); \
		echo "SECRET_KEY is not set: using a random key kept in $(SECRET_KEY_FILE)"; \
	fi
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 1
	@echo "Serving http://$${GUNICORN_BIND:-127.0.0.1:8000}/ with gunicorn, DEBUG off (Ctrl-C stops it)"
	$(SERVE_ENV) exec $(BIN)/gunicorn chizai_portal.wsgi -c chizai_portal/gunicorn.conf.py

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m benchmarks

# The benchmark once at 1× with a few requests per page, its output thrown away (run by .ci/run)
.PHONY: bench-smoke
bench-smoke: install
	$(BIN)/python -m benchmarks --smoke

# Only the import of 10,000 actuals beside a raw insert; rewrites the block of BENCHMARKS.md for the
# database in use (SQLite, or PostgreSQL through DATABASE_URL).
.PHONY: bench-import
bench-import: install
	$(BIN)/python -m benchmarks --import-only

# The load test: gunicorn + a throwaway PostgreSQL, 50 viewers and 10 officers for 60 s on the 100×
# data (needs the PostgreSQL server binaries: apt-get install postgresql), then the same on the embedded
# default, an SQLite file. Writes a BENCHMARKS.md section for each.
.PHONY: bench-load bench-load-sqlite
bench-load: install
	$(VENV)/bin/pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks.load
	$(BIN)/python -m benchmarks.load --database sqlite

bench-load-sqlite: install
	$(VENV)/bin/pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks.load --database sqlite

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Backup and restore with the portal's own commands (docs/backup.md); the database is DATABASE_URL's
# (default db.sqlite3). On PostgreSQL, pg_dump -Fc is the usual backup; these work there too.
BACKUP_DIR ?= backups

backup: install
	mkdir -p $(BACKUP_DIR)
	$(BIN)/python manage.py backup_dump $(BACKUP_DIR)/portal-$$(date +%Y%m%d-%H%M%S).yaml.gz

# Into an empty database only: move db.sqlite3 aside first (or point DATABASE_URL at a new database).
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=$(BACKUP_DIR)/portal-YYYYMMDD-HHMMSS.yaml.gz"; exit 2; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py backup_restore $(FILE)
