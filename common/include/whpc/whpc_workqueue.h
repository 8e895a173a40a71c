/* whpc_workqueue.h — hand out N independent items (tiles, samples) over the ranks.
 * WHPC_WQ_STATIC: rank r gets its contiguous block (whpc_block_range), in chunks.
 * WHPC_WQ_DYNAMIC: self-scheduling; each call takes the next `chunk` items from a shared counter,
 * so a slow rank does not hold the others. Every item is handed out exactly once.
 * Items may be skipped (resume): pass a done[] mask to skip items already finished. */
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
/* Not collective. Next range [*first, *first + *count); *count == 0 when no work is left. */
int whpc_workqueue_next(whpc_workqueue_t wq, long *first, long *count);
/* Collective: wait until all ranks are finished, then free. NULL-safe. */
int whpc_workqueue_destroy(whpc_workqueue_t *wq);
/* Items this rank took so far. */
long whpc_workqueue_taken(whpc_workqueue_t wq);

#ifdef __cplusplus
}
#endif
#endif
