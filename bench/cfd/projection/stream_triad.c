/* STREAM-like triad a[i] = b[i] + s*c[i] per MPI rank, compiled and run by run.sh: the memory
 * bandwidth the machine delivers to this benchmark, measured in the same run as the solver.
 * Best of the repetitions (STREAM's convention; the mean is printed too); 3 arrays x 8 B x n
 * counted as traffic (as STREAM does, no write-allocate), summed over ranks. The arrays must
 * exceed the last-level cache several times; on a shared machine many short repetitions give a
 * best-of that is not at the mercy of one time slice. usage: stream_triad [n_per_rank] [reps] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long n = argc > 1 ? atol(argv[1]) : 20000000L;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  if (n < 1 || reps < 1) MPI_Abort(MPI_COMM_WORLD, 1);
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
  if (!a || !b || !c) MPI_Abort(MPI_COMM_WORLD, 1);
  for (long i = 0; i < n; i++) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  double best = 1e300, sum = 0.0;
  for (int r = 0; r < reps; r++) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
    MPI_Barrier(MPI_COMM_WORLD);
    double t = MPI_Wtime() - t0;
    if (t < best) best = t;
    sum += t;
  }
  double check = a[n / 2];
  const double bytes = 3.0 * 8.0 * (double)n * size;
  if (rank == 0)
    printf("triad_GBps %.3f mean_GBps %.3f  (n/rank %ld, ranks %d, check %g)\n", bytes / best / 1e9, bytes / (sum / reps) / 1e9,
           n, size, check);
  free(a), free(b), free(c);
  MPI_Finalize();
  return 0;
}
