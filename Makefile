# Portico: `make run` serves the demo on 127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint check worker beat bench-api bench-loa bench-outbox bench-webhooks clean

$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed: installing Debian's python3-venv"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip && \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }

# WeasyPrint (the LOA PDF) needs Pango from the system, and HarfBuzz's subsetter to embed font
# subsets (without it WeasyPrint falls back to fontTools: a deprecation warning and 4x slower LOAs).
SYSTEM_LIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0

$(STAMP): $(PY) pyproject.toml
	@for lib in $(SYSTEM_LIBS); do ldconfig -p 2>/dev/null | grep -q "$$lib" || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Pango and HarfBuzz for WeasyPrint (Debian packages)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; \
	fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# With a broker (Procfile's worker and beat): CELERY_BROKER_URL=redis://127.0.0.1:6379/0 make worker
worker: $(STAMP)
	$(VENV)/bin/celery -A portal worker -Q carrier,loa,email,webhooks -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A portal beat -l info

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

bench-api: $(STAMP)
	$(PY) bench/api.py

bench-loa: $(STAMP)
	$(PY) bench/loa.py

bench-outbox: $(STAMP)
	$(PY) bench/outbox.py

bench-webhooks: $(STAMP)
	$(PY) bench/webhooks.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
