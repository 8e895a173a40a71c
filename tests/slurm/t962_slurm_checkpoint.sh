#!/usr/bin/env bash
# t962 — signal -> checkpoint -> continuation job -> restart, through a real Slurm
# (jobscripts/climate-chain.sbatch): the batch shell takes SIGUSR1 (as from --signal=B:USR1@N; here
# sent with `scancel --batch --signal=USR1` so the test need not wait for a time limit), forwards it
# to srun, the ranks checkpoint and exit 75, the script submits its continuation (afterany), which
# restarts from checkpoint.restart=latest. The final state must be bit-identical (state checksum)
# to an uninterrupted run of the same length.
source "$(dirname "$0")/t960_lib.bash"
args=(swe.resolution=2.8125 swe.days=12 log.progress_interval=0.5)
jobs=()
# the uninterrupted run, in parallel with the interrupted chain
ref=$(nowait "$src/jobscripts/climate-chain.sbatch" "${args[@]}"); jobs+=("$ref")
chain=$(nowait "$src/jobscripts/climate-chain.sbatch" "${args[@]}"); jobs+=("$chain")
log=whpc-climate-chain-$chain.out
# signal once the run is stepping (its progress lines start with "step")
for i in $(seq 240); do grep -q '^step' "$log" 2> /dev/null && break; sleep 0.25; done
grep -q '^step' "$log" 2> /dev/null || FAIL "chain job $chain did not start stepping"
scancel --batch --signal=USR1 "$chain"
wait_for "runs/$chain/final/report.json" 240 || FAIL "chain $chain did not complete"
wait_for "runs/$ref/final/report.json" 240 || FAIL "uninterrupted job $ref did not complete"
no_jobs_left 30 || FAIL "jobs still queued: $(squeue -h)"
parts=$(wc -l < "runs/$chain/chain.txt" 2> /dev/null || echo 0)
[[ $parts -ge 2 ]] || { show whpc-climate-chain-*.out; FAIL "chain ran $parts part(s), expected a continuation"; }
grep -q 'stopped by a signal at step' "$log" || FAIL "part 1 log has no 'stopped by a signal'"
grep -q 'srun: error: .*Exited with exit code 75' "$log" || FAIL "part 1 ranks did not exit with 75"
cont=$(sed -n 's/^\([0-9]*\) part 2$/\1/p' "runs/$chain/chain.txt")
grep -q 'restarted from .*checkpoints/whpc-climate-' "whpc-climate-chain-$cont.out" 2> /dev/null ||
  FAIL "continuation $cont did not restart from a checkpoint"
a=$(get "runs/$chain/final/report.json" results.state_checksum)
b=$(get "runs/$ref/final/report.json" results.state_checksum)
if [[ -n $a && $a == "$b" ]]; then ok "chain $chain ($parts parts) = uninterrupted job $ref: checksum $a"
else show whpc-climate-chain-*.out; FAIL "checksum after restart '$a' differs from uninterrupted '$b'"; fi
exit $fail
