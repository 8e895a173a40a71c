/* rs_io.c — GDAL input stack, halo reads, sparse tiled part files. */
#include "rs_io.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <ctype.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <whpc.h>

void rs_gdal_init(void) {
  /* GDAL 3.6's multi-threaded GTiff reading has known bugs: parallelism comes from ranks. */
  CPLSetConfigOption("GDAL_NUM_THREADS", "1");
  CPLSetConfigOption("GDAL_PAM_ENABLED", "NO"); /* no .aux.xml next to inputs or outputs */
  GDALAllRegister();
  CPLPushErrorHandler(CPLQuietErrorHandler);
}

const char *rs_gdal_msg(void) {
  const char *m = CPLGetLastErrorMsg();
  return m && *m ? m : "no detail from GDAL";
}

static char *rs_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* Split "a.tif, b.tif c.tif" into a NULL-terminated array. */
static int rs_split_list(const char *text, char ***out, int *n) {
  int cap = 4, k = 0;
  char **v = calloc((size_t)cap + 1, sizeof *v);
  if (!v) return 1;
  const char *p = text;
  while (*p) {
    while (*p && (isspace((unsigned char)*p) || *p == ',')) p++;
    if (!*p) break;
    const char *q = p;
    while (*q && !isspace((unsigned char)*q) && *q != ',') q++;
    if (k == cap) {
      char **nv = realloc(v, ((size_t)2 * cap + 1) * sizeof *v);
      if (!nv) return 1;
      v = nv;
      cap *= 2;
    }
    v[k] = malloc((size_t)(q - p) + 1);
    if (!v[k]) return 1;
    memcpy(v[k], p, (size_t)(q - p));
    v[k][q - p] = 0;
    k++;
    p = q;
  }
  v[k] = NULL;
  *out = v;
  *n = k;
  return 0;
}

static int rs_same_gt(const double *a, const double *b) {
  for (int i = 0; i < 6; i++)
    if (fabs(a[i] - b[i]) > 1e-9 * fmax(1.0, fabs(a[i]))) return 0;
  return 1;
}

int rs_input_open(rs_input *in, const char *key, const char *files) {
  memset(in, 0, sizeof *in);
  WHPC_CHECK(rs_split_list(files, &in->files, &in->nfiles) == 0, WHPC_ERR_MEM, "cannot split %s", key);
  WHPC_CHECK(in->nfiles > 0, WHPC_ERR_INPUT, "%s: no input file given (expected one or more rasters)", key);
  WHPC_MALLOC(in->ds, in->nfiles);
  int total = 0;
  for (int f = 0; f < in->nfiles; f++) {
    CPLErrorReset();
    in->ds[f] = GDALOpen(in->files[f], GA_ReadOnly);
    WHPC_CHECK(in->ds[f], WHPC_ERR_INPUT, "%s: cannot open '%s' as a raster: %s", key, in->files[f],
               rs_gdal_msg());
    int nb = GDALGetRasterCount(in->ds[f]);
    WHPC_CHECK(nb > 0, WHPC_ERR_INPUT, "%s: '%s' has no raster band", key, in->files[f]);
    total += nb;
  }
  in->nbands = total;
  WHPC_MALLOC(in->band_file, total);
  WHPC_MALLOC(in->band_index, total);
  WHPC_MALLOC(in->has_nodata, total);
  WHPC_MALLOC(in->type, total);
  WHPC_MALLOC(in->nodata, total);
  in->width = GDALGetRasterXSize(in->ds[0]);
  in->height = GDALGetRasterYSize(in->ds[0]);
  if (GDALGetGeoTransform(in->ds[0], in->gt) != CE_None) {
    /* no georeferencing: pixel grid (GDAL's default transform) */
    double id[6] = {0, 1, 0, 0, 0, 1};
    memcpy(in->gt, id, sizeof id);
  }
  const char *wkt0 = GDALGetProjectionRef(in->ds[0]);
  in->wkt = rs_strdup(wkt0 ? wkt0 : "");
  WHPC_CHECK(in->wkt, WHPC_ERR_MEM, "out of memory");
  OGRSpatialReferenceH srs0 = *in->wkt ? OSRNewSpatialReference(in->wkt) : NULL;
  int k = 0;
  for (int f = 0; f < in->nfiles; f++) {
    GDALDatasetH ds = in->ds[f];
    if (f > 0) {
      double gt[6] = {0, 1, 0, 0, 0, 1};
      GDALGetGeoTransform(ds, gt);
      WHPC_CHECK(GDALGetRasterXSize(ds) == in->width && GDALGetRasterYSize(ds) == in->height &&
                     rs_same_gt(gt, in->gt),
                 WHPC_ERR_INPUT,
                 "%s: '%s' is on another grid (%dx%d, origin %.6f,%.6f, pixel %g x %g) than '%s' "
                 "(%dx%d, origin %.6f,%.6f, pixel %g x %g); inputs must be co-registered",
                 key, in->files[f], GDALGetRasterXSize(ds), GDALGetRasterYSize(ds), gt[0], gt[3], gt[1],
                 gt[5], in->files[0], in->width, in->height, in->gt[0], in->gt[3], in->gt[1], in->gt[5]);
      const char *wkt = GDALGetProjectionRef(ds);
      OGRSpatialReferenceH srs = wkt && *wkt ? OSRNewSpatialReference(wkt) : NULL;
      int same = (!srs && !srs0) || (srs && srs0 && OSRIsSame(srs, srs0));
      const char *n1 = srs ? OSRGetName(srs) : NULL, *n0 = srs0 ? OSRGetName(srs0) : NULL;
      char m1[128], m0[128];
      snprintf(m1, sizeof m1, "%s", n1 ? n1 : "none");
      snprintf(m0, sizeof m0, "%s", n0 ? n0 : "none");
      if (srs) OSRDestroySpatialReference(srs);
      if (!same) {
        if (srs0) OSRDestroySpatialReference(srs0);
        return WHPC_RAISE(WHPC_ERR_INPUT, "%s: '%s' has CRS '%s' but '%s' has '%s'; inputs must share one CRS",
                          key, in->files[f], m1, in->files[0], m0);
      }
    }
    for (int b = 1; b <= GDALGetRasterCount(ds); b++, k++) {
      GDALRasterBandH band = GDALGetRasterBand(ds, b);
      in->band_file[k] = f;
      in->band_index[k] = b;
      in->type[k] = GDALGetRasterDataType(band);
      in->nodata[k] = GDALGetRasterNoDataValue(band, &in->has_nodata[k]);
      if (k == 0) GDALGetBlockSize(band, &in->tile_w, &in->tile_h);
    }
  }
  if (srs0) OSRDestroySpatialReference(srs0);
  return WHPC_OK;
}

void rs_input_close(rs_input *in) {
  for (int f = 0; f < in->nfiles; f++) {
    if (in->ds && in->ds[f]) GDALClose(in->ds[f]);
    free(in->files[f]);
  }
  free(in->files);
  free(in->ds);
  free(in->band_file);
  free(in->band_index);
  free(in->has_nodata);
  free(in->type);
  free(in->nodata);
  free(in->wkt);
  memset(in, 0, sizeof *in);
}

int rs_input_read(rs_input *in, int band, int x0, int y0, int w, int h, double *buf) {
  int cx0 = x0 < 0 ? 0 : x0, cy0 = y0 < 0 ? 0 : y0;
  int cx1 = x0 + w > in->width ? in->width : x0 + w, cy1 = y0 + h > in->height ? in->height : y0 + h;
  if (cx0 != x0 || cy0 != y0 || cx1 != x0 + w || cy1 != y0 + h) /* part of the window is outside */
    for (long i = 0; i < (long)w * h; i++) buf[i] = NAN;
  if (cx1 <= cx0 || cy1 <= cy0) return WHPC_OK;
  GDALRasterBandH b = GDALGetRasterBand(in->ds[in->band_file[band]], in->band_index[band]);
  double *dst = buf + (size_t)(cy0 - y0) * w + (size_t)(cx0 - x0);
  CPLErrorReset();
  CPLErr e = GDALRasterIOEx(b, GF_Read, cx0, cy0, cx1 - cx0, cy1 - cy0, dst, cx1 - cx0, cy1 - cy0,
                            GDT_Float64, (GSpacing)sizeof(double), (GSpacing)w * (GSpacing)sizeof(double), NULL);
  WHPC_CHECK(e == CE_None, WHPC_ERR_INPUT, "input.files: '%s' band %d: reading pixels %d..%d x %d..%d failed "
             "(corrupt or truncated file?): %s", in->files[in->band_file[band]], in->band_index[band], cx0,
             cx1 - 1, cy0, cy1 - 1, rs_gdal_msg());
  if (in->has_nodata[band]) {
    double nd = in->nodata[band];
    for (int i = cy0; i < cy1; i++) {
      double *row = buf + (size_t)(i - y0) * w;
      for (int j = cx0 - x0; j < cx1 - x0; j++)
        if (row[j] == nd || (isnan(nd) && isnan(row[j]))) row[j] = NAN;
    }
  }
  return WHPC_OK;
}

int rs_part_create(const char *path, const rs_raster_desc *d, GDALDatasetH *out) {
  GDALDriverH drv = GDALGetDriverByName("GTiff");
  WHPC_CHECK(drv, WHPC_ERR_IO, "the GDAL GTiff driver is missing");
  char bs[32];
  snprintf(bs, sizeof bs, "%d", d->block);
  char **opt = NULL;
  opt = CSLSetNameValue(opt, "TILED", "YES");
  opt = CSLSetNameValue(opt, "BLOCKXSIZE", bs);
  opt = CSLSetNameValue(opt, "BLOCKYSIZE", bs);
  opt = CSLSetNameValue(opt, "SPARSE_OK", "TRUE"); /* unwritten blocks take no space */
  opt = CSLSetNameValue(opt, "BIGTIFF", "IF_SAFER");
  if (d->nbands > 1) opt = CSLSetNameValue(opt, "INTERLEAVE", "BAND");
  CPLErrorReset();
  *out = GDALCreate(drv, path, d->width, d->height, d->nbands, d->type, opt);
  CSLDestroy(opt);
  WHPC_CHECK(*out, WHPC_ERR_IO, "cannot create part file '%s': %s", path, rs_gdal_msg());
  GDALSetGeoTransform(*out, (double *)d->gt);
  if (d->wkt && *d->wkt) GDALSetProjection(*out, d->wkt);
  for (int b = 1; b <= d->nbands; b++) GDALSetRasterNoDataValue(GDALGetRasterBand(*out, b), d->nodata);
  return WHPC_OK;
}

int rs_part_write(GDALDatasetH ds, const rs_raster_desc *d, int band, int x0, int y0, int w, int h,
                  double *v, void *scratch) {
  long n = (long)w * h;
  for (long i = 0; i < n; i++)
    if (isnan(v[i])) v[i] = d->nodata;
  int sz = GDALGetDataTypeSizeBytes(d->type);
  /* GDAL's own conversion (rounding, clamping), so the stored values are exactly GDAL's */
  GDALCopyWords64(v, GDT_Float64, 8, scratch, d->type, sz, n);
  GDALRasterBandH b = GDALGetRasterBand(ds, band + 1);
  CPLErrorReset();
  CPLErr e = GDALRasterIO(b, GF_Write, x0, y0, w, h, scratch, w, h, d->type, 0, 0);
  WHPC_CHECK(e == CE_None, WHPC_ERR_IO, "writing block at %d,%d of band %d failed: %s", x0, y0, band + 1,
             rs_gdal_msg());
  GDALCopyWords64(scratch, d->type, sz, v, GDT_Float64, 8, n);
  for (long i = 0; i < n; i++)
    if (v[i] == d->nodata) v[i] = NAN;
  return WHPC_OK;
}

int rs_part_close(GDALDatasetH *ds, const char *path) {
  if (!*ds) return WHPC_OK;
  CPLErrorReset();
  GDALClose(*ds); /* void in GDAL 3.6: the error state tells */
  *ds = NULL;
  WHPC_CHECK(CPLGetLastErrorType() < CE_Failure, WHPC_ERR_IO, "closing part file '%s' failed: %s", path, rs_gdal_msg());
  return WHPC_OK;
}
