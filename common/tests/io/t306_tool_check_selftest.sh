#!/bin/bash
# t306: tests/tools/nc_tool_check.sh fails when it should: a truncated NetCDF file for every tool,
# and for gdal an x-z section whose vertical coordinate lacks axis = "Z" (so GDAL's warning is
# not the tolerated one). Usage: t306_tool_check_selftest.sh GOOD.nc
set -u
check=$WHPC_SOURCE_DIR/tests/tools/nc_tool_check.sh
dir=$PWD/t306
rm -rf "$dir" && mkdir -p "$dir"
head -c 3000 "$1" > "$dir/truncated.nc"
fail=0
for tool in ncdump cdo ncks python gdal; do
  bash "$check" "$tool" "$dir/truncated.nc" > "$dir/$tool.log" 2>&1
  rc=$?
  case $rc in
    1) echo "ok   $tool rejects a truncated file" ;;
    77) echo "skip $tool: not installed" ;;
    *) echo "FAIL $tool accepted a truncated file (exit $rc)"; cat "$dir/$tool.log"; fail=1 ;;
  esac
done
if /usr/bin/python3 -c "import netCDF4" 2> /dev/null && command -v gdalinfo > /dev/null; then
  /usr/bin/python3 - "$dir/xz_noaxis.nc" <<'PY'
import sys, netCDF4, numpy as np
with netCDF4.Dataset(sys.argv[1], "w") as d:
    for k, v in {"Conventions": "CF-1.8", "title": "t", "institution": "i", "source": "s", "history": "h"}.items():
        d.setncattr(k, v)
    d.createDimension("z", 5); d.createDimension("x", 8)
    x = d.createVariable("x", "f8", ("x",)); x.units, x.axis = "m", "X"; x[:] = np.arange(8.0)
    z = d.createVariable("z", "f8", ("z",)); z.units, z.positive = "m", "up"; z[:] = np.arange(5.0)
    t = d.createVariable("theta", "f8", ("z", "x"), fill_value=-1.0); t.units = "K"; t[:] = np.ones((5, 8))
PY
  bash "$check" gdal "$dir/xz_noaxis.nc" > "$dir/gdal_xz.log" 2>&1
  rc=$?
  if [ $rc -eq 1 ]; then echo "ok   gdal: x-z warning without axis = Z is not tolerated"; else
    echo "FAIL gdal accepted the x-z warning without axis = Z (exit $rc)"; cat "$dir/gdal_xz.log"; fail=1; fi
fi
exit $fail
