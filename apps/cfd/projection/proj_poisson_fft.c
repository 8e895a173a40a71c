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
  /* stretched direction s (grid.stretch): transforms along the other directions, a tridiagonal
   * (Thomas) solve along s. Box A of each rank is split along s and full elsewhere (the transforms
   * are local there), box B is full along s and split along t, the slowest other direction. */
  int sdir, tdir, dir_lo, dir_hi; /* dir_*: outflow (phi = 0) at that end of s */
  whpc_box *A, *B;
  double *wa, *wb, *lam[3], *tc, *td;
} fft_solver;

static void box_fix(whpc_box *b, int ndims) {
  for (int d = ndims; d < 3; d++) b->lo[d] = 0, b->hi[d] = 1;
}

static void split(long n, int np, int r, long *lo, long *hi) {
  *lo = n * r / np;
  *hi = n * (r + 1) / np;
}

static size_t box_size(const whpc_box *b) {
  size_t c = 1;
  for (int d = 0; d < 3; d++) c *= (size_t)(b->hi[d] > b->lo[d] ? b->hi[d] - b->lo[d] : 0);
  return c;
}

/* The stretched set-up; lam[d] (eigenvalues of the uniform directions) and the transform kinds
 * per direction come from proj_fft_create. */
static int stretched_create(fft_solver *s, const proj_params *prm, double *lam[3], const fftw_r2r_kind *kfd,
                            const fftw_r2r_kind *kid) {
  const proj_grid *g = s->g;
  const int nd = g->ndims, sd = g->sdir;
  s->sdir = sd;
  s->tdir = nd - 1 != sd ? nd - 1 : nd - 2;
  s->dir_lo = prm->bc[2 * sd].kind == BC_OUTFLOW;
  s->dir_hi = prm->bc[2 * sd + 1].kind == BC_OUTFLOW;
  WHPC_MALLOC(s->A, s->np);
  WHPC_MALLOC(s->B, s->np);
  for (int r = 0; r < s->np; r++) {
    for (int d = 0; d < 3; d++) {
      s->A[r].lo[d] = s->B[r].lo[d] = 0;
      s->A[r].hi[d] = s->B[r].hi[d] = d < nd ? g->n[d] : 1;
    }
    split(g->n[sd], s->np, r, &s->A[r].lo[sd], &s->A[r].hi[sd]);
    split(g->n[s->tdir], s->np, r, &s->B[r].lo[s->tdir], &s->B[r].hi[s->tdir]);
  }
  const whpc_box *a = &s->A[s->me];
  const size_t na = box_size(a), nb = box_size(&s->B[s->me]);
  s->wa = fftw_alloc_real(na ? na : 1);
  s->wb = fftw_alloc_real(nb ? nb : 1);
  WHPC_MALLOC(s->tc, g->n[sd]);
  WHPC_MALLOC(s->td, g->n[sd]);
  if (!s->wa || !s->wb) return WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate the FFT work arrays");
  long e[3], st[3];
  for (int d = 0; d < 3; d++) e[d] = a->hi[d] - a->lo[d];
  st[0] = 1, st[1] = e[0], st[2] = e[0] * e[1];
  fftw_iodim dims[2], many = {(int)e[sd], (int)st[sd], (int)st[sd]};
  fftw_r2r_kind kf[2], ki[2];
  int rank = 0;
  for (int d = nd - 1; d >= 0; d--)
    if (d != sd) {
      dims[rank] = (fftw_iodim){(int)g->n[d], (int)st[d], (int)st[d]};
      kf[rank] = kfd[d];
      ki[rank] = kid[d];
      rank++;
    }
  s->norm = 1.0;
  for (int d = 0; d < nd; d++) {
    if (d == sd) continue;
    s->norm *= kfd[d] == FFTW_R2HC ? (double)g->n[d] : 2.0 * (double)g->n[d];
    s->lam[d] = lam[d];
    lam[d] = NULL; /* kept */
  }
  if (na) {
    s->fwd = fftw_plan_guru_r2r(rank, dims, 1, &many, s->wa, s->wa, kf, FFTW_ESTIMATE);
    s->inv = fftw_plan_guru_r2r(rank, dims, 1, &many, s->wa, s->wa, ki, FFTW_ESTIMATE);
    if (!s->fwd || !s->inv) return WHPC_RAISE(WHPC_ERR_INPUT, "FFTW cannot plan the pressure transforms");
  }
  return WHPC_OK;
}

/* Along s, for every transformed mode of box B: (1/dc_i)[(phi_{i+1}-phi_i)/df_{i+1} -
 * (phi_i-phi_{i-1})/df_i] + lambda phi_i = r_i / norm, Neumann (no flux) or phi = 0 on the end
 * faces; the constant mode of a singular problem is pinned and shifted to zero mean. */
static void stretched_lines(fft_solver *s) {
  const proj_grid *g = s->g;
  const int sd = s->sdir;
  const whpc_box *b = &s->B[s->me];
  long e[3], st[3];
  for (int d = 0; d < 3; d++) e[d] = b->hi[d] - b->lo[d];
  st[0] = 1, st[1] = e[0], st[2] = e[0] * e[1];
  if (!box_size(b)) return;
  const long n = g->n[sd];
  const double *dc = g->gdc + PROJ_SOFF, *df = g->gdf + PROJ_SOFF, scale = 1.0 / s->norm;
  const int o1 = (sd + 1) % 3, o2 = (sd + 2) % 3;
  for (long m2 = 0; m2 < e[o2]; m2++)
    for (long m1 = 0; m1 < e[o1]; m1++) {
      double lam = 0.0;
      const long gm1 = b->lo[o1] + m1, gm2 = b->lo[o2] + m2;
      if (o1 < g->ndims) lam += s->lam[o1][gm1];
      if (o2 < g->ndims) lam += s->lam[o2][gm2];
      double *x = s->wb + m1 * st[o1] + m2 * st[o2];
      const long stride = st[sd];
      const int pin = lam == 0.0 && !s->dir_lo && !s->dir_hi;
      /* forward elimination */
      double prev_c = 0.0, prev_d = 0.0;
      for (long i = 0; i < n; i++) {
        double lo = 1.0 / (dc[i] * df[i]), up = 1.0 / (dc[i] * df[i + 1]);
        double diag = -(lo + up) + lam, r = x[i * stride] * scale;
        if (i == 0) {
          diag += s->dir_lo ? -lo : lo;
          lo = 0.0;
        }
        if (i == n - 1) {
          diag += s->dir_hi ? -up : up;
          up = 0.0;
        }
        if (pin && i == 0) diag = 1.0, up = 0.0, r = 0.0;
        const double mden = diag - lo * prev_c;
        prev_c = up / mden;
        prev_d = (r - lo * prev_d) / mden;
        s->tc[i] = prev_c;
        s->td[i] = prev_d;
      }
      double next = 0.0, mean = 0.0;
      for (long i = n - 1; i >= 0; i--) {
        next = s->td[i] - s->tc[i] * next;
        x[i * stride] = next;
        mean += next;
      }
      if (pin) {
        mean /= (double)n;
        for (long i = 0; i < n; i++) x[i * stride] -= mean;
      }
    }
}

static int stretched_solve(fft_solver *s) {
  WHPC_CALL(proj_redistribute(s->dec, s->own, s->A, s->packed, s->wa));
  if (s->fwd) fftw_execute(s->fwd);
  WHPC_CALL(proj_redistribute(s->dec, s->A, s->B, s->wa, s->wb));
  stretched_lines(s);
  WHPC_CALL(proj_redistribute(s->dec, s->B, s->A, s->wb, s->wa));
  if (s->inv) fftw_execute(s->inv);
  WHPC_CALL(proj_redistribute(s->dec, s->A, s->own, s->wa, s->packed));
  return WHPC_OK;
}

int proj_fft_create(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, void **impl) {
  fft_solver *s;
  WHPC_MALLOC(s, 1);
  memset(s, 0, sizeof *s);
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
  if (g->sdir >= 0) {
    fftw_r2r_kind kfd[3], kid[3];
    for (int d = 0; d < nd; d++) kfd[d] = kf[nd - 1 - d], kid[d] = ki[nd - 1 - d];
    size_t nown = 1;
    for (int d = 0; d < nd; d++) nown *= (size_t)g->nl[d];
    WHPC_MALLOC(s->packed, nown);
    int rc = stretched_create(s, prm, lam, kfd, kid);
    for (int d = 0; d < nd; d++) free(lam[d]);
    if (rc) {
      proj_fft_destroy(s);
      return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
    }
    *impl = s;
    return WHPC_OK;
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
  double *dst = s->np > 1 || s->A ? s->packed : s->work;
  size_t m = 0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) dst[m++] = rhs[proj_at(g, i, j, k)];
  if (s->A) {
    WHPC_CALL(stretched_solve(s));
    m = 0;
    for (long k = 0; k < g->nl[2]; k++)
      for (long j = 0; j < g->nl[1]; j++)
        for (long i = 0; i < g->nl[0]; i++) phi[proj_at(g, i, j, k)] = s->packed[m++];
    return WHPC_OK;
  }
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
  if (s->fwd) fftw_destroy_plan(s->fwd);
  if (s->inv) fftw_destroy_plan(s->inv);
  fftw_free(s->work);
  fftw_free(s->wa);
  fftw_free(s->wb);
  for (int d = 0; d < 3; d++) free(s->lam[d]);
  free(s->A), free(s->B), free(s->tc), free(s->td);
  free(s->packed);
  free(s->eig);
  free(s->own);
  free(s->slab);
  free(s);
}
