#!/bin/bash
# Sample job of whpc-ai-infer: 64 synthetic 4-band GeoTIFF tiles through the tile classifier
# (CSV of top-3 classes) and the segmenter (class GeoTIFF per tile + VRT + quick-look PNG).
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
cat > "$out/classify.ini" <<EOI
# 4-band 64x64 tiles -> 10 classes; values are reflectances in [0,1]
model.path = $here/models/tile_classifier.onnx
input.path = $out/tiles
input.mean = 0.5, 0.5, 0.5, 0.5
input.std = 0.25, 0.25, 0.25, 0.25
engine.backend = onednn
engine.batch = 8
sched.mode = dynamic
sched.chunk = 8
output.topk = 3
output.dir = $out/classify
output.overwrite = true
EOI
sed -e "s|tile_classifier.onnx|segmenter.onnx|" -e "s|output.dir = .*|output.dir = $out/segment|" \
    -e "/output.topk/d" "$out/classify.ini" > "$out/segment.ini"
mpiexec -n "$np" --oversubscribe "$exe" "$out/classify.ini"
mpiexec -n "$np" --oversubscribe "$exe" "$out/segment.ini"
/usr/bin/python3 "$here/tools/quicklook.py" "$out/segment/mosaic.vrt" "$out/segment/mosaic.png" > /dev/null || true
echo "whpc-ai-infer sample results:"
echo "  $out/classify/predictions.csv   (top-3 classes per tile), $out/classify/report.json"
echo "  $out/segment/tiles/*.tif, $out/segment/mosaic.vrt, $out/segment/mosaic.png, $out/segment/report.json"
