/* workqueue.c — static blocks or dynamic self-scheduling of N independent items.
 *
 * Dynamic mode needs a shared counter that rank 0 must not have to serve while it computes.
 * Measured with t502_workqueue_busy (Open MPI 4.1.4, 4 ranks on 2 cores, rank 0 spinning
 * 0.3 s per item without MPI calls, 60 items, chunk 1; the wait is per next() call on ranks 1-3):
 *   MPI_Fetch_and_op, osc sm   (one node, shared memory)  max wait 0.000 s: no stall
 *   MPI_Fetch_and_op, osc rdma (vader)                    max 0.03 s: no stall
 *   MPI_Fetch_and_op, osc pt2pt (vader)                   max 0.64 s, mean 0.07 s: stalls
 *   MPI_Fetch_and_op, osc pt2pt (btl tcp, as across nodes) max 1.2 s, mean 0.66 s; rank 0 took 27
 *     of 60 items although it is 150x slower; btl_tcp_progress_thread=1 does not help
 *   MPI_Fetch_and_op, osc ucx (no RDMA hardware)          rank 0 took all 60, others waited 18 s
 *   osc rdma over btl tcp                                  cannot create the window (MPI_ERR_WIN)
 * Passive-target progress thus depends on the one-sided component, so the back-end is chosen:
 *   SHM    all ranks on one node: MPI_Win_allocate_shared, whose only component is osc sm, so the
 *          fetch-and-add is an atomic in shared memory and needs no progress from rank 0;
 *   THREAD ranks on several nodes and MPI_THREAD_MULTIPLE: a dispatcher thread on rank 0 serves
 *          requests (MPI_Test + 50 us sleeps, so it costs little CPU); rank 0 itself takes items
 *          from the same C11 atomic counter;
 *   RANK   ranks on several nodes without MPI_THREAD_MULTIPLE: rank 0 is a dispatcher and takes no
 *          items itself (its next() serves the others until all items are out, then returns
 *          none): one rank of many nodes' worth is lost, but nothing ever waits for a computation;
 *   RMA    only when forced: MPI_Win_allocate + MPI_Fetch_and_op (fine with hardware atomics, e.g.
 *          osc ucx on InfiniBand; stalls as measured above on TCP).
 * WHPC_WORKQUEUE=shm|thread|rank|rma in the environment forces a back-end (tests, diagnosis). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "whpc_decomp.h"
#include "whpc_error.h"
#include "whpc_log.h"
#include "whpc_workqueue.h"

typedef enum { WQ_SHM, WQ_THREAD, WQ_RANK, WQ_RMA } wq_backend;
static const char *BACKEND_NAME[] = {"shm", "thread", "rank", "rma"};
enum { TAG_REQ = 1, TAG_REP = 2 };
enum { MSG_TAKE = 0, MSG_LEAVE = 1 };

struct whpc_workqueue_s {
  whpc_ctx_t ctx;
  MPI_Comm comm;
  int rank, size;
  long n, chunk;
  whpc_wq_mode mode;
  wq_backend backend;
  long next_static, end_static; /* static: rest of this rank's block */
  MPI_Win win;                  /* SHM/RMA: counter on rank 0 */
  long *counter;
  MPI_Comm tcomm;               /* THREAD/RANK: requests to rank 0's dispatcher */
  atomic_long acounter;         /* THREAD/RANK: the counter, on rank 0 */
  int served;                   /* RANK: rank 0 has dispatched every item */
  pthread_t thread;
  int thread_running;
  int thread_rc;
  int exhausted;
  long plo, phi;                /* items taken from the source but not yet handed out */
  unsigned char *done;          /* optional: items already finished (resume) */
  long taken;
};

/* Rank 0's dispatcher: answers each request with the first item of a chunk (>= n: none left)
 * until every other rank has been told there is nothing left or has left. */
static void *dispatcher(void *arg) {
  struct whpc_workqueue_s *wq = arg;
  int finished = 0, rc = MPI_SUCCESS;
  struct timespec nap = {0, 50000};
  while (finished < wq->size - 1 && rc == MPI_SUCCESS) {
    long msg = 0;
    MPI_Request req;
    MPI_Status st;
    int flag = 0;
    rc = MPI_Irecv(&msg, 1, MPI_LONG, MPI_ANY_SOURCE, TAG_REQ, wq->tcomm, &req);
    while (rc == MPI_SUCCESS && !flag) {
      rc = MPI_Test(&req, &flag, &st);
      if (!flag) nanosleep(&nap, NULL);
    }
    if (rc != MPI_SUCCESS) break;
    if (msg == MSG_LEAVE) {
      finished++;
      continue;
    }
    long first = atomic_fetch_add(&wq->acounter, wq->chunk);
    if (first >= wq->n) finished++;
    rc = MPI_Send(&first, 1, MPI_LONG, st.MPI_SOURCE, TAG_REP, wq->tcomm);
  }
  wq->thread_rc = rc;
  return NULL;
}

/* Which back-end fits this communicator (see the header comment). */
static int pick_backend(struct whpc_workqueue_s *wq) {
  const char *force = getenv("WHPC_WORKQUEUE");
  int provided = MPI_THREAD_SINGLE;
  WHPC_MPI(MPI_Query_thread(&provided));
  if (force && *force) {
    for (int b = 0; b < 4; b++)
      if (strcmp(force, BACKEND_NAME[b]) == 0) wq->backend = (wq_backend)b;
    WHPC_CHECK(strcmp(force, BACKEND_NAME[wq->backend]) == 0, WHPC_ERR_INPUT,
               "WHPC_WORKQUEUE=%s: expected shm, thread, rank or rma", force);
    WHPC_CHECK(wq->backend != WQ_THREAD || provided == MPI_THREAD_MULTIPLE, WHPC_ERR_INPUT,
               "WHPC_WORKQUEUE=thread needs MPI_THREAD_MULTIPLE");
    return WHPC_OK;
  }
  MPI_Comm node;
  int nsize = 0, one_node = 0;
  WHPC_MPI(MPI_Comm_split_type(wq->comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  MPI_Comm_size(node, &nsize);
  MPI_Comm_free(&node);
  int local = nsize == wq->size;
  WHPC_MPI(MPI_Allreduce(&local, &one_node, 1, MPI_INT, MPI_MIN, wq->comm));
  wq->backend = one_node ? WQ_SHM : provided == MPI_THREAD_MULTIPLE ? WQ_THREAD : WQ_RANK;
  if (wq->backend == WQ_RANK)
    whpc_log(wq->ctx, WHPC_LOG_INFO,
             "work queue across nodes without MPI_THREAD_MULTIPLE: rank 0 dispatches items and takes none");
  return WHPC_OK;
}

static int setup_dynamic(struct whpc_workqueue_s *wq) {
  WHPC_CALL(pick_backend(wq));
  if (wq->backend == WQ_THREAD || wq->backend == WQ_RANK) {
    WHPC_MPI(MPI_Comm_dup(wq->comm, &wq->tcomm));
    if (wq->rank == 0) {
      atomic_store(&wq->acounter, 0);
      if (wq->size > 1 && wq->backend == WQ_THREAD) {
        WHPC_CHECK(pthread_create(&wq->thread, NULL, dispatcher, wq) == 0, WHPC_ERR_MPI,
                   "work queue: cannot start the dispatcher thread");
        wq->thread_running = 1;
      }
    }
    return WHPC_OK;
  }
  MPI_Aint bytes = wq->rank == 0 ? (MPI_Aint)sizeof(long) : 0;
  MPI_Info info;
  WHPC_MPI(MPI_Info_create(&info));
  /* Only MPI_SUM is used: lets the one-sided component use hardware atomics. */
  MPI_Info_set(info, "accumulate_ops", "same_op");
  int rc = wq->backend == WQ_SHM
               ? MPI_Win_allocate_shared(bytes, sizeof(long), info, wq->comm, &wq->counter, &wq->win)
               : MPI_Win_allocate(bytes, sizeof(long), info, wq->comm, &wq->counter, &wq->win);
  MPI_Info_free(&info);
  WHPC_MPI(rc);
  /* Windows do not inherit the communicator's handler: return codes, never abort here. */
  WHPC_MPI(MPI_Win_set_errhandler(wq->win, MPI_ERRORS_RETURN));
  WHPC_MPI(MPI_Win_lock_all(MPI_MODE_NOCHECK, wq->win));
  if (wq->rank == 0) {
    *wq->counter = 0;
    WHPC_MPI(MPI_Win_sync(wq->win));
  }
  /* Nobody fetches before the counter is zero. */
  WHPC_MPI(MPI_Barrier(wq->comm));
  return WHPC_OK;
}

static void free_queue(struct whpc_workqueue_s *wq) {
  if (wq->win != MPI_WIN_NULL) {
    MPI_Win_unlock_all(wq->win);
    MPI_Win_free(&wq->win);
  }
  if (wq->tcomm != MPI_COMM_NULL) MPI_Comm_free(&wq->tcomm);
  free(wq->done);
  free(wq);
}

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
  wq->tcomm = MPI_COMM_NULL;
  MPI_Comm_rank(wq->comm, &wq->rank);
  MPI_Comm_size(wq->comm, &wq->size);
  int rc = WHPC_OK;
  if (mode == WHPC_WQ_STATIC) {
    long start, count;
    whpc_block_range(nitems, wq->size, wq->rank, &start, &count);
    wq->next_static = start;
    wq->end_static = start + count;
  } else {
    rc = setup_dynamic(wq);
  }
  if (rc) {
    free_queue(wq);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
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

/* First item of the next dynamic chunk (>= n when none is left). */
static int fetch(struct whpc_workqueue_s *wq, long *first) {
  if (wq->backend == WQ_RANK && wq->rank == 0 && wq->size > 1) {
    /* The dispatcher rank serves until every other rank is done; it takes nothing itself. */
    if (!wq->served) {
      dispatcher(wq);
      wq->served = 1;
      WHPC_MPI(wq->thread_rc);
    }
    *first = wq->n;
    return WHPC_OK;
  }
  if (wq->backend == WQ_THREAD || wq->backend == WQ_RANK) {
    if (wq->rank == 0) {
      *first = atomic_fetch_add(&wq->acounter, wq->chunk);
      return WHPC_OK;
    }
    long msg = MSG_TAKE;
    WHPC_MPI(MPI_Sendrecv(&msg, 1, MPI_LONG, 0, TAG_REQ, first, 1, MPI_LONG, 0, TAG_REP, wq->tcomm,
                          MPI_STATUS_IGNORE));
    return WHPC_OK;
  }
  WHPC_MPI(MPI_Fetch_and_op(&wq->chunk, first, MPI_LONG, 0, 0, MPI_SUM, wq->win));
  WHPC_MPI(MPI_Win_flush(0, wq->win));
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
  wq->plo = wq->phi = 0;
  if (wq->exhausted) return WHPC_OK;
  long first = 0;
  WHPC_CALL(fetch(wq, &first));
  if (first >= wq->n) {
    wq->exhausted = 1;
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
  if ((wq->backend == WQ_THREAD || wq->backend == WQ_RANK) && wq->mode == WHPC_WQ_DYNAMIC) {
    /* A rank leaving before it saw the end tells the dispatcher, which then can finish. */
    if (wq->rank != 0 && !wq->exhausted) {
      long msg = MSG_LEAVE;
      rc = MPI_Send(&msg, 1, MPI_LONG, 0, TAG_REQ, wq->tcomm);
    }
    if (wq->thread_running) {
      pthread_join(wq->thread, NULL);
      if (rc == MPI_SUCCESS) rc = wq->thread_rc;
    }
    /* A dispatcher rank that left early still serves the others to the end. */
    if (wq->backend == WQ_RANK && wq->rank == 0 && wq->size > 1 && !wq->served) {
      dispatcher(wq);
      wq->served = 1;
      if (rc == MPI_SUCCESS) rc = wq->thread_rc;
    }
  }
  /* Collective: all ranks are finished (MPI_Win_free synchronises as well). */
  int rc2 = MPI_Barrier(wq->comm);
  if (rc == MPI_SUCCESS) rc = rc2;
  free_queue(wq);
  WHPC_MPI(rc);
  return WHPC_OK;
}
