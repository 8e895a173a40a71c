# Real orography (CDO's 0.5 deg global topography, made at run time by `cdo -f nc topo`,
# regridded bilinearly) for 2 days on 2 ranks; then the CF output must be read without a
# warning by cdo sinfo, cdo remapbil, xarray and gdalinfo, and one quick-look PNG per day made.
source "$(dirname "$0")/swe_lib.sh"
command -v cdo > /dev/null || fail "cdo not found"
cdo -s -f nc topo "$WORK/topo.nc" 2> "$WORK/topo.err" || { cat "$WORK/topo.err"; fail "cdo -f nc topo failed"; }
run 2 "$WORK/o" "$EX/swe_orography.ini" swe.topo_file="$WORK/topo.nc" swe.days=2 swe.output_every=24
nc=$WORK/o/swe.nc
[ -f "$nc" ] && [ ! -e "$nc.part" ] || fail "swe.nc missing or left as .part"
quiet() { # quiet NAME CMD...: the command must succeed and print nothing that looks like a warning
  local name=$1; shift
  "$@" > "$WORK/q.out" 2> "$WORK/q.err" || { cat "$WORK/q.err"; fail "$name failed"; }
  if grep -qiE "warn|error" "$WORK/q.err" "$WORK/q.out"; then cat "$WORK/q.err" "$WORK/q.out"; fail "$name printed a warning"; fi
  echo "ok: $name reads swe.nc without warnings"
}
quiet "cdo sinfo" cdo sinfo "$nc"
grep -q "lonlat *: points=8192 (128x64)" "$WORK/q.out" || fail "cdo does not see a 128x64 lonlat grid"
quiet "cdo remapbil" cdo -s remapbil,r72x36 -selname,height "$nc" "$WORK/rb.nc"
quiet "xarray" $PY -W error -c "
import xarray as xr
d = xr.open_dataset('$nc')
assert d.lat.attrs['units'] == 'degrees_north' and d.lon.attrs['units'] == 'degrees_east'
assert d.height.dims == ('time', 'lat', 'lon') and d.sizes['time'] == 3
assert float(d.depth.min()) > 0 and float(d.topography.max()) > 3000
print(d.height.isel(time=-1).mean().item())"
quiet "gdalinfo" gdalinfo "NETCDF:$nc:height"
grep -q "Size is 128, 64" "$WORK/q.out" || fail "gdalinfo size"
$PY "$SRC/apps/climate/swe/swe_quicklook.py" "$nc" "$WORK/o" || fail "quick-look maps"
n=$(ls "$WORK/o"/quicklook_day*.png | wc -l)
[ "$n" -eq 3 ] || fail "expected 3 quick-look PNGs (days 0, 1, 2), got $n"
echo "ok: $n quick-look maps"
