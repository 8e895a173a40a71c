#!/usr/bin/env bash
# t950 — the heat2d jobscript through a real Slurm: sbatch --wait on 1 node and on 2 nodes (ranks on
# both, talking over TCP) give the same answer; a failing job ends with a non-zero state quickly.
set -u
src=$WHPC_SOURCE_DIR build=$WHPC_BUILD_DIR
tmp=$(mktemp -d /tmp/t950.XXXXXX); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
l2() { /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(repr([v["value"] for v in r["validation"]]))' "$1"; }
for nodes in 1 2; do
  job=$(sbatch --parsable --wait --nodes=$nodes --ntasks=4 --export=ALL,WHPC_BUILD="$build" \
        "$src/jobscripts/heat2d.sbatch" heat.n=64); rc=$?
  if [[ $rc -ne 0 ]]; then echo "FAIL: heat2d on $nodes node(s): sbatch rc=$rc"; cat whpc-heat2d-*.out; fail=1; continue; fi
  rep=runs/$job/report.json
  [[ -s $rep ]] || { echo "FAIL: no $rep"; fail=1; continue; }
  val[$nodes]=$(l2 "$rep")
  grep -q '"slurm_job_id": "'"$job"'"' "$rep" || { echo "FAIL: job id not in report"; fail=1; }
  echo "ok: $nodes node(s), job $job, L2 error ${val[$nodes]}"
done
[[ "${val[1]:-x}" == "${val[2]:-y}" ]] || { echo "FAIL: 1-node and 2-node answers differ: ${val[1]:-} vs ${val[2]:-}"; fail=1; }
# A bad key: the job fails (exit 1 of every rank) and sbatch --wait reports it within seconds.
start=$(date +%s)
sbatch --wait --quiet --nodes=2 --ntasks=4 --export=ALL,WHPC_BUILD="$build" "$src/jobscripts/heat2d.sbatch" heat.nn=3; rc=$?
took=$(( $(date +%s) - start ))
if [[ $rc -eq 0 || $took -gt 60 ]]; then echo "FAIL: bad job rc=$rc after ${took}s"; fail=1; else echo "ok: bad job failed (rc=$rc) in ${took}s"; fi
grep -h "unknown key 'heat.nn'" whpc-heat2d-*.out >/dev/null || { echo "FAIL: error message missing from job output"; fail=1; }
exit $fail
