/* rs_warp.c — per-block warping to a target grid. */
#include "rs_warp.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdalwarper.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <whpc.h>

int rs_warp_setup(rs_warp *w, rs_input *in, const char *crs, const double *res, const double *extent, int alg,
                  double error_threshold) {
  memset(w, 0, sizeof *w);
  w->enabled = 1;
  w->alg = alg == 0 ? GRA_NearestNeighbour : alg == 1 ? GRA_Bilinear : GRA_Cubic;
  OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
  CPLErrorReset();
  if (OSRSetFromUserInput(srs, crs) != OGRERR_NONE) {
    OSRDestroySpatialReference(srs);
    return WHPC_RAISE(WHPC_ERR_INPUT, "warp.crs: '%s' is not a CRS GDAL knows (expected e.g. EPSG:4326): %s", crs,
                      rs_gdal_msg());
  }
  OSRExportToWkt(srs, &w->wkt);
  OSRDestroySpatialReference(srs);
  WHPC_CHECK(*in->wkt, WHPC_ERR_INPUT, "warp.crs: input '%s' has no CRS to reproject from", in->files[0]);
  char **to = CSLSetNameValue(NULL, "DST_SRS", w->wkt);
  w->ntr = in->nfiles;
  w->error_threshold = error_threshold;
  WHPC_MALLOC(w->tr, in->nfiles);
  WHPC_MALLOC(w->approx, in->nfiles);
  for (int f = 0; f < in->nfiles; f++) {
    w->tr[f] = GDALCreateGenImgProjTransformer2(in->ds[f], NULL, to);
    if (!w->tr[f]) {
      CSLDestroy(to);
      return WHPC_RAISE(WHPC_ERR_INPUT, "warp.crs: no transformation from the CRS of '%s' to '%s': %s",
                        in->files[f], crs, rs_gdal_msg());
    }
  }
  CSLDestroy(to);
  /* Working type: gdalwarp's (for uint16 with nodata 0: UInt16; the kernel then rounds, clamps and
   * keeps valid values off the nodata value in that type, as gdalwarp does, and the source
   * windows are never converted to double). It takes the union of the source types and the
   * nodata values; gdalwarp's destination has the source type and nodata, so they add nothing.
   * A band without a nodata value needs NaN in the destination for "no source pixel": Float64. */
  WHPC_MALLOC(w->wtype, in->nfiles);
  for (int f = 0; f < in->nfiles; f++) {
    GDALDataType t = GDT_Byte;
    for (int k = 0; k < in->nbands; k++) {
      if (in->band_file[k] != f) continue;
      if (!in->has_nodata[k] || isnan(in->nodata[k])) {
        t = GDT_Float64;
        break;
      }
      t = GDALDataTypeUnion(t, in->type[k]);
      t = GDALDataTypeUnionWithValue(t, in->nodata[k], FALSE);
    }
    w->wtype[f] = t;
  }
  /* the approximation interpolates along output rows of each warp chunk, so its result depends
   * on the chunking: only the exact transformer is independent of blocks and ranks */
  for (int f = 0; f < in->nfiles && error_threshold > 0; f++)
    w->approx[f] = GDALCreateApproxTransformer(GDALGenImgProjTransform, w->tr[f], error_threshold);
  /* the grid: gdalwarp's suggestion, then -tr/-te as gdalwarp applies them */
  double gt[6], ext[4];
  int nx, ny;
  WHPC_CHECK(GDALSuggestedWarpOutput2(in->ds[0], GDALGenImgProjTransform, w->tr[0], gt, &nx, &ny, ext, 0) == CE_None,
             WHPC_ERR_INPUT, "warp.crs: cannot compute the output grid of '%s' in '%s': %s", in->files[0], crs,
             rs_gdal_msg());
  if (res) {
    double xmin = gt[0], xmax = gt[0] + gt[1] * nx, ymax = gt[3], ymin = gt[3] + gt[5] * ny;
    if (extent) xmin = extent[0], ymin = extent[1], xmax = extent[2], ymax = extent[3];
    nx = (int)((xmax - xmin + res[0] / 2.0) / res[0]);
    ny = (int)((ymax - ymin + res[1] / 2.0) / res[1]);
    double g[6] = {xmin, res[0], 0, ymax, 0, -res[1]};
    memcpy(gt, g, sizeof g);
  }
  WHPC_CHECK(nx > 0 && ny > 0, WHPC_ERR_INPUT, "warp: the output grid is empty (%d x %d)", nx, ny);
  w->width = nx;
  w->height = ny;
  memcpy(w->gt, gt, sizeof gt);
  /* kernel size from the whole grid (GDAL would size it per chunk when downsampling): source
   * pixels per output pixel at the grid centre, through the exact transformer */
  GDALSetGenImgProjTransformerDstGeoTransform(w->tr[0], gt);
  double px[3] = {nx / 2.0, nx / 2.0 + 1, nx / 2.0}, py[3] = {ny / 2.0, ny / 2.0, ny / 2.0 + 1}, pz[3] = {0, 0, 0};
  int ok[3] = {0, 0, 0};
  GDALGenImgProjTransform(w->tr[0], TRUE, 3, px, py, pz, ok);
  double sx = hypot(px[1] - px[0], py[1] - py[0]), sy = hypot(px[2] - px[0], py[2] - py[0]);
  w->xscale = ok[0] && ok[1] && sx > 0 ? 1.0 / sx : fabs(in->gt[1] / gt[1]);
  w->yscale = ok[0] && ok[2] && sy > 0 ? 1.0 / sy : fabs(in->gt[5] / gt[5]);
  return WHPC_OK;
}

/* Warp the window into bufs[k] (input band k) as buftype; map_nan: nodata -> NaN (buftype Float64). */
static int rs_warp_window(rs_warp *w, rs_input *in, const unsigned char *need, int x0, int y0, int wd, int ht,
                          void **bufs, GDALDataType buftype, int map_nan) {
  double bgt[6];
  memcpy(bgt, w->gt, sizeof bgt);
  bgt[0] = w->gt[0] + x0 * w->gt[1] + y0 * w->gt[2];
  bgt[3] = w->gt[3] + x0 * w->gt[4] + y0 * w->gt[5];
  GDALDriverH mem = GDALGetDriverByName("MEM");
  for (int f = 0; f < in->nfiles; f++) {
    int nb = 0, bands[256], globals[256];
    for (int k = 0; k < in->nbands; k++)
      if (in->band_file[k] == f && need[k] && nb < 256) bands[nb] = in->band_index[k], globals[nb++] = k;
    if (!nb) continue;
    GDALDataType wt = w->wtype[f];
    /* Float64 exactly when a band of this file has no (or a NaN) nodata value (rs_warp_setup);
     * otherwise the destination nodata is the source's, mapped to NaN below */
    int nan_dst = wt == GDT_Float64;
    GDALDatasetH dst = GDALCreate(mem, "", wd, ht, nb, wt, NULL);
    WHPC_CHECK(dst, WHPC_ERR_MEM, "warp: cannot create a %d x %d block buffer", wd, ht);
    GDALSetGeoTransform(dst, bgt);
    GDALSetProjection(dst, w->wkt);
    GDALSetGenImgProjTransformerDstGeoTransform(w->tr[f], bgt);
    GDALWarpOptions *o = GDALCreateWarpOptions();
    o->hSrcDS = in->ds[f];
    o->hDstDS = dst;
    o->nBandCount = nb;
    o->panSrcBands = CPLMalloc(sizeof(int) * nb);
    o->panDstBands = CPLMalloc(sizeof(int) * nb);
    o->padfDstNoDataReal = CPLMalloc(sizeof(double) * nb);
    o->padfDstNoDataImag = CPLCalloc(nb, sizeof(double));
    int srcnd = 0;
    for (int i = 0; i < nb; i++) srcnd |= in->has_nodata[globals[i]];
    if (srcnd) {
      o->padfSrcNoDataReal = CPLMalloc(sizeof(double) * nb);
      o->padfSrcNoDataImag = CPLCalloc(nb, sizeof(double));
    }
    for (int i = 0; i < nb; i++) {
      o->panSrcBands[i] = bands[i];
      o->panDstBands[i] = i + 1;
      o->padfDstNoDataReal[i] = nan_dst ? NAN : in->nodata[globals[i]];
      if (srcnd) o->padfSrcNoDataReal[i] = in->has_nodata[globals[i]] ? in->nodata[globals[i]] : NAN;
    }
    o->eResampleAlg = w->alg;
    o->eWorkingDataType = wt;
    if (w->approx[f]) {
      o->pfnTransformer = GDALApproxTransform;
      o->pTransformerArg = w->approx[f];
    } else {
      o->pfnTransformer = GDALGenImgProjTransform; /* exact: no approximation (gdalwarp -et 0) */
      o->pTransformerArg = w->tr[f];
    }
    o->papszWarpOptions = CSLSetNameValue(o->papszWarpOptions, "INIT_DEST", "NO_DATA");
    o->papszWarpOptions = CSLSetNameValue(o->papszWarpOptions, "XSCALE", CPLSPrintf("%.17g", w->xscale));
    o->papszWarpOptions = CSLSetNameValue(o->papszWarpOptions, "YSCALE", CPLSPrintf("%.17g", w->yscale));
    GDALWarpOperationH op = GDALCreateWarpOperation(o);
    CPLErrorReset();
    CPLErr e = op ? GDALChunkAndWarpImage(op, 0, 0, wd, ht) : CE_Failure;
    if (op) GDALDestroyWarpOperation(op);
    o->pTransformerArg = NULL; /* ours, reused */
    GDALDestroyWarpOptions(o);
    for (int i = 0; i < nb && e == CE_None; i++)
      e = GDALRasterIO(GDALGetRasterBand(dst, i + 1), GF_Read, 0, 0, wd, ht, bufs[globals[i]], wd, ht, buftype, 0,
                       0);
    GDALClose(dst);
    for (int i = 0; i < nb && e == CE_None && !nan_dst && map_nan; i++) {
      double nd = in->nodata[globals[i]], *v = bufs[globals[i]];
      for (long p = 0; p < (long)wd * ht; p++) v[p] = v[p] == nd ? NAN : v[p]; /* branch-free: SIMD */
    }
    WHPC_CHECK(e == CE_None, WHPC_ERR_INPUT, "input.files: warping '%s' (output pixels %d..%d x %d..%d) failed: %s",
               in->files[f], x0, x0 + wd - 1, y0, y0 + ht - 1, rs_gdal_msg());
  }
  return WHPC_OK;
}

int rs_warp_read(rs_warp *w, rs_input *in, const unsigned char *need, int x0, int y0, int wd, int ht, double **bufs) {
  return rs_warp_window(w, in, need, x0, y0, wd, ht, (void **)bufs, GDT_Float64, 1);
}

int rs_warp_typed_ok(const rs_warp *w, const rs_input *in, GDALDataType type, double nodata) {
  if (!w->enabled || in->nfiles != 1 || w->wtype[0] != type || type == GDT_Float64) return 0;
  for (int k = 0; k < in->nbands; k++)
    if (!in->has_nodata[k] || in->nodata[k] != nodata) return 0;
  return 1;
}

int rs_warp_read_typed(rs_warp *w, rs_input *in, int x0, int y0, int wd, int ht, void **bufs) {
  unsigned char need[256];
  WHPC_CHECK(in->nbands <= 256, WHPC_ERR_INPUT, "internal: too many bands for the typed warp");
  memset(need, 1, sizeof need);
  return rs_warp_window(w, in, need, x0, y0, wd, ht, bufs, w->wtype[0], 0);
}

void rs_warp_free(rs_warp *w) {
  for (int f = 0; f < w->ntr; f++) {
    if (w->approx && w->approx[f]) GDALDestroyApproxTransformer(w->approx[f]);
    if (w->tr[f]) GDALDestroyGenImgProjTransformer(w->tr[f]);
  }
  free(w->approx);
  free(w->tr);
  free(w->wtype);
  CPLFree(w->wkt);
  memset(w, 0, sizeof *w);
}
