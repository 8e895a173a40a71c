/* whpc_timer.h — named wall-clock regions, reduced over ranks (PETSc -log_view idea).
 * Regions may nest; each is identified by name. */
#ifndef WHPC_TIMER_H
#define WHPC_TIMER_H
#include <stdio.h>
#include "whpc_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Not collective. */
void whpc_timer_begin(whpc_ctx_t ctx, const char *name);
void whpc_timer_end(whpc_ctx_t ctx, const char *name);
/* Seconds accumulated so far on this rank in region `name` (0 if unknown). */
double whpc_timer_local(whpc_ctx_t ctx, const char *name);
double whpc_wtime(void);

/* Reduced statistics of one region. */
typedef struct {
  char name[64];
  long count;            /* max over ranks */
  double min, avg, max;  /* seconds */
  double imbalance;      /* max/min (1 = perfect) */
  int slowest_rank;
} whpc_timer_stat;

/* Collective. Reduces every region seen on any rank; *stats is malloc'd (caller frees). */
int whpc_timer_reduce(whpc_ctx_t ctx, whpc_timer_stat **stats, int *n);
/* Collective. Rank 0 prints the table: name count max avg min max/min %total slowest-rank. */
int whpc_timer_print(whpc_ctx_t ctx);

#ifdef __cplusplus
}
#endif
#endif
