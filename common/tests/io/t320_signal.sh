#!/bin/bash
# t320: a run stopped by a signal checkpoints, exits 75, restarts (at another rank count) and
# ends bit-identical to an uninterrupted run: the final checkpoint files are compared byte for
# byte and the printed checksums must agree. Three stops: simulated (whpc_signal_simulate),
# a real SIGTERM to every rank (what Slurm does at a time limit), and SIGUSR1 (Slurm --signal) to
# rank 0 only, which the other rank must agree on. (Open MPI 4.1's mpiexec does not forward
# SIGUSR1; it dies of it, so signal the ranks, as slurmstepd does.)
set -u
exe=$1
mpi() { local n=$1; shift; $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG "$n" "$exe" "$@"; }
base=$PWD/t320-runs
rm -rf "$base" && mkdir -p "$base"
fail=0
final=t320_stepper-0000000060.ckpt
common="t3.steps=60 checkpoint.every=10"

mpi 1 $common output.dir="$base/ref" > "$base/ref.log" 2>&1 || { echo "FAIL: reference run"; cat "$base/ref.log"; exit 1; }
ref_sum=$(grep -o "checksum [0-9a-f]*" "$base/ref.log")
echo "reference (1 rank): $ref_sum"

# check NAME: the stopped run exited 75 and left a checkpoint; restart at $2 ranks must match.
check() {
  local name=$1 np=$2 rc=$3
  local dir="$base/$name"
  if [ "$rc" -ne 75 ]; then echo "FAIL $name: stopped run exited $rc, expected 75"; cat "$dir.log"; fail=1; return; fi
  if ! ls "$dir"/checkpoints/*.ckpt > /dev/null 2>&1; then echo "FAIL $name: no checkpoint"; fail=1; return; fi
  local stopped_at=$(ls "$dir"/checkpoints/*.ckpt | tail -1)
  mpi "$np" $common output.dir="$dir" checkpoint.restart=latest > "$dir.restart.log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then echo "FAIL $name: restart exited $rc"; cat "$dir.restart.log"; fail=1; return; fi
  local sum=$(grep -o "checksum [0-9a-f]*" "$dir.restart.log")
  if cmp -s "$base/ref/checkpoints/$final" "$dir/checkpoints/$final" && [ "$sum" = "$ref_sum" ]; then
    echo "ok   $name: stopped at $(basename "$stopped_at"), restarted at $np ranks, $sum, final checkpoint identical"
  else
    echo "FAIL $name: final state differs ($sum vs $ref_sum)"; fail=1
  fi
}

mpi 2 $common t3.stop_at=23 output.dir="$base/simulated" > "$base/simulated.log" 2>&1
check simulated 4 $?

# Real signals: the run holds after step 10 (checkpoint written) until the signal comes; it stops
# at step 11 with its own checkpoint.
signal_run() {
  local name=$1 how=$2 dir="$base/$1"
  mpi 2 $common t3.hold_at=10 output.dir="$dir" > "$dir.log" 2>&1 &
  local launcher=$!
  for _ in $(seq 1 1200); do
    ls "$dir"/checkpoints/*.ckpt > /dev/null 2>&1 && [ -f "$dir/pid.1" ] && break
    sleep 0.05
  done
  if [ "$how" = TERM ]; then kill -TERM $(cat "$dir"/pid.*); else kill -USR1 $(cat "$dir"/pid.0); fi
  wait $launcher
}
signal_run sigterm TERM
check sigterm 3 $?
signal_run sigusr1 USR1
check sigusr1 1 $?
exit $fail
