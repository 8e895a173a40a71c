#!/usr/bin/env bash
# cppcheck over common/ and apps/ (warnings, portability, errors); every finding must be fixed or
# justified in cppcheck-suppressions.txt at the repo root. Exit 77 (skipped) without cppcheck.
S=${WHPC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v cppcheck > /dev/null || { echo "SKIP: cppcheck not installed (apt-get install cppcheck)"; exit 77; }
cd "$S" || exit 1
cppcheck -q --std=c11 --enable=warning,portability --inline-suppr --error-exitcode=1 -D__GNUC__ -U__cplusplus \
  --library=posix -I common/include/whpc -I common/src --suppress=missingIncludeSystem \
  --suppressions-list=cppcheck-suppressions.txt --template='{file}:{line}: {severity}({id}): {message}' \
  common apps && echo "ok: cppcheck $(cppcheck --version | cut -d' ' -f2): no unjustified finding in common/ and apps/"
