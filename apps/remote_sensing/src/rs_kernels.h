/* rs_kernels.h — per-block raster kernels on double buffers (row-major, w x h). NaN marks
 * nodata everywhere inside the pipeline. A neighbourhood kernel writes NaN where any pixel of
 * its window is NaN or outside the buffer (so image edges are nodata, like gdaldem without
 * -compute_edges; block edges fall in the halo and are cropped). No GDAL, no MPI. */
#ifndef RS_KERNELS_H
#define RS_KERNELS_H

typedef enum { RS_SLOPE = 0, RS_ASPECT = 1, RS_HILLSHADE = 2 } rs_terrain_mode;

typedef struct {
  rs_terrain_mode mode;
  double ewres, nsres;   /* geotransform[1], geotransform[5] (negative for north-up) */
  double z, scale;       /* vertical exaggeration; ratio of vertical to horizontal units */
  double azimuth, altitude; /* hillshade light, degrees */
  int slope_percent;     /* slope in percent instead of degrees */
  int trigonometric;     /* aspect as trigonometric angle instead of azimuth */
  int float_arith;       /* 1: window sums in float (gdaldem reads non-16-bit DEMs as Float32) */
  double aspect_flat;    /* value of flat pixels' aspect (gdaldem: the nodata value) */
  double hs[4];          /* internal: hillshade constants */
} rs_terrain_opts;

/* Horn (1981) slope / aspect / hillshade, the formulas of gdaldem. Halo 1. */
void rs_terrain(const rs_terrain_opts *o, const double *in, double *out, int w, int h);

typedef enum { RS_GAUSSIAN = 0, RS_BOX = 1, RS_SOBEL = 2, RS_MEDIAN = 3, RS_OPEN = 4, RS_CLOSE = 5 } rs_filter_kind;

/* Halo the filter needs for radius r (open/close: 2r). */
int rs_filter_halo(rs_filter_kind kind, int radius);
/* out must not alias in. tmp needs w*h doubles. sigma only for Gaussian. Returns 0, or 1 on
 * allocation failure. */
int rs_filter(rs_filter_kind kind, int radius, double sigma, const double *in, double *out,
              double *tmp, int w, int h);

/* Set pixels outside [lo, hi] to NaN. */
void rs_mask_range(double *v, long n, double lo, double hi);
/* Set v[p] to NaN where (long)qa[p] & bits != 0 or qa[p] is NaN. */
void rs_mask_qa(double *v, const double *qa, long n, long bits);

#endif
