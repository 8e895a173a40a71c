/* test_util.h — the failure counter and EXPECT of the libwhpc MPI tests (t101, t3xx, t501): a failed
 * expectation prints file:line and its message (the first 20 per rank) and the run goes on, so
 * one run reports every broken case; test_failures_total() sums the counts over all ranks.
 * Define TEST_NAME ("t101") before including. */
#ifndef WHPC_TEST_UTIL_H
#define WHPC_TEST_UTIL_H
#include <mpi.h>
#include <stdio.h>

#ifndef TEST_NAME
#define TEST_NAME "test"
#endif

static int failures = 0;
#define EXPECT(cond, ...)                                                \
  do {                                                                   \
    if (!(cond)) {                                                       \
      failures++;                                                        \
      if (failures < 20) {                                               \
        fprintf(stderr, "%s FAIL %s:%d: ", TEST_NAME, __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                                    \
        fprintf(stderr, "\n");                                           \
      }                                                                  \
    }                                                                    \
  } while (0)

/* Collective: the failures of every rank of comm. */
static inline int test_failures_total(MPI_Comm comm) {
  int total = 0;
  MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, comm);
  return total;
}
#endif
