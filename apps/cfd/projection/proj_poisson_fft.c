/* proj_poisson_fft.c — direct solve of the 5/7-point Poisson equation by real trigonometric
 * transforms (FFTW r2r): DFT (R2HC) in periodic directions, DCT-II for Neumann (wall/inflow) and
 * DST-II for Dirichlet (outflow at both ends), divided by the exact eigenvalues
 * -(4/h^2) sin^2(theta/2) of the discrete operator: exact to round-off.
 * One rank: FFTW on the whole grid. Several ranks: FFTW-MPI on slabs of the slowest direction
 * (z in 3D, y in 2D); the right-hand side moves from the whpc blocks to the slabs and back with
 * one all-to-all each way (proj_redistribute). */
#include <fftw3-mpi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proj.h"

typedef struct {
  whpc_decomp_t dec;
  const proj_grid *g;
  int np, me;
  double *work;   /* slab (or whole grid), x fastest */
  double *packed; /* this rank's owned box, x fastest */
  double *eig;    /* eigenvalue of every slab entry (0: null mode) */
  whpc_box *own, *slab;
  fftw_plan fwd, inv;
  double norm;
  size_t nslab;
} fft_solver;

static void box_fix(whpc_box *b, int ndims) {
  for (int d = ndims; d < 3; d++) b->lo[d] = 0, b->hi[d] = 1;
}

int proj_fft_create(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, void **impl) {
  fft_solver *s;
  WHPC_MALLOC(s, 1);
  s->dec = dec;
  s->g = g;
  MPI_Comm comm = whpc_decomp_comm(dec);
  WHPC_MPI(MPI_Comm_size(comm, &s->np));
  WHPC_MPI(MPI_Comm_rank(comm, &s->me));
  const int nd = g->ndims, slow = nd - 1;
  /* FFTW wants the slowest dimension first */
  ptrdiff_t nrev[3];
  fftw_r2r_kind kf[3], ki[3];
  double *lam[3] = {NULL, NULL, NULL};
  s->norm = 1.0;
  for (int d = 0; d < nd; d++) {
    const int r = nd - 1 - d, n = (int)g->n[d];
    const double c = 4.0 / (g->h[d] * g->h[d]);
    nrev[r] = n;
    WHPC_MALLOC(lam[d], n);
    const proj_bc_kind lo = prm->bc[2 * d].kind;
    if (lo == BC_PERIODIC) {
      kf[r] = FFTW_R2HC;
      ki[r] = FFTW_HC2R;
      s->norm *= n;
      for (int m = 0; m < n; m++) {
        const int k = m <= n / 2 ? m : n - m; /* halfcomplex: entry m holds frequency k */
        lam[d][m] = -c * pow(sin(M_PI * k / n), 2);
      }
    } else if (lo == BC_OUTFLOW) {
      kf[r] = FFTW_RODFT10;
      ki[r] = FFTW_RODFT01;
      s->norm *= 2.0 * n;
      for (int m = 0; m < n; m++) lam[d][m] = -c * pow(sin(M_PI * (m + 1) / (2.0 * n)), 2);
    } else {
      kf[r] = FFTW_REDFT10;
      ki[r] = FFTW_REDFT01;
      s->norm *= 2.0 * n;
      for (int m = 0; m < n; m++) lam[d][m] = -c * pow(sin(M_PI * m / (2.0 * n)), 2);
    }
  }
  WHPC_MALLOC(s->own, s->np);
  WHPC_MALLOC(s->slab, s->np);
  for (int r = 0; r < s->np; r++) {
    whpc_decomp_rank_box(dec, r, &s->own[r]);
    box_fix(&s->own[r], nd);
  }
  ptrdiff_t alloc, ln0 = g->n[slow], s0 = 0;
  if (s->np > 1) {
    fftw_mpi_init(); /* idempotent */
    alloc = fftw_mpi_local_size(nd, nrev, comm, &ln0, &s0);
    long *los, *his;
    WHPC_MALLOC(los, s->np);
    WHPC_MALLOC(his, s->np);
    int rc = proj_allgather_range(dec, (long)s0, (long)(s0 + ln0), los, his);
    for (int r = 0; r < s->np && !rc; r++) {
      for (int d = 0; d < 3; d++) s->slab[r].lo[d] = 0, s->slab[r].hi[d] = d < nd ? g->n[d] : 1;
      s->slab[r].lo[slow] = los[r];
      s->slab[r].hi[slow] = his[r];
    }
    free(los);
    free(his);
    WHPC_CALL(rc);
  } else {
    alloc = 1;
    for (int d = 0; d < nd; d++) alloc *= g->n[d];
    s->slab[0] = s->own[0];
  }
  s->nslab = 1;
  for (int d = 0; d < nd; d++) s->nslab *= (size_t)(d == slow ? ln0 : g->n[d]);
  s->work = fftw_alloc_real(alloc > 0 ? (size_t)alloc : 1);
  if (!s->work) return WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate the FFT work array (%td doubles)", alloc);
  size_t nown = 1;
  for (int d = 0; d < nd; d++) nown *= (size_t)g->nl[d];
  WHPC_MALLOC(s->packed, nown);
  WHPC_MALLOC(s->eig, s->nslab);
  const long nx = g->n[0], ny = nd > 1 ? g->n[1] : 1;
  const whpc_box *sb = &s->slab[s->me];
  size_t q = 0;
  for (long k = sb->lo[2]; k < sb->hi[2]; k++)
    for (long j = sb->lo[1]; j < sb->hi[1]; j++)
      for (long i = 0; i < nx; i++, q++) s->eig[q] = lam[0][i] + lam[1][j] + (nd > 2 ? lam[2][k] : 0.0);
  (void)ny;
  for (int d = 0; d < nd; d++) free(lam[d]);
  if (s->np > 1) {
    s->fwd = fftw_mpi_plan_r2r(nd, nrev, s->work, s->work, comm, kf, FFTW_ESTIMATE);
    s->inv = fftw_mpi_plan_r2r(nd, nrev, s->work, s->work, comm, ki, FFTW_ESTIMATE);
  } else {
    int ni[3];
    for (int d = 0; d < nd; d++) ni[d] = (int)nrev[d];
    s->fwd = fftw_plan_r2r(nd, ni, s->work, s->work, kf, FFTW_ESTIMATE);
    s->inv = fftw_plan_r2r(nd, ni, s->work, s->work, ki, FFTW_ESTIMATE);
  }
  if (!s->fwd || !s->inv) return WHPC_RAISE(WHPC_ERR_INPUT, "FFTW cannot plan the pressure transforms");
  *impl = s;
  return WHPC_OK;
}

int proj_fft_solve(void *impl, const double *rhs, double *phi) {
  fft_solver *s = impl;
  const proj_grid *g = s->g;
  double *dst = s->np > 1 ? s->packed : s->work;
  size_t m = 0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) dst[m++] = rhs[proj_at(g, i, j, k)];
  if (s->np > 1) WHPC_CALL(proj_redistribute(s->dec, s->own, s->slab, s->packed, s->work));
  fftw_execute(s->fwd);
  const double scale = 1.0 / s->norm;
  for (size_t q = 0; q < s->nslab; q++) {
    const double e = s->eig[q];
    /* e = 0 exactly only for the constant mode of a singular (Neumann/periodic) problem */
    s->work[q] = e != 0.0 ? s->work[q] * scale / e : 0.0;
  }
  fftw_execute(s->inv);
  if (s->np > 1) WHPC_CALL(proj_redistribute(s->dec, s->slab, s->own, s->work, s->packed));
  const double *src = s->np > 1 ? s->packed : s->work;
  m = 0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) phi[proj_at(g, i, j, k)] = src[m++];
  return WHPC_OK;
}

void proj_fft_destroy(void *impl) {
  fft_solver *s = impl;
  if (!s) return;
  fftw_destroy_plan(s->fwd);
  fftw_destroy_plan(s->inv);
  fftw_free(s->work);
  free(s->packed);
  free(s->eig);
  free(s->own);
  free(s->slab);
  free(s);
}
