#!/bin/bash
# climate-sweep.sh — submit the resolution sweep (job array) and its summary step (afterok on the array).
#   jobscripts/climate-sweep.sh [sbatch options for the array ...]
# Prints the two job ids; the table appears in runs/<array id>/summary.md when both are done.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# both jobs find the repository (examples, collect_reports.py) through WHPC_SOURCE (sbatch exports the environment)
export WHPC_SOURCE=${WHPC_SOURCE:-$(cd "$here/.." && pwd)}
array=$(sbatch --parsable "$@" "$here/climate-sweep.sbatch")
array=${array%%;*}
summary=$(sbatch --parsable --dependency=afterok:"$array" "$here/collect.sbatch" "runs/$array")
echo "array $array (4 resolutions), summary $summary -> runs/$array/summary.md"
