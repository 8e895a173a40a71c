/* spec_diag.c — time series, finite-difference dissipation, TGV reference comparison, CSV. */
#include "spec_diag.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cfd_spec_hist_push(cfd_spec_hist *h, long step, double t, double dt, double ek, double ens, double div) {
  if (h->n == h->cap) {
    long cap = h->cap ? 2 * h->cap : 1024;
    long *s = realloc(h->step, sizeof(long) * (size_t)cap);
    WHPC_CHECK(s, WHPC_ERR_MEM, "cannot grow the diagnostics series to %ld rows", cap);
    h->step = s;
    double **cols[] = {&h->t, &h->dt, &h->ek, &h->ens, &h->div};
    for (int c = 0; c < 5; c++) {
      double *p = realloc(*cols[c], sizeof(double) * (size_t)cap);
      WHPC_CHECK(p, WHPC_ERR_MEM, "cannot grow the diagnostics series to %ld rows", cap);
      *cols[c] = p;
    }
    h->cap = cap;
  }
  h->step[h->n] = step;
  h->t[h->n] = t;
  h->dt[h->n] = dt;
  h->ek[h->n] = ek;
  h->ens[h->n] = ens;
  h->div[h->n] = div;
  h->n++;
  return WHPC_OK;
}

void cfd_spec_hist_free(cfd_spec_hist *h) {
  free(h->step);
  free(h->t);
  free(h->dt);
  free(h->ek);
  free(h->ens);
  free(h->div);
  memset(h, 0, sizeof(*h));
}

void cfd_spec_minus_dedt(const cfd_spec_hist *h, double *out) {
  long n = h->n;
  const double *t = h->t, *f = h->ek;
  if (n < 2) {
    if (n == 1) out[0] = NAN;
    return;
  }
  for (long i = 1; i + 1 < n; i++) {
    double a = t[i] - t[i - 1], b = t[i + 1] - t[i];
    out[i] = -(a * a * f[i + 1] - b * b * f[i - 1] + (b * b - a * a) * f[i]) / (a * b * (a + b));
  }
  /* One-sided second-order formulas at the ends (first-order when only two levels exist). */
  if (n == 2) {
    out[0] = out[1] = -(f[1] - f[0]) / (t[1] - t[0]);
    return;
  }
  double a = t[1] - t[0], b = t[2] - t[1];
  out[0] = -(-(2 * a + b) / (a * (a + b)) * f[0] + (a + b) / (a * b) * f[1] - a / (b * (a + b)) * f[2]);
  a = t[n - 2] - t[n - 3];
  b = t[n - 1] - t[n - 2];
  out[n - 1] = -(b / (a * (a + b)) * f[n - 3] - (a + b) / (a * b) * f[n - 2] + (2 * b + a) / (b * (a + b)) * f[n - 1]);
}

int cfd_spec_ref_read(const char *path, cfd_spec_ref *ref) {
  memset(ref, 0, sizeof(*ref));
  FILE *f = fopen(path, "r");
  WHPC_CHECK(f, WHPC_ERR_INPUT, "spectral.reference: cannot open '%s'", path);
  char line[512];
  long cap = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (lineno == 1 && strncmp(line, "t,", 2) == 0) continue;
    if (line[0] == '\n' || line[0] == '#') continue;
    double t, ek, eps;
    if (sscanf(line, "%lf,%lf,%lf", &t, &ek, &eps) != 3) {
      fclose(f);
      cfd_spec_ref_free(ref);
      return WHPC_RAISE(WHPC_ERR_INPUT, "%s:%ld: expected 't,Ek,eps_minus_dEkdt,...' numbers", path, lineno);
    }
    if (ref->n == cap) {
      cap = cap ? 2 * cap : 2048;
      double *a = realloc(ref->t, sizeof(double) * (size_t)cap), *b = a ? realloc(ref->ek, sizeof(double) * (size_t)cap) : NULL,
             *c = b ? realloc(ref->eps, sizeof(double) * (size_t)cap) : NULL;
      if (a) ref->t = a;
      if (b) ref->ek = b;
      if (!c) {
        fclose(f);
        cfd_spec_ref_free(ref);
        return WHPC_RAISE(WHPC_ERR_MEM, "out of memory reading %s", path);
      }
      ref->eps = c;
    }
    ref->t[ref->n] = t;
    ref->ek[ref->n] = ek;
    ref->eps[ref->n] = eps;
    ref->n++;
  }
  fclose(f);
  WHPC_CHECK(ref->n >= 2, WHPC_ERR_INPUT, "%s: fewer than two data rows", path);
  return WHPC_OK;
}

void cfd_spec_ref_free(cfd_spec_ref *ref) {
  free(ref->t);
  free(ref->ek);
  free(ref->eps);
  memset(ref, 0, sizeof(*ref));
}

void cfd_spec_compare(const cfd_spec_hist *h, double nu, const cfd_spec_ref *ref, double t0, double t1,
                      cfd_spec_cmp *out) {
  memset(out, 0, sizeof(*out));
  out->t0 = t0;
  out->t1 = t1;
  long j = 0;
  double sum2 = 0.0;
  for (long i = 0; i < ref->n; i++) {
    double t = ref->t[i];
    if (t < t0 - 1e-12 || t > t1 + 1e-12 || h->n < 2) continue;
    while (j + 2 < h->n && h->t[j + 1] < t) j++;
    if (t < h->t[0] - 1e-12 || t > h->t[h->n - 1] + 1e-12) continue;
    /* Cubic Lagrange interpolation through 4 levels around t: linear interpolation over dt ~ 0.1
     * would add ~eps'' dt^2/8, a few 1e-4 relative near t = 2, more than the 64^3 error itself. */
    long lo = j - 1 < 0 ? 0 : j - 1;
    if (lo + 3 >= h->n) lo = h->n - 4 < 0 ? 0 : h->n - 4;
    long np = h->n < 4 ? h->n : 4;
    double ens = 0.0;
    for (long a = lo; a < lo + np; a++) {
      double l = 1.0;
      for (long b = lo; b < lo + np; b++)
        if (b != a) l *= (t - h->t[b]) / (h->t[a] - h->t[b]);
      ens += l * h->ens[a];
    }
    double eps = 2.0 * nu * ens;
    double d = fabs(eps - ref->eps[i]);
    if (d > out->linf) out->linf = d;
    if (ref->eps[i] > out->ref_max) out->ref_max = ref->eps[i];
    sum2 += d * d;
    out->npoints++;
  }
  if (out->npoints) {
    out->l2 = sqrt(sum2 / (double)out->npoints);
    out->linf_rel = out->linf / out->ref_max;
    out->l2_rel = out->l2 / out->ref_max;
  }
}

void cfd_spec_peak(const cfd_spec_hist *h, double nu, double *peak, double *tpeak) {
  long im = 0;
  for (long i = 1; i < h->n; i++)
    if (h->ens[i] > h->ens[im]) im = i;
  *peak = 2.0 * nu * h->ens[im];
  *tpeak = h->t[im];
  if (im == 0 || im + 1 >= h->n) return;
  /* Parabola through three (non-uniform) points. */
  double x0 = h->t[im - 1], x1 = h->t[im], x2 = h->t[im + 1];
  double y0 = h->ens[im - 1], y1 = h->ens[im], y2 = h->ens[im + 1];
  double d01 = (y1 - y0) / (x1 - x0), d12 = (y2 - y1) / (x2 - x1);
  double a = (d12 - d01) / (x2 - x0);
  if (a >= 0.0) return;
  double b = d01 - a * (x0 + x1);
  double xm = -b / (2.0 * a);
  if (xm < x0 || xm > x2) return;
  *tpeak = xm;
  *peak = 2.0 * nu * (y1 + d01 * (xm - x1) + a * (xm - x0) * (xm - x1));
}

double cfd_spec_budget_residual(const cfd_spec_hist *h, double nu, double forcing_a) {
  if (h->n < 3) return 0.0;
  double *d = malloc(sizeof(double) * (size_t)h->n);
  if (!d) return NAN;
  cfd_spec_minus_dedt(h, d);
  double rmax = 0.0, scale = 0.0;
  for (long i = 0; i < h->n; i++) {
    double sink = 2.0 * nu * h->ens[i] - 2.0 * forcing_a * h->ek[i];
    double s = 2.0 * nu * h->ens[i] + 2.0 * forcing_a * h->ek[i];
    if (s > scale) scale = s;
    if (i > 0 && i + 1 < h->n && fabs(d[i] - sink) > rmax) rmax = fabs(d[i] - sink);
  }
  free(d);
  double tspan = h->t[h->n - 1] - h->t[0];
  if (scale == 0.0) scale = tspan > 0.0 ? h->ek[0] / tspan : 1.0;
  return rmax / scale;
}

int cfd_spec_write_series(const char *path, const cfd_spec_hist *h, double nu, double forcing_a) {
  double *d = malloc(sizeof(double) * (size_t)(h->n ? h->n : 1));
  WHPC_CHECK(d, WHPC_ERR_MEM, "out of memory writing %s", path);
  cfd_spec_minus_dedt(h, d);
  whpc_file wf;
  int rc = whpc_file_open(&wf, path);
  if (rc) {
    free(d);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  fprintf(wf.fp, "step,t,dt,Ek,enstrophy,eps_2nu_enstrophy,minus_dEk_dt,forcing_power,div_max\n");
  for (long i = 0; i < h->n; i++)
    fprintf(wf.fp, "%ld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.3e\n", h->step[i], h->t[i], h->dt[i], h->ek[i],
            h->ens[i], 2.0 * nu * h->ens[i], d[i], 2.0 * forcing_a * h->ek[i], h->div[i]);
  free(d);
  if (ferror(wf.fp)) {
    whpc_file_discard(&wf);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot write %s", path);
  }
  WHPC_CALL(whpc_file_commit(&wf));
  return WHPC_OK;
}
