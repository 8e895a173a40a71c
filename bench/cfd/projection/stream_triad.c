/* STREAM-like triad a[i] = b[i] + s*c[i] per MPI rank, compiled and run by run.sh: the memory
 * bandwidth the machine delivers to this benchmark, measured in the same run as the solver.
 * Best of the repetitions (STREAM's convention; the mean is printed too); 3 arrays x 8 B x n
 * counted as traffic (as STREAM does, no write-allocate), summed over ranks. The arrays must
 * exceed the last-level cache several times; on a shared machine many short repetitions give a
 * best-of that is not at the mercy of one time slice. The loop is also timed in thread CPU time
 * (best and mean, the slowest rank's), as whpc-cfd times its explicit stages. With "huge" the arrays
 * are allocated as whpc-cfd allocates its fields (2 MiB aligned, MADV_HUGEPAGE: transparent huge
 * pages where the kernel's THP mode is madvise), so that both sides stream memory with the same
 * page size; without it, as STREAM itself does (small pages unless THP is "always").
 * usage: stream_triad [n_per_rank] [reps] [huge] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/* CPU time of this thread (a time slice lost to another process on a shared machine does not count) */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* n doubles, optionally 2 MiB aligned with transparent huge pages asked for */
static double *alloc_array(long n, int huge) {
  if (!huge) return malloc((size_t)n * sizeof(double));
  void *p = NULL;
  if (posix_memalign(&p, (size_t)2 << 20, (size_t)n * sizeof(double))) return NULL;
#ifdef MADV_HUGEPAGE
  (void)madvise(p, (size_t)n * sizeof(double), MADV_HUGEPAGE);
#endif
  return p;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long n = argc > 1 ? atol(argv[1]) : 20000000L;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  if (n < 1 || reps < 1) MPI_Abort(MPI_COMM_WORLD, 1);
  const int huge = argc > 3 && strcmp(argv[3], "huge") == 0;
  double *a = alloc_array(n, huge), *b = alloc_array(n, huge), *c = alloc_array(n, huge);
  if (!a || !b || !c) MPI_Abort(MPI_COMM_WORLD, 1);
  for (long i = 0; i < n; i++) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  double best = 1e300, sum = 0.0, cbest = 1e300, csum = 0.0;
  for (int r = 0; r < reps; r++) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime(), c0 = cpu_now();
    for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
    const double ct = cpu_now() - c0;
    if (ct > 0 && ct < cbest) cbest = ct;
    csum += ct;
    MPI_Barrier(MPI_COMM_WORLD);
    double t = MPI_Wtime() - t0;
    if (t < best) best = t;
    sum += t;
  }
  double check = a[n / 2];
  const double bytes = 3.0 * 8.0 * (double)n * size;
  double cpu[2] = {cbest, csum}, cmax[2]; /* the slowest rank's CPU time, as whpc-cfd reports it */
  MPI_Reduce(cpu, cmax, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0)
    printf("triad_GBps %.3f mean_GBps %.3f cpu_GBps %.3f cpu_mean_GBps %.3f  (n/rank %ld, reps %d, ranks %d, %s pages, check %g)\n",
           bytes / best / 1e9, bytes / (sum / reps) / 1e9, bytes / cmax[0] / 1e9, bytes / (cmax[1] / reps) / 1e9, n, reps,
           size, huge ? "huge" : "default", check);
  free(a), free(b), free(c);
  MPI_Finalize();
  return 0;
}
