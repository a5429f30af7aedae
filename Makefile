# Thin wrapper over scripts/ and CMake presets. `make demo` and `make test`
# do all set-up on a fresh Debian 12 machine.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
ACTA := $(BUILD_DIR)/src/cli/acta

.PHONY: all deps build demo test bench fmt fuzz asan clean

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	$(ACTA) demo $(DEMO_ARGS)

test: build
	bash scripts/run-tests.sh $(BUILD_DIR)

bench: build
	bash scripts/run-bench.sh $(BUILD_DIR)

fuzz: deps
	bash scripts/run-fuzz.sh

asan: deps
	$(MAKE) test PRESET=asan

fmt:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build
