/* infer_ops_elem.c — element-wise operators, broadcasting binaries, Softmax, ReduceMean. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infer_internal.h"
#include "infer_ops.h"

#define V(p, i) (&(p)->v[(i)])

static const char *opname(const infer_node *n) { return infer_ops[n->op].name; }

int infer_check_unary(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 1 && n->nout == 1, INFER_EINPUT, "expects 1 input and 1 output");
  return INFER_OK;
}
int infer_shape_unary(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  return infer_set_shape(V(p, n->out[0]), x->dtype, x->ndim, x->dim);
}
int infer_run_unary(infer_plan *p, infer_node *n) {
  const char *nm = opname(n);
  int act = !strcmp(nm, "Relu") ? INFER_ACT_RELU : !strcmp(nm, "LeakyRelu") ? INFER_ACT_LEAKY
          : !strcmp(nm, "Sigmoid") ? INFER_ACT_SIGMOID : !strcmp(nm, "Tanh") ? INFER_ACT_TANH
          : !strcmp(nm, "HardSigmoid") ? INFER_ACT_HSIGMOID : INFER_ACT_HSWISH;
  float a = act == INFER_ACT_LEAKY ? infer_attr_float(n, "alpha", 0.01f)
          : act == INFER_ACT_HSIGMOID ? infer_attr_float(n, "alpha", 0.2f) : 0.0f;
  float b = act == INFER_ACT_HSIGMOID ? infer_attr_float(n, "beta", 0.5f) : 0.0f;
  const infer_value *xv = V(p, n->in[0]);
  const float *x = xv->data;
  float *y = V(p, n->out[0])->data;
  int64_t cnt = infer_numel(xv);
  if (act == INFER_ACT_SIGMOID) /* stable for large |x| */
    for (int64_t q = 0; q < cnt; ++q) {
      float e = expf(-fabsf(x[q]));
      y[q] = x[q] >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
    }
  else
    for (int64_t q = 0; q < cnt; ++q) y[q] = infer_apply_act(act, a, b, x[q]);
  return INFER_OK;
}

/* Exp, Log, Sqrt, Abs, Neg, Reciprocal, Floor, Ceil (float32) */
int infer_run_math(infer_plan *p, infer_node *n) {
  const char *nm = opname(n);
  const infer_value *xv = V(p, n->in[0]);
  const float *x = xv->data;
  float *y = V(p, n->out[0])->data;
  int64_t cnt = infer_numel(xv);
  int k = !strcmp(nm, "Exp") ? 0 : !strcmp(nm, "Log") ? 1 : !strcmp(nm, "Sqrt") ? 2 : !strcmp(nm, "Abs") ? 3
        : !strcmp(nm, "Neg") ? 4 : !strcmp(nm, "Reciprocal") ? 5 : !strcmp(nm, "Floor") ? 6 : 7;
  for (int64_t q = 0; q < cnt; ++q) {
    float v = x[q];
    switch (k) {
    case 0: y[q] = expf(v); break;
    case 1: y[q] = logf(v); break;
    case 2: y[q] = sqrtf(v); break;
    case 3: y[q] = fabsf(v); break;
    case 4: y[q] = -v; break;
    case 5: y[q] = 1.0f / v; break;
    case 6: y[q] = floorf(v); break;
    default: y[q] = ceilf(v); break;
    }
  }
  return INFER_OK;
}

/* Cast between the engine's types (float32, int64; INT32 is held as int64) */
int infer_check_cast(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 1 && n->nout == 1, INFER_EINPUT, "expects 1 input");
  int64_t to = infer_attr_int(n, "to", 0);
  INFER_CHECK(to == 1 || to == 6 || to == 7, INFER_EUNSUPPORTED, "cast to type %lld unsupported (FLOAT, INT32, INT64)",
              (long long)to);
  return INFER_OK;
}
int infer_shape_cast(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int to = infer_attr_int(n, "to", 1) == 1 ? INFER_F32 : INFER_I64;
  return infer_set_shape(V(p, n->out[0]), to, x->ndim, x->dim);
}
int infer_run_cast(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  infer_value *y = V(p, n->out[0]);
  int64_t cnt = infer_numel(x);
  int32_t narrow = infer_attr_int(n, "to", 1) == 6;
  for (int64_t q = 0; q < cnt; ++q) {
    if (x->dtype == INFER_F32 && y->dtype == INFER_F32) ((float *)y->data)[q] = ((const float *)x->data)[q];
    else if (x->dtype == INFER_F32) {
      int64_t v = (int64_t)((const float *)x->data)[q];
      ((int64_t *)y->data)[q] = narrow ? (int64_t)(int32_t)v : v;
    } else if (y->dtype == INFER_F32) ((float *)y->data)[q] = (float)((const int64_t *)x->data)[q];
    else ((int64_t *)y->data)[q] = narrow ? (int64_t)(int32_t)((const int64_t *)x->data)[q] : ((const int64_t *)x->data)[q];
  }
  return INFER_OK;
}

int infer_check_clip(const infer_node *n, int opset) {
  INFER_CHECK(n->nin >= 1 && n->nin <= 3 && n->nout == 1, INFER_EINPUT, "expects 1-3 inputs");
  return INFER_OK;
}
int infer_shape_clip(infer_plan *p, infer_node *n) {
  for (int k = 1; k < n->nin; ++k)
    INFER_CHECK(n->in[k] < 0 || infer_numel(V(p, n->in[k])) == 1, INFER_EINPUT, "min/max must be scalars");
  return infer_shape_unary(p, n);
}
int infer_run_clip(infer_plan *p, infer_node *n) {
  float lo = infer_attr_float(n, "min", -INFINITY), hi = infer_attr_float(n, "max", INFINITY);
  if (n->nin > 1 && n->in[1] >= 0) lo = *(const float *)V(p, n->in[1])->data;
  if (n->nin > 2 && n->in[2] >= 0) hi = *(const float *)V(p, n->in[2])->data;
  const infer_value *xv = V(p, n->in[0]);
  const float *x = xv->data;
  float *y = V(p, n->out[0])->data;
  for (int64_t q = 0, c = infer_numel(xv); q < c; ++q) y[q] = x[q] < lo ? lo : (x[q] > hi ? hi : x[q]);
  return INFER_OK;
}

int infer_check_identity(const infer_node *n, int opset) {
  INFER_CHECK(n->nin >= 1 && n->nout >= 1, INFER_EINPUT, "expects an input and an output");
  INFER_CHECK(n->nout == 1, INFER_EUNSUPPORTED, "the Dropout mask output is unsupported");
  INFER_CHECK(!infer_attr_int(n, "training_mode", 0), INFER_EUNSUPPORTED, "training mode is unsupported");
  return INFER_OK;
}
int infer_shape_identity(infer_plan *p, infer_node *n) {
  if (n->nin > 2 && n->in[2] >= 0) {
    const infer_value *t = V(p, n->in[2]);
    INFER_CHECK(t->is_const && !(t->dtype == INFER_I64 ? *(int64_t *)t->data : *(float *)t->data != 0),
                INFER_EUNSUPPORTED, "Dropout in training mode is unsupported");
  }
  const infer_value *x = V(p, n->in[0]);
  return infer_set_shape(V(p, n->out[0]), x->dtype, x->ndim, x->dim);
}
int infer_run_identity(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  infer_value *y = V(p, n->out[0]);
  if (y->data != x->data) memcpy(y->data, x->data, (size_t)infer_numel(x) * infer_dtype_size(x->dtype));
  return INFER_OK;
}

/* strides of x over the broadcast output shape o (0 along broadcast dims) */
static void bcast_strides(const infer_value *x, int no, int64_t *st) {
  int64_t s = 1;
  for (int k = no - 1; k >= 0; --k) {
    int kx = k - (no - x->ndim);
    st[k] = (kx >= 0 && x->dim[kx] != 1) ? s : 0;
    if (kx >= 0) s *= x->dim[kx];
  }
}

int infer_check_binary(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 2 && n->nout == 1, INFER_EINPUT, "expects 2 inputs");
  INFER_CHECK(!infer_attr_get(n, "broadcast") || opset >= 7, INFER_EUNSUPPORTED,
              "legacy broadcast attribute (opset < 7) is unsupported");
  return INFER_OK;
}
int infer_shape_binary(infer_plan *p, infer_node *n) {
  const infer_value *a = V(p, n->in[0]), *b = V(p, n->in[1]);
  INFER_CHECK(a->dtype == b->dtype, !strcmp(opname(n), "Pow") ? INFER_EUNSUPPORTED : INFER_EINPUT,
              "input types differ");
  int no;
  int64_t o[INFER_MAXDIM];
  char s1[128], s2[128];
  INFER_CHECK(!infer_broadcast_shape(a->ndim, a->dim, b->ndim, b->dim, &no, o), INFER_EINPUT,
              "shapes %s and %s do not broadcast", infer_shape_str(a, s1, sizeof s1), infer_shape_str(b, s2, sizeof s2));
  return infer_set_shape(V(p, n->out[0]), a->dtype, no, o);
}

/* op: 0 add, 1 sub, 2 mul, 3 div, 4 prelu */
#define BIN_LOOP(T, EXPR)                                                                  \
  do {                                                                                     \
    const T *A = a->data, *B = b->data;                                                    \
    T *Y = y->data;                                                                        \
    int64_t idx[INFER_MAXDIM] = {0}, oa = 0, ob = 0, last = no ? y->dim[no - 1] : 1;      \
    int64_t sa = no ? sta[no - 1] : 0, sb = no ? stb[no - 1] : 0;                          \
    for (int64_t base = 0; base < total; base += last) {                                   \
      for (int64_t j = 0; j < last; ++j) {                                                 \
        T x0 = A[oa + j * sa], x1 = B[ob + j * sb];                                         \
        Y[base + j] = (EXPR);                                                              \
      }                                                                                    \
      for (int k = no - 2; k >= 0; --k) {                                                  \
        idx[k]++;                                                                          \
        oa += sta[k];                                                                      \
        ob += stb[k];                                                                      \
        if (idx[k] < y->dim[k]) break;                                                     \
        oa -= sta[k] * idx[k];                                                             \
        ob -= stb[k] * idx[k];                                                             \
        idx[k] = 0;                                                                        \
      }                                                                                    \
    }                                                                                      \
  } while (0)

static int run_bin(infer_plan *p, infer_node *n, int op) {
  const infer_value *a = V(p, n->in[0]), *b = V(p, n->in[1]);
  infer_value *y = V(p, n->out[0]);
  int no = y->ndim;
  int64_t sta[INFER_MAXDIM], stb[INFER_MAXDIM], total = infer_numel(y);
  bcast_strides(a, no, sta);
  bcast_strides(b, no, stb);
  if (total == 0) return INFER_OK;
  if (op == 5) INFER_CHECK(y->dtype == INFER_F32, INFER_EUNSUPPORTED, "integer Pow unsupported");
  if (y->dtype == INFER_F32) {
    switch (op) {
    case 0: BIN_LOOP(float, x0 + x1); break;
    case 1: BIN_LOOP(float, x0 - x1); break;
    case 2: BIN_LOOP(float, x0 * x1); break;
    case 3: BIN_LOOP(float, x0 / x1); break;
    case 5: BIN_LOOP(float, powf(x0, x1)); break;
    default: BIN_LOOP(float, x0 >= 0 ? x0 : x0 * x1); break;
    }
  } else {
    if (op == 3) {
      const int64_t *B = b->data;
      for (int64_t q = 0, c = infer_numel(b); q < c; ++q)
        INFER_CHECK(B[q] != 0, INFER_EINPUT, "integer division by zero");
    }
    switch (op) {
    case 0: BIN_LOOP(int64_t, x0 + x1); break;
    case 1: BIN_LOOP(int64_t, x0 - x1); break;
    case 2: BIN_LOOP(int64_t, x0 * x1); break;
    default: BIN_LOOP(int64_t, x1 ? x0 / x1 : 0); break;
    }
  }
  return INFER_OK;
}
int infer_run_binary(infer_plan *p, infer_node *n) {
  const char *nm = opname(n);
  return run_bin(p, n, !strcmp(nm, "Add") ? 0 : !strcmp(nm, "Sub") ? 1 : !strcmp(nm, "Mul") ? 2
                    : !strcmp(nm, "Pow") ? 5 : 3);
}

int infer_check_prelu(const infer_node *n, int opset) { return infer_check_binary(n, opset); }
int infer_shape_prelu(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]), *s = V(p, n->in[1]);
  INFER_CHECK(x->dtype == INFER_F32 && s->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  int no;
  int64_t o[INFER_MAXDIM];
  INFER_CHECK(!infer_broadcast_shape(x->ndim, x->dim, s->ndim, s->dim, &no, o) && no == x->ndim,
              INFER_EINPUT, "slope does not broadcast to the input");
  for (int k = 0; k < no; ++k) INFER_CHECK(o[k] == x->dim[k], INFER_EINPUT, "slope does not broadcast to the input");
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, x->dim);
}
int infer_run_prelu(infer_plan *p, infer_node *n) { return run_bin(p, n, 4); }

static int norm_axis(int64_t a, int r, int64_t *out) {
  if (a < 0) a += r;
  if (a < 0 || a >= (r ? r : 1)) return -1;
  *out = a;
  return 0;
}

int infer_check_softmax(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 1 && n->nout == 1, INFER_EINPUT, "expects 1 input");
  return INFER_OK;
}
int infer_shape_softmax(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  int64_t ax = 0;
  INFER_CHECK(!norm_axis(infer_attr_int(n, "axis", p->opset >= 13 ? -1 : 1), x->ndim, &ax), INFER_EINPUT,
              "axis out of range");
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, x->dim);
}
int infer_run_softmax(infer_plan *p, infer_node *n) {
  const infer_value *xv = V(p, n->in[0]);
  int64_t ax = 0;
  norm_axis(infer_attr_int(n, "axis", p->opset >= 13 ? -1 : 1), xv->ndim, &ax);
  int64_t outer = 1, len = 1, inner = 1;
  for (int k = 0; k < xv->ndim; ++k) {
    if (k < ax) outer *= xv->dim[k];
    else if (k == ax || p->opset < 13) len *= xv->dim[k];
    else inner *= xv->dim[k];
  }
  const float *x = xv->data;
  float *y = V(p, n->out[0])->data;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float *xs = x + o * len * inner + i;
      float *ys = y + o * len * inner + i;
      float mx = -INFINITY;
      for (int64_t k = 0; k < len; ++k) mx = xs[k * inner] > mx ? xs[k * inner] : mx;
      double s = 0;
      for (int64_t k = 0; k < len; ++k) s += (ys[k * inner] = expf(xs[k * inner] - mx));
      for (int64_t k = 0; k < len; ++k) ys[k * inner] = (float)(ys[k * inner] / s);
    }
  return INFER_OK;
}

int infer_check_reducemean(const infer_node *n, int opset) {
  INFER_CHECK(n->nin >= 1 && n->nin <= 2 && n->nout == 1, INFER_EINPUT, "expects 1-2 inputs");
  return INFER_OK;
}
static int reduce_axes(infer_plan *p, infer_node *n, int r, int *mask) {
  int64_t ax[INFER_MAXDIM];
  int na = -1;
  if (n->nin > 1 && n->in[1] >= 0) {
    INFER_CALL(infer_const_ints(p, n->in[1], ax, INFER_MAXDIM, "axes", n, &na));
  } else {
    na = infer_attr_ints(n, "axes", ax, INFER_MAXDIM);
  }
  for (int k = 0; k < r; ++k) mask[k] = 0;
  if (na <= 0) {
    if (na == 0 && infer_attr_int(n, "noop_with_empty_axes", 0)) return INFER_OK;
    if (na < 0 && n->nin > 1 && n->in[1] >= 0) return INFER_OK;
    for (int k = 0; k < r; ++k) mask[k] = 1;
    return INFER_OK;
  }
  for (int k = 0; k < na; ++k) {
    int64_t a;
    INFER_CHECK(!norm_axis(ax[k], r, &a), INFER_EINPUT, "axis %lld out of range", (long long)ax[k]);
    mask[a] = 1;
  }
  return INFER_OK;
}
int infer_shape_reducemean(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  int mask[INFER_MAXDIM], keep = (int)infer_attr_int(n, "keepdims", 1), no = 0;
  INFER_CALL(reduce_axes(p, n, x->ndim, mask));
  int64_t o[INFER_MAXDIM];
  for (int k = 0; k < x->ndim; ++k)
    if (!mask[k]) o[no++] = x->dim[k];
    else if (keep) o[no++] = 1;
  return infer_set_shape(V(p, n->out[0]), INFER_F32, no, o);
}
int infer_run_reducemean(infer_plan *p, infer_node *n) {
  const infer_value *xv = V(p, n->in[0]);
  int mask[INFER_MAXDIM];
  INFER_CALL(reduce_axes(p, n, xv->ndim, mask));
  int64_t ost[INFER_MAXDIM], s = 1, cnt = 1;
  for (int k = xv->ndim - 1; k >= 0; --k) {
    ost[k] = mask[k] ? 0 : s;
    if (!mask[k]) s *= xv->dim[k];
    else cnt *= xv->dim[k];
  }
  infer_value *yv = V(p, n->out[0]);
  int64_t ny = infer_numel(yv), nx = infer_numel(xv);
  double *acc = calloc((size_t)ny + 1, sizeof(double));
  INFER_CHECK(acc, INFER_EMEM, "out of memory");
  const float *x = xv->data;
  const char *nm = opname(n);
  /* 0 mean, 1 sum, 2 max, 3 min, 4 prod, 5 sum of squares, 6 L1, 7 L2, 8 log-sum, 9 log-sum-exp */
  int mode = !strcmp(nm, "ReduceMean") ? 0 : !strcmp(nm, "ReduceSum") ? 1 : !strcmp(nm, "ReduceMax") ? 2
           : !strcmp(nm, "ReduceMin") ? 3 : !strcmp(nm, "ReduceProd") ? 4 : !strcmp(nm, "ReduceSumSquare") ? 5
           : !strcmp(nm, "ReduceL1") ? 6 : !strcmp(nm, "ReduceL2") ? 7 : !strcmp(nm, "ReduceLogSum") ? 8 : 9;
  double init = mode == 2 ? -INFINITY : mode == 3 ? INFINITY : mode == 4 ? 1.0 : 0.0;
  for (int64_t q = 0; q < ny; ++q) acc[q] = init;
  int64_t idx[INFER_MAXDIM] = {0}, off = 0;
  for (int64_t q = 0; q < nx; ++q) {
    double v = x[q];
    switch (mode) {
    case 2: acc[off] = v > acc[off] ? v : acc[off]; break;
    case 3: acc[off] = v < acc[off] ? v : acc[off]; break;
    case 4: acc[off] *= v; break;
    case 5: case 7: acc[off] += v * v; break;
    case 6: acc[off] += fabs(v); break;
    case 9: acc[off] += exp(v); break;
    default: acc[off] += v; break;
    }
    for (int k = xv->ndim - 1; k >= 0; --k) {
      idx[k]++;
      off += ost[k];
      if (idx[k] < xv->dim[k]) break;
      off -= ost[k] * idx[k];
      idx[k] = 0;
    }
  }
  float *y = yv->data;
  for (int64_t q = 0; q < ny; ++q) {
    double a = acc[q];
    y[q] = (float)(mode == 0 ? (cnt ? a / (double)cnt : NAN) : mode == 7 ? sqrt(a) : mode >= 8 ? log(a) : a);
  }
  free(acc);
  return INFER_OK;
}

int infer_check_argmax(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 1 && n->nout == 1, INFER_EINPUT, "expects 1 input");
  return INFER_OK;
}
int infer_shape_argmax(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  int64_t ax, d[INFER_MAXDIM];
  INFER_CHECK(!norm_axis(infer_attr_int(n, "axis", 0), x->ndim, &ax), INFER_EINPUT, "axis out of range");
  int keep = (int)infer_attr_int(n, "keepdims", 1), no = 0;
  for (int k = 0; k < x->ndim; ++k)
    if (k != ax) d[no++] = x->dim[k];
    else if (keep) d[no++] = 1;
  return infer_set_shape(V(p, n->out[0]), INFER_I64, no, d);
}
int infer_run_argmax(infer_plan *p, infer_node *n) {
  const infer_value *xv = V(p, n->in[0]);
  int64_t ax = 0;
  norm_axis(infer_attr_int(n, "axis", 0), xv->ndim, &ax);
  int is_min = !strcmp(opname(n), "ArgMin"), last = (int)infer_attr_int(n, "select_last_index", 0);
  int64_t outer = 1, len = xv->dim[ax], inner = 1;
  for (int k = 0; k < xv->ndim; ++k) {
    if (k < ax) outer *= xv->dim[k];
    if (k > ax) inner *= xv->dim[k];
  }
  const float *x = xv->data;
  int64_t *y = V(p, n->out[0])->data;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float *xs = x + o * len * inner + i;
      int64_t best = 0;
      for (int64_t k = 1; k < len; ++k) {
        float a = xs[k * inner], b = xs[best * inner];
        int better = is_min ? (last ? a <= b : a < b) : (last ? a >= b : a > b);
        if (better) best = k;
      }
      y[o * inner + i] = best;
    }
  return INFER_OK;
}
