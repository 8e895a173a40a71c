#!/bin/bash
# make-modulefile.sh PREFIX [MODULEFILES_DIR] [VERSION] [LIBDIR]
# Writes MODULEFILES_DIR/whpc/VERSION.lua (default MODULEFILES_DIR = PREFIX/share/modulefiles,
# VERSION from the top CMakeLists.txt, LIBDIR = lib, as CMake's GNUInstallDirs picks for a prefix
# other than /usr) from packaging/whpc.lua.in. Then: module use MODULEFILES_DIR; module load whpc
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:?usage: make-modulefile.sh PREFIX [MODULEFILES_DIR] [VERSION] [LIBDIR]}
[[ $prefix == /* ]] || { echo "make-modulefile.sh: PREFIX must be an absolute path, not '$prefix'" >&2; exit 1; }
dest=${2:-$prefix/share/modulefiles}
version=${3:-$(sed -n 's/^project(whpc VERSION \([0-9.]*\).*/\1/p' "$here/../CMakeLists.txt")}
libdir=${4:-lib}
[[ -n $version ]] || { echo "make-modulefile.sh: version not found in CMakeLists.txt; pass it" >&2; exit 1; }
for v in "$prefix" "$libdir" "$version"; do
  [[ $v != *'"'* && $v != *'\'* ]] || { echo "make-modulefile.sh: quotes or backslashes in '$v'" >&2; exit 1; }
done
mkdir -p "$dest/whpc"
sed -e "s|@WHPC_PREFIX@|$prefix|g" -e "s|@WHPC_VERSION@|$version|g" -e "s|@WHPC_LIBDIR@|$libdir|g" \
  "$here/whpc.lua.in" > "$dest/whpc/$version.lua.part"
mv "$dest/whpc/$version.lua.part" "$dest/whpc/$version.lua"
echo "$dest/whpc/$version.lua   (module use $dest; module load whpc)"
