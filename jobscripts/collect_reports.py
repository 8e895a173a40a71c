#!/usr/bin/python3
"""collect_reports.py DIR — every report.json under DIR in one table: DIR/summary.csv and DIR/summary.md.

One row per run: its directory, app, case, ranks x threads, Slurm job id, the configuration keys that
differ between the runs (the swept parameters), the figure of merit, every validation value with its
verdict. Used by collect.sbatch (the summary step of a job array) and usable on any directory.
Exit status 0 when every validation passed, 1 when one failed or no report was found."""
import csv
import json
import os
import re
import sys


def natural(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def load(top):
    runs = []
    for root, _, files in os.walk(top):
        if "report.json" in files:
            p = os.path.join(root, "report.json")
            try:
                with open(p) as f:
                    runs.append((os.path.relpath(root, top), json.load(f)))
            except (OSError, ValueError) as e:
                print("collect_reports: skipping %s: %s" % (p, e), file=sys.stderr)
    runs.sort(key=lambda r: natural(r[0]))
    return runs


def fmt(v):
    if isinstance(v, float):
        return "%.6g" % v
    return str(v)


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    top = sys.argv[1]
    runs = load(top)
    if not runs:
        print("collect_reports: no report.json under %s" % top, file=sys.stderr)
        return 1
    ignore = {"output.dir", "checkpoint.dir", "checkpoint.restart", "input.files", "input.path", "model.path"}
    # swept parameters: keys every run has (same app) whose values differ
    keys = sorted(set.intersection(*[set(r.get("config", {})) for _, r in runs]) - ignore)
    swept = [k for k in keys if len({str(r.get("config", {}).get(k, "")) for _, r in runs}) > 1]
    vnames = []
    for _, r in runs:
        for v in r.get("validation", []):
            if v["name"] not in vnames:
                vnames.append(v["name"])
    head = ["run", "app", "case", "ranks", "threads", "slurm_job_id"] + swept + ["fom", "fom_value", "fom_unit"]
    head += [n for n in vnames] + ["all_passed"]
    rows = []
    for d, r in runs:
        fom = r.get("figure_of_merit") or {}
        val = {v["name"]: v for v in r.get("validation", [])}
        row = [d, r.get("app", ""), r.get("case", ""), r.get("ranks", ""), r.get("threads_per_rank", ""),
               r.get("slurm_job_id", "")]
        row += [r.get("config", {}).get(k, "") for k in swept]
        row += [fom.get("name", ""), fom.get("value", ""), fom.get("unit", "")]
        row += [("%s %s" % (fmt(val[n]["value"]), "PASS" if val[n]["pass"] else "FAIL")) if n in val else ""
                for n in vnames]
        row.append("yes" if r.get("all_validations_passed", all(v["pass"] for v in val.values())) else "NO")
        rows.append(row)
    tmp = os.path.join(top, "summary.csv.part")
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows([[fmt(c) for c in row] for row in rows])
    os.replace(tmp, os.path.join(top, "summary.csv"))
    lines = ["# Summary of %d run(s) in %s" % (len(rows), os.path.abspath(top)), "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    tmp = os.path.join(top, "summary.md.part")
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, os.path.join(top, "summary.md"))
    print("\n".join(lines))
    print("\nwritten: %s, %s" % (os.path.join(top, "summary.csv"), os.path.join(top, "summary.md")))
    return 0 if all(row[-1] == "yes" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
