#!/usr/bin/env bash
# bench/climate: run.sh BUILD_DIR OUT_DIR — the benchmarks of whpc-climate's models that exist
# (euler/, swe/), each with its own run.sh BUILD_DIR OUT_DIR.
set -uo pipefail
build=$1; out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
failed=0
for part in euler swe; do
  if [[ -f "$here/$part/run.sh" ]]; then
    echo "--- climate/$part ---"
    bash "$here/$part/run.sh" "$build" "$out/$part" || { echo "climate/$part failed" >&2; failed=1; }
  fi
done
exit $failed
