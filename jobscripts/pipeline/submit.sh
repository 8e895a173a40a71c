#!/bin/bash
# submit.sh — the remote-sensing -> AI pipeline as a Slurm job DAG (--dependency=afterok):
#
#   scene ──┬── ndvi   (whpc-remote-sensing: NDVI Cloud Optimized GeoTIFF + statistics) ──┐
#           └── chips  (whpc-remote-sensing: 4-band 64x64 AI chips of the scene)          │
#                 └── infer (whpc-ai-infer: segmenter over the chips, class GeoTIFF each) ─┴── mosaic
#   mosaic: the class map as one COG + PNG, the NDVI next to it, pipeline.json with every job id.
#
#   jobscripts/pipeline/submit.sh [SCENE.tif]       (no scene: a synthetic 700x520 scene is generated)
# Everything lands in runs/pipeline-<first job id>/. afterok: a stage starts only if all it depends
# on succeeded; when one fails, Slurm cancels everything downstream (DependencyParameters=
# kill_invalid_depend; without it the rest would stay pending with reason DependencyNeverSatisfied).
# Extra sbatch options for every stage (partition, account): WHPC_SBATCH_OPTS="-p short -A proj".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${WHPC_SOURCE:-$(cd "$here/../.." && pwd)}
build=${WHPC_BUILD:-$src/build}
scene=${1:-}
if [[ -n $scene ]]; then
  [[ -r $scene ]] || { echo "submit.sh: scene '$scene' not found or not readable" >&2; exit 1; }
  scene=$(cd "$(dirname "$scene")" && pwd)/$(basename "$scene")
fi
command -v sbatch > /dev/null || { echo "submit.sh: sbatch not found: run this on a Slurm login node" >&2; exit 1; }
read -r -a opts <<< "${WHPC_SBATCH_OPTS:-}"
mkdir -p runs
env="ALL,WHPC_SOURCE=$src,WHPC_BUILD=$build,WHPC_SCENE=$scene"
# The first job's id names the directory: the scene stage finds it from its own id, the others are told.
s=$(sbatch --parsable "${opts[@]}" --export="$env" "$here/scene.sbatch")
dir=$PWD/runs/pipeline-$s
env="$env,WHPC_PIPELINE_DIR=$dir"
n=$(sbatch --parsable --dependency=afterok:"$s" "${opts[@]}" --export="$env" "$here/ndvi.sbatch")
c=$(sbatch --parsable --dependency=afterok:"$s" "${opts[@]}" --export="$env" "$here/chips.sbatch")
i=$(sbatch --parsable --dependency=afterok:"$c" "${opts[@]}" --export="$env" "$here/infer.sbatch")
m=$(sbatch --parsable --dependency=afterok:"$n":"$i" "${opts[@]}" --export="$env" "$here/mosaic.sbatch")
mkdir -p "$dir"
printf '{"scene": %s, "ndvi": %s, "chips": %s, "infer": %s, "mosaic": %s}\n' "$s" "$n" "$c" "$i" "$m" > "$dir/jobs.json"
echo "pipeline jobs: scene $s, ndvi $n, chips $c, infer $i, mosaic $m -> $dir (done when $dir/pipeline.json exists)"
