#!/usr/bin/env bash
# Sample of model = shallow_water_sphere: swe_sample.sh BUILD_DIR NP OUT_DIR (called by
# apps/climate/sample-run.sh). Williamson case 2 over the poles for 5 days (validated l2), then
# a zonal flow over CDO's real orography for 3 days with one quick-look PNG per day. ~10-30 s.
set -euo pipefail
build=$1; np=$2; out=$3
here=$(cd "$(dirname "$0")" && pwd)
exe=$build/apps/climate/whpc-climate
# until apps/climate/src/main.c declares the NetCDF and checkpoint keys, the test driver has them
grep -q whpc_checkpoint_keys "$here/../src/main.c" || exe=$build/apps/climate/tests/swe/swe_test_climate
mkdir -p "$out"
mpiexec -n "$np" --oversubscribe "$exe" "$here/../examples/swe_williamson2.ini" \
  output.dir="$out/swe_williamson2" output.overwrite=true log.progress_interval=10
echo "swe williamson2: $out/swe_williamson2/report.json, swe.nc, diagnostics.csv"
if command -v cdo > /dev/null && cdo -s -f nc topo "$out/topo.nc" 2> /dev/null; then
  mpiexec -n "$np" --oversubscribe "$exe" "$here/../examples/swe_orography.ini" swe.topo_file="$out/topo.nc" \
    swe.days=3 output.dir="$out/swe_orography" output.overwrite=true log.progress_interval=10
  /usr/bin/python3 "$here/swe_quicklook.py" "$out/swe_orography/swe.nc" > /dev/null \
    || echo "(quick-look PNGs skipped: /usr/bin/python3 with netCDF4 + matplotlib needed)"
  echo "swe orography: $out/swe_orography/report.json, swe.nc, quicklook_day*.png"
else
  echo "(swe orography sample skipped: cdo not found)"
fi
