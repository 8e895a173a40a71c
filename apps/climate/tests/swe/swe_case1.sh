# Williamson case 1: cosine bell, one revolution (12 days) at 2.8125 deg, alpha = 0 and
# pi/2 - 0.05 (over the poles), third-order upwind-biased mass flux. Williamson et al. (1992)
# publish no error table for this grid, so the bounds are a regression guard: measured
# l1 0.33-0.36, l2 0.225-0.23, linf 0.18-0.19; bounds l1 <= 0.45, l2 <= 0.3, linf <= 0.25.
# Mass (the bell's volume) must stay within 1e-12.
source "$(dirname "$0")/swe_lib.sh"
for alpha in 0 1.5207963267948966; do
  run 2 "$WORK/c1_$alpha" "$EX/swe_williamson1.ini" swe.alpha=$alpha swe.output_every=0 swe.diag_every=24
  r=$WORK/c1_$alpha/report.json
  check "$(get $r results.errors.l1) <= 0.45" "case 1 alpha=$alpha l1"
  check "$(get $r results.errors.l2) <= 0.3" "case 1 alpha=$alpha l2"
  check "$(get $r results.errors.linf) <= 0.25" "case 1 alpha=$alpha linf"
  check "abs($(get $r results.conservation.mass_relative_drift)) <= 1e-12" "case 1 alpha=$alpha mass"
done
