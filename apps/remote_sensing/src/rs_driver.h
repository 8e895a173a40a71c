/* rs_driver.h — the collective phases of a run. This is the only file of the app with MPI calls
 * (small reductions libwhpc has no function for: owner map, statistics partials, per-rank rates). */
#ifndef RS_DRIVER_H
#define RS_DRIVER_H
#include "rs_job.h"
#include "rs_stats.h"

typedef struct {
  int *owner;            /* rank that computed each block */
  double *parts;         /* statistics partials [block][band][RS_STAT_FIELDS] */
  long long *hist;       /* [band][bin] */
  long long *hist_block; /* one block's histogram */
  double *jrec;          /* one block's journal record */
  rs_band_stats *stats;  /* per output band, combined */
  double *zparts;        /* zonal partials [block][band][zone][RS_STAT_FIELDS] */
  long blocks_local;
  double pixels_local, busy_local; /* pixels written and seconds spent in the block loop */
  double t_start, t_blocks_done, t_product_done;
  char png[4200], csv[4200];
  long nchips, ntiles;
  int attempt;         /* 0 for a fresh run, n for the n-th resume */
  long blocks_reused;  /* blocks taken from journals of earlier attempts */
} rs_result;

/* Collective. Every block through the chain, its tiles written in place into the tile file
 * (dynamic work queue); SIGTERM/SIGUSR1: WHPC_STOPPED after the journals are synced. */
int rs_run_blocks(whpc_ctx_t ctx, rs_job *job, rs_result *res);
/* Collective. Owner map and statistics reduced; rank 0 writes the product and quick-look. */
int rs_assemble_product(whpc_ctx_t ctx, rs_job *job, rs_result *res);
/* Collective. AI chips cut from the product, distributed over ranks; rank 0 writes the index. */
int rs_make_chips(whpc_ctx_t ctx, rs_job *job, rs_result *res);
/* Collective. Web tiles (gdal2tiles.py layout): the top zoom warped from the product, lower zooms
 * averaged from the zoom above, zoom by zoom, distributed over ranks. */
int rs_make_tiles(whpc_ctx_t ctx, rs_job *job, rs_result *res);
/* Collective. Removes parts/ (unless kept) and writes report.json. */
int rs_finish(whpc_ctx_t ctx, rs_job *job, rs_result *res);
void rs_result_free(rs_result *res);
/* Collective: after a SIGTERM/SIGUSR1 on any rank, WHPC_STOPPED (exit 75) naming the phase that
 * was not started; the blocks are journaled, so rerunning the same command finishes the run. */
int rs_stop_check(whpc_ctx_t ctx, const rs_job *job, const char *phase);

#endif
