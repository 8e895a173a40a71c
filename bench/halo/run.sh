#!/usr/bin/env bash
# bench/halo: halo exchange vs raw MPI_Isend/Irecv of the same bytes (and vs MPI subarray
# datatypes) on the same 2-rank decomposition, 2D and 3D, a few sizes, in one run.
# Usage: run.sh BUILD_DIR OUT_DIR [key=value ...]   (e.g. bench.fields=3 bench.width=2)
# Prints the table (halo/raw target <= 1.1) and writes OUT_DIR/halo-bench.json.
set -euo pipefail
build=$(cd "$1" && pwd)
out=$2
shift 2
exe="$build/bench/halo/whpc-bench-halo"
[ -x "$exe" ] || { echo "bench/halo: $exe not built" >&2; exit 1; }
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
mpiexec -n 2 --oversubscribe "$exe" output.dir="$out" output.overwrite=true "$@" | tee "$out/halo-bench.txt"
