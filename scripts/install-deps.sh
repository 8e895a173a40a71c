#!/usr/bin/env bash
# Install what whpc needs to build, test and run. Idempotent: installs only missing packages.
#   scripts/install-deps.sh            build + test + `make run` dependencies
#   scripts/install-deps.sh --bench    also the heavy peers of `make bench`
#   scripts/install-deps.sh --check    only report what is missing (exit 1 if anything is)
# On Debian/Ubuntu it uses apt-get (as root). Elsewhere it prints what is needed and exits 1.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake pkg-config git clang
  # MPI and solvers
  openmpi-bin libopenmpi-dev petsc-dev libfftw3-dev libfftw3-mpi-dev
  # NetCDF (MPI build for whpc::ncio, serial tools for checks)
  libnetcdf-mpi-dev libhdf5-openmpi-dev netcdf-bin libpnetcdf-dev cdo nco python3-netcdf4
  # GDAL (libpng and libdeflate: remote_sensing encodes its web tiles itself)
  libgdal-dev gdal-bin python3-gdal libpng-dev libdeflate-dev
  # AI inference
  libdnnl-dev libprotobuf-c-dev protobuf-c-compiler python3-onnx libonnx-testdata
  # tests and quick-look plots
  libcmocka-dev python3-numpy python3-matplotlib python3-xarray
  # Slurm on localhost for the jobscript tests
  slurm-wlm munge
  # Lmod, to check the modulefile in packaging/ (conflicts with environment-modules)
  lmod
)
BENCH_PACKAGES=(libpetsc3.18-dev-examples python3-torch otb-bin nodejs npm)

mode=install
for a in "$@"; do
  case "$a" in
    --bench) PACKAGES+=("${BENCH_PACKAGES[@]}") ;;
    --check) mode=check ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$a' (expected --bench, --check or --help)" >&2; exit 2 ;;
  esac
done

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<'MSG'
install-deps.sh: this is not a Debian/Ubuntu system; install these yourself:
  Debian names : openmpi petsc fftw3(+mpi) netcdf-c(parallel, HDF5-MPI) pnetcdf gdal onednn protobuf-c cmocka cdo nco
  Spack        : spack install cmake openmpi petsc+mpi+hdf5 fftw+mpi netcdf-c+mpi parallel-netcdf gdal onednn protobuf-c cmocka cdo nco
  Modules      : module load cmake openmpi petsc fftw netcdf-c gdal onednn
then configure with: cmake --preset release
MSG
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps.sh: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [[ $mode == check ]]; then
  echo "install-deps.sh: missing: ${missing[*]}" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps.sh: missing packages need root: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
