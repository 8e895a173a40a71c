#!/usr/bin/python3
"""cf_check.py — a small CF-1.8 attribute checker for whpc NetCDF outputs (Debian 12 has no CF
checker). It checks what whpc promises, not all of CF:

  global      Conventions = "CF-1.8"; title, institution, source, history non-empty;
              references, if present, non-empty; whpc_config present (--whpc)
  coordinates coordinate variables (name == only dimension) are numeric, strictly monotonic,
              have units and long_name or standard_name; axis in X/Y/Z/T; latitude/longitude
              units; vertical (axis Z) has positive = up|down; time units "<unit> since <date>"
              and a known calendar; bounds name an existing (n, 2) variable
  data        every other variable has units, long_name or standard_name, a _FillValue of its
              own type; standard_name is lowercase words with underscores; coordinates lists
              existing variables; cell_methods is "name: method ..." with a dimension,
              "area" or a coordinate standard_name and a CF method; dimension order T, Z, Y, X
Usage: cf_check.py [--whpc] FILE.nc ...   exit 0 clean, 1 on any error (each printed as
FILE: VAR: problem), 2 on bad usage or unreadable file.
       cf_check.py --self-test               builds broken files and checks each is caught.
"""
import re
import sys

import netCDF4
import numpy as np

CALENDARS = {"standard", "gregorian", "proleptic_gregorian", "noleap", "365_day", "all_leap",
             "366_day", "360_day", "julian", "none"}
METHODS = {"point", "sum", "maximum", "median", "mid_range", "minimum", "mean", "mode",
           "standard_deviation", "variance"}
TIME_UNITS = re.compile(r"^(seconds?|minutes?|hours?|days?|s|min|h|d)\s+since\s+\d{1,4}-\d{1,2}-\d{1,2}"
                        r"([ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?)?\s*(Z|UTC|[+-]\d{1,2}(:\d{2})?)?$")
AXIS_ORDER = {"T": 0, "Z": 1, "Y": 2, "X": 3}


def text(var, name):
    v = var.getncattr(name) if name in var.ncattrs() else None
    return v if isinstance(v, str) else None


def check_file(path, whpc):
    errs = []

    def err(where, msg):
        errs.append(f"{path}: {where}: {msg}")

    try:
        ds = netCDF4.Dataset(path)
    except OSError as e:
        print(f"{path}: cannot open: {e}", file=sys.stderr)
        return None
    with ds:
        g = ds.ncattrs()
        conv = ds.getncattr("Conventions") if "Conventions" in g else None
        if conv != "CF-1.8":
            err("global", f"Conventions is {conv!r}, expected 'CF-1.8'")
        for a in ("title", "institution", "source", "history"):
            if not (a in g and isinstance(ds.getncattr(a), str) and ds.getncattr(a).strip()):
                err("global", f"missing or empty {a}")
        if "references" in g and not str(ds.getncattr("references")).strip():
            err("global", "empty references")
        if whpc and "whpc_config" not in g:
            err("global", "no whpc_config attribute (effective configuration)")

        coords = {n: v for n, v in ds.variables.items() if v.dimensions == (n,)}
        axis_of = {}
        for name, v in coords.items():
            axis = text(v, "axis")
            units = text(v, "units")
            sn = text(v, "standard_name")
            if not units:
                err(name, "coordinate without units")
            if not (sn or text(v, "long_name")):
                err(name, "coordinate without standard_name or long_name")
            if axis is not None:
                if axis not in AXIS_ORDER:
                    err(name, f"axis {axis!r} is not X, Y, Z or T")
                axis_of[name] = axis
            if v.dtype.kind not in "fiu":
                err(name, f"coordinate of type {v.dtype} is not numeric")
                continue
            vals = np.asarray(v[:], dtype=float)
            if vals.size > 1:
                d = np.diff(vals)
                if not (np.all(d > 0) or np.all(d < 0)):
                    err(name, "coordinate values are not strictly monotonic")
            if np.ma.is_masked(v[:]):
                err(name, "coordinate has missing values")
            if sn == "latitude" and units not in ("degrees_north", "degree_north", "degrees_N"):
                err(name, f"latitude units {units!r}")
            if sn == "longitude" and units not in ("degrees_east", "degree_east", "degrees_E"):
                err(name, f"longitude units {units!r}")
            if axis == "Z" and text(v, "positive") not in ("up", "down"):
                err(name, "vertical coordinate without positive = up|down")
            if axis == "T" or sn == "time":
                if not units or not TIME_UNITS.match(units.strip()):
                    err(name, f"time units {units!r} are not '<unit> since <date>'")
                cal = text(v, "calendar")
                if cal is not None and cal.lower() not in CALENDARS:
                    err(name, f"unknown calendar {cal!r}")
            b = text(v, "bounds")
            if b is not None:
                if b not in ds.variables:
                    err(name, f"bounds variable {b} does not exist")
                elif ds.variables[b].shape != (len(v), 2):
                    err(name, f"bounds {b} has shape {ds.variables[b].shape}, expected ({len(v)}, 2)")

        bounds = {text(v, "bounds") for v in coords.values()} - {None}
        for name, v in ds.variables.items():
            if name in coords or name in bounds:
                continue
            units = text(v, "units")
            sn = text(v, "standard_name")
            if units is None:
                err(name, "no units")
            if not (sn or text(v, "long_name")):
                err(name, "no standard_name or long_name")
            if sn is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", sn.split()[0]):
                err(name, f"malformed standard_name {sn!r}")
            if "_FillValue" in v.ncattrs():
                fv = v.getncattr("_FillValue")
                if np.asarray(fv).dtype != v.dtype:
                    err(name, f"_FillValue of type {np.asarray(fv).dtype}, variable is {v.dtype}")
            elif v.dtype.kind == "f":
                err(name, "no _FillValue")
            c = text(v, "coordinates")
            if c is not None:
                for cn in c.split():
                    if cn not in ds.variables:
                        err(name, f"coordinates names {cn}, which does not exist")
            cm = text(v, "cell_methods")
            if cm is not None:
                names = set(v.dimensions) | {"area"} | {text(cv, "standard_name") for cv in coords.values()}
                pairs = re.findall(r"((?:[A-Za-z_][\w]*:\s*)+)([a-z_]+)(\s*\([^)]*\))?", cm)
                if not pairs:
                    err(name, f"cell_methods {cm!r} is not 'name: method'")
                for who, method, _ in pairs:
                    for w in re.findall(r"([A-Za-z_]\w*):", who):
                        if w not in names:
                            err(name, f"cell_methods names {w!r}, not a dimension, 'area' or a coordinate")
                    if method not in METHODS:
                        err(name, f"cell_methods method {method!r} is not a CF method")
            order = [AXIS_ORDER[axis_of[d]] for d in v.dimensions if d in axis_of]
            if order != sorted(order):
                err(name, f"dimensions {v.dimensions} are not in T, Z, Y, X order")
    return errs


def self_test():
    """Each broken variant of a clean file must give its own problem; the clean one none."""
    import os
    import tempfile

    def make(path, breakage):
        with netCDF4.Dataset(path, "w") as d:
            ga = {"Conventions": "CF-1.8", "title": "t", "institution": "i", "source": "s",
                  "history": "h", "whpc_config": "a = 1"}
            for k, v in ga.items():
                if breakage != "no_" + k:
                    d.setncattr(k, v)
            d.createDimension("time", None)
            d.createDimension("z", 3)
            d.createDimension("x", 4)
            t = d.createVariable("time", "f8", ("time",))
            t.units = "days" if breakage == "time_units" else "days since 2000-01-01"
            t.calendar = "martian" if breakage == "calendar" else "standard"
            t.axis, t.standard_name = "T", "time"
            t[0:2] = [0, 1]
            z = d.createVariable("z", "f8", ("z",))
            z.units, z.axis, z.standard_name = "m", "Z", "altitude"
            if breakage != "positive":
                z.positive = "up"
            z[:] = [0, 2, 1] if breakage == "monotonic" else [0, 1, 2]
            x = d.createVariable("x", "f8", ("x",))
            x.axis, x.standard_name = "X", "projection_x_coordinate"
            if breakage != "coord_units":
                x.units = "m"
            x[:] = np.arange(4.0)
            dims = ("time", "x", "z") if breakage == "order" else ("time", "z", "x")
            v = d.createVariable("theta", "f8", dims, fill_value=None if breakage == "no_fill" else -1.0)
            if breakage != "units":
                v.units = "K"
            v.standard_name = "Air Temperature" if breakage == "standard_name" else "air_potential_temperature"
            v.cell_methods = "time: average" if breakage == "cell_methods" else "time: mean"
            if breakage == "coordinates":
                v.coordinates = "lat"
            v[0:2] = np.zeros((2, 4, 3) if breakage == "order" else (2, 3, 4))

    expected = {"": None, "no_Conventions": "Conventions", "no_title": "title", "no_history": "history",
                "no_whpc_config": "whpc_config", "time_units": "since", "calendar": "calendar",
                "positive": "positive", "monotonic": "monotonic", "coord_units": "without units",
                "order": "T, Z, Y, X", "no_fill": "no _FillValue", "units": "no units",
                "standard_name": "malformed standard_name", "cell_methods": "not a CF method",
                "coordinates": "does not exist"}
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for breakage, want in expected.items():
            path = os.path.join(tmp, (breakage or "clean") + ".nc")
            make(path, breakage)
            errs = check_file(path, True)
            ok = (not errs) if want is None else (len(errs) == 1 and want in errs[0])
            print(f"{'ok  ' if ok else 'FAIL'} {breakage or 'clean'}: {errs}")
            bad += not ok
    return 1 if bad else 0


def main(argv):
    if "--self-test" in argv:
        return self_test()
    whpc = "--whpc" in argv
    files = [a for a in argv[1:] if a != "--whpc"]
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    bad = 0
    for f in files:
        errs = check_file(f, whpc)
        if errs is None:
            return 2
        for e in errs:
            print(e)
        print(f"{f}: {'CF check ok' if not errs else f'{len(errs)} CF problem(s)'}")
        bad += len(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
