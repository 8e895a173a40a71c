/* Unit tests of the band-math parser/evaluator and of the statistics combination. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "rs_expr.h"
#include "rs_stats.h"

static const char *NAMES[] = {"blue", "green", "red", "nir"};
static const double B1[] = {1, 2, 3, 0.5}, B2[] = {10, 20, 30, -1}, B3[] = {5, 5, 5, 5}, B4[] = {7, 8, 9, 5};
static const double *const BANDS[] = {B1, B2, B3, B4};

static void eval(const char *text, double *out) {
  rs_expr_t e;
  char err[256];
  int rc = rs_expr_compile(text, 4, NAMES, &e, err, sizeof err);
  if (rc) fail_msg("'%s' did not compile: %s", text, err);
  rs_expr_eval(e, BANDS, 4, out);
  rs_expr_free(&e);
}

static void expect_error(const char *text, const char *msg) {
  rs_expr_t e = NULL;
  char err[256] = "";
  assert_int_not_equal(rs_expr_compile(text, 4, NAMES, &e, err, sizeof err), 0);
  assert_null(e);
  if (!strstr(err, msg)) fail_msg("'%s': error '%s' lacks '%s'", text, err, msg);
}

static void test_precedence(void **state) {
  (void)state;
  double o[4];
  eval("-B1^2", o); /* unary minus binds looser than ^ */
  assert_true(o[1] == -4);
  eval("2^3^2", o); /* right-associative */
  assert_true(o[0] == 512);
  eval("1 + 2 * 3 - 4 / 2", o);
  assert_true(o[0] == 5);
  eval("B1 < 2 or B2 > 25 and not B3 != 5", o);
  assert_true(o[0] == 1 && o[1] == 0 && o[2] == 1);
  eval("where(B1 > 1.5, B1, -B1)", o);
  assert_true(o[0] == -1 && o[1] == 2);
  eval("min(B1, B2, B3) + max(blue, 2)", o);
  assert_true(o[0] == 3 && o[3] == -1 + 2);
}

static void test_indices_bitwise(void **state) {
  (void)state;
  double a[4], b[4];
  eval("ndvi(nir, red)", a);
  eval("(B4 - B3) / (B4 + B3)", b);
  assert_memory_equal(a, b, sizeof a);
  eval("evi(nir, red, blue)", a);
  eval("2.5 * (nir - red) / (nir + 6 * red - 7.5 * blue + 1)", b);
  assert_memory_equal(a, b, sizeof a);
  eval("savi(nir, red)", a);
  eval("(1 + 0.5) * (nir - red) / (nir + red + 0.5)", b);
  assert_memory_equal(a, b, sizeof a);
  eval("ndwi(green, nir)", a);
  eval("(green - nir) / (green + nir)", b);
  assert_memory_equal(a, b, sizeof a);
}

static void test_nan_and_functions(void **state) {
  (void)state;
  double o[4];
  eval("sqrt(B2)", o);
  assert_true(isnan(o[3]));
  eval("ndvi(B4, B3)", o); /* 5 - 5 over 10 */
  assert_true(o[3] == 0);
  eval("abs(B2) + log10(100) + floor(2.7) + ceil(0.2) + exp(0) + log(1)", o);
  assert_true(o[3] == 1 + 2 + 2 + 1 + 1 + 0);
}

static void test_errors(void **state) {
  (void)state;
  expect_error("B1 +", "column 5: expected a number");
  expect_error("(B1 + B2", "column 9: expected ')'");
  expect_error("B1 + B9", "column 6: band B9 out of range (the input has 4 bands)");
  expect_error("foo(B1)", "column 1: unknown function 'foo'");
  expect_error("B1 B2", "column 4: unexpected 'B'");
  expect_error("ndvi(B1)", "column 1: ndvi() takes 2 arguments, got 1");
  expect_error("swir + 1", "column 1: unknown name 'swir'");
  expect_error("  ", "empty expression");
  expect_error("B1 + $", "column 6: expected a number, band, function or '(', found '$'");
}

static void test_uses(void **state) {
  (void)state;
  rs_expr_t e;
  char err[64];
  assert_int_equal(rs_expr_compile("nir * 2 + B1", 4, NAMES, &e, err, sizeof err), 0);
  assert_true(rs_expr_uses_band(e, 1) && rs_expr_uses_band(e, 4));
  assert_false(rs_expr_uses_band(e, 2) || rs_expr_uses_band(e, 3));
  rs_expr_free(&e);
}

/* Block partials combined in block order equal the statistics of the whole array. */
static void test_stats_combine(void **state) {
  (void)state;
  double v[1000];
  for (int i = 0; i < 1000; i++) v[i] = (i % 17 == 0) ? NAN : sin(i * 0.1) * 100 + i * 0.01;
  double parts[4 * RS_STAT_FIELDS];
  long long hist[10] = {0};
  for (int b = 0; b < 4; b++) rs_stats_block(v + 250 * b, 250, parts + b * RS_STAT_FIELDS, hist, 10, -100, 110);
  rs_band_stats s;
  rs_stats_combine(parts, 4, RS_STAT_FIELDS, &s);
  double n = 0, sum = 0, mn = INFINITY, mx = -INFINITY;
  for (int i = 0; i < 1000; i++)
    if (!isnan(v[i])) n++, sum += v[i], mn = fmin(mn, v[i]), mx = fmax(mx, v[i]);
  double mean = sum / n, m2 = 0;
  for (int i = 0; i < 1000; i++)
    if (!isnan(v[i])) m2 += (v[i] - mean) * (v[i] - mean);
  assert_true(s.count == n && s.min == mn && s.max == mx);
  assert_true(fabs(s.mean - mean) <= 1e-13 * fabs(mean));
  assert_true(fabs(s.std - sqrt(m2 / n)) <= 1e-12 * sqrt(m2 / n));
  long long tot = 0;
  for (int i = 0; i < 10; i++) tot += hist[i];
  assert_true(tot == (long long)n);
}

/* The fused fast path: which expressions it recognises, and that its float evaluation gives exactly
 * float(the general double evaluation) for integer bands of up to 16 bits (rs_fused_float_exact),
 * including the extremes, zero denominators and nodata; its double form equals it for any float. */
static unsigned long long rng_state = 88172645463325252ULL;
static unsigned rng(void) {
  rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
  return (unsigned)(rng_state >> 11);
}

static void check_fused(const char *text, int nb, int is_int16, int want_float) {
  enum { N = 200000 };
  static float fa[3][N], fout[N];
  static double da[3][N], dgen[N], dfused[N];
  rs_expr_t e;
  char err[256];
  if (rs_expr_compile(text, 4, NAMES, &e, err, sizeof err)) fail_msg("'%s': %s", text, err);
  rs_fused f;
  rs_expr_fused(e, &f);
  if (f.kind == RS_FUSED_NONE) fail_msg("'%s' not recognised as a fused index", text);
  assert_int_equal(rs_fused_float_exact(&f), want_float);
  static const int edge[] = {0, 1, 2, 3, 65535, 65534, 32767, 32768, 100, 7};
  for (int p = 0; p < N; p++)
    for (int k = 0; k < 3; k++) {
      int v = p < 1000 ? edge[(p / (k == 0 ? 1 : k == 1 ? 10 : 100)) % 10] : (int)(rng() % 65536);
      if (is_int16) v -= 32768;
      fa[k][p] = (float)v;
    }
  const double *bands[4] = {NULL, NULL, NULL, NULL};
  for (int k = 0; k < nb; k++) { /* the general path's view: double, NaN where nodata (value 7) */
    for (int p = 0; p < N; p++) da[k][p] = fa[k][p] == 7.0f ? NAN : fa[k][p];
    bands[f.band[k]] = da[k];
  }
  rs_expr_eval(e, bands, N, dgen);
  float nd[3] = {7, 7, 7};
  int has[3] = {1, 1, 1};
  const float *c = nb == 3 ? fa[2] : NULL;
  rs_fused_eval_f64(&f, fa[0], fa[1], c, nd, has, N, NAN, dfused);
  if (want_float) rs_fused_eval_f32(&f, fa[0], fa[1], c, nd, has, N, -9999.0f, fout);
  long bad = 0;
  for (int p = 0; p < N; p++) {
    double g = dgen[p];
    int gnd = !isfinite(g);
    if (gnd != !isfinite(dfused[p]) || (!gnd && g != dfused[p])) bad++;
    if (want_float && (gnd ? fout[p] != -9999.0f : fout[p] != (float)g)) bad++;
  }
  rs_expr_free(&e);
  if (bad) fail_msg("'%s': %ld pixels differ from the general evaluation", text, bad);
}

static void test_fused(void **state) {
  (void)state;
  /* bands in argument order: nir = B4, red = B3, blue = B1 */
  check_fused("ndvi(nir, red)", 2, 0, 1);
  check_fused("(nir - red) / (nir + red)", 2, 0, 1);
  check_fused("(B4-B3)/(B4+B3)", 2, 1, 1);
  check_fused("evi(nir, red, blue)", 3, 0, 1);
  check_fused("evi(nir, red, blue)", 3, 1, 1);
  check_fused("savi(nir, red)", 2, 0, 1);
  check_fused("savi(nir, red, 0.25)", 2, 1, 1);
  check_fused("savi(nir, red, 0.3)", 2, 0, 0); /* 1.3 is not a float: double */
  rs_expr_t e;
  char err[256];
  rs_fused f;
  static const char *other[] = {"(nir - red) / (red + nir)", "ndvi(nir, red) * 2", "(nir - red) / (nir + blue)"};
  for (int i = 0; i < 3; i++) {
    assert_int_equal(rs_expr_compile(other[i], 4, NAMES, &e, err, sizeof err), 0);
    rs_expr_fused(e, &f);
    assert_int_equal(f.kind, RS_FUSED_NONE);
    rs_expr_free(&e);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_precedence), cmocka_unit_test(test_indices_bitwise),
      cmocka_unit_test(test_nan_and_functions), cmocka_unit_test(test_errors),
      cmocka_unit_test(test_uses),       cmocka_unit_test(test_stats_combine),
      cmocka_unit_test(test_fused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
