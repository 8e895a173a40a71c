# Validation at dx = 100 m: Bryan & Fritsch dry bubble (max w vs the 50 m self-reference, 10 %)
# and Straka density current at 900 s (front 15.54 km within 3 %, theta'_min -9.77 K within 5 %,
# as quoted for Straka et al. 1993, unverified against the paper; README). The verdicts and their
# sources are in clim_verdict.c.
# One rank: the answers do not depend on the rank count (climate.euler.decomp), and two ranks of
# these small grids on an oversubscribed machine were latency-bound (1119 s instead of ~1 min).
source "$(dirname "$0")/euler_lib.sh"
run 1 "$EX/bubble.ini" euler.output_interval=0 output.dir=b || { cat run.log; fail "bubble run"; }
grep "verdict" run.log
run 1 "$EX/straka.ini" euler.output_interval=0 output.dir=s || { cat run.log; fail "straka run"; }
grep "verdict" run.log
for d in b s; do
  [ "$(field $d "all(v['pass'] for v in r['validation'])")" = "True" ] || fail "$d: a verdict failed"
done
echo PASS
