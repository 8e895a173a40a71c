/* rs_tiles.c — gdal2tiles-compatible tile layout, tile files, the zooms below the highest. */
#include "rs_tiles.h"

#include "rs_assemble.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <gdalwarper.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double RS_ORIGIN_SHIFT = M_PI * 6378137.0; /* half the Web Mercator world */

static double rs_res(int z) { return 2 * M_PI * 6378137.0 / RS_TILE / pow(2.0, z); }

/* gdal2tiles GlobalMercator.MetersToTile: ceil(pixel / 256) - 1 */
static void rs_meters_to_tile(double mx, double my, int z, int *tx, int *ty) {
  double px = (mx + RS_ORIGIN_SHIFT) / rs_res(z), py = (my + RS_ORIGIN_SHIFT) / rs_res(z);
  *tx = (int)(ceil(px / RS_TILE) - 1);
  *ty = (int)(ceil(py / RS_TILE) - 1);
}

static char *rs_wkt_3857(void) {
  OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
  OSRImportFromEPSG(s, 3857);
  char *wkt = NULL;
  OSRExportToWkt(s, &wkt);
  OSRDestroySpatialReference(s);
  return wkt;
}

int rs_tiles_setup(GDALDatasetH product, int zmin, int zmax, int xyz, rs_tileset *ts) {
  memset(ts, 0, sizeof *ts);
  WHPC_CHECK(zmin >= 0 && zmax >= zmin && zmax <= RS_TILES_MAXZ, WHPC_ERR_INPUT,
             "tiles.zoom: expected zmin,zmax with 0 <= zmin <= zmax <= %d", RS_TILES_MAXZ);
  ts->zmin = zmin;
  ts->zmax = zmax;
  ts->xyz = xyz;
  /* gdal2tiles' reprojection: AutoCreateWarpedVRT(src, src WKT, EPSG:3857 WKT), nearest, error
   * threshold 0 (the exact transformer); its grid gives the bounds and the base tiles' pixels */
  int has_nd = 0;
  double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(product, 1), &has_nd);
  WHPC_CHECK(GDALGetRasterCount(product) == 1 && GDALGetRasterDataType(GDALGetRasterBand(product, 1)) == GDT_Byte &&
                 has_nd && nd == 0,
             WHPC_ERR_ARG, "tiles: the source must be one byte band with nodata 0");
  char *wkt = rs_wkt_3857();
  const char *swkt = GDALGetProjectionRef(product);
  CPLErrorReset();
  GDALDatasetH v = GDALAutoCreateWarpedVRT(product, swkt, wkt, GRA_NearestNeighbour, 0.0, NULL);
  if (v) {
    GDALGetGeoTransform(v, ts->vgt);
    ts->vnx = GDALGetRasterXSize(v);
    ts->vny = GDALGetRasterYSize(v);
    GDALClose(v);
  }
  char **to = v ? CSLSetNameValue(NULL, "SRC_SRS", swkt) : NULL;
  to = CSLSetNameValue(to, "DST_SRS", wkt);
  CPLFree(wkt);
  ts->tr = v ? GDALCreateGenImgProjTransformer2(product, NULL, to) : NULL;
  CSLDestroy(to);
  WHPC_CHECK(ts->tr, WHPC_ERR_INPUT, "tiles: the product cannot be projected to EPSG:3857: %s", rs_gdal_msg());
  GDALSetGenImgProjTransformerDstGeoTransform(ts->tr, ts->vgt);
  ts->snx = GDALGetRasterXSize(product);
  ts->sny = GDALGetRasterYSize(product);
  /* PROJ inverts latitudes iteratively to ~1e-10 rad (0.6 mm): the exact transform jitters by up
   * to 3e-5 px at 30 m pixels (measured), not smoothly. Allow 1 cm, at least 1e-3 px. */
  double sgt[6], unit = 1;
  GDALGetGeoTransform(product, sgt);
  OGRSpatialReferenceH ss = GDALGetSpatialRef(product);
  if (ss) unit = OSRIsGeographic(ss) ? 111e3 : OSRGetLinearUnits(ss, NULL);
  double pix = fmin(fabs(sgt[1]), fabs(sgt[5])) * unit;
  ts->jitter = pix > 0 ? fmax(1e-3, 0.01 / pix) : 1;
  /* 0, 1, 2, ... along a row and a column of the VRT */
  GDALDriverH mem = GDALGetDriverByName("MEM");
  ts->xmap = GDALCreate(mem, "", ts->vnx, 1, 1, GDT_Int32, NULL);
  ts->ymap = GDALCreate(mem, "", 1, ts->vny, 1, GDT_Int32, NULL);
  int n = ts->vnx > ts->vny ? ts->vnx : ts->vny;
  int *idx = malloc(sizeof(int) * n);
  CPLErr e = ts->xmap && ts->ymap && idx ? CE_None : CE_Failure;
  for (int i = 0; idx && i < n; i++) idx[i] = i;
  if (e == CE_None)
    e = GDALRasterIO(GDALGetRasterBand(ts->xmap, 1), GF_Write, 0, 0, ts->vnx, 1, idx, ts->vnx, 1, GDT_Int32, 0, 0);
  if (e == CE_None)
    e = GDALRasterIO(GDALGetRasterBand(ts->ymap, 1), GF_Write, 0, 0, 1, ts->vny, idx, 1, ts->vny, GDT_Int32, 0, 0);
  free(idx);
  WHPC_CHECK(e == CE_None, WHPC_ERR_MEM, "tiles: out of memory");
  /* bounds as gdal2tiles takes them from its warped VRT (square pixels: gt[1] for both) */
  ts->ominx = ts->vgt[0];
  ts->omaxx = ts->vgt[0] + ts->vnx * ts->vgt[1];
  ts->omaxy = ts->vgt[3];
  ts->ominy = ts->vgt[3] - ts->vny * ts->vgt[1];
  long id = 0;
  for (int z = zmin; z <= zmax; z++) {
    int a, b, c, d, lim = (1 << z) - 1;
    rs_meters_to_tile(ts->ominx, ts->ominy, z, &a, &b);
    rs_meters_to_tile(ts->omaxx, ts->omaxy, z, &c, &d);
    ts->tminx[z] = a < 0 ? 0 : a;
    ts->tminy[z] = b < 0 ? 0 : b;
    ts->tmaxx[z] = c > lim ? lim : c;
    ts->tmaxy[z] = d > lim ? lim : d;
    ts->first[z] = id;
    id += (long)(ts->tmaxx[z] - ts->tminx[z] + 1) * (ts->tmaxy[z] - ts->tminy[z] + 1);
  }
  ts->first[zmax + 1] = id;
  ts->ntiles = id;
  return WHPC_OK;
}

/* The VRT driver writes ScaleRatio/ScaleOffset with 6 digits (292.762 for 292.7620...): put back
 * the doubles gdal_translate computes, so that the byte values equal gdal_translate's GTiff. */
static int rs_vrt_exact_scale(const char *vrt, double scale, double offset) {
  FILE *f = fopen(vrt, "rb");
  if (!f) return -1;
  char *t = NULL;
  long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  if (n > 0 && n < (1 << 24) && fseek(f, 0, SEEK_SET) == 0 && (t = malloc((size_t)n + 1)))
    if (fread(t, 1, (size_t)n, f) != (size_t)n) n = -1;
  fclose(f);
  if (!t || n <= 0) {
    free(t);
    return -1;
  }
  t[n] = 0;
  const char *tag[2] = {"ScaleOffset", "ScaleRatio"};
  double val[2] = {offset, scale};
  char *out = malloc((size_t)n + 128);
  int rc = out ? 0 : -1;
  const char *p = t;
  size_t m = 0;
  for (int k = 0; k < 2 && !rc; k++) { /* the two elements in this order, once each */
    char open[32], close[32];
    snprintf(open, sizeof open, "<%s>", tag[k]);
    snprintf(close, sizeof close, "</%s>", tag[k]);
    const char *a = strstr(p, open), *b = a ? strstr(a, close) : NULL;
    if (!b) {
      rc = -1;
      break;
    }
    a += strlen(open);
    memcpy(out + m, p, (size_t)(a - p));
    m += (size_t)(a - p);
    m += (size_t)snprintf(out + m, 40, "%.17g", val[k]);
    p = b;
  }
  if (!rc) {
    strcpy(out + m, p);
    f = fopen(vrt, "wb");
    if (!f || fputs(out, f) < 0) rc = -1;
    if (f && fclose(f) != 0) rc = -1;
  }
  free(out);
  free(t);
  return rc;
}

int rs_tiles_source_write(const rs_job *job, double lo, double hi, const char *vrt) {
  CPLErrorReset();
  GDALDatasetH p = GDALOpen(job->out_path, GA_ReadOnly);
  WHPC_CHECK(p, WHPC_ERR_IO, "tiles: cannot open '%s': %s", job->out_path, rs_gdal_msg());
  if (!(isfinite(lo) && isfinite(hi) && hi > lo)) { /* what a bare -scale takes: approximate min/max */
    double mm[2] = {0, 0};
    GDALComputeRasterMinMax(GDALGetRasterBand(p, 1), TRUE, mm);
    lo = mm[0];
    hi = mm[1] > mm[0] ? mm[1] : mm[0] + 0.1;
  }
  char **a = rs_byte_scale_args("VRT", lo, hi);
  GDALTranslateOptions *o = GDALTranslateOptionsNew(a, NULL);
  CSLDestroy(a);
  GDALDatasetH out = o ? GDALTranslate(vrt, p, o, NULL) : NULL;
  if (o) GDALTranslateOptionsFree(o);
  if (out) GDALClose(out);
  GDALClose(p);
  WHPC_CHECK(out, WHPC_ERR_IO, "tiles: cannot write '%s': %s", vrt, rs_gdal_msg());
  /* gdal_translate's -scale lo hi 1 255 */
  double scale = (255.0 - 1.0) / (hi - lo), offset = -1 * lo * scale + 1.0;
  WHPC_CHECK(rs_vrt_exact_scale(vrt, scale, offset) == 0, WHPC_ERR_IO, "tiles: cannot rewrite the scale in '%s'",
             vrt);
  return WHPC_OK;
}

void rs_tiles_free(rs_tileset *ts) {
  if (ts->tr) GDALDestroyGenImgProjTransformer(ts->tr);
  if (ts->xmap) GDALClose(ts->xmap);
  if (ts->ymap) GDALClose(ts->ymap);
  free(ts->empty_png);
  rs_tiles_png_free(ts);
  ts->tr = NULL;
  ts->xmap = ts->ymap = NULL;
  ts->empty_png = NULL;
}

/* Tile position of id: zoom, column, TMS row. */
static void rs_tile_of(const rs_tileset *ts, long id, int *z, int *tx, int *ty) {
  int zz = ts->zmin;
  while (zz < ts->zmax && id >= ts->first[zz + 1]) zz++;
  long k = id - ts->first[zz];
  int ncol = ts->tmaxx[zz] - ts->tminx[zz] + 1;
  *z = zz;
  *tx = ts->tminx[zz] + (int)(k % ncol);
  *ty = ts->tminy[zz] + (int)(k / ncol);
}

static int rs_bytes_write(const char *tmp, const char *path, const unsigned char *b, size_t n) {
  FILE *f = fopen(tmp, "wb");
  int ok = f && fwrite(b, 1, n, f) == n;
  if (f && fclose(f) != 0) ok = 0;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot write '%s'", path);
  }
  return WHPC_OK;
}

/* Tile z/tx/ty (TMS row) from its gray and alpha into <dir>/z/x/y.png (.webp): temp + rename. A
 * fully transparent tile has the same bytes every time: encoded once per rank, then copied. */
static int rs_tile_file_write(rs_tileset *ts, const char *dir, int z, int tx, int ty, const unsigned char *gray,
                              const unsigned char *alpha, int empty) {
  char path[4400], tmp[4500];
  int row = ts->xyz ? (1 << z) - 1 - ty : ty;
  snprintf(path, sizeof path, "%s/%d/%d", dir, z, tx);
  if (whpc_mkdir_p(path) != 0) return WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot create '%s'", path);
  snprintf(path, sizeof path, "%s/%d/%d/%d.%s", dir, z, tx, row, ts->webp ? "webp" : "png");
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (empty && ts->empty_png) return rs_bytes_write(tmp, path, ts->empty_png, ts->empty_len);
  if (!ts->webp) {
    unsigned char *png = NULL;
    size_t n = 0;
    WHPC_CALL(rs_tiles_png_encode(ts, gray, alpha, &png, &n));
    if (png) {
      int rc = rs_bytes_write(tmp, path, png, n);
      if (!rc && empty) {
        ts->empty_png = png;
        ts->empty_len = n;
      } else {
        free(png);
      }
      return rc;
    }
  }
  /* GDAL's driver (WebP, or PNG without libdeflate): gray + alpha as gdal2tiles' MEM tile; WebP
   * takes RGB(A) only: gray into R, G, B */
  int nb = ts->webp ? 4 : 2;
  GDALDatasetH img = GDALCreate(GDALGetDriverByName("MEM"), "", RS_TILE, RS_TILE, nb, GDT_Byte, NULL);
  CPLErr e = img ? CE_None : CE_Failure;
  for (int b = 0; b < nb && e == CE_None; b++)
    e = GDALRasterIO(GDALGetRasterBand(img, b + 1), GF_Write, 0, 0, RS_TILE, RS_TILE,
                     (void *)(b == nb - 1 ? alpha : gray), RS_TILE, RS_TILE, GDT_Byte, 0, 0);
  if (e == CE_None) GDALSetRasterColorInterpretation(GDALGetRasterBand(img, nb), GCI_AlphaBand);
  char **co = ts->webp ? CSLSetNameValue(NULL, "LOSSLESS", "TRUE") : NULL;
  CPLErrorReset();
  GDALDatasetH out = e == CE_None
                         ? GDALCreateCopy(GDALGetDriverByName(ts->webp ? "WEBP" : "PNG"), tmp, img, FALSE, co, NULL, NULL)
                         : NULL;
  CSLDestroy(co);
  if (img) GDALClose(img);
  if (out) GDALClose(out);
  if (!out || CPLGetLastErrorType() >= CE_Failure || rename(tmp, path) != 0) {
    unlink(tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot write '%s': %s", path, rs_gdal_msg());
  }
  return WHPC_OK;
}

int rs_tiles_write(rs_tileset *ts, GDALDatasetH src, const char *dir, long id) {
  int z, tx, ty, empty;
  rs_tile_of(ts, id, &z, &tx, &ty);
  unsigned char *buf = malloc(2 * RS_TILE * RS_TILE);
  if (!buf) return WHPC_RAISE(WHPC_ERR_MEM, "tiles: out of memory");
  int rc = rs_tiles_base_render(ts, src, z, tx, ty, buf, buf + RS_TILE * RS_TILE, &empty);
  if (!rc) rc = rs_tile_file_write(ts, dir, z, tx, ty, buf, buf + RS_TILE * RS_TILE, empty);
  free(buf);
  return rc;
}

int rs_tiles_overview_write(rs_tileset *ts, const char *dir, long id) {
  int z, tx, ty;
  rs_tile_of(ts, id, &z, &tx, &ty);
  const char *ext = ts->webp ? "webp" : "png";
  int nb = ts->webp ? 4 : 2; /* gray + alpha, or RGBA for WebP (R = G = B = gray) */
  /* gdal2tiles.py create_overview_tile: the (up to) four children in a 512 x 512 query, nothing
   * where a child is missing, then RegenerateOverview 'average' per band: 2 x 2 sums rounded
   * half up, (sum + 2) >> 2 (equal to GDAL for every sum, checked) */
  enum { Q = 2 * RS_TILE };
  unsigned char *q = calloc(2 * (size_t)Q * Q, 1), *buf = malloc(2 * (size_t)RS_TILE * RS_TILE);
  int rc = q && buf ? WHPC_OK : WHPC_RAISE(WHPC_ERR_MEM, "tiles: out of memory");
  int used = 0;
  char path[4400];
  for (int c = 0; c < 4 && !rc; c++) {
    int cx = 2 * tx + (c & 1), cy = 2 * ty + (c >> 1), zc = z + 1;
    if (cx < ts->tminx[zc] || cx > ts->tmaxx[zc] || cy < ts->tminy[zc] || cy > ts->tmaxy[zc]) continue;
    snprintf(path, sizeof path, "%s/%d/%d/%d.%s", dir, zc, cx, ts->xyz ? (1 << zc) - 1 - cy : cy, ext);
    CPLErrorReset();
    GDALDatasetH child = GDALOpen(path, GA_ReadOnly);
    if (!child) continue; /* gdal2tiles skips a child it did not write */
    if (GDALGetRasterCount(child) != nb)
      rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: '%s' has %d bands, expected %d", path, GDALGetRasterCount(child), nb);
    /* TMS rows grow northwards: an even child row is the lower half of the query */
    int px = (cx % 2) * RS_TILE, py = (cy % 2 == 0) ? RS_TILE : 0;
    int bands[2] = {1, nb};
    CPLErr e = rc ? CE_Failure
                  : GDALDatasetRasterIO(child, GF_Read, 0, 0, RS_TILE, RS_TILE, buf, RS_TILE, RS_TILE, GDT_Byte, 2,
                                        bands, 0, 0, 0);
    GDALClose(child);
    if (!rc && e != CE_None) rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot read '%s': %s", path, rs_gdal_msg());
    for (int b = 0; b < 2 && !rc; b++)
      for (int y = 0; y < RS_TILE; y++)
        memcpy(q + (size_t)b * Q * Q + (size_t)(py + y) * Q + px, buf + ((size_t)b * RS_TILE + y) * RS_TILE, RS_TILE);
    used++;
  }
  int empty = 1;
  for (int b = 0; b < 2 && !rc && used; b++) {
    const unsigned char *s = q + (size_t)b * Q * Q;
    unsigned char *t = buf + (size_t)b * RS_TILE * RS_TILE;
    for (int y = 0; y < RS_TILE; y++)
      for (int x = 0; x < RS_TILE; x++) {
        const unsigned char *p = s + (size_t)2 * y * Q + 2 * x;
        t[y * RS_TILE + x] = (unsigned char)((p[0] + p[1] + p[Q] + p[Q + 1] + 2) >> 2);
        if (b == 1 && t[y * RS_TILE + x]) empty = 0;
      }
  }
  if (!rc && used) rc = rs_tile_file_write(ts, dir, z, tx, ty, buf, buf + RS_TILE * RS_TILE, empty);
  free(q);
  free(buf);
  return rc;
}
