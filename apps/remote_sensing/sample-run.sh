#!/usr/bin/env bash
# make run: the remote-sensing sample on NP ranks. Usage: sample-run.sh BUILD_DIR NP OUT_DIR
# Generates a small synthetic scene (4-band uint16, EPSG:32650) and a DEM, then runs
#   1. NDVI -> Cloud Optimized GeoTIFF + statistics + histogram + 64x64 AI chips with overlap 16
#      + web tiles (zoom 9-12, gdal2tiles.py layout)
#   2. hillshade of the DEM (gdaldem's formula) -> COG
# Each run writes report.json and a quick-look PNG next to its product.
set -euo pipefail
build=$1 np=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
exe=$build/apps/remote_sensing/whpc-remote-sensing
export GDAL_NUM_THREADS=1
mkdir -p "$out"
/usr/bin/python3 "$here/tests/rs_gen.py" "$out/input" >/dev/null
mpiexec -n "$np" --oversubscribe "$exe" "$here/examples/ndvi.ini" input.files="$out/input/scene.tif" \
  chips.size=64 chips.overlap=16 tiles.zoom=9,12 output.dir="$out/ndvi" output.overwrite=true
mpiexec -n "$np" --oversubscribe "$exe" "$here/examples/hillshade.ini" input.files="$out/input/dem.tif" \
  output.dir="$out/hillshade" output.overwrite=true
echo "remote_sensing results:"
echo "  $out/ndvi/product.tif (COG), product.png, report.json, histogram.csv, chips.csv + chips/, tiles/z/x/y.png"
echo "  $out/hillshade/product.tif (COG), product.png, report.json"
