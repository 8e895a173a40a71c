/* spec_wisdom.c — FFTW plans are costly to measure: keep the wisdom per (dim, n, ranks, planner)
 * in a directory and reuse it, so planning is paid once per machine and a restarted run gets the
 * same plans (and so bit-identical transforms). */
#include "spec_solver.h"

#include <stdio.h>
#include <unistd.h>

void cfd_spec_wisdom_path(const char *dir, int dim, long n, int ranks, cfd_spec_planner planner, int pencil,
                          char *buf, size_t len) {
  static const char *names[] = {"estimate", "measure", "patient"};
  snprintf(buf, len, "%s/fftw-wisdom-%dd-n%ld-np%d-%s-%s.txt", dir, dim, n, ranks, names[planner],
           pencil ? "pencil" : dim == 3 ? "transposed" : "slab");
}

int cfd_spec_wisdom_load(MPI_Comm comm, const char *path, int *imported) {
  int rank, ok = 0;
  fftw_mpi_init();
  MPI_Comm_rank(comm, &rank);
  if (rank == 0 && access(path, R_OK) == 0) ok = fftw_import_wisdom_from_filename(path);
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  if (ok) fftw_mpi_broadcast_wisdom(comm);
  *imported = ok;
  return 0;
}

int cfd_spec_wisdom_save(MPI_Comm comm, const char *path) {
  int rank, rc = 0;
  fftw_mpi_gather_wisdom(comm);
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    if (fftw_export_wisdom_to_filename(tmp) && rename(tmp, path) == 0) return 0;
    remove(tmp);
    rc = -1;
  }
  return rc;
}
