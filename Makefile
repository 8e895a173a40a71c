# whpc — the README's commands. Each target installs what is missing, configures, builds, then works.
#   make run     build and run the sample job of every app on local MPI ranks
#   make test    build and run the whole test suite through ctest
#   make bench   build and run the benchmarks (installs the heavy peers too)
BUILD   ?= build
PRESET  ?= $(if $(CI),ci,release)
JOBS    ?= $(shell nproc)
NP      ?= 2
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# OMPIO loses parallel HDF5 writes in Open MPI 4.1 (docs/io.md). No comment on the line itself:
# make would keep the spaces before it in the value.
export OMPI_MCA_io=romio321

.PHONY: all deps build run test bench install clean

all: build

deps:
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake --preset $(PRESET) -B $(BUILD)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/run-samples.sh $(BUILD) $(NP)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600 $(CTEST_ARGS)

bench: build
	@scripts/install-deps.sh --bench --check >/dev/null 2>&1 || scripts/install-deps.sh --bench
	@scripts/run-bench.sh $(BUILD)

install: build
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf $(BUILD)
