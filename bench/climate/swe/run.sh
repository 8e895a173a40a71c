#!/usr/bin/env bash
# bench/climate/swe/run.sh BUILD_DIR OUT_DIR — seconds per simulated day of the global
# shallow-water model (Williamson case 2, alpha = 0) at 2.8125, 1.40625 and 0.703125 deg on 1 and
# 2 ranks, with and without the polar filter. Short spans (the step count, not the span, sets the
# cost); the report's seconds_per_simulated_day is wall time of the time loop / simulated days.
# Prints the filter's gain (s/day without / with) and the 2-rank speed-up. Issue 11 target:
# <= 0.6 s per simulated day per core at 1.40625 deg (s/day x ranks).
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR OUT_DIR}" && pwd)
out=${2:?usage: run.sh BUILD_DIR OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$(cd "$(dirname "$0")/../../.." && pwd)
exe=$build/apps/climate/whpc-climate
grep -q whpc_checkpoint_keys "$root/apps/climate/src/main.c" || exe=$build/apps/climate/tests/swe/swe_test_climate
[ -x "$exe" ] || { echo "bench/climate/swe: $exe not built" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1
cfg=$root/apps/climate/examples/swe_williamson2.ini
csv=$out/swe_bench.csv
echo "resolution_deg,ranks,filter,dt_s,steps,seconds_per_simulated_day,seconds_per_day_per_core,cpu_seconds_per_day_max_rank" > "$csv"
# simulated days per run: filtered steps are ~18x longer than unfiltered ones
days() { # res filter
  case "$1:$2" in
    2.8125:true) echo 2 ;; 1.40625:true) echo 0.5 ;; 0.703125:true) echo 0.125 ;;
    2.8125:false) echo 0.1 ;; 1.40625:false) echo 0.0125 ;; 0.703125:false) echo 0.0015 ;;
  esac
}
for res in 2.8125 1.40625 0.703125; do
  for filter in true false; do
    for np in 1 2; do
      d=$out/r${res}_np${np}_f$filter
      rm -rf "$d"
      mpiexec -n $np "$exe" "$cfg" output.dir="$d" swe.resolution=$res swe.filter=$filter swe.alpha=0 \
        swe.days=$(days $res $filter) swe.output_every=0 swe.diag_every=0 log.progress_interval=60 > "$d.log" 2>&1 ||
        { echo "run $res np=$np filter=$filter failed (see $d.log)" >&2; exit 1; }
      /usr/bin/python3 - "$d/report.json" "$res" "$np" "$filter" >> "$csv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
s = r["seconds_per_simulated_day"]
print(f"{sys.argv[2]},{sys.argv[3]},{sys.argv[4]},{r['dt_s']:.3f},{int(r['simulated_days']*86400/r['dt_s']+0.5)},{s:.4g},{s*int(sys.argv[3]):.4g},{r['cpu_seconds_per_simulated_day']:.4g}")
PY
    done
  done
done
/usr/bin/python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
get = lambda res, np, f: float(next(r for r in rows if r["resolution_deg"] == res and r["ranks"] == np and r["filter"] == f)["seconds_per_simulated_day"])
print(f"{'res (deg)':>10} {'ranks':>5} {'s/day filter':>13} {'s/day no filter':>16} {'filter gain':>12} {'2-rank speed-up':>16}")
for res in ("2.8125", "1.40625", "0.703125"):
    for np in ("1", "2"):
        a, b = get(res, np, "true"), get(res, np, "false")
        sp = get(res, "1", "true") / get(res, "2", "true") if np == "2" else 1.0
        print(f"{res:>10} {np:>5} {a:13.3f} {b:16.2f} {b/a:11.1f}x {sp:15.2f}x")
t = get("1.40625", "1", "true")
c = float(next(r for r in rows if r["resolution_deg"] == "1.40625" and r["ranks"] == "1" and r["filter"] == "true")["cpu_seconds_per_day_max_rank"])
print(f"1.40625 deg, 1 rank, filter: {t:.3f} wall s ({c:.3f} CPU s) per simulated day per core "
      f"(issue 11 target <= 0.6): {'met' if t <= 0.6 else 'NOT met'} on wall time"
      f"{'' if t <= 0.6 else ', ' + ('met' if c <= 0.6 else 'not met') + ' on CPU time (machine shared?)'}")
PY
echo "bench/climate/swe: $csv"
