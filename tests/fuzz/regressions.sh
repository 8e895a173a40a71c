#!/usr/bin/env bash
# regressions.sh FUZZ_BIN_DIR [DIR]: every input under DIR/<harness>/ (default regressions/: crashes
# the fuzzers found) must now run cleanly through its harness: no crash, sanitizer report, leak or
# oversized allocation. known-crashes/ holds inputs whose bug is still open (a known-failure test).
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
top=${2:-$here/regressions}
export WHPC_SOURCE_DIR=${WHPC_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
source "$here/../asan/asan.env"
fail=0 n=0
for d in "$top"/*/; do
  h=$(basename "$d")
  for f in "$d"*; do
    [[ -f $f ]] || continue
    n=$((n + 1))
    # -rss_limit_mb=0: no libFuzzer RSS-monitor thread. A replay ends within milliseconds, and once
    # in a loaded CI run (1a7e074) the at-exit leak check reported 184 bytes in 2 allocations that 88
    # reruns never showed again; a helper thread that has not started yet when the main thread
    # exits is the likely source (its start state is reachable from nowhere LeakSanitizer scans).
    # The at-exit leak check itself stays on (ASAN_OPTIONS detect_leaks=1, asan.env).
    if "$bin/fuzz_$h" -timeout=10 -rss_limit_mb=0 -malloc_limit_mb=1024 "$f" > "$bin/regression.log" 2>&1; then
      echo "ok   $h ${f##*/}"
    else
      echo "FAIL $h ${f##*/}"
      # the whole report with its stack frames, so that a failure seen once in CI can be diagnosed
      grep -aE "ERROR|runtime error|SUMMARY|Direct leak|Indirect leak|^ *#[0-9]+ " "$bin/regression.log" | head -60
      fail=1
    fi
  done
done
echo "$n regression inputs"
exit $fail
