# swe_lib.sh — helpers of the swe test scripts (sourced). $1 of each script: the executable.
set -u
EXE=$1
SRC=${WHPC_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)}
EX=$SRC/apps/climate/examples
PY=/usr/bin/python3
MPIEXEC=${WHPC_MPIEXEC:-mpiexec --oversubscribe}
NPFLAG=${WHPC_NUMPROC_FLAG:--n}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/swe-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# run NP OUTDIR CONFIG [key=value ...]: a run that must succeed
run() {
  local np=$1 out=$2 cfg=$3; shift 3
  $MPIEXEC $NPFLAG "$np" "$EXE" "$cfg" output.dir="$out" log.progress_interval=0 "$@" > "$out.log" 2>&1 ||
    { cat "$out.log"; fail "run on $np ranks ($cfg $*) exited with $?"; }
}

# get REPORT KEY: a value of report.json by dotted path (results.errors.l2, validation.0.pass ...)
get() {
  $PY - "$1" "$2" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split('.'):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)
PYEOF
}

# check EXPR: a python boolean expression over numbers, with a message
check() {
  local expr=$1 msg=$2
  $PY -c "import sys; sys.exit(0 if ($expr) else 1)" || fail "$msg ($expr)"
  echo "ok: $msg ($expr)"
}
