# euler_lib.sh — helpers of the euler script tests. Sourced with: EXE EXAMPLES_DIR as $1 $2.
# ctest sets WHPC_MPIEXEC (launcher + preflags) and WHPC_NUMPROC_FLAG.
set -u
EXE=$1
EX=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/euler-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
PY=/usr/bin/python3

fail() { echo "FAIL: $*" >&2; exit 1; }
# run NP ARGS...: whpc-climate on NP ranks, stdout+stderr to run.log
run() {
  local n=$1; shift
  ${WHPC_MPIEXEC:-mpiexec} ${WHPC_NUMPROC_FLAG:--n} "$n" "$EXE" "$@" > run.log 2>&1
}
# field DIR EXPR: evaluate a python expression over report.json (bound to r)
field() { $PY -c "import json,sys; r=json.load(open(sys.argv[1] + '/report.json')); print(eval(sys.argv[2]))" "$1" "$2"; }
checksum() { field "$1" "r['results']['checksum']"; }
