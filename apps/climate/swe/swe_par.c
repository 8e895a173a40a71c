/* swe_par.c — MPI for the swe model (see swe_par.h). Every rank of a row communicator
 * filters the same whole rows with the same FFTW plan, so the result does not depend on
 * how a latitude circle is split. */
#include "swe_par.h"
#include <stdlib.h>
#include <string.h>

struct swe_par_s {
  MPI_Comm comm, row;
  int row_size;
  const swe_grid *gr;
  whpc_halo_t halo;
  swe_filter_t filter;
  long *i0s, *cnts;  /* lon start and count of each rank of the row communicator */
  int *rcounts, *rdispls;
  double *send, *recv, *full; /* pack buffers and whole rows */
  size_t cap_rows;
  /* rows of one filter call: array and local row */
  double **rarr;
  long *rj;
  double *rphi;
};

int swe_par_create(whpc_decomp_t g, const swe_grid *gr, whpc_halo_t halo, swe_filter_t filter, swe_par_t *out) {
  struct swe_par_s *p;
  WHPC_MALLOC(p, 1);
  p->comm = whpc_decomp_comm(g), p->gr = gr, p->halo = halo, p->filter = filter;
  WHPC_CALL(whpc_decomp_sub_comm(g, (const int[3]){1, 0, 0}, &p->row));
  WHPC_MPI(MPI_Comm_size(p->row, &p->row_size));
  WHPC_MALLOC(p->i0s, p->row_size);
  WHPC_MALLOC(p->cnts, p->row_size);
  WHPC_MALLOC(p->rcounts, p->row_size);
  WHPC_MALLOC(p->rdispls, p->row_size);
  WHPC_MPI(MPI_Allgather(&gr->i0, 1, MPI_LONG, p->i0s, 1, MPI_LONG, p->row));
  WHPC_MPI(MPI_Allgather(&gr->nx, 1, MPI_LONG, p->cnts, 1, MPI_LONG, p->row));
  p->cap_rows = 3 * (size_t)gr->ny + 2;
  WHPC_MALLOC(p->send, p->cap_rows * (size_t)gr->nx);
  WHPC_MALLOC(p->recv, p->cap_rows * (size_t)gr->nlon);
  WHPC_MALLOC(p->full, (size_t)gr->nlon);
  WHPC_MALLOC(p->rarr, p->cap_rows);
  WHPC_MALLOC(p->rj, p->cap_rows);
  WHPC_MALLOC(p->rphi, p->cap_rows);
  *out = p;
  return WHPC_OK;
}

int swe_par_destroy(swe_par_t *pp) {
  struct swe_par_s *p = *pp;
  if (!p) return WHPC_OK;
  if (p->row != MPI_COMM_NULL) MPI_Comm_free(&p->row);
  free(p->i0s), free(p->cnts), free(p->rcounts), free(p->rdispls);
  free(p->send), free(p->recv), free(p->full), free(p->rarr), free(p->rj), free(p->rphi);
  free(p);
  *pp = NULL;
  return WHPC_OK;
}

int swe_par_exchange(void *ctx, double *h, double *u, double *v) {
  struct swe_par_s *p = ctx;
  WHPC_CALL(whpc_halo_exchange(p->halo, (void *const[]){h, u, v}));
  return WHPC_OK;
}

/* Gather the nr listed rows whole (every rank of the row communicator gets all of them). */
static int gather_rows(struct swe_par_s *p, int nr) {
  const swe_grid *gr = p->gr;
  for (int q = 0; q < nr; q++)
    for (long i = 0; i < gr->nx; i++) p->send[(size_t)q * gr->nx + i] = p->rarr[q][swe_ix(gr, i, p->rj[q])];
  int off = 0;
  for (int r = 0; r < p->row_size; r++) {
    p->rcounts[r] = nr * (int)p->cnts[r], p->rdispls[r] = off;
    off += p->rcounts[r];
  }
  WHPC_MPI(MPI_Allgatherv(p->send, nr * (int)gr->nx, MPI_DOUBLE, p->recv, p->rcounts, p->rdispls, MPI_DOUBLE, p->row));
  return WHPC_OK;
}

/* Whole row q from the gathered segments, in global longitude order. */
static void assemble(struct swe_par_s *p, int q) {
  for (int r = 0; r < p->row_size; r++)
    memcpy(p->full + p->i0s[r], p->recv + p->rdispls[r] + (size_t)q * p->cnts[r], (size_t)p->cnts[r] * sizeof(double));
}

int swe_par_filter(void *ctx, double *dh, double *du, double *dv) {
  struct swe_par_s *p = ctx;
  const swe_grid *gr = p->gr;
  int nr = 0;
  for (long j = 0; j < gr->ny; j++) {
    const long jj = j + gr->g;
    if (swe_filter_active(p->filter, gr->phic[jj])) {
      p->rarr[nr] = dh, p->rj[nr] = j, p->rphi[nr++] = gr->phic[jj];
      p->rarr[nr] = du, p->rj[nr] = j, p->rphi[nr++] = gr->phic[jj];
    }
    if (gr->j0 + j < gr->nlat - 1 && swe_filter_active(p->filter, gr->phie[jj]))
      p->rarr[nr] = dv, p->rj[nr] = j, p->rphi[nr++] = gr->phie[jj];
  }
  if (!nr) return WHPC_OK; /* the same on every rank of the row communicator */
  if (p->row_size == 1) {
    for (int q = 0; q < nr; q++) {
      double *a = p->rarr[q] + swe_ix(gr, 0, p->rj[q]);
      swe_filter_row(p->filter, p->rphi[q], a);
    }
    return WHPC_OK;
  }
  WHPC_CALL(gather_rows(p, nr));
  for (int q = 0; q < nr; q++) {
    assemble(p, q);
    swe_filter_row(p->filter, p->rphi[q], p->full);
    memcpy(p->rarr[q] + swe_ix(gr, 0, p->rj[q]), p->full + gr->i0, (size_t)gr->nx * sizeof(double));
  }
  return WHPC_OK;
}

int swe_par_pole_vorticity(swe_par_t p, const double *u, double *zeta) {
  const swe_grid *gr = p->gr;
  for (int north = 0; north < 2; north++) {
    if (!(north ? gr->north_pole : gr->south_pole)) continue;
    const long j = north ? gr->ny - 1 : 0;
    p->rarr[0] = (double *)u, p->rj[0] = j;
    WHPC_CALL(gather_rows(p, 1));
    assemble(p, 0);
    const double z = swe_pole_vorticity(gr->nlon, gr->dlam, gr->phic[j + gr->g], p->full, north);
    const long jc = north ? gr->ny - 1 : -1;
    for (long i = -1; i < gr->nx; i++) zeta[swe_ix(gr, i, jc)] = z;
  }
  return WHPC_OK;
}

int swe_par_sum(swe_par_t p, double *v, int n) {
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, p->comm));
  return WHPC_OK;
}
int swe_par_max(swe_par_t p, double *v, int n) {
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MAX, p->comm));
  return WHPC_OK;
}
int swe_par_min(swe_par_t p, double *v, int n) {
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MIN, p->comm));
  return WHPC_OK;
}

static uint64_t mix(uint64_t x) { /* splitmix64 finaliser */
  x ^= x >> 30, x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27, x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

int swe_par_checksum(swe_par_t p, const double *const *fields, int nf, uint64_t *sum) {
  const swe_grid *gr = p->gr;
  uint64_t s = 0;
  for (int f = 0; f < nf; f++)
    for (long j = 0; j < gr->ny; j++)
      for (long i = 0; i < gr->nx; i++) {
        uint64_t bits;
        memcpy(&bits, &fields[f][swe_ix(gr, i, j)], sizeof bits);
        const uint64_t gidx = (uint64_t)(gr->i0 + i) + (uint64_t)gr->nlon * ((uint64_t)(gr->j0 + j) + (uint64_t)gr->nlat * (uint64_t)f);
        s += mix(mix(gidx) ^ bits);
      }
  WHPC_MPI(MPI_Allreduce(&s, sum, 1, MPI_UINT64_T, MPI_SUM, p->comm));
  return WHPC_OK;
}

int swe_par_bcast(swe_par_t p, double *v, long n) {
  WHPC_MPI(MPI_Bcast(v, (int)n, MPI_DOUBLE, 0, p->comm));
  return WHPC_OK;
}
