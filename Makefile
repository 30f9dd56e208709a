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

# Everything the project built or downloaded into its folder: the venv, FerretDB
# (.tools), var/, caches and packaging output. Go's own caches from the FerretDB build
# are outside the project (README: "Setup cost"); this only says where.
.PHONY: distclean
distclean: clean
	rm -rf $(VENV) .tools build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	@echo "Go caches (shared with other Go builds, not removed): $$(go env GOCACHE 2>/dev/null || echo '~/.cache/go-build') and $$(go env GOMODCACHE 2>/dev/null || echo '~/go/pkg/mod'); 'go clean -cache -modcache' empties them"
