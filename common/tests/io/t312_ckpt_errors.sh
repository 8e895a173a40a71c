#!/bin/bash
# t312: every damaged or mismatched checkpoint gives its own one-line error naming the file,
# exit status 1, at 2 ranks; the intact file still reads. Usage: t312_ckpt_errors.sh T310_EXE
set -u
exe=$1
run="$WHPC_MPIEXEC $WHPC_NUMPROC_FLAG 2 $exe"
dir=$PWD/t312-ckpt
rm -rf "$dir" && mkdir -p "$dir"
fail=0
$run write "$dir/w" > "$dir/write.log" 2>&1 || { echo "FAIL: writing the checkpoints"; cat "$dir/write.log"; exit 1; }
good="$dir/w/t310_ckpt-0000000005.ckpt"

# expect NAME FILE REGEX [extra args...]: the read must exit 1 and print REGEX (and the file).
expect() {
  local name=$1 file=$2 re=$3
  shift 3
  $run read "$file" "$@" > "$dir/$name.log" 2>&1
  local rc=$?
  if [ $rc -ne 1 ] || ! grep -Eq -- "$re" "$dir/$name.log" || ! grep -Fq -- "$file" "$dir/$name.log"; then
    echo "FAIL $name: exit $rc, expected 1 and /$re/ naming $file:"; cat "$dir/$name.log"; fail=1
  else
    echo "ok   $name: $(grep -E -- "$re" "$dir/$name.log" | head -1)"
  fi
}

cp "$good" "$dir/corrupt.ckpt"
# One byte inside field u's data (variables start at 4096).
printf '\x5a' | dd of="$dir/corrupt.ckpt" bs=1 seek=4200 conv=notrunc status=none
expect corrupt "$dir/corrupt.ckpt" "checksum mismatch in variable u"

cp "$good" "$dir/corrupt_q.ckpt"
size=$(stat -c %s "$good")
# One byte of the last variable, the replicated rng state.
printf '\x01' | dd of="$dir/corrupt_q.ckpt" bs=1 seek=$((size - 30)) conv=notrunc status=none
expect corrupt_values "$dir/corrupt_q.ckpt" "checksum mismatch in variable rng"

cp "$good" "$dir/header.ckpt"
printf 'X' | dd of="$dir/header.ckpt" bs=1 seek=100 conv=notrunc status=none
expect header "$dir/header.ckpt" "header checksum mismatch"

cp "$good" "$dir/truncated.ckpt"
truncate -s $((size - 100)) "$dir/truncated.ckpt"
expect truncated "$dir/truncated.ckpt" "is truncated"

head -c 1000 /dev/urandom > "$dir/random.ckpt"
expect magic "$dir/random.ckpt" "not a whpc checkpoint \(bad magic\)"

expect grid "$good" "field u is 23 x 17, this run's is 24 x 17 \(other grid\)" t3.nx=24
expect grid3d "$good" "field q is 9 x 7 x 5, this run's is 9 x 7 x 6 \(other grid\)" t3.nz=6
expect config "$good" "another configuration" t3.tag=changed
$run --app other_app read "$good" > "$dir/app.log" 2>&1
if [ $? -eq 1 ] && grep -q "written by t310_ckpt, not by other_app" "$dir/app.log"; then echo "ok   app"; else
  echo "FAIL app:"; cat "$dir/app.log"; fail=1; fi
expect missing "$dir/nonexistent.ckpt" "cannot open checkpoint"

# The intact file still reads after all that.
$run read "$good" > "$dir/good.log" 2>&1 || { echo "FAIL: intact checkpoint"; cat "$dir/good.log"; fail=1; }
exit $fail
