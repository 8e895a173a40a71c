#!/usr/bin/env bash
# run.sh HARNESS CORPUS RUNS [extra libFuzzer flags]: a bounded fuzzing run on a scratch copy of the
# seed corpus (the committed corpus is never written). Fails on any crash, sanitizer report,
# leak, timeout (10 s per input) or allocation beyond 1 GiB (-malloc_limit_mb: a reader must
# bound its allocations by the file size, so no input of <= 64 KiB may ask for that much).
set -u
exe=$1 corpus=$2 runs=$3
shift 3
[[ -x $exe ]] || { echo "FAIL: $exe not built (see fault.fuzz.build)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
export WHPC_SOURCE_DIR=${WHPC_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
# shellcheck source=../asan/asan.env
source "$here/../asan/asan.env"
work=$(mktemp -d "${TMPDIR:-/tmp}/whpc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/corpus"
mkdir -p "$work/crashes"
cd "$work" || exit 1
"$exe" -runs="$runs" -seed=1 -max_len=65536 -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=1024 \
  -artifact_prefix="$work/crashes/" -print_final_stats=1 "$@" corpus > log 2>&1
rc=$?
grep -E "^Done|stat::number_of_executed_units|cov:" log | tail -3
if [[ $rc -ne 0 ]] || ls crashes/* > /dev/null 2>&1; then
  echo "FAIL: exit $rc"
  grep -A30 -E "ERROR|SUMMARY|runtime error" log | head -60
  for f in crashes/*; do [[ -f $f ]] && { echo "artifact $f:"; od -c "$f" | head -5; }; done
  exit 1
fi
echo "ok: $(basename "$exe") $runs runs, no crash, leak, timeout or oversized allocation"
