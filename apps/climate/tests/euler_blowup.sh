# A blow-up (dt far above the acoustic limit, allowed on purpose) is detected: exit 2, with the
# step and the cell where the state became non-finite or non-positive.
source "$(dirname "$0")/euler_lib.sh"
for n in 1 2; do
  run $n "$EX/bubble.ini" euler.resolution=400 euler.dt=3 euler.allow_unstable_dt=true output.dir=o$n; rc=$?
  msg=$(grep "error:" run.log | head -1); echo "np $n exit $rc: $msg"
  [ $rc -eq 2 ] || { cat run.log; fail "expected exit 2, got $rc"; }
  echo "$msg" | grep -q "at step [0-9]" || fail "no step in the message"
  echo "$msg" | grep -q "cell (i, k) = ([0-9]*, [0-9]*)" || fail "no location in the message"
  [ ! -e o$n/euler.nc ] || fail "a half-written euler.nc was left under its final name"
done
echo PASS
