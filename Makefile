# Slice: the two commands a developer needs.
#   make run    set everything up (once) and open the Slice window on the starter model
#   make test   set everything up (once) and run the whole test suite
.PHONY: run test test-slow setup setup-test lint clean

VENV := .venv
# Qt runs headless in tests; a real window is tested under Xvfb where it matters.
TEST_ENV := QT_QPA_PLATFORM=offscreen

run: setup
	$(VENV)/bin/slice-chat

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

lint: setup-test
	$(VENV)/bin/ruff check inference app ui tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: setup-test lint
	$(TEST_ENV) $(VENV)/bin/pytest -ra $(PYTEST_ARGS)

# The stress tests (for example 300 kill -9 runs of the app), left out of `make test`.
test-slow: setup-test
	$(TEST_ENV) $(VENV)/bin/pytest -ra -m slow $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache tests/artifacts
