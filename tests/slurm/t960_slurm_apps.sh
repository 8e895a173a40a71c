#!/usr/bin/env bash
# t960 — every app's sample jobscript through a real Slurm, on 1 node and on 2 nodes (ranks on both,
# talking over TCP): exit status 0, the outputs exist, report.json carries the job id, and the answers
# are the same on 1 and 2 nodes (2 vs 4 ranks):
#   cfd       every validation value (the FFT pressure solver is bitwise rank-independent)
#   climate   results.state_checksum (bit-identical at any rank count)
#   rs        the NDVI product's pixels and the chip index
#   ai_infer  predicted classes equal, scores within 1e-5 (oneDNN; apps/ai_infer/README.md), also
#             for the hybrid MPI+OpenMP script (2 ranks x 2 threads on 1 node, 1 rank per node on 2)
source "$(dirname "$0")/t960_lib.bash"
declare -A job rc
apps=(cfd climate remote_sensing ai_infer ai_infer-hybrid)
for a in "${apps[@]}"; do
  for n in 1 2; do
    opts=(); [[ $n == 2 ]] && opts=(--nodes=2 --ntasks=4)
    [[ $n == 2 && $a == ai_infer-hybrid ]] && opts=(--nodes=2 --ntasks=2 --ntasks-per-node=1)
    (sub "${opts[@]}" "$src/jobscripts/$a.sbatch" > "id.$a.$n"; echo $? > "rc.$a.$n") &
  done
done
wait
for a in "${apps[@]}"; do
  for n in 1 2; do
    job[$a.$n]=$(head -1 "id.$a.$n"); rc[$a.$n]=$(cat "rc.$a.$n")
    d=runs/${job[$a.$n]}
    if [[ ${rc[$a.$n]} != 0 ]]; then show whpc-*-"${job[$a.$n]}".out; FAIL "$a on $n node(s): job ${job[$a.$n]} exit ${rc[$a.$n]}"; continue; fi
    [[ $(get "$d/report.json" slurm_job_id) == "${job[$a.$n]}" ]] || FAIL "$a: job id missing in $d/report.json"
  done
done
same() { # NAME VALUE1 VALUE2
  if [[ -n $2 && $2 == "$3" ]]; then ok "$1: 1 node = 2 nodes ($2)"; else FAIL "$1: 1 node '$2' != 2 nodes '$3'"; fi
}
val() { $PY -c 'import json,sys; print(repr([v["value"] for v in json.load(open(sys.argv[1]))["validation"]]))' "$1" 2> /dev/null; }
pix() { $PY -c '
import hashlib, sys
from osgeo import gdal
d = gdal.Open(sys.argv[1]); h = hashlib.md5()
for b in range(d.RasterCount): h.update(d.GetRasterBand(b + 1).ReadRaster())
print(h.hexdigest(), open(sys.argv[2]).read().count("\n"))' "$1" "$2" 2> /dev/null; }
d1=runs/${job[cfd.1]} d2=runs/${job[cfd.2]}
same cfd "$(val "$d1/report.json")" "$(val "$d2/report.json")"
[[ -s $d1/fields.nc && -s $d1/centreline.csv ]] || FAIL "cfd outputs missing in $d1"
d1=runs/${job[climate.1]} d2=runs/${job[climate.2]}
same climate "$(get "$d1/report.json" results.state_checksum)" "$(get "$d2/report.json" results.state_checksum)"
[[ -s $d1/swe.nc ]] || FAIL "climate swe.nc missing in $d1"
d1=runs/${job[remote_sensing.1]} d2=runs/${job[remote_sensing.2]}
same remote_sensing "$(pix "$d1/product.tif" "$d1/chips.csv")" "$(pix "$d2/product.tif" "$d2/chips.csv")"
for a in ai_infer ai_infer-hybrid; do
  d1=runs/${job[$a.1]} d2=runs/${job[$a.2]}
  $PY - "$d1/predictions.csv" "$d2/predictions.csv" << 'PYEOF' && ok "$a: 1 node = 2 nodes (64 tiles, classes equal, scores within 1e-5)" || FAIL "$a: predictions differ"
import csv, sys
a, b = (list(csv.reader(open(p))) for p in sys.argv[1:3])
assert len(a) == len(b) == 65, (len(a), len(b))
for ra, rb in zip(a[1:], b[1:]):
    assert ra[0] == rb[0] and ra[1::2] == rb[1::2], (ra, rb)
    assert all(abs(float(x) - float(y)) <= 1e-5 for x, y in zip(ra[2::2], rb[2::2])), (ra, rb)
PYEOF
done
grep -q 'threads' "runs/${job[ai_infer-hybrid.1]}/report.json" && [[ $(get "runs/${job[ai_infer-hybrid.1]}/report.json" threads_per_rank) == 2 ]] ||
  FAIL "hybrid run did not use 2 threads per rank"
exit $fail
