#!/usr/bin/env bash
# packaging test: the modulefile template renders, parses (luac -p) and loads under Lmod where Lmod is
# installed (PATH, WHPC_ROOT, unload restores PATH), and with an installed build (cmake --install
# into a temporary prefix) the loaded module runs the apps and finds the jobscripts; the Spack recipe
# parses (python3 ast) and its variants are exactly the WHPC_WITH_<APP> options of CMakeLists.txt.
set -u
src=${WHPC_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${WHPC_BUILD_DIR:-}
tmp=$(mktemp -d /tmp/whpc-packaging.XXXXXX); trap 'rm -rf "$tmp"' EXIT
fail=0
FAIL() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

# 1. Spack recipe
/usr/bin/python3 - "$src/packaging/spack/whpc/package.py" "$src/CMakeLists.txt" << 'PYEOF' || fail=1
import ast, re, sys
tree = ast.parse(open(sys.argv[1]).read(), sys.argv[1])
cls = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Whpc"]
assert cls and any(getattr(b, "id", "") == "CMakePackage" for b in cls[0].bases), "class Whpc(CMakePackage) missing"
variants = [c.args[0].value for c in ast.walk(cls[0]) if isinstance(c, ast.Call)
            and getattr(c.func, "id", "") == "variant"]
options = [o.lower() for o in re.findall(r"option\(WHPC_WITH_(\w+)", open(sys.argv[2]).read())]
if sorted(variants) != sorted(options):
    print("FAIL: Spack variants %s != CMake options WHPC_WITH_* %s" % (variants, options)); sys.exit(1)
src = open(sys.argv[1]).read()
for v in variants:
    if 'define_from_variant("WHPC_WITH_%s", "%s")' % (v.upper(), v) not in src:
        print("FAIL: variant %s not passed to CMake" % v); sys.exit(1)
print("ok: package.py parses; variants %s = WHPC_WITH_* options" % variants)
PYEOF

# 2. Modulefile: render for a prefix (an installed build when there is one)
prefix=$tmp/prefix
if [[ -n $build && -f $build/CMakeCache.txt ]]; then
  cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 || { tail "$tmp/install.log"; FAIL "cmake --install failed"; }
  installed=1
else
  mkdir -p "$prefix/bin"; installed=0
fi
mf=$("$src/packaging/make-modulefile.sh" "$prefix" "$tmp/modulefiles") || FAIL "make-modulefile.sh failed"
file=$tmp/modulefiles/whpc/$(sed -n 's/^project(whpc VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt").lua
[[ -s $file ]] || FAIL "no modulefile at $file ($mf)"
grep -q '@WHPC_' "$file" && FAIL "placeholders left in $file"
"$src/packaging/make-modulefile.sh" relative/prefix "$tmp/x" > /dev/null 2>&1 && FAIL "a relative prefix was accepted"
luac=$(command -v luac5.3 || command -v luac5.4 || command -v luac || true)
if [[ -n $luac ]]; then "$luac" -p "$file" && ok "modulefile parses ($luac -p)" || FAIL "modulefile does not parse"
else echo "skip: no luac"; fi
lmod_init=/usr/share/lmod/lmod/init/bash
if [[ -r $lmod_init ]]; then
  (
    set +u
    source "$lmod_init" > /dev/null 2>&1
    export MODULEPATH=$tmp/modulefiles
    module load whpc 2> "$tmp/lmod.err" || { cat "$tmp/lmod.err"; echo "FAIL: module load whpc"; exit 1; }
    [[ $WHPC_ROOT == "$prefix" && :$PATH: == *:$prefix/bin:* ]] || { echo "FAIL: WHPC_ROOT/PATH not set by the module"; exit 1; }
    if [[ $installed == 1 ]]; then
      for a in whpc-cfd whpc-climate whpc-remote-sensing whpc-ai-infer; do
        [[ -x $prefix/bin/$a ]] || continue    # an app switched off in this build
        [[ $(command -v $a) == "$prefix/bin/$a" ]] && $a --version > /dev/null 2>&1 || { echo "FAIL: $a from the module does not run"; exit 1; }
      done
      [[ -x $WHPC_JOBSCRIPTS/cfd.sbatch && -r $WHPC_EXAMPLES/cfd/cavity_re100.ini ]] ||
        { echo "FAIL: jobscripts or examples not installed under $WHPC_ROOT/share/whpc"; exit 1; }
    fi
    module unload whpc
    # (Lmod also drops duplicate PATH entries on unload, so compare what the module added)
    [[ :$PATH: != *:$prefix/bin:* && -z ${WHPC_ROOT:-} ]] || { echo "FAIL: module unload did not restore the environment"; exit 1; }
    echo "ok: Lmod loads and unloads whpc (installed prefix: $installed)"
  ) || fail=1
else
  echo "skip: Lmod not installed ($lmod_init)"
fi
exit $fail
