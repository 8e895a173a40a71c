/* t501_workqueue — with uneven item costs (and one slow rank), every item is handed out exactly
 * once in static and dynamic mode, for several item counts and chunk sizes, with and without a
 * done[] mask (resume); static mode hands each rank exactly its block. Dynamic mode runs on each
 * back-end (WHPC_WORKQUEUE = shm, thread, rank, rma). Same at any rank count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whpc.h"

#define TEST_NAME "t501"
#include "../test_util.h"

/* Busy work of uneven cost: item i costs (i % 7) units, rank 1 is 3x slower. */
static double work(long item, int rank) {
  double t0 = MPI_Wtime(), unit = 20e-6 * (rank == 1 ? 3 : 1), x = 0.0;
  while (MPI_Wtime() - t0 < unit * (double)(item % 7)) x += 1e-9;
  return x;
}

/* leave: the last rank stops after its first range and destroys the queue early (an app whose
 * rank failed); the others must still drain every item without hanging. */
static void run_case(whpc_ctx_t ctx, whpc_wq_mode mode, long n, long chunk, int use_mask, int leave) {
  MPI_Comm comm = whpc_comm(ctx);
  int rank = whpc_rank(ctx), size = whpc_size(ctx);
  unsigned char *done = calloc((size_t)n + 1, 1);
  long nskip = 0;
  if (use_mask)
    for (long i = 0; i < n; i++)
      if (i % 5 == 0 || i % 11 == 3) done[i] = 1, nskip++;
  whpc_workqueue_t wq;
  if (whpc_workqueue_create(ctx, n, mode, chunk, &wq) != WHPC_OK) {
    EXPECT(0, "create: %s", whpc_err_message());
    whpc_err_clear();
    free(done);
    return;
  }
  if (use_mask) EXPECT(whpc_workqueue_skip(wq, done) == WHPC_OK, "skip: %s", whpc_err_message());
  long *mine = malloc(sizeof(long) * ((size_t)n + 1)), nmine = 0, first, count;
  double sink = 0.0;
  for (;;) {
    if (whpc_workqueue_next(wq, &first, &count) != WHPC_OK) {
      EXPECT(0, "next: %s", whpc_err_message());
      whpc_err_clear();
      break;
    }
    if (count == 0) break;
    EXPECT(count >= 1 && count <= chunk && first >= 0 && first + count <= n, "range [%ld,+%ld) chunk %ld n %ld",
           first, count, chunk, n);
    for (long i = first; i < first + count && nmine < n; i++) {
      EXPECT(!done[i], "item %ld handed out although marked done", i);
      mine[nmine++] = i;
      sink += work(i, rank);
    }
    if (leave && rank == size - 1 && size > 1) break;
  }
  int leaver = leave && rank == size - 1 && size > 1;
  if (!leaver)
    EXPECT(whpc_workqueue_next(wq, &first, &count) == WHPC_OK && count == 0, "next after the end gave work");
  EXPECT(whpc_workqueue_taken(wq) == nmine, "taken %ld, handed %ld", whpc_workqueue_taken(wq), nmine);
  if (mode == WHPC_WQ_STATIC) {
    long s, c, k = 0;
    whpc_block_range(n, size, rank, &s, &c);
    for (long i = s; i < s + c; i++)
      if (!done[i]) {
        EXPECT(k < nmine && mine[k] == i, "static: rank %d item %ld not from its block", rank, i);
        k++;
      }
    EXPECT(k == nmine, "static: rank %d took %ld items, block has %ld", rank, nmine, k);
  }
  EXPECT(whpc_workqueue_destroy(&wq) == WHPC_OK && wq == NULL, "destroy");

  /* Rank 0 gathers every taken item and counts. */
  int cnt = (int)nmine, *counts = malloc(sizeof(int) * (size_t)size), *displs = malloc(sizeof(int) * (size_t)size);
  MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
  long total = 0, *all = NULL;
  if (rank == 0) {
    for (int r = 0; r < size; r++) displs[r] = (int)total, total += counts[r];
    all = malloc(sizeof(long) * ((size_t)total + 1));
  }
  MPI_Gatherv(mine, cnt, MPI_LONG, all, counts, displs, MPI_LONG, 0, comm);
  if (rank == 0) {
    int *seen = calloc((size_t)n + 1, sizeof(int));
    for (long k = 0; k < total; k++) seen[all[k]]++;
    for (long i = 0; i < n; i++)
      EXPECT(seen[i] == (done[i] ? 0 : 1), "%s n=%ld chunk=%ld mask=%d: item %ld handed out %d times",
             mode == WHPC_WQ_STATIC ? "static" : "dynamic", n, chunk, use_mask, i, seen[i]);
    EXPECT(total == n - nskip, "total %ld, expected %ld", total, n - nskip);
    free(seen);
    free(all);
  }
  free(counts);
  free(displs);
  free(mine);
  free(done);
  if (sink < 0) printf("%g\n", sink);
}

int main(int argc, char **argv) {
  /* The dispatcher-thread back-end needs MPI_THREAD_MULTIPLE: initialise MPI before whpc_init. */
  int provided;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  whpc_app_info info = {"t501_workqueue", "work queue test", NULL, 0};
  whpc_ctx_t ctx;
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  static const char *BACKENDS[] = {"shm", "thread", "rank", "rma"};
  static const long N[] = {0, 1, 3, 50, 103};
  static const long CHUNK[] = {1, 3, 7, 200};
  int ncases = 0;
  for (int mode = 0; mode < 5; mode++)
    for (size_t a = 0; a < sizeof(N) / sizeof(N[0]); a++)
      for (size_t b = 0; b < sizeof(CHUNK) / sizeof(CHUNK[0]); b++)
        for (int mask = 0; mask < 2; mask++) {
          if (mode > 0) setenv("WHPC_WORKQUEUE", BACKENDS[mode - 1], 1);
          if (mode == 2 && provided != MPI_THREAD_MULTIPLE) continue;
          run_case(ctx, mode ? WHPC_WQ_DYNAMIC : WHPC_WQ_STATIC, N[a], CHUNK[b], mask, 0);
          ncases++;
          /* A rank leaving early (dynamic only; with the dispatcher rank on 2 ranks the leaver is
           * the only worker, so nobody would drain the queue). */
          if (mode > 0 && !mask && !(mode == 3 && whpc_size(ctx) == 2)) {
            run_case(ctx, WHPC_WQ_DYNAMIC, N[a], CHUNK[b], 0, 1);
            ncases++;
          }
        }
  int total = test_failures_total(whpc_comm(ctx));
  if (whpc_rank(ctx) == 0) printf("t501_workqueue: %d cases on %d ranks, %d failures\n", ncases, whpc_size(ctx), total);
  whpc_finalize(&ctx);
  MPI_Finalize();
  return total ? 1 : 0;
}
