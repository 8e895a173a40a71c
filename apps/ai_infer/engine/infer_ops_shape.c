/* infer_ops_shape.c — data movement: Flatten, Reshape, Transpose, Concat, Slice, Squeeze,
 * Unsqueeze, Gather, Pad, Resize/Upsample, Shape, Constant (float32 and int64). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infer_internal.h"
#include "infer_ops.h"

#define V(p, i) (&(p)->v[(i)])

static int norm_axis(int64_t a, int r, int64_t *out) {
  if (a < 0) a += r;
  if (a < 0 || a >= r) return -1;
  *out = a;
  return 0;
}
static int copy_run(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  infer_value *y = V(p, n->out[0]);
  if (y->data != x->data) memcpy(y->data, x->data, (size_t)infer_numel(x) * infer_dtype_size(x->dtype));
  return INFER_OK;
}
static int need_io(const infer_node *n, int lo, int hi) {
  INFER_CHECK(n->nin >= lo && n->nin <= hi && n->nout == 1, INFER_EINPUT, "expects %d-%d inputs and 1 output", lo, hi);
  return INFER_OK;
}

/* Flatten */
int infer_check_flatten(const infer_node *n, int opset) { return need_io(n, 1, 1); }
int infer_shape_flatten(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int64_t ax = infer_attr_int(n, "axis", 1);
  if (ax < 0) ax += x->ndim;
  INFER_CHECK(ax >= 0 && ax <= x->ndim, INFER_EINPUT, "axis out of range");
  int64_t d[2] = {1, 1};
  for (int k = 0; k < x->ndim; ++k) d[k >= ax] *= x->dim[k];
  return infer_set_shape(V(p, n->out[0]), x->dtype, 2, d);
}
int infer_run_flatten(infer_plan *p, infer_node *n) { return copy_run(p, n); }

/* Reshape */
int infer_check_reshape(const infer_node *n, int opset) {
  INFER_CHECK(opset >= 5, INFER_EUNSUPPORTED, "Reshape-1 (shape attribute) unsupported");
  return need_io(n, 2, 2);
}
int infer_shape_reshape(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int64_t s[INFER_MAXDIM];
  int ns;
  INFER_CALL(infer_const_ints(p, n->in[1], s, INFER_MAXDIM, "shape", n, &ns));
  int allowzero = (int)infer_attr_int(n, "allowzero", 0), neg = -1;
  int64_t known = 1;
  for (int k = 0; k < ns; ++k) {
    if (s[k] == 0 && !allowzero) {
      INFER_CHECK(k < x->ndim, INFER_EINPUT, "shape[%d] = 0 copies a dimension the input lacks", k);
      s[k] = x->dim[k];
    }
    if (s[k] == -1) {
      INFER_CHECK(neg < 0, INFER_EINPUT, "more than one -1 in shape");
      neg = k;
    } else {
      INFER_CHECK(s[k] >= 0, INFER_EINPUT, "negative dimension %lld in shape", (long long)s[k]);
      known *= s[k];
    }
  }
  int64_t tot = infer_numel(x);
  if (neg >= 0) {
    INFER_CHECK(known > 0 && tot % known == 0, INFER_EINPUT, "cannot infer -1: %lld elements into %lld",
                (long long)tot, (long long)known);
    s[neg] = tot / known;
  } else {
    INFER_CHECK(known == tot, INFER_EINPUT, "shape has %lld elements, input %lld", (long long)known, (long long)tot);
  }
  return infer_set_shape(V(p, n->out[0]), x->dtype, ns, s);
}
int infer_run_reshape(infer_plan *p, infer_node *n) { return copy_run(p, n); }

/* Transpose */
int infer_check_transpose(const infer_node *n, int opset) { return need_io(n, 1, 1); }
static int get_perm(const infer_node *n, int r, int64_t *perm) {
  int np = infer_attr_ints(n, "perm", perm, INFER_MAXDIM);
  if (np < 0) {
    for (int k = 0; k < r; ++k) perm[k] = r - 1 - k;
    return INFER_OK;
  }
  INFER_CHECK(np == r, INFER_EINPUT, "perm has %d entries for rank %d", np, r);
  int seen[INFER_MAXDIM] = {0};
  for (int k = 0; k < r; ++k) {
    INFER_CHECK(perm[k] >= 0 && perm[k] < r && !seen[perm[k]], INFER_EINPUT, "perm is not a permutation");
    seen[perm[k]] = 1;
  }
  return INFER_OK;
}
int infer_shape_transpose(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int64_t perm[INFER_MAXDIM], d[INFER_MAXDIM];
  INFER_CALL(get_perm(n, x->ndim, perm));
  for (int k = 0; k < x->ndim; ++k) d[k] = x->dim[perm[k]];
  return infer_set_shape(V(p, n->out[0]), x->dtype, x->ndim, d);
}
int infer_run_transpose(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  infer_value *y = V(p, n->out[0]);
  int64_t perm[INFER_MAXDIM], xs[INFER_MAXDIM], st[INFER_MAXDIM], idx[INFER_MAXDIM] = {0};
  INFER_CALL(get_perm(n, x->ndim, perm));
  int r = x->ndim;
  size_t es = infer_dtype_size(x->dtype);
  int64_t s = 1;
  for (int k = r - 1; k >= 0; --k) { xs[k] = s; s *= x->dim[k]; }
  for (int k = 0; k < r; ++k) st[k] = xs[perm[k]];
  int64_t tot = infer_numel(y), off = 0;
  const char *src = x->data;
  char *dst = y->data;
  for (int64_t q = 0; q < tot; ++q) {
    memcpy(dst + q * es, src + off * es, es);
    for (int k = r - 1; k >= 0; --k) {
      idx[k]++;
      off += st[k];
      if (idx[k] < y->dim[k]) break;
      off -= st[k] * idx[k];
      idx[k] = 0;
    }
  }
  return INFER_OK;
}

/* Concat */
int infer_check_concat(const infer_node *n, int opset) {
  INFER_CHECK(n->nin >= 1 && n->nout == 1, INFER_EINPUT, "expects inputs");
  INFER_CHECK(infer_attr_get(n, "axis"), INFER_EINPUT, "axis is required");
  return INFER_OK;
}
int infer_shape_concat(infer_plan *p, infer_node *n) {
  const infer_value *x0 = V(p, n->in[0]);
  int64_t ax, d[INFER_MAXDIM];
  INFER_CHECK(!norm_axis(infer_attr_int(n, "axis", 0), x0->ndim, &ax), INFER_EINPUT, "axis out of range");
  memcpy(d, x0->dim, sizeof d);
  d[ax] = 0;
  for (int i = 0; i < n->nin; ++i) {
    const infer_value *x = V(p, n->in[i]);
    INFER_CHECK(x->ndim == x0->ndim && x->dtype == x0->dtype, INFER_EINPUT, "input %d rank/type differs", i);
    for (int k = 0; k < x->ndim; ++k)
      INFER_CHECK(k == ax || x->dim[k] == x0->dim[k], INFER_EINPUT, "input %d dimension %d differs", i, k);
    d[ax] += x->dim[ax];
  }
  return infer_set_shape(V(p, n->out[0]), x0->dtype, x0->ndim, d);
}
int infer_run_concat(infer_plan *p, infer_node *n) {
  infer_value *y = V(p, n->out[0]);
  int64_t ax = 0;
  norm_axis(infer_attr_int(n, "axis", 0), y->ndim, &ax);
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < y->ndim; ++k) {
    if (k < ax) outer *= y->dim[k];
    if (k > ax) inner *= y->dim[k];
  }
  size_t es = infer_dtype_size(y->dtype);
  int64_t off = 0, yrow = y->dim[ax] * inner;
  for (int i = 0; i < n->nin; ++i) {
    const infer_value *x = V(p, n->in[i]);
    int64_t row = x->dim[ax] * inner;
    for (int64_t o = 0; o < outer; ++o)
      memcpy((char *)y->data + (o * yrow + off) * es, (const char *)x->data + o * row * es, (size_t)row * es);
    off += row;
  }
  return INFER_OK;
}

/* Slice */
int infer_check_slice(const infer_node *n, int opset) {
  if (opset < 10) {
    INFER_CHECK(infer_attr_get(n, "starts") && infer_attr_get(n, "ends"), INFER_EINPUT, "starts/ends required");
    return need_io(n, 1, 1);
  }
  return need_io(n, 3, 5);
}
typedef struct { int64_t start[INFER_MAXDIM], step[INFER_MAXDIM], len[INFER_MAXDIM]; } slice_t;
static int slice_params(infer_plan *p, infer_node *n, slice_t *s) {
  const infer_value *x = V(p, n->in[0]);
  int r = x->ndim;
  int64_t st[INFER_MAXDIM], en[INFER_MAXDIM], ax[INFER_MAXDIM], sp[INFER_MAXDIM];
  int ns, ne, na = -1, nsp = -1;
  if (p->opset < 10) {
    ns = infer_attr_ints(n, "starts", st, INFER_MAXDIM);
    ne = infer_attr_ints(n, "ends", en, INFER_MAXDIM);
    na = infer_attr_ints(n, "axes", ax, INFER_MAXDIM);
  } else {
    INFER_CALL(infer_const_ints(p, n->in[1], st, INFER_MAXDIM, "starts", n, &ns));
    INFER_CALL(infer_const_ints(p, n->in[2], en, INFER_MAXDIM, "ends", n, &ne));
    if (n->nin > 3 && n->in[3] >= 0) INFER_CALL(infer_const_ints(p, n->in[3], ax, INFER_MAXDIM, "axes", n, &na));
    if (n->nin > 4 && n->in[4] >= 0) INFER_CALL(infer_const_ints(p, n->in[4], sp, INFER_MAXDIM, "steps", n, &nsp));
  }
  INFER_CHECK(ns == ne && (na < 0 || na == ns) && (nsp < 0 || nsp == ns) && ns <= r, INFER_EINPUT,
              "starts/ends/axes/steps lengths disagree");
  for (int k = 0; k < r; ++k) { s->start[k] = 0; s->step[k] = 1; s->len[k] = x->dim[k]; }
  int used[INFER_MAXDIM] = {0};
  for (int i = 0; i < ns; ++i) {
    int64_t a = i;
    if (na >= 0) INFER_CHECK(!norm_axis(ax[i], r, &a), INFER_EINPUT, "axis %lld out of range", (long long)ax[i]);
    INFER_CHECK(!used[a], INFER_EINPUT, "axis repeated");
    used[a] = 1;
    int64_t dim = x->dim[a], step = nsp >= 0 ? sp[i] : 1, b = st[i], e = en[i];
    INFER_CHECK(step != 0, INFER_EINPUT, "step 0");
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    if (step > 0) {
      b = b < 0 ? 0 : (b > dim ? dim : b);
      e = e < 0 ? 0 : (e > dim ? dim : e);
      s->len[a] = e > b ? (e - b + step - 1) / step : 0;
    } else {
      b = b < 0 ? 0 : (b > dim - 1 ? dim - 1 : b);
      e = e < -1 ? -1 : (e > dim - 1 ? dim - 1 : e);
      s->len[a] = b > e ? (b - e + (-step) - 1) / (-step) : 0;
    }
    s->start[a] = b;
    s->step[a] = step;
  }
  return INFER_OK;
}
int infer_shape_slice(infer_plan *p, infer_node *n) {
  slice_t s;
  INFER_CALL(slice_params(p, n, &s));
  const infer_value *x = V(p, n->in[0]);
  return infer_set_shape(V(p, n->out[0]), x->dtype, x->ndim, s.len);
}
int infer_run_slice(infer_plan *p, infer_node *n) {
  slice_t s;
  INFER_CALL(slice_params(p, n, &s));
  const infer_value *x = V(p, n->in[0]);
  infer_value *y = V(p, n->out[0]);
  int r = x->ndim;
  size_t es = infer_dtype_size(x->dtype);
  int64_t xs[INFER_MAXDIM], st = 1, base = 0, idx[INFER_MAXDIM] = {0};
  for (int k = r - 1; k >= 0; --k) { xs[k] = st; st *= x->dim[k]; }
  for (int k = 0; k < r; ++k) base += s.start[k] * xs[k];
  int64_t tot = infer_numel(y), off = base;
  for (int64_t q = 0; q < tot; ++q) {
    memcpy((char *)y->data + q * es, (const char *)x->data + off * es, es);
    for (int k = r - 1; k >= 0; --k) {
      idx[k]++;
      off += s.step[k] * xs[k];
      if (idx[k] < y->dim[k]) break;
      off -= s.step[k] * xs[k] * idx[k];
      idx[k] = 0;
    }
  }
  return INFER_OK;
}

/* Squeeze / Unsqueeze */
static int get_axes(infer_plan *p, infer_node *n, int64_t *ax, int *na) {
  if (n->nin > 1 && n->in[1] >= 0) return infer_const_ints(p, n->in[1], ax, INFER_MAXDIM, "axes", n, na);
  *na = infer_attr_ints(n, "axes", ax, INFER_MAXDIM);
  return INFER_OK;
}
int infer_check_squeeze(const infer_node *n, int opset) { return need_io(n, 1, 2); }
int infer_shape_squeeze(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int64_t ax[INFER_MAXDIM], d[INFER_MAXDIM];
  int na, drop[INFER_MAXDIM] = {0}, no = 0;
  INFER_CALL(get_axes(p, n, ax, &na));
  if (na < 0) {
    for (int k = 0; k < x->ndim; ++k) drop[k] = x->dim[k] == 1;
  } else {
    for (int i = 0; i < na; ++i) {
      int64_t a;
      INFER_CHECK(!norm_axis(ax[i], x->ndim, &a) && x->dim[a] == 1, INFER_EINPUT, "axis %lld is not a size-1 dimension",
                  (long long)ax[i]);
      drop[a] = 1;
    }
  }
  for (int k = 0; k < x->ndim; ++k)
    if (!drop[k]) d[no++] = x->dim[k];
  return infer_set_shape(V(p, n->out[0]), x->dtype, no, d);
}
int infer_run_squeeze(infer_plan *p, infer_node *n) { return copy_run(p, n); }
int infer_check_unsqueeze(const infer_node *n, int opset) { return need_io(n, 1, 2); }
int infer_shape_unsqueeze(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int64_t ax[INFER_MAXDIM], d[INFER_MAXDIM];
  int na, ins[INFER_MAXDIM] = {0};
  INFER_CALL(get_axes(p, n, ax, &na));
  INFER_CHECK(na > 0, INFER_EINPUT, "axes required");
  int r = x->ndim + na;
  INFER_CHECK(r <= INFER_MAXDIM, INFER_EUNSUPPORTED, "rank %d > %d", r, INFER_MAXDIM);
  for (int i = 0; i < na; ++i) {
    int64_t a;
    INFER_CHECK(!norm_axis(ax[i], r, &a) && !ins[a], INFER_EINPUT, "axis %lld invalid", (long long)ax[i]);
    ins[a] = 1;
  }
  for (int k = 0, j = 0; k < r; ++k) d[k] = ins[k] ? 1 : x->dim[j++];
  return infer_set_shape(V(p, n->out[0]), x->dtype, r, d);
}
int infer_run_unsqueeze(infer_plan *p, infer_node *n) { return copy_run(p, n); }

/* Constant */
int infer_check_constant(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 0 && n->nout == 1, INFER_EINPUT, "expects no input and 1 output");
  INFER_CHECK(n->nattr == 1, INFER_EINPUT, "expects exactly one value attribute");
  const infer_attr *a = &n->attr[0];
  int ok = (!strcmp(a->name, "value") && a->type == INFER_A_TENSOR) ||
           (!strcmp(a->name, "value_float") && a->type == INFER_A_FLOAT) ||
           (!strcmp(a->name, "value_floats") && a->type == INFER_A_FLOATS) ||
           (!strcmp(a->name, "value_int") && a->type == INFER_A_INT) ||
           (!strcmp(a->name, "value_ints") && a->type == INFER_A_INTS);
  INFER_CHECK(ok, INFER_EUNSUPPORTED, "attribute %s unsupported", a->name);
  return INFER_OK;
}
int infer_shape_constant(infer_plan *p, infer_node *n) {
  const infer_attr *a = &n->attr[0];
  int64_t d = a->n;
  switch (a->type) {
  case INFER_A_TENSOR: return infer_set_shape(V(p, n->out[0]), a->t.dtype, a->t.ndim, a->t.dim);
  case INFER_A_FLOAT: return infer_set_shape(V(p, n->out[0]), INFER_F32, 0, &d);
  case INFER_A_INT: return infer_set_shape(V(p, n->out[0]), INFER_I64, 0, &d);
  case INFER_A_FLOATS: return infer_set_shape(V(p, n->out[0]), INFER_F32, 1, &d);
  default: return infer_set_shape(V(p, n->out[0]), INFER_I64, 1, &d);
  }
}
int infer_run_constant(infer_plan *p, infer_node *n) {
  const infer_attr *a = &n->attr[0];
  infer_value *y = V(p, n->out[0]);
  switch (a->type) {
  case INFER_A_TENSOR: memcpy(y->data, a->t.data, (size_t)infer_numel(y) * infer_dtype_size(y->dtype)); break;
  case INFER_A_FLOAT: *(float *)y->data = (float)a->f; break;
  case INFER_A_INT: *(int64_t *)y->data = a->i; break;
  case INFER_A_FLOATS: memcpy(y->data, a->fs, (size_t)a->n * sizeof(float)); break;
  default: memcpy(y->data, a->is, (size_t)a->n * sizeof(int64_t)); break;
  }
  return INFER_OK;
}

/* Shape */
int infer_check_shape(const infer_node *n, int opset) { return need_io(n, 1, 1); }
static void shape_range(const infer_node *n, int r, int64_t *b, int64_t *e) {
  *b = infer_attr_int(n, "start", 0);
  *e = infer_attr_int(n, "end", r);
  if (*b < 0) *b += r;
  if (*e < 0) *e += r;
  *b = *b < 0 ? 0 : (*b > r ? r : *b);
  *e = *e < 0 ? 0 : (*e > r ? r : *e);
  if (*e < *b) *e = *b;
}
int infer_shape_shape(infer_plan *p, infer_node *n) {
  int64_t b, e;
  shape_range(n, V(p, n->in[0])->ndim, &b, &e);
  int64_t d = e - b;
  return infer_set_shape(V(p, n->out[0]), INFER_I64, 1, &d);
}
int infer_run_shape(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int64_t b, e, *y = V(p, n->out[0])->data;
  shape_range(n, x->ndim, &b, &e);
  for (int64_t k = b; k < e; ++k) y[k - b] = x->dim[k];
  return INFER_OK;
}

/* Gather */
int infer_check_gather(const infer_node *n, int opset) { return need_io(n, 2, 2); }
int infer_shape_gather(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]), *ix = V(p, n->in[1]);
  int64_t ax, d[INFER_MAXDIM];
  INFER_CHECK(ix->dtype == INFER_I64, INFER_EINPUT, "indices must be integers");
  INFER_CHECK(x->ndim >= 1 && !norm_axis(infer_attr_int(n, "axis", 0), x->ndim, &ax), INFER_EINPUT, "axis out of range");
  int r = x->ndim - 1 + ix->ndim, no = 0;
  INFER_CHECK(r <= INFER_MAXDIM, INFER_EUNSUPPORTED, "rank %d > %d", r, INFER_MAXDIM);
  for (int k = 0; k < ax; ++k) d[no++] = x->dim[k];
  for (int k = 0; k < ix->ndim; ++k) d[no++] = ix->dim[k];
  for (int k = (int)ax + 1; k < x->ndim; ++k) d[no++] = x->dim[k];
  return infer_set_shape(V(p, n->out[0]), x->dtype, r, d);
}
int infer_run_gather(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]), *ix = V(p, n->in[1]);
  int64_t ax = 0;
  norm_axis(infer_attr_int(n, "axis", 0), x->ndim, &ax);
  int64_t outer = 1, inner = 1, dim = x->dim[ax], ni = infer_numel(ix);
  for (int k = 0; k < x->ndim; ++k) {
    if (k < ax) outer *= x->dim[k];
    if (k > ax) inner *= x->dim[k];
  }
  size_t es = infer_dtype_size(x->dtype);
  const int64_t *id = ix->data;
  char *y = V(p, n->out[0])->data;
  for (int64_t i = 0; i < ni; ++i) {
    int64_t j = id[i] < 0 ? id[i] + dim : id[i];
    INFER_CHECK(j >= 0 && j < dim, INFER_EINPUT, "index %lld out of range [%lld, %lld)", (long long)id[i],
                (long long)-dim, (long long)dim);
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < ni; ++i) {
      int64_t j = id[i] < 0 ? id[i] + dim : id[i];
      memcpy(y + ((o * ni + i) * inner) * es, (const char *)x->data + ((o * dim + j) * inner) * es, (size_t)inner * es);
    }
  return INFER_OK;
}

/* Pad */
int infer_check_pad(const infer_node *n, int opset) {
  const char *mode = infer_attr_str(n, "mode", "constant");
  INFER_CHECK(!strcmp(mode, "constant") || !strcmp(mode, "reflect") || !strcmp(mode, "edge"),
              INFER_EUNSUPPORTED, "mode %s unsupported (constant, reflect, edge)", mode);
  return opset < 11 ? need_io(n, 1, 1) : need_io(n, 2, 4);
}
static int pad_params(infer_plan *p, infer_node *n, int64_t *pb, int64_t *pe, float *cv) {
  const infer_value *x = V(p, n->in[0]);
  int r = x->ndim;
  int64_t pads[2 * INFER_MAXDIM], ax[INFER_MAXDIM];
  int np, na = -1;
  *cv = 0;
  if (p->opset < 11) {
    np = infer_attr_ints(n, "pads", pads, 2 * INFER_MAXDIM);
    *cv = infer_attr_float(n, "value", 0.0f);
  } else {
    INFER_CALL(infer_const_ints(p, n->in[1], pads, 2 * INFER_MAXDIM, "pads", n, &np));
    if (n->nin > 2 && n->in[2] >= 0) {
      const infer_value *c = V(p, n->in[2]);
      INFER_CHECK(c->is_const && infer_numel(c) == 1, INFER_EUNSUPPORTED, "constant_value must be a constant scalar");
      *cv = c->dtype == INFER_F32 ? *(const float *)c->data : (float)*(const int64_t *)c->data;
    }
    if (n->nin > 3 && n->in[3] >= 0) INFER_CALL(infer_const_ints(p, n->in[3], ax, INFER_MAXDIM, "axes", n, &na));
  }
  int cnt = na >= 0 ? na : r;
  INFER_CHECK(np == 2 * cnt, INFER_EINPUT, "pads has %d values, expected %d", np, 2 * cnt);
  for (int k = 0; k < r; ++k) pb[k] = pe[k] = 0;
  for (int i = 0; i < cnt; ++i) {
    int64_t a = i;
    if (na >= 0) INFER_CHECK(!norm_axis(ax[i], r, &a), INFER_EINPUT, "axis out of range");
    pb[a] = pads[i];
    pe[a] = pads[cnt + i];
  }
  return INFER_OK;
}
int infer_shape_pad(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  int64_t pb[INFER_MAXDIM], pe[INFER_MAXDIM], d[INFER_MAXDIM];
  float cv;
  INFER_CALL(pad_params(p, n, pb, pe, &cv));
  const char *mode = infer_attr_str(n, "mode", "constant");
  for (int k = 0; k < x->ndim; ++k) {
    d[k] = x->dim[k] + pb[k] + pe[k];
    INFER_CHECK(d[k] >= 0, INFER_EINPUT, "pads remove more than dimension %d has", k);
    INFER_CHECK(!strcmp(mode, "constant") || (x->dim[k] > 0 && (strcmp(mode, "reflect") ||
                (pb[k] < x->dim[k] && pe[k] < x->dim[k]))), INFER_EINPUT,
                "%s padding larger than dimension %d", mode, k);
  }
  return infer_set_shape(V(p, n->out[0]), x->dtype, x->ndim, d);
}
int infer_run_pad(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  infer_value *y = V(p, n->out[0]);
  int64_t pb[INFER_MAXDIM], pe[INFER_MAXDIM], xs[INFER_MAXDIM], idx[INFER_MAXDIM] = {0};
  float cv;
  INFER_CALL(pad_params(p, n, pb, pe, &cv));
  const char *mode = infer_attr_str(n, "mode", "constant");
  int m = !strcmp(mode, "constant") ? 0 : !strcmp(mode, "reflect") ? 1 : 2, r = x->ndim;
  int64_t s = 1, tot = infer_numel(y);
  for (int k = r - 1; k >= 0; --k) { xs[k] = s; s *= x->dim[k]; }
  size_t es = infer_dtype_size(x->dtype);
  int64_t cvi = (int64_t)cv;
  for (int64_t q = 0; q < tot; ++q) {
    int64_t off = 0;
    int outside = 0;
    for (int k = 0; k < r; ++k) {
      int64_t c = idx[k] - pb[k], dim = x->dim[k];
      if (c < 0 || c >= dim) {
        if (m == 0) { outside = 1; break; }
        if (m == 2) c = c < 0 ? 0 : dim - 1;
        else if (dim == 1) c = 0;
        else {
          int64_t per = 2 * (dim - 1);
          c = ((c % per) + per) % per;
          if (c >= dim) c = per - c;
        }
      }
      off += c * xs[k];
    }
    char *dst = (char *)y->data + q * es;
    if (outside) {
      if (x->dtype == INFER_F32) memcpy(dst, &cv, 4); else memcpy(dst, &cvi, 8);
    } else {
      memcpy(dst, (const char *)x->data + off * es, es);
    }
    for (int k = r - 1; k >= 0; --k) {
      if (++idx[k] < y->dim[k]) break;
      idx[k] = 0;
    }
  }
  return INFER_OK;
}

/* Resize (opset 10+) and Upsample (opset 7/9): nearest and (multi)linear, separable. */
int infer_check_resize(const infer_node *n, int opset) {
  const char *mode = infer_attr_str(n, "mode", "nearest");
  INFER_CHECK(!strcmp(mode, "nearest") || !strcmp(mode, "linear") || !strcmp(mode, "bilinear"),
              INFER_EUNSUPPORTED, "mode %s unsupported (nearest, linear)", mode);
  const char *ct = infer_attr_str(n, "coordinate_transformation_mode", "half_pixel");
  INFER_CHECK(strcmp(ct, "tf_crop_and_resize"), INFER_EUNSUPPORTED, "coordinate mode tf_crop_and_resize unsupported");
  INFER_CHECK(!infer_attr_int(n, "antialias", 0), INFER_EUNSUPPORTED, "antialias unsupported");
  INFER_CHECK(!infer_attr_get(n, "axes"), INFER_EUNSUPPORTED, "axes attribute unsupported");
  INFER_CHECK(!strcmp(infer_attr_str(n, "keep_aspect_ratio_policy", "stretch"), "stretch"), INFER_EUNSUPPORTED,
              "keep_aspect_ratio_policy other than stretch unsupported");
  INFER_CHECK(n->nin >= 1 && n->nin <= 4 && n->nout == 1, INFER_EINPUT, "expects 1-4 inputs");
  return INFER_OK;
}
static int is_upsample(const infer_node *n) { return !strcmp(infer_ops[n->op].name, "Upsample"); }
static int resize_params(infer_plan *p, infer_node *n, double *scale, int64_t *out) {
  const infer_value *x = V(p, n->in[0]);
  int r = x->ndim;
  float fs[INFER_MAXDIM];
  int nscale = -1;
  int scale_in = is_upsample(n) || p->opset < 11 ? 1 : 2;
  if (is_upsample(n) && n->nin == 1) {
    const infer_attr *a = infer_attr_get(n, "scales");
    INFER_CHECK(a && a->type == INFER_A_FLOATS && a->n <= INFER_MAXDIM, INFER_EINPUT, "scales required");
    nscale = a->n;
    memcpy(fs, a->fs, (size_t)a->n * sizeof(float));
  } else if (n->nin > scale_in && n->in[scale_in] >= 0 && infer_numel(V(p, n->in[scale_in])) > 0) {
    const infer_value *s = V(p, n->in[scale_in]);
    INFER_CHECK(s->is_const && s->dtype == INFER_F32 && infer_numel(s) <= INFER_MAXDIM, INFER_EUNSUPPORTED,
                "scales must be a constant float tensor");
    nscale = (int)infer_numel(s);
    memcpy(fs, s->data, (size_t)nscale * sizeof(float));
  }
  if (nscale >= 0) {
    INFER_CHECK(nscale == r, INFER_EINPUT, "scales has %d values for rank %d", nscale, r);
    for (int k = 0; k < r; ++k) {
      INFER_CHECK(fs[k] > 0, INFER_EINPUT, "scale %g must be > 0", fs[k]);
      /* a crafted scale must not overflow int64 (undefined behaviour) or ask for more than 2^40 */
      double o = floor((double)x->dim[k] * fs[k]);
      INFER_CHECK(o <= 1099511627776.0, INFER_EINPUT, "scale %g gives a dimension of %g (> 2^40)", fs[k], o);
      scale[k] = fs[k];
      out[k] = (int64_t)o;
    }
    return INFER_OK;
  }
  INFER_CHECK(!is_upsample(n) && n->nin > 3 && n->in[3] >= 0, INFER_EINPUT, "needs scales or sizes");
  int64_t sz[INFER_MAXDIM];
  int ns;
  INFER_CALL(infer_const_ints(p, n->in[3], sz, INFER_MAXDIM, "sizes", n, &ns));
  INFER_CHECK(ns == r, INFER_EINPUT, "sizes has %d values for rank %d", ns, r);
  for (int k = 0; k < r; ++k) {
    out[k] = sz[k];
    scale[k] = x->dim[k] ? (double)sz[k] / (double)x->dim[k] : 1.0;
  }
  return INFER_OK;
}
int infer_shape_resize(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  double sc[INFER_MAXDIM];
  int64_t o[INFER_MAXDIM];
  INFER_CALL(resize_params(p, n, sc, o));
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, o);
}
/* ONNX uses the unrounded resized length in * scale in the corner-aligned formulas */
static double src_coord(const char *ct, double xo, double scale, int64_t in) {
  double out = (double)in * scale;
  if (!strcmp(ct, "half_pixel")) return (xo + 0.5) / scale - 0.5;
  if (!strcmp(ct, "pytorch_half_pixel")) return out > 1 ? (xo + 0.5) / scale - 0.5 : 0.0;
  if (!strcmp(ct, "align_corners")) return out == 1 ? 0.0 : xo * (double)(in - 1) / (out - 1);
  if (!strcmp(ct, "tf_half_pixel_for_nn")) return (xo + 0.5) / scale;
  return xo / scale; /* asymmetric */
}
int infer_run_resize(infer_plan *p, infer_node *n) {
  const infer_value *xv = V(p, n->in[0]);
  infer_value *yv = V(p, n->out[0]);
  double sc[INFER_MAXDIM];
  int64_t o[INFER_MAXDIM];
  INFER_CALL(resize_params(p, n, sc, o));
  int up = is_upsample(n) || p->opset < 11;
  const char *mode = infer_attr_str(n, "mode", "nearest");
  int linear = strcmp(mode, "nearest") != 0;
  const char *ct = up ? "asymmetric" : infer_attr_str(n, "coordinate_transformation_mode", "half_pixel");
  const char *nm = up ? "floor" : infer_attr_str(n, "nearest_mode", "round_prefer_floor");
  int r = xv->ndim;
  /* one axis at a time: cur has shape d (d[k] = out for done axes) */
  int64_t d[INFER_MAXDIM];
  memcpy(d, xv->dim, sizeof d);
  int64_t maxel = infer_numel(xv) > infer_numel(yv) ? infer_numel(xv) : infer_numel(yv);
  for (int k = 0; k < r; ++k) {
    int64_t t = 1;
    for (int j = 0; j < r; ++j) t *= j <= k ? o[j] : xv->dim[j];
    if (t > maxel) maxel = t;
  }
  float *a = malloc((size_t)(maxel + 1) * sizeof(float)), *b = malloc((size_t)(maxel + 1) * sizeof(float));
  if (!a || !b) { free(a); free(b); return infer_raise(INFER_EMEM, "out of memory"); }
  memcpy(a, xv->data, (size_t)infer_numel(xv) * sizeof(float));
  for (int k = 0; k < r; ++k) {
    if (o[k] == d[k] && sc[k] == 1.0) continue;
    int64_t outer = 1, inner = 1, in = d[k], out = o[k];
    for (int j = 0; j < r; ++j) { if (j < k) outer *= d[j]; if (j > k) inner *= d[j]; }
    for (int64_t q = 0; q < out; ++q) {
      double xs = src_coord(ct, (double)q, sc[k], in);
      int64_t i0, i1;
      double w1 = 0;
      if (linear) {
        if (xs < 0) xs = 0;
        if (xs > in - 1) xs = (double)(in - 1);
        i0 = (int64_t)floor(xs);
        i1 = i0 + 1 < in ? i0 + 1 : in - 1;
        w1 = xs - (double)i0;
      } else {
        double fl = floor(xs), fr = xs - fl;
        if (!strcmp(nm, "floor")) i0 = (int64_t)fl;
        else if (!strcmp(nm, "ceil")) i0 = (int64_t)ceil(xs);
        else if (!strcmp(nm, "round_prefer_ceil")) i0 = fr >= 0.5 ? (int64_t)fl + 1 : (int64_t)fl;
        else i0 = fr > 0.5 ? (int64_t)fl + 1 : (int64_t)fl;
        i0 = i0 < 0 ? 0 : (i0 > in - 1 ? in - 1 : i0);
        i1 = i0;
      }
      for (int64_t oo = 0; oo < outer; ++oo) {
        const float *s0 = a + (oo * in + i0) * inner, *s1 = a + (oo * in + i1) * inner;
        float *dst = b + (oo * out + q) * inner;
        for (int64_t ii = 0; ii < inner; ++ii) dst[ii] = (float)(s0[ii] * (1.0 - w1) + s1[ii] * w1);
      }
    }
    d[k] = out;
    float *t = a; a = b; b = t;
  }
  memcpy(yv->data, a, (size_t)infer_numel(yv) * sizeof(float));
  free(a);
  free(b);
  return INFER_OK;
}
