#!/usr/bin/python3
"""Compare the fields of two whpc-cfd NetCDF outputs: max|a-b| / max|a| <= rtol for every variable
named (rtol 0 means bitwise equal). Exit 0 when they agree, 1 otherwise (prints the worst)."""
import sys
import numpy as np
from netCDF4 import Dataset

def main():
    if len(sys.argv) < 4:
        print("usage: proj_compare_nc.py A.nc B.nc RTOL [VAR ...]")
        return 2
    a, b, rtol = Dataset(sys.argv[1]), Dataset(sys.argv[2]), float(sys.argv[3])
    names = sys.argv[4:] or [v for v in ("u", "v", "w", "p") if v in a.variables]
    ok = True
    for n in names:
        x, y = np.asarray(a[n][:], dtype=float), np.asarray(b[n][:], dtype=float)
        scale = max(np.max(np.abs(x)), 1e-300)
        rel = float(np.max(np.abs(x - y)) / scale)
        good = rel <= rtol if rtol > 0 else np.array_equal(x, y)
        print(f"{n}: max relative difference {rel:.3e} (tolerance {rtol:g}) {'ok' if good else 'DIFFERENT'}")
        ok = ok and good
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
