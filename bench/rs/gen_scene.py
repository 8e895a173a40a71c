#!/usr/bin/python3
"""Bench input: a 4-band uint16 scene N x N (EPSG:32650, 10 m, tiled 512, uncompressed) and a
float32 DEM of the same size, written strip by strip so 16k x 16k fits in little memory.
Usage: gen_scene.py OUT_DIR N"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
srs = osr.SpatialReference()
srs.ImportFromEPSG(32650)
gt = (400000.0, 10.0, 0.0, 4500000.0, 0.0, -10.0)
opts = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "BIGTIFF=IF_SAFER"]
drv = gdal.GetDriverByName("GTiff")
scene = drv.Create(os.path.join(out, "scene.tif"), n, n, 4, gdal.GDT_UInt16, opts + ["INTERLEAVE=BAND"])
dem = drv.Create(os.path.join(out, "dem.tif"), n, n, 1, gdal.GDT_Float32, opts)
for ds in (scene, dem):
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
for b in range(4):
    scene.GetRasterBand(b + 1).SetNoDataValue(0)
dem.GetRasterBand(1).SetNoDataValue(-9999)
rng = np.random.default_rng(1)
x = np.arange(n, dtype=np.float64)
step = 512
for y0 in range(0, n, step):
    h = min(step, n - y0)
    yy = (y0 + np.arange(h, dtype=np.float64))[:, None]
    veg = 0.5 + 0.5 * np.sin(x[None, :] / 97.0) * np.cos(yy / 61.0)
    for b, (base, gain) in enumerate([(800, 300), (1000, 500), (1200, -700), (2000, 3000)]):
        v = base + gain * veg + rng.normal(0, 40, (h, n))
        scene.GetRasterBand(b + 1).WriteArray(np.clip(np.rint(v), 1, 65535).astype(np.uint16), 0, y0)
    z = 300 + 150 * np.sin(x[None, :] / 400.0) * np.cos(yy / 530.0) + rng.normal(0, 0.5, (h, n))
    dem.GetRasterBand(1).WriteArray(z.astype(np.float32), 0, y0)
scene = dem = None
print(f"{out}/scene.tif and dem.tif: {n} x {n}")
