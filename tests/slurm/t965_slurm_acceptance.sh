#!/usr/bin/env bash
# t965 — the acceptance driver through Slurm (a subset of the small suite: a validation case, strong
# scaling over 1/2/4 ranks, weak scaling, the halo microbenchmark),
# then --local for two cases, then `compare` of the two summaries. Checks the summary's verdicts,
# job ids, machine description, parallel efficiencies, pages and PNGs; a failing case must make the
# driver fail (a bad key).
source "$(dirname "$0")/t960_lib.bash"
acc=$src/jobscripts/acceptance/whpc-acceptance
$PY "$acc" run --build "$build" --out "$tmp/s" --only climate_williamson2,climate_swe_strong,ai_classify_weak,halo \
  --sbatch-opt=--export=ALL > s.log 2>&1 || { tail -30 s.log; FAIL "slurm-mode run failed"; }
$PY - "$tmp/s" << 'PYEOF' || FAIL "slurm-mode summary wrong"
import json, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
names = {c["name"]: c for c in s["cases"]}
assert s["passed"] and s["mode"] == "slurm", s["verdicts"]
assert names["climate_williamson2"]["verdict"] == "pass"
assert all(c.get("job_id") for c in s["cases"]), "a case without a job id"
assert len(s["machine"]["slurm_job_ids"]) == len(s["cases"]) == 8, len(s["cases"])
for k in ("cpu_model", "logical_cpus", "memory_gib", "mpi", "slurm", "git_revision"):
    assert s["machine"][k], k
for n in ("climate_swe_strong", "ai_classify_weak"):
    pts = s["scaling"][n]["points"]
    assert [p["ranks"] for p in pts] == [1, 2, 4] and pts[0]["efficiency"] == 1.0 and all(p["efficiency"] > 0 for p in pts), pts
assert "halo" in s["micro"] and s["micro"]["halo"]["cases"], "halo benchmark JSON missing"
for f in ("index.md", "index.html", "scaling_strong.png", "scaling_weak.png", "regions.png"):
    assert os.path.getsize(os.path.join(d, f)) > 0, f
print("ok: slurm mode: 8 runs, verdicts, job ids, machine, efficiencies, pages, PNGs")
PYEOF
$PY "$acc" run --local --build "$build" --out "$tmp/l" --only climate_williamson2,ai_classify > l.log 2>&1 ||
  { tail -30 l.log; FAIL "local-mode run failed"; }
$PY "$acc" compare "$tmp/s/summary.json" "$tmp/l/summary.json" --out "$tmp/c" > c.log 2>&1 || FAIL "compare failed"
grep -q '^| climate_williamson2 | 2 | PASS | PASS |' "$tmp/c/compare.md" && grep -q 'only in A' "$tmp/c/compare.md" &&
  ok "compare: side-by-side table" || { cat "$tmp/c/compare.md"; FAIL "compare table wrong"; }
# a failing case fails the driver: a bad key through the suite file
sed 's/^args.small = swe.output_every=0$/args.small = swe.output_every=0 swe.no_such_key=1/' \
  "$src/jobscripts/acceptance/suite.ini" > bad.ini
$PY "$acc" run --local --suite bad.ini --build "$build" --out "$tmp/b" --only climate_williamson2 > b.log 2>&1 &&
  FAIL "a failing case did not fail the driver" || ok "a failing case fails the driver"
grep -q 'FAIL' "$tmp/b/index.md" || FAIL "failure not in the report"
exit $fail
