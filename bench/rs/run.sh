#!/usr/bin/env bash
# bench/rs: whpc-remote-sensing against the GDAL tools on one generated scene, all in one run.
# Usage: run.sh BUILD_DIR OUT_DIR [N]     N = scene edge in pixels (default 16384; e.g. 4096 for a quick look)
# Env:   NP = MPI ranks (default: nproc); the GDAL peers get the same cores where they can use them.
#        ZOOM = web tile zooms zmin,zmax (default 12,14). Our tile run also copies the product once.
#        TILES_CHECK=1 compares every web tile with gdal2tiles.py's, pixel for pixel.
#        CASES = which comparisons (default "ndvi hillshade warp warp_et0 cog tiles otb"; warp_et0, the
#        exact transformer on both sides, is the slowest by far; otb needs otbcli_BandMath).
# Prints wall and CPU seconds of each tool and the ratios per wall second and per CPU second
# (the machine may be shared: per-CPU-second is the fairer figure). Writes OUT_DIR/bench.csv.
set -uo pipefail
build=$(cd "$1" && pwd); out=$2; n=${3:-16384}
np=${NP:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
exe=$build/apps/remote_sensing/whpc-remote-sensing
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_rmaps_base_oversubscribe=1 GDAL_NUM_THREADS=1 GDAL_PAM_ENABLED=NO
PY=/usr/bin/python3
mkdir -p "$out"
data=$out/data
if [[ ! -s $data/scene.tif || $(gdalinfo "$data/scene.tif" | grep -c "Size is $n, $n") -eq 0 ]]; then
  echo "generating a $n x $n 4-band uint16 scene and DEM in $data"
  $PY "$here/gen_scene.py" "$data" "$n" || exit 1
fi
mpix=$(awk -v n="$n" 'BEGIN { printf "%.3f", n * n / 1e6 }')
csv=$out/bench.csv
echo "case,tool,wall_s,cpu_s,mpix_per_wall_s,mpix_per_cpu_s" >"$csv"
cases=" ${CASES:-ndvi hillshade warp warp_et0 cog tiles otb} "
want() { [[ $cases == *" $1 "* ]]; }

# measure NAME TOOL CMD...: wall and user+sys CPU of CMD and its children
measure() {
  local case_=$1 tool=$2; shift 2
  local tf=$out/$case_.$tool.time
  if ! /usr/bin/time -o "$tf" -f "%e %U %S" "$@" >"$out/$case_.$tool.log" 2>&1; then
    echo "$case_ $tool: failed (see $out/$case_.$tool.log)"; return 1
  fi
  read -r wall user sys < <(tail -1 "$tf")
  local cpu
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  # /usr/bin/time on mpiexec collects only part of its ranks' CPU time (0.35 s of a rank's 1 s
  # busy loop here): each rank runs under its own /usr/bin/time, appending to $tf.ranks; the CPU
  # time is their sum, or mpiexec's total when that is larger (it then holds the ranks and itself)
  if [[ -s $tf.ranks ]]; then
    cpu=$(awk -v c="$cpu" '{ r += $1 + $2 } END { print (r > c ? r : c) }' "$tf.ranks")
  fi
  awk -v c="$case_" -v tl="$tool" -v w="$wall" -v cp="$cpu" -v m="$mpix" \
    'BEGIN { printf "%s,%s,%.2f,%.2f,%.2f,%.2f\n", c, tl, w, cp, m / w, m / cp }' >>"$csv"
}

# warm FILE...: read the inputs into the page cache before a timed run, so that neither tool pays
# for reading the scene from disk (the first run of a case otherwise did: our 16k^2 NDVI took 1.6
# CPU-s after the scene had been evicted, 1.0 right after)
warm() { cat "$@" >/dev/null; }

ours() { # ours CASE KEY=VALUE...
  local case_=$1; shift
  rm -rf "$out/$case_.whpc" "$out/$case_.whpc.time.ranks"
  measure "$case_" whpc mpiexec -n "$np" --oversubscribe /usr/bin/time -a -o "$out/$case_.whpc.time.ranks" -f "%U %S" \
    "$exe" "$root/apps/remote_sensing/examples/ndvi.ini" \
    output.dir="$out/$case_.whpc" stats.hist_range= rs.quicklook=false "$@"
}

if want ndvi; then
echo "== NDVI ($n x $n, $np ranks) vs gdal_calc.py"
warm "$data/scene.tif"
ours ndvi input.files="$data/scene.tif" rs.format=gtiff rs.compress=none stats.enable=false
warm "$data/scene.tif"
F='A.astype(numpy.float64)'
measure ndvi gdal_calc $PY /usr/bin/gdal_calc.py --quiet --overwrite -A "$data/scene.tif" --A_band=4 \
  -B "$data/scene.tif" --B_band=3 --type=Float32 --NoDataValue=-9999 --outfile="$out/ndvi.calc.tif" \
  --calc="($F-B)/($F+B)"
fi

if want otb; then
echo "== NDVI vs otbcli_BandMath (Orfeo ToolBox, ITK threads = $np; otb-bin from install-deps.sh --bench)"
if command -v otbcli_BandMath >/dev/null; then
  warm "$data/scene.tif"
  ours otb input.files="$data/scene.tif" rs.format=gtiff rs.compress=none stats.enable=false
  warm "$data/scene.tif"
  # muParser evaluates in double, the Float32 output is rounded once: the same values as ours where
  # neither band is nodata (OTB has no nodata rule: 0/0 gives NaN there). -ram: OTB's default 256 MB
  measure otb otbcli env ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS="$np" otbcli_BandMath -il "$data/scene.tif" \
    -out "$out/ndvi.otb.tif" float -exp "(im1b4-im1b3)/(im1b4+im1b3)"
else
  echo "otb: otbcli_BandMath not installed (apt-get install otb-bin): skipped"
fi
fi

if want hillshade; then
echo "== hillshade vs gdaldem (single-threaded tool)"
warm "$data/dem.tif"
ours hillshade input.files="$data/dem.tif" input.bands= rs.ops=terrain terrain.mode=hillshade rs.format=gtiff \
  rs.compress=none stats.enable=false
warm "$data/dem.tif"
measure hillshade gdaldem gdaldem hillshade -q "$data/dem.tif" "$out/hs.gdaldem.tif"
fi

if want warp || want warp_et0; then
echo "== reprojection EPSG:32650 -> EPSG:32651, nearest, vs gdalwarp -multi -wo NUM_THREADS=$np"
fi
if want warp_et0; then
  warm "$data/scene.tif"
  ours warp input.files="$data/scene.tif" rs.ops=none warp.crs=EPSG:32651 warp.resolution=10,10 rs.format=gtiff \
    rs.compress=none stats.enable=false
  warm "$data/scene.tif"
  measure warp gdalwarp_et0 gdalwarp -q -overwrite -multi -wo NUM_THREADS="$np" -et 0 -t_srs EPSG:32651 -tr 10 10 \
    -r near "$data/scene.tif" "$out/warp.gdalwarp_et0.tif"
fi
if want warp; then
  warm "$data/scene.tif"
  ours warp_et input.files="$data/scene.tif" rs.ops=none warp.crs=EPSG:32651 warp.resolution=10,10 \
    warp.error_threshold=0.125 rs.format=gtiff rs.compress=none stats.enable=false
  warm "$data/scene.tif"
  measure warp_et gdalwarp gdalwarp -q -overwrite -multi -wo NUM_THREADS="$np" -t_srs EPSG:32651 -tr 10 10 -r near \
    "$data/scene.tif" "$out/warp.gdalwarp.tif"
fi

if want cog; then
echo "== COG cost: the uncompressed GTiff product is written once in place; a COG is one more copy of it"
ours ndvi_cog input.files="$data/scene.tif" rs.format=cog rs.compress=deflate stats.enable=false
measure cog_copy gdal_translate gdal_translate -q -of COG -co COMPRESS=DEFLATE -co RESAMPLING=AVERAGE \
  "$out/ndvi.whpc/product.tif" "$out/cog_copy.tif"

fi

if want tiles; then
echo "== web tiles of the NDVI product vs gdal2tiles.py --processes=$np (same byte-scaled input)"
zt=${ZOOM:-12,14} # the scene has 10 m pixels: zoom 14 (9.55 m) is native resolution
ours tiles input.files="$out/ndvi.whpc/product.tif" input.bands= rs.ops=none rs.format=gtiff rs.compress=none \
  "tiles.zoom=$zt"
# the byte scaling of our run (its NDVI min..max -> 1..255, nodata 0), so both tile the same pixels
read -r lo hi < <($PY -c "import json, sys; s = json.load(open(sys.argv[1]))['results']['stats']['band1']
print(repr(s['min']), repr(s['max']))" "$out/tiles.whpc/report.json" 2>/dev/null) || { lo=; hi=; }
gdal_translate -q -ot Byte -b 1 -scale $lo $hi ${lo:+1 255} -a_nodata 0 "$out/ndvi.whpc/product.tif" "$out/ndvi.byte.tif"
rm -rf "$out/g2t"
measure tiles gdal2tiles $PY /usr/bin/gdal2tiles.py -q -z "${zt/,/-}" --processes="$np" "$out/ndvi.byte.tif" "$out/g2t"
if [[ -n ${TILES_CHECK:-} ]]; then # every tile pixel for pixel (minutes at 16k)
  $PY "$root/apps/remote_sensing/tests/rs_tiles_check.py" "$out/tiles.whpc/tiles" "$out/g2t" png
fi
fi

echo
column -s, -t "$csv"
echo
awk -F, 'NR > 1 { w[$1","$2] = $3; c[$1","$2] = $4; cases[$1] = 1; tools[$1","$2] = 1 }
  END {
    for (k in tools) {
      split(k, p, ","); if (p[2] == "whpc") continue
      o = p[1] ",whpc"; if (!(o in w)) continue
      printf "%-10s whpc vs %-15s  %5.2fx per wall second  %5.2fx per CPU second\n", p[1], p[2], w[k] / w[o], c[k] / c[o]
    }
  }' "$csv" | sort
awk -F, '$1 == "ndvi" && $2 == "whpc" { g = $3; gc = $4 } $1 == "ndvi_cog" && $2 == "whpc" { c = $3; cc = $4 }
  END { if (g && c) printf "NDVI as COG (deflate, overviews) costs %.2fx the wall and %.2fx the CPU of NDVI as GTiff\n", c / g, cc / gc }' "$csv"
echo "results: $csv"
