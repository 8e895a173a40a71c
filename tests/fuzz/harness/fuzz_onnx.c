/* libFuzzer harness: the ONNX model loader and graph builder of whpc-ai-infer (models are user
 * files). Loads the bytes as a model; when it loads and has one float input, binds the input
 * shape (symbolic dims = 1, at most 2^16 elements), builds the plan (topological order, shape
 * inference, constant folding, fusion, buffer planning) and runs it on zeros when its buffers
 * are small. Allocations must be bounded by the input: the ctest runs with -malloc_limit_mb.
 * The run is limited to plans under 256 KiB of buffers: the seed segmenter (768 KiB) spends
 * ~180 ms per run in instrumented convolution loops, which held the whole harness to ~150
 * executions/s; the loader and graph builder, the parsers under test, still see every input. */
#include <stdint.h>
#include <stdlib.h>
#include "infer_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  infer_model *m = NULL;
  if (infer_model_load_buffer(data, size, "fuzz.onnx", &m) != 0) return 0;
  infer_tensor in = {0};
  int ok = infer_model_num_inputs(m) == 1 && infer_model_input_dtype(m, 0) == INFER_F32 &&
           infer_model_input_shape(m, 0, &in.ndim, in.dim) == 0 && in.ndim <= INFER_MAXDIM;
  int64_t n = 1;
  for (int k = 0; ok && k < in.ndim; k++) {
    if (in.dim[k] < 0) in.dim[k] = 1;
    n *= in.dim[k] ? in.dim[k] : 1;
    if (n > (1 << 16)) ok = 0;
  }
  if (ok) {
    in.dtype = INFER_F32;
    infer_options opt = {INFER_BACKEND_REFERENCE, 0, 1};
    infer_plan *p = NULL;
    if (infer_plan_create(m, &opt, 1, &in, &p) == 0) {
      size_t bytes = 0;
      infer_plan_stats(p, NULL, NULL, &bytes, NULL);
      float *x = calloc((size_t)n, sizeof *x);
      in.data = x;
      if (x && bytes < (256u << 10)) (void)infer_plan_run(p, &in);
      free(x);
    }
    infer_plan_free(&p);
  }
  infer_model_free(&m);
  return 0;
}
