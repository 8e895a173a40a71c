#!/bin/bash
# nc_tool_check.sh TOOL FILE.nc ... — open NetCDF outputs with a standard tool and fail on any
# error or warning it prints. TOOL: ncdump | cdo | ncks | python | gdal | all.
# gdalinfo opens the file and each subdataset that is a spatial field (last two dims spatial axes);
# a file without any such field (a 1D column over time) is not a raster and is skipped.
# Exit 0 clean, 1 on an error/warning (the tool's output is shown), 77 when the tool is not
# installed (ctest SKIP_RETURN_CODE), 2 on bad usage.
# The one tolerated message: GDAL 3.6 says "dimension #N (z) is not a Latitude/Y dimension" for
# x-z fields whose vertical axis is correctly axis = "Z"; CF is not bent to silence it, so it
# is accepted exactly when that dimension's coordinate variable has axis = "Z".
set -u
tool=${1:-}
shift || true
[ -n "$tool" ] && [ $# -gt 0 ] || { echo "usage: nc_tool_check.sh ncdump|cdo|ncks|python|gdal|all FILE.nc ..."; exit 2; }
PY=/usr/bin/python3
fail=0
skipped=0
ran=0

# check NAME FILE CMD...: run, fail on non-zero exit or on error/warning lines.
check() {
  local name=$1 file=$2
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  local bad
  bad=$(printf '%s\n' "$out" | grep -Ei 'warn|error|fail|abort|cannot|unable|not supported' | tolerated "$file")
  if [ $rc -ne 0 ] || [ -n "$bad" ]; then
    echo "FAIL $name $file (exit $rc):"
    printf '%s\n' "${bad:-$out}" | head -20
    fail=1
  else
    echo "ok   $name $file"
  fi
}

# Drop GDAL's x-z message when the dimension it names is a Z axis in the file.
tolerated() {
  local file=$1 line dim
  while IFS= read -r line; do
    if [[ $line =~ dimension\ \#[0-9]+\ \(([A-Za-z0-9_]+)\)\ is\ not\ a\ Latitude/Y\ dimension ]]; then
      dim=${BASH_REMATCH[1]}
      ncdump -h "$file" 2>/dev/null | grep -Eq "^[[:space:]]*$dim:axis = \"Z\"" && continue
    fi
    printf '%s\n' "$line"
  done
}

# True when the variable's last two dimensions are spatial: each has a coordinate variable that
# is not time (no axis "T", units without "since"). Those are the fields GDAL is meant to open as
# rasters; bounds (x, bnds), spectra (time, k) and columns over time (time, z) are not.
spatial() {
  local file=$1 var=$2 hdr dims d n=0
  hdr=$(ncdump -h "$file" 2>/dev/null)
  dims=$(printf '%s\n' "$hdr" | sed -n "s/^[[:space:]]*[a-z0-9 ]* $var(\(.*\)) ;\$/\1/p" | tr -d ' ' | tr ',' ' ')
  set -- $dims
  [ $# -ge 2 ] || return 1
  for d in "${@: -2}"; do
    printf '%s\n' "$hdr" | grep -Eq "^[[:space:]]*[a-z0-9 ]* $d\($d\) ;\$" || return 1
    printf '%s\n' "$hdr" | grep -Eq "^[[:space:]]*$d:axis = \"T\"" && return 1
    printf '%s\n' "$hdr" | grep -Eq "^[[:space:]]*$d:units = \".* since " && return 1
    n=$((n + 1))
  done
  [ $n -eq 2 ]
}

have() { command -v "$1" > /dev/null 2>&1; }

run_tool() {
  local t=$1 f
  case $t in
    ncdump)
      have ncdump || { echo "SKIP ncdump: not installed"; skipped=1; return; }
      for f in "${files[@]}"; do check "ncdump -h" "$f" ncdump -h "$f"; check "ncdump" "$f" ncdump "$f"; done ;;
    cdo)
      have cdo || { echo "SKIP cdo: not installed"; skipped=1; return; }
      for f in "${files[@]}"; do check "cdo sinfo" "$f" cdo -s sinfo "$f"; check "cdo infon" "$f" cdo -s infon "$f"; done ;;
    ncks)
      have ncks || { echo "SKIP ncks: not installed"; skipped=1; return; }
      for f in "${files[@]}"; do check "ncks -m" "$f" ncks -m "$f"; done ;;
    python)
      $PY -c "import netCDF4, xarray" 2> /dev/null || { echo "SKIP python: netCDF4/xarray not importable"; skipped=1; return; }
      for f in "${files[@]}"; do
        check "python netCDF4+xarray" "$f" $PY -W error -c '
import sys, netCDF4, xarray
with netCDF4.Dataset(sys.argv[1]) as d:
    for v in d.variables.values():
        v[:]
with xarray.open_dataset(sys.argv[1]) as ds:
    ds.load()
    print(dict(ds.sizes))' "$f"
      done ;;
    gdal)
      have gdalinfo || { echo "SKIP gdal: gdalinfo not installed"; skipped=1; return; }
      for f in "${files[@]}"; do
        local v any=0
        for v in $(ncdump -h "$f" 2>/dev/null | sed -n 's/^[[:space:]]*[a-z0-9 ]* \([A-Za-z0-9_]*\)(.*) ;$/\1/p'); do
          spatial "$f" "$v" && any=1 && break
        done
        ncdump -h "$f" > /dev/null 2>&1 || any=1 # unreadable: let gdalinfo say so
        if [ $any -eq 0 ]; then echo "skip gdalinfo $f: no field with two spatial dimensions (not a raster)"; continue; fi
        check "gdalinfo" "$f" gdalinfo "$f"
        local sub
        for sub in $(gdalinfo "$f" 2>/dev/null | sed -n 's/^ *SUBDATASET_[0-9]*_NAME=//p'); do
          spatial "$f" "${sub##*:}" && check "gdalinfo $sub" "$f" gdalinfo "$sub"
        done
      done ;;
    *) echo "unknown tool $t"; exit 2 ;;
  esac
  ran=1
}

files=("$@")
for f in "${files[@]}"; do [ -r "$f" ] || { echo "FAIL: cannot read $f"; exit 1; }; done
if [ "$tool" = all ]; then
  for t in ncdump cdo ncks python gdal; do run_tool $t; done
else
  run_tool "$tool"
fi
[ $fail -ne 0 ] && exit 1
[ $ran -eq 0 ] && [ $skipped -ne 0 ] && exit 77
exit 0
