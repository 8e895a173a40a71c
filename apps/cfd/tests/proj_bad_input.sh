#!/usr/bin/env bash
# Bad input: exit status 1 and a one-line error naming the key/value (issue 4 list); a blow-up:
# exit status 2 naming the step.
set -u
exe=$1; src=$2; out=$PWD/proj_bad
rm -rf "$out"; mkdir -p "$out"
ini="$src/apps/cfd/examples/cavity_re100.ini"
fail=0
check() { # np expected-regex args... (expects exit 1)
  checkrc 1 "$@"
}
checkrc() { # exit-code np expected-regex args...
  local want=$1 np=$2 re=$3; shift 3
  $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG "$np" "$exe" "$ini" output.dir="$out/run" "$@" > "$out/stdout" 2> "$out/stderr"
  local rc=$?
  local lines; lines=$(grep -c "error" "$out/stderr")
  if [[ $rc -ne $want ]] || ! grep -Eq "$re" "$out/stderr" || [[ $lines -ne 1 ]]; then
    echo "FAILED ($*): exit $rc, expected $want and one line matching /$re/; stderr:"; cat "$out/stderr"; fail=1
  else
    echo "ok ($*): $(grep error "$out/stderr")"
  fi
}
check 1 "flow\.nu.*-1.*out of range" flow.nu=-1
check 2 "flow\.nu.*must be > 0" flow.nu=0
check 1 "grid\.n.*at least 3 cells" grid.n=2,2
check 1 "bc\.xlo.*slip.*not one of" bc.xlo=slip
check 1 "time\.cfl.*1\.5.*out of range" time.cfl=1.5
check 4 "3 cells in x cannot be split over 4 ranks" grid.n=3,8 grid.dims=4,1
check 1 "periodic must be set on both" bc.xlo=periodic
check 1 "pressure\.solver.*fft.*petsc" bc.xhi=outflow
check 1 "steady\.method.*newton.*outflow" steady.method=newton bc.xhi=outflow pressure.solver=petsc
check 1 "steady\.nu_continuation.*newton only" steady.nu_continuation=0.01
check 1 "scheme\.convection.*quick.*stretched" grid.stretch=tanh scheme.convection=quick
check 1 "grid\.stretch_dir.*periodic" case=poiseuille grid.n=8,16 grid.stretch=tanh grid.stretch_dir=x
checkrc 2 2 "not finite at step [0-9]+.*time\.dt" grid.n=32,32 time.dt=0.5
exit $fail
