# A run of 2T equals a run of T + restart + T bit for bit, the restart on another rank count.
source "$(dirname "$0")/euler_lib.sh"
common="euler.resolution=400 euler.output_interval=60"
run 2 "$EX/bubble.ini" $common euler.t_end=120 output.dir=a || { cat run.log; fail "2T run"; }
run 1 "$EX/bubble.ini" $common euler.t_end=60 checkpoint.every=1000000 output.dir=b || { cat run.log; fail "T run"; }
ls b/checkpoints/*.ckpt > /dev/null 2>&1 || fail "no checkpoint written at the end of the T run"
run 4 "$EX/bubble.ini" $common euler.t_end=120 checkpoint.dir=b/checkpoints checkpoint.restart=latest output.dir=c \
  || { cat run.log; fail "restart run"; }
grep -q "restart from" run.log || fail "the second run did not restart"
ca=$(checksum a); cc=$(checksum c)
echo "2T: $ca   T + restart + T: $cc"
[ "$ca" = "$cc" ] || fail "restart is not bit-identical"
$PY - a/euler.nc c/euler.nc <<'PYEOF' || fail "final NetCDF record differs"
import sys, netCDF4, numpy as np
a, c = netCDF4.Dataset(sys.argv[1]), netCDF4.Dataset(sys.argv[2])
assert a["time"][-1] == c["time"][-1] == 120.0, (a["time"][:], c["time"][:])
for v in ("theta_prime", "u", "w", "rho", "p_prime"):
    if not np.array_equal(a[v][-1], c[v][-1]):
        sys.exit(f"{v} differs at t = 120 s")
print("final records identical")
PYEOF
echo PASS
