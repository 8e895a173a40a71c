#!/usr/bin/env python3
"""Compare a web tile pyramid with gdal2tiles.py's: the same z/x/y files, and every tile's pixels
(gray and alpha) equal. Usage: rs_tiles_check.py OURS_DIR GDAL2TILES_DIR EXT"""
import os
import sys

import numpy as np
from osgeo import gdal


def tiles(d, ext):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs if f.endswith(ext))


def main():
    ours, ref, ext = sys.argv[1:4]
    a, b = tiles(ours, "." + ext), tiles(ref, "." + ext)
    if a != b:
        only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        sys.exit("FAIL: tile layout differs: %d only ours %s, %d only gdal2tiles %s"
                 % (len(only_a), only_a[:3], len(only_b), only_b[:3]))
    nbad, worst, empty = 0, "", 0
    for t in a:
        x = gdal.Open(os.path.join(ours, t)).ReadAsArray()
        y = gdal.Open(os.path.join(ref, t)).ReadAsArray()
        if x.shape != y.shape or not np.array_equal(x, y):
            nbad += 1
            if not worst:
                worst = "%s: %s" % (t, "shape %s vs %s" % (x.shape, y.shape) if x.shape != y.shape else
                                    "%d pixels differ, max %d" % ((x != y).sum(), np.abs(x.astype(int) - y).max()))
        empty += int(not x[-1].any())
    if nbad:
        sys.exit("FAIL: %d of %d tiles differ from gdal2tiles.py (first %s)" % (nbad, len(a), worst))
    zs = sorted({int(t.split(os.sep)[0]) for t in a})
    print("%d tiles (zooms %d-%d, %d fully transparent) equal gdal2tiles.py's pixel for pixel"
          % (len(a), zs[0], zs[-1], empty))


main()
