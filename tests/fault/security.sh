#!/usr/bin/env bash
# Security checks (label fault):
#   security.sh eval      jobscripts, scripts, sample-run.sh and bench scripts never eval a string
#                         or hand one to `sh -c`; C code never uses tmpnam/tempnam/mktemp()
#   security.sh paths     an output.dir with spaces and shell metacharacters works (cfd, ai_infer)
#                         and no metacharacter is ever executed
#   security.sh umask     outputs follow the umask: nothing world-writable under 002, nothing
#                         group- or world-writable under 022 (cfd and ai_infer, files and dirs)
set -u
what=$1
here=$(cd "$(dirname "$0")" && pwd)
S=${WHPC_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
B=${WHPC_BUILD_DIR:-}
MPIEXEC=${WHPC_MPIEXEC:-mpiexec --oversubscribe}
NPFLAG=${WHPC_NUMPROC_FLAG:--n}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/whpc-sec.XXXXXX")
trap 'rm -rf "$W"' EXIT
shell_files() {
  find "$S/jobscripts" "$S/scripts" "$S/bench" "$S/apps" "$S/tests/slurm" -type f \
    \( -name '*.sh' -o -name '*.sbatch' -o -name '*.bash' \) 2> /dev/null
  echo "$S/Makefile"
}
cfd_args() { echo "$S/apps/cfd/examples/cavity_re100.ini grid.n=16,16 time.max_steps=3 steady.enabled=false"; }
case $what in
eval)
  n=0
  while IFS= read -r f; do
    n=$((n + 1))
    # code only: drop comments, then look for eval or a shell started on a composed string
    hits=$(sed -e 's/^[[:space:]]*#.*//' "$f" | grep -nE '(^|[;&|({[:space:]])eval([[:space:]]|$)|(^|[;&|[:space:]])(ba)?sh[[:space:]]+-c[[:space:]]+"[^"]*\$' || true)
    [[ -n $hits ]] && bad "$f: $hits"
  done < <(shell_files)
  c=$(grep -rnE '\b(tmpnam|tempnam|mktemp)[[:space:]]*\(' "$S/common" "$S/apps" --include='*.c' || true)
  [[ -n $c ]] && bad "unsafe temporary file names: $c"
  echo "checked $n shell files for eval / sh -c \"\$...\"; C sources for tmpnam/tempnam/mktemp()"
  ;;
paths)
  [[ -x $B/apps/cfd/whpc-cfd ]] || { echo "SKIP: whpc-cfd not built"; exit 77; }
  d="$W/out dir; \$(touch pwned) & 'q' \`touch pwned2\` *"
  # shellcheck disable=SC2046
  (cd "$W" && $MPIEXEC $NPFLAG 2 "$B/apps/cfd/whpc-cfd" $(cfd_args) "output.dir=$d" < /dev/null > "$W/log" 2>&1) \
    || { cat "$W/log"; bad "cfd with output.dir '$d' failed"; }
  [[ -f "$d/report.json" ]] || bad "no report.json under '$d'"
  [[ -f "$d/fields.nc" ]] || bad "no fields.nc under '$d'"
  if [[ -x $B/apps/ai_infer/whpc-ai-infer ]]; then
    mkdir -p "$W/in put \$x;&"
    /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1] + '/a b.npy', np.zeros((4, 64, 64), 'f4'))" "$W/in put \$x;&"
    printf '%s\n' "model.path = $S/apps/ai_infer/models/tile_classifier.onnx" "input.path = $W/in put \$x;&" \
      "engine.backend = reference" "output.dir = $d/ai" > "$W/ai.ini"
    (cd "$W" && $MPIEXEC $NPFLAG 2 "$B/apps/ai_infer/whpc-ai-infer" "$W/ai.ini" < /dev/null > "$W/log" 2>&1) \
      || { cat "$W/log"; bad "ai_infer with spaces and metacharacters in paths failed"; }
    grep -q "^a b.npy," "$d/ai/predictions.csv" 2> /dev/null || bad "ai_infer: no prediction for 'a b.npy'"
  fi
  [[ -e $W/pwned || -e $W/pwned2 || -e $d/pwned ]] && bad "a shell metacharacter in a path was executed"
  echo "output under '$d': $(ls "$d" | tr '\n' ' ')"
  ;;
umask)
  [[ -x $B/apps/cfd/whpc-cfd ]] || { echo "SKIP: whpc-cfd not built"; exit 77; }
  for m in 022 002; do
    o=$W/u$m
    # shellcheck disable=SC2046
    (umask $m && $MPIEXEC $NPFLAG 2 "$B/apps/cfd/whpc-cfd" $(cfd_args) checkpoint.every=1 "output.dir=$o/cfd" < /dev/null > "$W/log" 2>&1) \
      || { cat "$W/log"; bad "cfd under umask $m failed"; }
    if [[ -x $B/apps/ai_infer/whpc-ai-infer ]]; then
      mkdir -p "$W/in"
      /usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1] + '/a.npy', np.zeros((4, 64, 64), 'f4'))" "$W/in"
      printf '%s\n' "model.path = $S/apps/ai_infer/models/tile_classifier.onnx" "input.path = $W/in" \
        "engine.backend = reference" > "$W/ai.ini"
      (umask $m && $MPIEXEC $NPFLAG 2 "$B/apps/ai_infer/whpc-ai-infer" "$W/ai.ini" "output.dir=$o/ai" < /dev/null > "$W/log" 2>&1) \
        || { cat "$W/log"; bad "ai_infer under umask $m failed"; }
    fi
    ww=$(find "$o" -perm -o+w)
    [[ -n $ww ]] && bad "world-writable under umask $m: $ww"
    if [[ $m == 022 ]]; then
      gw=$(find "$o" -perm -g+w)
      [[ -n $gw ]] && bad "group-writable under umask 022: $gw"
    else
      [[ -z $(find "$o" -type f -perm -g+w) ]] && bad "umask 002: no file is group-writable (the umask is not followed)"
    fi
    echo "umask $m: $(find "$o" -type f | wc -l) files, $(find "$o" -type d | wc -l) directories checked"
  done
  ;;
esac
[[ $fail -eq 0 ]] && echo "ok: $what"
exit $fail
