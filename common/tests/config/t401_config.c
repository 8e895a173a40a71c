/* t401_config — the config parser: values, sections, precedence, lists, units, and every error
 * (message names file:line and key). Runs as one MPI rank (singleton). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <whpc.h>

static const whpc_cfg_key KEYS[] = {
    {"case", WHPC_CFG_ENUM, "cavity", "", WHPC_CFG_ANY, "cavity|channel|tgv", "test case"},
    {"grid.nx", WHPC_CFG_INT, "64", "", 2, 4096, NULL, "cells in x"},
    {"grid.length", WHPC_CFG_REAL, "1", "m", 0, 1e7, NULL, "domain length"},
    {"time.t_end", WHPC_CFG_REAL, "10", "s", 0, 1e9, NULL, "end time"},
    {"flow.nu", WHPC_CFG_REAL, "0.01", "m2 s-1", 0, 10, NULL, "viscosity"},
    {"flow.steady", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL, "steady mode"},
    {"petsc.options", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL, "PETSc options"},
    {"out.times", WHPC_CFG_REAL_LIST, "", "s", 0, 1e9, NULL, "output times"},
    {"grid.dims", WHPC_CFG_INT_LIST, "0 0", "", 0, 1024, NULL, "process dims"},
    {"title", WHPC_CFG_STRING, NULL, "", WHPC_CFG_ANY, NULL, "required title"},
};

static whpc_ctx_t new_ctx(void) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"t401", "config test", NULL, 0};
  int argc = 1;
  char *args[] = {"t401", NULL}, **argv = args;
  assert_int_equal(whpc_init(&argc, &argv, &info, &ctx), WHPC_OK);
  assert_int_equal(whpc_config_add_keys(ctx, KEYS, WHPC_NKEYS(KEYS)), WHPC_OK);
  return ctx;
}

/* Load text + overrides; return the code and keep the message. */
static int load(whpc_ctx_t *ctx, const char *text, int n, char **over) {
  *ctx = new_ctx();
  whpc_err_clear();
  return whpc_config_load_text(*ctx, "run.ini", text, n, over);
}

static void expect_error(const char *text, int n, char **over, const char *needle1, const char *needle2) {
  whpc_ctx_t ctx;
  int rc = load(&ctx, text, n, over);
  if (rc != WHPC_ERR_INPUT || !strstr(whpc_err_message(), needle1) || (needle2 && !strstr(whpc_err_message(), needle2)))
    fail_msg("expected error with '%s' / '%s', got rc=%d message '%s'", needle1, needle2 ? needle2 : "", rc,
             whpc_err_message());
  assert_true(whpc_err_is_collective());
  assert_null(strchr(whpc_err_message(), '\n')); /* one line */
  whpc_finalize(&ctx);
}

static void test_values_sections_comments(void **state) {
  (void)state;
  whpc_ctx_t ctx;
  const char *text = "# a comment\n"
                     "title = \"my run # not a comment\"\n"
                     "case = tgv   # trailing comment\n"
                     "[grid]\n"
                     "nx = 128\n"
                     "length = 2.5 km\n"
                     "\n"
                     "[time]\n"
                     "t_end = 2 h\n"
                     "[flow]\n"
                     "steady = yes\n"
                     "[petsc]\n"
                     "options = \"-ksp_type cg -pc_type mg\"\n";
  assert_int_equal(load(&ctx, text, 0, NULL), WHPC_OK);
  long nx;
  double len, tend, nu;
  int steady, idx;
  const char *s, *word;
  assert_int_equal(whpc_config_get_int(ctx, "grid.nx", &nx), 0);
  assert_int_equal(nx, 128);
  assert_int_equal(whpc_config_get_real(ctx, "grid.length", &len), 0);
  assert_true(len == 2500.0);
  assert_int_equal(whpc_config_get_real(ctx, "time.t_end", &tend), 0);
  assert_true(tend == 7200.0);
  assert_int_equal(whpc_config_get_real(ctx, "flow.nu", &nu), 0);
  assert_true(nu == 0.01); /* default */
  assert_int_equal(whpc_config_get_bool(ctx, "flow.steady", &steady), 0);
  assert_int_equal(steady, 1);
  assert_int_equal(whpc_config_get_enum(ctx, "case", &idx, &word), 0);
  assert_int_equal(idx, 2);
  assert_string_equal(word, "tgv");
  assert_int_equal(whpc_config_get_string(ctx, "title", &s), 0);
  assert_string_equal(s, "my run # not a comment");
  assert_int_equal(whpc_config_get_string(ctx, "petsc.options", &s), 0);
  assert_string_equal(s, "-ksp_type cg -pc_type mg");
  assert_string_equal(whpc_config_origin(ctx, "grid.nx"), "run.ini:5");
  assert_string_equal(whpc_config_origin(ctx, "flow.nu"), "default");
  assert_true(whpc_config_is_set(ctx, "grid.nx"));
  assert_false(whpc_config_is_set(ctx, "flow.nu"));
  whpc_finalize(&ctx);
}

static void test_precedence(void **state) {
  (void)state;
  whpc_ctx_t ctx;
  char *over[] = {"grid.nx=128", "grid.nx=256"};
  setenv("WHPC_OPTIONS", "grid.nx=200 flow.nu=0.5", 1);
  assert_int_equal(load(&ctx, "title=t\ngrid.nx = 100\nflow.nu = 0.1\n", 2, over), WHPC_OK);
  unsetenv("WHPC_OPTIONS");
  long nx;
  double nu;
  whpc_config_get_int(ctx, "grid.nx", &nx);
  whpc_config_get_real(ctx, "flow.nu", &nu);
  assert_int_equal(nx, 256);  /* command line wins over env and file */
  assert_true(nu == 0.5);     /* environment wins over file */
  assert_string_equal(whpc_config_origin(ctx, "grid.nx"), "command line");
  whpc_finalize(&ctx);
}

static void test_lists(void **state) {
  (void)state;
  whpc_ctx_t ctx;
  assert_int_equal(load(&ctx, "title=t\nout.times = 10, 20 30,1 min\ngrid.dims = 2 3\n", 0, NULL), WHPC_ERR_INPUT);
  /* "1 min" splits into two tokens: lists take plain numbers or number+unit without space */
  whpc_finalize(&ctx);
  assert_int_equal(load(&ctx, "title=t\nout.times = 10, 20 30,1\ngrid.dims = 2 3\n", 0, NULL), WHPC_OK);
  double *t;
  long *d;
  int n;
  assert_int_equal(whpc_config_get_real_list(ctx, "out.times", &t, &n), 0);
  assert_int_equal(n, 4);
  assert_true(t[0] == 10 && t[1] == 20 && t[2] == 30 && t[3] == 1);
  free(t);
  assert_int_equal(whpc_config_get_int_list(ctx, "grid.dims", &d, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(d[0], 2);
  assert_int_equal(d[1], 3);
  free(d);
  whpc_finalize(&ctx);
}

static void test_errors(void **state) {
  (void)state;
  expect_error("title=t\ngrid.nxx = 5\n", 0, NULL, "run.ini:2: unknown key 'grid.nxx'", "did you mean 'grid.nx'");
  expect_error("title=t\nnx = 5\n", 0, NULL, "unknown key 'nx'", "did you mean 'grid.nx'");
  expect_error("title=t\ngrid.nx = 5\n[grid]\nnx = 6\n", 0, NULL, "run.ini:4: duplicate key 'grid.nx'", "run.ini:2");
  expect_error("title=t\ngrid.nx = five\n", 0, NULL, "run.ini:2: key 'grid.nx' = 'five' is not an integer", NULL);
  expect_error("title=t\ngrid.nx = 1\n", 0, NULL, "key 'grid.nx' = '1' is out of range", "2 <= value <= 4096");
  expect_error("title=t\nflow.nu = -1\n", 0, NULL, "'flow.nu' = '-1' is out of range", NULL);
  expect_error("title=t\ngrid.length = 3 s\n", 0, NULL, "unit not convertible to 'm'", NULL);
  expect_error("title=t\ngrid.length = 3 parsecs\n", 0, NULL, "grid.length", "unit not convertible");
  expect_error("title=t\nflow.steady = maybe\n", 0, NULL, "'flow.steady' = 'maybe' is not a bool", NULL);
  expect_error("title=t\ncase = pipe\n", 0, NULL, "'case' = 'pipe' is not one of cavity|channel|tgv", NULL);
  expect_error("title=t\njust some words\n", 0, NULL, "run.ini:2: malformed line 'just some words'", "key = value");
  expect_error("title=t\n[grid\n", 0, NULL, "run.ini:2: malformed section header", NULL);
  expect_error("title=t\n = 4\n", 0, NULL, "run.ini:2: malformed line: no key", NULL);
  expect_error("grid.nx = 5\n", 0, NULL, "required key 'title' is not set", NULL);
  expect_error("title=t\ngrid.dims = 1 x\n", 0, NULL, "'grid.dims'", "not an integer");
  char *bad_over[] = {"grid.nx"};
  expect_error("title=t\n", 1, bad_over, "command line: malformed argument 'grid.nx'", NULL);
  /* a repeated key in a file is an error, on the command line the last value wins (test_precedence) */
  char *unk_over[] = {"flow.steadi=1"};
  expect_error("title=t\n", 1, unk_over, "command line: unknown key 'flow.steadi'", "flow.steady");
}

static void test_cross_key_error_and_hash(void **state) {
  (void)state;
  whpc_ctx_t ctx;
  assert_int_equal(load(&ctx, "title=t\ngrid.nx = 100\n", 0, NULL), WHPC_OK);
  unsigned long long h1 = whpc_config_hash(ctx, "grid.");
  assert_int_equal(whpc_config_error(ctx, "grid.nx", "must be even, got %d", 101), WHPC_ERR_INPUT);
  assert_string_equal(whpc_err_message(), "run.ini:2: key 'grid.nx' = '100': must be even, got 101");
  whpc_finalize(&ctx);
  assert_int_equal(load(&ctx, "title=t\ngrid.nx = 101\n", 0, NULL), WHPC_OK);
  assert_true(h1 != whpc_config_hash(ctx, "grid."));
  assert_true(strstr(whpc_config_text(ctx), "grid.nx = 101\n") != NULL);
  whpc_finalize(&ctx);
}

static void test_help(void **state) {
  (void)state;
  whpc_ctx_t ctx = new_ctx();
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  whpc_config_print_help(ctx, f);
  fclose(f);
  assert_non_null(strstr(buf, "grid.nx"));
  assert_non_null(strstr(buf, "[2, 4096]"));
  assert_non_null(strstr(buf, "{cavity|channel|tgv}"));
  assert_non_null(strstr(buf, "unit m2 s-1"));
  assert_non_null(strstr(buf, "(required)"));
  assert_non_null(strstr(buf, "log.level")); /* core keys listed too */
  free(buf);
  whpc_finalize(&ctx);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_sections_comments), cmocka_unit_test(test_precedence),
      cmocka_unit_test(test_lists), cmocka_unit_test(test_errors), cmocka_unit_test(test_cross_key_error_and_hash),
      cmocka_unit_test(test_help),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  MPI_Finalize();
  return rc;
}
