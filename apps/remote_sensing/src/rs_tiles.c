/* rs_tiles.c — gdal2tiles-compatible tile layout, per-tile warping. */
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

#define RS_TILE 256
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
  char *wkt = rs_wkt_3857();
  char **to = CSLSetNameValue(NULL, "DST_SRS", wkt);
  CPLFree(wkt);
  void *tr = GDALCreateGenImgProjTransformer2(product, NULL, to);
  CSLDestroy(to);
  WHPC_CHECK(tr, WHPC_ERR_INPUT, "tiles: the product cannot be projected to EPSG:3857: %s", rs_gdal_msg());
  double gt[6], ext[4];
  int nx, ny;
  CPLErr e = GDALSuggestedWarpOutput2(product, GDALGenImgProjTransform, tr, gt, &nx, &ny, ext, 0);
  if (e != CE_None) GDALDestroyGenImgProjTransformer(tr);
  WHPC_CHECK(e == CE_None, WHPC_ERR_INPUT, "tiles: no EPSG:3857 extent for the product: %s", rs_gdal_msg());
  /* kept for every tile of this rank: a transformer per tile (what GDALWarp() builds) cost more
   * than the warp itself; gdalwarp's default error threshold, 0.125 px */
  ts->tr = tr;
  ts->approx = GDALCreateApproxTransformer(GDALGenImgProjTransform, tr, 0.125);
  /* bounds as gdal2tiles takes them from its warped VRT */
  ts->ominx = gt[0];
  ts->omaxx = gt[0] + nx * gt[1];
  ts->omaxy = gt[3];
  ts->ominy = gt[3] - ny * gt[1];
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

int rs_tiles_source_write(const rs_job *job, double lo, double hi, const char *vrt) {
  CPLErrorReset();
  GDALDatasetH p = GDALOpen(job->out_path, GA_ReadOnly);
  WHPC_CHECK(p, WHPC_ERR_IO, "tiles: cannot open '%s': %s", job->out_path, rs_gdal_msg());
  char **a = rs_byte_scale_args("VRT", lo, hi);
  GDALTranslateOptions *o = GDALTranslateOptionsNew(a, NULL);
  CSLDestroy(a);
  GDALDatasetH out = o ? GDALTranslate(vrt, p, o, NULL) : NULL;
  if (o) GDALTranslateOptionsFree(o);
  if (out) GDALClose(out);
  GDALClose(p);
  WHPC_CHECK(out, WHPC_ERR_IO, "tiles: cannot write '%s': %s", vrt, rs_gdal_msg());
  return WHPC_OK;
}

void rs_tiles_free(rs_tileset *ts) {
  if (ts->approx) GDALDestroyApproxTransformer(ts->approx);
  if (ts->tr) GDALDestroyGenImgProjTransformer(ts->tr);
  ts->approx = ts->tr = NULL;
}

int rs_tiles_write(rs_tileset *ts, GDALDatasetH src, const char *dir, long id) {
  int z = ts->zmin;
  while (z < ts->zmax && id >= ts->first[z + 1]) z++;
  long k = id - ts->first[z];
  int ncol = ts->tmaxx[z] - ts->tminx[z] + 1;
  int tx = ts->tminx[z] + (int)(k % ncol), ty = ts->tminy[z] + (int)(k / ncol);
  int row = ts->xyz ? (1 << z) - 1 - ty : ty;
  double res = rs_res(z);
  double gt[6] = {tx * RS_TILE * res - RS_ORIGIN_SHIFT, res, 0, (ty + 1) * RS_TILE * res - RS_ORIGIN_SHIFT, 0, -res};
  GDALDatasetH mem = GDALCreate(GDALGetDriverByName("MEM"), "", RS_TILE, RS_TILE, 2, GDT_Byte, NULL);
  WHPC_CHECK(mem, WHPC_ERR_MEM, "tiles: cannot create a tile buffer");
  char *wkt = rs_wkt_3857();
  GDALSetProjection(mem, wkt);
  CPLFree(wkt);
  GDALSetGeoTransform(mem, gt);
  GDALSetRasterColorInterpretation(GDALGetRasterBand(mem, 2), GCI_AlphaBand);
  GDALSetGenImgProjTransformerDstGeoTransform(ts->tr, gt);
  GDALWarpOptions *o = GDALCreateWarpOptions();
  o->hSrcDS = src;
  o->hDstDS = mem;
  o->nBandCount = 1;
  o->panSrcBands = CPLMalloc(sizeof(int));
  o->panDstBands = CPLMalloc(sizeof(int));
  o->panSrcBands[0] = o->panDstBands[0] = 1;
  o->nDstAlphaBand = 2; /* gdalwarp -dstalpha */
  int has_nd = 0;
  double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(src, 1), &has_nd);
  if (has_nd) { /* the byte source's nodata (0) is transparent */
    o->padfSrcNoDataReal = CPLMalloc(sizeof(double));
    o->padfSrcNoDataImag = CPLCalloc(1, sizeof(double));
    o->padfSrcNoDataReal[0] = nd;
  }
  o->eResampleAlg = GRA_Bilinear;
  o->pfnTransformer = GDALApproxTransform;
  o->pTransformerArg = ts->approx;
  o->papszWarpOptions = CSLSetNameValue(o->papszWarpOptions, "INIT_DEST", "0");
  CPLErrorReset();
  GDALWarpOperationH op = GDALCreateWarpOperation(o);
  CPLErr we = op ? GDALChunkAndWarpImage(op, 0, 0, RS_TILE, RS_TILE) : CE_Failure;
  if (op) GDALDestroyWarpOperation(op);
  o->pTransformerArg = NULL; /* ours, reused */
  GDALDestroyWarpOptions(o);
  void *r = we == CE_None ? mem : NULL;
  int rc = WHPC_OK;
  if (!r) rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: warping tile %d/%d/%d failed: %s", z, tx, row, rs_gdal_msg());
  char path[4400], tmp[4500];
  if (!rc) {
    snprintf(path, sizeof path, "%s/%d/%d", dir, z, tx);
    if (whpc_mkdir_p(path) != 0) rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot create '%s'", path);
  }
  if (!rc) {
    snprintf(path, sizeof path, "%s/%d/%d/%d.%s", dir, z, tx, row, ts->webp ? "webp" : "png");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    char **co = ts->webp ? CSLSetNameValue(NULL, "LOSSLESS", "TRUE") : NULL;
    GDALDatasetH img = mem;
    if (ts->webp) { /* WebP takes RGB(A) only: gray into R, G, B */
      unsigned char buf[2][RS_TILE * RS_TILE];
      img = GDALCreate(GDALGetDriverByName("MEM"), "", RS_TILE, RS_TILE, 4, GDT_Byte, NULL);
      CPLErr e = CE_None;
      for (int b = 0; img && b < 2 && e == CE_None; b++)
        e = GDALRasterIO(GDALGetRasterBand(mem, b + 1), GF_Read, 0, 0, RS_TILE, RS_TILE, buf[b], RS_TILE, RS_TILE,
                         GDT_Byte, 0, 0);
      for (int b = 0; img && b < 4 && e == CE_None; b++)
        e = GDALRasterIO(GDALGetRasterBand(img, b + 1), GF_Write, 0, 0, RS_TILE, RS_TILE, buf[b == 3], RS_TILE,
                         RS_TILE, GDT_Byte, 0, 0);
      if (img && e != CE_None) {
        GDALClose(img);
        img = NULL;
      }
      if (img) GDALSetRasterColorInterpretation(GDALGetRasterBand(img, 4), GCI_AlphaBand);
    }
    GDALDatasetH png =
        img ? GDALCreateCopy(GDALGetDriverByName(ts->webp ? "WEBP" : "PNG"), tmp, img, FALSE, co, NULL, NULL) : NULL;
    if (img && img != mem) GDALClose(img);
    CSLDestroy(co);
    if (png) GDALClose(png);
    if (!png || rename(tmp, path) != 0) {
      unlink(tmp);
      rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot write '%s': %s", path, rs_gdal_msg());
    }
  }
  GDALClose(mem);
  return rc;
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

int rs_tiles_overview_write(const rs_tileset *ts, const char *dir, long id) {
  int z, tx, ty;
  rs_tile_of(ts, id, &z, &tx, &ty);
  const char *ext = ts->webp ? "webp" : "png";
  int nb = ts->webp ? 4 : 2; /* gray + alpha, or RGBA for WebP */
  GDALDriverH mem = GDALGetDriverByName("MEM");
  /* gdal2tiles.py create_overview_tile: the (up to) four children in a 512 x 512 query, nothing
   * where a child is missing, then RegenerateOverview 'average' per band into the tile */
  GDALDatasetH q = GDALCreate(mem, "", 2 * RS_TILE, 2 * RS_TILE, nb, GDT_Byte, NULL);
  GDALDatasetH t = GDALCreate(mem, "", RS_TILE, RS_TILE, nb, GDT_Byte, NULL);
  unsigned char *buf = malloc((size_t)RS_TILE * RS_TILE * nb);
  int rc = q && t && buf ? WHPC_OK : WHPC_RAISE(WHPC_ERR_MEM, "tiles: out of memory");
  int used = 0;
  char path[4400], tmp[4500];
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
    CPLErr e = rc ? CE_Failure
                  : GDALDatasetRasterIO(child, GF_Read, 0, 0, RS_TILE, RS_TILE, buf, RS_TILE, RS_TILE, GDT_Byte, nb, NULL,
                                        0, 0, 0);
    if (!rc && e == CE_None)
      e = GDALDatasetRasterIO(q, GF_Write, px, py, RS_TILE, RS_TILE, buf, RS_TILE, RS_TILE, GDT_Byte, nb, NULL, 0, 0,
                              0);
    GDALClose(child);
    if (!rc && e != CE_None) rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot read '%s': %s", path, rs_gdal_msg());
    used++;
  }
  free(buf);
  for (int b = 1; b <= nb && !rc && used; b++) {
    GDALRasterBandH ob = GDALGetRasterBand(t, b);
    if (GDALRegenerateOverviews(GDALGetRasterBand(q, b), 1, &ob, "AVERAGE", NULL, NULL) != CE_None)
      rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: averaging tile %d/%d/%d failed: %s", z, tx, ty, rs_gdal_msg());
  }
  if (!rc && used) {
    snprintf(path, sizeof path, "%s/%d/%d", dir, z, tx);
    if (whpc_mkdir_p(path) != 0) rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot create '%s'", path);
  }
  if (!rc && used) {
    snprintf(path, sizeof path, "%s/%d/%d/%d.%s", dir, z, tx, ts->xyz ? (1 << z) - 1 - ty : ty, ext);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    char **co = ts->webp ? CSLSetNameValue(NULL, "LOSSLESS", "TRUE") : NULL;
    CPLErrorReset();
    GDALDatasetH img = GDALCreateCopy(GDALGetDriverByName(ts->webp ? "WEBP" : "PNG"), tmp, t, FALSE, co, NULL, NULL);
    CSLDestroy(co);
    if (img) GDALClose(img);
    if (!img || CPLGetLastErrorType() >= CE_Failure || rename(tmp, path) != 0) {
      unlink(tmp);
      rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot write '%s': %s", path, rs_gdal_msg());
    }
  }
  if (q) GDALClose(q);
  if (t) GDALClose(t);
  return rc;
}
