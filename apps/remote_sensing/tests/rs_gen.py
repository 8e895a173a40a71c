#!/usr/bin/python3
"""Synthetic inputs of the remote-sensing tests (deterministic, seed 7).

scene.tif     4-band uint16 (blue, green, red, nir), 700 x 520, EPSG:32650, 30 m, tiled 128,
              nodata 0 in a rectangle and in scattered specks
qa.tif        1-band uint8 QA on the same grid (bit 3 = cloud)
dem.tif       float32 DEM 610 x 450, nodata -9999 in a disc; dem16.tif the same as int16
zones.tif     uint8 classes 0..9 (255 nodata) for zonal statistics
date2.tif     nir of a second date (changes in two rectangles)
wrongcrs.tif  scene grid in EPSG:32651; wronggrid.tif a 700 x 500 grid
truncated.tif scene.tif cut to 60 % of its bytes; corrupt.tif random bytes
"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    return s.ExportToWkt()


def write(name, arrays, dtype, nodata, epsg=32650, gt=(500000.0, 30.0, 0.0, 4400000.0, 0.0, -30.0), tile=128):
    h, w = arrays[0].shape
    opts = ["TILED=YES", f"BLOCKXSIZE={tile}", f"BLOCKYSIZE={tile}"]
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(out, name), w, h, len(arrays), dtype, opts)
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs(epsg))
    for i, a in enumerate(arrays):
        b = ds.GetRasterBand(i + 1)
        if nodata is not None:
            b.SetNoDataValue(nodata)
        b.WriteArray(a)
    ds = None


W, H = 700, 520
y, x = np.mgrid[0:H, 0:W].astype(np.float64)
veg = 0.5 + 0.5 * np.sin(x / 37.0) * np.cos(y / 23.0)
bands = []
for k, (base, gain) in enumerate([(800, 300), (1000, 500), (1200, -700), (2000, 3000)]):
    v = base + gain * veg + rng.normal(0, 40, (H, W))
    bands.append(np.clip(np.rint(v), 1, 65535).astype(np.uint16))
hole = np.zeros((H, W), bool)
hole[300:380, 50:200] = True
hole |= rng.random((H, W)) < 0.002
for k in range(4):
    bands[k][hole] = 0
bands[2][10:12, 600:640] = bands[3][10:12, 600:640]  # red == nir: ndvi 0, a few exact zeros
write("scene.tif", bands, gdal.GDT_UInt16, 0)

qa = np.zeros((H, W), np.uint8)
qa[100:180, 400:520] = 8  # cloud
qa[200:210, :] = 2        # another flag, not masked by bits=8
write("qa.tif", [qa], gdal.GDT_Byte, None)

DW, DH = 610, 450
dy, dx = np.mgrid[0:DH, 0:DW].astype(np.float64)
dem = 300 + 120 * np.sin(dx / 50.0) * np.cos(dy / 70.0) + 0.02 * dx * dy / 10 + rng.normal(0, 0.8, (DH, DW))
disc = (dx - 400) ** 2 + (dy - 120) ** 2 < 30 ** 2
dem32 = dem.astype(np.float32)
dem32[disc] = -9999
dem32[200:260, 100:140] = 250.0  # a flat plateau: aspect of flat cells
write("dem.tif", [dem32], gdal.GDT_Float32, -9999, gt=(600000.0, 10.0, 0.0, 4500000.0, 0.0, -10.0))
dem16 = np.rint(dem * 4).astype(np.int16)
dem16[disc] = -32768
write("dem16.tif", [dem16], gdal.GDT_Int16, -32768, gt=(600000.0, 10.0, 0.0, 4500000.0, 0.0, -10.0))

# a second date of the nir band: a cleared field (-1500) and a new one (+900)
d2 = bands[3].astype(np.int64) + rng.integers(-30, 31, (H, W))
d2[50:120, 60:160] -= 1500
d2[400:470, 500:640] += 900
d2 = np.clip(d2, 1, 65535).astype(np.uint16)
d2[hole] = 0
d2[0:20, 0:30] = 0  # nodata only in date 2
write("date2.tif", [d2], gdal.GDT_UInt16, 0)

# land-cover classes 0..9 for zonal statistics, 255 = nodata
zones = ((x // 90).astype(np.int64) + 3 * (y // 110).astype(np.int64)) % 10
zones = zones.astype(np.uint8)
zones[450:, 600:] = 255
write("zones.tif", [zones], gdal.GDT_Byte, 255)

write("wrongcrs.tif", [bands[0]], gdal.GDT_UInt16, 0, epsg=32651)
write("wronggrid.tif", [bands[0][:500]], gdal.GDT_UInt16, 0)

data = open(os.path.join(out, "scene.tif"), "rb").read()
open(os.path.join(out, "truncated.tif"), "wb").write(data[: int(len(data) * 0.6)])
open(os.path.join(out, "corrupt.tif"), "wb").write(bytes(rng.integers(0, 256, 4096, dtype=np.uint8)))
print("inputs written to", out)
