/* rs_io.c — GDAL input stack, halo reads, the tile file every rank writes in place. */
#include "rs_io.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
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
  if (in->has_nodata[band] && !isnan(in->nodata[band])) { /* a NaN nodata is NaN already */
    double nd = in->nodata[band];
    for (int i = cy0; i < cy1; i++) {
      double *row = buf + (size_t)(i - y0) * w;
      for (int j = cx0 - x0; j < cx1 - x0; j++) row[j] = row[j] == nd ? NAN : row[j]; /* branch-free: SIMD */
    }
  }
  return WHPC_OK;
}

void rs_input_open_direct(const rs_input *in, GDALDatasetH *ds) {
  CPLSetThreadLocalConfigOption("GTIFF_DIRECT_IO", "YES");
  for (int f = 0; f < in->nfiles; f++) ds[f] = GDALOpen(in->files[f], GA_ReadOnly);
  CPLSetThreadLocalConfigOption("GTIFF_DIRECT_IO", NULL);
}

int rs_input_read_f32(rs_input *in, GDALDatasetH *direct, int band, int x0, int y0, int w, int h, float *buf) {
  WHPC_CHECK(x0 >= 0 && y0 >= 0 && x0 + w <= in->width && y0 + h <= in->height, WHPC_ERR_INPUT,
             "internal: window %d,%d %dx%d outside the input", x0, y0, w, h);
  int f = in->band_file[band];
  GDALDatasetH ds = direct && direct[f] ? direct[f] : in->ds[f];
  GDALRasterBandH b = GDALGetRasterBand(ds, in->band_index[band]);
  CPLErrorReset();
  CPLErr e = GDALRasterIOEx(b, GF_Read, x0, y0, w, h, buf, w, h, GDT_Float32, (GSpacing)sizeof(float),
                            (GSpacing)w * (GSpacing)sizeof(float), NULL);
  if (e != CE_None && ds != in->ds[f]) { /* again through the block cache: GDAL's usual message */
    CPLErrorReset();
    e = GDALRasterIOEx(GDALGetRasterBand(in->ds[f], in->band_index[band]), GF_Read, x0, y0, w, h, buf, w, h,
                       GDT_Float32, (GSpacing)sizeof(float), (GSpacing)w * (GSpacing)sizeof(float), NULL);
  }
  WHPC_CHECK(e == CE_None, WHPC_ERR_INPUT, "input.files: '%s' band %d: reading pixels %d..%d x %d..%d failed "
             "(corrupt or truncated file?): %s", in->files[in->band_file[band]], in->band_index[band], x0,
             x0 + w - 1, y0, y0 + h - 1, rs_gdal_msg());
  return WHPC_OK;
}

int rs_tilefile_create(const char *path, const rs_raster_desc *d) {
  GDALDriverH drv = GDALGetDriverByName("GTiff");
  WHPC_CHECK(drv, WHPC_ERR_IO, "the GDAL GTiff driver is missing");
  char bs[32];
  snprintf(bs, sizeof bs, "%d", d->block);
  char **opt = NULL;
  opt = CSLSetNameValue(opt, "TILED", "YES");
  opt = CSLSetNameValue(opt, "BLOCKXSIZE", bs);
  opt = CSLSetNameValue(opt, "BLOCKYSIZE", bs);
  opt = CSLSetNameValue(opt, "COMPRESS", "NONE");
  opt = CSLSetNameValue(opt, "BIGTIFF", "IF_SAFER");
  opt = CSLSetNameValue(opt, "INTERLEAVE", "BAND");
  /* No nodata yet: GDAL then places the never-written tiles of an uncompressed file by extending
   * the file (a hole, no bytes written) instead of filling them with the nodata value. */
  CPLErrorReset();
  GDALDatasetH ds = GDALCreate(drv, path, d->width, d->height, d->nbands, d->type, opt);
  CSLDestroy(opt);
  WHPC_CHECK(ds, WHPC_ERR_IO, "cannot create '%s': %s", path, rs_gdal_msg());
  GDALSetGeoTransform(ds, (double *)d->gt);
  if (d->wkt && *d->wkt) GDALSetProjection(ds, d->wkt);
  GDALClose(ds); /* void in GDAL 3.6: the error state tells */
  WHPC_CHECK(CPLGetLastErrorType() < CE_Failure, WHPC_ERR_IO, "writing '%s' failed: %s", path, rs_gdal_msg());
  ds = GDALOpen(path, GA_Update); /* the nodata tag only rewrites the directory: tiles stay put */
  WHPC_CHECK(ds, WHPC_ERR_IO, "cannot reopen '%s': %s", path, rs_gdal_msg());
  for (int b = 1; b <= d->nbands; b++) GDALSetRasterNoDataValue(GDALGetRasterBand(ds, b), d->nodata);
  GDALClose(ds);
  WHPC_CHECK(CPLGetLastErrorType() < CE_Failure, WHPC_ERR_IO, "writing '%s' failed: %s", path, rs_gdal_msg());
  return WHPC_OK;
}

int rs_tilefile_offsets(const char *path, const rs_raster_desc *d, int nbx, int nby, long long *off) {
  /* the bytes go in as they are in memory: a little-endian file on a little-endian host */
  const unsigned int one = 1;
  unsigned char magic[2] = {0, 0};
  FILE *f = fopen(path, "rb");
  size_t got = f ? fread(magic, 1, 2, f) : 0;
  if (f) fclose(f);
  WHPC_CHECK(got == 2 && magic[0] == 'I' && magic[1] == 'I' && *(const unsigned char *)&one == 1, WHPC_ERR_IO,
             "'%s': expected a little-endian TIFF on a little-endian host", path);
  CPLErrorReset();
  GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
  WHPC_CHECK(ds, WHPC_ERR_IO, "cannot open '%s': %s", path, rs_gdal_msg());
  long long tile = (long long)d->block * d->block * GDALGetDataTypeSizeBytes(d->type);
  int rc = WHPC_OK;
  for (int by = 0; by < nby && !rc; by++)
    for (int bx = 0; bx < nbx && !rc; bx++)
      for (int k = 0; k < d->nbands && !rc; k++) {
        GDALRasterBandH band = GDALGetRasterBand(ds, k + 1);
        char key[64];
        snprintf(key, sizeof key, "BLOCK_OFFSET_%d_%d", bx, by);
        const char *o = GDALGetMetadataItem(band, key, "TIFF");
        snprintf(key, sizeof key, "BLOCK_SIZE_%d_%d", bx, by);
        const char *n = GDALGetMetadataItem(band, key, "TIFF");
        long long *dst = off + ((size_t)by * nbx + bx) * d->nbands + k;
        *dst = o ? atoll(o) : 0;
        if (!o || !n || *dst <= 0 || atoll(n) != tile)
          rc = WHPC_RAISE(WHPC_ERR_IO, "'%s': tile %d,%d of band %d has no fixed place of %lld bytes", path, bx, by,
                          k + 1, tile);
      }
  GDALClose(ds);
  return rc;
}

int rs_tilefile_write_typed(int fd, const char *path, const rs_raster_desc *d, long long off, int w, int h,
                            const void *v, void *tile) {
  int sz = GDALGetDataTypeSizeBytes(d->type);
  size_t row = (size_t)w * sz, full = (size_t)d->block * sz, bytes = full * d->block;
  const char *src = v;
  if (w != d->block || h != d->block) { /* an edge block: a whole tile, padded with zeros (never read back) */
    memset(tile, 0, bytes);
    for (int i = 0; i < h; i++) memcpy((char *)tile + i * full, (const char *)v + i * row, row);
    src = tile;
  }
  for (size_t done = 0; done < bytes;) {
    ssize_t k = pwrite(fd, src + done, bytes - done, (off_t)(off + (long long)done));
    if (k < 0 && errno == EINTR) continue;
    WHPC_CHECK(k > 0, WHPC_ERR_IO, "writing '%s' failed: %s", path, k < 0 ? strerror(errno) : "short write");
    done += (size_t)k;
  }
  return WHPC_OK;
}

int rs_tilefile_write(int fd, const char *path, const rs_raster_desc *d, long long off, int w, int h, double *v,
                      void *scratch, void *tile, int stored) {
  long n = (long)w * h;
  for (long i = 0; i < n; i++)
    if (isnan(v[i])) v[i] = d->nodata;
  int sz = GDALGetDataTypeSizeBytes(d->type);
  /* GDAL's own conversion (rounding, clamping), so the stored values are exactly GDAL's */
  GDALCopyWords64(v, GDT_Float64, 8, scratch, d->type, sz, n);
  WHPC_CALL(rs_tilefile_write_typed(fd, path, d, off, w, h, scratch, tile));
  if (stored) rs_tile_stored_values(d, scratch, n, v); /* else nobody looks at them (no statistics) */
  return WHPC_OK;
}

void rs_tile_stored_values(const rs_raster_desc *d, const void *typed, long n, double *v) {
  GDALCopyWords64(typed, d->type, GDALGetDataTypeSizeBytes(d->type), v, GDT_Float64, 8, n);
  for (long i = 0; i < n; i++)
    if (v[i] == d->nodata) v[i] = NAN;
}
