/* infer_node_tests — run the ONNX backend node tests (Debian libonnx-testdata) through the
 * engine. A test runs when every operator, attribute and data type it uses is supported;
 * otherwise it is listed as skipped with the reason. Comparison rule of ONNX's own
 * backend test runner: |got - want| <= atol + rtol * |want|, rtol = 1e-3, atol = 1e-7.
 * Usage: infer_node_tests DATA_DIR [reference|onednn] [--skips FILE] [--only SUBSTR] [--min-pass N] [--min-onednn N]
 * Exit 1 when any runnable test fails. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infer_engine.h"

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int g_backend_nodes;

/* 0 pass, 1 fail, 2 skip; why filled for fail/skip */
static int run_one(const char *dir0, infer_backend be, char *why, size_t wl) {
  char path[4200], dir[2048];
  snprintf(dir, sizeof dir, "%.2000s", dir0);
  snprintf(path, sizeof path, "%s/model.onnx", dir);
  char unsup[1024];
  int rc = infer_model_check(path, unsup, sizeof unsup);
  if (rc) { snprintf(why, wl, "load: %s", infer_error()); return 1; }
  if (unsup[0]) { snprintf(why, wl, "%s", unsup); return 2; }
  infer_model *m = NULL;
  if ((rc = infer_model_load(path, &m))) {
    snprintf(why, wl, "%s", infer_error());
    return rc == INFER_EUNSUPPORTED ? 2 : 1;
  }
  int nin = infer_model_num_inputs(m), nout = infer_model_num_outputs(m), res = 0;
  infer_tensor in[16], want[16];
  memset(in, 0, sizeof in);
  memset(want, 0, sizeof want);
  infer_plan *p = NULL;
  if (nin > 16 || nout > 16) { snprintf(why, wl, "more than 16 inputs/outputs"); res = 2; goto done; }
  for (int i = 0; i < nin; ++i) {
    snprintf(path, sizeof path, "%s/test_data_set_0/input_%d.pb", dir, i);
    if ((rc = infer_tensor_load_pb(path, &in[i]))) {
      snprintf(why, wl, "%s", infer_error());
      res = rc == INFER_EUNSUPPORTED ? 2 : 1;
      goto done;
    }
  }
  for (int i = 0; i < nout; ++i) {
    snprintf(path, sizeof path, "%s/test_data_set_0/output_%d.pb", dir, i);
    if ((rc = infer_tensor_load_pb(path, &want[i]))) {
      snprintf(why, wl, "%s", infer_error());
      res = rc == INFER_EUNSUPPORTED ? 2 : 1;
      goto done;
    }
  }
  /* bind every input but the first as a plan constant: shape parameters (Reshape shape, Resize
   * scales, Slice starts, Clip bounds) must be constants here, and Conv/Gemm weights given as
   * inputs then take the oneDNN path as initializers would */
  infer_tensor spec[16];
  for (int i = 0; i < nin; ++i) {
    spec[i] = in[i];
    if (i == 0 && in[i].dtype == INFER_F32) spec[i].data = NULL;
  }
  infer_options opt = {be, 1, 1};
  if ((rc = infer_plan_create(m, &opt, nin, spec, &p)) || (rc = infer_plan_run(p, in))) {
    snprintf(why, wl, "%s", infer_error());
    res = rc == INFER_EUNSUPPORTED ? 2 : 1;
    goto done;
  }
  g_backend_nodes = infer_plan_backend_nodes(p);
  for (int i = 0; i < nout && !res; ++i) {
    infer_tensor got;
    infer_plan_output(p, i, &got);
    int same = got.ndim == want[i].ndim;
    for (int k = 0; same && k < got.ndim; ++k) same = got.dim[k] == want[i].dim[k];
    if (!same || got.dtype != want[i].dtype) {
      snprintf(why, wl, "output %d: shape/type differs (rank %d vs %d, type %d vs %d)", i, got.ndim,
               want[i].ndim, got.dtype, want[i].dtype);
      res = 1;
      break;
    }
    int64_t cnt = infer_tensor_numel(&got);
    for (int64_t q = 0; q < cnt; ++q) {
      double g, w;
      if (got.dtype == INFER_F32) { g = ((float *)got.data)[q]; w = ((float *)want[i].data)[q]; }
      else { g = (double)((int64_t *)got.data)[q]; w = (double)((int64_t *)want[i].data)[q]; }
      int ok = (isnan(g) && isnan(w)) || (isinf(w) && g == w) || fabs(g - w) <= 1e-7 + 1e-3 * fabs(w);
      if (!ok) {
        snprintf(why, wl, "output %d element %lld: got %.9g, expected %.9g", i, (long long)q, g, w);
        res = 1;
        break;
      }
    }
  }
done:
  infer_plan_free(&p);
  for (int i = 0; i < 16; ++i) { free(in[i].data); free(want[i].data); }
  infer_model_free(&m);
  return res;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DATA_DIR [reference|onednn] [--skips FILE] [--only SUBSTR]\n", argv[0]);
    return 2;
  }
  infer_backend be = INFER_BACKEND_REFERENCE;
  const char *skips = NULL, *only = NULL;
  int min_pass = 0, min_onednn = 0;
  for (int a = 2; a < argc; ++a) {
    if (!strcmp(argv[a], "onednn")) be = INFER_BACKEND_ONEDNN;
    else if (!strcmp(argv[a], "--skips") && a + 1 < argc) skips = argv[++a];
    else if (!strcmp(argv[a], "--only") && a + 1 < argc) only = argv[++a];
    else if (!strcmp(argv[a], "--min-pass") && a + 1 < argc) min_pass = atoi(argv[++a]);
    else if (!strcmp(argv[a], "--min-onednn") && a + 1 < argc) min_onednn = atoi(argv[++a]);
  }
  if (be == INFER_BACKEND_ONEDNN && !infer_have_onednn()) {
    printf("oneDNN backend not built\n");
    return 77;
  }
  DIR *d = opendir(argv[1]);
  if (!d) {
    fprintf(stderr, "%s: cannot open the ONNX node test directory\n", argv[1]);
    return 77;
  }
  char **names = NULL;
  size_t nn = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "test_", 5) || (only && !strstr(e->d_name, only))) continue;
    if (nn == cap) names = realloc(names, (cap = cap ? 2 * cap : 256) * sizeof *names);
    names[nn++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, nn, sizeof *names, cmp_names);
  FILE *sk = skips ? fopen(skips, "w") : NULL;
  int npass = 0, nfail = 0, nskip = 0, nprim = 0;
  for (size_t i = 0; i < nn; ++i) {
    char dir[2048], why[1200] = "";
    snprintf(dir, sizeof dir, "%.1000s/%.1000s", argv[1], names[i]);
    g_backend_nodes = 0;
    int r = run_one(dir, be, why, sizeof why);
    if (r == 0) {
      npass++;
      nprim += g_backend_nodes > 0;
      printf("PASS %s%s\n", names[i], g_backend_nodes ? " (oneDNN)" : "");
    }
    else if (r == 1) { nfail++; printf("FAIL %s: %s\n", names[i], why); }
    else {
      nskip++;
      if (sk) fprintf(sk, "%s: %s\n", names[i], why);
    }
    free(names[i]);
  }
  free(names);
  if (sk) fclose(sk);
  printf("node tests (%s): %d passed (%d through oneDNN primitives), %d failed, %d skipped (unsupported op/type/attribute)\n",
         be == INFER_BACKEND_ONEDNN ? "onednn" : "reference", npass, nprim, nfail, nskip);
  if (npass < min_pass) printf("only %d tests passed, expected at least %d\n", npass, min_pass);
  if (nprim < min_onednn) printf("only %d passing tests used oneDNN primitives, expected at least %d\n", nprim, min_onednn);
  return nfail || npass < min_pass || nprim < min_onednn ? 1 : 0;
}
