#!/usr/bin/env bash
# docs/bad-inputs.md must be the output of gen_bad_inputs_doc.py over bad_inputs.tsv.
here=$(cd "$(dirname "$0")" && pwd)
/usr/bin/python3 "$here/gen_bad_inputs_doc.py" "$here/bad_inputs.tsv" | diff -u "$here/../../docs/bad-inputs.md" - \
  && echo "docs/bad-inputs.md is up to date" \
  || { echo "FAIL: regenerate: tests/fault/gen_bad_inputs_doc.py tests/fault/bad_inputs.tsv docs/bad-inputs.md"; exit 1; }
