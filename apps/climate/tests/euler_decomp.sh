# Identical results (bit for bit: order-independent state checksum and the NetCDF fields) for
# 1, 2 and 4 ranks and different process grids, 2D x-z (walls everywhere, K > 0) and 3D x-y.
source "$(dirname "$0")/euler_lib.sh"
ref=""
for cfg in "1 0 0" "2 2 1" "2 1 2" "4 2 2" "4 4 1" "4 1 4"; do
  set -- $cfg
  out=s_$1_$2_$3
  run $1 "$EX/straka.ini" euler.resolution=400 euler.t_end=60 euler.output_interval=30 euler.procs="$2 $3" output.dir=$out \
    || { cat run.log; fail "straka on $cfg"; }
  c=$(checksum $out); echo "2D ranks $1 grid $2x$3: checksum $c"
  [ -z "$ref" ] && ref=$c
  [ "$c" = "$ref" ] || fail "2D checksum differs on $cfg: $c vs $ref"
done
$PY - s_1_0_0/euler.nc s_4_2_2/euler.nc s_4_1_4/euler.nc <<'PYEOF' || fail "NetCDF fields differ"
import sys, netCDF4, numpy as np
a = netCDF4.Dataset(sys.argv[1])
for other in sys.argv[2:]:
    b = netCDF4.Dataset(other)
    for v in ("theta_prime", "u", "w", "rho", "p_prime"):
        if not np.array_equal(a[v][:], b[v][:]):
            sys.exit(f"{v} differs between {sys.argv[1]} and {other}")
print("NetCDF fields identical")
PYEOF
ref=""
for cfg in "1 0 0" "2 2 1" "4 2 2" "4 1 4"; do
  set -- $cfg
  out=b_$1_$2_$3
  run $1 "$EX/bubble3d.ini" euler.nx=16 euler.ny=12 euler.nz=10 euler.t_end=20 euler.output_interval=0 \
    euler.procs="$2 $3" output.dir=$out || { cat run.log; fail "bubble3d on $cfg"; }
  c=$(checksum $out); echo "3D ranks $1 grid $2x$3: checksum $c"
  [ -z "$ref" ] && ref=$c
  [ "$c" = "$ref" ] || fail "3D checksum differs on $cfg: $c vs $ref"
done
echo PASS
