#!/usr/bin/env bash
# t102_decomp_error — too many ranks for the grid: one one-line error, printed once, exit 1 on
# every rank, no hang. Runs t102_decomp_error_main (1D grid of 3 cells) on 4 ranks.
set -u
exe="$1"
out=$($WHPC_MPIEXEC $WHPC_NUMPROC_FLAG 4 "$exe" 2>&1)
rc=$?
echo "$out"
msg="grid: 3 cells in x cannot be split over 4 ranks"
count=$(grep -c "$msg" <<<"$out")
[ "$rc" -eq 1 ] || { echo "t102 FAIL: exit status $rc, expected 1"; exit 1; }
[ "$count" -eq 1 ] || { echo "t102 FAIL: message printed $count times, expected once"; exit 1; }
echo "t102 ok"
