#!/bin/bash
# Sample job of whpc-ai-infer: 64 synthetic 4-band GeoTIFF tiles through the example configs of
# the tile classifier (CSV of top-3 classes) and the segmenter (class GeoTIFF per tile + VRT +
# quick-look PNG).
# Usage: sample-run.sh BUILD_DIR NP OUT_DIR
set -eu
build=$(cd "$1" && pwd); np=$2; out=$3
here=$(cd "$(dirname "$0")" && pwd)
exe=$build/apps/ai_infer/whpc-ai-infer
mkdir -p "$out"
out=$(cd "$out" && pwd)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OMPI_MCA_mpi_yield_when_idle=1
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
[ -d "$out/tiles" ] || /usr/bin/python3 "$here/tools/make_tiles.py" "$out/tiles" 64
# the example configs (examples/, installed to share/whpc/ai_infer/examples) with this run's paths
mpiexec -n "$np" --oversubscribe "$exe" "$here/examples/tile_classifier.ini" input.path="$out/tiles" \
  output.dir="$out/classify" output.overwrite=true
mpiexec -n "$np" --oversubscribe "$exe" "$here/examples/segmenter.ini" input.path="$out/tiles" \
  output.dir="$out/segment" output.overwrite=true
/usr/bin/python3 "$here/tools/quicklook.py" "$out/segment/mosaic.vrt" "$out/segment/mosaic.png" > /dev/null || true
echo "whpc-ai-infer sample results:"
echo "  $out/classify/predictions.csv   (top-3 classes per tile), $out/classify/report.json"
echo "  $out/segment/tiles/*.tif, $out/segment/mosaic.vrt, $out/segment/mosaic.png, $out/segment/report.json"
