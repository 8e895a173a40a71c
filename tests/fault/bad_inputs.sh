#!/usr/bin/env bash
# Bad-input matrix: every row of bad_inputs.tsv is run and must end with its exit code, exactly
# one "error:" line equal to the recorded message, no crash, no hang (60 s), every rank ended, and
# nothing left in its output directory under a final name (no report.json, no *.part/*.tmp).
#
#   bad_inputs.sh check APP [TSV]     the ctest (fails on any row that differs)
#   bad_inputs.sh known APP [TSV]     only the rows whose exit code ends in '!': known bugs, the row
#                                     states the correct behaviour (ctest *.known_failures, DISABLED)
#   bad_inputs.sh record APP [TSV]    prints the rows of APP with the message column as observed
#                                     (review it before committing: the table is the contract)
# Columns (tab separated): app, ranks, what, arguments, exit code, message.
# Arguments are split on spaces; \s stands for a space inside one argument. @S@ is the source
# tree, @W@ the fixture directory (make_fixtures.py); both are written back as placeholders in
# the message; @?@ in a message matches any text (parts that depend on which rank fails first).
# output.dir=@W@/out-<row> is appended unless the row sets output.dir itself.
set -u
mode=$1 app=$2
here=$(cd "$(dirname "$0")" && pwd)
tsv=${3:-$here/bad_inputs.tsv}
S=${WHPC_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
B=${WHPC_BUILD_DIR:?WHPC_BUILD_DIR: the build directory}
MPIEXEC=${WHPC_MPIEXEC:-mpiexec --oversubscribe}
NPFLAG=${WHPC_NUMPROC_FLAG:--n}
case $app in
  cfd) exe=$B/apps/cfd/whpc-cfd ;;
  climate) exe=$B/apps/climate/whpc-climate ;;
  remote_sensing) exe=$B/apps/remote_sensing/whpc-remote-sensing ;;
  ai_infer) exe=$B/apps/ai_infer/whpc-ai-infer ;;
  *) echo "unknown app $app" >&2; exit 2 ;;
esac
[[ -x $exe ]] || { echo "SKIP: $exe not built"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/whpc-bad.XXXXXX")
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$W"' EXIT
/usr/bin/python3 "$here/make_fixtures.py" "$W" "$S" > /dev/null || { echo "fixtures failed"; exit 1; }
# base config of ai_infer rows: 4 .npy tensors through the small classifier
cat > "$W/ai.ini" <<EOI
model.path = $S/apps/ai_infer/models/tile_classifier.onnx
input.path = $W/npy_good
engine.backend = reference
engine.batch = 2
sched.chunk = 2
EOI

fail=0 row=0 nrows=0
while IFS=$'\t' read -r a np what args want msg; do
  [[ $a == "$app" ]] || continue
  known=0
  [[ $want == *'!' ]] && known=1 want=${want%'!'}
  if [[ $mode == check && $known == 1 ]]; then echo "skip $what (known failure: ctest *.known_failures)"; nrows=$((nrows + 1)); continue; fi
  [[ $mode == known && $known == 0 ]] && continue
  row=$((row + 1)) nrows=$((nrows + 1))
  out=$W/out-$row
  argv=()
  for w in $args; do
    w=${w//@S@/$S}; w=${w//@W@/$W}; w=${w//\\s/ }
    argv+=("$w")
  done
  [[ " $args " == *" output.dir="* ]] || argv+=("output.dir=$out")
  timeout -k 5 60 $MPIEXEC $NPFLAG "$np" "$exe" "${argv[@]}" < /dev/null > "$W/log" 2>&1
  rc=$?
  got=$(grep -aE ": error( \[rank [0-9]+\])?:" "$W/log" | head -1)
  got=${got//$W/@W@}; got=${got//$S/@S@}
  nerr=$(grep -acE ": error( \[rank [0-9]+\])?:" "$W/log")
  bad=""
  [[ $rc -eq 124 || $rc -eq 137 ]] && bad+=" hang(timeout)"
  [[ $rc -ne $want ]] && bad+=" exit=$rc(want $want)"
  [[ $nerr -ne 1 ]] && bad+=" error-lines=$nerr"
  grep -Eaq "Segmentation|core dumped|Signal: |signal [0-9]+ \(|AddressSanitizer|runtime error:|Aborted" "$W/log" && bad+=" crash"
  if [[ -d $out ]]; then
    left=$(find "$out" \( -name report.json -o -name '*.part' -o -name '*.tmp' \) | head -3)
    [[ -n $left ]] && bad+=" left:${left//$W/@W@}"
  fi
  if [[ $mode == record ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$a" "$np" "$what" "$args" "$rc" "$got"
    [[ -n $bad && $bad != " exit="* ]] && echo "  !! row $row ($what):$bad" >&2
    continue
  fi
  if [[ $msg == *'@?@'* ]]; then # @?@: text that depends on timing (which rank fails first)
    /usr/bin/python3 -c 'import re,sys; sys.exit(0 if re.fullmatch(".*?".join(map(re.escape, sys.argv[1].split("@?@"))), sys.argv[2]) else 1)' "$msg" "$got" || bad+=" message differs"
  elif [[ $got != "$msg" ]]; then
    bad+=" message differs"
  fi
  if [[ -n $bad ]]; then
    fail=1
    echo "FAIL row $row ($what):$bad"
    echo "   want: $msg"
    echo "   got:  $got"
    sed 's/^/   | /' "$W/log" | grep -v '^   | *$' | head -15
  else
    echo "ok   $what -> $rc: $got"
  fi
done < <(grep -v '^#' "$tsv")
[[ $mode == record ]] && exit 0
echo "$nrows rows for $app"
[[ $mode == known || $nrows -ge 20 ]] || { echo "FAIL: fewer than 20 rows for $app"; fail=1; }
exit $fail
