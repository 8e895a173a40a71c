# Bad input ends every rank with exit status 1 and one error line naming the key/file:
# topography without lat/lon, a grid not dividing 360 deg, a filter latitude out of range,
# a fixed dt above the stable limit, a missing topography file; and an I/O failure of rank 0 alone
# (diagnostics.csv) ends every rank with exit 3 and one error line.
source "$(dirname "$0")/swe_lib.sh"
ncgen -o "$WORK/nolatlon.nc" - <<'CDL'
netcdf nolatlon {
dimensions:
  y = 4 ; x = 8 ;
variables:
  float topo(y, x) ;
data:
  topo = 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0 ;
}
CDL
expect() { # expect PATTERN key=value ...
  local pat=$1; shift
  rm -rf "$WORK/bad"
  $MPIEXEC $NPFLAG 2 "$EXE" "$EX/swe_williamson2.ini" output.dir="$WORK/bad" "$@" > "$WORK/bad.out" 2> "$WORK/bad.err"
  local rc=$?
  local n=$(grep -c "error" "$WORK/bad.err")
  [ $rc -eq 1 ] || { cat "$WORK/bad.err"; fail "$* exited with $rc, expected 1"; }
  [ "$n" -eq 1 ] || { cat "$WORK/bad.err"; fail "$*: $n error lines, expected 1"; }
  grep -q -- "$pat" "$WORK/bad.err" || { cat "$WORK/bad.err"; fail "$*: message does not name '$pat'"; }
  echo "ok: $* -> $(grep error "$WORK/bad.err")"
}
expect "no latitude/longitude" swe.case=orography swe.topo_file="$WORK/nolatlon.nc"
expect "swe.resolution" swe.resolution=7
expect "swe.filter_lat" swe.filter_lat=95
expect "stable limit" swe.dt=5000
expect "no such file" swe.case=orography swe.topo_file="$WORK/missing.nc"
# An output failure on rank 0 alone (diagnostics.csv is rank 0's file; a directory under its name
# makes the final rename fail): every rank ends with exit 3 and one error line naming the path.
rm -rf "$WORK/csvdir" && mkdir -p "$WORK/csvdir/diagnostics.csv/keep"
$MPIEXEC $NPFLAG 2 "$EXE" "$EX/swe_williamson2.ini" output.dir="$WORK/csvdir" swe.days=0.25 > "$WORK/csv.out" 2> "$WORK/csv.err"
rc=$?
n=$(grep -c "error" "$WORK/csv.err")
[ $rc -eq 3 ] || { cat "$WORK/csv.err"; fail "diagnostics.csv failure exited with $rc, expected 3"; }
[ "$n" -eq 1 ] || { cat "$WORK/csv.err"; fail "diagnostics.csv failure: $n error lines, expected 1"; }
grep -q "csvdir/diagnostics.csv': Is a directory" "$WORK/csv.err" || { cat "$WORK/csv.err"; fail "the error does not name diagnostics.csv"; }
[ -d "$WORK/csvdir/diagnostics.csv/keep" ] || fail "the directory in the way was touched"
echo "ok: diagnostics.csv failure on rank 0 -> $(grep error "$WORK/csv.err")"
