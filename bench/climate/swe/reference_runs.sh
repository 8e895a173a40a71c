#!/usr/bin/env bash
# bench/climate/swe/reference_runs.sh BUILD_DIR OUT_DIR [NP] — the cases without an analytic
# solution (a few minutes on 2 cores):
#   case 5 (mountain, 15 days) at 2.8125, 1.40625 and 0.703125 deg; the coarse heights are compared
#   with the finest run (remapped bilinearly to the coarse grid with cdo remapbil): normalised l2;
#   case 6 (Rossby-Haurwitz R=4, 14 days) at 2.8125 and 1.40625 deg: pattern drift and drifts of
#   mass, energy and potential enstrophy.
set -uo pipefail
build=$(cd "${1:?usage: reference_runs.sh BUILD_DIR OUT_DIR [NP]}" && pwd)
out=${2:?usage}; np=${3:-2}
mkdir -p "$out" && out=$(cd "$out" && pwd)
root=$(cd "$(dirname "$0")/../../.." && pwd)
exe=$build/apps/climate/whpc-climate
grep -q whpc_checkpoint_keys "$root/apps/climate/src/main.c" || exe=$build/apps/climate/tests/swe/swe_test_climate
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_rmaps_base_oversubscribe=1
ex=$root/apps/climate/examples
run() { # dir config args...
  local d=$1 cfg=$2; shift 2
  rm -rf "$d"
  mpiexec -n "$np" "$exe" "$cfg" output.dir="$d" swe.output_every=0 log.progress_interval=60 "$@" > "$d.log" 2>&1 ||
    { echo "failed: $d (see $d.log)" >&2; exit 1; }
}
for res in 0.703125 1.40625 2.8125; do run "$out/c5_$res" "$ex/swe_williamson5.ini" swe.resolution=$res; done
for res in 1.40625 2.8125; do run "$out/c6_$res" "$ex/swe_williamson6.ini" swe.resolution=$res; done
/usr/bin/python3 - "$out" <<'PY'
import json, subprocess, sys, os
import netCDF4, numpy as np
out = sys.argv[1]
def rep(d): return json.load(open(os.path.join(out, d, "report.json")))["results"]
print("case 5 (15 days): height vs the 0.703125 deg run, remapped bilinearly to the coarse grid")
print(f"{'res':>9} {'l2 vs finest':>13} {'mass drift':>11} {'energy drift':>13} {'pot. enstrophy drift':>21}")
fine = os.path.join(out, "c5_0.703125", "swe.nc")
for res in ("2.8125", "1.40625", "0.703125"):
    r = rep(f"c5_{res}")["conservation"]
    d = os.path.join(out, f"c5_{res}", "swe.nc")
    l2 = float("nan")
    if res != "0.703125":
        n = int(round(360 / float(res)))
        tmp = os.path.join(out, f"fine_on_{res}.nc")
        subprocess.run(["cdo", "-s", "-O", f"remapbil,r{n}x{n//2}", "-seltimestep,-1", "-selname,height", fine, tmp], check=True)
        a = netCDF4.Dataset(d)["height"][-1]
        b = netCDF4.Dataset(tmp)["height"][0]
        lat = np.deg2rad(netCDF4.Dataset(d)["lat"][:])
        w = np.cos(lat)[:, None] * np.ones_like(a)
        l2 = np.sqrt((w * (a - b) ** 2).sum() / (w * b ** 2).sum())
    print(f"{res:>9} {l2:13.3e} {r['mass_relative_drift']:11.2e} {r['energy_relative_drift']:13.2e} {r['potential_enstrophy_relative_drift']:21.2e}")
print("case 6 (14 days): eastward drift of the wavenumber-4 pattern on the equator")
for res in ("2.8125", "1.40625"):
    r = rep(f"c6_{res}")
    rh, c = r["rossby_haurwitz"], r["conservation"]
    print(f"{res:>9} drift {rh['drift_deg_per_day']:.3f} deg/day (non-divergent theory {rh['nondivergent_drift_deg_per_day']:.3f}), "
          f"mass {c['mass_relative_drift']:.1e} energy {c['energy_relative_drift']:.2e} pot. enstrophy {c['potential_enstrophy_relative_drift']:.2e}")
PY
