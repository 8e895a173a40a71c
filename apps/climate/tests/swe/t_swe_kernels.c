/* t_swe_kernels.c — unit tests of the swe kernels on one block covering the globe (no MPI):
 * polar filter keeps row means and long waves, non-divergent winds leave h unchanged to
 * round-off (pole rows included), polar-cap vorticity of solid-body rotation is exact, and the
 * Coriolis term does no work. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include "swe_cases.h"
#include "swe_filter.h"
#include "swe_kernels.h"

static void wrap(const swe_grid *gr, double *a) {
  for (long j = -gr->g; j < gr->ny + gr->g; j++)
    for (long k = 1; k <= gr->g; k++) {
      a[swe_ix(gr, -k, j)] = a[swe_ix(gr, gr->nx - k, j)];
      a[swe_ix(gr, gr->nx - 1 + k, j)] = a[swe_ix(gr, k - 1, j)];
    }
}

static void test_filter(void **st) {
  (void)st;
  const long n = 128;
  swe_filter_t f;
  assert_int_equal(swe_filter_create(n, 60.0 * M_PI / 180.0, &f), 0);
  double row[128], sum0 = 0.0, sum1 = 0.0;
  const double phi = 80.0 * M_PI / 180.0, dl = 2.0 * M_PI / n;
  for (long i = 0; i < n; i++) row[i] = 3.0 + cos(dl * i) + ((i % 2) ? 1.0 : -1.0), sum0 += row[i];
  swe_filter_row(f, phi, row);
  for (long i = 0; i < n; i++) sum1 += row[i];
  assert_true(fabs(sum1 - sum0) <= 1e-12 * fabs(sum0)); /* k = 0 kept */
  /* k = 1 passes; the 2-grid wave k = 64 is scaled by cos(80)/cos(60) / sin(pi/2) */
  const double S = cos(phi) / cos(60.0 * M_PI / 180.0);
  for (long i = 0; i < n; i++)
    assert_true(fabs(row[i] - (3.0 + cos(dl * i) + S * ((i % 2) ? 1.0 : -1.0))) < 1e-12);
  assert_false(swe_filter_active(f, 59.0 * M_PI / 180.0));
  swe_filter_destroy(&f);
}

typedef struct {
  swe_grid gr;
  double *h, *u, *v, *hs, *fq, *dh, *du, *dv;
  swe_work w;
} blk;

static void blk_init(blk *b, long nlon, const swe_case *c) {
  assert_int_equal(swe_grid_init(&b->gr, nlon, nlon / 2, nlon, nlon / 2, 0, 0, 2), 0);
  const size_t n = (size_t)b->gr.gx * (size_t)b->gr.gy;
  double **a[] = {&b->h, &b->u, &b->v, &b->hs, &b->fq, &b->dh, &b->du, &b->dv};
  for (int k = 0; k < 8; k++) assert_non_null(*a[k] = calloc(n, sizeof(double)));
  assert_int_equal(swe_work_alloc(&b->w, n), 0);
  swe_case_init(&b->gr, c, NULL, b->h, b->u, b->v, b->hs, b->fq);
  wrap(&b->gr, b->h), wrap(&b->gr, b->u), wrap(&b->gr, b->v);
}

static void blk_free(blk *b) {
  double *a[] = {b->h, b->u, b->v, b->hs, b->fq, b->dh, b->du, b->dv};
  for (int k = 0; k < 8; k++) free(a[k]);
  swe_work_free(&b->w);
  swe_grid_free(&b->gr);
}

static void test_nondivergent(void **st) {
  (void)st;
  for (int adv = 0; adv < 2; adv++) {
    blk b;
    const swe_case c = {SWE_CASE1, M_PI / 2 - 0.05, 0, 0};
    blk_init(&b, 64, &c);
    for (long j = -2; j < b.gr.ny + 2; j++) /* uniform depth: advection must leave it alone */
      for (long i = -2; i < b.gr.nx + 2; i++) b.h[swe_ix(&b.gr, i, j)] = 1000.0;
    swe_tendency(&b.gr, b.h, b.u, b.v, b.hs, b.fq, adv, 1, &b.w, b.dh, b.du, b.dv);
    double worst = 0.0;
    for (long j = 0; j < b.gr.ny; j++)
      for (long i = 0; i < b.gr.nx; i++) worst = fmax(worst, fabs(b.dh[swe_ix(&b.gr, i, j)]));
    /* 1000 m * 40 m/s / 300 km ~ 0.1 m/s scale: round-off far below */
    assert_true(worst < 1e-13);
    blk_free(&b);
  }
}

static void test_pole_vorticity(void **st) {
  (void)st;
  const long n = 64;
  double u[64];
  const double phi = M_PI / 2 - 0.5 * M_PI / 32, u0 = 30.0;
  for (long i = 0; i < n; i++) u[i] = u0 * cos(phi);
  const double zn = swe_pole_vorticity(n, 2 * M_PI / n, phi, u, 1);
  const double zs = swe_pole_vorticity(n, 2 * M_PI / n, -phi, u, 0);
  /* mean of 2 u0 sin(phi)/a over the cap above phi = u0 (1 + sin phi) / a */
  assert_true(fabs(zn - u0 * (1 + sin(phi)) / SWE_A) < 1e-12 * fabs(zn));
  assert_true(fabs(zs + u0 * (1 + sin(phi)) / SWE_A) < 1e-12 * fabs(zs));
}

/* The Coriolis/vorticity term (the tendency minus its Bernoulli-gradient part) does no work in
 * the discrete energy budget: sum A h_u u du_C + A_v h_v v dv_C = 0 to round-off (a 4% error in
 * one weight gives 2e-4 of the scale, far above the 1e-12 bound). */
static void test_coriolis_no_work(void **st) {
  (void)st;
  blk b;
  const swe_case c = {SWE_CASE6, 0, 0, 0};
  blk_init(&b, 64, &c);
  /* break the wave's symmetries with deterministic noise so that neither part of the work
   * vanishes on its own */
  unsigned long long seed = 12345;
  for (long j = 0; j < b.gr.ny; j++)
    for (long i = 0; i < b.gr.nx; i++) {
      const size_t k = swe_ix(&b.gr, i, j);
      double r[3];
      for (int m = 0; m < 3; m++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        r[m] = (double)(seed >> 11) / 9007199254740992.0 - 0.5;
      }
      b.u[k] += 20.0 * r[0], b.h[k] += 500.0 * r[2];
      if (b.gr.j0 + j < b.gr.nlat - 1) b.v[k] += 20.0 * r[1];
    }
  wrap(&b.gr, b.h), wrap(&b.gr, b.u), wrap(&b.gr, b.v);
  swe_tendency(&b.gr, b.h, b.u, b.v, b.hs, b.fq, 0, 0, &b.w, b.dh, b.du, b.dv);
  const swe_grid *gr = &b.gr;
  const size_t gx = (size_t)gr->gx;
  double work = 0.0, scale = 0.0;
  for (long j = 0; j < gr->ny; j++)
    for (long i = 0; i < gr->nx; i++) {
      const long jj = j + gr->g;
      const size_t k = swe_ix(gr, i, j);
      /* remove the Bernoulli gradient to keep the Coriolis part */
      const double cu = b.du[k] + (b.w.B[k + 1] - b.w.B[k]) / gr->dxc[jj];
      const double cv = gr->j0 + j == gr->nlat - 1 ? 0.0 : b.dv[k] + (b.w.B[k + gx] - b.w.B[k]) / gr->dy;
      work += gr->area[jj] * b.w.U[k] / gr->dy * cu + gr->areav[jj] * b.w.V[k] / (gr->lv[jj] > 0 ? gr->lv[jj] : 1) * cv;
      scale += fabs(gr->area[jj] * b.w.U[k] / gr->dy * cu);
    }
  assert_true(fabs(work) < 1e-12 * scale);
  blk_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_filter),
      cmocka_unit_test(test_nondivergent),
      cmocka_unit_test(test_pole_vorticity),
      cmocka_unit_test(test_coriolis_no_work),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
