/* rs_pipeline.h — one block through the chain: read the needed input bands with the chain's
 * halo, apply masks, run each operation on the whole haloed buffer, crop to the block.
 * Not collective, no MPI. */
#ifndef RS_PIPELINE_H
#define RS_PIPELINE_H
#include "rs_job.h"

/* The fast path of the commonest chain: one built-in index (rs_fused) into a Float32 product,
 * no halo, warp or masks, bands of at most 16-bit integers or Float32. The bands are read as
 * float (exact) and the index is computed in one branch-free pass with the nodata tests: in float
 * when that is exactly float(the double result) (rs_fused_float_exact, integer bands), writing
 * the Float32 tile directly; else in double into result[0], as the general path. */
typedef struct {
  int enabled, in_float;
  rs_fused f;
  float nd[3]; /* band nodata values as float */
  int has[3];  /* 0 where the band has none, or a NaN one (a NaN result is nodata anyway) or one
                * no float equals (no pixel can hold it) */
  float out_nodata;
} rs_fastpath;

typedef struct {
  int cap;           /* doubles per buffer */
  int nbuf;
  double **buf;      /* stack buffers, ping-pong for ops */
  double *tmp;
  int nres;
  double **result;   /* out.nbands cropped bands of the block */
  void *scratch;     /* output-type conversion */
  void *tile;        /* an edge block padded to a whole tile */
  double *zones;     /* class ids of the block (zonal statistics) */
  rs_fastpath fast;
  float *fin[3];     /* fast path: the bands as float */
  GDALDatasetH *direct; /* fast path: the input files opened with direct I/O (rs_input_open_direct) */
  int ndirect;
  float *fout;       /* fast path in float: the Float32 tile */
  int warp_copy;     /* chain of nothing but a warp whose working type and nodata are the product's:
                      * the kernel's output is the tile (rs_warp_typed_ok) */
  void **tout;       /* out.nbands tiles in the output type (fout, or the warp copy's) */
  int typed;         /* this block's output is in tout (write it as it is), not in result */
} rs_workspace;

int rs_workspace_create(const rs_job *job, rs_workspace *ws);
void rs_workspace_free(rs_workspace *ws);
/* Process block b into ws->result[k] (w x h each, NaN = nodata). ctx only for op timers. */
int rs_block_run(whpc_ctx_t ctx, rs_job *job, rs_input *in, rs_workspace *ws, long b);

#endif
