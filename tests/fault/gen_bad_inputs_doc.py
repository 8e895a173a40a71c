#!/usr/bin/python3
"""docs/bad-inputs.md from tests/fault/bad_inputs.tsv (the table the fault.bad_inputs.* tests run).

gen_bad_inputs_doc.py TSV [OUT]   (no OUT: print; the test fault.bad_inputs_doc diffs the two)
"""
import sys

APPS = [("cfd", "whpc-cfd"), ("climate", "whpc-climate"),
        ("remote_sensing", "whpc-remote-sensing"), ("ai_infer", "whpc-ai-infer")]
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]


def cell(s):
    return s.replace("|", "\\|").replace("\\s", " ").replace("@?@", "…")


out = ["# Bad inputs: what the user sees", "",
       "Generated from `tests/fault/bad_inputs.tsv` by `tests/fault/gen_bad_inputs_doc.py`; do not edit.",
       "Every row is run by the ctest `fault.bad_inputs.<app>` (`tests/fault/bad_inputs.sh check <app>`),",
       "which requires exactly this exit code, exactly one `error:` line equal to the message below",
       "(`@W@` = the directory of test fixtures made by `tests/fault/make_fixtures.py`, `@S@` = the source",
       "tree, `…` = text that depends on which rank fails first), no crash or sanitizer report, the job ended within 60 s on every rank, and nothing left in",
       "the output directory under a final name (no `report.json`, no `*.part`/`*.tmp`).",
       "`fault.bad_inputs_doc` fails when this file is not regenerated after a change of the table.",
       "",
       "Exit codes: 1 bad input, 3 I/O failure (DESIGN.md). Rows marked **known bug** state the correct",
       "behaviour; the app does not do it yet, and they run only in the disabled test",
       "`fault.bad_inputs.<app>.known_failures` (see docs/reliability.md).",
       ""]
for app, exe in APPS:
    mine = [r for r in rows if r[0] == app]
    if not mine:
        continue
    out += ["## %s (%d bad inputs)" % (exe, len(mine)), "",
            "| # | bad input | ranks | arguments | exit | message |", "|---|---|---|---|---|---|"]
    for i, (a, np, what, args, code, msg) in enumerate(mine, 1):
        known = code.endswith("!")
        code = code.rstrip("!") + (" (**known bug**)" if known else "")
        out.append("| %d | %s | %s | `%s` | %s | `%s` |" % (i, cell(what), np, cell(args), code, cell(msg)))
    out.append("")
text = "\n".join(out)
if len(sys.argv) > 2:
    open(sys.argv[2], "w").write(text)
else:
    sys.stdout.write(text)
