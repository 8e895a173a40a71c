#!/usr/bin/env bash
# bench/ncio: write bandwidth of whpc_ncio (NetCDF-4/HDF5, uncompressed and deflate) for a 3D
# double field against raw collective MPI-IO (MPI_File_write_at_all, subarray view) of the same
# bytes, at 2 ranks, in one run. Target: ncio/raw >= 0.5 uncompressed.
# Usage: run.sh BUILD_DIR OUT_DIR [key=value ...]   (bench.n=128 bench.repeat=5 bench.deflate=1)
# Prints the table and writes OUT_DIR/report.json (results.*) and OUT_DIR/ncio-bench.txt.
set -euo pipefail
build=$(cd "$1" && pwd)
out=$2
shift 2
exe="$build/bench/ncio/whpc-bench-ncio"
[ -x "$exe" ] || { echo "bench/ncio: $exe not built (needs libnetcdf-mpi-dev)" >&2; exit 1; }
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
mpiexec -n 2 --oversubscribe "$exe" output.dir="$out" output.overwrite=true "$@" | tee "$out/ncio-bench.txt"
