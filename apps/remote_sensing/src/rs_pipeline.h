/* rs_pipeline.h — one block through the chain: read the needed input bands with the chain's
 * halo, apply masks, run each operation on the whole haloed buffer, crop to the block.
 * Not collective, no MPI. */
#ifndef RS_PIPELINE_H
#define RS_PIPELINE_H
#include "rs_job.h"

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
} rs_workspace;

int rs_workspace_create(const rs_job *job, rs_workspace *ws);
void rs_workspace_free(rs_workspace *ws);
/* Process block b into ws->result[k] (w x h each, NaN = nodata). ctx only for op timers. */
int rs_block_run(whpc_ctx_t ctx, rs_job *job, rs_input *in, rs_workspace *ws, long b);

#endif
