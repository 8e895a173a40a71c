/* proj_poisson_fft.c — direct solve of the 5/7-point Poisson equation by real trigonometric
 * transforms (FFTW r2r): DFT (R2HC) in periodic directions, DCT-II for Neumann (wall/inflow)
 * and DST-II for Dirichlet (outflow at both ends). The discrete eigenvalues
 * -(4/h^2) sin^2(theta/2) make it exact to round-off for the discrete operator.
 * Parallel runs gather the right-hand side on every rank and solve redundantly (simple and
 * deterministic: every rank count gives bitwise the same phi); cost O(N log N) per rank, so it is
 * meant for the modest grids of one node. A pencil-transposed version is future work. */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include "proj.h"

typedef struct {
  whpc_decomp_t dec;
  const proj_grid *g;
  double *work; /* global array, x fastest */
  double *eig;  /* eigenvalue per global index (0 entry: null mode) */
  fftw_plan fwd, inv;
  double norm;
  size_t n;
} fft_solver;

int proj_fft_create(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, void **impl) {
  fft_solver *s;
  WHPC_MALLOC(s, 1);
  s->dec = dec;
  s->g = g;
  s->n = 1;
  for (int d = 0; d < g->ndims; d++) s->n *= (size_t)g->n[d];
  s->work = fftw_alloc_real(s->n);
  WHPC_MALLOC(s->eig, s->n);
  if (!s->work) return WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate the FFT work array (%zu doubles)", s->n);
  /* FFTW wants the slowest dimension first */
  int nrev[3];
  fftw_r2r_kind kf[3], ki[3];
  double *lam[3] = {NULL, NULL, NULL};
  s->norm = 1.0;
  for (int d = 0; d < g->ndims; d++) {
    const int r = g->ndims - 1 - d, n = (int)g->n[d];
    const double c = 4.0 / (g->h[d] * g->h[d]);
    nrev[r] = n;
    WHPC_MALLOC(lam[d], n);
    const proj_bc_kind lo = prm->bc[2 * d].kind;
    if (lo == BC_PERIODIC) {
      kf[r] = FFTW_R2HC;
      ki[r] = FFTW_HC2R;
      s->norm *= n;
      for (int m = 0; m < n; m++) {
        const int k = m <= n / 2 ? m : n - m;
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
  const long nx = g->n[0], ny = g->ndims > 1 ? g->n[1] : 1, nz = g->ndims > 2 ? g->n[2] : 1;
  for (long k = 0; k < nz; k++)
    for (long j = 0; j < ny; j++)
      for (long i = 0; i < nx; i++) {
        double e = lam[0][i] + lam[1][j] + (g->ndims > 2 ? lam[2][k] : 0.0);
        s->eig[i + nx * (j + ny * k)] = e;
      }
  for (int d = 0; d < g->ndims; d++) free(lam[d]);
  s->fwd = fftw_plan_r2r(g->ndims, nrev, s->work, s->work, kf, FFTW_ESTIMATE);
  s->inv = fftw_plan_r2r(g->ndims, nrev, s->work, s->work, ki, FFTW_ESTIMATE);
  if (!s->fwd || !s->inv) return WHPC_RAISE(WHPC_ERR_INPUT, "FFTW cannot plan the pressure transforms");
  *impl = s;
  return WHPC_OK;
}

int proj_fft_solve(void *impl, const double *rhs, double *phi) {
  fft_solver *s = impl;
  const proj_grid *g = s->g;
  WHPC_CALL(proj_allgather_field(s->dec, g, rhs, s->work));
  fftw_execute(s->fwd);
  const double scale = 1.0 / s->norm;
  for (size_t q = 0; q < s->n; q++) {
    const double e = s->eig[q];
    /* e = 0 exactly only for the constant mode of a singular (Neumann/periodic) problem */
    s->work[q] = e != 0.0 ? s->work[q] * scale / e : 0.0;
  }
  fftw_execute(s->inv);
  const long nx = g->n[0], ny = g->n[1];
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++)
        phi[proj_at(g, i, j, k)] = s->work[(g->lo[0] + i) + nx * ((g->lo[1] + j) + ny * (g->lo[2] + k))];
  return WHPC_OK;
}

void proj_fft_destroy(void *impl) {
  fft_solver *s = impl;
  if (!s) return;
  fftw_destroy_plan(s->fwd);
  fftw_destroy_plan(s->inv);
  fftw_free(s->work);
  free(s->eig);
  free(s);
}
