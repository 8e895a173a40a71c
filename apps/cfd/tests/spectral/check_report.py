#!/usr/bin/python3
"""Assertions on whpc-cfd spectral outputs (report.json, diagnostics.csv) for the ctest scripts.

  check_report.py validation REPORT NAME            the named validation exists and passed
  check_report.py le REPORT results.key LIMIT       a result number is <= LIMIT
  check_report.py eq REPORT results.key VALUE       a result string equals VALUE
  check_report.py same_series TOL A.csv B.csv ...   Ek and enstrophy agree to TOL (relative), same steps
  check_report.py identical_tail A.csv B.csv        every row of B (a restarted run) equals A's row
                                                    of the same step, character for character
"""
import csv
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def get(report, dotted):
    node = report
    for part in dotted.split("."):
        node = node[part]
    return node


def rows(path):
    with open(path) as f:
        return list(csv.reader(f))[1:]


def main():
    mode = sys.argv[1]
    if mode == "validation":
        rep, name = load(sys.argv[2]), sys.argv[3]
        hits = [v for v in rep.get("validation", []) if v["name"] == name]
        if not hits:
            sys.exit(f"FAIL: no validation named {name}")
        v = hits[0]
        print(f"{name}: value {v['value']:.6g} tolerance {v['tolerance']:.6g} pass {v['pass']}")
        sys.exit(0 if v["pass"] else 1)
    if mode == "le":
        value = float(get(load(sys.argv[2]), sys.argv[3]))
        limit = float(sys.argv[4])
        print(f"{sys.argv[3]} = {value:.6g} (limit {limit:.6g})")
        sys.exit(0 if value <= limit else 1)
    if mode == "eq":
        value = str(get(load(sys.argv[2]), sys.argv[3]))
        print(f"{sys.argv[3]} = {value} (expected {sys.argv[4]})")
        sys.exit(0 if value == sys.argv[4] else 1)
    if mode == "same_series":
        tol = float(sys.argv[2])
        base = rows(sys.argv[3])
        worst = 0.0
        for other in sys.argv[4:]:
            r = rows(other)
            if len(r) != len(base):
                sys.exit(f"FAIL: {other} has {len(r)} rows, {sys.argv[3]} has {len(base)}")
            for a, b in zip(base, r):
                if a[0] != b[0]:
                    sys.exit(f"FAIL: step {a[0]} vs {b[0]}")
                for col in (1, 3, 4):  # t, Ek, enstrophy
                    x, y = float(a[col]), float(b[col])
                    worst = max(worst, abs(x - y) / max(abs(x), 1e-300))
        print(f"max relative difference over ranks: {worst:.3e} (tolerance {tol:.1e})")
        sys.exit(0 if worst <= tol else 1)
    if mode == "identical_tail":
        full = {r[0]: r for r in rows(sys.argv[2])}
        tail = rows(sys.argv[3])
        for r in tail[1:-1]:  # end rows carry one-sided -dEk/dt
            if full.get(r[0]) != r:
                sys.exit(f"FAIL: step {r[0]} differs:\n  {full.get(r[0])}\n  {r}")
        # First row: dt is 0 and -dEk/dt one-sided after a restart; the state columns must match.
        first, ref = tail[0], full.get(tail[0][0])
        if ref is None or [ref[i] for i in (1, 3, 4, 5)] != [first[i] for i in (1, 3, 4, 5)]:
            sys.exit(f"FAIL: restart step {first[0]} differs")
        last, ref = tail[-1], full.get(tail[-1][0])
        if ref is None or [ref[i] for i in (1, 2, 3, 4, 5)] != [last[i] for i in (1, 2, 3, 4, 5)]:
            sys.exit(f"FAIL: last step {last[0]} differs")
        print(f"{len(tail)} rows from step {tail[0][0]} to {tail[-1][0]} identical")
        sys.exit(0)
    sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
