/* Unit tests of the spectral solver's serial diagnostics (spec_diag.c): the finite-difference
 * -dEk/dt, the peak finder and the reference comparison, on series with known answers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "spec_diag.h"

/* cmocka's assert_float_equal works in single precision. */
#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* Non-uniform levels t_i = i + 0.3 sin(i): second-order differences are exact on quadratics. */
static void fill(cfd_spec_hist *h, int n, double (*ek)(double), double (*ens)(double)) {
  for (int i = 0; i < n; i++) {
    double t = i + 0.3 * sin((double)i);
    assert_int_equal(cfd_spec_hist_push(h, i, t, 0.0, ek(t), ens(t), 0.0), 0);
  }
}
static double quad(double t) { return 1.0 - 0.2 * t + 0.03 * t * t; }
static double one(double t) { return 1.0 + 0.0 * t; }
static double bump(double t) { return 5.0 - (t - 4.3) * (t - 4.3); }

static void test_minus_dedt_exact_on_quadratic(void **state) {
  (void)state;
  cfd_spec_hist h = {0};
  fill(&h, 9, quad, one);
  double d[9];
  cfd_spec_minus_dedt(&h, d);
  for (int i = 0; i < 9; i++) assert_close(d[i], 0.2 - 0.06 * h.t[i], 1e-12);
  cfd_spec_hist_free(&h);
}

static void test_peak_of_parabola(void **state) {
  (void)state;
  cfd_spec_hist h = {0};
  fill(&h, 9, quad, bump);
  double peak, tpeak, nu = 0.5; /* 2 nu enstrophy = enstrophy */
  cfd_spec_peak(&h, nu, &peak, &tpeak);
  assert_close(tpeak, 4.3, 1e-12);
  assert_close(peak, 5.0, 1e-12);
  cfd_spec_hist_free(&h);
}

static void test_budget_closes_without_viscosity_on_constant(void **state) {
  (void)state;
  cfd_spec_hist h = {0};
  fill(&h, 6, one, one);
  assert_true(cfd_spec_budget_residual(&h, 0.0, 0.0) < 1e-14);
  cfd_spec_hist_free(&h);
}

static void test_compare_identical_series(void **state) {
  (void)state;
  cfd_spec_hist h = {0};
  fill(&h, 12, quad, bump);
  cfd_spec_ref ref = {0};
  ref.n = 50;
  ref.t = malloc(sizeof(double) * 50);
  ref.ek = malloc(sizeof(double) * 50);
  ref.eps = malloc(sizeof(double) * 50);
  for (int i = 0; i < 50; i++) {
    ref.t[i] = 0.2 * i;
    ref.ek[i] = quad(ref.t[i]);
    ref.eps[i] = bump(ref.t[i]); /* nu = 0.5: eps = enstrophy; cubic interpolation is exact on it */
  }
  cfd_spec_cmp c;
  cfd_spec_compare(&h, 0.5, &ref, 0.0, 8.0, &c);
  assert_int_equal(c.npoints, 41);
  assert_true(c.linf < 1e-11);
  /* 1 % larger nu where eps > 0 and peaks at 5 inside the window: 1 % of max eps. */
  cfd_spec_compare(&h, 0.5 * 1.01, &ref, 2.5, 6.0, &c);
  assert_close(c.linf_rel, 0.01, 1e-9);
  cfd_spec_ref_free(&ref);
  cfd_spec_hist_free(&h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_minus_dedt_exact_on_quadratic),
      cmocka_unit_test(test_peak_of_parabola),
      cmocka_unit_test(test_budget_closes_without_viscosity_on_constant),
      cmocka_unit_test(test_compare_identical_series),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
