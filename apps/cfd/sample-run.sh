#!/usr/bin/env bash
# `make run` sample of whpc-cfd: sample-run.sh BUILD_DIR NP OUT_DIR
# Each sample runs into OUT_DIR/<name> and prints where its results are; add further samples
# (e.g. the spectral solver's Taylor-Green vortex) as another block at the end.
set -euo pipefail
build=${1:?usage: sample-run.sh BUILD_DIR NP OUT_DIR}; np=${2:-2}; out=${3:?usage: sample-run.sh BUILD_DIR NP OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
exe="$build/apps/cfd/whpc-cfd"
[[ -x "$exe" ]] || { echo "sample-run.sh: $exe not built" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
mkdir -p "$out"

# --- projection solver: lid-driven cavity, Re = 100, 64^2 to steady state, verdict vs Ghia et al. 1982
mpiexec -n "$np" --oversubscribe "$exe" "$here/examples/cavity_re100.ini" grid.n=64,64 \
  output.dir="$out/cavity_re100" output.overwrite=true
if /usr/bin/python3 -c "import matplotlib, netCDF4" 2>/dev/null; then
  /usr/bin/python3 "$here/projection/plot_projection.py" "$out/cavity_re100" > /dev/null
fi
echo "cavity Re=100 (projection): $out/cavity_re100/{report.json,fields.nc,diagnostics.csv,centreline.csv,speed.png,centreline.png}"
mpiexec -n "$np" --oversubscribe "$exe" "$here/examples/tgv3d.ini" spectral.n=32 spectral.wisdom_dir="$out/fftw-wisdom" output.dir="$out/tgv3d" output.overwrite=true && { /usr/bin/python3 "$here/spectral/plot_spectral.py" "$out/tgv3d" "$here/spectral/data/tgv3d_Re1600_spectral512.csv" > /dev/null || true; } && echo "TGV Re=1600 32^3 to t=10 (spectral): $out/tgv3d/{report.json,diagnostics.csv,diagnostics.nc,spectra.csv,dissipation.png,spectra.png}"
