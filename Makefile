# Slice: the two commands a developer needs.
#   make run    set everything up (once) and open the Slice window on the starter model
#   make test   set everything up (once) and run the whole test suite
#   make package       build the installer bundle (PyInstaller) and the .deb, in build/
#   make package-test  build, install the .deb, smoke-test the installed app, uninstall (root)
.PHONY: run test test-slow setup setup-test setup-vulkan lint clean package package-test \
	setup-package lint-packaging

VENV := .venv
# Qt runs headless in tests; a real window is tested under Xvfb where it matters.
TEST_ENV := QT_QPA_PLATFORM=offscreen

run: setup
	$(VENV)/bin/slice-chat

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

# The Vulkan build of llama.cpp, apart from .venv's CPU build, in .engines/vulkan (compiled
# once into its own cached wheel): tests/test_vulkan.py runs the model process on it, on
# Mesa's lavapipe (a Vulkan device on the CPU) where there is no GPU.
setup-vulkan: setup-test
	@SLICE_BACKEND=vulkan scripts/setup.sh --engine

lint: setup-test
	$(VENV)/bin/ruff check inference app ui tests packaging
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# SLICE_REQUIRE_VULKAN: under make test a missing Vulkan build fails its tests (run alone,
# pytest skips them and says how to set the build up).
test: setup-test setup-vulkan lint
	$(TEST_ENV) SLICE_REQUIRE_VULKAN=1 $(VENV)/bin/pytest -ra $(PYTEST_ARGS)

# The stress tests (for example 300 kill -9 runs of the app), left out of `make test`.
test-slow: setup-test
	$(TEST_ENV) $(VENV)/bin/pytest -ra -m slow $(PYTEST_ARGS)

# llama.cpp's build flags for the bundle: empty means the portable default of
# scripts/setup.sh (x86-64 AVX2/FMA baseline) for SLICE_BACKEND (cpu unless set: vulkan,
# cuda, metal); see README, "Build installers".
LLAMA_CMAKE_ARGS ?=
SLICE_BACKEND ?= cpu
export SLICE_BACKEND

setup-package:
	@SLICE_LLAMA_CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" scripts/setup.sh --package

package: setup-package
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath build/dist \
		--workpath build/pyinstaller packaging/slice.spec
	$(VENV)/bin/python packaging/build_deb.py build/dist/slice-chat build --flavour "$(SLICE_BACKEND)"

# The release workflow (actionlint, which also runs shellcheck on its steps) and the
# packaging scripts; what can be checked here of the builds that run elsewhere.
lint-packaging: setup-package
	$(VENV)/bin/actionlint .github/workflows/*.yml
	shellcheck packaging/*.sh packaging/*/*.sh scripts/*.sh

package-test: lint-packaging package
	packaging/package_test.sh "$$(ls -t build/slice-chat*.deb | head -n 1)"

clean:
	rm -rf $(VENV) .engines .mypy_cache .ruff_cache .pytest_cache tests/artifacts build
