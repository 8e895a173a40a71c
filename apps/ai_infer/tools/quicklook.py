#!/usr/bin/python3
"""Quick-look PNG of a whpc-ai-infer class mosaic: quicklook.py mosaic.vrt out.png"""
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from osgeo import gdal

gdal.UseExceptions()
ds = gdal.Open(sys.argv[1])
a = ds.GetRasterBand(1).ReadAsArray()
gt = ds.GetGeoTransform()
ext = [gt[0], gt[0] + gt[1] * ds.RasterXSize, gt[3] + gt[5] * ds.RasterYSize, gt[3]]
fig, ax = plt.subplots(figsize=(10, 10 * ds.RasterYSize / max(ds.RasterXSize, 1) + 1))
im = ax.imshow(a, extent=ext, cmap="tab10", vmin=0, vmax=9, interpolation="nearest")
ax.set_title("argmax class per pixel (whpc-ai-infer, segmenter.onnx)")
ax.set_xlabel("easting (m)")
ax.set_ylabel("northing (m)")
fig.colorbar(im, ax=ax, shrink=0.6, label="class")
fig.savefig(sys.argv[2], dpi=80, bbox_inches="tight")
print(sys.argv[2])
