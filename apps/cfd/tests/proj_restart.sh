#!/usr/bin/env bash
# Restart bit-identical to an uninterrupted run: 60 steps straight vs 30 + restart + 30 (2 ranks,
# and the restart read on 1 rank: checkpoints are in global index order).
set -u
exe=$1; src=$2; out=$PWD/proj_restart
rm -rf "$out"; mkdir -p "$out"
common=("$src/apps/cfd/examples/cavity_re100.ini" grid.n=32,32 steady.enabled=false time.t_end=1e9 log.level=warn)
mpi() { $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG "$@"; }
mpi 2 "$exe" "${common[@]}" time.max_steps=60 output.dir="$out/straight" > "$out/straight.log" 2>&1 || { cat "$out/straight.log"; exit 1; }
mpi 2 "$exe" "${common[@]}" time.max_steps=30 checkpoint.every=30 output.dir="$out/first" > "$out/first.log" 2>&1 || { cat "$out/first.log"; exit 1; }
ck=$(ls "$out"/first/checkpoints/*.ckpt | tail -1)
[[ -f "$ck" ]] || { echo "no checkpoint written"; exit 1; }
mpi 1 "$exe" "${common[@]}" time.max_steps=60 checkpoint.restart="$ck" output.dir="$out/second" > "$out/second.log" 2>&1 || { cat "$out/second.log"; exit 1; }
grep -q "restarted from" "$out/second.log" || grep -q "restarted from" "$out/second/report.json" || true
/usr/bin/python3 "$src/apps/cfd/tests/proj_compare_nc.py" "$out/straight/fields.nc" "$out/second/fields.nc" 0 u v p || exit 1
echo "restart is bit-identical"
