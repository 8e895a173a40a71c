#!/usr/bin/env bash
# Projection solver benchmark (ratios measured in one run on this machine):
#  1. explicit-step bandwidth of whpc-cfd (report.json explicit.bandwidth_GBps, 1024^2 cavity,
#     a few steps) against a STREAM triad measured here (target >= 70 %);
#  2. pressure solve: whpc-cfd petsc (CG + MG on the DMDA) and fft per-solve time against PETSc's
#     tutorials ksp/ex50 (2D Neumann, same grid, same rtol) and ksp/ex45 (3D), built from Debian's
#     libpetsc3.18-dev-examples (skipped when not installed);
#  3. cavity Re = 1000 at 128^2 to steady state against PETSc snes/ex19 (velocity-vorticity Newton,
#     -lidvelocity 1000 -grashof 0) at the same grid and ranks: time and accuracy against Botella &
#     Peyret (1998) of ex19 (its GMRES/MG default and MUMPS LU; ex19_accuracy.py reads its final
#     state) and of whpc-cfd (steady.method = newton and time).
# usage: bench/cfd/projection/run.sh BUILD_DIR OUT_DIR   (env: NP ranks [2], QUICK=1 skips 3,
#        ONLY=explicit|pressure|ex19 runs only 1, 2 or 3)
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
out=${2:-runs/bench/cfd-projection}
np=${NP:-2}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
exe="$build/apps/cfd/whpc-cfd"
[[ -x $exe ]] || { echo "bench/cfd/projection: $exe not built" >&2; exit 1; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1
mpi() { mpiexec -n "$np" --oversubscribe "$@"; }
py=/usr/bin/python3
json() { $py -c "import json,sys; r=json.load(open(sys.argv[1])); $2" "$1"; }
summary="$out/summary.txt"; : > "$summary"
ratio() { $py -c "import sys; a, b = sys.argv[1:3]; print(f'{float(a)/float(b):.2f}' if a and b else 'n/a')" "${1:-}" "${2:-}"; }
say() { echo "$*" | tee -a "$summary"; }
want() { [[ -z ${ONLY:-} || ${ONLY} == "$1" ]]; }

# ---- 1. STREAM triad vs explicit part
# The explicit part's bytes are the algorithm's minimal traffic (report.json
# explicit.bytes_model_per_cell_step, 10 nd + 3 doubles per cell and step; proj_run.c), so the
# ratio is an effective bandwidth. Best against best: STREAM's fastest of 10 repetitions against the
# fastest of the 30 explicit stages (explicit.bandwidth_best_stage_GBps); the run means are printed
# too. Three interleaved rounds, because on a shared machine the two drift apart between runs.
if want explicit; then
mpicc -O3 -march=native -o "$out/stream_triad" "$here/stream_triad.c" || exit 1
for round in 1 2 3; do
  read -r triad triad_mean < <(mpi "$out/stream_triad" 20000000 | awk '/triad_GBps/ {print $2, $4}')
  mpi "$exe" "$src/apps/cfd/examples/cavity_re100.ini" grid.n=1024,1024 steady.enabled=false time.max_steps=10 \
    time.t_end=1e9 output.dir="$out/explicit" output.enabled=false output.overwrite=true log.level=warn > "$out/explicit.log" 2>&1
  read -r bw bw_mean < <(json "$out/explicit/report.json" "e=r['results']['explicit']; print(e['bandwidth_best_stage_GBps'], e['bandwidth_GBps'])")
  say "explicit step round $round: fastest stage ${bw} GB/s vs STREAM triad best ${triad} GB/s: ratio $(ratio "$bw" "$triad") (target >= 0.70); means ${bw_mean} vs ${triad_mean} GB/s: $(ratio "$bw_mean" "$triad_mean"); $np ranks, 1024^2, $(uptime | sed 's/.*load/load/')"
done
fi

# ---- 2. pressure solve vs PETSc ex50 / ex45
ex=/usr/share/petsc/3.18/share/petsc/examples/src
# whpc-cfd: pressure timer / solves (includes the first, cold solve; the others are warm-started)
per_solve() { json "$1" "t=[x for x in r['timers'] if x['name']=='pressure'][0]; print(f\"{t['max_s']/t['count']:.4g}\")"; }
if [[ ${ONLY:-} == explicit ]]; then
  :
elif [[ -f $ex/ksp/ksp/tutorials/ex50.c ]]; then
  for e in ksp/ksp/tutorials/ex50 ksp/ksp/tutorials/ex45 snes/tutorials/ex19; do
    mpicc -O2 -o "$out/$(basename $e)" "$ex/$e.c" $(pkg-config --cflags --libs PETSc) -lm || exit 1
  done
  n=512; rtol=1e-8
  if want pressure; then
  # PETSc ex50: 2D Neumann Poisson on a vertex DMDA ((n+1)^2 points, Q1 multigrid with
  # rediscretised levels), CG + MG V-cycle, same tolerance; KSPSolve time from -log_view
  mpi "$out/ex50" -da_grid_x $((n+1)) -da_grid_y $((n+1)) -ksp_type cg -pc_type mg -pc_mg_levels 6 \
    -mg_coarse_pc_type redundant -mg_coarse_redundant_pc_type svd -ksp_rtol $rtol -ksp_converged_reason -log_view > "$out/ex50.log" 2>&1
  t50=$(awk '/^KSPSolve/ {print $4; exit}' "$out/ex50.log")
  for s in petsc fft; do
    mpi "$exe" "$src/apps/cfd/examples/cavity_re100.ini" grid.n=$n,$n steady.enabled=false time.max_steps=3 time.t_end=1e9 \
      pressure.solver=$s pressure.rtol=$rtol output.dir="$out/p2d_$s" output.overwrite=true log.level=warn > "$out/p2d_$s.log" 2>&1
    t=$(per_solve "$out/p2d_$s/report.json")
    say "2D ${n}^2 pressure solve ($s): ${t} s per solve vs PETSc ex50 ${t50} s, ratio $(ratio "$t" "$t50") (target <= 1.0)"
  done
  m=64
  mpi "$out/ex45" -da_grid_x $((m+1)) -da_grid_y $((m+1)) -da_grid_z $((m+1)) -ksp_type cg -pc_type mg -pc_mg_levels 4 \
    -ksp_rtol $rtol -ksp_converged_reason -log_view > "$out/ex45.log" 2>&1
  t45=$(awk '/^KSPSolve/ {print $4; exit}' "$out/ex45.log")
  for s in petsc fft; do
    mpi "$exe" "$src/apps/cfd/examples/cavity3d.ini" grid.n=$m,$m,$m time.max_steps=3 time.t_end=1e9 \
      pressure.solver=$s pressure.rtol=$rtol output.dir="$out/p3d_$s" output.overwrite=true log.level=warn > "$out/p3d_$s.log" 2>&1
    t=$(per_solve "$out/p3d_$s/report.json")
    say "3D ${m}^3 pressure solve ($s): ${t} s per solve vs PETSc ex45 (65^3 vertices, Dirichlet) ${t45} s, ratio $(ratio "$t" "$t45")"
  done
  fi
  if [[ -z ${QUICK:-} ]] && want ex19; then
    # ex19 is vertex-centred: 129^2 points = 128^2 intervals, unit viscosity, so -lidvelocity 1000
    # -grashof 0 is the Re = 1000 cavity (temperature passive); its default Newton + GMRES/MG, and
    # the same MUMPS LU as ours. Its final state is written for the accuracy check.
    t19=(); a19=()
    for v in mg lu; do
      if [[ $v == mg ]]; then opts="-pc_type mg -pc_mg_levels 4"; else opts="-ksp_type preonly -pc_type lu -pc_factor_mat_solver_type mumps"; fi
      s0=$(date +%s.%N)
      mpi "$out/ex19" -da_grid_x 129 -da_grid_y 129 -lidvelocity 1000 -grashof 0 -prandtl 1 -snes_converged_reason \
        -snes_monitor $opts -snes_view_solution binary:"$out/ex19_$v.bin" > "$out/ex19_$v.log" 2>&1
      t=$($py -c "import time; print(f'{time.time()-$s0:.1f}')")
      acc=$($py "$here/ex19_accuracy.py" "$out/ex19_$v.bin" 129 129 1000 2>&1 | tee "$out/ex19_${v}_accuracy.txt" | awk '/max_relative_error/ {print $2}')
      say "PETSc ex19 ($v) Re=1000 129^2 vertices, $np ranks: ${t} s, $(grep -Eo 'Nonlinear solve (converged|did not converge) due to [A-Z_]*' "$out/ex19_$v.log" | head -1), $(grep -c 'SNES Function norm' "$out/ex19_$v.log") residuals; max relative error vs Botella & Peyret ${acc:-n/a} (u_min, v_max, v_min, psi_min; gate 0.02)"
      t19+=("$t")
    done
    # whpc-cfd: Newton (steady.method = newton, MUMPS LU) and the explicit time march, same ranks
    for m in newton time; do
      s0=$(date +%s.%N)
      mpi "$exe" "$src/apps/cfd/examples/cavity_re1000.ini" steady.method=$m output.dir="$out/re1000_$m" output.overwrite=true > "$out/re1000_$m.log" 2>&1
      t=$($py -c "import time; print(f'{time.time()-$s0:.1f}')")
      acc=$(json "$out/re1000_$m/report.json" "print(max(abs(v['value']-v['reference'])/abs(v['reference']) for v in r['validation'] if v['name'] in ('u_min_vertical_centreline','v_max_horizontal_centreline','v_min_horizontal_centreline','primary_vortex_psi')))" 2>/dev/null)
      say "whpc-cfd ($m) Re=1000 128^2 cells, $np ranks: ${t} s ($(grep -c 'PASS' "$out/re1000_$m.log") verdicts passed, $(grep -c 'FAIL ' "$out/re1000_$m.log") failed), max relative error vs Botella & Peyret ${acc:-n/a}; ratio to ex19 mg $(ratio "$t" "${t19[0]}"), to ex19 lu $(ratio "$t" "${t19[1]}")"
    done
  fi
else
  say "PETSc tutorial sources not installed (apt-get install libpetsc3.18-dev-examples): pressure/ex19 comparisons skipped"
fi
echo "summary: $summary"
