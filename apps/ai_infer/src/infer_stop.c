/* infer_stop.c — leaving the work loop early, together.
 *
 * libwhpc's SIGTERM/SIGUSR1 handler sets a flag; whpc_stop_requested reads it collectively, but
 * under the dynamic work queue ranks take different numbers of chunks, so no collective call
 * fits between chunks: we read it locally (whpc_stop_pending) between chunks instead. A rank
 * that leaves (signal or error) tells the others with one small message each, so they leave at
 * their next chunk too; after the queue is closed a collective sum says how many told, and each
 * rank receives exactly the messages sent to it. */
#include <stdlib.h>
#include <string.h>
#include "infer_run.h"

#define TAG_LEAVE 7301

int infer_leave_open(MPI_Comm comm, infer_leave *lv) {
  memset(lv, 0, sizeof *lv);
  WHPC_MPI(MPI_Comm_dup(comm, &lv->comm));
  MPI_Comm_size(lv->comm, &lv->size);
  MPI_Comm_rank(lv->comm, &lv->rank);
  return WHPC_OK;
}

int infer_leave_wanted(infer_leave *lv) {
  if (whpc_stop_pending()) lv->signalled = 1;
  if (!lv->peer && lv->size > 1) {
    int flag = 0;
    /* an MPI failure here shows up again, and is reported, in the queue's next call */
    if (MPI_Iprobe(MPI_ANY_SOURCE, TAG_LEAVE, lv->comm, &flag, MPI_STATUS_IGNORE) == MPI_SUCCESS) lv->peer = flag;
  }
  return lv->signalled || lv->peer;
}

int infer_leave_announce(infer_leave *lv) {
  if (lv->told || lv->size < 2) return WHPC_OK;
  lv->req = malloc((size_t)lv->size * sizeof(MPI_Request));
  WHPC_CHECK(lv->req, WHPC_ERR_MEM, "out of memory");
  for (int r = 0; r < lv->size; ++r) {
    lv->req[r] = MPI_REQUEST_NULL;
    if (r != lv->rank) WHPC_MPI(MPI_Isend(&lv->one, 1, MPI_INT, r, TAG_LEAVE, lv->comm, &lv->req[r]));
  }
  lv->told = 1;
  return WHPC_OK;
}

int infer_leave_close(infer_leave *lv, int left, int *nleft) {
  int mine[2] = {lv->told, left}, sum[2] = {0, 0};
  WHPC_MPI(MPI_Allreduce(mine, sum, 2, MPI_INT, MPI_SUM, lv->comm));
  for (int k = 0; k < sum[0] - lv->told; ++k) { /* every other teller sent one to us */
    int v;
    WHPC_MPI(MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, TAG_LEAVE, lv->comm, MPI_STATUS_IGNORE));
  }
  if (lv->req) WHPC_MPI(MPI_Waitall(lv->size, lv->req, MPI_STATUSES_IGNORE));
  free(lv->req);
  lv->req = NULL;
  MPI_Comm_free(&lv->comm);
  *nleft = sum[1];
  return WHPC_OK;
}
