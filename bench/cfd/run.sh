#!/usr/bin/env bash
# bench/cfd: the projection solver's and (when present) the spectral solver's benchmarks.
# usage: bench/cfd/run.sh BUILD_DIR OUT_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}; out=${2:-runs/bench/cfd}
rc=0
for s in projection spectral; do
  if [[ -x $here/$s/run.sh || -f $here/$s/run.sh ]]; then
    echo "--- bench/cfd/$s"
    bash "$here/$s/run.sh" "$build" "$out/$s" || rc=1
  fi
done
exit $rc
