/* proj_comm.c — the only MPI calls of the projection solver: reductions, the gather of the FFT
 * solver, the prefix sum of the stream function and the rank order PETSc's DMDA expects.
 * (libwhpc offers no reduction helpers yet.) */
#include <stdlib.h>
#include <string.h>
#include "proj.h"

int proj_allreduce_max(whpc_decomp_t dec, double *v, int n) {
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MAX, whpc_decomp_comm(dec)));
  return WHPC_OK;
}

int proj_allreduce_sum(whpc_decomp_t dec, double *v, int n) {
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, whpc_decomp_comm(dec)));
  return WHPC_OK;
}

int proj_allgather_field(whpc_decomp_t dec, const proj_grid *g, const double *f, double *global) {
  MPI_Comm comm = whpc_decomp_comm(dec);
  int np, me;
  MPI_Comm_size(comm, &np);
  MPI_Comm_rank(comm, &me);
  const long nx = g->n[0], ny = g->n[1];
  if (np == 1) {
    for (long k = 0; k < g->nl[2]; k++)
      for (long j = 0; j < g->nl[1]; j++)
        memcpy(global + nx * (j + ny * k), f + proj_at(g, 0, j, k), sizeof(double) * (size_t)nx);
    return WHPC_OK;
  }
  int *counts, *displs;
  WHPC_MALLOC(counts, np);
  WHPC_MALLOC(displs, np);
  long total = 0;
  for (int r = 0; r < np; r++) {
    whpc_box b;
    whpc_decomp_rank_box(dec, r, &b);
    long c = 1;
    for (int d = 0; d < g->ndims; d++) c *= b.hi[d] - b.lo[d];
    counts[r] = (int)c;
    displs[r] = (int)total;
    total += c;
  }
  double *buf;
  WHPC_MALLOC(buf, total);
  double *mine = buf + displs[me];
  size_t m = 0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) mine[m++] = f[proj_at(g, i, j, k)];
  int rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, counts, displs, MPI_DOUBLE, comm);
  if (rc == MPI_SUCCESS)
    for (int r = 0; r < np; r++) {
      whpc_box b;
      whpc_decomp_rank_box(dec, r, &b);
      if (g->ndims < 3) b.lo[2] = 0, b.hi[2] = 1;
      const double *src = buf + displs[r];
      for (long k = b.lo[2]; k < b.hi[2]; k++)
        for (long j = b.lo[1]; j < b.hi[1]; j++)
          for (long i = b.lo[0]; i < b.hi[0]; i++) global[i + nx * (j + ny * k)] = *src++;
    }
  free(buf);
  free(counts);
  free(displs);
  if (rc != MPI_SUCCESS) return whpc_err_mpi(rc, __FILE__, __LINE__, __func__);
  return WHPC_OK;
}

int proj_scan_y(whpc_decomp_t dec, const double *local, double *offset, int n) {
  MPI_Comm col;
  const int keep[3] = {0, 1, 0};
  WHPC_CALL(whpc_decomp_sub_comm(dec, keep, &col));
  int me;
  MPI_Comm_rank(col, &me);
  int rc = MPI_Exscan(local, offset, n, MPI_DOUBLE, MPI_SUM, col);
  if (me == 0)
    for (int i = 0; i < n; i++) offset[i] = 0.0; /* Exscan leaves rank 0 undefined */
  MPI_Comm_free(&col);
  if (rc != MPI_SUCCESS) return whpc_err_mpi(rc, __FILE__, __LINE__, __func__);
  return WHPC_OK;
}

int proj_comm_dmda_order(whpc_decomp_t dec, MPI_Comm *out) {
  int dims[3], coords[3];
  whpc_decomp_dims(dec, dims);
  whpc_decomp_coords(dec, coords);
  const int key = coords[0] + dims[0] * (coords[1] + dims[1] * coords[2]);
  WHPC_MPI(MPI_Comm_split(whpc_decomp_comm(dec), 0, key, out));
  return WHPC_OK;
}
