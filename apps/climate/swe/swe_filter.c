/* swe_filter.c — the polar filter: one r2c/c2r plan pair on aligned buffers, reused. */
#include "swe_filter.h"
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct swe_filter_s {
  long n;
  double phif, dlam;
  double *x, *sk; /* sk[k] = |sin(k dlam / 2)| */
  fftw_complex *X;
  fftw_plan fwd, bwd;
};

int swe_filter_create(long nlon, double filter_lat, swe_filter_t *out) {
  struct swe_filter_s *f = calloc(1, sizeof *f);
  if (!f) return -1;
  f->n = nlon, f->phif = filter_lat, f->dlam = 2.0 * M_PI / (double)nlon;
  f->x = fftw_malloc(sizeof(double) * (size_t)nlon);
  f->X = fftw_malloc(sizeof(fftw_complex) * (size_t)(nlon / 2 + 1));
  f->sk = malloc(sizeof(double) * (size_t)(nlon / 2 + 1));
  if (!f->x || !f->X || !f->sk) return swe_filter_destroy(&f), -1;
  for (long k = 0; k <= nlon / 2; k++) f->sk[k] = fabs(sin(0.5 * (double)k * f->dlam));
  f->fwd = fftw_plan_dft_r2c_1d((int)nlon, f->x, f->X, FFTW_ESTIMATE);
  f->bwd = fftw_plan_dft_c2r_1d((int)nlon, f->X, f->x, FFTW_ESTIMATE);
  if (!f->fwd || !f->bwd) return swe_filter_destroy(&f), -1;
  *out = f;
  return 0;
}

void swe_filter_destroy(swe_filter_t *pf) {
  struct swe_filter_s *f = *pf;
  if (!f) return;
  if (f->fwd) fftw_destroy_plan(f->fwd);
  if (f->bwd) fftw_destroy_plan(f->bwd);
  fftw_free(f->x), fftw_free(f->X), free(f->sk), free(f);
  *pf = NULL;
}

int swe_filter_active(swe_filter_t f, double phi) { return f && fabs(phi) > f->phif; }

void swe_filter_row(swe_filter_t f, double phi, double *row) {
  const long n = f->n;
  memcpy(f->x, row, sizeof(double) * (size_t)n);
  fftw_execute(f->fwd);
  const double r = cos(phi) / cos(f->phif);
  for (long k = 1; k <= n / 2; k++) {
    const double s = f->sk[k];
    if (r >= s) continue; /* long waves pass unchanged */
    const double S = r / s;
    f->X[k][0] *= S, f->X[k][1] *= S;
  }
  fftw_execute(f->bwd);
  const double inv = 1.0 / (double)n;
  for (long i = 0; i < n; i++) row[i] = f->x[i] * inv;
}
