#!/usr/bin/env bash
# Spectral DNS benchmark: time per RK4 step against 18 r2c+c2r FFTW-MPI pairs of the same size and
# ranks, measured in the same run (target <= 1.3x), and a 64^3 -> 128^3 -> 256^3 scaling table.
# usage: bench/cfd/spectral/run.sh BUILD_DIR OUT_DIR
#   env: NP ranks [2], SIZES ["64 128 256"], PLANNER [measure up to 128^3, estimate above: FFTW_MEASURE
#   planning of 256^3 takes minutes on a small machine], DECOMP [auto | slab | pencil],
#   REUSE ["N:REPORT.json ..."]: take size N's row from the report.json of a run already made (e.g. the
#   256^3 validation run, whose report has the same results.perf figures) instead of running it
# Each size runs the 3D Taylor-Green case for a few steps; FFTW wisdom is kept in OUT_DIR/wisdom, so
# a second invocation skips planning. Step and FFT baseline always use the same plans. Timing here is on a shared machine:
# compare ratios within one run, not absolute numbers between machines.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
out=${2:-runs/bench/cfd-spectral}
np=${NP:-2}
sizes=${SIZES:-"64 128 256"}
exe="$build/apps/cfd/whpc-cfd"
[[ -x $exe ]] || { echo "bench/cfd/spectral: $exe not built" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1
printf 'solver = spectral\n' > "$out/bench.ini"
csv="$out/summary.csv"
echo "n,ranks,steps,time_per_step_s,fft_pair_s,step_over_18_pairs,points_steps_per_s" > "$csv"
decomp=${DECOMP:-auto}
row() {  # REPORT N NP -> csv row
  /usr/bin/python3 - "$1" "$2" "$3" >> "$csv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]["perf"]
n, np_ = int(sys.argv[2]), int(sys.argv[3])
print(f"{n},{np_},{int(r['steps'])},{r['time_per_step']:.6g},{r['fft_pair_time']:.6g},"
      f"{r['step_over_fft_cost']:.4f},{n**3 / r['time_per_step']:.4g}")
PY
}
for n in $sizes; do
  reuse=""
  for r in ${REUSE:-}; do [[ ${r%%:*} == "$n" ]] && reuse=${r#*:}; done
  if [[ -n $reuse ]]; then
    echo "--- n = $n^3: row from $reuse"
    rnp=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ranks'])" "$reuse" 2>/dev/null || echo "$np")
    row "$reuse" "$n" "$rnp"
    continue
  fi
  steps=$(( n <= 64 ? 20 : n <= 128 ? 6 : 3 ))
  planner=${PLANNER:-$([[ $n -le 128 ]] && echo measure || echo estimate)}
  run="$out/n$n-np$np"
  rm -rf "$run"
  echo "--- n = $n^3 on $np ranks, $steps steps, planner $planner"
  mpiexec -n "$np" --oversubscribe "$exe" "$out/bench.ini" spectral.case=tgv3d spectral.n="$n" \
    spectral.max_steps="$steps" spectral.t_end=100 spectral.planner="$planner" spectral.wisdom_dir="$out/wisdom" \
    spectral.reference=none spectral.fft_pairs=18 spectral.decomposition="$decomp" log.level=warn \
    output.enabled=false output.dir="$run"
  row "$run/report.json" "$n" "$np"
done
/usr/bin/python3 - "$csv" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("\n  n^3   ranks  s/step     18 FFT pairs  step/FFTs  (target <= 1.3)  points*steps/s  t(n)/t(n/2) (n log n: ~9)")
prev = None
for r in rows:
    t = float(r["time_per_step_s"]); f = 18 * float(r["fft_pair_s"]); ratio = float(r["step_over_18_pairs"])
    scal = f"{t / prev:.2f}" if prev else "-"
    print(f"  {r['n']:>5} {r['ranks']:>6}  {t:9.4g}  {f:12.4g}  {ratio:9.3f}  {'ok' if ratio <= 1.3 else 'above':>15}"
          f"  {float(r['points_steps_per_s']):14.4g}  {scal:>10}")
    prev = t
PY
echo "bench/cfd/spectral: table in $csv"
