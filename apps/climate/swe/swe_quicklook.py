#!/usr/bin/python3
"""Quick-look maps of a whpc-climate shallow-water run: one PNG per NetCDF record.

usage: swe_quicklook.py RUN_DIR/swe.nc [OUT_DIR]
Each map shades the topography (grey) and the fluid depth's deviation, with height contours;
files are quicklook_day<DDD.dd>.png. Uses Debian's python3-netcdf4, numpy and matplotlib.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import netCDF4  # noqa: E402
import numpy as np  # noqa: E402


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    path = argv[1]
    out = argv[2] if len(argv) > 2 else os.path.dirname(os.path.abspath(path))
    nc = netCDF4.Dataset(path)
    lon, lat = nc["lon"][:], nc["lat"][:]
    hs = nc["topography"][:]
    times = nc["time"][:] / 86400.0
    title = getattr(nc, "title", path)
    written = []
    for k, day in enumerate(times):
        h = nc["height"][k]
        fig, ax = plt.subplots(figsize=(9, 4.5), dpi=90)
        if np.ptp(hs) > 0:
            ax.pcolormesh(lon, lat, hs, cmap="Greys", shading="nearest", vmin=-500, vmax=min(float(hs.max()), 4000.0))
            ax.contour(lon, lat, hs, levels=[float(hs.min()) + 1.0], colors="k", linewidths=0.4)
        cs = ax.contour(lon, lat, h, levels=16, cmap="viridis", linewidths=1.0)
        ax.clabel(cs, fontsize=6, fmt="%.0f")
        u, v = nc["u"][k], nc["v"][k]
        s = max(1, len(lon) // 32)
        ax.quiver(lon[::s], lat[::s], u[::s, ::s], v[::s, ::s], scale=900, width=0.0015, color="tab:red")
        ax.set(xlim=(lon[0], lon[-1]), ylim=(-90, 90), xlabel="longitude (deg E)", ylabel="latitude (deg N)",
               title=f"{title}\nheight (m), winds, topography; day {day:.2f}")
        ax.title.set_fontsize(9)
        name = os.path.join(out, f"quicklook_day{day:06.2f}.png")
        fig.tight_layout()
        fig.savefig(name)
        plt.close(fig)
        written.append(name)
    print(f"{len(written)} quick-look maps in {out}")


if __name__ == "__main__":
    main(sys.argv)
