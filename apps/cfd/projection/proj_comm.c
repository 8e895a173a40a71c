/* proj_comm.c — the MPI calls of the projection solver: reductions, the block <-> slab
 * redistribution of the FFT solver, the prefix sum of the stream function and the rank order PETSc's DMDA expects.
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

/* Elements of box b in x-fastest order (unused dimensions have lo = 0, hi = 1). */
static long box_count(const whpc_box *b) {
  long c = 1;
  for (int d = 0; d < 3; d++) c *= b->hi[d] > b->lo[d] ? b->hi[d] - b->lo[d] : 0;
  return c;
}

static int box_meet(const whpc_box *a, const whpc_box *b, whpc_box *out) {
  for (int d = 0; d < 3; d++) {
    out->lo[d] = a->lo[d] > b->lo[d] ? a->lo[d] : b->lo[d];
    out->hi[d] = a->hi[d] < b->hi[d] ? a->hi[d] : b->hi[d];
    if (out->hi[d] <= out->lo[d]) return 0;
  }
  return 1;
}

/* Copy the part `part` of a packed box array `from` (box fb) to/from a contiguous buffer. */
static size_t copy_part(const whpc_box *fb, const whpc_box *part, double *arr, double *buf, int to_buf) {
  const long nx = fb->hi[0] - fb->lo[0], ny = fb->hi[1] - fb->lo[1];
  size_t m = 0;
  for (long k = part->lo[2]; k < part->hi[2]; k++)
    for (long j = part->lo[1]; j < part->hi[1]; j++)
      for (long i = part->lo[0]; i < part->hi[0]; i++, m++) {
        const size_t q = (size_t)((i - fb->lo[0]) + nx * ((j - fb->lo[1]) + ny * (k - fb->lo[2])));
        if (to_buf) buf[m] = arr[q];
        else arr[q] = buf[m];
      }
  return m;
}

int proj_redistribute(whpc_decomp_t dec, const whpc_box *src, const whpc_box *dst, const double *in, double *out) {
  MPI_Comm comm = whpc_decomp_comm(dec);
  int np, me;
  MPI_Comm_size(comm, &np);
  MPI_Comm_rank(comm, &me);
  int *sc, *sd, *rc, *rd;
  WHPC_MALLOC(sc, np);
  WHPC_MALLOC(sd, np);
  WHPC_MALLOC(rc, np);
  WHPC_MALLOC(rd, np);
  long ns = 0, nr = 0;
  whpc_box part;
  for (int r = 0; r < np; r++) {
    sc[r] = box_meet(&src[me], &dst[r], &part) ? (int)box_count(&part) : 0;
    rc[r] = box_meet(&src[r], &dst[me], &part) ? (int)box_count(&part) : 0;
    sd[r] = (int)ns;
    rd[r] = (int)nr;
    ns += sc[r];
    nr += rc[r];
  }
  double *sbuf, *rbuf;
  WHPC_MALLOC(sbuf, ns);
  WHPC_MALLOC(rbuf, nr);
  for (int r = 0; r < np; r++)
    if (sc[r] && box_meet(&src[me], &dst[r], &part)) copy_part(&src[me], &part, (double *)in, sbuf + sd[r], 1);
  int mrc = MPI_Alltoallv(sbuf, sc, sd, MPI_DOUBLE, rbuf, rc, rd, MPI_DOUBLE, comm);
  if (mrc == MPI_SUCCESS)
    for (int r = 0; r < np; r++)
      if (rc[r] && box_meet(&src[r], &dst[me], &part)) copy_part(&dst[me], &part, out, rbuf + rd[r], 0);
  free(sbuf), free(rbuf), free(sc), free(sd), free(rc), free(rd);
  if (mrc != MPI_SUCCESS) return whpc_err_mpi(mrc, __FILE__, __LINE__, __func__);
  return WHPC_OK;
}

int proj_allgather_range(whpc_decomp_t dec, long lo, long hi, long *los, long *his) {
  MPI_Comm comm = whpc_decomp_comm(dec);
  int np;
  MPI_Comm_size(comm, &np);
  long mine[2] = {lo, hi}, *all;
  WHPC_MALLOC(all, 2 * np);
  int mrc = MPI_Allgather(mine, 2, MPI_LONG, all, 2, MPI_LONG, comm);
  for (int r = 0; r < np; r++) los[r] = all[2 * r], his[r] = all[2 * r + 1];
  free(all);
  if (mrc != MPI_SUCCESS) return whpc_err_mpi(mrc, __FILE__, __LINE__, __func__);
  return WHPC_OK;
}

void proj_comm_free(MPI_Comm *c) {
  if (c && *c != MPI_COMM_NULL) MPI_Comm_free(c);
}
