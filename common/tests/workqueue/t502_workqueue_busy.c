/* t502_workqueue_busy — dynamic mode while rank 0 (the counter's owner) computes long items
 * without MPI calls: every item is still handed out exactly once. It also prints how long the
 * other ranks waited in whpc_workqueue_next (a stall = waits of the order of rank 0's item
 * time); that figure is reported, never asserted (no timing in tests).
 * Optional argument: the back-end (shm, thread, rank, rma), as WHPC_WORKQUEUE; default: automatic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whpc.h"

int main(int argc, char **argv) {
  int provided;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  if (argc > 1) setenv("WHPC_WORKQUEUE", argv[1], 1);
  whpc_app_info info = {"t502_workqueue_busy", "work queue progress test", NULL, 0};
  whpc_ctx_t ctx;
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  int rank = whpc_rank(ctx), size = whpc_size(ctx);
  const long n = 60;
  const double busy = 0.3, quick = 0.002; /* seconds per item: rank 0, others */
  whpc_workqueue_t wq;
  WHPC_MAIN(comm, whpc_workqueue_create(ctx, n, WHPC_WQ_DYNAMIC, 1, &wq));
  int *seen = calloc((size_t)n, sizeof(int));
  double max_wait = 0.0, sum_wait = 0.0, x = 0.0;
  long first, count, calls = 0;
  for (;;) {
    double t0 = MPI_Wtime();
    WHPC_MAIN(comm, whpc_workqueue_next(wq, &first, &count));
    double t = MPI_Wtime() - t0;
    calls++;
    sum_wait += t;
    max_wait = t > max_wait ? t : max_wait;
    if (count == 0) break;
    for (long i = first; i < first + count; i++) {
      seen[i]++;
      double s = MPI_Wtime(), len = rank == 0 ? busy : quick;
      while (MPI_Wtime() - s < len) x += 1e-9; /* no MPI call: no progress from rank 0 */
    }
  }
  long mine = whpc_workqueue_taken(wq);
  WHPC_MAIN(comm, whpc_workqueue_destroy(&wq));
  int *all = calloc((size_t)n, sizeof(int));
  MPI_Reduce(seen, all, (int)n, MPI_INT, MPI_SUM, 0, comm);
  double w[2] = {rank ? max_wait : 0.0, rank ? sum_wait / (double)calls : 0.0}, wmax[2];
  MPI_Reduce(w, wmax, 2, MPI_DOUBLE, MPI_MAX, 0, comm);
  long mine0 = rank == 0 ? mine : 0, r0 = 0;
  MPI_Reduce(&mine0, &r0, 1, MPI_LONG, MPI_SUM, 0, comm);
  int bad = 0;
  if (rank == 0) {
    for (long i = 0; i < n; i++)
      if (all[i] != 1) {
        fprintf(stderr, "t502 FAIL: item %ld handed out %d times\n", i, all[i]);
        bad = 1;
      }
    printf("t502_workqueue_busy (%s): %d ranks, rank 0 took %ld of %ld items (%.1f s each); other ranks: "
           "max wait in next %.4f s, mean %.5f s%s\n",
           argc > 1 ? argv[1] : "auto", size, r0, n, busy, wmax[0], wmax[1], x < 0 ? "" : "");
  }
  MPI_Bcast(&bad, 1, MPI_INT, 0, comm);
  free(seen);
  free(all);
  whpc_finalize(&ctx);
  MPI_Finalize();
  return bad;
}
