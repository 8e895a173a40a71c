/* infer_fuzz_tests — malformed models must give an error, never a crash: every truncation
 * of a valid model at 97 lengths must be rejected, and 200 seeded random byte corruptions
 * must either be rejected or load, plan and run within bounds.
 * With a second argument, every truncation of that .npy file must be rejected too.
 * Usage: infer_fuzz_tests MODEL.onnx [TENSOR.npy] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infer_engine.h"
#include "infer_npy.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  unsigned char *buf = malloc((size_t)n), *tmp = malloc((size_t)n);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) return 1;
  fclose(f);
  int bad = 0, rejected = 0, loaded = 0;
  char msg[1100];
  for (int k = 0; k < 97; ++k) {
    long len = (long)((double)n * k / 97.0);
    infer_model *m = NULL;
    if (!infer_model_load_buffer(buf, (size_t)len, "truncated.onnx", &m)) {
      printf("FAIL: truncation at %ld of %ld bytes was accepted\n", len, n);
      bad = 1;
      infer_model_free(&m);
    } else if (k == 50) {
      snprintf(msg, sizeof msg, "%s", infer_error());
      printf("example error: %s\n", msg);
    }
  }
  srand(12345);
  float *x = calloc(2 * 4 * 64 * 64, sizeof(float));
  for (int t = 0; t < 200; ++t) {
    memcpy(tmp, buf, (size_t)n);
    int flips = 1 + rand() % 4;
    for (int q = 0; q < flips; ++q) tmp[rand() % n] = (unsigned char)rand();
    infer_model *m = NULL;
    if (infer_model_load_buffer(tmp, (size_t)n, "corrupt.onnx", &m)) { rejected++; continue; }
    loaded++;
    infer_tensor in = {INFER_F32, 4, {1, 4, 64, 64}, NULL};
    infer_plan *p = NULL;
    infer_options opt = {INFER_BACKEND_REFERENCE, 0, 1};
    if (infer_model_num_inputs(m) == 1 && infer_model_input_dtype(m, 0) == INFER_F32 &&
        !infer_plan_create(m, &opt, 1, &in, &p)) {
      size_t bytes;
      infer_plan_stats(p, NULL, NULL, &bytes, NULL);
      in.data = x;
      if (bytes < (64u << 20)) (void)infer_plan_run(p, &in);
    }
    infer_plan_free(&p);
    infer_model_free(&m);
  }
  free(x);
  printf("corruptions: %d rejected with an error, %d still loadable (ran without crash)\n", rejected, loaded);
  free(buf);
  free(tmp);
  if (argc > 2) {
    f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    long nn = ftell(f);
    rewind(f);
    unsigned char *nb = malloc((size_t)nn);
    if (fread(nb, 1, (size_t)nn, f) != (size_t)nn) return 1;
    fclose(f);
    for (int k = 0; k < 50; ++k) {
      long len = (long)((double)nn * k / 50.0);
      FILE *g = fopen("fuzz_truncated.npy", "wb");
      fwrite(nb, 1, (size_t)len, g);
      fclose(g);
      infer_tensor t;
      if (!infer_npy_read("fuzz_truncated.npy", 1, &t)) {
        printf("FAIL: .npy truncated at %ld of %ld bytes was accepted\n", len, nn);
        free(t.data);
        bad = 1;
      }
    }
    remove("fuzz_truncated.npy");
    free(nb);
    printf(".npy: 50 truncations checked\n");
  }
  printf("%s\n", bad ? "FAIL" : "PASS");
  return bad;
}
