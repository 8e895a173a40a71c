/* infer_engine.h — a small ONNX executor (float32, int64 for shape arithmetic).
 *
 * Usable on its own (no MPI, no libwhpc). A model is loaded once (parsed, checked,
 * every operator verified as supported); a plan binds it to concrete input shapes
 * (the batch dimension is dynamic): shape inference, constant folding, BatchNorm
 * folding, Conv+Add+activation fusion and buffer planning happen there. A plan is
 * run any number of times. Errors return a non-zero code; infer_error() gives a
 * one-line message naming the file/node and what is wrong (thread-local).
 */
#ifndef INFER_ENGINE_H
#define INFER_ENGINE_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

enum {
  INFER_OK = 0,
  INFER_EINPUT = 1,       /* malformed model or input tensor, bad shape */
  INFER_EIO = 3,          /* cannot read a file */
  INFER_EMEM = 5,         /* out of memory */
  INFER_EUNSUPPORTED = 10 /* valid ONNX, but an operator/attribute/type this engine lacks */
};

enum { INFER_F32 = 1, INFER_I64 = 7 }; /* ONNX TensorProto.DataType values */
#define INFER_MAXDIM 8

typedef struct {
  int dtype;
  int ndim;
  int64_t dim[INFER_MAXDIM];
  void *data; /* dtype elements, C order */
} infer_tensor;

typedef enum { INFER_BACKEND_REFERENCE = 0, INFER_BACKEND_ONEDNN = 1 } infer_backend;

typedef struct {
  infer_backend backend;
  int threads;  /* threads for the oneDNN backend (0 = leave OpenMP's default) */
  int optimize; /* 1: folding and fusion (default); 0: run the graph as written */
  int winograd; /* oneDNN backend: 1 lets 3x3 stride-1 convolutions use Winograd F(4,3) (blocked
                   nChw16c layout, ~2.25x fewer multiplies, slightly larger rounding error);
                   0 (default): direct convolution, the FLOPs ONNX Runtime and PyTorch do */
} infer_options;

typedef struct infer_model_s infer_model;
typedef struct infer_plan_s infer_plan;

const char *infer_error(void);
/* 1 when the oneDNN backend was compiled in. */
int infer_have_onednn(void);

/* Parse and check an .onnx file. Untrusted input: sizes, indices and data lengths are
 * checked; unsupported operators are reported by name and node. */
int infer_model_load(const char *path, infer_model **out);
int infer_model_load_buffer(const void *buf, size_t n, const char *name, infer_model **out);
void infer_model_free(infer_model **m);
/* Every distinct unsupported operator/attribute of a model that otherwise parses
 * (for listing skipped tests); returns INFER_OK with *what = "" when all supported. */
int infer_model_check(const char *path, char *what, size_t len);

int infer_model_num_inputs(const infer_model *m);
int infer_model_num_outputs(const infer_model *m);
const char *infer_model_input_name(const infer_model *m, int i);
const char *infer_model_output_name(const infer_model *m, int i);
/* Declared shape; dim[k] = -1 for a symbolic/unknown dimension. */
int infer_model_input_shape(const infer_model *m, int i, int *ndim, int64_t *dim);
int infer_model_input_dtype(const infer_model *m, int i);

/* inputs[i] gives dtype and shape of model input i. An input given with data != NULL is
 * bound: its values become constants of the plan (for shape parameters such as Reshape's
 * shape or Resize's scales fed as graph inputs) and later runs ignore it. */
int infer_plan_create(const infer_model *m, const infer_options *opt, int ninputs,
                      const infer_tensor *inputs, infer_plan **out);
/* Runs the plan; inputs carry data with the shapes given at create. */
int infer_plan_run(infer_plan *p, const infer_tensor *inputs);
/* Output i of the last run; data stays valid until the next run or free. */
int infer_plan_output(const infer_plan *p, int i, infer_tensor *out);
/* Statistics: nodes after optimisation, fused nodes, bytes of activation buffers. */
void infer_plan_stats(const infer_plan *p, int *nodes, int *fused, size_t *buffer_bytes,
                      int *nbuffers);
/* Nodes executed by oneDNN primitives (0 with the reference backend). */
int infer_plan_backend_nodes(const infer_plan *p);
void infer_plan_free(infer_plan **p);

/* A serialized TensorProto (.pb), as in ONNX test data. FLOAT stays float32; INT64/INT32
 * become int64. *t->data is malloc'd (free()). */
int infer_tensor_load_pb(const char *path, infer_tensor *t);
int64_t infer_tensor_numel(const infer_tensor *t);

#ifdef __cplusplus
}
#endif
#endif
