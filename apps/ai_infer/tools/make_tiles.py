#!/usr/bin/python3
"""Synthetic inputs for whpc-ai-infer tests and the sample run.

make_tiles.py OUTDIR N [--bands 4] [--size 64] [--format tif|png|npy] [--corrupt I,J]
Writes N tiles tile_00000.tif ... (4-band Float32 GeoTIFFs on adjacent 64x64 cells of a
10 m UTM 32N grid, so the outputs mosaic), or PNG / .npy. --corrupt truncates the listed
tiles to half their bytes (an unreadable tile)."""
import argparse
import os
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("n", type=int)
    ap.add_argument("--bands", type=int, default=4)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--format", default="tif", choices=["tif", "png", "npy"])
    ap.add_argument("--corrupt", default="")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    paths = []
    for i in range(a.n):
        # smooth random fields: a few sinusoids per band, values in [0, 1]
        y, x = np.mgrid[0:a.size, 0:a.size] / a.size
        img = np.empty((a.bands, a.size, a.size), np.float32)
        for b in range(a.bands):
            f = rng.uniform(0.5, 4.0, 2)
            ph = rng.uniform(0, 6.28, 2)
            img[b] = 0.5 + 0.25 * np.sin(2 * np.pi * f[0] * x + ph[0]) * np.cos(2 * np.pi * f[1] * y + ph[1]) \
                + 0.1 * rng.standard_normal((a.size, a.size))
        name = os.path.join(a.outdir, f"tile_{i:05d}.{a.format}")
        if a.format == "npy":
            np.save(name, img)
        else:
            from osgeo import gdal, osr
            gdal.UseExceptions()
            if a.format == "tif":
                ds = gdal.GetDriverByName("GTiff").Create(name, a.size, a.size, a.bands, gdal.GDT_Float32)
                col, row = i % 8, i // 8
                ds.SetGeoTransform([500000 + col * a.size * 10.0, 10.0, 0, 5000000 - row * a.size * 10.0, 0, -10.0])
                srs = osr.SpatialReference()
                srs.ImportFromEPSG(32632)
                ds.SetProjection(srs.ExportToWkt())
                for b in range(a.bands):
                    ds.GetRasterBand(b + 1).WriteArray(img[b])
                ds = None
            else:
                mem = gdal.GetDriverByName("MEM").Create("", a.size, a.size, a.bands, gdal.GDT_Byte)
                for b in range(a.bands):
                    mem.GetRasterBand(b + 1).WriteArray(np.clip(img[b] * 255, 0, 255).astype(np.uint8))
                gdal.GetDriverByName("PNG").CreateCopy(name, mem)
                mem = None
        paths.append(name)
    for k in [int(s) for s in a.corrupt.split(",") if s.strip()]:
        data = open(paths[k], "rb").read()
        open(paths[k], "wb").write(data[: len(data) // 2])


if __name__ == "__main__":
    main()
