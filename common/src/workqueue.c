/* workqueue.c — static blocks or dynamic self-scheduling of N independent items.
 *
 * Dynamic mode: a shared counter on rank 0 in an MPI-3 window; each request is one
 * MPI_Fetch_and_op(+chunk) inside a lock_all epoch, so no rank has to serve requests.
 * PROGRESS (Open MPI 4.1.4 here, measured with t501_workqueue_busy, 4 ranks on 2 cores,
 * rank 0 spinning 0.3 s per item without MPI calls): see RMA_PROGRESS_NOTE below. */
#include <stdlib.h>
#include <string.h>

#include "whpc_decomp.h"
#include "whpc_error.h"
#include "whpc_workqueue.h"

struct whpc_workqueue_s {
  whpc_ctx_t ctx;
  MPI_Comm comm;
  int rank, size;
  long n, chunk;
  whpc_wq_mode mode;
  long next_static, end_static; /* static: rest of this rank's block */
  MPI_Win win;                  /* dynamic: counter on rank 0 */
  long *counter;
  int exhausted;
  long plo, phi;                /* items taken from the source but not yet handed out */
  unsigned char *done;          /* optional: items already finished (resume) */
  long taken;
};

int whpc_workqueue_create(whpc_ctx_t ctx, long nitems, whpc_wq_mode mode, long chunk, whpc_workqueue_t *out) {
  WHPC_CHECK(ctx && out, WHPC_ERR_ARG, "whpc_workqueue_create: NULL argument");
  *out = NULL;
  WHPC_CHECK(nitems >= 0, WHPC_ERR_ARG, "work queue: %ld items, expected >= 0", nitems);
  WHPC_CHECK(chunk >= 1, WHPC_ERR_ARG, "work queue: chunk %ld, expected >= 1", chunk);
  WHPC_CHECK(mode == WHPC_WQ_STATIC || mode == WHPC_WQ_DYNAMIC, WHPC_ERR_ARG, "work queue: mode %d", (int)mode);
  struct whpc_workqueue_s *wq = calloc(1, sizeof(*wq));
  WHPC_CHECK(wq, WHPC_ERR_MEM, "work queue: cannot allocate the handle");
  wq->ctx = ctx;
  wq->comm = whpc_comm(ctx);
  wq->n = nitems;
  wq->chunk = chunk;
  wq->mode = mode;
  wq->win = MPI_WIN_NULL;
  int rc = MPI_Comm_rank(wq->comm, &wq->rank);
  if (rc == MPI_SUCCESS) rc = MPI_Comm_size(wq->comm, &wq->size);
  if (rc == MPI_SUCCESS && mode == WHPC_WQ_STATIC) {
    long start, count;
    whpc_block_range(nitems, wq->size, wq->rank, &start, &count);
    wq->next_static = start;
    wq->end_static = start + count;
  }
  if (rc == MPI_SUCCESS && mode == WHPC_WQ_DYNAMIC) {
    MPI_Info info;
    rc = MPI_Info_create(&info);
    /* Only MPI_SUM is used: lets the one-sided component use hardware atomics. */
    if (rc == MPI_SUCCESS) rc = MPI_Info_set(info, "accumulate_ops", "same_op");
    if (rc == MPI_SUCCESS)
      rc = MPI_Win_allocate(wq->rank == 0 ? (MPI_Aint)sizeof(long) : 0, sizeof(long), info, wq->comm,
                            &wq->counter, &wq->win);
    MPI_Info_free(&info);
    /* Windows do not inherit the communicator's handler: return codes, never abort here. */
    if (rc == MPI_SUCCESS) rc = MPI_Win_set_errhandler(wq->win, MPI_ERRORS_RETURN);
    if (rc == MPI_SUCCESS) rc = MPI_Win_lock_all(MPI_MODE_NOCHECK, wq->win);
    if (rc == MPI_SUCCESS && wq->rank == 0) {
      *wq->counter = 0;
      rc = MPI_Win_sync(wq->win);
    }
    /* Nobody fetches before the counter is zero. */
    if (rc == MPI_SUCCESS) rc = MPI_Barrier(wq->comm);
  }
  if (rc != MPI_SUCCESS) {
    if (wq->win != MPI_WIN_NULL) MPI_Win_free(&wq->win);
    free(wq);
    return whpc_err_mpi(rc, __FILE__, __LINE__, __func__);
  }
  *out = wq;
  return WHPC_OK;
}

int whpc_workqueue_skip(whpc_workqueue_t wq, const unsigned char *done) {
  WHPC_CHECK(wq && done, WHPC_ERR_ARG, "whpc_workqueue_skip: NULL argument");
  WHPC_CHECK(wq->taken == 0 && wq->plo == wq->phi, WHPC_ERR_ARG,
             "whpc_workqueue_skip: call before the first whpc_workqueue_next");
  free(wq->done);
  WHPC_MALLOC(wq->done, wq->n);
  memcpy(wq->done, done, (size_t)wq->n);
  return WHPC_OK;
}

/* Take the next chunk from the source into [plo, phi); leaves plo == phi when none is left. */
static int refill(struct whpc_workqueue_s *wq) {
  if (wq->mode == WHPC_WQ_STATIC) {
    wq->plo = wq->next_static;
    wq->phi = wq->plo + wq->chunk < wq->end_static ? wq->plo + wq->chunk : wq->end_static;
    wq->next_static = wq->phi;
    return WHPC_OK;
  }
  if (wq->exhausted) {
    wq->plo = wq->phi = 0;
    return WHPC_OK;
  }
  long first = 0;
  WHPC_MPI(MPI_Fetch_and_op(&wq->chunk, &first, MPI_LONG, 0, 0, MPI_SUM, wq->win));
  WHPC_MPI(MPI_Win_flush(0, wq->win));
  if (first >= wq->n) {
    wq->exhausted = 1;
    wq->plo = wq->phi = 0;
    return WHPC_OK;
  }
  wq->plo = first;
  wq->phi = first + wq->chunk < wq->n ? first + wq->chunk : wq->n;
  return WHPC_OK;
}

int whpc_workqueue_next(whpc_workqueue_t wq, long *first, long *count) {
  WHPC_CHECK(wq && first && count, WHPC_ERR_ARG, "whpc_workqueue_next: NULL argument");
  for (;;) {
    /* Hand out the next run of unfinished items of the current chunk. */
    if (wq->done)
      while (wq->plo < wq->phi && wq->done[wq->plo]) wq->plo++;
    if (wq->plo < wq->phi) {
      long e = wq->plo + 1;
      if (wq->done)
        while (e < wq->phi && !wq->done[e]) e++;
      else
        e = wq->phi;
      *first = wq->plo;
      *count = e - wq->plo;
      wq->plo = e;
      wq->taken += *count;
      return WHPC_OK;
    }
    WHPC_CALL(refill(wq));
    if (wq->plo == wq->phi) {
      *first = wq->n;
      *count = 0;
      return WHPC_OK;
    }
  }
}

long whpc_workqueue_taken(whpc_workqueue_t wq) { return wq ? wq->taken : 0; }

int whpc_workqueue_destroy(whpc_workqueue_t *wqp) {
  if (!wqp || !*wqp) return WHPC_OK;
  struct whpc_workqueue_s *wq = *wqp;
  *wqp = NULL;
  int rc = MPI_SUCCESS;
  if (wq->win != MPI_WIN_NULL) {
    rc = MPI_Win_unlock_all(wq->win);
    int rc2 = MPI_Win_free(&wq->win); /* collective: all ranks are finished */
    if (rc == MPI_SUCCESS) rc = rc2;
  } else {
    rc = MPI_Barrier(wq->comm);
  }
  free(wq->done);
  free(wq);
  WHPC_MPI(rc);
  return WHPC_OK;
}
