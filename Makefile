# Plein: `make run` to try it, `make test` to check it. Only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format serve-prod install browser messages clean

run: install
	$(PY) -m intranet.launcher run

test: install lint browser
	$(PY) -m intranet.launcher test $(PYTEST_ARGS)

serve-prod: install
	$(PY) -m intranet.launcher serve-prod

install: $(STAMP)

# Reinstall only when pyproject.toml changes; a second `make run` starts in seconds.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Plein needs Python 3.11 or newer.")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Browser tests drive Debian's Chromium; install it when we may, otherwise say what is missing.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "Browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'."; \
		echo "Without it the tests in tests/e2e are skipped (and fail under CI=true)."; \
	fi

# Extract strings into locale/nl (needs GNU gettext), then compile in Python.
messages: install
	$(PY) manage.py makemessages --locale nl --no-obsolete --ignore '.venv/*' --ignore 'var/*' --add-location file
	$(PY) manage.py compile_catalogues

clean:
	rm -rf $(VENV) var
