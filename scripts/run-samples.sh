#!/usr/bin/env bash
# `make run`: the sample job of every built app on NP local MPI ranks.
# Each app provides apps/<app>/sample-run.sh BUILD_DIR NP OUT_DIR, which runs its sample job
# into OUT_DIR and prints where the results are. Results go under runs/sample/<app>/.
set -uo pipefail
build=${1:-build}; np=${2:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
out_root="$root/runs/sample"
mkdir -p "$out_root"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1 GDAL_NUM_THREADS=1
failed=0; ran=()
for sample in "$root"/examples/heat2d/sample-run.sh "$root"/apps/*/sample-run.sh; do
  [[ -x "$sample" ]] || continue
  name=$(basename "$(dirname "$sample")")
  echo "=== $name: sample job on $np ranks ==="
  rm -rf "${out_root:?}/$name"
  if bash "$sample" "$build" "$np" "$out_root/$name"; then
    ran+=("$name: $out_root/$name")
  else
    echo "make run: the $name sample job failed (exit $?)" >&2; failed=1
  fi
done
echo
echo "Sample results:"
printf '  %s\n' "${ran[@]}"
exit $failed
