# Gravity waves (Skamarock & Klemp 1994 setup) on the coarse 300 x 20 grid (dx = 1 km, dz = 500 m)
# against the linear compressible reference of igw_reference.py (committed as igw_ref_300x20.txt).
# Tolerance: relative L2 error of theta' at 3000 s <= 5 % (clim_verdict.c, README "Verdicts").
# One rank: rank independence is climate.euler.decomp's job, and on an oversubscribed machine
# the halo exchange of every RK stage made the 2-rank run of this small grid latency-bound (274 s).
source "$(dirname "$0")/euler_lib.sh"
run 1 "$EX/igw.ini" euler.reference="$EX/igw_ref_300x20.txt" euler.output_interval=0 output.dir=g \
  || { cat run.log; fail "igw run"; }
grep "verdict igw" run.log
[ "$(field g "[v for v in r['validation'] if v['name'] == 'igw_theta_prime_rel_l2_error'][0]['pass']")" = "True" ] \
  || fail "theta' differs from the linear reference by more than the tolerance"
echo PASS
