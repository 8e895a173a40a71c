/* proj_grid.c — coordinates of the stretched direction (grid.stretch = tanh): cell centres
 *   x_c(I) = o + L/2 (1 + tanh(beta (2 (I + 1/2)/n - 1)) / tanh(beta)),   I = 0 .. n-1,
 * clustered at both walls, ghost centres mirrored about the walls, and every face midway between
 * its two centres (the walls are then faces 0 and n exactly). With faces at the midpoints, the
 * flux (f_I - f_{I-1}) / (x_c(I) - x_c(I-1)) is centred on face I, so the conservative
 * (finite-volume) diffusion of a cell-centred quantity is exact for a parabola (Poiseuille to
 * round-off on the stretched grid); the face-centred component is second order. No MPI. */
#include <math.h>
#include <stdlib.h>
#include "proj.h"

int proj_grid_metrics(proj_grid *g, const proj_params *prm) {
  g->sdir = prm->stretch ? prm->stretch_dir : -1;
  for (int d = 0; d < 3; d++) g->hmin[d] = g->h[d];
  g->gxc = g->gxf = g->gdc = g->gdf = NULL;
  if (g->sdir < 0) return WHPC_OK;
  const int d = g->sdir;
  const long n = g->n[d], m = n + 2 * PROJ_SOFF + 1;
  const double o = g->origin[d], L = g->length[d], b = prm->stretch_beta;
  WHPC_MALLOC(g->gxc, m);
  WHPC_MALLOC(g->gxf, m);
  WHPC_MALLOC(g->gdc, m);
  WHPC_MALLOC(g->gdf, m);
  double *xc = g->gxc + PROJ_SOFF, *xf = g->gxf + PROJ_SOFF, *dc = g->gdc + PROJ_SOFF, *df = g->gdf + PROJ_SOFF;
  for (long i = 0; i < n; i++) xc[i] = o + 0.5 * L * (1.0 + tanh(b * (2.0 * (i + 0.5) / n - 1.0)) / tanh(b));
  for (long k = 1; k <= PROJ_SOFF; k++) {
    xc[-k] = 2.0 * o - xc[k - 1];
    xc[n - 1 + k] = 2.0 * (o + L) - xc[n - k];
  }
  for (long i = 1 - PROJ_SOFF; i <= n + PROJ_SOFF - 1; i++) xf[i] = 0.5 * (xc[i - 1] + xc[i]);
  xf[0] = o;
  xf[n] = o + L;
  xf[-PROJ_SOFF] = 2.0 * o - xf[PROJ_SOFF];
  xf[n + PROJ_SOFF] = 2.0 * (o + L) - xf[n - PROJ_SOFF];
  for (long i = -PROJ_SOFF; i < n + PROJ_SOFF; i++) dc[i] = xf[i + 1] - xf[i];
  dc[n + PROJ_SOFF] = dc[n + PROJ_SOFF - 1];
  for (long i = 1 - PROJ_SOFF; i <= n + PROJ_SOFF; i++) df[i] = xc[i] - xc[i - 1];
  df[-PROJ_SOFF] = df[1 - PROJ_SOFF];
  double hm = INFINITY;
  for (long i = 0; i < n; i++) hm = fmin(hm, fmin(dc[i], df[i]));
  g->hmin[d] = hm;
  return WHPC_OK;
}

void proj_grid_free(proj_grid *g) {
  free(g->gxc), free(g->gxf), free(g->gdc), free(g->gdf);
  g->gxc = g->gxf = g->gdc = g->gdf = NULL;
}

void proj_grid_locate(const proj_grid *g, int d, int c, double x, long *i0, double *w) {
  const long n = g->n[d];
  if (d != g->sdir) {
    const double xi = (x - g->origin[d]) / g->h[d] - (d == c ? 0.0 : 0.5);
    long i = (long)floor(xi);
    if (i > n - 1) i = n - 1;
    if (i < -1) i = -1;
    *i0 = i;
    *w = xi - (double)i;
    return;
  }
  const double *p = (d == c ? g->gxf : g->gxc) + PROJ_SOFF;
  long lo = -1, hi = n; /* p[lo] <= x < p[hi] by bisection */
  while (hi - lo > 1) {
    const long mid = (lo + hi) / 2;
    if (p[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (lo > n - 1) lo = n - 1;
  *i0 = lo;
  *w = (x - p[lo]) / (p[lo + 1] - p[lo]);
}
