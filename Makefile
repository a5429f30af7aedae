# Thin wrapper over scripts/ and CMake presets. `make demo` and `make test`
# do all set-up on a fresh Debian 12 machine.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
ACTA := $(BUILD_DIR)/src/cli/acta

.PHONY: all deps configure configure-demo build demo demo-ha ha-faults deb test bench fmt fuzz \
	fuzz-long syscall-faults asan tsan repro-check clean

all: build

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake --preset $(PRESET) >/dev/null

configure-demo:
	bash scripts/install-deps.sh --demo
	cmake --preset $(PRESET) >/dev/null

# Everything: the binary, the dashboard, every test and benchmark.
build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

# Only what the demo runs: the acta binary and the dashboard.
demo: configure-demo
	cmake --build --preset $(PRESET) -j $(JOBS) --target acta web
	$(ACTA) demo $(DEMO_ARGS)

# `acta demo --sites 3`: the demo's election night on a local three-site
# Patroni/etcd/PostgreSQL cluster (scripts/ha-cluster.sh, as root), one
# center per site; the primary's whole site goes dark mid-run. Needs the
# full dependency set (patroni, etcd-server, postgresql-15).
demo-ha: configure
	cmake --build --preset $(PRESET) -j $(JOBS) --target acta web
	$(ACTA) demo --sites 3 $(DEMO_ARGS)

# Every fault kind HA_EACH times (default 20) under load; writes its section of
# docs/PERFORMANCE.md when every check passed.
ha-faults: build
	bash scripts/ha-faults.sh $(HA_EACH)

test: build
	bash scripts/run-tests.sh $(BUILD_DIR)

# acta_<version>_amd64.deb in $(BUILD_DIR)/deb/ (docs/OPERATIONS.md).
deb: configure-demo
	cmake --build --preset $(PRESET) -j $(JOBS) --target deb

bench: build
	bash scripts/run-bench.sh $(BUILD_DIR)

fuzz: deps
	bash scripts/run-fuzz.sh

# Every fuzz target for FUZZ_SECONDS (default 600) each; grows fuzz/corpus,
# keeps crashes in fuzz/regressions and writes "Fuzzing" in docs/SECURITY.md.
fuzz-long: deps
	bash scripts/run-fuzz.sh --long $(if $(FUZZ_SECONDS),--seconds $(FUZZ_SECONDS))

# The whole syscall fault sweep (docs/SECURITY.md, "Syscall faults").
syscall-faults: build
	bash scripts/syscall-faults.sh

# The whole build and ctest under ASan+UBSan (build/asan); the TSan step of
# make test is left out here (ACTA_TSAN=0), it does not depend on the preset.
asan: deps
	ACTA_TSAN=0 $(MAKE) test PRESET=asan

# Every threaded test program under ThreadSanitizer (scripts/run-tsan.sh, its
# own build in build/tsan; docs/SECURITY.md, "Data races"). make test runs it
# too.
tsan: deps
	bash scripts/run-tsan.sh

# The release acta and the .deb built twice from HEAD under varied conditions
# (directory, time, umask, user, locale...) and compared byte for byte
# (scripts/repro-check.sh; docs/SECURITY.md, "Reproducible build"). About 20
# CPU minutes; `make test` runs the short check (ctest repro_short).
repro-check: deps
	bash scripts/repro-check.sh --full

fmt:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build
