# The two commands of the README:
#   make run    set everything up, start the local sandbox target, judge every claim, write the Allure report
#   make test   set everything up and run the project's own tests (never touches a target)
.PHONY: run test setup setup-python setup-system setup-node lint

run: setup
	claimcheck run --target local

# pytest-xdist, two workers per core: about half of the suite's time waits on servers and drills, not on a CPU.
# --dist loadscope keeps each test module on one worker: a module's servers start once, and a module-scoped
# fixture with fixed names (network namespaces, alternative ports) is never set up twice at once.
# --no-loadscope-reorder keeps the collection order, which starts the longest modules first (tests/conftest.py
# LONG_FIRST); xdist's own order (most tests first) ran the planted-defect selftest alone at the end.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
test: setup
	@python -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder; status=$$?; \
	if [ $$status -eq 5 ]; then echo 'pytest collected no tests: failing'; exit 1; fi; exit $$status

setup: setup-system setup-python setup-node

setup-system:
	bash sandbox/install.sh

# pip takes about 9 s even when nothing changed: it runs only when claimcheck is not installed from this
# checkout (another clone's `make` repoints the editable install) or pyproject.toml changed since it last ran
SETUP_STAMP := .claimcheck-cache/setup-python.stamp
export INSTALLED_HERE := import json, sys; from importlib.metadata import distribution as d; \
  url = json.loads(d("claimcheck").read_text("direct_url.json") or "{}"); \
  sys.exit(url.get("url") != sys.argv[1] or not url.get("dir_info", {}).get("editable"))
# Bytecode for claimcheck's own modules, written once here: where PYTHONDONTWRITEBYTECODE is set (this CI image
# sets it) every process would compile them again, about 0.2 s each, and a run or a test starts hundreds.
# Python still checks each .pyc against its source, so an edited file is never run stale.
setup-python:
	@if (cd / && python -c "$$INSTALLED_HERE" "file://$(CURDIR)") 2>/dev/null && [ $(SETUP_STAMP) -nt pyproject.toml ]; \
	    then :; else \
	    python -m pip install -q -e '.[dev]' && mkdir -p $(dir $(SETUP_STAMP)) && touch $(SETUP_STAMP); fi
	@python -m compileall -q checks fixtures suites sandbox tests benchmarks conftest.py >/dev/null

setup-node:
	@if [ ! -x node_modules/.bin/allure ]; then npm install --no-audit --no-fund; fi

lint: setup-python
	ruff check checks fixtures suites sandbox tests benchmarks
	ruff format --check checks fixtures suites sandbox tests benchmarks
	mypy
