#!/bin/bash
# whpc-ai-infer driver tests. Usage: test_driver.sh ranks|resume|term|full|badinput|skip|raster|formats|examples
# Environment from whpc_add_script_test: WHPC_MPIEXEC, WHPC_NUMPROC_FLAG, WHPC_BUILD_DIR, WHPC_SOURCE_DIR.
set -u
mode=$1
exe=$WHPC_BUILD_DIR/apps/ai_infer/whpc-ai-infer
app=$WHPC_SOURCE_DIR/apps/ai_infer
py=/usr/bin/python3
work=$(mktemp -d "$PWD/ai_infer_$mode.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mpirun() { local n=$1; shift; $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG "$n" "$exe" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
cat > cls.ini <<EOI
model.path = $app/models/tile_classifier.onnx
input.path = tiles
engine.batch = 4
sched.chunk = 5
output.topk = 3
EOI

case $mode in
ranks)
  # identical predictions.csv at 1, 2, 4 ranks, static and dynamic, both backends
  $py $app/tools/make_tiles.py tiles 37 || fail "make_tiles"
  mpirun 1 cls.ini output.dir=ref engine.backend=reference sched.mode=static > ref.log 2>&1 || { cat ref.log; fail "reference run"; }
  [ "$(tail -n +2 ref/predictions.csv | wc -l)" = 37 ] || fail "reference run: expected 37 rows"
  for be in reference onednn; do
    for n in 1 2 4; do
      for s in static dynamic; do
        mpirun $n cls.ini output.dir=o_${be}_${n}_$s engine.backend=$be sched.mode=$s > run.log 2>&1 || { cat run.log; fail "$be $n ranks $s"; }
        if [ $be = reference ]; then
          cmp -s ref/predictions.csv o_${be}_${n}_$s/predictions.csv || fail "$be $n ranks $s: predictions differ"
        else # oneDNN sums in another order: same classes, scores within 1e-5
          $py - ref/predictions.csv o_${be}_${n}_$s/predictions.csv <<'EOP' || fail "$be $n ranks $s: predictions differ"
import sys, csv
a = list(csv.reader(open(sys.argv[1]))); b = list(csv.reader(open(sys.argv[2])))
assert len(a) == len(b) == 38, (len(a), len(b))
for x, y in zip(a[1:], b[1:]):
    assert x[0] == y[0] and x[1] == y[1], (x, y)
    assert all(abs(float(p) - float(q)) <= 1e-5 for p, q in zip(x[2::2], y[2::2])), (x, y)
EOP
        fi
        echo "ok: $be $n ranks $s"
      done
    done
  done
  # no reader thread, odd batch and chunk sizes
  mpirun 2 cls.ini output.dir=o_noprefetch engine.backend=reference sched.prefetch=false engine.batch=3 sched.chunk=7 \
    > run.log 2>&1 || { cat run.log; fail "prefetch=false run"; }
  cmp -s ref/predictions.csv o_noprefetch/predictions.csv || fail "prefetch=false: predictions differ"
  echo "ok: no prefetch thread, batch 3, chunk 7"
  mpirun 2 cls.ini output.dir=o_readers engine.backend=reference sched.readers=3 > run.log 2>&1 || { cat run.log; fail "readers=3 run"; }
  cmp -s ref/predictions.csv o_readers/predictions.csv || fail "sched.readers=3: predictions differ"
  echo "ok: 3 reader threads per rank"
  ;;
resume)
  # kill the last rank mid-run (results written, chunk not journaled), rerun the same command
  $py $app/tools/make_tiles.py tiles 30 || fail "make_tiles"
  mpirun 1 cls.ini output.dir=ref engine.backend=reference > ref.log 2>&1 || fail "reference run"
  mpirun 2 cls.ini output.dir=out engine.backend=reference test.abort_after=7 > kill.log 2>&1 && fail "killed run exited 0"
  grep -q "kills itself" kill.log || { cat kill.log; fail "the kill hook did not fire"; }
  [ -f out/report.json ] && fail "killed run left a report.json"
  [ -f out/predictions.csv ] && fail "killed run left predictions.csv under its final name"
  ndone=$(cat out/journal/*.log | wc -l)
  [ "$ndone" -lt 30 ] || fail "journal already complete ($ndone)"
  mpirun 2 cls.ini output.dir=out engine.backend=reference > resume.log 2>&1 || { cat resume.log; fail "resume run"; }
  grep -q "already done (resume)" resume.log || fail "no resume line"
  grep "already done" resume.log
  cmp -s ref/predictions.csv out/predictions.csv || fail "resumed predictions differ from an uninterrupted run"
  dups=$(tail -n +2 out/predictions.csv | cut -d, -f1 | sort | uniq -d | wc -l)
  [ "$dups" = 0 ] || fail "duplicate ids"
  # a complete run is never overwritten
  mpirun 2 cls.ini output.dir=out engine.backend=reference > again.log 2>&1 && fail "rerun over a complete run exited 0"
  # a journal of another input list is refused
  rm -f tiles/tile_00029.tif
  rm -f out/report.json
  mpirun 2 cls.ini output.dir=out > other.log 2>&1 && fail "resume with another input list exited 0"
  grep -q "another input list" other.log || { cat other.log; fail "no input-list error"; }
  echo "ok: resume ($ndone of 30 journaled before the kill)"
  ;;
term)
  # SIGTERM mid-run (test.stop_after: the last rank sends itself a real SIGTERM; the other rank
  # learns it at its next chunk): exit 75 with one line, no final outputs; rerunning the same
  # command computes each remaining item once and gives byte-identical outputs
  $py $app/tools/make_tiles.py tiles 24 || fail "make_tiles"
  cat > seg.ini <<EOI
model.path = $app/models/segmenter.onnx
input.path = tiles
engine.batch = 2
sched.chunk = 2
EOI
  mpirun 1 seg.ini output.dir=ref > ref.log 2>&1 || { cat ref.log; fail "reference run"; }
  for s in dynamic static; do
    for n in 1 2; do
      o=o_${n}_$s
      mpirun $n seg.ini output.dir=$o sched.mode=$s test.stop_after=4 > stop.log 2>&1
      rc=$?
      [ $rc = 75 ] || { cat stop.log; fail "$n ranks $s: SIGTERM gave exit $rc, expected 75"; }
      [ "$(grep -c "stopped by a signal: .* inputs done and journaled .* rerun the same command to resume" stop.log)" = 1 ] \
        || { cat stop.log; fail "$n ranks $s: expected one 'stopped by a signal' line"; }
      grep -q "error" stop.log && { cat stop.log; fail "$n ranks $s: an error line after SIGTERM"; }
      for f in report.json predictions.csv mosaic.vrt; do [ -e $o/$f ] && fail "$n ranks $s: stopped run left $f"; done
      ndone=$(cat $o/journal/rank-*.log | wc -l)
      [ "$ndone" -lt 24 ] || fail "$n ranks $s: journal already complete"
      mpirun $n seg.ini output.dir=$o sched.mode=$s > resume.log 2>&1 || { cat resume.log; fail "$n ranks $s: resume"; }
      grep -q "$ndone already done (resume)" resume.log || { cat resume.log; fail "$n ranks $s: resume did not start from $ndone"; }
      cmp -s ref/predictions.csv $o/predictions.csv || fail "$n ranks $s: predictions.csv differs from an uninterrupted run"
      [ "$(cat $o/parts/rank-*.csv | wc -l)" = 24 ] || fail "$n ranks $s: $(cat $o/parts/rank-*.csv | wc -l) results computed, expected each of 24 once"
      [ "$(ls $o/tiles | wc -l)" = 24 ] || fail "$n ranks $s: expected 24 class tiles"
      for f in ref/tiles/*.tif; do cmp -s "$f" "$o/tiles/${f##*/}" || fail "$n ranks $s: ${f##*/} differs"; done
      echo "ok: $n ranks $s: SIGTERM after $ndone of 24 -> exit 75, resumed, every item once, outputs identical"
    done
  done
  ;;
full)
  # output.dir on a full tmpfs (needs root for mount; 77 = skipped): the first failed write (class
  # tile, result part) ends every rank with exit 3 and one error line naming the path, GDAL's own
  # messages folded into it; nothing unreadable under a final name, an earlier file intact; with
  # space again, rerunning the same command resumes to outputs identical to an uninterrupted run
  [ "$(id -u)" = 0 ] || { echo "SKIP: needs root for mount"; exit 77; }
  mkdir mnt
  mount -t tmpfs -o size=24k tmpfs mnt || { echo "SKIP: mount tmpfs failed"; exit 77; }
  trap 'umount "$work/mnt" 2> /dev/null; rm -rf "$work"' EXIT
  echo "earlier result" > mnt/earlier.txt
  $py $app/tools/make_tiles.py tiles 40 || fail "make_tiles"
  printf '%s\n' "model.path = $app/models/segmenter.onnx" "input.path = tiles" "engine.batch = 1" "sched.chunk = 1" > seg.ini
  mkdir many
  for i in $(seq 0 599); do ln -s "$work/tiles/$(printf "tile_%05d.tif" $((i % 40)))" many/t$i.tif; done
  for what in seg cls; do
    ini=seg.ini; extra=""
    # 600 classifier rows outgrow 24 KiB in the result parts, before the merge
    [ $what = cls ] && ini=cls.ini && extra="input.path=many sched.chunk=50"
    mpirun 2 $ini output.dir=ref_$what $extra > ref.log 2>&1 || { cat ref.log; fail "$what: reference run"; }
    mount -o remount,size=24k mnt || fail "remount"
    out=$work/mnt/$what
    mpirun 2 $ini output.dir=$out $extra > full.log 2>&1
    rc=$?
    [ $rc = 3 ] || { cat full.log; fail "$what: full disk gave exit $rc, expected 3"; }
    [ "$(grep -c "error" full.log)" = 1 ] || { cat full.log; fail "$what: expected exactly one error line"; }
    grep -q "error: cannot write '$out/.*': .*No space left on device" full.log || { cat full.log; fail "$what: the error does not name the path and ENOSPC"; }
    grep -q "^ERROR" full.log && { cat full.log; fail "$what: GDAL's own messages leaked"; }
    [ "$(cat mnt/earlier.txt)" = "earlier result" ] || fail "$what: earlier file damaged"
    for f in report.json predictions.csv mosaic.vrt; do [ -e $out/$f ] && fail "$what: $f left by the failed run"; done
    if [ $what = seg ]; then
      ls $out/tiles/*.tif > /dev/null 2>&1 || fail "seg: no tile written before the disk filled (test too small?)"
      for f in $out/tiles/*.tif; do gdalinfo -checksum "$f" > /dev/null 2>&1 || fail "seg: unreadable $f under its final name"; done
      ls -a $out/tiles | grep -q "\.part$" && fail "seg: temporary tile left behind"
    fi
    echo "ok: $what: $(grep error full.log)"
    mount -o remount,size=4m mnt || fail "remount"
    mpirun 2 $ini output.dir=$out $extra > resume.log 2>&1 || { cat resume.log; fail "$what: resume after freeing space"; }
    cmp -s ref_$what/predictions.csv $out/predictions.csv || fail "$what: resumed predictions differ"
    if [ $what = seg ]; then
      for f in ref_seg/tiles/*.tif; do cmp -s "$f" "$out/tiles/${f##*/}" || fail "seg: ${f##*/} differs after resume"; done
      cmp -s <(sed 's#ref_seg/#X/#' ref_seg/mosaic.vrt) <(sed "s#$out/#X/#" $out/mosaic.vrt) || echo "note: VRT differs only in paths"
    fi
    echo "ok: $what: resumed with space to outputs identical to an uninterrupted run ($(grep "already done" resume.log))"
    rm -rf "$out"
  done
  ;;
badinput)
  $py $app/tools/make_tiles.py tiles 6 || fail "make_tiles"
  $py $app/tools/make_tiles.py tiles3 3 --bands 3 || fail "make_tiles"
  $py $app/tools/make_tiles.py small 3 --size 32 || fail "make_tiles"
  $py $app/tools/make_tiles.py bad 8 --corrupt 5 || fail "make_tiles"
  head -c 3000 $app/models/tile_classifier.onnx > corrupt.onnx
  expect() { # expected-exit-code regex args...
    local code=$1 re=$2; shift 2
    mpirun 2 cls.ini "$@" > out.log 2>&1
    local rc=$?
    [ $rc = "$code" ] || { cat out.log; fail "$* : exit $rc, expected $code"; }
    grep -E "error.*$re" out.log | head -1 | grep -q . || { cat out.log; fail "$*: no one-line error matching '$re'"; }
    echo "ok ($rc): $(grep -E "error.*$re" out.log | head -1)"
  }
  expect 1 "missing.onnx: cannot open" model.path=missing.onnx output.dir=o1
  expect 1 "corrupt.onnx: not a valid ONNX model" model.path=corrupt.onnx output.dir=o2
  if [ -f /usr/share/libonnx-testdata/data/node/test_cos/model.onnx ]; then
    expect 1 "node '#0': operator Cos is not supported" model.path=/usr/share/libonnx-testdata/data/node/test_cos/model.onnx output.dir=o0
  fi
  expect 1 "3 bands, the model expects 4" input.path=tiles3 output.dir=o3
  expect 1 "32x32 pixels, the model expects 64x64" input.path=small output.dir=o4
  expect 1 "tile_00005.tif: cannot" input.path=bad output.dir=o5
  expect 1 "input.path = 'nowhere'" input.path=nowhere output.dir=o6
  # libwhpc classes an output directory it cannot create as an I/O failure (exit 3)
  expect 3 "/dev/null. exists and is not a directory" output.dir=/dev/null/x
  ;;
skip)
  $py $app/tools/make_tiles.py tiles 12 --corrupt 0,7 || fail "make_tiles"
  mpirun 2 cls.ini output.dir=out input.on_error=skip sched.readers=2 > out.log 2>&1 || { cat out.log; fail "run with skip"; }
  [ "$(tail -n +2 out/predictions.csv | wc -l)" = 10 ] || fail "expected 10 predictions"
  grep -q "tile_00000.tif" out/skipped.csv && grep -q "tile_00007.tif" out/skipped.csv || fail "skipped.csv incomplete"
  grep -q '"skipped": 2' out/report.json || fail "report.json does not count 2 skipped"
  echo "ok: 2 corrupt tiles skipped, 10 predicted"
  ;;
raster)
  $py $app/tools/make_tiles.py tiles 9 || fail "make_tiles"
  cat > seg.ini <<EOI
model.path = $app/models/segmenter.onnx
input.path = tiles
engine.batch = 2
sched.chunk = 3
EOI
  for n in 1 2; do
    mpirun $n seg.ini output.dir=s$n > out.log 2>&1 || { cat out.log; fail "segmenter at $n ranks"; }
  done
  [ "$(ls s2/tiles/*.tif | wc -l)" = 9 ] || fail "expected 9 class tiles"
  for f in s1/tiles/*.tif; do cmp -s "$f" "s2/tiles/$(basename "$f")" || fail "$f differs between 1 and 2 ranks"; done
  gdalinfo s2/mosaic.vrt > vrt.txt 2>&1 || { cat vrt.txt; fail "gdalinfo mosaic.vrt"; }
  grep -q "Size is 512, 128" vrt.txt || { cat vrt.txt; fail "mosaic size"; }
  gdalinfo s2/tiles/tile_00004.tif | grep -q "32632" || fail "tile lost its georeferencing"
  echo "ok: 9 class GeoTIFFs identical at 1 and 2 ranks, VRT 512x128"
  ;;
formats)
  # the same pixels as GeoTIFF, .npy and in a list file give the same predictions; fit modes run
  $py $app/tools/make_tiles.py tif 6 || fail "make_tiles"
  $py $app/tools/make_tiles.py npy 6 --format npy || fail "make_tiles"
  $py $app/tools/make_tiles.py big 4 --size 80 || fail "make_tiles"
  mpirun 2 cls.ini input.path=tif output.dir=o_tif > a.log 2>&1 || { cat a.log; fail "tif run"; }
  mpirun 2 cls.ini input.path=npy output.dir=o_npy > b.log 2>&1 || { cat b.log; fail "npy run"; }
  diff <(sed 's/\.tif,/,/' o_tif/predictions.csv) <(sed 's/\.npy,/,/' o_npy/predictions.csv) > /dev/null \
    || fail "GeoTIFF and .npy inputs of the same pixels predict differently"
  printf "# list file\ntif/tile_00003.tif\n\ntif/tile_00001.tif\n" > list.txt
  mpirun 1 cls.ini input.path=list.txt output.dir=o_list > c.log 2>&1 || { cat c.log; fail "list run"; }
  [ "$(tail -n +2 o_list/predictions.csv | wc -l)" = 2 ] || fail "list file: expected 2 rows"
  grep -q "^tif/tile_00003.tif," o_list/predictions.csv || fail "list file ids"
  $py $app/tools/make_tiles.py png 3 --format png || fail "make_tiles png"
  mpirun 1 cls.ini input.path=png input.scale=0.00392156862745098 output.dir=o_png > e.log 2>&1 || { cat e.log; fail "png run"; }
  [ "$(tail -n +2 o_png/predictions.csv | wc -l)" = 3 ] || fail "png: expected 3 rows"
  for fit in center_crop resize; do
    mpirun 2 cls.ini input.path=big input.fit=$fit output.dir=o_$fit > d.log 2>&1 || { cat d.log; fail "fit $fit"; }
    [ "$(tail -n +2 o_$fit/predictions.csv | wc -l)" = 4 ] || fail "fit $fit: expected 4 rows"
  done
  echo "ok: tif = npy predictions, list file, 4-band PNG, center_crop and resize"
  ;;
examples)
  # the example configs run from another directory (model.path is relative to the config file),
  # then the same from an installation (cmake --install into a temporary prefix): same results
  $py $app/tools/make_tiles.py tiles 12 || fail "make_tiles"
  for ex in tile_classifier segmenter; do
    mpirun 2 $app/examples/$ex.ini input.path=tiles output.dir=src_$ex > ex.log 2>&1 || { cat ex.log; fail "example $ex"; }
  done
  [ "$(tail -n +2 src_tile_classifier/predictions.csv | wc -l)" = 12 ] || fail "tile_classifier example: expected 12 rows"
  [ "$(ls src_segmenter/tiles/*.tif | wc -l)" = 12 ] && [ -f src_segmenter/mosaic.vrt ] || fail "segmenter example: tiles/VRT"
  cmake --install "$WHPC_BUILD_DIR" --prefix "$work/prefix" > install.log 2>&1 || { cat install.log; fail "cmake --install"; }
  share=$work/prefix/share/whpc/ai_infer
  for f in examples/tile_classifier.ini examples/segmenter.ini models/tile_classifier.onnx models/segmenter.onnx \
           tools/make_tiles.py tools/quicklook.py; do
    [ -f "$share/$f" ] || fail "not installed: share/whpc/ai_infer/$f"
  done
  $share/tools/make_tiles.py itiles 2 > /dev/null || fail "installed make_tiles.py"
  for ex in tile_classifier segmenter; do
    $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG 2 "$work/prefix/bin/whpc-ai-infer" "$share/examples/$ex.ini" input.path=tiles \
      output.dir=inst_$ex > ex.log 2>&1 || { cat ex.log; fail "installed example $ex"; }
    cmp -s src_$ex/predictions.csv inst_$ex/predictions.csv || fail "installed example $ex: predictions differ"
  done
  for f in src_segmenter/tiles/*.tif; do cmp -s "$f" "inst_segmenter/${f#src_segmenter/}" || fail "installed segmenter: $f differs"; done
  echo "ok: both example configs run from the source tree and from an installation with identical results"
  ;;
*) fail "unknown mode $mode" ;;
esac
exit 0
