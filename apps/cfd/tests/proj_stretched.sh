#!/usr/bin/env bash
# Stretched grid (grid.stretch = tanh): the FFT pressure solver (transforms in the uniform
# directions, Thomas along the stretched one) against PETSc CG + Galerkin MG on the same operator,
# cavity Re = 100, 32^2, 60 steps, stretched in y and in x. FFT at 1 and 2 ranks: identical
# (<= 1e-12; measured bitwise); fft vs petsc: <= 1e-9 (PETSc stops at rtol 1e-13; measured 4e-16).
set -u
exe=$1; src=$2; out=$PWD/proj_stretched
rm -rf "$out"; mkdir -p "$out"
cmp="/usr/bin/python3 $src/apps/cfd/tests/proj_compare_nc.py"
run() { # np tag args...
  local np=$1 tag=$2; shift 2
  $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG "$np" "$exe" "$src/apps/cfd/examples/cavity_re100.ini" grid.n=32,32 grid.stretch=tanh \
    steady.enabled=false time.max_steps=60 time.t_end=1e9 pressure.rtol=1e-13 output.dir="$out/$tag" log.level=warn "$@" \
    > "$out/$tag.log" 2>&1 || { echo "run $tag failed:"; cat "$out/$tag.log"; exit 1; }
  grep -q "FAIL" "$out/$tag.log" && { echo "run $tag has a failed verdict:"; cat "$out/$tag.log"; exit 1; }
  return 0
}
run 1 yfft1
run 2 yfft2
run 2 ypetsc2 pressure.solver=petsc
run 1 xfft1 grid.stretch_dir=x
run 2 xpetsc2 grid.stretch_dir=x pressure.solver=petsc
$cmp "$out/yfft1/fields.nc" "$out/yfft2/fields.nc" 1e-12 || exit 1
$cmp "$out/yfft1/fields.nc" "$out/ypetsc2/fields.nc" 1e-9 u v || exit 1
$cmp "$out/xfft1/fields.nc" "$out/xpetsc2/fields.nc" 1e-9 u v || exit 1
echo "stretched grid: fft = petsc, 1 rank = 2 ranks"
