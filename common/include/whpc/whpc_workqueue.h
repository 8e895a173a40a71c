/* whpc_workqueue.h — hand out N independent items (tiles, samples) over the ranks.
 * WHPC_WQ_STATIC: rank r gets its contiguous block (whpc_block_range), in chunks.
 * WHPC_WQ_DYNAMIC: self-scheduling; each call takes the next `chunk` items from a shared counter,
 * so a slow rank does not hold the others. Every item is handed out exactly once.
 * Items may be skipped (resume): whpc_workqueue_skip gives a done[] mask of items already finished.
 * Dynamic back-ends (chosen at create; see workqueue.c for the measurements): all ranks on one
 * node: an MPI_Fetch_and_op counter in a shared-memory window (never waits for rank 0); several
 * nodes and MPI_THREAD_MULTIPLE: a dispatcher thread on rank 0; several nodes without it: rank 0
 * only dispatches (its next() serves the others, then returns no items). Never a one-sided
 * counter that waits for rank 0's progress unless forced: WHPC_WORKQUEUE=shm|thread|rank|rma in
 * the environment forces a back-end. */
#ifndef WHPC_WORKQUEUE_H
#define WHPC_WORKQUEUE_H
#include "whpc_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct whpc_workqueue_s *whpc_workqueue_t;
typedef enum { WHPC_WQ_STATIC = 0, WHPC_WQ_DYNAMIC = 1 } whpc_wq_mode;

/* Collective. chunk >= 1. */
int whpc_workqueue_create(whpc_ctx_t ctx, long nitems, whpc_wq_mode mode, long chunk,
                          whpc_workqueue_t *out) __attribute__((warn_unused_result));
/* Not collective. Next range [*first, *first + *count); *count == 0 when no work is left.
 * Ranks get different numbers of ranges, so no collective call may sit inside the loop (a
 * dispatcher rank stays inside its first next() until every item is out). */
int whpc_workqueue_next(whpc_workqueue_t wq, long *first, long *count);
/* Collective: wait until all ranks are finished, then free. NULL-safe. */
int whpc_workqueue_destroy(whpc_workqueue_t *wq);
/* Not collective; call before the first next (on every rank, with the same mask, so that every
 * unfinished item is still handed out exactly once). done[i] != 0: item i is never handed out;
 * a chunk is then returned as several ranges. The mask (nitems bytes) is copied. */
int whpc_workqueue_skip(whpc_workqueue_t wq, const unsigned char *done);
/* Items this rank took so far. */
long whpc_workqueue_taken(whpc_workqueue_t wq);

#ifdef __cplusplus
}
#endif
#endif
