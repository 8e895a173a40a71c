#!/usr/bin/env bash
# make run: the libwhpc example (2D heat diffusion) on NP ranks. Usage: sample-run.sh BUILD NP OUT
set -euo pipefail
build=$1 np=$2 out=$3
mpiexec -n "$np" --oversubscribe "$build/examples/heat2d/whpc-heat2d" heat.n=128 output.dir="$out" output.overwrite=true
echo "heat2d results: $out/report.json"
