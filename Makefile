# The CRM suite: `make run` serves it, `make test` tests it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8069
DB ?= crm
PYTEST_ARGS ?=
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export CRM_MAKE_STARTED := $(shell date +%s)

ODOO := .venv/bin/python tools/odoo-bin -c odoo.conf

.PHONY: help setup run test test-addon bench lint clean-db

help:
	@echo "make run     set up everything and serve the suite on http://localhost:$(PORT)"
	@echo "make test    set up, then run every test on a throw-away database"
	@echo "make test-addon ADDON=crm_sales   one addon's tests"
	@echo "make bench   benchmarks (bench/)"
	@echo "make lint    flake8 and pylint-odoo"

# Python 3.7 venv with the pinned requirements, lessc, a running PostgreSQL.
setup:
	@tools/setup.sh system
	@tools/setup.sh venv
	@tools/setup.sh node
	@tools/setup.sh postgres

run: setup
	@tools/setup.sh port $(PORT)
	@.venv/bin/python tools/crmdb.py ensure $(DB)
	@echo
	@echo "  The CRM suite is at   http://localhost:$(PORT)"
	@echo "  Log in as             admin / admin   (demo users: see README, password = login)"
	@echo "  Stop it with          Ctrl-C"
	@echo
	@$(ODOO) -d $(DB) --db-filter='^$(DB)$$' --http-port=$(PORT)

test: setup
	@tools/setup.sh browser
	@tools/run_tests.sh $(PYTEST_ARGS)

test-addon: setup
	@test -n "$(ADDON)" || { echo "usage: make test-addon ADDON=crm_sales"; exit 2; }
	@tools/run_tests.sh addons/$(ADDON) $(PYTEST_ARGS)

bench: setup
	@tools/run_bench.sh

lint: setup
	@.venv/bin/flake8 addons tests tools bench conftest.py
	@.venv/bin/pylint --rcfile=.pylintrc addons/*

# Drop the served database (the next `make run` rebuilds it with demo data).
clean-db: setup
	@.venv/bin/python tools/crmdb.py drop $(DB)
