# The README's commands. Only Python 3.11+ is needed: everything else is installed into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test bench lint install clean chromium catalogues messages gettext

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The translation catalogues (locale/*/LC_MESSAGES/django.po) compiled to .mo in Python
# (polib): no GNU gettext needed to run. Fails, naming file and line, on a broken catalogue.
# The .mo files are build output, never committed.
catalogues: $(STAMP)
	$(BIN)/python -m resourcing.catalogues

run: $(STAMP) catalogues
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_resourcing
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium (never a downloaded browser): installed here when
# missing and we may (root with apt-get); otherwise those tests fail saying what to install.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; \
	  fi; }

# GNU gettext (xgettext, msgmerge) extracts messages: `make messages` and the test that the
# catalogues are up to date with the code need it. Installed like chromium.
gettext:
	@command -v xgettext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing GNU gettext for the message catalogues"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else \
	    echo "Extracting messages needs GNU gettext: sudo apt-get install gettext"; \
	  fi; }

# For developers: re-extract every marked string into the four catalogues (new ones empty,
# gone ones dropped), after changing user-facing text. Translators then fill them in.
messages: $(STAMP) gettext
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l es -l fr -l pt -l de --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --no-obsolete --add-location=file

# Two test processes (pytest-xdist): the machine this runs on has two cores, and each browser
# test worker starts its own Chromium, so more processes would only contend. pytest-django
# gives each worker its own test database; tests/workers.py splits ports and Redis databases.
# A worker that runs out of tests takes some of the other's (--dist worksteal): the suite's
# durations are uneven (a few take 5-12 s), so this ends sooner than handing out fixed chunks.
# `make test PYTEST_ARGS=` runs in one process.
PYTEST_ARGS ?= -n 2 --dist worksteal

test: $(STAMP) chromium gettext catalogues
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Figures, not a test: fresh bench databases (SQLite in .bench/, or PostgreSQL databases
# resourcing_bench_<checkout>* on DATABASE_URL's server), gunicorn on a free 127.0.0.1 port, wrk.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache artifacts .bench
