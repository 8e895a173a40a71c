# Mass conservation (relative drift <= 1e-12, issue 6) and energy behaviour on short runs:
# a bubble (periodic-free walls, inviscid) and a density current (K = 75, walls on all sides).
# Energy: the scheme conserves total energy up to hyperviscous/viscous dissipation, so the
# relative drift must be tiny (< 1e-6 here) and the kinetic energy must grow from zero.
source "$(dirname "$0")/euler_lib.sh"
run 2 "$EX/bubble.ini" euler.resolution=400 euler.t_end=150 euler.output_interval=0 output.dir=b || { cat run.log; fail "bubble run"; }
run 2 "$EX/straka.ini" euler.resolution=400 euler.t_end=150 euler.output_interval=0 output.dir=s || { cat run.log; fail "straka run"; }
for d in b s; do
  m=$(field $d "abs(r['results']['diagnostics']['mass_drift'])")
  e=$(field $d "abs(r['results']['diagnostics']['energy_drift'])")
  k=$(field $d "r['results']['diagnostics']['kinetic_energy']")
  echo "$d: |mass drift| = $m  |energy drift| = $e  kinetic energy = $k J/m"
  $PY -c "import sys; sys.exit(0 if $m <= 1e-12 else 1)" || fail "$d: mass drift $m > 1e-12"
  $PY -c "import sys; sys.exit(0 if $e < 1e-6 else 1)" || fail "$d: energy drift $e >= 1e-6"
  $PY -c "import sys; sys.exit(0 if $k > 1e3 else 1)" || fail "$d: no kinetic energy generated ($k)"
  [ "$(field $d "r['validation'][0]['pass']")" = "True" ] || fail "$d: mass verdict"
done
echo PASS
