#!/usr/bin/env bash
# Fault injection, one case per ctest (label fault):
#   faults.sh kill APP       SIGKILL of one rank mid-run: the job ends within 10 s, non-zero, and
#                            nothing half-written under a final name (no report.json; NetCDF and
#                            GeoTIFF files under final names open cleanly)
#   faults.sh term APP       SIGTERM to every rank mid-run (what slurmstepd sends at a time limit):
#                            cfd/climate checkpoint, exit 75 within 10 s, restart = uninterrupted
#                            run bit for bit; ai_infer/remote_sensing exit 75 within 15 s, resume
#                            and every item is done exactly once (outputs byte-identical to an
#                            uninterrupted run)
#   faults.sh full APP       output.dir on a full 1 MiB tmpfs: exit 3, one error line naming the
#                            path, an earlier file there intact, no half-written final file
#   faults.sh readonly APP   output.dir below a read-only mount: exit 3, one error line naming the
#                            path, the earlier contents intact
# full/readonly need mount(8) as root (exit 77 = skipped otherwise).
set -u
what=$1 app=$2
here=$(cd "$(dirname "$0")" && pwd)
S=${WHPC_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
B=${WHPC_BUILD_DIR:?WHPC_BUILD_DIR: the build directory}
MPIEXEC=${WHPC_MPIEXEC:-mpiexec --oversubscribe}
NPFLAG=${WHPC_NUMPROC_FLAG:--n}
PY=/usr/bin/python3
case $app in
  cfd) exe=$B/apps/cfd/whpc-cfd ;;
  climate) exe=$B/apps/climate/whpc-climate ;;
  remote_sensing) exe=$B/apps/remote_sensing/whpc-remote-sensing ;;
  ai_infer) exe=$B/apps/ai_infer/whpc-ai-infer ;;
esac
[[ -x $exe ]] || { echo "SKIP: $exe not built"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/whpc-fault.XXXXXX")
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2> /dev/null; done
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The arguments of a run of APP that lasts several seconds even on an idle machine ($1: output
# dir; $2 = kill: much longer, it is killed anyway).
long_args() {
  local steps=6000 tend=1500
  [[ ${2:-} == kill ]] && steps=10000000 tend=100000
  case $app in
    cfd) echo "$S/apps/cfd/examples/cavity_re100.ini grid.n=48,48 steady.enabled=false time.t_end=1e9 time.max_steps=$steps log.progress_interval=0.2 output.dir=$1" ;;
    climate) echo "$S/apps/climate/examples/bubble.ini euler.resolution=125 euler.t_end=$tend euler.output_interval=300 log.progress_interval=0.2 output.dir=$1" ;;
    remote_sensing) echo "$S/apps/remote_sensing/examples/ndvi.ini input.files=$W/big.tif rs.block_size=64 rs.ops=expr,filter filter.kind=median filter.radius=6 stats.hist_range= rs.resume=true log.progress_interval=0.2 output.dir=$1" ;;
    ai_infer) echo "$W/ai.ini log.progress_interval=0.2 output.dir=$1" ;;
  esac
}
fixtures() {
  case $app in
    remote_sensing)
      $PY - "$W/big.tif" << 'EOP' || fail "fixture"
import sys, numpy as np
from osgeo import gdal, osr
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[1], 768, 768, 4, gdal.GDT_UInt16, ["TILED=YES"])
ds.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
s = osr.SpatialReference(); s.ImportFromEPSG(32633); ds.SetProjection(s.ExportToWkt())
r = np.random.default_rng(3)
for b in range(4):
    ds.GetRasterBand(b + 1).WriteArray((r.random((768, 768)) * 3000 + 100).astype(np.uint16))
EOP
      ;;
    ai_infer)
      # 1200 inputs (40 distinct tensors, the rest symbolic links to them): seconds of work
      $PY -c "
import numpy as np, os, sys
d = sys.argv[1]; os.makedirs(d)
r = np.random.default_rng(5)
for i in range(40): np.save(os.path.join(d, 'x%04d.npy' % i), r.random((4, 64, 64), dtype=np.float32))
for i in range(40, 1200): os.symlink('x%04d.npy' % (i % 40), os.path.join(d, 'x%04d.npy' % i))
" "$W/in" || fail "fixture"
      printf '%s\n' "model.path = $S/apps/ai_infer/models/segmenter.onnx" "input.path = $W/in" \
        "engine.backend = reference" "engine.batch = 1" "sched.chunk = 1" > "$W/ai.ini"
      ;;
  esac
}
# start NP ARGS...: launch in the background; sets $job (mpiexec pid)
start() {
  local np=$1; shift
  $MPIEXEC $NPFLAG "$np" "$exe" "$@" < /dev/null > "$W/run.log" 2>&1 &
  job=$!
}
ranks() { ps -o pid= --ppid "$job"; }
# wait until the run has done some work (a progress/step line, or 3 s), at most 60 s
wait_busy() {
  local i
  for i in $(seq 1 300); do
    kill -0 "$job" 2> /dev/null || return 1
    grep -Eaq "^step |step [0-9]+/|ETA" "$W/run.log" && { sleep 0.5; return 0; }
    sleep 0.2
  done
  return 0
}
# no half-written file under a final name in DIR
final_files_ok() {
  local d=$1 f
  [[ -e $d/report.json ]] && fail "report.json left by a failed run"
  while IFS= read -r f; do
    ncdump -h "$f" > /dev/null 2>&1 || fail "half-written NetCDF under its final name: $f"
  done < <(find "$d" -type f -name '*.nc' 2> /dev/null)
  # every GeoTIFF (not remote_sensing's parts/ intermediates) must read completely; one process
  find "$d" -type f -name '*.tif' -not -path '*/parts/*' -print0 2> /dev/null | $PY -c "
import sys
from osgeo import gdal
gdal.UseExceptions()
for p in sys.stdin.read().split('\0'):
    if p:
        try:
            ds = gdal.Open(p)
            for b in range(ds.RasterCount): ds.GetRasterBand(b + 1).Checksum()
        except Exception as e:
            sys.exit('half-written GeoTIFF under its final name: %s (%s)' % (p, e))
" || fail "a GeoTIFF under a final name is unreadable"
  return 0
}
run_sync() { # run_sync NP ARGS... (foreground, log in $W/run.log)
  local np=$1; shift
  timeout -k 5 600 $MPIEXEC $NPFLAG "$np" "$exe" "$@" < /dev/null > "$W/run.log" 2>&1
}

fixtures
case $what in
kill)
  out=$W/out
  if [[ $app == ai_infer ]]; then
    # too fast to catch from outside on an idle machine: its own hook SIGKILLs the last rank
    # after 100 items (test.abort_after); the clock starts when it says so
    # shellcheck disable=SC2046
    start 2 $(long_args "$out") test.abort_after=100
    for i in $(seq 1 600); do
      grep -aq "kills itself" "$W/run.log" && break
      kill -0 "$job" 2> /dev/null || break
      sleep 0.05
    done
    grep -aq "kills itself" "$W/run.log" || { cat "$W/run.log"; fail "the kill hook did not fire"; }
    victim="(test.abort_after)"
  else
    # shellcheck disable=SC2046
    start 2 $(long_args "$out" kill)
    wait_busy || { cat "$W/run.log"; fail "the run ended before it could be killed"; }
    victim=$(ranks | tail -1)
    [[ -n $victim ]] || { cat "$W/run.log"; fail "no rank process found under mpiexec $job"; }
    kill -KILL "$victim"
  fi
  t0=$(date +%s%N)
  for i in $(seq 1 100); do kill -0 "$job" 2> /dev/null || break; sleep 0.1; done
  if kill -0 "$job" 2> /dev/null; then
    for p in $(ranks); do kill -KILL "$p"; done
    kill -KILL "$job"
    fail "the job was still running 10 s after rank pid $victim was killed"
  fi
  wait "$job"; rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  [[ $rc -ne 0 ]] || fail "killed job exited 0"
  final_files_ok "$out"
  echo "ok: one rank SIGKILLed, job ended after $ms ms with exit $rc, no half-written output"
  ;;
term)
  ref=$W/ref out=$W/out
  # shellcheck disable=SC2046
  run_sync 2 $(long_args "$ref") || { cat "$W/run.log"; fail "uninterrupted run"; }
  # shellcheck disable=SC2046
  start 2 $(long_args "$out")
  wait_busy || { cat "$W/run.log"; fail "the run ended before the signal"; }
  for p in $(ranks); do kill -TERM "$p"; done
  # Slurm's KillWait: SIGKILL what is still running. cfd and climate must stop within 10 s;
  # ai_infer and remote_sensing (which stop at the next chunk/block) within 15 s.
  killwait=100
  [[ $app == ai_infer || $app == remote_sensing ]] && killwait=150
  for i in $(seq 1 $killwait); do kill -0 "$job" 2> /dev/null || break; sleep 0.1; done
  if kill -0 "$job" 2> /dev/null; then
    echo "note: still running $((killwait / 10)) s after SIGTERM, sending SIGKILL"
    for p in $(ranks); do kill -KILL "$p"; done
    wait "$job"
    cat "$W/run.log"
    fail "SIGTERM: still running $((killwait / 10)) s later"
  fi
  wait "$job"; rc=$?
  cp "$W/run.log" "$W/stopped.log"
  case $app in
    cfd | climate)
      [[ $rc -eq 75 ]] || { cat "$W/stopped.log"; fail "SIGTERM: exit $rc, expected 75"; }
      ls "$out"/checkpoints/*.ckpt > /dev/null 2>&1 || fail "no checkpoint after SIGTERM"
      final_files_ok "$out"
      key=checkpoint.restart
      [[ $app == cfd ]] && key=checkpoint.restart
      # shellcheck disable=SC2046
      run_sync 1 $(long_args "$out") "$key=latest" output.overwrite=true || { cat "$W/run.log"; fail "restart"; }
      if [[ $app == cfd ]]; then
        $PY "$S/apps/cfd/tests/proj_compare_nc.py" "$ref/fields.nc" "$out/fields.nc" 0 u v p || fail "restart differs"
      else
        get() { $PY -c "import json,sys; print(json.load(open(sys.argv[1]))['results']['checksum'])" "$1/report.json"; }
        [[ $(get "$ref") == "$(get "$out")" ]] || fail "restart checksum $(get "$out") != $(get "$ref")"
      fi
      echo "ok: SIGTERM -> exit 75 with $(ls "$out"/checkpoints/*.ckpt | wc -l) checkpoint(s); restart on 1 rank bit-identical"
      ;;
    ai_infer | remote_sensing)
      # exit 0: it finished between the progress line and the signal (the check cannot apply)
      [[ $rc -eq 0 ]] && echo "note: the run finished (exit 0) before the signal reached it"
      [[ $rc -eq 75 || $rc -eq 0 ]] || { cat "$W/stopped.log"; fail "SIGTERM: exit $rc, expected 75 (stopped, resumable)"; }
      [[ -e $out/report.json ]] && fail "report.json left by a stopped run"
      # shellcheck disable=SC2046
      run_sync 2 $(long_args "$out") output.overwrite=true || { cat "$W/run.log"; fail "resume"; }
      if [[ $app == ai_infer ]]; then
        cmp "$ref/predictions.csv" "$out/predictions.csv" || fail "predictions.csv differs from the uninterrupted run"
        n=$(tail -n +2 "$out/predictions.csv" | cut -d, -f1 | sort | uniq | wc -l)
        m=$(tail -n +2 "$out/predictions.csv" | wc -l)
        [[ $n -eq 1200 && $m -eq 1200 ]] || fail "$m rows, $n distinct ids, expected 1200 each"
        for f in "$ref"/tiles/*.tif; do cmp -s "$f" "$out/tiles/${f##*/}" || fail "tile ${f##*/} differs"; done
      else
        $PY - "$ref/product.tif" "$out/product.tif" << 'EOP' || fail "product differs from the uninterrupted run"
import sys
from osgeo import gdal
a, b = (gdal.Open(p).ReadRaster() for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
EOP
      fi
      echo "ok: SIGTERM (exit $rc), resumed; every item once, outputs identical to an uninterrupted run"
      ;;
  esac
  ;;
full | readonly)
  [[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root for mount"; exit 77; }
  m=$W/mnt
  mkdir -p "$m"
  if [[ $what == full ]]; then
    size=1m
    [[ $app == ai_infer ]] && size=24k
    mount -t tmpfs -o size=$size tmpfs "$m" || { echo "SKIP: mount tmpfs failed"; exit 77; }
    mounts+=("$m")
    echo "earlier result" > "$m/earlier.txt"
    out=$m/run
    case $app in # outputs larger than the tmpfs
      cfd) args="$S/apps/cfd/examples/cavity_re100.ini grid.n=256,256 steady.enabled=false time.max_steps=1 output.dir=$out" ;;
      climate) args="$S/apps/climate/examples/bubble.ini euler.resolution=40 euler.max_steps=1 output.dir=$out" ;;
      remote_sensing) args="$S/apps/remote_sensing/examples/ndvi.ini input.files=$W/big.tif rs.compress=none rs.format=gtiff output.dir=$out" ;;
      ai_infer) args="$W/ai.ini output.dir=$out" ;;
    esac
  else
    mkdir -p "$m/earlier"
    echo "earlier result" > "$m/earlier.txt"
    mount --bind "$m" "$m" && mount -o remount,bind,ro "$m" || { echo "SKIP: read-only bind mount failed"; exit 77; }
    mounts+=("$m")
    out=$m/run
    case $app in
      cfd) args="$S/apps/cfd/examples/cavity_re100.ini grid.n=16,16 time.max_steps=1 output.dir=$out" ;;
      climate) args="$S/apps/climate/examples/bubble.ini euler.resolution=1000 euler.max_steps=1 output.dir=$out" ;;
      remote_sensing) args="$S/apps/remote_sensing/examples/ndvi.ini input.files=$W/big.tif output.dir=$out" ;;
      ai_infer) args="$W/ai.ini output.dir=$out" ;;
    esac
  fi
  # shellcheck disable=SC2086
  run_sync 2 $args; rc=$?
  errs=$(grep -acE ": error( \[rank [0-9]+\])?:" "$W/run.log")
  msg=$(grep -aE ": error( \[rank [0-9]+\])?:" "$W/run.log" | head -1)
  echo "exit $rc: $msg"
  [[ $rc -eq 3 ]] || { cat "$W/run.log"; fail "exit $rc, expected 3 (I/O failure)"; }
  [[ $errs -eq 1 ]] || { cat "$W/run.log"; fail "$errs error lines, expected 1"; }
  [[ $msg == *"$m"* ]] || fail "the error does not name the path under $m"
  grep -aEq "Segmentation|core dumped|signal [0-9]+ \(|AddressSanitizer" "$W/run.log" && fail "crash"
  [[ $(cat "$m/earlier.txt") == "earlier result" ]] || fail "an earlier file was damaged"
  [[ $what == full ]] && final_files_ok "$out"
  echo "ok: $what output directory -> exit 3 naming the path, earlier contents intact"
  ;;
esac
exit 0
