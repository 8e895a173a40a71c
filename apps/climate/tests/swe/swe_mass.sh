# Mass conservation to round-off (issue 11: <= 1e-12 relative) with a mountain (case 5), the
# polar filter and centred fluxes, 3 days on 2 ranks; every diagnostic line is checked.
source "$(dirname "$0")/swe_lib.sh"
run 2 "$WORK/m" "$EX/swe_williamson5.ini" swe.days=3 swe.output_every=0 swe.diag_every=1
$PY - "$WORK/m/diagnostics.csv" <<'PYEOF' || fail "mass drift above 1e-12"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
worst = max(abs(float(r["mass_rel_drift"])) for r in rows)
print(f"{len(rows)} diagnostic lines, worst relative mass drift {worst:.2e}")
sys.exit(0 if worst <= 1e-12 and len(rows) > 10 else 1)
PYEOF
check "'$(get "$WORK/m/report.json" all_validations_passed)' == 'True'" "case 5 verdicts"
