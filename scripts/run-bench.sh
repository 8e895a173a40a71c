#!/usr/bin/env bash
# `make bench`: every bench/<name>/run.sh BUILD_DIR, each printing ratios against peers measured
# in the same run. Results collected under runs/bench/.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$root/runs/bench"
failed=0
for b in "$root"/bench/*/run.sh; do
  name=$(basename "$(dirname "$b")")
  echo "=== bench/$name ==="
  bash "$b" "$build" "$root/runs/bench/$name" || { echo "bench/$name failed" >&2; failed=1; }
done
exit $failed
