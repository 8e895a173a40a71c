#!/usr/bin/env bash
# bench/climate/euler: run.sh BUILD_DIR OUT_DIR
# Cell-updates per second and per CPU-second of the euler core on the colliding-thermals case at
# 400 x 200 (300 steps) and on a 3D bubble (64^3, 100 steps: start-up is a smaller share than with 40), at 1 and 2 ranks, with the fraction of a STREAM triad
# measured in this same run (1 copy for 1 rank, 2 concurrent copies for 2 ranks).
# Memory-traffic model for the fraction (a lower bound, documented in README): per RK stage the
# kernel streams the nv state arrays, writes/reads p', reads/writes dq (tendency) and
# reads/writes q in the update: 2D (nv = 4) 26 doubles per cell per stage, 3D (nv = 5) 32.
# miniWeather's C/MPI version is quoted by the issue at ~4 Mcell-steps per CPU-second for the
# 400 x 200 collision case on this machine class (not re-measured here); the target is >= 1.5x.
set -uo pipefail
build=$(cd "$1" && pwd); out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"; out=$(cd "$out" && pwd)
exe=$build/apps/climate/whpc-climate
ex=$here/../../../apps/climate/examples
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
cc -O2 -o "$out/stream_triad" "$here/stream_triad.c" || exit 1
triad1=$("$out/stream_triad")
triad2=$( ("$out/stream_triad" > "$out/t2a" &) ; "$out/stream_triad" > "$out/t2b"; sleep 1; wait; \
          /usr/bin/python3 -c "print(float(open('$out/t2a').read()) + float(open('$out/t2b').read()))")
echo "STREAM triad: 1 copy $triad1 GB/s, 2 copies $triad2 GB/s"
results=()
bench() { # name np bytes_per_cell_step args...
  local name=$1 np=$2 bpc=$3; shift 3
  local dir=$out/$name.np$np
  rm -rf "$dir"
  local TIMEFORMAT="%U %S %R"
  local tm
  tm=$( { time mpiexec -n "$np" --oversubscribe "$exe" "$@" output.dir="$dir" log.level=warn > "$dir.log" 2>&1; } 2>&1 ) \
    || { echo "$name np$np failed (see $dir.log)"; return 1; }
  local triad=$triad1; [[ $np -ge 2 ]] && triad=$triad2
  /usr/bin/python3 - "$dir/report.json" "$np" "$bpc" "$triad" "$tm" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); np_ = int(sys.argv[2]); bpc = float(sys.argv[3]); triad = float(sys.argv[4])
u, s, wall = map(float, sys.argv[5].split())
res = r["results"]; steps = res["steps"]; cells = r["problem_size"]["cells"]
cups = r["figure_of_merit"]["value"]
cpu = u + s
per_cpu = cells * steps / cpu if cpu > 0 else float("nan")
frac = cups * bpc / (triad * 1e9)
print(f"{sys.argv[6]:10s} np={np_}: {cups/1e6:7.2f} Mcell-updates/s (loop), {cups/np_/1e6:6.2f} per rank, "
      f"{per_cpu/1e6:6.2f} per CPU-second (whole process incl. start-up), "
      f"{frac*100:5.1f} % of STREAM triad; vs miniWeather 4 Mcell-steps/CPU-s: x{per_cpu/4e6:.2f}")
PY
}
for np in 1 2; do
  bench collide $np $((26 * 8 * 3)) "$ex/collide.ini" euler.max_steps=300 euler.output_interval=0 euler.diag_interval=1000
  bench bubble3d $np $((32 * 8 * 3)) "$ex/bubble3d.ini" euler.nx=64 euler.ny=64 euler.nz=64 euler.max_steps=100 \
    euler.output_interval=0 euler.diag_interval=1000
done
