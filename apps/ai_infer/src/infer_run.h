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
  FILE *part, *journal, *skipf;
  infer_stats st;
} infer_job;

int infer_run_loop(infer_job *j);
#endif
