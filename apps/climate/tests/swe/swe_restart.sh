# Restart is bit-identical, also across rank counts: case 6 for 1 day on 1 rank with a final
# checkpoint, continued to 2 days on 2 ranks (and on 4), equals a 2-day run on 4 ranks.
source "$(dirname "$0")/swe_lib.sh"
cfg=$EX/swe_williamson6.ini
run 1 "$WORK/a" "$cfg" swe.days=1 checkpoint.every=1000000
ls "$WORK/a/checkpoints/"*.ckpt > /dev/null || fail "no checkpoint written"
run 2 "$WORK/b" "$cfg" swe.days=2 checkpoint.restart=latest checkpoint.dir="$WORK/a/checkpoints"
run 4 "$WORK/b4" "$cfg" swe.days=2 checkpoint.restart=latest checkpoint.dir="$WORK/a/checkpoints"
run 4 "$WORK/c" "$cfg" swe.days=2
cb=$(get "$WORK/b/report.json" results.state_checksum)
cb4=$(get "$WORK/b4/report.json" results.state_checksum)
cc=$(get "$WORK/c/report.json" results.state_checksum)
echo "restarted (2 ranks) $cb, restarted (4 ranks) $cb4, straight (4 ranks) $cc"
[ "$cb" = "$cc" ] && [ "$cb4" = "$cc" ] || fail "restart is not bit-identical"
grep -q "continuing from step" "$WORK/b.log" || fail "run b did not restart"
echo "ok: restart bit-identical across rank counts"
