/* stream_triad.c — STREAM-style triad a = b + s c (24 bytes per element), best of 10, in GB/s.
 * Measured in the same benchmark run as the model so the fraction compares like with like. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000000L;
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
  if (!a || !b || !c) return 1;
  for (long i = 0; i < n; i++) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  double best = 1e30;
  for (int r = 0; r < 10; r++) {
    double t0 = now();
    for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
    double t = now() - t0;
    if (t < best) best = t;
  }
  printf("%.3f\n", 24.0 * (double)n / best / 1e9 + 0.0 * a[n / 2]);
  return 0;
}
