#!/usr/bin/env bash
# t601 — a failing rank ends every rank: non-zero exit within 20 s at 2 and 4 ranks; the error is
# printed with the failing rank's number (local) or once (agreed), with the I/O exit code 3.
set -u
exe=$1; fail=0
for np in 2 4; do
  for mode in local agreed; do
    start=$(date +%s)
    out=$(timeout 30 $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG $np "$exe" mode=$mode 2>&1); rc=$?
    took=$(( $(date +%s) - start ))
    n=$(grep -c "disk full (simulated)" <<<"$out")
    if [[ $rc -ne 3 || $took -gt 20 || $n -ne 1 ]]; then
      echo "FAIL np=$np mode=$mode: rc=$rc (want 3) after ${took}s, message seen $n times"; echo "$out" | head; fail=1
    else echo "ok np=$np mode=$mode: rc=$rc after ${took}s"; fi
    if [[ $mode == local ]] && ! grep -q "\[rank $((np-1))\]" <<<"$out"; then echo "FAIL: rank not named"; fail=1; fi
  done
done
exit $fail
