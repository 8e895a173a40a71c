#!/usr/bin/python3
"""Checks of whpc-remote-sensing products against GDAL tools' products and numpy references.

  rs_check.py equal REF OUT [ULP [MAXDIFF MAXFRAC]]
      same size, same nodata mask, values equal: float32 within ULP units in the last place;
      integers equal, or |diff| <= MAXDIFF on at most MAXFRAC of the pixels.
  rs_check.py filter KIND RADIUS SIGMA IN BAND OUT      numpy reference of the filters
  rs_check.py stats OUT REPORT [LO HI BINS HISTCSV]     report.json statistics vs numpy / GDAL
  rs_check.py cog OUT                                   GDAL's COG validator
  rs_check.py chips OUTDIR PRODUCT                      chips + index CSV vs the product
  rs_check.py mask SCENE QA OUT LO HI BITS              QA/range mask of band 1
Prints one line per check and the pixel checksum (md5 of the data), exits 1 on failure.
"""
import csv
import hashlib
import json
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def read(path, band=None):
    ds = gdal.Open(path)
    bands = [band] if band else range(1, ds.RasterCount + 1)
    arrs, nds = [], []
    for b in bands:
        rb = ds.GetRasterBand(b)
        arrs.append(rb.ReadAsArray())
        nds.append(rb.GetNoDataValue())
    ds = None
    return np.array(arrs), nds


def valid_mask(a, nd):
    m = np.ones(a.shape, bool)
    if nd is not None:
        m &= ~((a == nd) | (np.isnan(a) if np.isnan(nd) else False))
    if a.dtype.kind == "f":
        m &= ~np.isnan(a)
    return m


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def checksum(a):
    return hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest()


def cmd_equal(ref, out, ulp=0, maxdiff=0, maxfrac=0):
    a, nda = read(ref)
    b, ndb = read(out)
    if a.shape != b.shape:
        fail(f"shape {b.shape} != reference {a.shape}")
    ma, mb = valid_mask(a, nda[0]), valid_mask(b, ndb[0])
    if not np.array_equal(ma, mb):
        fail(f"nodata masks differ at {(ma != mb).sum()} pixels (first {np.argwhere(ma != mb)[:3].tolist()})")
    av, bv = a[ma], b[mb]
    if a.dtype == np.float32:
        d = np.abs(av.view(np.int32).astype(np.int64) - bv.astype(np.float32).view(np.int32))
        worst = int(d.max()) if d.size else 0
        print(f"float32 values: {d.size} valid, {(d > 0).sum()} differ, max {worst} ulp (allowed {ulp})")
        if worst > ulp:
            fail("values differ beyond tolerance")
    else:
        d = np.abs(av.astype(np.float64) - bv.astype(np.float64))
        ndiff = int((d > 0).sum())
        worst = float(d.max()) if d.size else 0.0
        frac = ndiff / max(d.size, 1)
        print(f"integer values: {d.size} valid, {ndiff} differ ({frac:.2e}), max |diff| {worst:g} "
              f"(allowed {maxdiff:g} on {maxfrac:g})")
        if worst > maxdiff or (ndiff and frac > maxfrac):
            fail("values differ beyond tolerance")
    print("checksum", checksum(b))


def strict_windows(x, r):
    """(2r+1)^2 windows of x padded with NaN (image edges are nodata)."""
    p = np.pad(x, r, constant_values=np.nan)
    return np.lib.stride_tricks.sliding_window_view(p, (2 * r + 1, 2 * r + 1))


def sep_pass(x, w, r, axis):
    p = np.pad(x, [(r, r) if a == axis else (0, 0) for a in range(2)], constant_values=np.nan)
    acc = np.zeros_like(x)
    n = x.shape[axis]
    for k in range(2 * r + 1):
        sl = [slice(None), slice(None)]
        sl[axis] = slice(k, k + n)
        acc = acc + w[k] * p[tuple(sl)]
    return acc


def filter_ref(kind, r, sigma, x):
    if kind in ("gaussian", "box"):
        k = np.arange(-r, r + 1, dtype=np.float64)
        w = np.ones(2 * r + 1) if kind == "box" else np.exp(-0.5 * k * k / (sigma * sigma))
        w = w / w.sum()
        return sep_pass(sep_pass(x, w, r, 1), w, r, 0)
    if kind == "sobel":
        win = strict_windows(x, 1)
        gx = (win[..., 0, 2] + 2 * win[..., 1, 2] + win[..., 2, 2]) - (win[..., 0, 0] + 2 * win[..., 1, 0] + win[..., 2, 0])
        gy = (win[..., 2, 0] + 2 * win[..., 2, 1] + win[..., 2, 2]) - (win[..., 0, 0] + 2 * win[..., 0, 1] + win[..., 0, 2])
        return np.sqrt(gx * gx + gy * gy)
    if kind == "median":
        win = strict_windows(x, r)
        return np.median(win.reshape(win.shape[0], win.shape[1], -1), axis=-1)

    def morph(y, op):
        win = strict_windows(y, r).reshape(y.shape[0], y.shape[1], -1)
        res = op(win, axis=-1)
        res[np.isnan(win).any(axis=-1)] = np.nan
        return res

    if kind == "open":
        return morph(morph(x, np.min), np.max)
    if kind == "close":
        return morph(morph(x, np.max), np.min)
    fail("unknown filter " + kind)


def cmd_filter(kind, r, sigma, src, band, out):
    a, nd = read(src, int(band))
    x = a[0].astype(np.float64)
    x[~valid_mask(a[0], nd[0])] = np.nan
    ref = filter_ref(kind, int(r), float(sigma), x).astype(np.float32)
    b, ndb = read(out)
    y = b[0]
    my = valid_mask(y, ndb[0])
    mr = ~np.isnan(ref)
    if not np.array_equal(my, mr):
        fail(f"nodata masks differ at {(my != mr).sum()} pixels")
    d = np.abs(ref[mr].view(np.int32).astype(np.int64) - y[my].view(np.int32))
    print(f"{kind} r={r}: {mr.sum()} valid pixels, max {d.max() if d.size else 0} ulp vs numpy (allowed 1)")
    if d.size and d.max() > 1:
        fail("filter differs from the numpy reference")
    print("checksum", checksum(y))


def cmd_stats(out, report, lo=None, hi=None, bins=None, histcsv=None):
    a, nd = read(out)
    rep = json.load(open(report))["results"]["stats"]
    for k in range(a.shape[0]):
        m = valid_mask(a[k], nd[k])
        v = a[k][m].astype(np.float64)
        s = rep[f"band{k + 1}"]
        # exact: count, min, max; mean and std to 1e-12 relative (numpy's pairwise sums differ
        # from our block-ordered sums only by rounding)
        checks = [("valid_pixels", s["valid_pixels"], v.size, 0), ("min", s["min"], v.min(), 0),
                  ("max", s["max"], v.max(), 0), ("mean", s["mean"], v.mean(), 1e-12),
                  ("std", s["std"], v.std(), 1e-10)]
        for name, got, want, tol in checks:
            err = abs(got - want) / max(abs(want), 1e-300)
            print(f"band {k + 1} {name}: {got!r} numpy {want!r} rel err {err:.2e} (allowed {tol:g})")
            if err > tol:
                fail(f"{name} of band {k + 1}")
    if histcsv:
        ds = gdal.Open(out)
        g = ds.GetRasterBand(1).GetHistogram(float(lo), float(hi), int(bins), 0, 0)
        ours = [int(r["count"]) for r in csv.DictReader(open(histcsv)) if r["band"] == "1"]
        print(f"histogram: {sum(ours)} counted, GDAL GetHistogram {sum(g)}; equal: {list(g) == ours}")
        if list(g) != ours:
            fail("histogram differs from GDAL's")


def cmd_cog(out):
    sys.path.insert(0, "/usr/lib/python3/dist-packages/osgeo_utils/samples")
    import validate_cloud_optimized_geotiff as v
    warnings, errors, _ = v.validate(out, full_check=True)
    print(f"COG validation of {out}: {len(errors)} errors, {len(warnings)} warnings", errors)
    if errors:
        fail("not a valid COG")
    ds = gdal.Open(out)
    nov = ds.GetRasterBand(1).GetOverviewCount()
    print("overviews:", nov)
    if max(ds.RasterXSize, ds.RasterYSize) > 512 and nov == 0:
        fail("no overviews")


def cmd_chips(outdir, product):
    rows = list(csv.DictReader(open(os.path.join(outdir, "chips.csv"))))
    p, _ = read(product)
    dsp = gdal.Open(product)
    gt = dsp.GetGeoTransform()
    for r in rows:
        x, y, w, h = (int(r[k]) for k in ("x_off", "y_off", "width", "height"))
        c, _ = read(os.path.join(outdir, r["path"]))
        if not np.array_equal(c, p[:, y:y + h, x:x + w]):
            fail(f"chip {r['id']} pixels differ from the product window")
        dc = gdal.Open(os.path.join(outdir, r["path"]))
        cg = dc.GetGeoTransform()
        want = (gt[0] + x * gt[1], gt[1], 0.0, gt[3] + y * gt[5], 0.0, gt[5])
        csvgt = tuple(float(r[f"gt{i}"]) for i in range(6))
        if not (np.allclose(cg, want, rtol=0, atol=1e-6) and np.allclose(csvgt, want, rtol=0, atol=1e-6)):
            fail(f"chip {r['id']} geotransform {cg} / csv {csvgt} != {want}")
    print(f"{len(rows)} chips equal to their product windows, georeferenced")


def cmd_mask(scene, qa, out, lo, hi, bits):
    a, nd = read(scene, 1)
    q, _ = read(qa, 1)
    b, ndb = read(out)
    x = a[0].astype(np.float64)
    keep = valid_mask(a[0], nd[0]) & (x >= float(lo)) & (x <= float(hi)) & ((q[0].astype(np.int64) & int(bits)) == 0)
    got = valid_mask(b[0], ndb[0])
    if not np.array_equal(keep, got):
        fail(f"mask differs at {(keep != got).sum()} pixels")
    if not np.array_equal(b[0][got].astype(np.float64), x[keep]):
        fail("masked values changed")
    print(f"mask: {keep.sum()} kept, {(~keep).sum()} masked, as numpy")


if __name__ == "__main__":
    cmd = sys.argv[1]
    args = sys.argv[2:]
    {"equal": lambda: cmd_equal(args[0], args[1], *(float(v) for v in args[2:])),
     "filter": lambda: cmd_filter(*args), "stats": lambda: cmd_stats(*args), "cog": lambda: cmd_cog(*args),
     "chips": lambda: cmd_chips(*args), "mask": lambda: cmd_mask(*args)}[cmd]()
    print("OK")
