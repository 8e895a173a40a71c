#!/usr/bin/env bash
# t964 — the remote-sensing -> AI pipeline as a job DAG (jobscripts/pipeline/submit.sh): scene ->
# {NDVI COG, chips} -> whpc-ai-infer segmenter over the chips -> class-map COG. Checks every product,
# that the class map covers exactly the chipped part of the scene (10 x 8 chips of 64 px = 640 x 512)
# on the scene's grid, and that a failing stage cancels everything downstream (afterok +
# kill_invalid_depend) instead of leaving it pending.
source "$(dirname "$0")/t960_lib.bash"
out=$(WHPC_BUILD=$build WHPC_SOURCE=$src "$src/jobscripts/pipeline/submit.sh") || FAIL "submit.sh failed: $out"
echo "$out"
dir=$(sed -n 's/.*-> \([^ ]*\) (done.*/\1/p' <<< "$out")
wait_for "$dir/pipeline.json" 240 || { show whpc-pipe-*.out; FAIL "pipeline did not finish"; }
if [[ -s $dir/pipeline.json ]]; then
  $PY - "$dir" << 'PYEOF' || FAIL "pipeline products wrong"
import json, os, sys
from osgeo import gdal
d = sys.argv[1]
p = json.load(open(os.path.join(d, "pipeline.json")))
assert p["classmap"]["size"] == [640, 512], p["classmap"]["size"]
assert p["classmap"]["same_crs_as_ndvi"]
sc = gdal.Open(os.path.join(d, "scene.tif")).GetGeoTransform()
assert tuple(p["classmap"]["geotransform"]) == tuple(sc), (p["classmap"]["geotransform"], sc)
assert sum(p["classmap"]["class_pixels"].values()) == 640 * 512
assert all(0 <= int(k) < 3 for k in p["classmap"]["class_pixels"])
cm = gdal.Open(os.path.join(d, "classmap.tif"))
assert cm.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE") == "COG", "class map is not a COG"
for r in (p["ndvi"]["report"], p["classmap"]["report"]):
    assert json.load(open(r))["slurm_job_id"], r
print("ok: class map 640x512 on the scene grid, classes", p["classmap"]["class_pixels"])
PYEOF
  [[ -s $dir/ndvi/product.tif && -s $dir/classmap.png ]] || FAIL "NDVI COG or class-map PNG missing"
fi
# A failing first stage: the four dependants must be cancelled, not left pending.
out=$(WHPC_BUILD=$build WHPC_SOURCE=$src "$src/jobscripts/pipeline/submit.sh" /dev/null/none.tif 2>&1); rc=$?
[[ $rc -ne 0 ]] && grep -q "not found" <<< "$out" && ok "missing scene refused before submission: $out" || FAIL "missing scene: rc=$rc $out"
echo "not a raster" > bad.tif
out=$(WHPC_BUILD=$build WHPC_SOURCE=$src "$src/jobscripts/pipeline/submit.sh" bad.tif) || FAIL "submit failed: $out"
for i in $(seq 120); do [[ -z $(squeue -h -o %i) ]] && break; sleep 0.5; done
left=$(squeue -h -o '%i %T %r')
[[ -z $left ]] && ok "scene stage failed on a non-raster; dependants were cancelled" || FAIL "jobs left: $left"
grep -h "GDAL cannot read the scene" whpc-pipe-scene-*.out > /dev/null || FAIL "no clear message from the failing stage"
exit $fail
