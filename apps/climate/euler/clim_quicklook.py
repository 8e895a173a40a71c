#!/usr/bin/python3
"""Quick-look PNGs of theta' from a whpc-climate euler.nc: one x-z slice per output time
(3D runs: the slice through the middle of y). Usage: clim_quicklook.py RUN_DIR [RUN_DIR ...]
Writes RUN_DIR/theta_prime_t<seconds>.png and prints the paths."""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import netCDF4  # noqa: E402
import numpy as np  # noqa: E402


def quicklook(run_dir):
    path = os.path.join(run_dir, "euler.nc")
    with netCDF4.Dataset(path) as nc:
        x = nc["x"][:] / 1000.0
        z = nc["z"][:] / 1000.0
        th = nc["theta_prime"]
        case = getattr(nc, "whpc_case", "")
        times = nc["time"][:]
        lim = float(np.max(np.abs(th[:]))) or 1.0
        out = []
        for n, t in enumerate(times):
            f = np.asarray(th[n])
            if f.ndim == 3:  # (z, y, x): middle of y
                f = f[:, f.shape[1] // 2, :]
            fig, ax = plt.subplots(figsize=(8, 8 * (z[-1] - z[0]) / (x[-1] - x[0]) * 0.9 + 1.2))
            pm = ax.pcolormesh(x, z, f, cmap="RdBu_r", vmin=-lim, vmax=lim, shading="auto")
            fig.colorbar(pm, ax=ax, label="theta' (K)", shrink=0.8)
            ax.set_xlabel("x (km)")
            ax.set_ylabel("z (km)")
            ax.set_aspect("equal")
            ax.set_title(f"{case}: theta' at t = {t:g} s")
            png = os.path.join(run_dir, f"theta_prime_t{int(round(t)):05d}.png")
            fig.savefig(png, dpi=90, bbox_inches="tight")
            plt.close(fig)
            out.append(png)
    return out


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for d in sys.argv[1:]:
        for p in quicklook(d):
            print(p)
