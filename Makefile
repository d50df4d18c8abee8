# Everyday targets; the README's two commands are `make run` and `make test`.
.PHONY: run test chart fuzz browser graphiql-assets fmt lint sdl migrate seed entities ci bench

# The gateway on the embedded default: SQLite file, in-process cache, demo data,
# GraphiQL and printed development tokens.
run:
	cargo run -p api -- dev

# The whole suite: unit tests, and end-to-end tests on SQLite and on the PostgreSQL and
# Redis named by PW_TEST_POSTGRES_URL / PW_TEST_REDIS_URL (defaults: 127.0.0.1).
test: tests/node/node_modules chart fuzz browser
	cargo test --workspace --all-targets

# The federation router, composition library and GraphQL-over-HTTP audit (npm registry).
tests/node/node_modules: tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund
	touch $@

# Render, lint and validate the Helm chart (helm-python-sdk and kubernetes-validate from
# PyPI, in a virtualenv kept outside the clone).
CHART_VENV ?= $(HOME)/.cache/partnerworld/chart-venv
chart:
	test -x $(CHART_VENV)/bin/python || python3 -m venv $(CHART_VENV)
	$(CHART_VENV)/bin/pip install -q --disable-pip-version-check -r helm/check-requirements.txt
	$(CHART_VENV)/bin/python helm/check.py

# schemathesis (PyPI) against the gateway binary from its own schema: no 5xx, no crash.
fuzz:
	cargo build -p api
	bash tests/fuzz/run.sh "$${CARGO_TARGET_DIR:-target}/debug/partnerworld"

# The GraphiQL page in headless Chromium (Debian's), against a fresh `partnerworld dev`.
browser: tests/node/node_modules
	cargo build -p api
	bash tests/browser/run.sh "$${CARGO_TARGET_DIR:-target}/debug/partnerworld"

# Refresh GraphiQL's embedded assets from npm at the pinned versions (never at run time).
graphiql-assets:
	bash api/assets/graphiql/refresh.sh

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# Regenerate schema.graphql from the code (a test fails when they drift).
sdl:
	cargo run -q -p api -- sdl > schema.graphql

migrate:
	cargo run -p api -- migrate

# Seed an empty database: make seed COMPANIES=100000 DATABASE_URL=postgres://...
COMPANIES ?= 40
seed:
	cargo run --release -p api -- seed --companies $(COMPANIES)

# Regenerate entities/ from a freshly migrated PostgreSQL database (needs sea-orm-cli 2.0).
entities:
	psql -h 127.0.0.1 -U postgres -d test -c 'DROP DATABASE IF EXISTS pw_entities' -c 'CREATE DATABASE pw_entities'
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pw_entities cargo run -p api -- migrate
	sea-orm-cli generate entity -u postgres://postgres@127.0.0.1:5432/pw_entities \
	  -o entities/src --compact-format --lib --with-prelude all --date-time-crate chrono --with-serde both

ci:
	bash .ci/run

bench:
	bash bench/run.sh
