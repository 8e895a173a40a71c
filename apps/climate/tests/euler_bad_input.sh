# Bad input: a one-line error naming the key, exit 1, for every case of issue 6.
source "$(dirname "$0")/euler_lib.sh"
check() { # check NP KEY ARGS...: expect exit 1 and exactly one "error:" line naming KEY
  local n=$1 key=$2; shift 2
  run $n "$@"; local rc=$?
  local lines; lines=$(grep -c "error:" run.log)
  echo "exit $rc: $(grep "error:" run.log | head -1)"
  [ $rc -eq 1 ] || { cat run.log; fail "expected exit 1 for $key, got $rc"; }
  [ "$lines" -eq 1 ] || { cat run.log; fail "expected one error line for $key, got $lines"; }
  grep "error:" run.log | grep -q "$key" || fail "the error does not name $key"
}
check 2 euler.case "$EX/bubble.ini" euler.case=tornado output.dir=o1
check 4 "euler.nx/nz" "$EX/bubble.ini" euler.resolution=0 euler.nx=3 euler.nz=20 euler.procs="4 1" output.dir=o2
check 4 "euler.nx/nz" "$EX/bubble.ini" euler.procs="3 1" output.dir=o3
check 2 euler.dt "$EX/bubble.ini" euler.dt=5 output.dir=o4
check 2 euler.kdiff "$EX/straka.ini" euler.kdiff=-75 output.dir=o5
# an output.dir that cannot be created is an I/O failure: exit 3, one line naming the path (README)
run 2 "$EX/bubble.ini" output.dir=/proc/whpc-no-such/dir; rc=$?
echo "exit $rc: $(grep "error:" run.log | head -1)"
[ $rc -eq 3 ] && [ "$(grep -c "error:" run.log)" -eq 1 ] && grep "error:" run.log | grep -q "/proc/whpc-no-such" \
  || { cat run.log; fail "output.dir: expected exit 3 and one error line naming the path, got $rc"; }
check 1 euler.resolution "$EX/bubble.ini" euler.resolution=300 output.dir=o6
# euler.reference is read and checked before step 1: missing file, wrong grid, wrong time, garbage
# values, a case without a reference. Each must stop before any step and before output.dir exists.
printf '# bad\n300 20 3000\n0.0 nan\n' > garbage.txt
refcheck() { # refcheck NP ARGS...
  check "$@"
  ! grep -q "step" run.log || { cat run.log; fail "euler.reference: the run took steps before the error"; }
  [ ! -e r1 ] || fail "euler.reference: output.dir was created before the error"
}
refcheck 2 euler.reference "$EX/igw.ini" euler.reference=/nonexistent/igw_ref.txt output.dir=r1
refcheck 1 euler.reference "$EX/igw.ini" euler.nx=150 output.dir=r1
refcheck 2 euler.reference "$EX/igw.ini" euler.t_end=1000 output.dir=r1
refcheck 2 euler.reference "$EX/igw.ini" euler.reference="$WORK/garbage.txt" output.dir=r1
refcheck 1 euler.reference "$EX/bubble.ini" euler.reference="$EX/igw_ref_300x20.txt" output.dir=r1
echo PASS
