#!/usr/bin/python3
"""Small valid and deliberately broken input files for the bad-input matrix and fault tests.

make_fixtures.py DIR SOURCE_DIR
Everything is tiny (64x64 rasters, 4-image sets) so the matrix runs in seconds per row.
"""
import os
import struct
import sys

import numpy as np

d, src = sys.argv[1], sys.argv[2]
os.makedirs(d, exist_ok=True)


def put(name, data, mode="wb"):
    with open(os.path.join(d, name), mode) as f:
        f.write(data)


def head(src_path, name, n):
    with open(src_path, "rb") as f:
        put(name, f.read(n))


rng = np.random.default_rng(7)
# --- configs -----------------------------------------------------------------------------
put("empty.ini", b"")
put("binary.ini", bytes(rng.integers(0, 256, 300, dtype=np.uint8)))
put("noequals.ini", b"case = cavity\nthis line has no equals sign\n")
put("unterminated.ini", b"[grid\nn = 8,8\n")
put("dupkey.ini", b"flow.nu = 0.01\nflow.nu = 0.02\n")
put("longline.ini", b"output.dir = " + b"x" * 100000 + b"\n")
os.makedirs(os.path.join(d, "dir.ini"), exist_ok=True)

# --- .npy ----------------------------------------------------------------------------------
def npy(shape, descr="<f4", data=None, magic=b"\x93NUMPY", ver=b"\x01\x00"):
    hdr = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    hdr = hdr.encode()
    pad = 64 - (10 + len(hdr) + 1) % 64
    hdr += b" " * pad + b"\n"
    return magic + ver + struct.pack("<H", len(hdr)) + hdr + (data or b"")


good = rng.random((4, 64, 64), dtype=np.float32)
os.makedirs(os.path.join(d, "npy_good"), exist_ok=True)
for i in range(4):
    np.save(os.path.join(d, "npy_good", "t%02d.npy" % i), good)
def npy_dir(name, data):
    p = os.path.join(d, name)
    os.makedirs(p, exist_ok=True)
    with open(os.path.join(p, "a.npy"), "wb") as f:
        f.write(data)
full = npy("(4, 64, 64)", data=good.tobytes())
npy_dir("npy_trunc", full[: len(full) // 2])
npy_dir("npy_badmagic", b"\x93NUMPX" + full[6:])
npy_dir("npy_huge", npy("(1000000000, 1000000000, 1000000000)", data=good.tobytes()))
npy_dir("npy_negative", npy("(4, -64, 64)", data=good.tobytes()))
npy_dir("npy_fortran", full.replace(b"'fortran_order': False", b"'fortran_order': True "))
npy_dir("npy_dtype", npy("(4, 64, 64)", descr="<c8", data=good.tobytes() * 2))
npy_dir("npy_bigendian", npy("(4, 64, 64)", descr=">f4", data=good.tobytes()))
npy_dir("npy_3band", npy("(3, 64, 64)", data=good[:3].tobytes()))
npy_dir("npy_size", npy("(4, 32, 32)", data=good[:, :32, :32].tobytes()))
npy_dir("npy_hdrlen", b"\x93NUMPY\x01\x00" + struct.pack("<H", 65535) + b"{")
npy_dir("npy_empty", b"")
os.makedirs(os.path.join(d, "npy_none"), exist_ok=True)
put("npy_none/readme.txt", b"no inputs here\n")
# a list file naming a missing input
put("list_missing.txt", b"npy_good/t00.npy\nno/such/file.npy\n")

# --- ONNX ------------------------------------------------------------------------------------
model = os.path.join(src, "apps/ai_infer/models/tile_classifier.onnx")
head(model, "trunc.onnx", 3000)
put("garbage.onnx", bytes(rng.integers(0, 256, 5000, dtype=np.uint8)))
put("empty.onnx", b"")
try:
    import onnx
    from onnx import TensorProto, helper

    def save(graph, name, opset=13):
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        with open(os.path.join(d, name), "wb") as f:
            f.write(m.SerializeToString())
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 64, 64])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])
    # an initializer claiming 2^62 elements with 4 bytes of data: must be refused, not allocated
    w = TensorProto()
    w.name, w.data_type = "w", TensorProto.FLOAT
    w.dims.extend([1 << 31, 1 << 31])
    w.raw_data = b"\0\0\0\0"
    save(helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g", [x], [y], [w]),
         "hugedim.onnx")
    save(helper.make_graph([helper.make_node("Erf", ["x"], ["y"], name="n0")], "g", [x], [y]),
         "unsupported.onnx")
    save(helper.make_graph([helper.make_node("Relu", ["nope"], ["y"], name="n0")], "g", [x], [y]),
         "dangling.onnx")
    save(helper.make_graph([helper.make_node("Relu", ["z"], ["y"], name="a"),
                            helper.make_node("Relu", ["y"], ["z"], name="b")], "g", [x], [y]),
         "cycle.onnx")
except ImportError:  # python3-onnx missing: the rows that need these files fail loudly
    pass

# --- rasters ---------------------------------------------------------------------------------
from osgeo import gdal, osr  # noqa: E402

gdal.UseExceptions()
srs = osr.SpatialReference()
srs.ImportFromEPSG(32633)


def tif(name, bands, w=64, h=64, dtype=gdal.GDT_UInt16, epsg=True):
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(d, name), w, h, bands, dtype,
                                               ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
    ds.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
    if epsg:
        ds.SetProjection(srs.ExportToWkt())
    for b in range(bands):
        ds.GetRasterBand(b + 1).WriteArray((rng.random((h, w)) * 3000 + 100).astype(np.uint16))
    ds = None


tif("scene.tif", 4)
tif("scene3.tif", 3)
tif("scene_other_size.tif", 4, w=48)
tif("scene_nocrs.tif", 4, epsg=False)
with open(os.path.join(d, "scene.tif"), "rb") as f:
    whole = f.read()
put("scene_trunc.tif", whole[: len(whole) // 3])
put("scene_garbage.tif", b"II*\x00" + bytes(rng.integers(0, 256, 4000, dtype=np.uint8)))
os.makedirs(os.path.join(d, "tif_trunc"), exist_ok=True)
put("tif_trunc/a.tif", whole[: len(whole) // 3])
os.makedirs(os.path.join(d, "tif_good"), exist_ok=True)
for i in range(4):
    put("tif_good/t%02d.tif" % i, whole)

# --- NetCDF (climate topography) ---------------------------------------------------------------
try:
    import netCDF4

    nc = netCDF4.Dataset(os.path.join(d, "topo.nc"), "w", format="NETCDF4")
    nc.createDimension("lat", 32)
    nc.createDimension("lon", 64)
    la = nc.createVariable("lat", "f8", ("lat",))
    la.units = "degrees_north"
    la[:] = np.linspace(-87.1875, 87.1875, 32)
    lo = nc.createVariable("lon", "f8", ("lon",))
    lo.units = "degrees_east"
    lo[:] = np.arange(64) * 5.625
    t = nc.createVariable("topo", "f8", ("lat", "lon"))
    t.units = "m"
    t[:] = rng.random((32, 64)) * 1000
    nc.close()
    with open(os.path.join(d, "topo.nc"), "rb") as f:
        whole = f.read()
    put("topo_trunc.nc", whole[: len(whole) // 2])
    put("topo_garbage.nc", b"\x89HDF\r\n\x1a\n" + bytes(rng.integers(0, 256, 3000, dtype=np.uint8)))
    put("notes.nc", b"this is not netcdf\n")
except ImportError:
    pass
print(d)
