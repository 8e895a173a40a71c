# common.bash — sourced by the pipeline stage jobs: finds the binaries, names the pipeline directory.
# The submit script passes WHPC_SOURCE, WHPC_BUILD and WHPC_PIPELINE_DIR to every stage.
set -euo pipefail
die() { echo "${stage:-pipeline}: $*" >&2; exit 1; }
src=${WHPC_SOURCE:-$SLURM_SUBMIT_DIR}
build=${WHPC_BUILD:-$src/build}
dir=${WHPC_PIPELINE_DIR:-$SLURM_SUBMIT_DIR/runs/pipeline-$SLURM_JOB_ID}   # the scene stage: its own id
# find_exe NAME APPDIR: the build's binary, else the installed one (module load whpc)
find_exe() {
  if [[ -x $build/apps/$2/$1 ]]; then echo "$build/apps/$2/$1"
  elif command -v "$1" > /dev/null; then command -v "$1"
  else die "$1 not found in $build/apps/$2 nor in PATH: run 'make', set WHPC_BUILD, or 'module load whpc'"; fi
}
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} SRUN_CPUS_PER_TASK=${SLURM_CPUS_PER_TASK:-1} GDAL_NUM_THREADS=1
run() { srun --mpi=pmix --kill-on-bad-exit=1 "$@" || die "$(basename "$1") failed with exit status $?"; }
echo "${stage:-pipeline}: job $SLURM_JOB_ID on $SLURM_JOB_NODELIST, ${SLURM_NTASKS:-1} ranks, pipeline $dir"
