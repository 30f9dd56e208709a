# Two commands do all set-up: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test bench stop clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)
ifndef MONGO_URI
	$(PY) -m tools.localmongo install
endif

demo: install
	$(PY) -m tools.demo

test: install
	$(PY) -m pytest

bench: install
	$(PY) bench/extraction.py

stop:
	-$(PY) -m tools.localmongo stop

clean: stop
	rm -rf var .pytest_cache
