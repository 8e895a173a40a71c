#!/usr/bin/env bash
# One remote-sensing test case at NP ranks: run whpc-remote-sensing on the fixture data and check
# the product against the GDAL tool's (or numpy's) product with rs_check.py.
# Usage: rs_test.sh CASE NP DATA_DIR   (ctest sets WHPC_MPIEXEC, WHPC_NUMPROC_FLAG, WHPC_BUILD_DIR)
set -uo pipefail
case_=$1; np=$2; data=$3
here=$(cd "$(dirname "$0")" && pwd)
exe=$WHPC_BUILD_DIR/apps/remote_sensing/whpc-remote-sensing
check="/usr/bin/python3 $here/rs_check.py"
/usr/bin/python3 -c "import osgeo.gdal, numpy" 2>/dev/null || { echo "skipped: needs python3-gdal"; exit 77; }
[[ -s $data/scene.tif ]] || { echo "skipped: no fixture data in $data"; exit 77; }
work=$PWD/work/$case_.np$np
rm -rf "$work"
mkdir -p "$work"
cfg=$here/../examples/ndvi.ini

# KEY=VALUE arguments of a run: defaults (scene, 128 px blocks) unless the case sets them
args() {
  local a have_in=0 have_bs=0
  for a in "$@"; do
    [[ $a == input.files=* ]] && have_in=1
    [[ $a == rs.block_size=* ]] && have_bs=1
  done
  ((have_in)) || printf '%s\n' "input.files=$data/scene.tif"
  ((have_bs)) || printf '%s\n' "rs.block_size=128"
  printf '%s\n' "$@"
}

run() { # run KEY=VALUE... ; output in $work/out
  local -a kv
  mapfile -t kv < <(args "$@")
  $WHPC_MPIEXEC ${WHPC_NUMPROC_FLAG:--n} "$np" "$exe" "$cfg" output.dir="$work/out" \
    "${kv[@]}" >"$work/log" 2>&1
  local rc=$?
  if [[ $rc -ne 0 ]]; then cat "$work/log"; echo "FAIL: whpc-remote-sensing exited $rc"; exit 1; fi
}

# expect_error RC REGEX KEY=VALUE... : exit code RC and exactly one error line matching REGEX
expect_error() {
  local want=$1 re=$2; shift 2
  local -a kv
  mapfile -t kv < <(args "$@")
  $WHPC_MPIEXEC ${WHPC_NUMPROC_FLAG:--n} "$np" "$exe" "$cfg" output.dir="$work/out" \
    "${kv[@]}" >"$work/log" 2>&1
  local rc=$?
  cat "$work/log"
  [[ $rc -eq $want ]] || { echo "FAIL: exit code $rc, expected $want"; exit 1; }
  local n
  n=$(grep -cE "error.*$re" "$work/log")
  [[ $n -eq 1 ]] || { echo "FAIL: expected one line matching /$re/, found $n"; exit 1; }
  grep -qiE "segmentation|backtrace|MPI_ABORT was invoked" "$work/log" && { echo "FAIL: crash"; exit 1; }
  echo "OK: exit $rc with one-line error"
  exit 0
}

out=$work/out/product.tif
case $case_ in
  ndvi)
    run "rs.expr=ndvi(nir, red)" stats.hist_range=-1,1 stats.hist_bins=40
    $check equal "$data/ref/ndvi.tif" "$out" 0 || exit 1
    $check stats "$out" "$work/out/report.json" -1 1 40 "$work/out/histogram.csv" || exit 1
    $check cog "$out" || exit 1
    [[ -s $work/out/product.png ]] || { echo "FAIL: no quick-look"; exit 1; }
    [[ ! -e $work/out/parts ]] || { echo "FAIL: parts left behind"; exit 1; }
    ;;
  evi)
    run "rs.expr=evi(B4, B3, B1)" rs.format=gtiff
    $check equal "$data/ref/evi.tif" "$out" 0 || exit 1
    ;;
  mix) # where/sqrt/max/pow/comparison; names and B<k> mixed
    run "rs.expr=where(blue > 900, sqrt(blue)*2 - B2/3.0, max(blue, green)^0.5)" rs.format=gtiff rs.chunk=2
    $check equal "$data/ref/mix.tif" "$out" 0 || exit 1
    ;;
  terrain)
    # float32 DEM (gdaldem sums in float) and int16 DEM (exact integer sums, SSE hillshade path)
    for spec in "dem slope" "dem aspect" "dem hillshade" "dem16 slope" "dem16 hillshade"; do
      set -- $spec
      dem=$1 m=$2
      run "input.files=$data/$dem.tif" input.bands= rs.ops=terrain terrain.mode=$m rs.format=gtiff
      # hillshade: GDAL divides by an SSE reciprocal-square-root estimate refined by one Newton
      # step (gdaldem_lib.cpp ApproxADivByInvSqrtB, ~1e-7 relative), we divide by sqrt(): a
      # value within 1e-7 of a .5 rounding boundary may land on the other byte.
      if [[ $m == hillshade ]]; then tol="0 1 0.001"; else tol="0"; fi
      echo "== $dem $m"
      $check equal "$data/ref/${dem}_$m.tif" "$out" $tol || exit 1
      rm -rf "$work/out"
    done
    ;;
  filter)
    for spec in "gaussian 2 1.2" "sobel 1 1" "median 1 1" "open 1 1" "close 2 1"; do
      set -- $spec
      run "input.files=$data/dem.tif" input.bands= rs.ops=filter filter.kind=$1 filter.radius=$2 filter.sigma=$3 \
        rs.format=gtiff stats.enable=false rs.quicklook=false
      $check filter "$1" "$2" "$3" "$data/dem.tif" 1 "$out" || exit 1
      rm -rf "$work/out"
    done
    ;;
  chain) # expr then filter then terrain: halos add up (0 + 1 + 1)
    run "rs.ops=expr,filter,terrain" "rs.expr=B4 / 10" filter.kind=box filter.radius=1 terrain.mode=slope \
      rs.format=gtiff
    /usr/bin/python3 - "$data/scene.tif" "$work" <<'EOF' || exit 1
import sys
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1]); b = ds.GetRasterBand(4).ReadAsArray().astype(np.float64)
x = np.where(b == 0, np.nan, b / 10)
p = np.pad(x, 1, constant_values=np.nan)
w = np.ones(3) / 3
acc = np.zeros((p.shape[0], x.shape[1]))
for k in range(3): acc = acc + w[k] * p[:, k:k + x.shape[1]]
acc2 = np.zeros(x.shape)
for k in range(3): acc2 = acc2 + w[k] * acc[k:k + x.shape[0], :]
drv = gdal.GetDriverByName("GTiff")
o = drv.Create(sys.argv[2] + "/smooth.tif", x.shape[1], x.shape[0], 1, gdal.GDT_Float32)
o.SetGeoTransform(ds.GetGeoTransform()); o.SetProjection(ds.GetProjection())
o.GetRasterBand(1).SetNoDataValue(-9999); o.GetRasterBand(1).WriteArray(np.where(np.isnan(acc2), -9999, acc2)); o = None
EOF
    # the reference smooths in double and stores float32 before gdaldem, we keep double: 4 ulp
    gdaldem slope -q "$work/smooth.tif" "$work/ref.tif"
    $check equal "$work/ref.tif" "$out" 4 || exit 1
    ;;
  mask)
    run "input.files=$data/scene.tif,$data/qa.tif" "rs.expr=B1" mask.qa_band=5 mask.qa_bits=8 \
      mask.valid_range=700,1100 rs.output_type=uint16 rs.format=gtiff
    $check mask "$data/scene.tif" "$data/qa.tif" "$out" 700 1100 8 || exit 1
    ;;
  warp) # gdalwarp -et 0: nearest and upsampling bit-equal; downsampling with gdalwarp given our
        # whole-grid kernel scale (-wo XSCALE/YSCALE from report.json), else GDAL sizes it per chunk
    for spec in "near 25" "bilinear 25" "near 45" "cubic 45"; do
      set -- $spec
      # near 25 also checks the statistics of the warp-only path (tiles straight from the kernel)
      st=(stats.enable=false); [[ $1$2 == near25 ]] && st=(stats.hist_range=0,4000 stats.hist_bins=40)
      run rs.ops=none warp.crs=EPSG:32651 warp.resolution=$2,$2 warp.resampling=$1 rs.format=gtiff rs.block_size=96 "${st[@]}" rs.quicklook=false
      ref=$data/ref/warp_$1_$2.tif
      if [[ ! -s $ref ]]; then
        read -r xs ys < <(/usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']['warp']; print(repr(r['xscale']), repr(r['yscale']))" "$work/out/report.json")
        ref=$work/gw.tif
        gdalwarp -q -overwrite -et 0 -t_srs EPSG:32651 -tr $2 $2 -r $1 -wo "XSCALE=$xs" -wo "YSCALE=$ys" \
          "$data/scene.tif" "$ref"
        echo "== $1 to $2 m, gdalwarp -wo XSCALE=$xs -wo YSCALE=$ys"
      else
        echo "== $1 to $2 m"
      fi
      $check equal "$ref" "$out" 0 || exit 1
      if [[ $1$2 == near25 ]]; then
        $check stats "$out" "$work/out/report.json" 0 4000 40 "$work/out/histogram.csv" || exit 1
      fi
      rm -rf "$work/out"
    done
    ;;
  change) # two dates: difference, ratio, change mask, against numpy in float64 -> float32
    run "input.files=$data/scene.tif,$data/date2.tif" input.bands=b,g,r,t1,t2 \
      "rs.expr=t2 - t1; t2 / t1; abs(t2 - t1) > 500" rs.format=gtiff
    /usr/bin/python3 - "$data" "$out" <<'EOF' || exit 1
import sys
import numpy as np
from osgeo import gdal
d, out = sys.argv[1], sys.argv[2]
ds1 = gdal.Open(d + "/scene.tif")
t1 = ds1.GetRasterBand(4).ReadAsArray().astype(np.float64)
t2 = gdal.Open(d + "/date2.tif").ReadAsArray().astype(np.float64)
bad = (t1 == 0) | (t2 == 0)
with np.errstate(all="ignore"):
    want = [t2 - t1, t2 / t1, (np.abs(t2 - t1) > 500).astype(np.float64)]
got = gdal.Open(out).ReadAsArray()
for k in range(3):
    w = np.where(bad, -9999, want[k]).astype(np.float32)
    if not np.array_equal(w, got[k]):
        sys.exit(f"FAIL: change band {k + 1} differs at {(w != got[k]).sum()} pixels")
print(f"change: difference, ratio and mask equal numpy; {int(got[2][~bad].sum())} changed pixels")
EOF
    ;;
  resume) # killed mid-run (SIGKILL, no clean-up), then resumed at NP ranks: only missing blocks redone
    $WHPC_MPIEXEC ${WHPC_NUMPROC_FLAG:--n} 2 "$exe" "$cfg" "input.files=$data/scene.tif" rs.block_size=128 \
      stats.hist_range=-1,1 stats.hist_bins=40 rs.debug_crash_after=3 output.dir="$work/out" >"$work/crash.log" 2>&1 \
      && { echo "FAIL: did not crash"; exit 1; }
    [[ ! -e $out ]] || { echo "FAIL: a product after the crash"; exit 1; }
    run rs.resume=true stats.hist_range=-1,1 stats.hist_bins=40
    grep "resume:" "$work/log"
    /usr/bin/python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
n, reused = r['problem_size']['blocks'], r['results']['resume']['blocks_reused']
print(f'{reused} of {n} blocks reused')
sys.exit(0 if 0 < reused < n else 1)" "$work/out/report.json" || { echo "FAIL: nothing reused"; exit 1; }
    $check equal "$data/ref/ndvi.tif" "$out" 0 || exit 1
    $check stats "$out" "$work/out/report.json" -1 1 40 "$work/out/histogram.csv" || exit 1
    ;;
  term) # SIGTERM to every rank mid-run (what slurmstepd sends): exit 75 with one line, no product;
    # the same command again resumes: byte-identical product, every block computed exactly once
    slow=("rs.expr=ndvi(nir, red)" rs.ops=expr,filter filter.kind=median filter.radius=6
      stats.hist_range=-1,1 stats.hist_bins=40 rs.format=gtiff rs.compress=none log.progress_interval=0.1)
    mapfile -t kv < <(args "${slow[@]}")
    $WHPC_MPIEXEC ${WHPC_NUMPROC_FLAG:--n} "$np" "$exe" "$cfg" output.dir="$work/ref" "${kv[@]}" >"$work/ref.log" 2>&1 ||
      { cat "$work/ref.log"; echo "FAIL: uninterrupted run"; exit 1; }
    $WHPC_MPIEXEC ${WHPC_NUMPROC_FLAG:--n} "$np" "$exe" "$cfg" output.dir="$work/out" "${kv[@]}" >"$work/stop.log" 2>&1 &
    job=$!
    for _ in $(seq 1 600); do # the first progress line: some blocks are done
      grep -aq "ETA" "$work/stop.log" && break
      kill -0 $job 2>/dev/null || break
      sleep 0.05
    done
    ranks=$(ps -o pid= --ppid $job)
    [[ -n $ranks ]] || { cat "$work/stop.log"; echo "FAIL: the run ended before the signal"; exit 1; }
    kill -TERM $ranks
    wait $job
    rc=$?
    cat "$work/stop.log"
    [[ $rc -eq 75 ]] || { echo "FAIL: exit $rc after SIGTERM, expected 75"; exit 1; }
    [[ $(grep -c "stopped by a signal" "$work/stop.log") -eq 1 ]] || { echo "FAIL: expected one stop line"; exit 1; }
    grep -q "rerun the same command to resume" "$work/stop.log" || { echo "FAIL: the stop line says no resume"; exit 1; }
    [[ ! -e $out && ! -e $work/out/report.json ]] || { echo "FAIL: a product or report after the stop"; exit 1; }
    $WHPC_MPIEXEC ${WHPC_NUMPROC_FLAG:--n} "$np" "$exe" "$cfg" output.dir="$work/out" "${kv[@]}" >"$work/log" 2>&1 ||
      { cat "$work/log"; echo "FAIL: the rerun exited $?"; exit 1; }
    grep "resume:" "$work/log" || { echo "FAIL: the rerun did not resume"; exit 1; }
    cmp "$work/ref/product.tif" "$out" || { echo "FAIL: product differs from the uninterrupted run"; exit 1; }
    cmp "$work/ref/histogram.csv" "$work/out/histogram.csv" || { echo "FAIL: histogram differs"; exit 1; }
    /usr/bin/python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
n, reused = r['problem_size']['blocks'], r['results']['resume']['blocks_reused']
new = sum(v['blocks'] for v in r['results']['throughput']['per_rank'].values())
print(f'{reused} of {n} blocks reused, {new} computed by the rerun')
sys.exit(0 if 0 < reused < n and reused + new == n else 1)" "$work/out/report.json" ||
      { echo "FAIL: blocks not done exactly once"; exit 1; }
    echo "OK: SIGTERM -> exit 75; rerun resumed, product byte-identical"
    ;;
  zones) # zonal statistics of NDVI over a class raster vs numpy
    run "input.files=$data/scene.tif,$data/zones.tif" "rs.expr=ndvi(B4, B3)" stats.zones_band=5 stats.zones_max=16 \
      rs.format=gtiff
    /usr/bin/python3 - "$data" "$out" "$work/out/zones.csv" <<'EOF' || exit 1
import csv, sys
import numpy as np
from osgeo import gdal
d, out, zcsv = sys.argv[1:4]
dz = gdal.Open(d + "/zones.tif"); z = dz.ReadAsArray()
dp = gdal.Open(out); v = dp.ReadAsArray().astype(np.float64)
ok = (v != -9999) & (z != 255)
rows = {int(r["zone"]): r for r in csv.DictReader(open(zcsv)) if r["band"] == "1"}
for c in range(10):
    x = v[ok & (z == c)]
    r = rows[c]
    # count/min/max exact; mean 1e-12 and std 1e-10 relative (block-ordered vs numpy pairwise sums)
    for name, got, want, tol in [("count", float(r["count"]), x.size, 0), ("min", float(r["min"]), x.min(), 0),
                                 ("max", float(r["max"]), x.max(), 0), ("mean", float(r["mean"]), x.mean(), 1e-12),
                                 ("std", float(r["std"]), x.std(), 1e-10)]:
        if abs(got - want) > tol * abs(want):
            sys.exit(f"FAIL: zone {c} {name} {got!r} != numpy {want!r}")
if set(rows) != set(range(10)):
    sys.exit(f"FAIL: zones {sorted(rows)}")
print("zonal statistics of 10 classes equal numpy")
EOF
    ;;
  chips)
    run "rs.ops=none" chips.size=64 chips.overlap=16 rs.format=gtiff
    $check chips "$work/out" "$out" || exit 1
    ;;
  err_missing) expect_error 1 "input.files.*nothere.tif" "input.files=$data/nothere.tif" ;;
  err_corrupt) expect_error 1 "input.files.*corrupt.tif" "input.files=$data/corrupt.tif" ;;
  err_truncated) expect_error 1 "truncated.tif.*band" "input.files=$data/truncated.tif" "rs.expr=B1+B2+B3+B4" ;;
  err_band) expect_error 1 "rs.expr.*column 7: band B7 out of range" "rs.expr=B1 + (B7 - B2)" ;;
  err_syntax) expect_error 1 "rs.expr.*column 11: expected" "rs.expr=(B1 + B2 * " ;;
  err_crs) expect_error 1 "wrongcrs.tif.*CRS" "input.files=$data/scene.tif,$data/wrongcrs.tif" ;;
  err_grid) expect_error 1 "wronggrid.tif.*grid" "input.files=$data/scene.tif,$data/wronggrid.tif" ;;
  err_crsname) expect_error 1 "warp.crs.*EPSG:99999" warp.crs=EPSG:99999 ;;
  err_exists)
    run "rs.expr=B1"
    rm -f "$work/out/report.json" # an interrupted run: the product exists but the run is not complete
    expect_error 1 "rs.output.*exists.*overwrite" "rs.expr=B1"
    ;;
  *) echo "unknown case $case_"; exit 2 ;;
esac
echo "OK: $case_ at $np ranks"
