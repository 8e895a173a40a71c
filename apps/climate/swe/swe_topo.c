/* swe_topo.c — topography input (netCDF C API through libnetcdf_mpi, used serially here). */
#include "swe_topo.h"
#include <math.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <whpc.h>

#define NCK(call, ...)                                                                  \
  do {                                                                                  \
    int nc_ = (call);                                                                   \
    if (nc_ != NC_NOERR) {                                                              \
      rc = WHPC_RAISE(WHPC_ERR_INPUT, __VA_ARGS__);                                     \
      goto done;                                                                        \
    }                                                                                   \
  } while (0)

/* 1 = latitude, 2 = longitude, 0 = neither, judged by the coordinate variable of a dimension. */
static int axis_kind(int nc, int dimid) {
  char name[NC_MAX_NAME + 1], units[64] = "";
  int vid;
  if (nc_inq_dimname(nc, dimid, name) != NC_NOERR) return 0;
  if (nc_inq_varid(nc, name, &vid) != NC_NOERR) return 0;
  size_t len = 0;
  if (nc_inq_attlen(nc, vid, "units", &len) == NC_NOERR && len < sizeof units) nc_get_att_text(nc, vid, "units", units);
  if (!strncasecmp(units, "degrees_north", 13) || !strncasecmp(units, "degree_north", 12)) return 1;
  if (!strncasecmp(units, "degrees_east", 12) || !strncasecmp(units, "degree_east", 11)) return 2;
  if (!len && (!strcasecmp(name, "lat") || !strcasecmp(name, "latitude"))) return 1;
  if (!len && (!strcasecmp(name, "lon") || !strcasecmp(name, "longitude"))) return 2;
  return 0;
}

/* Index k with x[k] <= v < x[k+1] in an increasing array (clamped to [0, n-2]) and weight. */
static long bracket(const double *x, long n, double v, double *w) {
  long lo = 0, hi = n - 1;
  if (v <= x[0]) return *w = 0.0, 0;
  if (v >= x[n - 1]) return *w = 1.0, n - 2;
  while (hi - lo > 1) {
    long mid = (lo + hi) / 2;
    if (x[mid] <= v) lo = mid;
    else hi = mid;
  }
  *w = (v - x[lo]) / (x[lo + 1] - x[lo]);
  return lo;
}

int swe_topo_read(const char *path, const char *var, long nlon, long nlat, double topo_min, double *out) {
  int rc = WHPC_OK, nc = -1, vid, ndims, dimids[NC_MAX_VAR_DIMS];
  double *lat = NULL, *lon = NULL, *z = NULL;
  if (nc_open(path, NC_NOWRITE, &nc) != NC_NOERR) {
    FILE *fp = fopen(path, "rb");
    if (fp) fclose(fp);
    return WHPC_RAISE(fp ? WHPC_ERR_INPUT : WHPC_ERR_INPUT, "swe.topo_file: cannot open '%s' as NetCDF (%s)", path,
                      fp ? "not a NetCDF file" : "no such file");
  }
  NCK(nc_inq_varid(nc, var, &vid), "swe.topo_file: '%s' has no variable '%s' (set swe.topo_var)", path, var);
  NCK(nc_inq_varndims(nc, vid, &ndims), "swe.topo_file: '%s': cannot inquire '%s'", path, var);
  if (ndims < 2) {
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "swe.topo_file: '%s': variable '%s' has %d dimension(s), expected (lat, lon)", path,
                    var, ndims);
    goto done;
  }
  nc_inq_vardimid(nc, vid, dimids);
  size_t len[NC_MAX_VAR_DIMS];
  for (int d = 0; d < ndims; d++) nc_inq_dimlen(nc, dimids[d], &len[d]);
  for (int d = 0; d < ndims - 2; d++)
    if (len[d] != 1) {
      rc = WHPC_RAISE(WHPC_ERR_INPUT, "swe.topo_file: '%s': variable '%s' has a leading dimension of length %zu, "
                      "expected a single 2-D (lat, lon) field", path, var, len[d]);
      goto done;
    }
  const int ka = axis_kind(nc, dimids[ndims - 2]), kb = axis_kind(nc, dimids[ndims - 1]);
  if (!((ka == 1 && kb == 2) || (ka == 2 && kb == 1))) {
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "swe.topo_file: '%s': variable '%s' has no latitude/longitude coordinates "
                    "(expected 1-D coordinate variables with units degrees_north and degrees_east)", path, var);
    goto done;
  }
  const int transposed = ka == 2; /* (lon, lat) order */
  const size_t ny = transposed ? len[ndims - 1] : len[ndims - 2], nx = transposed ? len[ndims - 2] : len[ndims - 1];
  if (nx < 2 || ny < 2) {
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "swe.topo_file: '%s': grid %zu x %zu is too small", path, nx, ny);
    goto done;
  }
  lat = malloc(ny * sizeof *lat), lon = malloc((nx + 1) * sizeof *lon), z = malloc(nx * ny * sizeof *z);
  if (!lat || !lon || !z) {
    rc = WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate the %zu x %zu topography of '%s'", nx, ny, path);
    goto done;
  }
  char dname[NC_MAX_NAME + 1];
  int cvid;
  nc_inq_dimname(nc, dimids[transposed ? ndims - 1 : ndims - 2], dname);
  NCK(nc_inq_varid(nc, dname, &cvid), "swe.topo_file: '%s': no coordinate variable '%s'", path, dname);
  NCK(nc_get_var_double(nc, cvid, lat), "swe.topo_file: '%s': cannot read '%s'", path, dname);
  nc_inq_dimname(nc, dimids[transposed ? ndims - 2 : ndims - 1], dname);
  NCK(nc_inq_varid(nc, dname, &cvid), "swe.topo_file: '%s': no coordinate variable '%s'", path, dname);
  NCK(nc_get_var_double(nc, cvid, lon), "swe.topo_file: '%s': cannot read '%s'", path, dname);
  NCK(nc_get_var_double(nc, vid, z), "swe.topo_file: '%s': cannot read '%s'", path, var);
  double fill = NC_FILL_DOUBLE, scale = 1.0, offset = 0.0;
  int has_fill = nc_get_att_double(nc, vid, "_FillValue", &fill) == NC_NOERR;
  nc_get_att_double(nc, vid, "scale_factor", &scale);
  nc_get_att_double(nc, vid, "add_offset", &offset);
  for (size_t k = 0; k < nx * ny; k++) {
    double v = (has_fill && z[k] == fill) || !isfinite(z[k]) ? topo_min : z[k] * scale + offset;
    z[k] = v < topo_min ? topo_min : v;
  }
  /* latitude increasing; longitude increasing and wrapped once around the circle */
  const int flip = lat[0] > lat[ny - 1];
  if (flip)
    for (size_t j = 0; j < ny / 2; j++) {
      double t = lat[j]; lat[j] = lat[ny - 1 - j]; lat[ny - 1 - j] = t;
    }
  for (size_t i = 1; i < nx; i++)
    if (!(lon[i] > lon[i - 1])) {
      rc = WHPC_RAISE(WHPC_ERR_INPUT, "swe.topo_file: '%s': longitudes are not increasing", path);
      goto done;
    }
  lon[nx] = lon[0] + 360.0;
  for (long J = 0; J < nlat; J++) {
    const double phi = -90.0 + ((double)J + 0.5) * 180.0 / (double)nlat;
    double wy;
    const long jy = bracket(lat, (long)ny, phi, &wy);
    for (long I = 0; I < nlon; I++) {
      double lam = (double)I * 360.0 / (double)nlon;
      lam = lon[0] + fmod(fmod(lam - lon[0], 360.0) + 360.0, 360.0);
      double wx;
      const long ix = bracket(lon, (long)nx + 1, lam, &wx);
      double v = 0.0;
      for (int b = 0; b < 2; b++)
        for (int a = 0; a < 2; a++) {
          const size_t xi = (size_t)(ix + a) % nx, yj = flip ? ny - 1 - (size_t)(jy + b) : (size_t)(jy + b);
          const double zz = transposed ? z[yj + ny * xi] : z[xi + nx * yj];
          v += (a ? wx : 1.0 - wx) * (b ? wy : 1.0 - wy) * zz;
        }
      out[I + nlon * J] = v;
    }
  }
done:
  if (nc >= 0) nc_close(nc);
  free(lat), free(lon), free(z);
  return rc;
}
