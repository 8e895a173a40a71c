#!/usr/bin/python3
"""Quick-look PNGs of a whpc-cfd projection run (Debian's python3 + matplotlib + netCDF4).

usage: plot_projection.py OUTPUT_DIR
Writes into OUTPUT_DIR: speed.png (2D: speed with streamlines; 3D: the mid-z slice),
centreline.png (cavity: u(0.5, y) and v(x, 0.5) against Ghia et al. 1982 points, from
centreline.csv), residual.png (steady residual and max |div u| from diagnostics.csv)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from netCDF4 import Dataset  # noqa: E402


def speed_plot(out):
    path = os.path.join(out, "fields.nc")
    if not os.path.exists(path):
        return None
    d = Dataset(path)
    x, y = d["x"][:], d["y"][:]
    u, v = np.asarray(d["u"][-1]), np.asarray(d["v"][-1])
    if u.ndim == 3:  # (z, y, x): mid-z slice
        k = u.shape[0] // 2
        u, v = u[k], v[k]
    spd = np.hypot(u, v)
    fig, ax = plt.subplots(figsize=(6, 5.4))
    pc = ax.pcolormesh(x, y, spd, shading="auto", cmap="viridis")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    xs, ys = np.linspace(x[0], x[-1], x.size), np.linspace(y[0], y[-1], y.size)
    if not (np.allclose(x, xs) and np.allclose(y, ys)):
        # stretched grid (grid.stretch): streamplot needs equal spacing, so interpolate linearly
        def regrid(f):
            f = np.array([np.interp(xs, x, row) for row in f])
            return np.array([np.interp(ys, y, col) for col in f.T]).T
        u, v = regrid(u), regrid(v)
    ax.streamplot(xs, ys, u, v, color="w", density=1.4, linewidth=0.6)
    fig.colorbar(pc, ax=ax, label="speed [m/s]")
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"{getattr(d, 'title', 'whpc-cfd')}\nspeed and streamlines, t = {float(d['time'][-1]):.4g}")
    p = os.path.join(out, "speed.png")
    fig.savefig(p, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return p


def centreline_plot(out):
    path = os.path.join(out, "centreline.csv")
    if not os.path.exists(path):
        return None
    rows = list(csv.DictReader(open(path)))
    fig, axs = plt.subplots(1, 2, figsize=(10, 4.5))
    for ax, comp, lab in ((axs[0], "u", "u(0.5, y) vs y"), (axs[1], "v", "v(x, 0.5) vs x")):
        prof = [q for q in rows if q["component"] == comp + "_profile"]
        r = [q for q in rows if q["component"] == comp]
        ax.plot([float(q["station"]) for q in prof], [float(q["value"]) for q in prof], "-", label="whpc-cfd")
        ax.plot([float(q["station"]) for q in r], [float(q["ghia"]) for q in r], "o", mfc="none",
                label="Ghia et al. 1982")
        ax.set_title(lab)
        ax.grid(alpha=0.3)
        ax.legend()
    p = os.path.join(out, "centreline.png")
    fig.savefig(p, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return p


def residual_plot(out):
    path = os.path.join(out, "diagnostics.csv")
    if not os.path.exists(path):
        return None
    rows = list(csv.DictReader(open(path)))
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    if "residual_norm2" in rows[0]:  # steady.method = newton: |F| per Newton iteration
        ax.semilogy(range(len(rows)), [max(float(q["residual_norm2"]), 1e-300) for q in rows], "o-",
                    label="|F|_2 (Newton)")
        ax.set_xlabel("Newton iteration (all continuation stages)")
    else:
        t = [float(q["time"]) for q in rows]
        ax.semilogy(t, [max(float(q["residual_max_dudt"]), 1e-300) for q in rows], label="max |du/dt|")
        ax.semilogy(t, [max(float(q["max_div_u"]), 1e-300) for q in rows], label="max |div u|")
        ax.set_xlabel("t")
    ax.grid(alpha=0.3)
    ax.legend()
    p = os.path.join(out, "residual.png")
    fig.savefig(p, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return p


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    for p in (speed_plot(out), centreline_plot(out), residual_plot(out)):
        if p:
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
