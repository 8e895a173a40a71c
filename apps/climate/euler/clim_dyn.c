/* clim_dyn.c — finite-volume dynamics of the compressible Euler equations (no MPI).
 *
 * Flux form, unsplit in space: every stage computes x, (y), z face fluxes from the same state.
 * Face values: 4th-order interpolation of cell values, (-q[i-2] + 7 q[i-1] + 7 q[i] - q[i+1]) / 12
 * (centred, non-dissipative); dissipation by a 4th-order hyperviscosity flux nu * d3q (the third
 * difference across the face), optionally a constant K-diffusion of u, v, w, theta'.
 * Free-slip walls: the face flux is exactly zero except the pressure in the normal momentum,
 * where p' is extrapolated to the wall with a cubic through the 4 nearest cells.
 * Time: Williamson's low-storage 3-stage RK3 (2 registers), dq = a dq + dt L(q); q += b dq.
 */
#include <math.h>
#include <string.h>
#include "clim_model.h"

/* The hot kernels are compiled three times (x86-64 baseline, AVX2, AVX-512) and the loader picks
 * the widest the CPU has (GCC target_clones, an ifunc). The clones do the same IEEE operations in
 * the same order: the library is built with -ffp-contract=off, so no clone fuses a*b+c into an FMA,
 * and a face computed in a vector lane or in a scalar remainder gives the same bits. Results are
 * therefore identical on every CPU and for every decomposition. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(CLIM_NO_CLONES)
#define CLIM_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CLIM_HOT
#endif

const double CLIM_RK_A[3] = {0.0, -5.0 / 9.0, -153.0 / 128.0};
const double CLIM_RK_B[3] = {1.0 / 3.0, 15.0 / 16.0, 8.0 / 15.0};

void clim_params_init(clim_params *p) {
  memset(p, 0, sizeof(*p));
  p->g = 9.81;
  p->rd = 287.0;
  p->cp = 1004.5;
  p->cv = p->cp - p->rd;
  p->gamma = p->cp / p->cv;
  p->p0 = 1.0e5;
  p->c0 = pow(p->rd, p->gamma) * pow(p->p0, 1.0 - p->gamma);
}

void clim_background_eval(const clim_params *p, const clim_background *bg, double z, double *rho,
                          double *theta, double *pres) {
  const double kappa = p->rd / p->cp;
  const double pis = pow(bg->psurf / p->p0, kappa);
  double th, exner;
  if (bg->kind == CLIM_BG_CONST_N) {
    const double n2 = bg->bvf * bg->bvf;
    th = bg->theta0 * exp(n2 * z / p->g);
    exner = pis + p->g * p->g / (p->cp * bg->theta0 * n2) * (exp(-n2 * z / p->g) - 1.0);
  } else {
    th = bg->theta0;
    exner = pis - p->g * z / (p->cp * bg->theta0);
  }
  const double pr = p->p0 * pow(exner, 1.0 / kappa);
  *theta = th;
  *rho = pr / (p->rd * th * exner);
  *pres = pr;
}

void clim_background_fill(clim_grid *g, const clim_params *p, const clim_background *bg) {
  const int G = CLIM_GHOST;
  for (long k = -G; k < g->nz + G; k++) {
    double z = ((double)(g->k0 + k) + 0.5) * g->dz, r, th, pr;
    clim_background_eval(p, bg, z, &r, &th, &pr);
    g->zc[k + G] = z;
    g->rb[k + G] = r;
    g->tb[k + G] = r * th;
    /* p_b from the model's own equation of state, so the background has p' = 0 exactly */
    g->pb[k + G] = p->c0 * pow(r * th, p->gamma);
    g->mub[k + G] = r * p->u0;
    g->mvb[k + G] = r * p->v0;
  }
  for (long k = 0; k <= g->nz; k++) {
    double z = (double)(g->k0 + k) * g->dz, r, th, pr;
    clim_background_eval(p, bg, z, &r, &th, &pr);
    g->rbf[k] = r;
    g->tbf[k] = r * th;
    g->pbf[k] = p->c0 * pow(r * th, p->gamma);
  }
}

size_t clim_work_buf_len(const clim_grid *g) {
  size_t ni = (size_t)g->nx + 1, nj = (size_t)g->ny + 1;
  return (size_t)CLIM_NVMAX * (2 * ni * nj + 2 * ni + ni + 1);
}

/* ---- walls ---- */
void clim_fill_walls(const clim_grid *g, double *const q[]) {
  const int G = CLIM_GHOST;
  const long n[3] = {g->nx, g->ny, g->nz};
  const long st[3] = {1, g->sy, g->sz};
  const int normal[3] = {CLIM_U, CLIM_V, CLIM_W};
  for (int d = 0; d < 3; d++) {
    if (d == 1 && g->ndim == 2) continue;
    /* the two other dimensions span the owned range */
    int a = (d == 0) ? 1 : 0, b = (d == 2) ? 1 : 2;
    long na = n[a], nb = n[b];
    for (int side = 0; side < 2; side++) {
      if (!g->wall[d][side]) continue;
      for (long ib = 0; ib < nb; ib++)
        for (long ia = 0; ia < na; ia++) {
          long base = g->off + ia * st[a] + ib * st[b];
          for (int m = 1; m <= G; m++) {
            long ghost = side == 0 ? -m : n[d] - 1 + m;
            long mirror = side == 0 ? m - 1 : n[d] - m;
            long cg = base + ghost * st[d], cm = base + mirror * st[d];
            for (int v = 0; v < g->nv; v++) q[v][cg] = (v == normal[d] ? -1.0 : 1.0) * q[v][cm];
          }
        }
    }
  }
}

/* ---- pressure and primitives ---- */

/* (1 + x)^gam - 1 for |x| <= CLIM_P1_XMAX, without libm: log1p by the atanh series in
 * u = x / (2 + x) (|u| <= 1/7, 11 terms), expm1 by Taylor (10 terms) at y / 8, then three
 * doublings expm1(2y) = expm1(y) (expm1(y) + 2). Relative error <= 9e-16 over |x| <= 0.25
 * (checked against expm1l(gam log1pl(x)) at 2e7 points), and the absolute error in units of
 * p_b is the 3e-16 that c0 pow(Theta, gam) - p_b had, without its cancellation. It is a fixed
 * sequence of +, *, / (no libm, no FMA), so it vectorises and gives the same bits in a vector
 * lane and in a scalar remainder; about 6x faster than pow per cell. */
#define CLIM_P1_XMAX 0.25
/* c[0] x^(n-1) + ... + c[n-1] by Horner's rule, unrolled: the same operations in the same order
 * as the chain written out, so the same bits. */
static inline double horner(const double *c, int n, double x) {
  double s = c[0];
#pragma GCC unroll 16
  for (int i = 1; i < n; i++) s = s * x + c[i];
  return s;
}
static inline double pow1p_m1(double x, double gam) {
  static const double atanh_c[] = {1.0 / 23.0, 1.0 / 21.0, 1.0 / 19.0, 1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0,
                                   1.0 / 11.0, 1.0 / 9.0,  1.0 / 7.0,  1.0 / 5.0,  1.0 / 3.0};
  static const double expm1_c[] = {1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0,
                                   1.0 / 120.0,     1.0 / 24.0,     1.0 / 6.0,     0.5};
  const double u = x / (2.0 + x), u2 = u * u;
  const double s = horner(atanh_c, (int)(sizeof atanh_c / sizeof *atanh_c), u2);
  const double z = gam * (2.0 * u + 2.0 * u * u2 * s) * 0.125; /* log1p(x) * gam / 8 */
  double e = horner(expm1_c, (int)(sizeof expm1_c / sizeof *expm1_c), z);
  e = z + z * z * e; /* expm1(z) */
  e = e * (e + 2.0);
  e = e * (e + 2.0);
  return e * (e + 2.0);
}
CLIM_HOT void clim_pressure(const clim_grid *g, const clim_params *p, double *const q[], clim_work *w,
                   const clim_lbox *b, clim_scan *scan) {
  const int G = CLIM_GHOST;
  const double gam = p->gamma, c0 = p->c0;
  const int diff = p->kdiff > 0.0, three = g->ndim == 3;
  double smax = scan ? scan->speed : 0.0;
  long bad = scan ? scan->bad_gidx : -1;
  const double idx = 1.0 / g->dx, idy = 1.0 / g->dy, idz = 1.0 / g->dz;
  for (long k = b->lo[2]; k < b->hi[2]; k++) {
    const double rb = g->rb[k + G], tb = g->tb[k + G], pb = g->pb[k + G], thb = tb / rb, itb = 1.0 / tb;
    for (long j = b->lo[1]; j < b->hi[1]; j++) {
      const long c0i = clim_idx(g, 0, j, k);
      const double *qr = q[CLIM_R] + c0i, *qt = q[CLIM_T] + c0i;
      double *restrict pp = w->pp + c0i;
      /* p' = p_b ((1 + Theta'/Theta_b)^gam - 1); large or non-finite perturbations use pow */
      for (long i = b->lo[0]; i < b->hi[0]; i++) pp[i] = pb * pow1p_m1(qt[i] * itb, gam);
      for (long i = b->lo[0]; i < b->hi[0]; i++)
        if (!(fabs(qt[i] * itb) <= CLIM_P1_XMAX)) pp[i] = c0 * pow(tb + qt[i], gam) - pb;
      if (diff) {
        const double *qu = q[CLIM_U] + c0i, *qw = q[CLIM_W] + c0i;
        double *pu = w->prim[0] + c0i, *pw = w->prim[1] + c0i, *pth = w->prim[3] + c0i, *prho = w->prim[4] + c0i;
        for (long i = b->lo[0]; i < b->hi[0]; i++) {
          double r = rb + qr[i], ir = 1.0 / r;
          prho[i] = r;
          pu[i] = qu[i] * ir;
          pw[i] = qw[i] * ir;
          pth[i] = (tb + qt[i]) * ir - thb;
        }
        if (three) {
          const double *qv = q[CLIM_V] + c0i;
          double *pv = w->prim[2] + c0i;
          for (long i = b->lo[0]; i < b->hi[0]; i++) pv[i] = qv[i] / (rb + qr[i]);
        }
      }
      if (scan) {
        const double *qu = q[CLIM_U] + c0i, *qw = q[CLIM_W] + c0i;
        const double *qv = three ? q[CLIM_V] + c0i : NULL;
        for (long i = b->lo[0]; i < b->hi[0]; i++) {
          double r = rb + qr[i], th = tb + qt[i];
          double pr = pp[i] + pb;
          if (!(r > 0.0) || !(th > 0.0) || !(pr > 0.0) || !isfinite(qu[i]) || !isfinite(qw[i]) ||
              !isfinite(r) || !isfinite(th) || (qv && !isfinite(qv[i]))) {
            long gi = ((g->k0 + k) * g->gny + (g->j0 + j)) * g->gnx + (g->i0 + i);
            if (bad < 0 || gi < bad) bad = gi;
            continue;
          }
          double ir = 1.0 / r, cs = sqrt(gam * pr * ir);
          double s = (fabs(qu[i]) * ir + cs) * idx + (fabs(qw[i]) * ir + cs) * idz;
          if (qv) s += (fabs(qv[i]) * ir + cs) * idy;
          if (s > smax) smax = s;
        }
      }
    }
  }
  if (scan) {
    scan->speed = smax;
    scan->bad_gidx = bad;
  }
}

/* ---- fluxes ----
 * Fluxes through n faces of one row: face f lies between cells c - s and c, c = base + f.
 * in/it1/it2: variable ids of the normal and tangential momenta (it2 < 0 in 2D).
 * rb, tb: background density and Theta at the faces; dmt1/dmt2: third difference of the
 * background momentum rho_b u0 (nonzero only across z-faces). Output F[v * vs + f]. */
static inline __attribute__((always_inline)) void flux_row(
    const int three, const int diff, double *const q[], const clim_work *w, long base, long s, long n,
    int in, int it1, int it2, double rb, double tb, double nu, double dmt1, double dmt2, double kdiff,
    double inv_d, double *restrict F, long vs) {
  const double c12 = 1.0 / 12.0;
  const double *restrict qr = q[CLIM_R] + base, *restrict qn = q[in] + base, *restrict qa = q[it1] + base;
  const double *restrict qt = q[CLIM_T] + base, *restrict pp = w->pp + base;
  const double *restrict qb = three ? q[it2] + base : NULL;
  double *restrict fr = F + CLIM_R * vs, *restrict fn = F + in * vs, *restrict fa = F + it1 * vs;
  double *restrict ft = F + CLIM_T * vs, *restrict fb = three ? F + it2 * vs : NULL;
#define CLIM_INTERP(a, c) ((7.0 * ((a)[(c) - s] + (a)[c]) - ((a)[(c) - 2 * s] + (a)[(c) + s])) * c12)
#define CLIM_D3(a, c) ((a)[(c) + s] - (a)[(c) - 2 * s] + 3.0 * ((a)[(c) - s] - (a)[c]))
  for (long f = 0; f < n; f++) {
    const double r = rb + CLIM_INTERP(qr, f);
    const double mn = CLIM_INTERP(qn, f), ma = CLIM_INTERP(qa, f);
    const double th = tb + CLIM_INTERP(qt, f), pf = CLIM_INTERP(pp, f);
    const double un = mn / r;
    fr[f] = mn + nu * CLIM_D3(qr, f);
    fn[f] = mn * un + pf + nu * CLIM_D3(qn, f);
    fa[f] = ma * un + nu * (CLIM_D3(qa, f) - dmt1);
    ft[f] = th * un + nu * CLIM_D3(qt, f);
    if (three) {
      const double mb = CLIM_INTERP(qb, f);
      fb[f] = mb * un + nu * (CLIM_D3(qb, f) - dmt2);
    }
  }
#undef CLIM_INTERP
#undef CLIM_D3
  if (diff) {
    /* K-diffusion of velocity and theta': -K rho_f d(phi)/dn, second-order across the face */
    const int pn = in == CLIM_U ? 0 : in == CLIM_W ? 1 : 2, pa = it1 == CLIM_U ? 0 : it1 == CLIM_W ? 1 : 2;
    const int pbi = three ? (it2 == CLIM_U ? 0 : it2 == CLIM_W ? 1 : 2) : 0;
    const double *restrict rho = w->prim[4] + base, *restrict un_ = w->prim[pn] + base;
    const double *restrict ua = w->prim[pa] + base, *restrict th = w->prim[3] + base;
    const double *restrict ub = three ? w->prim[pbi] + base : NULL;
    const double kd = 0.5 * kdiff * inv_d;
    for (long f = 0; f < n; f++) {
      const double kr = kd * (rho[f] + rho[f - s]);
      fn[f] -= kr * (un_[f] - un_[f - s]);
      fa[f] -= kr * (ua[f] - ua[f - s]);
      ft[f] -= kr * (th[f] - th[f - s]);
      if (three) fb[f] -= kr * (ub[f] - ub[f - s]);
    }
  }
}

/* Wall face: only the pressure in the normal momentum; p' by cubic extrapolation from the
 * 4 cells inward of the wall (c1 nearest, step s inward). */
static inline void wall_face(const clim_grid *g, const double *pp, long c1, long s, int in, double *F,
                             long vs, long f) {
  for (int v = 0; v < g->nv; v++) F[v * vs + f] = 0.0;
  F[in * vs + f] = (35.0 * pp[c1] - 35.0 * pp[c1 + s] + 21.0 * pp[c1 + 2 * s] - 5.0 * pp[c1 + 3 * s]) / 16.0;
}

static inline __attribute__((always_inline)) void tendency_impl(
    const int three, const int diff, const clim_grid *g, const clim_params *p, double *const q[],
    clim_work *w, const clim_lbox *b, double a, double dt, double *const dq[]) {
  const int G = CLIM_GHOST;
  const long ni = b->hi[0] - b->lo[0], nj = b->hi[1] - b->lo[1];
  if (ni <= 0 || nj <= 0 || b->hi[2] <= b->lo[2]) return;
  const long plane = ni * nj, nv = g->nv;
  double *zlo = w->buf, *zhi = zlo + nv * plane, *ylo = zhi + nv * plane, *yhi = ylo + nv * ni;
  double *xf = yhi + nv * ni;
  const long xs = ni + 1;
  const double idx = 1.0 / g->dx, idy = 1.0 / g->dy, idz = 1.0 / g->dz;
  const double kd = p->kdiff;
  const int it2z = three ? CLIM_V : -1;

  /* z-faces of a plane at local face k into buffer zb */
#define ZPLANE(kf, zb)                                                                              \
  do {                                                                                              \
    long kf_ = (kf);                                                                                \
    double dmu = g->mub[kf_ + 1 + G] - g->mub[kf_ - 2 + G] + 3.0 * (g->mub[kf_ - 1 + G] - g->mub[kf_ + G]); \
    double dmv = g->mvb[kf_ + 1 + G] - g->mvb[kf_ - 2 + G] + 3.0 * (g->mvb[kf_ - 1 + G] - g->mvb[kf_ + G]); \
    for (long jj = 0; jj < nj; jj++) {                                                              \
      long base = clim_idx(g, b->lo[0], b->lo[1] + jj, kf_);                                        \
      flux_row(three, diff, q, w, base, g->sz, ni, CLIM_W, CLIM_U, it2z, g->rbf[kf_], g->tbf[kf_],  \
               p->nu_hv[2], dmu, dmv, kd, idz, (zb) + jj * ni, plane);                               \
      if ((kf_ == 0 && g->wall[2][0]) || (kf_ == g->nz && g->wall[2][1])) {                          \
        for (long ii = 0; ii < ni; ii++) {                                                          \
          long c1 = kf_ == 0 ? base + ii : base + ii - g->sz;                                       \
          wall_face(g, w->pp, c1, kf_ == 0 ? g->sz : -g->sz, CLIM_W, (zb) + jj * ni, plane, ii);    \
        }                                                                                           \
      }                                                                                             \
    }                                                                                               \
  } while (0)

  ZPLANE(b->lo[2], zlo);
  for (long k = b->lo[2]; k < b->hi[2]; k++) {
    ZPLANE(k + 1, zhi);
    const double rbk = g->rb[k + G], tbk = g->tb[k + G];
    double sponge = 0.0;
    if (p->sponge_depth > 0.0) {
      double zz = g->zc[k + G], zs = p->ztop - p->sponge_depth;
      if (zz > zs) {
        double sn = sin(0.5 * 3.14159265358979323846 * (zz - zs) / p->sponge_depth);
        sponge = p->sponge_rate * sn * sn;
      }
    }
    if (three) {
      long base = clim_idx(g, b->lo[0], b->lo[1], k);
      flux_row(1, diff, q, w, base, g->sy, ni, CLIM_V, CLIM_U, CLIM_W, rbk, tbk, p->nu_hv[1], 0.0, 0.0, kd, idy, ylo, ni);
      if (b->lo[1] == 0 && g->wall[1][0])
        for (long ii = 0; ii < ni; ii++) wall_face(g, w->pp, base + ii, g->sy, CLIM_V, ylo, ni, ii);
    }
    for (long jj = 0; jj < nj; jj++) {
      const long j = b->lo[1] + jj;
      if (three) {
        long base = clim_idx(g, b->lo[0], j + 1, k);
        flux_row(1, diff, q, w, base, g->sy, ni, CLIM_V, CLIM_U, CLIM_W, rbk, tbk, p->nu_hv[1], 0.0, 0.0, kd, idy, yhi, ni);
        if (j + 1 == g->ny && g->wall[1][1])
          for (long ii = 0; ii < ni; ii++) wall_face(g, w->pp, base + ii - g->sy, -g->sy, CLIM_V, yhi, ni, ii);
      }
      const long rowbase = clim_idx(g, b->lo[0], j, k);
      flux_row(three, diff, q, w, rowbase, 1, ni + 1, CLIM_U, CLIM_W, three ? CLIM_V : -1, rbk, tbk,
               p->nu_hv[0], 0.0, 0.0, kd, idx, xf, xs);
      if (b->lo[0] == 0 && g->wall[0][0]) wall_face(g, w->pp, rowbase, 1, CLIM_U, xf, xs, 0);
      if (b->hi[0] == g->nx && g->wall[0][1]) wall_face(g, w->pp, rowbase + ni - 1, -1, CLIM_U, xf, xs, ni);
      const double *zl = zlo + jj * ni, *zh = zhi + jj * ni;
      for (int v = 0; v < nv; v++) {
        double *restrict d = dq[v] + rowbase;
        const double *restrict fx = xf + v * xs, *restrict fzl = zl + v * plane, *restrict fzh = zh + v * plane;
        const double *restrict fyl = three ? ylo + v * ni : NULL, *restrict fyh = three ? yhi + v * ni : NULL;
        if (v == CLIM_W) {
          const double *restrict qr = q[CLIM_R] + rowbase, *restrict qw = q[CLIM_W] + rowbase;
          for (long ii = 0; ii < ni; ii++) {
            double t = -(fx[ii + 1] - fx[ii]) * idx - (fzh[ii] - fzl[ii]) * idz - p->g * qr[ii] - sponge * qw[ii];
            if (three) t -= (fyh[ii] - fyl[ii]) * idy;
            d[ii] = a * d[ii] + dt * t;
          }
        } else {
          for (long ii = 0; ii < ni; ii++) {
            double t = -(fx[ii + 1] - fx[ii]) * idx - (fzh[ii] - fzl[ii]) * idz;
            if (three) t -= (fyh[ii] - fyl[ii]) * idy;
            d[ii] = a * d[ii] + dt * t;
          }
        }
      }
      if (three) {
        double *tmp = ylo;
        ylo = yhi;
        yhi = tmp;
      }
    }
    double *tmp = zlo;
    zlo = zhi;
    zhi = tmp;
  }
#undef ZPLANE
}

/* 3D boxes are swept in y-tiles of CLIM_YTILE rows: the z-stencil window (4 planes of the 5
 * variables and p') and the two z-face buffers of one tile stay in L2, where a whole 64 x 64
 * plane does not. A tile costs one extra row of y-faces and one extra plane of z-faces; every
 * face is still the same function of the same 4 cells, so the results do not change. */
#define CLIM_YTILE 16
CLIM_HOT void clim_tendency(const clim_grid *g, const clim_params *p, double *const q[], clim_work *w,
                   const clim_lbox *b, double a, double dt, double *const dq[]) {
  const int diff = p->kdiff > 0.0;
  if (g->ndim == 3) {
    for (long j0 = b->lo[1]; j0 < b->hi[1]; j0 += CLIM_YTILE) {
      clim_lbox t = *b;
      t.lo[1] = j0;
      t.hi[1] = j0 + CLIM_YTILE < b->hi[1] ? j0 + CLIM_YTILE : b->hi[1];
      if (diff) tendency_impl(1, 1, g, p, q, w, &t, a, dt, dq);
      else tendency_impl(1, 0, g, p, q, w, &t, a, dt, dq);
    }
  } else {
    if (diff) tendency_impl(0, 1, g, p, q, w, b, a, dt, dq);
    else tendency_impl(0, 0, g, p, q, w, b, a, dt, dq);
  }
}

CLIM_HOT void clim_update(const clim_grid *g, double *const q[], double *const dq[], double bcoef) {
  for (int v = 0; v < g->nv; v++)
    for (long k = 0; k < g->nz; k++)
      for (long j = 0; j < g->ny; j++) {
        long c = clim_idx(g, 0, j, k);
        double *restrict x = q[v] + c;
        const double *restrict d = dq[v] + c;
        for (long i = 0; i < g->nx; i++) x[i] += bcoef * d[i];
      }
}
