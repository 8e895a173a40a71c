#!/usr/bin/env bash
# Web tiles at NP ranks against gdal2tiles.py (GDAL 3.6, default resampling 'average') on the same
# byte-scaled NDVI product: the same z/x/y files (TMS and --xyz) and every tile equal pixel for
# pixel, gray and alpha, at every zoom (and fully transparent tiles); WebP tiles in the same layout.
# Usage: rs_tiles.sh NP DATA_DIR   (ctest sets WHPC_MPIEXEC, WHPC_NUMPROC_FLAG, WHPC_BUILD_DIR)
set -uo pipefail
np=$1; data=$2
here=$(cd "$(dirname "$0")" && pwd)
exe=$WHPC_BUILD_DIR/apps/remote_sensing/whpc-remote-sensing
PY=/usr/bin/python3
$PY -c "import osgeo.gdal, numpy; from osgeo_utils import gdal2tiles" 2>/dev/null ||
  { echo "skipped: needs python3-gdal"; exit 77; }
[[ -s $data/scene.tif ]] || { echo "skipped: no fixture data in $data"; exit 77; }
work=$PWD/work/tiles.np$np
rm -rf "$work"
mkdir -p "$work"

run() { # run OUT KEY=VALUE...: NDVI of the fixture scene with web tiles
  local o=$1; shift
  $WHPC_MPIEXEC ${WHPC_NUMPROC_FLAG:--n} "$np" "$exe" "$here/../examples/ndvi.ini" output.dir="$o" \
    "input.files=$data/scene.tif" rs.block_size=128 "rs.expr=ndvi(nir, red)" rs.format=gtiff "$@" >"$o.log" 2>&1 ||
    { cat "$o.log"; echo "FAIL: whpc-remote-sensing exited $?"; exit 1; }
}
g2t() { # g2t OUT ARGS...: gdal2tiles.py on the product scaled as ours (NDVI min..max -> 1..255, nodata 0)
  local o=$1; shift
  $PY /usr/bin/gdal2tiles.py -q --processes=1 "$@" "$work/byte.tif" "$o" >/dev/null 2>&1 ||
    { echo "FAIL: gdal2tiles.py $*"; exit 1; }
}
check() { $PY "$here/rs_tiles_check.py" "$@" || exit 1; }

# TMS, zooms 10-13: 30 m pixels, so zoom 13 (19 m) reads the VRT upsampled and zoom 10 averages
run "$work/tms" tiles.zoom=10,13
read -r lo hi < <($PY -c "import json, sys; s = json.load(open(sys.argv[1]))['results']['stats']['band1']
print(repr(s['min']), repr(s['max']))" "$work/tms/report.json") || { echo "FAIL: no statistics in report.json"; exit 1; }
gdal_translate -q -ot Byte -b 1 -scale "$lo" "$hi" 1 255 -a_nodata 0 "$work/tms/product.tif" "$work/byte.tif" ||
  { echo "FAIL: gdal_translate"; exit 1; }
g2t "$work/g2t" -z 10-13
check "$work/tms/tiles" "$work/g2t" png

# XYZ row numbering (gdal2tiles.py --xyz)
run "$work/xyz" tiles.zoom=11,12 tiles.xyz=true
g2t "$work/g2t_xyz" --xyz -z 11-12
check "$work/xyz/tiles" "$work/g2t_xyz" png

# zoom 15 (4.8 m tiles of 41 source pixels): 8 tiles inside the scene's 80 x 150 px nodata hole are
# fully transparent (each rank encodes one and copies its bytes); at 2 ranks only, for the CI time
if [[ $np == 2 ]]; then
  run "$work/z15" tiles.zoom=15,15
  g2t "$work/g2t_z15" -z 15
  check "$work/z15/tiles" "$work/g2t_z15" png
fi

# WebP (lossless RGBA): the layout of the PNG pyramid
run "$work/webp" tiles.zoom=10,13 tiles.format=webp stats.enable=false
diff <(cd "$work/g2t" && find . -name '*.png' | sort) \
  <(cd "$work/webp/tiles" && find . -name '*.webp' | sort | sed 's/webp$/png/') >/dev/null ||
  { echo "FAIL: WebP tile layout differs from gdal2tiles.py"; exit 1; }
echo "WebP tiles: same layout"
