#!/usr/bin/env bash
# Projection solver benchmark (ratios measured in one run on this machine):
#  1. explicit-step bandwidth of whpc-cfd (report.json explicit.bandwidth_*, 2048^2 cavity and
#     128^3 3D cavity, a few steps) against a STREAM triad measured here (target >= 70 %);
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
# ratio is an effective bandwidth. STREAM: fastest and mean of 40 repetitions (8M doubles per
# array and rank: 384 MB on 2 ranks, 12x this machine's 32 MB L3; 10-25 ms each); whpc-cfd: the
# fastest and the mean of its 15 explicit stages at 2048^2 (~170 MB per stage on 2 ranks; at 1024^2
# u and p would partly still sit in the L3 from the projection). Both are timed in wall clock and in
# thread CPU time, the slowest rank's: on a shared, oversubscribed machine a stage or repetition
# that loses a time slice is inflated in wall clock only, so the per-CPU-second ratio is the one
# that compares the codes (both wall ratios are printed too). Three interleaved rounds.
# whpc-cfd's fields sit on transparent huge pages (proj_run.c field_alloc), so the STREAM that sets
# the target does too (stream_triad ... huge): here that raises STREAM by ~45 % per core (TLB misses
# and prefetchers stopping at 4 KiB pages), the kernel by ~15 %. The ratio against STREAM on small
# pages (how STREAM runs when THP is "madvise") is printed too; it is not the target.
if want explicit; then
mpicc -O3 -march=native -o "$out/stream_triad" "$here/stream_triad.c" || exit 1
for round in 1 2 3; do
  read -r triad triad_mean ctriad ctriad_mean < <(mpi "$out/stream_triad" 8000000 40 huge | awk '/triad_GBps/ {print $2, $4, $6, $8}')
  read -r _ _ striad striad_mean < <(mpi "$out/stream_triad" 8000000 40 | awk '/triad_GBps/ {print $2, $4, $6, $8}')
  load=$(uptime | sed 's/.*load average: //')
  for d in 2 3; do
    if [[ $d == 2 ]]; then
      mpi "$exe" "$src/apps/cfd/examples/cavity_re100.ini" grid.n=2048,2048 steady.enabled=false time.max_steps=5 \
        time.t_end=1e9 output.dir="$out/explicit${d}d" output.enabled=false output.overwrite=true log.level=warn > "$out/explicit${d}d.log" 2>&1
    else # 3D: no target in the issue; same accounting
      mpi "$exe" "$src/apps/cfd/examples/cavity3d.ini" grid.n=128,128,128 time.max_steps=5 time.t_end=1e9 \
        output.dir="$out/explicit${d}d" output.enabled=false output.overwrite=true log.level=warn > "$out/explicit${d}d.log" 2>&1
    fi
    read -r bw bw_mean cbw cbw_mean < <(json "$out/explicit${d}d/report.json" "e=r['results']['explicit']; print(e['bandwidth_best_stage_GBps'], e['bandwidth_GBps'], e['bandwidth_cpu_best_stage_GBps'], e['bandwidth_cpu_GBps'])")
    say "explicit ${d}D round $round ($np ranks, $([[ $d == 2 ]] && echo 2048^2 || echo 128^3), load $load): per CPU-second fastest stage $(printf %.2f "$cbw") vs STREAM $ctriad GB/s: ratio $(ratio "$cbw" "$ctriad")$([[ $d == 2 ]] && echo ' (target >= 0.70)'), means $(printf %.2f "$cbw_mean") vs $ctriad_mean: $(ratio "$cbw_mean" "$ctriad_mean"); against STREAM on small pages ($striad, mean $striad_mean): $(ratio "$cbw" "$striad"), means $(ratio "$cbw_mean" "$striad_mean"); wall clock fastest $(printf %.2f "$bw") vs $triad: $(ratio "$bw" "$triad"), means $(printf %.2f "$bw_mean") vs $triad_mean: $(ratio "$bw_mean" "$triad_mean")"
  done
done
fi

# ---- 2. pressure solve vs PETSc ex50 / ex45
ex=/usr/share/petsc/3.18/share/petsc/examples/src
# whpc-cfd: time per pressure solve that did work (report.json pressure.time_per_solve_s: warm-started
# solves, without the set-up, which is timed separately as pressure_setup), PETSc's KSPSolve event
# of -log_view likewise (its PCSetUp is logged apart)
per_solve() { json "$1" "print(f\"{r['results']['pressure']['time_per_solve_s']:.4g}\")"; }
setup_s() { json "$1" "t=[x for x in r['timers'] if x['name']=='pressure_setup'][0]; print(f\"{t['max_s']:.3g}\")"; }
its_per_solve() { json "$1" "x=r['results']; print(f\"{x['poisson_iterations']/max(x['pressure']['solves'],1):.1f}\")"; }
ksp() { awk '/^KSPSolve/ {s=$4} /^PCSetUp/ {p=$4} END {print s, p}' "$1"; }
kits() { grep -o 'iterations [0-9]*' "$1" | head -1 | awk '{print $2}'; }
# On a shared machine one run can be several times slower than the next: every pressure
# measurement is the best of three runs (REPS), the peer's and ours alike.
reps=${REPS:-3}
# peer LOG ARGS...: run a PETSc tutorial reps times, keep in LOG the run with the fastest KSPSolve
peer() {
  local log=$1 best= t; shift
  for ((i = 1; i <= reps; i++)); do
    mpi "$@" > "$log.tmp" 2>&1
    t=$(awk '/^KSPSolve/ {print $4}' "$log.tmp")
    if [[ -z $best ]] || $py -c "import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))" "$t" "$best"; then best=$t; mv "$log.tmp" "$log"; fi
  done
  rm -f "$log.tmp"
}
# whpc DIR ARGS...: run whpc-cfd reps times into DIR_r*, link DIR to the fastest per solve
whpc() {
  local dir=$1 best= t bi=1; shift
  for ((i = 1; i <= reps; i++)); do
    mpi "$exe" "$@" output.dir="${dir}_r$i" output.enabled=false output.overwrite=true log.level=warn > "${dir}_r$i.log" 2>&1
    t=$(per_solve "${dir}_r$i/report.json")
    if [[ -z $best ]] || $py -c "import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))" "$t" "$best"; then best=$t; bi=$i; fi
  done
  rm -rf "$dir"; ln -s "$(basename "${dir}_r$bi")" "$dir"
}
if [[ ${ONLY:-} == explicit ]]; then
  :
elif [[ -f $ex/ksp/ksp/tutorials/ex50.c ]]; then
  for e in ksp/ksp/tutorials/ex50 ksp/ksp/tutorials/ex45 snes/tutorials/ex19; do
    mpicc -O2 -o "$out/$(basename $e)" "$ex/$e.c" $(pkg-config --cflags --libs PETSc) -lm || exit 1
  done
  n=512; rtol=1e-8
  if want pressure; then
  # PETSc ex50: 2D Neumann Poisson on a vertex DMDA ((n+1)^2 points, Q1 multigrid with
  # rediscretised levels), CG + MG V-cycle, same rtol. Our CG stops on the true (unpreconditioned)
  # residual; PETSc's CG default is the preconditioned one, a different test (5 instead of 9
  # iterations here): the target ratio is against ex50 with -ksp_norm_type unpreconditioned, the same
  # test. ex50 as shipped and ex50 with our smoother are printed too.
  opt50="-da_grid_x $((n+1)) -da_grid_y $((n+1)) -ksp_type cg -pc_type mg -pc_mg_levels 6 -mg_coarse_pc_type redundant \
    -mg_coarse_redundant_pc_type svd -ksp_rtol $rtol -ksp_converged_reason -log_view"
  ours="-mg_levels_ksp_type richardson -mg_levels_pc_type sor -mg_levels_ksp_max_it 1"
  peer "$out/ex50_default.log" "$out/ex50" $opt50
  peer "$out/ex50.log" "$out/ex50" $opt50 -ksp_norm_type unpreconditioned
  peer "$out/ex50_sor.log" "$out/ex50" $opt50 -ksp_norm_type unpreconditioned $ours
  read -r t50 s50 < <(ksp "$out/ex50.log"); read -r t50d s50d < <(ksp "$out/ex50_default.log"); read -r t50s s50s < <(ksp "$out/ex50_sor.log")
  say "PETSc ex50 ${n}^2 (513^2 vertices), $np ranks: KSPSolve ${t50} s ($(kits "$out/ex50.log") its, true residual), PCSetUp ${s50} s; as shipped (preconditioned norm) ${t50d} s ($(kits "$out/ex50_default.log") its); with our smoother ${t50s} s ($(kits "$out/ex50_sor.log") its); $(uptime | sed 's/.*load/load/')"
  for s in petsc fft; do
    whpc "$out/p2d_$s" "$src/apps/cfd/examples/cavity_re100.ini" grid.n=$n,$n steady.enabled=false time.max_steps=3 \
      time.t_end=1e9 pressure.solver=$s pressure.rtol=$rtol
    t=$(per_solve "$out/p2d_$s/report.json")
    say "2D ${n}^2 pressure solve ($s): ${t} s per solve ($(its_per_solve "$out/p2d_$s/report.json") its), set-up $(setup_s "$out/p2d_$s/report.json") s; ratio $(ratio "$t" "$t50") to ex50 (target <= 1.0), $(ratio "$t" "$t50d") to ex50 as shipped, $(ratio "$t" "$t50s") to ex50 with our smoother"
  done
  m=64
  opt45="-da_grid_x $((m+1)) -da_grid_y $((m+1)) -da_grid_z $((m+1)) -ksp_type cg -pc_type mg -pc_mg_levels 4 -ksp_rtol $rtol \
    -ksp_converged_reason -log_view"
  peer "$out/ex45_default.log" "$out/ex45" $opt45
  peer "$out/ex45.log" "$out/ex45" $opt45 -ksp_norm_type unpreconditioned
  peer "$out/ex45_sor.log" "$out/ex45" $opt45 -ksp_norm_type unpreconditioned $ours
  read -r t45 s45 < <(ksp "$out/ex45.log"); read -r t45d s45d < <(ksp "$out/ex45_default.log"); read -r t45s s45s < <(ksp "$out/ex45_sor.log")
  say "PETSc ex45 65^3 vertices (Dirichlet), $np ranks: KSPSolve ${t45} s ($(kits "$out/ex45.log") its, true residual), PCSetUp ${s45} s; as shipped ${t45d} s ($(kits "$out/ex45_default.log") its); with our smoother ${t45s} s ($(kits "$out/ex45_sor.log") its)"
  for s in petsc fft; do
    whpc "$out/p3d_$s" "$src/apps/cfd/examples/cavity3d.ini" grid.n=$m,$m,$m time.max_steps=3 time.t_end=1e9 \
      pressure.solver=$s pressure.rtol=$rtol
    t=$(per_solve "$out/p3d_$s/report.json")
    say "3D ${m}^3 pressure solve ($s): ${t} s per solve ($(its_per_solve "$out/p3d_$s/report.json") its), set-up $(setup_s "$out/p3d_$s/report.json") s; ratio $(ratio "$t" "$t45") to ex45 (target <= 1.0), $(ratio "$t" "$t45d") to ex45 as shipped, $(ratio "$t" "$t45s") to ex45 with our smoother"
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
