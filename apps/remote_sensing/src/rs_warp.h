/* rs_warp.h — reprojection on read: the output grid is a target CRS/resolution grid and each
 * block window (with its halo) is warped from the sources with GDAL's warp API, using the exact
 * transformer (gdalwarp -et 0) and a resampling kernel sized from the whole grid (XSCALE/YSCALE),
 * so results do not depend on the block layout or the number of ranks. Not collective. */
#ifndef RS_WARP_H
#define RS_WARP_H
#include <gdal.h>
#include <gdalwarper.h>

#include "rs_io.h"

typedef struct {
  int enabled;
  GDALResampleAlg alg;
  char *wkt;           /* target CRS */
  int width, height;   /* output grid */
  double gt[6];
  double xscale, yscale; /* destination/source pixel ratio of the whole grid */
  int ntr;
  void **tr;           /* one exact transformer per input file */
  void **approx;       /* approximating wrappers (error_threshold > 0), else NULL */
  double error_threshold;
  GDALDataType *wtype; /* per file: the working type gdalwarp would use (GDALWarpResolveWorkingDataType
                        * on source and destination types and nodata values), or GDT_Float64 with
                        * NaN as destination nodata where a band has no usable nodata value */
} rs_warp;

/* crs: anything OGRSpatialReference::SetFromUserInput takes ("EPSG:4326"). res: NULL or
 * {xres, yres}; extent: NULL or {xmin, ymin, xmax, ymax} in the target CRS (needs res).
 * Grid rules are gdalwarp's (-t_srs, -tr, -te). alg: 0 near, 1 bilinear, 2 cubic.
 * error_threshold: gdalwarp -et in pixels; 0 = exact transformer. */
int rs_warp_setup(rs_warp *w, rs_input *in, const char *crs, const double *res, const double *extent, int alg,
                  double error_threshold);
/* Warp window [x0, x0+w) x [y0, y0+h) of the output grid for the input bands with need[k]
 * into bufs[k] (w x h doubles, NaN = nodata or outside the sources). */
int rs_warp_read(rs_warp *w, rs_input *in, const unsigned char *need, int x0, int y0, int wd, int ht, double **bufs);
/* 1 when the warped bands can go to the product as they come from the warp kernel: one input file
 * whose working type is the product type and whose every band has the product nodata value. */
int rs_warp_typed_ok(const rs_warp *w, const rs_input *in, GDALDataType type, double nodata);
/* Every band of the (single) input file into bufs[k] (wd x ht values of the working type, nodata
 * as the kernel left it). Only where rs_warp_typed_ok. */
int rs_warp_read_typed(rs_warp *w, rs_input *in, int x0, int y0, int wd, int ht, void **bufs);
void rs_warp_free(rs_warp *w);

#endif
