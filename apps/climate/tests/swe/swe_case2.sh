# Williamson case 2 (steady zonal geostrophic flow), 2.8125 deg, 5 days, at alpha = 0 and
# pi/2 - 0.05 (flow over the poles). Bound: normalised l2 height error <= 2e-4 at 2.8 deg (issue 11
# acceptance bound; Williamson et al. 1992 define the case and the norms). This scheme gives
# ~3.3e-5 and ~1.5e-4. Second-order convergence: 5.625 -> 2.8125 deg must cut l2 by >= 3.5x.
source "$(dirname "$0")/swe_lib.sh"
for alpha in 0 1.5207963267948966; do
  run 2 "$WORK/c2_$alpha" "$EX/swe_williamson2.ini" swe.alpha=$alpha swe.output_every=0
  l2=$(get "$WORK/c2_$alpha/report.json" results.errors.l2)
  check "$l2 <= 2e-4" "case 2 alpha=$alpha l2 at 2.8125 deg"
  check "'$(get "$WORK/c2_$alpha/report.json" all_validations_passed)' == 'True'" "case 2 alpha=$alpha verdicts"
  run 1 "$WORK/c2c_$alpha" "$EX/swe_williamson2.ini" swe.alpha=$alpha swe.output_every=0 swe.resolution=5.625
  l2c=$(get "$WORK/c2c_$alpha/report.json" results.errors.l2)
  check "$l2c / $l2 >= 3.5" "case 2 alpha=$alpha convergence ratio 5.625/2.8125 deg = $($PY -c "print(round($l2c/$l2,2))")"
done
