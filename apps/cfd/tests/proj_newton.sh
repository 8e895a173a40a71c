#!/usr/bin/env bash
# steady.method = newton (PETSc SNES) against the time-marching steady state of the same
# discretisation, cavity Re = 100 at 32^2: the two must agree to the steady tolerance, checked at
# 1e-6 of max|u| (measured 2e-10 with steady.tol = 1e-10 for the time-stepper). Newton at 1 and 2
# ranks: same fields to 1e-12 (MUMPS LU on a different rank count changes only round-off;
# measured 2.5e-16).
set -u
exe=$1; src=$2; out=$PWD/proj_newton
rm -rf "$out"; mkdir -p "$out"
ini="$src/apps/cfd/examples/cavity_re100.ini"
cmp="/usr/bin/python3 $src/apps/cfd/tests/proj_compare_nc.py"
run() { # np tag args...
  local np=$1 tag=$2; shift 2
  $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG "$np" "$exe" "$ini" grid.n=32,32 output.dir="$out/$tag" log.level=warn "$@" \
    > "$out/$tag.log" 2>&1 || { echo "run $tag failed:"; cat "$out/$tag.log"; exit 1; }
}
run 1 time steady.tol=1e-10
run 1 newton1 steady.method=newton
run 2 newton2 steady.method=newton
$cmp "$out/time/fields.nc" "$out/newton1/fields.nc" 1e-6 u v || exit 1
$cmp "$out/newton1/fields.nc" "$out/newton2/fields.nc" 1e-12 u v p || exit 1
echo "newton = time-marching steady state; newton 1 rank = 2 ranks"
