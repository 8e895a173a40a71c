#!/bin/bash
# bench/ai: whpc ONNX engine (oneDNN backend) vs ONNX Runtime (onnxruntime-node@1.30.0) and PyTorch
# eager (Debian python3-torch, same architectures, torch.set_num_threads(1)), images/s
# per core at batch 1, 8, 32 for a ResNet-18-shaped model and the tile classifier; a 3x3 conv
# (N=32, C=K=64, 56x56) in GFLOP/s against the core's FMA peak measured in the same run.
# One thread, pinned to one core (taskset + OMP_PROC_BIND), for every engine. Every figure is
# the fastest iteration within BENCH_SECONDS (after a warm-up), for all engines alike: on a
# shared machine the mean mostly measures the neighbours.
# Usage: run.sh BUILD_DIR OUT_DIR      (env: BENCH_CORE=1, BENCH_SECONDS=2)
set -u
build=$(cd "$1" && pwd); out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"; out=$(cd "$out" && pwd)
core=${BENCH_CORE:-1}; secs=${BENCH_SECONDS:-2}
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
json="$out/bench_ai.json"
echo "{" > "$json"
peak=$(pin "$bench" peak 1 | val fma_peak_gflops)
printf "core %s: measured FMA peak %.1f GFLOP/s (fp32, one thread)\n" "$core" "$peak"
printf "%-16s %5s %11s %11s %11s %9s %10s\n" model batch whpc_img/s ort_img/s torch_img/s whpc/ort whpc/torch
for model in resnet18:3,224,224 tile_classifier:4,64,64; do
  name=${model%%:*}; chw=${model#*:}
  for b in 1 8 32; do
    w=$(pin "$bench" model "$out/$name.onnx" $b "$secs" onednn 1 | val best_images_per_s)
    o=NA; r=NA
    if [ $ort = 1 ]; then
      o=$(NODE_PATH="$out/node_modules" pin node "$here/bench_ort.js" "$out/$name.onnx" $b "$secs" 1 "$chw" | val best_images_per_s)
      r=$(awk -v a="$w" -v b="$o" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NA" }')
    fi
    tp=NA; rt=NA
    if [ $torch = 1 ]; then
      tp=$(pin /usr/bin/python3 "$here/bench_torch.py" "$name" $b "$secs" 1 | val best_images_per_s)
      rt=$(awk -v a="$w" -v b="$tp" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "NA" }')
    fi
    printf "%-16s %5d %11s %11s %11s %9s %10s\n" "$name" $b "$w" "$o" "$tp" "$r" "$rt"
    nul() { [ "$1" = NA ] && echo null || echo "$1"; }
    echo "  \"${name}_b$b\": {\"whpc_images_per_s\": ${w:-null}, \"ort_images_per_s\": $(nul "$o"), \"torch_images_per_s\": $(nul "$tp"), \"whpc_over_ort\": $(nul "$r"), \"whpc_over_torch\": $(nul "$rt")}," >> "$json"
  done
done
g=$(pin "$bench" conv "$out/conv3x3.onnx" 32 "$secs" onednn 1 | val conv_gflops)
# the core is shared on a busy machine: take the larger of the peaks measured before and after
peak2=$(pin "$bench" peak 1 | val fma_peak_gflops)
peak=$(awk -v a="$peak" -v b="$peak2" 'BEGIN { print (a > b ? a : b) }')
go=NA
if [ $ort = 1 ]; then # same conv through ONNX Runtime
  oi=$(NODE_PATH="$out/node_modules" pin node "$here/bench_ort.js" "$out/conv3x3.onnx" 32 "$secs" 1 64,56,56 | val best_images_per_s)
  go=$(awk -v i="$oi" 'BEGIN { printf "%.2f", i * 2 * 64 * 64 * 9 * 56 * 56 / 1e9 }')
fi
frac=$(awk -v g="$g" -v p="$peak" 'BEGIN { printf "%.2f", g / p }')
printf "conv3x3 N=32 C=K=64 56x56 (fastest run, incl. layout reorders): whpc %.1f GFLOP/s = %.0f%% of the measured FMA peak %.1f (target 85%%); ONNX Runtime %s GFLOP/s\n" \
  "$g" "$(awk -v f="$frac" 'BEGIN { print f * 100 }')" "$peak" "$go"
if [ $torch = 0 ]; then echo "PyTorch: python3-torch is not installed here; no PyTorch ratio measured"; fi
echo "  \"conv3x3\": {\"whpc_gflops\": $g, \"ort_gflops\": $( [ "$go" = NA ] && echo null || echo "$go"), \"fma_peak_gflops\": $peak, \"fraction_of_peak\": $frac}," >> "$json"
echo "  \"pytorch\": $( [ $torch = 1 ] && echo "\"$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')\"" || echo '"not installed"')" >> "$json"
echo "}" >> "$json"
echo "results: $json"
