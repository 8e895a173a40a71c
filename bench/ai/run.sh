#!/bin/bash
# bench/ai: whpc ONNX engine (oneDNN backend) vs ONNX Runtime (onnxruntime-node@1.30.0) and PyTorch
# eager (Debian python3-torch, same architectures, torch.set_num_threads(1)), images/s
# per core at batch 1, 8, 32 for a ResNet-18-shaped model and the tile classifier; a 3x3 conv
# (N=32, C=K=64, 56x56) in GFLOP/s against the core's FMA peak measured in the same run.
# One thread, pinned to one core (taskset + OMP_PROC_BIND), for every engine.
# Time is process CPU time (user + system, all threads) for every engine and for the peak: on a
# shared, oversubscribed machine the wall clock also counts the time the core ran someone else
# (session 1 saw ratios swing 0.6-2.2 that way); CPU time per image is what "per core" means.
# Every figure is the fastest iteration within BENCH_SECONDS (after a warm-up), and each
# configuration runs BENCH_ROUNDS times with the engines interleaved, keeping each engine's best.
# whpc is run twice: with engine.winograd (the app's default; oneDNN may pick Winograd F(4,3) for
# 3x3 stride-1 convolutions, max|d|/max|ref| 6.6e-7 on ResNet-18 b8 vs 5.1e-7 direct) and direct
# only (the FLOPs ONNX Runtime and PyTorch do). The conv-vs-peak figure is the direct algorithm.
# Usage: run.sh BUILD_DIR OUT_DIR      (env: BENCH_CORE=1, BENCH_SECONDS=1, BENCH_ROUNDS=2)
set -u
build=$(cd "$1" && pwd); out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"; out=$(cd "$out" && pwd)
core=${BENCH_CORE:-1}; secs=${BENCH_SECONDS:-1}; rounds=${BENCH_ROUNDS:-2}
bench=$build/bench/ai/infer_bench
export OMP_NUM_THREADS=1 OMP_PROC_BIND=true OMP_PLACES=cores
pin() { taskset -c "$core" "$@"; }
[ -x "$bench" ] || { echo "bench/ai: $bench not built"; exit 1; }
[ -f "$out/resnet18.onnx" ] || /usr/bin/python3 "$here/make_models.py" "$out" || exit 1
cp "$here/../../apps/ai_infer/models/tile_classifier.onnx" "$out/"
ort=0
if [ ! -d "$out/node_modules/onnxruntime-node" ]; then
  (cd "$out" && npm install --no-audit --no-fund --prefix "$out" onnxruntime-node@1.30.0 \
       --onnxruntime-node-install=skip > npm.log 2>&1) || echo "onnxruntime-node not installable (see $out/npm.log)"
fi
[ -d "$out/node_modules/onnxruntime-node" ] && ort=1
torch=0
/usr/bin/python3 -c "import torch" 2>/dev/null && torch=1
val() { awk -v k="$1" '$1 == k {print $2}'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "NA") print b; else if (b == "" || b == "NA") print a; else print (a + 0 > b + 0 ? a : b) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "NA" && b != "NA" && b > 0) printf "%.2f", a / b; else print "NA" }'; }
nul() { if [ "$1" = NA ] || [ -z "$1" ]; then echo null; else echo "$1"; fi; }
json="$out/bench_ai.json"
up0=$(uptime)
echo "start: $up0 ($(getconf _NPROCESSORS_ONLN) cores online, core $core used)"
echo "{" > "$json"
echo "  \"uptime_start\": \"$up0\"," >> "$json"
peak=$(pin "$bench" peak 1 | val fma_peak_gflops)
printf "core %s: measured FMA peak %.1f GFLOP/s (fp32, one thread, CPU time)\n" "$core" "$peak"
printf "%-16s %5s %10s %10s %10s %10s %8s %8s %8s %8s\n" model batch whpc_img/s direct_img/s ort_img/s torch_img/s whpc/ort dir/ort whpc/torch dir/torch
for model in resnet18:3,224,224 tile_classifier:4,64,64; do
  name=${model%%:*}; chw=${model#*:}
  for b in 1 8 32; do
    w=NA; wd=NA; o=NA; tp=NA
    for r in $(seq 1 "$rounds"); do # engines interleaved, each keeps its best
      w=$(max "$w" "$(pin "$bench" model "$out/$name.onnx" $b "$secs" onednn-winograd 1 | val best_images_per_s)")
      wd=$(max "$wd" "$(pin "$bench" model "$out/$name.onnx" $b "$secs" onednn 1 | val best_images_per_s)")
      [ $ort = 1 ] && o=$(max "$o" "$(NODE_PATH="$out/node_modules" pin node "$here/bench_ort.js" "$out/$name.onnx" $b "$secs" 1 "$chw" | val best_images_per_s)")
      [ $torch = 1 ] && tp=$(max "$tp" "$(pin /usr/bin/python3 "$here/bench_torch.py" "$name" $b "$secs" 1 | val best_images_per_s)")
    done
    r1=$(ratio "$w" "$o"); r2=$(ratio "$wd" "$o"); r3=$(ratio "$w" "$tp"); r4=$(ratio "$wd" "$tp")
    printf "%-16s %5d %10s %10s %10s %10s %8s %8s %8s %8s\n" "$name" $b "$w" "$wd" "$o" "$tp" "$r1" "$r2" "$r3" "$r4"
    echo "  \"${name}_b$b\": {\"whpc_images_per_s\": $(nul "$w"), \"whpc_direct_images_per_s\": $(nul "$wd"), \"ort_images_per_s\": $(nul "$o"), \"torch_images_per_s\": $(nul "$tp"), \"whpc_over_ort\": $(nul "$r1"), \"whpc_direct_over_ort\": $(nul "$r2"), \"whpc_over_torch\": $(nul "$r3"), \"whpc_direct_over_torch\": $(nul "$r4")}," >> "$json"
  done
done
g=NA; gw=NA
for r in $(seq 1 "$rounds"); do
  g=$(max "$g" "$(pin "$bench" conv "$out/conv3x3.onnx" 32 "$secs" onednn 1 | val conv_gflops)")
  gw=$(max "$gw" "$(pin "$bench" conv "$out/conv3x3.onnx" 32 "$secs" onednn-winograd 1 | val conv_gflops)")
done
peak2=$(pin "$bench" peak 1 | val fma_peak_gflops)
peak=$(max "$peak" "$peak2") # the larger of the peaks measured before and after
go=NA
if [ $ort = 1 ]; then # same conv through ONNX Runtime
  oi=$(NODE_PATH="$out/node_modules" pin node "$here/bench_ort.js" "$out/conv3x3.onnx" 32 "$secs" 1 64,56,56 | val best_images_per_s)
  go=$(awk -v i="$oi" 'BEGIN { printf "%.2f", i * 2 * 64 * 64 * 9 * 56 * 56 / 1e9 }')
fi
frac=$(awk -v g="$g" -v p="$peak" 'BEGIN { printf "%.2f", g / p }')
printf "conv3x3 N=32 C=K=64 56x56 (fastest run, incl. layout reorders, direct): whpc %.1f GFLOP/s = %.0f%% of the measured FMA peak %.1f (target 85%%); ONNX Runtime %s GFLOP/s\n" \
  "$g" "$(awk -v f="$frac" 'BEGIN { print f * 100 }')" "$peak" "$go"
printf "conv3x3 with engine.winograd: %.1f direct-equivalent GFLOP/s (fewer real FLOPs: not comparable with the peak)\n" "$gw"
if [ $torch = 0 ]; then echo "PyTorch: python3-torch is not installed here; no PyTorch ratio measured"; fi
up1=$(uptime)
echo "end: $up1"
echo "  \"conv3x3\": {\"whpc_gflops\": $g, \"whpc_winograd_equiv_gflops\": $(nul "$gw"), \"ort_gflops\": $(nul "$go"), \"fma_peak_gflops\": $peak, \"fraction_of_peak\": $frac}," >> "$json"
echo "  \"uptime_end\": \"$up1\"," >> "$json"
echo "  \"timing\": \"process CPU time, fastest iteration, best of $rounds interleaved rounds of ${secs} s, one pinned thread\"," >> "$json"
echo "  \"pytorch\": $( [ $torch = 1 ] && echo "\"$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')\"" || echo '"not installed"')" >> "$json"
echo "}" >> "$json"
echo "results: $json"
