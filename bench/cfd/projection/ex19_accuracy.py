#!/usr/bin/python3
"""Accuracy of a PETSc snes/ex19 cavity solution against Botella & Peyret (1998), Re = 1000.

usage: ex19_accuracy.py SOLUTION.bin NX NY LID
SOLUTION.bin is ex19's final Vec written by -snes_view_solution binary:FILE (PETSc binary, natural
ordering, 4 values per vertex: u, v, omega, temperature). ex19 has unit viscosity, so the lid
velocity is the Reynolds number and the velocities are divided by it. Prints the same four
quantities as whpc-cfd's Re = 1000 verdicts (extrema through a parabola at the discrete extremum,
psi = integral of u dy from the bottom wall by the trapezoid rule) and the largest relative error."""
import sys
import numpy as np

BP = {"u_min": -0.3885698, "v_max": 0.3769447, "v_min": -0.5270771, "psi_min": -0.1189366}


def read_vec(path):
    with open(path, "rb") as f:
        head = np.frombuffer(f.read(8), dtype=">i4")
        if head[0] != 1211214:
            raise SystemExit(f"{path}: not a PETSc binary Vec (class id {head[0]})")
        return np.frombuffer(f.read(8 * int(head[1])), dtype=">f8").astype(float)


def extremum(s, f, kind):
    k = int(np.argmin(f) if kind == "min" else np.argmax(f))
    if 0 < k < len(f) - 1:  # vertex of the parabola through three points
        a, b, c = f[k - 1], f[k], f[k + 1]
        den = a - 2 * b + c
        if den != 0:
            t = 0.5 * (a - c) / den
            return b - 0.25 * (a - c) * t
    return f[k]


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    nx, ny, lid = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    x = read_vec(sys.argv[1]).reshape(ny, nx, 4)
    u, v = x[:, :, 0] / lid, x[:, :, 1] / lid
    ys, xs = np.linspace(0, 1, ny), np.linspace(0, 1, nx)
    ic, jc = (nx - 1) // 2, (ny - 1) // 2  # x = 0.5 and y = 0.5 for odd vertex counts
    got = {"u_min": extremum(ys, u[:, ic], "min"), "v_max": extremum(xs, v[jc, :], "max"),
           "v_min": extremum(xs, v[jc, :], "min")}
    psi = np.vstack([np.zeros((1, nx)), np.cumsum(0.5 * (u[1:, :] + u[:-1, :]) / (ny - 1), axis=0)])
    got["psi_min"] = float(psi.min())
    worst = 0.0
    for k, ref in BP.items():
        rel = abs(got[k] - ref) / abs(ref)
        worst = max(worst, rel)
        print(f"{k} {got[k]:.6f} reference {ref} relative_error {rel:.4f}")
    print(f"max_relative_error {worst:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
