# t960_lib.bash — helpers of the tests/slurm/t96*..t99* scripts (sourced; not a test itself).
# Needs: SLURM_CONF (a running scripts/slurm-local.sh), WHPC_SOURCE_DIR, WHPC_BUILD_DIR (ctest sets them).
set -u
src=$WHPC_SOURCE_DIR build=$WHPC_BUILD_DIR
PY=/usr/bin/python3
tmp=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
FAIL() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

# sub [sbatch options ...] SCRIPT [args]: sbatch --wait with the build and source of this test;
# prints the job id, returns the job's exit status.
sub() { sbatch --parsable --wait --export=ALL,WHPC_BUILD="$build",WHPC_SOURCE="$src" "$@"; }
# nowait [sbatch options ...] SCRIPT [args]: submit and print the job id.
nowait() { sbatch --parsable --export=ALL,WHPC_BUILD="$build",WHPC_SOURCE="$src" "$@"; }

# get FILE KEY.PATH: a value of a JSON file by dotted path (lists by index); empty if missing.
get() {
  $PY - "$1" "$2" << 'PYEOF'
import json, sys
try:
    v = json.load(open(sys.argv[1]))
    for k in sys.argv[2].split('.'):
        v = v[int(k)] if isinstance(v, list) else v[k]
    print(v)
except Exception:
    pass
PYEOF
}

# wait_for PATH SECONDS: until PATH exists; gives up early when the queue is empty (a failed job
# leaves nothing to wait for; the tests hold the `slurm` resource lock, so the queue is theirs).
wait_for() {
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    [[ -e $1 ]] && return 0
    if (( i % 4 == 3 )) && [[ -z $(squeue -h -o %i 2> /dev/null) ]]; then sleep 1; [[ -e $1 ]]; return; fi
    sleep 0.5
  done
  return 1
}

# no_jobs_left SECONDS: until none of this test's jobs is pending or running.
no_jobs_left() {
  local i
  for ((i = 0; i < $1 * 2; i++)); do
    [[ -z $(squeue -h -o %i 2> /dev/null | grep -Fxf <(printf '%s\n' "${jobs[@]:-none}")) ]] && return 0
    sleep 0.5
  done
  return 1
}

# show LOGS...: job logs of a failure
show() { local f; for f in "$@"; do [[ -r $f ]] && { echo "--- $f"; tail -20 "$f"; }; done; }
