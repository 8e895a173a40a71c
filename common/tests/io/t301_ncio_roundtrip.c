/* t301_ncio_roundtrip — NetCDF fields written at P ranks read back at Q ranks, value for value.
 *   t301_ncio_roundtrip write DIR   writes DIR/rt2d_npP.nc, rt3d_npP.nc, rt3d_f32_npP.nc (P = ranks)
 *                                   xz_npP.nc (an x-z section, float32 + deflate, for the tools) and
 *                                   rt1d_npP.nc (a 1D column, 3 records, deflate)
 *   t301_ncio_roundtrip read DIR    reads the files of every P in 1..4 on this run's ranks
 * 2D 37 x 23 (time series, float and double, 1D series and a spectrum), 3D 13 x 11 x 7 with
 * deflate, and 3D stored as float32 from double state. Sizes do not divide evenly on purpose
 * (chunks shared by two writers under deflate). */
#include <stdlib.h>
#include <string.h>
#define TEST_NAME "t301"
#include "io_test.h"
#include "whpc_ncio.h"

#define NX2 37
#define NY2 23
#define NX3 13
#define NY3 11
#define NZ3 7
#define NK 12
#define N1 101

static const whpc_nc_var TEMP = {"temp", "K", "air_temperature", "air temperature", "time: point", WHPC_NC_DOUBLE, 1, -9999.0, "lat lon"};
/* Auxiliary 2D coordinates of the projected grid (a field like any other, without time). */
static const whpc_nc_var LAT = {"lat", "degrees_north", "latitude", "latitude", NULL, WHPC_NC_DOUBLE, 0, -9999.0, NULL};
static const whpc_nc_var LON = {"lon", "degrees_east", "longitude", "longitude", NULL, WHPC_NC_DOUBLE, 0, -9999.0, NULL};
static const whpc_nc_var PRECIP = {"precip", "kg m-2 s-1", "precipitation_flux", "precipitation", "time: mean", WHPC_NC_FLOAT, 0, 1e20, NULL};
static const whpc_nc_var MEAN = {"mean_temp", "K", "air_temperature", "domain mean air temperature", "area: mean", WHPC_NC_DOUBLE, 1, -9999.0, NULL};
static const whpc_nc_var KCOORD = {"wavenumber", "m-1", NULL, "horizontal wavenumber", NULL, WHPC_NC_DOUBLE, 0, -1.0, NULL};
static const whpc_nc_var SPEC = {"spectrum", "K2 m", NULL, "temperature variance spectrum", NULL, WHPC_NC_FLOAT, 1, -1.0, NULL};
static const whpc_nc_var THETA = {"theta", "K", "air_potential_temperature", "potential temperature", "time: point", WHPC_NC_DOUBLE, 1, -9999.0, NULL};
static const whpc_nc_var WVEL = {"w", "m s-1", "upward_air_velocity", "vertical velocity", NULL, WHPC_NC_FLOAT, 0, -9999.0, NULL};

static const whpc_nc_var THETA_XZ = {"theta", "K", "air_potential_temperature", "potential temperature", NULL, WHPC_NC_DOUBLE, 0, -9999.0, NULL};

static double spec_value(int k, int rec) { return 1.0 / (1.0 + k + rec) + 1e-7 * k; }

static int write2d(whpc_decomp_t g, const char *path) {
  double xc[NX2], xb[2 * NX2], yc[NY2], wk[NK], spec[NK], *u;
  for (int i = 0; i < NX2; i++) xc[i] = 100.0 * i + 50, xb[2 * i] = 100.0 * i, xb[2 * i + 1] = 100.0 * (i + 1);
  for (int j = 0; j < NY2; j++) yc[j] = 100.0 * j + 50;
  for (int k = 0; k < NK; k++) wk[k] = 2 * M_PI * k / (NX2 * 100.0);
  const whpc_nc_axis axes[2] = {
      {"x", "m", "projection_x_coordinate", "x of cell centre", "X", NULL, xc, xb},
      {"y", "m", "projection_y_coordinate", "y of cell centre", "Y", NULL, yc, NULL}};
  const whpc_nc_opts opts = {"whpc I/O round trip (2D)", NULL, "docs/io.md", 0, 1, 0};
  whpc_ncfile_t f;
  int vt, vp, vm, vk, vs, vlat, vlon;
  WHPC_CALL(whpc_ncio_create(g, path, &opts, axes, &f));
  WHPC_CALL(whpc_ncio_def_time(f, "seconds since 2000-01-01 00:00:00", "standard"));
  WHPC_CALL(whpc_ncio_def_var(f, &LAT, &vlat));
  WHPC_CALL(whpc_ncio_def_var(f, &LON, &vlon));
  WHPC_CALL(whpc_ncio_def_var(f, &TEMP, &vt));
  WHPC_CALL(whpc_ncio_def_var(f, &PRECIP, &vp));
  WHPC_CALL(whpc_ncio_def_var1d(f, &MEAN, NULL, 0, &vm));
  WHPC_CALL(whpc_ncio_def_var1d(f, &KCOORD, "wavenumber", NK, &vk));
  WHPC_CALL(whpc_ncio_def_var1d(f, &SPEC, "wavenumber", NK, &vs));
  WHPC_CALL(whpc_ncio_put_att_double(f, "test_grid_spacing", 100.0));
  WHPC_CALL(whpc_ncio_enddef(f));
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  for (int rec = 0; rec < 2; rec++) {
    long ti;
    double mean = 273.15 + rec;
    WHPC_CALL(whpc_ncio_append_time(f, 3600.0 * rec, &ti));
    io_fill(g, u, 0, rec);
    WHPC_CALL(whpc_ncio_write(f, vt, ti, u));
    WHPC_CALL(whpc_ncio_write1d(f, vm, ti, &mean));
    for (int k = 0; k < NK; k++) spec[k] = spec_value(k, rec);
    WHPC_CALL(whpc_ncio_write1d(f, vs, ti, spec));
  }
  io_fill(g, u, 1, 0);
  WHPC_CALL(whpc_ncio_write(f, vp, 0, u));
  { /* a small rotated lat/lon patch */
    whpc_layout lay;
    whpc_box own;
    whpc_decomp_layout(g, &lay);
    whpc_decomp_owned(g, &own);
    double *lon = malloc(whpc_decomp_ghosted_count(g) * sizeof *lon);
    WHPC_CHECK(lon, WHPC_ERR_MEM, "lon");
    for (long j = own.lo[1]; j < own.hi[1]; j++)
      for (long i = own.lo[0]; i < own.hi[0]; i++) {
        size_t c = whpc_layout_index(&lay, i - own.lo[0], j - own.lo[1], 0);
        u[c] = 46.0 + 0.0009 * yc[j] + 0.0001 * xc[i] * 0.01;
        lon[c] = 7.0 + 0.0013 * xc[i] * 0.01 - 0.0002 * yc[j] * 0.01;
      }
    WHPC_CALL(whpc_ncio_write(f, vlat, 0, u));
    WHPC_CALL(whpc_ncio_write(f, vlon, 0, lon));
    free(lon);
  }
  WHPC_CALL(whpc_ncio_write1d(f, vk, 0, wk));
  free(u);
  return whpc_ncio_close(&f);
}

static int write3d(whpc_decomp_t g, const char *path, int deflate, int float32) {
  double lon[NX3], lat[NY3], z[NZ3], *u;
  for (int i = 0; i < NX3; i++) lon[i] = 5.0 + 0.25 * i;
  for (int j = 0; j < NY3; j++) lat[j] = 45.0 + 0.25 * j;
  for (int k = 0; k < NZ3; k++) z[k] = 250.0 + 500.0 * k;
  const whpc_nc_axis axes[3] = {
      {"lon", "degrees_east", "longitude", "longitude", "X", NULL, lon, NULL},
      {"lat", "degrees_north", "latitude", "latitude", "Y", NULL, lat, NULL},
      {"z", "m", "altitude", "height above mean sea level", "Z", "up", z, NULL}};
  const whpc_nc_opts opts = {"whpc I/O round trip (3D)", "whpc test suite", NULL, deflate, 1, float32};
  whpc_ncfile_t f;
  int vt, vw;
  long ti;
  WHPC_CALL(whpc_ncio_create(g, path, &opts, axes, &f));
  WHPC_CALL(whpc_ncio_def_time(f, "hours since 2026-01-01 00:00:00", NULL));
  WHPC_CALL(whpc_ncio_def_var(f, &THETA, &vt));
  WHPC_CALL(whpc_ncio_def_var(f, &WVEL, &vw));
  WHPC_CALL(whpc_ncio_enddef(f));
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  WHPC_CALL(whpc_ncio_append_time(f, 6.0, &ti));
  io_fill(g, u, 2, 0);
  WHPC_CALL(whpc_ncio_write(f, vt, ti, u));
  io_fill(g, u, 3, 0);
  WHPC_CALL(whpc_ncio_write(f, vw, 0, u));
  free(u);
  return whpc_ncio_close(&f);
}

/* An x-z section (vertical axis Z as decomposition dim 1): the case GDAL 3.6 warns about. */
static int write_xz(whpc_decomp_t g, const char *path) {
  double xc[NX2], zc[NY2], *u;
  for (int i = 0; i < NX2; i++) xc[i] = 1000.0 * i;
  for (int k = 0; k < NY2; k++) zc[k] = 50.0 + 100.0 * k;
  const whpc_nc_axis axes[2] = {
      {"x", "m", "projection_x_coordinate", "x of cell centre", "X", NULL, xc, NULL},
      {"z", "m", "altitude", "height above mean sea level", "Z", "up", zc, NULL}};
  const whpc_nc_opts opts = {"whpc I/O x-z section", NULL, NULL, 1, 1, 1};
  whpc_ncfile_t f;
  int vt;
  WHPC_CALL(whpc_ncio_create(g, path, &opts, axes, &f));
  WHPC_CALL(whpc_ncio_def_var(f, &THETA_XZ, &vt));
  WHPC_CALL(whpc_ncio_enddef(f));
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  io_fill(g, u, 4, 0);
  WHPC_CALL(whpc_ncio_write(f, vt, 0, u));
  free(u);
  return whpc_ncio_close(&f);
}

/* A 1D profile along a decomposed column (101 cells, time series of 3 records). */
static int write1d(whpc_decomp_t g, const char *path) {
  double zc[N1], *u;
  for (int k = 0; k < N1; k++) zc[k] = 10.0 * k;
  const whpc_nc_axis axes[1] = {{"z", "m", "depth", "depth below the surface", "Z", "down", zc, NULL}};
  const whpc_nc_opts opts = {"whpc I/O round trip (1D)", NULL, NULL, 2, 1, 0};
  const whpc_nc_var v = {"temp", "K", "sea_water_temperature", "sea water temperature", NULL, WHPC_NC_DOUBLE, 1, -9999.0, NULL};
  whpc_ncfile_t f;
  int vid;
  WHPC_CALL(whpc_ncio_create(g, path, &opts, axes, &f));
  WHPC_CALL(whpc_ncio_def_time(f, "days since 2026-01-01", "noleap"));
  WHPC_CALL(whpc_ncio_def_var(f, &v, &vid));
  WHPC_CALL(whpc_ncio_enddef(f));
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  for (int rec = 0; rec < 3; rec++) {
    long ti;
    WHPC_CALL(whpc_ncio_append_time(f, rec, &ti));
    io_fill(g, u, 5, rec);
    WHPC_CALL(whpc_ncio_write(f, vid, ti, u));
  }
  free(u);
  return whpc_ncio_close(&f);
}

static int read1d(whpc_decomp_t g, const char *path) {
  whpc_ncfile_t f;
  int vid;
  long nt;
  double *u;
  WHPC_CALL(whpc_ncio_open(g, path, &f));
  WHPC_CALL(whpc_ncio_ntimes(f, &nt));
  EXPECT(nt == 3, "%s: %ld records", path, nt);
  WHPC_CALL(whpc_ncio_inq_var(f, "temp", &vid));
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  for (int rec = 0; rec < 3; rec++) {
    WHPC_CALL(whpc_ncio_read(f, vid, rec, u));
    EXPECT(io_compare(g, u, 5, rec, 0) == 0, "%s: temp record %d differs", path, rec);
  }
  free(u);
  return whpc_ncio_close(&f);
}

static int read2d(whpc_decomp_t g, const char *path) {
  whpc_ncfile_t f;
  int vt, vp, vm, vk, vs;
  long nt, len;
  double *u, spec[NK], mean;
  WHPC_CALL(whpc_ncio_open(g, path, &f));
  WHPC_CALL(whpc_ncio_ntimes(f, &nt));
  EXPECT(nt == 2, "%s: %ld records", path, nt);
  WHPC_CALL(whpc_ncio_inq_var(f, "temp", &vt));
  WHPC_CALL(whpc_ncio_inq_var(f, "precip", &vp));
  WHPC_CALL(whpc_ncio_inq_var(f, "mean_temp", &vm));
  WHPC_CALL(whpc_ncio_inq_var(f, "wavenumber", &vk));
  WHPC_CALL(whpc_ncio_inq_var(f, "spectrum", &vs));
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  for (int rec = 0; rec < 2; rec++) {
    for (size_t c = 0; c < whpc_decomp_ghosted_count(g); c++) u[c] = NAN;
    WHPC_CALL(whpc_ncio_read(f, vt, rec == 1 ? -1 : 0, u));
    EXPECT(io_compare(g, u, 0, rec, 0) == 0, "%s: temp record %d differs", path, rec);
    WHPC_CALL(whpc_ncio_read1d(f, vm, rec, &mean));
    EXPECT(mean == 273.15 + rec, "%s: mean_temp[%d] = %.17g", path, rec, mean);
    WHPC_CALL(whpc_ncio_read1d(f, vs, rec, spec));
    for (int k = 0; k < NK; k++)
      EXPECT(spec[k] == (double)(float)spec_value(k, rec), "%s: spectrum[%d][%d]", path, rec, k);
  }
  WHPC_CALL(whpc_ncio_read(f, vp, 0, u));
  EXPECT(io_compare(g, u, 1, 0, 1) == 0, "%s: precip (float) differs", path);
  WHPC_CALL(whpc_ncio_inq_len1d(f, vk, &len));
  EXPECT(len == NK, "%s: wavenumber length %ld", path, len);
  free(u);
  return whpc_ncio_close(&f);
}

static int read3d(whpc_decomp_t g, const char *path, int float32) {
  whpc_ncfile_t f;
  int vt, vw;
  double *u;
  WHPC_CALL(whpc_ncio_open(g, path, &f));
  WHPC_CALL(whpc_ncio_inq_var(f, "theta", &vt));
  WHPC_CALL(whpc_ncio_inq_var(f, "w", &vw));
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  for (size_t c = 0; c < whpc_decomp_ghosted_count(g); c++) u[c] = NAN;
  WHPC_CALL(whpc_ncio_read(f, vt, 0, u));
  EXPECT(io_compare(g, u, 2, 0, float32) == 0, "%s: theta differs", path);
  WHPC_CALL(whpc_ncio_read(f, vw, 0, u));
  EXPECT(io_compare(g, u, 3, 0, 1) == 0, "%s: w differs", path);
  free(u);
  return whpc_ncio_close(&f);
}

static int run(whpc_ctx_t ctx, int writing, const char *dir) {
  /* Readers use other ghost widths than writers: only owned cells travel. */
  whpc_decomp_desc d1 = {1, {N1, 1, 1}, {0, 0, 0}, {0, 0, 0}, writing ? 3 : 0, "t301 1D"};
  whpc_decomp_desc d2 = {2, {NX2, NY2, 1}, {0, 0, 0}, {0, 0, 0}, writing ? 2 : 1, "t301 2D"};
  whpc_decomp_desc d3 = {3, {NX3, NY3, NZ3}, {0, 0, 0}, {0, 0, 0}, writing ? 1 : 2, "t301 3D"};
  whpc_decomp_t g1, g2, g3;
  char path[4096];
  WHPC_CALL(whpc_decomp_create(ctx, &d1, &g1));
  WHPC_CALL(whpc_decomp_create(ctx, &d2, &g2));
  WHPC_CALL(whpc_decomp_create(ctx, &d3, &g3));
  if (writing) {
    int p = whpc_size(ctx);
    if (whpc_rank(ctx) == 0) WHPC_CALL(whpc_mkdir_p(dir));
    MPI_Barrier(whpc_comm(ctx));
    snprintf(path, sizeof path, "%s/rt2d_np%d.nc", dir, p);
    WHPC_CALL(write2d(g2, path));
    snprintf(path, sizeof path, "%s/rt3d_np%d.nc", dir, p);
    WHPC_CALL(write3d(g3, path, 4, 0));
    snprintf(path, sizeof path, "%s/xz_np%d.nc", dir, p);
    WHPC_CALL(write_xz(g2, path));
    snprintf(path, sizeof path, "%s/rt1d_np%d.nc", dir, p);
    WHPC_CALL(write1d(g1, path));
    snprintf(path, sizeof path, "%s/rt3d_f32_np%d.nc", dir, p);
    WHPC_CALL(write3d(g3, path, 0, 1));
  } else {
    for (int p = 1; p <= 4; p++) {
      snprintf(path, sizeof path, "%s/rt2d_np%d.nc", dir, p);
      WHPC_CALL(read2d(g2, path));
      snprintf(path, sizeof path, "%s/rt3d_np%d.nc", dir, p);
      WHPC_CALL(read3d(g3, path, 0));
      snprintf(path, sizeof path, "%s/rt3d_f32_np%d.nc", dir, p);
      WHPC_CALL(read3d(g3, path, 1));
      snprintf(path, sizeof path, "%s/rt1d_np%d.nc", dir, p);
      WHPC_CALL(read1d(g1, path));
    }
  }
  WHPC_CALL(whpc_decomp_destroy(&g3));
  WHPC_CALL(whpc_decomp_destroy(&g2));
  WHPC_CALL(whpc_decomp_destroy(&g1));
  return WHPC_OK;
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {.name = "t301_ncio", .summary = "NetCDF round trip"};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  if (argc != 3 || (strcmp(argv[1], "write") && strcmp(argv[1], "read"))) {
    if (whpc_rank(ctx) == 0) fprintf(stderr, "usage: t301_ncio_roundtrip write|read DIR\n");
    WHPC_MAIN(comm, WHPC_RAISE(WHPC_ERR_INPUT, "bad arguments"));
  }
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, whpc_ncio_keys, whpc_ncio_nkeys));
  WHPC_MAIN(comm, whpc_config_load_text(ctx, "t301", "", 0, NULL));
  WHPC_MAIN(comm, run(ctx, argv[1][0] == 'w', argv[2]));
  int bad = test_failures_total(comm);
  if (whpc_rank(ctx) == 0) printf("t301 %s at %d ranks: %s\n", argv[1], whpc_size(ctx), bad ? "FAILED" : "ok");
  whpc_finalize(&ctx);
  return bad ? 1 : 0;
}
