#!/usr/bin/env bash
# long-run.sh FUZZ_BUILD_DIR OUT_DIR [RUNS] [MAX_SECONDS]: the long fuzzing run of every harness,
# one after the other on one core (nice 19), each for RUNS executions (default 10^6) or at most
# MAX_SECONDS (default: no limit). New corpus entries and any crash land in OUT_DIR/<name>/;
# a summary line per harness goes to OUT_DIR/summary.txt (copied into docs/reliability.md).
# WHPC_FUZZ_TIMEOUT (default 10 s) is libFuzzer's per-input limit in wall-clock time: at nice 19
# on 2 cores shared by a dozen busy processes an ordinary 0.2 s input was once starved past 10 s.
set -u
fz=$1 out=$2 runs=${3:-1000000} maxt=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
export WHPC_SOURCE_DIR=$(cd "$here/../.." && pwd)
source "$here/../asan/asan.env"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$out"
for h in ${WHPC_FUZZ_HARNESSES:-expr npy config onnx ckpt}; do
  d=$out/$h
  mkdir -p "$d/corpus" "$d/crashes"
  cp -n "$here/corpus/$h/"* "$d/corpus/"
  t0=$(date +%s)
  (cd "$d" && nice -n 19 "$fz/fuzz_$h" -runs="$runs" -max_total_time="$maxt" -seed=7 -max_len=65536 -timeout=${WHPC_FUZZ_TIMEOUT:-10} \
     -rss_limit_mb=2560 -malloc_limit_mb=1024 -artifact_prefix="$d/crashes/" -print_final_stats=1 corpus > log 2>&1)
  rc=$?
  n=$(grep -o "stat::number_of_executed_units: [0-9]*" "$d/log" | awk '{print $2}')
  cov=$(grep -oE "cov: [0-9]+ ft: [0-9]+" "$d/log" | tail -1)
  ncrash=$(find "$d/crashes" -type f | wc -l)
  echo "$h: exit $rc, ${n:-?} executions in $(($(date +%s) - t0)) s, $cov, corpus $(ls "$d/corpus" | wc -l) files, $ncrash crash/leak/timeout/oom artifacts" | tee -a "$out/summary.txt"
done
