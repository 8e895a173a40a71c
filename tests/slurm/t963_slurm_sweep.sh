#!/usr/bin/env bash
# t963 — the job array sweep and its summary step (afterok): jobscripts/climate-sweep.sh runs
# Williamson case 2 at 11.25, 5.625, 2.8125, 1.40625 deg for 1 day as 4 array tasks; collect.sbatch
# gathers the 4 report.json into summary.csv/md. Checks: 4 rows, all verdicts pass, and the l2
# height error falls by >= 3.5x per halving of the grid spacing (second order: 4x; measured
# 3.91, 3.98, 4.01 - apps/climate/README.md reports the same order at 5 days).
source "$(dirname "$0")/t960_lib.bash"
out=$(WHPC_BUILD=$build WHPC_SOURCE=$src WHPC_SWEEP_DAYS=1 "$src/jobscripts/climate-sweep.sh") || FAIL "climate-sweep.sh failed: $out"
echo "$out"
array=$(sed -n 's/^array \([0-9]*\) .*/\1/p' <<< "$out")
wait_for "runs/$array/summary.csv" 180 || { show whpc-climate-sweep-*.out whpc-collect-*.out; FAIL "no summary after the array"; }
[[ -s runs/$array/summary.csv ]] && $PY - "runs/$array/summary.csv" << 'PYEOF' || fail=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = True
if len(rows) != 4:
    print("FAIL: %d rows in the summary, expected 4" % len(rows)); ok = False
if any(r["all_passed"] != "yes" for r in rows):
    print("FAIL: a verdict failed"); ok = False
res = [float(r["swe.resolution"]) for r in rows]
l2 = [float(r["williamson2_height_l2"].split()[0]) for r in rows]
order = sorted(zip(res, l2), reverse=True)
ratios = [a[1] / b[1] for a, b in zip(order, order[1:])]
print("l2 by resolution:", order, "ratios", ["%.2f" % x for x in ratios])
if len(ratios) != 3 or min(ratios) < 3.5:
    print("FAIL: not second order"); ok = False
sys.exit(0 if ok else 1)
PYEOF
[[ $fail -eq 0 ]] && ok "array $array: 4 tasks, summary table, second-order convergence"
exit $fail
