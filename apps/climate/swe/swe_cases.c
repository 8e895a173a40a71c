/* swe_cases.c — Williamson test cases on the C grid. */
#include "swe_cases.h"
#include <math.h>

#define DAY 86400.0
static const double C1_H0 = 1000.0;        /* cosine bell height (m) */
static const double C2_GH0 = 2.94e4;       /* case 2: g h0 (m2 s-2) */
static const double C5_H0 = 5960.0, C5_U0 = 20.0, C5_HS0 = 2000.0;
static const double C6_W = 7.848e-6, C6_K = 7.848e-6, C6_H0 = 8000.0;
static const int C6_R = 4;

static double u0_of(const swe_case *c) {
  switch (c->id) {
  case SWE_CASE1: case SWE_CASE2: return 2.0 * M_PI * SWE_A / (12.0 * DAY);
  case SWE_CASE5: return C5_U0;
  default: return c->u0;
  }
}
static double alpha_of(const swe_case *c) {
  return (c->id == SWE_CASE1 || c->id == SWE_CASE2) ? c->alpha : 0.0;
}

/* Streamfunction with u = -(1/a) dpsi/dphi, v = 1/(a cos phi) dpsi/dlam. */
static double stream(const swe_case *c, double lam, double phi, int pole) {
  const double sp = pole ? (phi > 0 ? 1.0 : -1.0) : sin(phi), cp = pole ? 0.0 : cos(phi);
  if (c->id == SWE_CASE6)
    return -SWE_A * SWE_A * C6_W * sp + SWE_A * SWE_A * C6_K * pow(cp, C6_R) * sp * cos(C6_R * lam);
  const double al = alpha_of(c);
  return -SWE_A * u0_of(c) * (sp * cos(al) - cos(lam) * cp * sin(al));
}

static double coriolis(const swe_case *c, double lam, double phi) {
  const double al = c->id == SWE_CASE2 ? c->alpha : 0.0; /* case 2 rotates the Earth's axis too */
  return 2.0 * SWE_OMEGA * (-cos(lam) * cos(phi) * sin(al) + sin(phi) * cos(al));
}

static double bell(double lam, double phi) {
  const double lc = 1.5 * M_PI, pc = 0.0, R = SWE_A / 3.0;
  double d = sin(pc) * sin(phi) + cos(pc) * cos(phi) * cos(lam - lc);
  d = d > 1.0 ? 1.0 : (d < -1.0 ? -1.0 : d);
  const double r = SWE_A * acos(d);
  return r < R ? 0.5 * C1_H0 * (1.0 + cos(M_PI * r / R)) : 0.0;
}

static double mountain(double lam, double phi) {
  const double R = M_PI / 9.0, lc = 1.5 * M_PI, pc = M_PI / 6.0;
  double dl = fmod(lam - lc + 3.0 * M_PI, 2.0 * M_PI) - M_PI;
  double r2 = dl * dl + (phi - pc) * (phi - pc);
  const double r = r2 < R * R ? sqrt(r2) : R;
  return C5_HS0 * (1.0 - r / R);
}

/* Height h + hs (m) of the initial state. */
static double height0(const swe_case *c, double lam, double phi) {
  const double u0 = u0_of(c), al = alpha_of(c);
  switch (c->id) {
  case SWE_CASE1: return bell(lam, phi);
  case SWE_CASE2: {
    const double s = -cos(lam) * cos(phi) * sin(al) + sin(phi) * cos(al);
    return (C2_GH0 - (SWE_A * SWE_OMEGA * u0 + 0.5 * u0 * u0) * s * s) / SWE_G;
  }
  case SWE_CASE5: {
    const double s = sin(phi);
    return C5_H0 - (SWE_A * SWE_OMEGA * u0 + 0.5 * u0 * u0) * s * s / SWE_G;
  }
  case SWE_CASE6: {
    const double R = C6_R, w = C6_W, K = C6_K, O = SWE_OMEGA, cp = cos(phi), c2 = cp * cp;
    const double cR = pow(cp, R), c2R = cR * cR;
    const double A = 0.5 * w * (2.0 * O + w) * c2 +
                     0.25 * K * K * c2R * ((R + 1.0) * c2 + (2.0 * R * R - R - 2.0) - 2.0 * R * R / c2);
    const double B = 2.0 * (O + w) * K / ((R + 1.0) * (R + 2.0)) * cR * ((R * R + 2.0 * R + 2.0) - (R + 1.0) * (R + 1.0) * c2);
    const double C = 0.25 * K * K * c2R * ((R + 1.0) * c2 - (R + 2.0));
    const double a2 = SWE_A * SWE_A;
    return C6_H0 + (a2 * A + a2 * B * cos(R * lam) + a2 * C * cos(2.0 * R * lam)) / SWE_G;
  }
  default: {
    const double s = sin(phi);
    return c->h0 - (SWE_A * SWE_OMEGA * u0 + 0.5 * u0 * u0) * s * s / SWE_G;
  }
  }
}

void swe_case_init(const swe_grid *gr, const swe_case *c, const double *topo, double *h, double *u,
                   double *v, double *hs, double *fq) {
  const long nlon = gr->nlon, nlat = gr->nlat;
  for (long j = -gr->g; j < gr->ny + gr->g; j++) {
    const long J = gr->j0 + j, jj = j + gr->g;
    if (J < -1 || J > nlat - 1) continue;
    const double pc = gr->phic[jj], pe = -0.5 * M_PI + (double)(J + 1) * gr->dphi;
    const double pw = pe - gr->dphi;
    const int pole_n = J == nlat - 1, pole_s = J == 0;
    for (long i = -gr->g; i < gr->nx + gr->g; i++) {
      const long I = ((gr->i0 + i) % nlon + nlon) % nlon;
      const size_t k = swe_ix(gr, i, j);
      const double lc = (double)I * gr->dlam, le = ((double)I + 0.5) * gr->dlam, lw = le - gr->dlam;
      fq[k] = coriolis(c, le, pole_n ? 0.5 * M_PI : pe);
      if (J < 0) { /* south-pole ghost row: only the pole corner */
        fq[k] = coriolis(c, le, -0.5 * M_PI);
        continue;
      }
      if (c->id == SWE_CASE5) hs[k] = mountain(lc, pc);
      else if (c->id == SWE_CASE_OROGRAPHY && topo) hs[k] = topo[I + nlon * J];
      else hs[k] = 0.0;
      h[k] = height0(c, lc, pc) - hs[k];
      const double psi_ne = stream(c, le, pe, pole_n), psi_se = stream(c, le, pw, pole_s);
      const double psi_nw = stream(c, lw, pe, pole_n);
      u[k] = -(psi_ne - psi_se) / gr->dy;
      v[k] = pole_n ? 0.0 : (psi_ne - psi_nw) / gr->lv[jj];
    }
  }
}

double swe_case_exact(const swe_case *c, double lam, double phi, double t) {
  if (c->id == SWE_CASE2) return height0(c, lam, phi);
  if (c->id != SWE_CASE1) return NAN;
  /* solid-body rotation about n = (-sin a, 0, cos a) by angle u0 t / a: rotate back */
  const double th = -u0_of(c) * t / SWE_A, al = c->alpha;
  const double n[3] = {-sin(al), 0.0, cos(al)};
  const double x[3] = {cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi)};
  const double ct = cos(th), st = sin(th), nd = n[0] * x[0] + n[1] * x[1] + n[2] * x[2];
  const double cr[3] = {n[1] * x[2] - n[2] * x[1], n[2] * x[0] - n[0] * x[2], n[0] * x[1] - n[1] * x[0]};
  double y[3];
  for (int d = 0; d < 3; d++) y[d] = x[d] * ct + cr[d] * st + n[d] * nd * (1.0 - ct);
  const double ph = asin(y[2] > 1.0 ? 1.0 : (y[2] < -1.0 ? -1.0 : y[2]));
  return bell(atan2(y[1], y[0]), ph);
}

double swe_case_days(int id) {
  static const double d[] = {12.0, 5.0, 15.0, 14.0, 10.0};
  return d[id];
}

const char *swe_case_name(int id) {
  static const char *n[] = {"williamson1", "williamson2", "williamson5", "williamson6", "orography"};
  return n[id];
}
