#!/usr/bin/env bash
# t402 — config errors as a user sees them: one line, printed once (even at 4 ranks), exit 1;
# --help lists every key; a config file is read, and the command line wins over it.
set -u
exe=$1
fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { # run NP ARGS... -> sets out, rc
  out=$($WHPC_MPIEXEC $WHPC_NUMPROC_FLAG "$1" "$exe" "${@:2}" 2>&1); rc=$?
}
expect() { # expect NP WANT_RC NEEDLE ARGS...
  local np=$1 want=$2 needle=$3; shift 3
  run "$np" "$@"
  local n; n=$(grep -c -F -- "$needle" <<<"$out")
  if [[ $rc -ne $want || $n -ne 1 ]]; then
    echo "FAIL: np=$np args=[$*]: rc=$rc (want $want), '$needle' seen $n times (want 1)"; echo "$out" | head -20; fail=1
  else echo "ok: np=$np [$*] -> rc=$rc: $needle"; fi
}
cat > "$tmp/run.ini" <<'INI'
# heat example
[heat]
n = 16
t_end = 0.01 s
[output]
overwrite = true
INI
printf 'heat.n = 16\nheat.bogus = 1\n' > "$tmp/bad.ini"
printf 'heat.n = 16\nthis line is wrong\n' > "$tmp/malformed.ini"
for np in 1 4; do
  expect $np 1 "bad.ini:2: unknown key 'heat.bogus'" "$tmp/bad.ini"
  expect $np 1 "malformed.ini:2: malformed line 'this line is wrong'" "$tmp/malformed.ini"
  expect $np 1 "cannot read config file '$tmp/missing.ini'" "$tmp/missing.ini"
  expect $np 1 "key 'heat.cfl' = '0.5' is out of range" "$tmp/run.ini" heat.cfl=0.5
  expect $np 1 "unknown option '--frobnicate'" --frobnicate
  expect $np 0 "heat.kappa" --help
  expect $np 0 "relative L2 error" "$tmp/run.ini" heat.n=32 output.dir="$tmp/out$np"
done
# the command line won over the file's heat.n = 16
grep -q '"nx": 32' "$tmp/out1/report.json" || { echo "FAIL: command line did not win over the file"; fail=1; }
# a complete run is not overwritten without output.overwrite=true
expect 1 1 "holds a complete run" "$tmp/run.ini" output.dir="$tmp/out1" output.overwrite=false
exit $fail
