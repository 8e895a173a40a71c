/* rs_job.h — what a run does: the input stack, the chain of operations, the block grid and the
 * outputs, all built from config keys identically on every rank (so a bad key or input is a
 * collective one-line error). */
#ifndef RS_JOB_H
#define RS_JOB_H
#include <whpc.h>

#include "rs_expr.h"
#include "rs_io.h"
#include "rs_kernels.h"
#include "rs_warp.h"

#define RS_MAX_OPS 4
#define RS_MAX_EXPR 16

typedef enum { RS_OP_EXPR = 0, RS_OP_FILTER = 1, RS_OP_TERRAIN = 2 } rs_op_kind;

typedef struct {
  rs_op_kind kind;
  int halo;      /* pixels of neighbourhood this op needs */
  int nin, nout; /* stack bands before and after */
  int nexpr;     /* expr: one output band per expression */
  rs_expr_t expr[RS_MAX_EXPR];
  rs_filter_kind filter;
  int radius;
  double sigma;
  rs_terrain_opts terrain;
  int band; /* terrain: 0-based band of the stack it reads */
} rs_op;

typedef struct {
  rs_input in;
  rs_warp warp;      /* reprojection on read (warp.enabled) */
  int width, height; /* the processing/output grid: the input's, or the warp target's */
  double gt[6];
  const char *wkt;
  int nops;
  rs_op ops[RS_MAX_OPS];
  const char *ops_text;
  int halo;            /* sum of the ops' halos: blocks are read with this margin */
  unsigned char *need; /* input bands the chain reads (0/1 per band) */
  int qa_band;         /* 0-based, -1 = none */
  long qa_bits;
  int has_range;
  double range_lo, range_hi;
  int block, nbx, nby;
  long nblocks, chunk;
  rs_raster_desc out;
  char out_path[4096], parts_dir[4096], tile_path[4200]; /* tile_path: parts/assemble.tif */
  int cog, keep_parts, quicklook, overwrite;
  int resume;                     /* rs.resume auto/true: look for journals of an interrupted run */
  int resuming;                   /* journals of this configuration were found: continue that run */
  unsigned long long fingerprint; /* configuration + inputs the journals must match */
  long crash_after; /* tests: each rank kills itself after this many blocks (0 = never) */
  const char *compress;
  int stats, hist_bins, has_hist;
  int zones_band, nzones; /* zonal statistics: 0-based stack band of class ids (-1 = none), ids 0..nzones-1 */
  double hist_min, hist_max;
  int chip_size, chip_overlap;
  const char *chip_dir;
  int tiles_zmin, tiles_zmax, tiles_xyz, tiles_webp; /* zmin < 0: no web tiles */
  const char *tiles_dir;
} rs_job;

extern const whpc_cfg_key rs_keys[];
extern const int rs_nkeys;

/* Collective in effect (deterministic on every rank). Reads keys, opens and checks inputs,
 * compiles expressions, sizes blocks. Call after whpc_output_prepare. */
int rs_job_setup(whpc_ctx_t ctx, rs_job *job);
void rs_job_free(rs_job *job);
/* Pixel window of block b. */
void rs_job_block(const rs_job *job, long b, int *x0, int *y0, int *w, int *h);

#endif
