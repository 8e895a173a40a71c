#!/bin/bash
# t303: the CF checker catches each broken attribute (its self-test), then every NetCDF file the
# t301 writers produced passes it. Usage: t303_cf_check.sh DIR
set -u
checker=$WHPC_SOURCE_DIR/tests/tools/cf_check.py
/usr/bin/python3 -c "import netCDF4" 2> /dev/null || { echo "SKIP: python3-netcdf4 missing"; exit 77; }
/usr/bin/python3 "$checker" --self-test || { echo "FAIL: the checker misses a broken attribute"; exit 1; }
shopt -s nullglob
files=("$1"/*.nc)
[ ${#files[@]} -ge 4 ] || { echo "FAIL: only ${#files[@]} files in $1"; exit 1; }
/usr/bin/python3 "$checker" --whpc "${files[@]}"
