#!/usr/bin/env bash
# Test fixture: synthetic inputs (rs_gen.py) and the GDAL tools' reference products on them.
# Usage: rs_fixture.sh DATA_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
d=$1
rm -rf "$d"
mkdir -p "$d/ref"
PY=/usr/bin/python3 # Debian's python: the one with osgeo
if ! $PY -c "import osgeo.gdal, numpy" 2>/dev/null || ! command -v gdaldem >/dev/null; then
  echo "skipped: needs /usr/bin/python3 with osgeo + numpy (python3-gdal) and gdal-bin"; exit 77
fi
$PY "$here/rs_gen.py" "$d" >/dev/null
# gdal_calc.py writes NaN where the expression is NaN; the numpy.where keeps those pixels nodata,
# which is our rule (nodata where an input is nodata or the result is not finite).
F='A.astype(numpy.float64)'
calc() { $PY /usr/bin/gdal_calc.py --quiet --overwrite --type=Float32 --NoDataValue=-9999 "$@" 2>/dev/null; }
calc -A "$d/scene.tif" --A_band=4 -B "$d/scene.tif" --B_band=3 --outfile="$d/ref/ndvi.tif" \
  --calc="numpy.where(($F+B)==0, -9999, ($F-B)/($F+B))"
calc -A "$d/scene.tif" --A_band=4 -B "$d/scene.tif" --B_band=3 -C "$d/scene.tif" --C_band=1 \
  --outfile="$d/ref/evi.tif" \
  --calc="numpy.where(($F+6*B-7.5*C+1)==0, -9999, 2.5*($F-B)/($F+6*B-7.5*C+1))"
calc -A "$d/scene.tif" --A_band=1 -B "$d/scene.tif" --B_band=2 --outfile="$d/ref/mix.tif" \
  --calc="numpy.where($F>900, numpy.sqrt($F)*2-B/3.0, numpy.maximum($F,B)**0.5)"
for dem in dem dem16; do
  for m in slope aspect hillshade; do gdaldem $m -q "$d/$dem.tif" "$d/ref/${dem}_$m.tif"; done
done
# gdalwarp -et 0 references of the warp case (downsampling bilinear/cubic is made by the test
# itself, with the kernel scale our run reports)
for spec in "near 25" "bilinear 25" "near 45"; do
  set -- $spec
  gdalwarp -q -overwrite -et 0 -t_srs EPSG:32651 -tr $2 $2 -r $1 "$d/scene.tif" "$d/ref/warp_$1_$2.tif"
done
echo "fixture ready in $d"
