#!/usr/bin/env bash
# t901 — `cmake --install` into a fresh prefix gives a usable package: find_package(whpc) builds
# and runs a consumer, pkg-config whpc gives working flags, the headers and whpc.pc are there.
set -eu
build=$WHPC_BUILD_DIR src=$WHPC_SOURCE_DIR
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
for f in include/whpc/whpc.h include/whpc/whpc_halo.h lib/cmake/whpc/whpcConfig.cmake lib/pkgconfig/whpc.pc \
         share/modulefiles/whpc/*.lua; do
  compgen -G "$tmp/prefix/$f" >/dev/null || { echo "FAIL: $f not installed"; exit 1; }
done
grep -q "local prefix = \"$tmp/prefix\"" "$tmp"/prefix/share/modulefiles/whpc/*.lua || { echo "FAIL: modulefile prefix"; exit 1; }
ls "$tmp"/prefix/lib/libwhpc.* >/dev/null
cmake -S "$src/tests/install/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/cfg.log"
cmake --build "$tmp/consumer" > "$tmp/build.log"
out=$(LD_LIBRARY_PATH="$tmp/prefix/lib" $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG 2 "$tmp/consumer/consumer")
grep -q "consumer: 10 cells" <<<"$out" || { echo "FAIL: consumer printed: $out"; exit 1; }
# pkg-config route (Makefile users)
flags=$(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs whpc)
mpicc "$src/tests/install/consumer/consumer.c" $flags -o "$tmp/consumer-pc"
out=$(LD_LIBRARY_PATH="$tmp/prefix/lib" $WHPC_MPIEXEC $WHPC_NUMPROC_FLAG 1 "$tmp/consumer-pc")
grep -q "consumer: 10 cells" <<<"$out" || { echo "FAIL: pkg-config consumer printed: $out"; exit 1; }
echo "install ok: find_package(whpc) and pkg-config whpc"
