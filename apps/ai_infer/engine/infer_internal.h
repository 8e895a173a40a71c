/* infer_internal.h — graph structures shared by the engine's files (never installed). */
#ifndef INFER_INTERNAL_H
#define INFER_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "infer_engine.h"

int infer_raise(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define INFER_CHECK(cond, code, ...)                 \
  do {                                               \
    if (!(cond)) return infer_raise((code), __VA_ARGS__); \
  } while (0)
#define INFER_CALL(e)          \
  do {                         \
    int infer_rc_ = (e);       \
    if (infer_rc_) return infer_rc_; \
  } while (0)

typedef enum { INFER_A_FLOAT, INFER_A_INT, INFER_A_STRING, INFER_A_FLOATS, INFER_A_INTS,
               INFER_A_TENSOR, INFER_A_OTHER } infer_attr_type;

typedef struct {
  char *name;
  infer_attr_type type;
  double f;
  int64_t i;
  char *s;
  int n; /* floats/ints */
  float *fs;
  int64_t *is;
  infer_tensor t; /* TENSOR: owned data */
} infer_attr;

/* A value (edge): graph input, initializer/constant or node output. */
typedef struct {
  char *name;
  int dtype; /* 0 = unknown yet */
  int ndim;
  int64_t dim[INFER_MAXDIM];
  void *data;  /* constants: the data; activations: set by the plan */
  int is_const;
  int owned;   /* data malloc'd by the owner of this value array */
  int is_input, is_output;
  int producer; /* node index, -1 */
  int nuse;     /* consumers */
  int last_use; /* order position of the last consumer */
  int buf;      /* plan buffer, -1 none */
} infer_value;

enum { INFER_ACT_NONE = 0, INFER_ACT_RELU, INFER_ACT_LEAKY, INFER_ACT_CLIP, INFER_ACT_SIGMOID,
       INFER_ACT_TANH, INFER_ACT_HSIGMOID, INFER_ACT_HSWISH };

typedef struct {
  int op;       /* index in infer_ops[] */
  char *name;   /* node name or "#k" */
  int nin, nout;
  int *in, *out; /* value indices, -1 for an omitted optional input */
  int nattr;
  infer_attr *attr;
  int dead;
  /* fusion (Conv, Gemm): y = act(conv(x) + sum) */
  int sum_in;  /* value index or -1 */
  int act;
  float act_a, act_b;
  void *prim;  /* backend state */
} infer_node;

struct infer_plan_s;
typedef struct {
  const char *name;
  /* load-time check of attributes/arity; returns INFER_EUNSUPPORTED with a reason */
  int (*check)(const infer_node *n, int opset);
  /* output dtypes/shapes from input dtypes/shapes (and constant inputs) */
  int (*shape)(struct infer_plan_s *p, infer_node *n);
  int (*run)(struct infer_plan_s *p, infer_node *n);
} infer_op;

extern const infer_op infer_ops[];
extern const int infer_nops;
int infer_op_find(const char *name);
/* how many leading inputs of a node must be present (ONNX marks an absent optional input with an
   empty name); the rest of its nin inputs may be absent */
int infer_op_required_inputs(int op, int opset, int nin);

struct infer_model_s {
  char *path;
  int opset;
  int nvalue;
  infer_value *value;
  int nnode;
  infer_node *node;
  int nin, nout;
  int *in, *out; /* value indices of graph inputs (not initializers) and outputs */
  int64_t in_decl[INFER_MAXDIM * 16];
};

struct infer_plan_s {
  const infer_model *m;
  infer_options opt;
  int opset;
  int nvalue;
  infer_value *v; /* copy of the model's values (constants borrowed unless owned) */
  int nnode;
  infer_node *node; /* copy; attrs borrowed */
  int norder;
  int *order;     /* live nodes in execution order */
  int nbuf;
  void **buf;
  size_t *bufsize;
  int nfused;
  void *backend;
};

/* attributes */
const infer_attr *infer_attr_get(const infer_node *n, const char *name);
int64_t infer_attr_int(const infer_node *n, const char *name, int64_t def);
float infer_attr_float(const infer_node *n, const char *name, float def);
const char *infer_attr_str(const infer_node *n, const char *name, const char *def);
/* ints attribute copied into out (at most max); returns count, -1 absent */
int infer_attr_ints(const infer_node *n, const char *name, int64_t *out, int max);

/* helpers over values */
int64_t infer_numel(const infer_value *v);
size_t infer_dtype_size(int dtype);
int infer_set_shape(infer_value *v, int dtype, int ndim, const int64_t *dim);
const char *infer_shape_str(const infer_value *v, char *buf, size_t len);
/* read a constant int64 (or float) input as int64 list; -1 if not constant */
int infer_const_ints(const struct infer_plan_s *p, int vi, int64_t *out, int max, const char *what,
                     const infer_node *n, int *count);

/* kernels used by several files */
int infer_broadcast_shape(int na, const int64_t *a, int nb, const int64_t *b, int *nout,
                          int64_t *out);

/* oneDNN backend (infer_onednn.c); returns 1 when the node was taken over */
int infer_onednn_available(void);
int infer_onednn_prepare(struct infer_plan_s *p);
void infer_onednn_free(struct infer_plan_s *p);
int infer_onednn_run(struct infer_plan_s *p, infer_node *n);
/* 0 when value vi exists only in a oneDNN layout (no plain buffer needed) */
int infer_onednn_plain_needed(const struct infer_plan_s *p, int vi);

#endif
