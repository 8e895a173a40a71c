/* infer_run.h — state of one rank's inference run. */
#ifndef INFER_RUN_H
#define INFER_RUN_H
#include <stdio.h>
#include "infer_driver.h"

typedef struct {
  long items, skipped;
  double t_read, t_prep, t_infer, t_write, t_busy, t_wall;
} infer_stats;

typedef struct {
  whpc_ctx_t ctx;
  const infer_params *p;
  const infer_items *it;
  infer_geom g;
  const long *todo;
  long ntodo;
  infer_plan *plan;
  float *batch;
  int raster;
  char tiles_dir[4200];
  infer_stream part, journal, skipf;
  infer_stats st;
} infer_job;

/* The work loop. Returns WHPC_STOPPED (on every rank) when a signal made the ranks leave early;
 * errors of any rank are agreed, so every rank returns the same code and message. */
int infer_run_loop(infer_job *j);

/* Leaving the loop early, together (infer_stop.c). */
typedef struct {
  MPI_Comm comm;
  int size, rank, one;
  int signalled, peer, told; /* saw a signal / a peer left / we told the others */
  MPI_Request *req;
} infer_leave;
int infer_leave_open(MPI_Comm comm, infer_leave *lv);           /* collective */
int infer_leave_wanted(infer_leave *lv);                         /* local: signal, or a peer left */
int infer_leave_announce(infer_leave *lv);                       /* tell every other rank, once */
int infer_leave_close(infer_leave *lv, int left, int *nleft);    /* collective: drains, frees */
#endif
