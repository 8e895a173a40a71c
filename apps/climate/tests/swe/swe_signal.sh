# A signal (SIGUSR1, what Slurm's --signal sends) stops every rank at the same step after a
# checkpoint, exit status 75, with no half-written swe.nc; the continuation on another rank count
# equals a run that was never stopped.
source "$(dirname "$0")/swe_lib.sh"
cfg=$EX/swe_williamson6.ini
d=$WORK/s
$MPIEXEC $NPFLAG 2 "$EXE" "$cfg" output.dir="$d" swe.days=60 swe.output_every=24 log.progress_interval=0.5 > "$d.log" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q "^step " "$d.log" 2> /dev/null && break; sleep 0.2; done
sleep 1
kill -USR1 $pid
wait $pid
rc=$?
[ $rc -eq 75 ] || { cat "$d.log"; fail "stopped run exited with $rc, expected 75"; }
ck=$(ls "$d"/checkpoints/*.ckpt | tail -1)
[ -n "$ck" ] || fail "no checkpoint after the signal"
[ ! -e "$d/swe.nc" ] && [ ! -e "$d/swe.nc.part" ] || fail "a NetCDF file was left behind"
step=$(basename "$ck" .ckpt); step=$((10#${step##*-}))
dt=$(sed -n 's/.*dt = \([0-9.]*\) s .*/\1/p' "$d.log" | head -1)
days=$($PY -c "import math; print(math.ceil(($step * $dt / 86400 + 0.25) * 24) / 24)")
echo "stopped at step $step (dt $dt s); continuing to $days days"
run 1 "$WORK/b" "$cfg" swe.days=$days checkpoint.restart="$ck" swe.output_every=0
run 4 "$WORK/c" "$cfg" swe.days=$days swe.output_every=0
cb=$(get "$WORK/b/report.json" results.state_checksum); cc=$(get "$WORK/c/report.json" results.state_checksum)
[ "$cb" = "$cc" ] || fail "continuation $cb differs from the uninterrupted run $cc"
echo "ok: exit 75 with a checkpoint at step $step; continuation on 1 rank = uninterrupted run on 4 ranks ($cc)"
