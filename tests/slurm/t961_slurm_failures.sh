#!/usr/bin/env bash
# t961 — jobs that must fail, fast and clearly:
#   a rank killed mid-run (whpc-ai-infer test.abort_after: the last rank SIGKILLs itself) ends the
#   whole 2-node job within seconds (srun --kill-on-bad-exit=1), with no report.json;
#   a misspelt key: exit 1 of the job and the app's one-line error in the job log;
#   a missing binary or input: the jobscript stops before srun with a message naming what is missing.
source "$(dirname "$0")/t960_lib.bash"
t0=$(date +%s)
j=$(sub --nodes=2 --ntasks=4 "$src/jobscripts/ai_infer.sbatch" test.abort_after=8 sched.chunk=4); r=$?
# time to the job log's last line (the batch script's end); sbatch --wait itself may return ~30 s
# later while the job is completing on the test nodes
took=$(($(stat -c %Y "whpc-ai-$j.out") - t0))
if [[ $r -ne 0 && $took -le 60 && ! -e runs/$j/report.json ]] && grep -q 'STEP .* CANCELLED' "whpc-ai-$j.out"; then
  ok "killed rank: job $j failed (exit $r), other ranks cancelled, log ends ${took}s after submission"
else show "whpc-ai-$j.out"; FAIL "killed rank: job $j exit $r after ${took}s"; fi
j=$(sub "$src/jobscripts/climate.sbatch" swe.resolutoin=2.8125); r=$?
[[ $r -eq 1 ]] && grep -q "swe.resolutoin" "whpc-climate-$j.out" && ok "bad key: exit 1, error names the key" ||
  { show "whpc-climate-$j.out"; FAIL "bad key: exit $r"; }
j=$(sbatch --parsable --wait --export=ALL,WHPC_BUILD=/nonexistent,WHPC_SOURCE="$src" "$src/jobscripts/cfd.sbatch"); r=$?
[[ $r -ne 0 ]] && grep -q "whpc-cfd not found" "whpc-cfd-$j.out" && ok "missing binary: exit $r, clear message" ||
  { show "whpc-cfd-$j.out"; FAIL "missing binary: exit $r"; }
j=$(WHPC_SCENE=/nonexistent/scene.tif sub "$src/jobscripts/remote_sensing.sbatch"); r=$?
[[ $r -ne 0 ]] && grep -q "scene '/nonexistent/scene.tif' not found" "whpc-rs-$j.out" && ok "missing input: exit $r, clear message" ||
  { show "whpc-rs-$j.out"; FAIL "missing input: exit $r"; }
exit $fail
