/* io_test.h — helpers shared by the t3xx I/O tests: a value for every global cell that makes a
 * misplaced or mis-converted element visible; EXPECT and the failure counter are test_util.h's
 * (define TEST_NAME before including). */
#ifndef WHPC_IO_TEST_H
#define WHPC_IO_TEST_H
#include <math.h>
#include <stdio.h>
#include "whpc.h"
#include "../test_util.h"

/* Distinct, non-round values with all mantissa bits in use. */
static inline double io_value(long i, long j, long k, int var, int rec) {
  return 1000.0 * sin(0.1 * i + 0.37 * j + 0.71 * k + 1.3 * var + 0.5 * rec) + 1e-3 * i + 1e-6 * j + 1e-9 * k;
}

/* Fill the owned cells of a ghosted array with io_value, ghosts with NaN. */
static inline void io_fill(whpc_decomp_t g, double *u, int var, int rec) {
  whpc_layout lay;
  whpc_box own;
  size_t n = whpc_decomp_ghosted_count(g);
  for (size_t c = 0; c < n; c++) u[c] = NAN;
  whpc_decomp_layout(g, &lay);
  whpc_decomp_owned(g, &own);
  for (long k = own.lo[2]; k < own.hi[2]; k++)
    for (long j = own.lo[1]; j < own.hi[1]; j++)
      for (long i = own.lo[0]; i < own.hi[0]; i++)
        u[whpc_layout_index(&lay, i - own.lo[0], j - own.lo[1], k - own.lo[2])] = io_value(i, j, k, var, rec);
}

/* Count owned cells that differ from io_value (as float when as_float). Ghosts must be NaN. */
static inline long io_compare(whpc_decomp_t g, const double *u, int var, int rec, int as_float) {
  whpc_layout lay;
  whpc_box own;
  long bad = 0;
  whpc_decomp_layout(g, &lay);
  whpc_decomp_owned(g, &own);
  for (long k = own.lo[2]; k < own.hi[2]; k++)
    for (long j = own.lo[1]; j < own.hi[1]; j++)
      for (long i = own.lo[0]; i < own.hi[0]; i++) {
        double want = io_value(i, j, k, var, rec);
        if (as_float) want = (double)(float)want;
        double got = u[whpc_layout_index(&lay, i - own.lo[0], j - own.lo[1], k - own.lo[2])];
        if (got != want && bad++ == 0)
          fprintf(stderr, "first difference at (%ld,%ld,%ld) var %d rec %d: %.17g, expected %.17g\n", i, j, k, var,
                  rec, got, want);
      }
  return bad;
}
#endif
