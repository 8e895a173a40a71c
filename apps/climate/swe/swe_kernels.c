/* swe_kernels.c — C-grid shallow-water tendencies on the sphere (no MPI).
 * Vector-invariant momentum with Sadourny's energy-conserving Coriolis/vorticity term: the
 * Coriolis forces do no work in the discrete energy budget (weights below cancel pairwise
 * per corner). Kinetic energy uses face weights l*d/(4A), so the row next to a pole takes
 * its meridional part from the one real face (the pole face has zero length). */
#include "swe_kernels.h"
#include <math.h>
#include <stdlib.h>

static long clampl(long v, long lo, long hi) { return v < lo ? lo : (v > hi ? hi : v); }

int swe_grid_init(swe_grid *gr, long nlon, long nlat, long nx, long ny, long i0, long j0, long g) {
  *gr = (swe_grid){0};
  gr->nlon = nlon, gr->nlat = nlat, gr->nx = nx, gr->ny = ny, gr->i0 = i0, gr->j0 = j0, gr->g = g;
  gr->gx = nx + 2 * g, gr->gy = ny + 2 * g;
  gr->dlam = 2.0 * M_PI / (double)nlon, gr->dphi = M_PI / (double)nlat;
  gr->dy = SWE_A * gr->dphi;
  gr->south_pole = (j0 == 0), gr->north_pole = (j0 + ny == nlat);
  double **rows[] = {&gr->phic, &gr->phie, &gr->area, &gr->dxc, &gr->lv, &gr->areav,
                     &gr->wn, &gr->ws, &gr->ke_u, &gr->ke_n, &gr->ke_s};
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
    if (!(*rows[k] = calloc((size_t)gr->gy, sizeof(double)))) return -1;
  const double a2 = SWE_A * SWE_A * gr->dlam;
  for (long jj = 0; jj < gr->gy; jj++) {
    /* rows beyond a pole copy the pole row: finite values nothing depends on */
    const long J = clampl(j0 + jj - g, 0, nlat - 1);
    const double pc = -0.5 * M_PI + ((double)J + 0.5) * gr->dphi;
    const double pe = -0.5 * M_PI + (double)(J + 1) * gr->dphi;
    const double pw = -0.5 * M_PI + (double)J * gr->dphi;
    const double se = J == nlat - 1 ? 1.0 : sin(pe), sw = J == 0 ? -1.0 : sin(pw);
    gr->phic[jj] = pc, gr->phie[jj] = pe;
    gr->area[jj] = a2 * (se - sw);
    gr->dxc[jj] = SWE_A * cos(pc) * gr->dlam;
    gr->lv[jj] = J == nlat - 1 ? 0.0 : SWE_A * cos(pe) * gr->dlam;
    const double lvs = J == 0 ? 0.0 : SWE_A * cos(pw) * gr->dlam;
    gr->areav[jj] = J == nlat - 1 ? a2 * (1.0 - sin(pc)) : a2 * (sin(pc + gr->dphi) - sin(pc));
    gr->wn[jj] = (se - sin(pc)) / (se - sw);
    gr->ws[jj] = (sin(pc) - sw) / (se - sw);
    gr->ke_u[jj] = 0.25 * gr->dy * gr->dxc[jj] / gr->area[jj];
    gr->ke_n[jj] = 0.25 * gr->dy * gr->lv[jj] / gr->area[jj];
    gr->ke_s[jj] = 0.25 * gr->dy * lvs / gr->area[jj];
  }
  return 0;
}

void swe_grid_free(swe_grid *gr) {
  double *rows[] = {gr->phic, gr->phie, gr->area, gr->dxc, gr->lv, gr->areav,
                    gr->wn, gr->ws, gr->ke_u, gr->ke_n, gr->ke_s};
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) free(rows[k]);
  *gr = (swe_grid){0};
}

int swe_work_alloc(swe_work *w, size_t n) {
  w->U = calloc(n, sizeof(double)), w->V = calloc(n, sizeof(double));
  w->q = calloc(n, sizeof(double)), w->B = calloc(n, sizeof(double));
  return (w->U && w->V && w->q && w->B) ? 0 : -1;
}

void swe_work_free(swe_work *w) {
  free(w->U), free(w->V), free(w->q), free(w->B);
  *w = (swe_work){0};
}

/* Face value of h between a (upstream side for c > 0) and b; am, bp the outer neighbours. */
static inline double face_h(int adv, double c, double am, double a, double b, double bp) {
  if (adv == SWE_ADV_CENTERED) return 0.5 * (a + b);
  const double c4 = (-am + 7.0 * a + 7.0 * b - bp) / 12.0;
  const double d3 = (-am + 3.0 * a - 3.0 * b + bp) / 12.0;
  return c >= 0.0 ? c4 + d3 : c4 - d3;
}

/* Kinetic energy of cell (i,j) (local indices). */
static inline double kinetic(const swe_grid *gr, const double *u, const double *v, long i, long j) {
  const long jj = j + gr->g;
  const double ue = u[swe_ix(gr, i, j)], uw = u[swe_ix(gr, i - 1, j)];
  const double vn = v[swe_ix(gr, i, j)], vs = v[swe_ix(gr, i, j - 1)];
  return gr->ke_u[jj] * (ue * ue + uw * uw) + gr->ke_n[jj] * vn * vn + gr->ke_s[jj] * vs * vs;
}

void swe_tendency(const swe_grid *gr, const double *h, const double *u, const double *v,
                  const double *hs, const double *fq, int adv, int advect_only, swe_work *w,
                  double *dh, double *du, double *dv) {
  const long nx = gr->nx, ny = gr->ny, g = gr->g;
  /* mass transports: U for i in [-1,nx-1], j in [-1,ny]; V for i in [-1,nx], j in [-1,ny-1] */
  for (long j = -1; j <= ny; j++) {
    const long jj = j + g;
    for (long i = -1; i <= nx - 1; i++) {
      const size_t k = swe_ix(gr, i, j);
      const double hf = face_h(adv, u[k], h[k - 1], h[k], h[k + 1], h[k + 2]);
      w->U[k] = hf * u[k] * gr->dy;
    }
    if (j == ny) break;
    const long J = gr->j0 + j;
    const int centred = adv == SWE_ADV_CENTERED || J - 1 < 0 || J + 2 > gr->nlat - 1;
    const size_t gx = (size_t)gr->gx;
    for (long i = -1; i <= nx; i++) {
      const size_t k = swe_ix(gr, i, j);
      const double hf = centred ? 0.5 * (h[k] + h[k + gx])
                                : face_h(adv, v[k], h[k - gx], h[k], h[k + gx], h[k + 2 * gx]);
      w->V[k] = hf * v[k] * gr->lv[jj];
    }
  }
  for (long j = 0; j < ny; j++) {
    const double ia = 1.0 / gr->area[j + g]; /* one division per row */
    for (long i = 0; i < nx; i++) {
      const size_t k = swe_ix(gr, i, j), kw = swe_ix(gr, i - 1, j), ks = swe_ix(gr, i, j - 1);
      dh[k] = -(w->U[k] - w->U[kw] + w->V[k] - w->V[ks]) * ia;
    }
  }
  if (advect_only) {
    for (long j = 0; j < ny; j++)
      for (long i = 0; i < nx; i++) du[swe_ix(gr, i, j)] = dv[swe_ix(gr, i, j)] = 0.0;
    return;
  }
  /* potential vorticity at corners i in [-1,nx-1], j in [-1,ny-1]; pole corners 0 (they only
   * multiply the zero transport through the pole) */
  const size_t gx = (size_t)gr->gx;
  for (long j = -1; j <= ny - 1; j++) {
    const long J = gr->j0 + j, jj = j + g;
    const double an = gr->area[jj] * gr->wn[jj], as = gr->area[jj + 1] * gr->ws[jj + 1];
    const double wa = an / (2.0 * (an + as)), wb = as / (2.0 * (an + as)), iav = 1.0 / gr->areav[jj];
    for (long i = -1; i <= nx - 1; i++) {
      const size_t k = swe_ix(gr, i, j);
      if (J < 0 || J >= gr->nlat - 1) {
        w->q[k] = 0.0;
        continue;
      }
      const double circ = (v[k + 1] - v[k]) * gr->dy - (u[k + gx] * gr->dxc[jj + 1] - u[k] * gr->dxc[jj]);
      const double hq = (h[k] + h[k + 1]) * wa + (h[k + gx] + h[k + gx + 1]) * wb;
      w->q[k] = (circ * iav + fq[k]) / hq;
    }
  }
  /* Bernoulli function for i in [0,nx], j in [0,ny] */
  for (long j = 0; j <= ny; j++)
    for (long i = 0; i <= nx; i++) {
      const size_t k = swe_ix(gr, i, j);
      w->B[k] = kinetic(gr, u, v, i, j) + SWE_G * (h[k] + hs[k]);
    }
  for (long j = 0; j < ny; j++) {
    const long jj = j + g, J = gr->j0 + j;
    const double cu = gr->dy / gr->area[jj];
    const double cv = gr->lv[jj] / gr->areav[jj];
    const double idx = 1.0 / gr->dxc[jj], idy = 1.0 / gr->dy;
    for (long i = 0; i < nx; i++) {
      const size_t k = swe_ix(gr, i, j), ks = k - gx, kw = k - 1;
      const double qv = 0.25 * (w->q[k] * (w->V[k] + w->V[k + 1]) + w->q[ks] * (w->V[ks] + w->V[ks + 1]));
      du[k] = cu * qv - (w->B[k + 1] - w->B[k]) * idx;
      if (J == gr->nlat - 1) {
        dv[k] = 0.0;
        continue;
      }
      const double qu = 0.25 * (w->q[k] * (w->U[k] + w->U[k + gx]) + w->q[kw] * (w->U[kw] + w->U[kw + gx]));
      dv[k] = -cv * qu - (w->B[k + gx] - w->B[k]) * idy;
    }
  }
}

void swe_vorticity(const swe_grid *gr, const double *u, const double *v, double *zeta) {
  const size_t gx = (size_t)gr->gx;
  for (long j = -1; j <= gr->ny - 1; j++) {
    const long J = gr->j0 + j, jj = j + gr->g;
    if (J < 0 || J >= gr->nlat - 1) continue;
    for (long i = -1; i <= gr->nx - 1; i++) {
      const size_t k = swe_ix(gr, i, j);
      const double circ = (v[k + 1] - v[k]) * gr->dy - (u[k + gx] * gr->dxc[jj + 1] - u[k] * gr->dxc[jj]);
      zeta[k] = circ / gr->areav[jj];
    }
  }
}

double swe_pole_vorticity(long nlon, double dlam, double phi_row, const double *urow, int north) {
  double s = 0.0;
  for (long i = 0; i < nlon; i++) s += urow[i];
  const double circ = s * SWE_A * cos(phi_row) * dlam;
  const double cap = 2.0 * M_PI * SWE_A * SWE_A * (1.0 - fabs(sin(phi_row)));
  return north ? circ / cap : -circ / cap;
}

void swe_local_sums(const swe_grid *gr, const double *h, const double *u, const double *v,
                    const double *hs, const double *zeta, const double *fq, swe_sums *s) {
  *s = (swe_sums){0};
  const size_t gx = (size_t)gr->gx;
  for (long j = 0; j < gr->ny; j++) {
    const long jj = j + gr->g, J = gr->j0 + j;
    for (long i = 0; i < gr->nx; i++) {
      const size_t k = swe_ix(gr, i, j);
      const double A = gr->area[jj];
      s->mass += h[k] * A;
      s->energy += A * (h[k] * kinetic(gr, u, v, i, j) + SWE_G * h[k] * (0.5 * h[k] + hs[k]));
      /* corners NE of owned cells, plus the south-pole corners on the southern block */
      for (int sp = 0; sp < 2; sp++) {
        long jc = sp ? j - 1 : j;
        if (sp && J != 0) break;
        const long Jc = gr->j0 + jc, jjc = jc + gr->g;
        const size_t kc = swe_ix(gr, i, jc);
        double hq, ar;
        if (Jc < 0 || Jc == gr->nlat - 1) { /* polar cap share */
          const size_t kr = Jc < 0 ? kc + gx : kc;
          hq = 0.5 * (h[kr] + h[kr + 1]);
          ar = Jc < 0 ? SWE_A * SWE_A * gr->dlam * (1.0 + sin(gr->phic[jjc + 1])) : gr->areav[jjc];
        } else {
          const double an = gr->area[jjc] * gr->wn[jjc], as = gr->area[jjc + 1] * gr->ws[jjc + 1];
          hq = ((h[kc] + h[kc + 1]) * an + (h[kc + gx] + h[kc + gx + 1]) * as) / (2.0 * (an + as));
          ar = gr->areav[jjc];
        }
        const double pv = zeta[kc] + fq[kc];
        if (hq > 0.0) s->enstrophy += ar * 0.5 * pv * pv / hq; /* case 1 has h = 0 off the bell */
      }
    }
  }
}

void swe_to_centres(const swe_grid *gr, const double *h, const double *u, const double *v,
                    const double *hs, const double *zeta, double *height, double *uc, double *vc,
                    double *zc) {
  const size_t gx = (size_t)gr->gx;
  for (long j = 0; j < gr->ny; j++)
    for (long i = 0; i < gr->nx; i++) {
      const size_t k = swe_ix(gr, i, j);
      height[k] = h[k] + hs[k];
      uc[k] = 0.5 * (u[k] + u[k - 1]);
      vc[k] = 0.5 * (v[k] + v[k - gx]);
      zc[k] = 0.25 * (zeta[k] + zeta[k - 1] + zeta[k - gx] + zeta[k - gx - 1]);
    }
}

double swe_stable_dt(const swe_grid *gr, double speed_max, double filter_lat) {
  double dt = INFINITY;
  const double dxf = SWE_A * cos(filter_lat) * gr->dlam;
  for (long j = 0; j < gr->ny; j++) {
    const long jj = j + gr->g;
    double dx = gr->dxc[jj];
    if (fabs(gr->phic[jj]) > filter_lat && dx < dxf) dx = dxf;
    const double w = 2.0 * speed_max * sqrt(1.0 / (dx * dx) + 1.0 / (gr->dy * gr->dy));
    const double d = sqrt(3.0) / w;
    if (d < dt) dt = d;
  }
  return dt;
}

void swe_axpy(const swe_grid *gr, double *y, const double *x, double c, const double *d) {
  for (long j = 0; j < gr->ny; j++)
    for (long i = 0; i < gr->nx; i++) {
      const size_t k = swe_ix(gr, i, j);
      y[k] = x[k] + c * d[k];
    }
}
