/* infer_graph.c — bind a model to input shapes: topological order, shape inference,
 * constant folding, BatchNorm folding, Conv(+Add)(+activation) fusion, buffer planning. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infer_internal.h"

/* ---- small helpers shared by the op files ---- */

const infer_attr *infer_attr_get(const infer_node *n, const char *name) {
  for (int k = 0; k < n->nattr; ++k)
    if (!strcmp(n->attr[k].name, name)) return &n->attr[k];
  return NULL;
}
int64_t infer_attr_int(const infer_node *n, const char *name, int64_t def) {
  const infer_attr *a = infer_attr_get(n, name);
  return a && a->type == INFER_A_INT ? a->i : def;
}
float infer_attr_float(const infer_node *n, const char *name, float def) {
  const infer_attr *a = infer_attr_get(n, name);
  return a && a->type == INFER_A_FLOAT ? (float)a->f : def;
}
const char *infer_attr_str(const infer_node *n, const char *name, const char *def) {
  const infer_attr *a = infer_attr_get(n, name);
  return a && a->type == INFER_A_STRING ? a->s : def;
}
int infer_attr_ints(const infer_node *n, const char *name, int64_t *out, int max) {
  const infer_attr *a = infer_attr_get(n, name);
  if (!a || a->type != INFER_A_INTS) return -1;
  int c = a->n < max ? a->n : max;
  for (int k = 0; k < c; ++k) out[k] = a->is[k];
  return a->n;
}

int64_t infer_numel(const infer_value *v) {
  int64_t n = 1;
  for (int k = 0; k < v->ndim; ++k) n *= v->dim[k];
  return n;
}
size_t infer_dtype_size(int dtype) { return dtype == INFER_I64 ? 8 : 4; }

int infer_set_shape(infer_value *v, int dtype, int ndim, const int64_t *dim) {
  INFER_CHECK(ndim >= 0 && ndim <= INFER_MAXDIM, INFER_EUNSUPPORTED,
              "value '%s' would have %d dimensions (max %d)", v->name, ndim, INFER_MAXDIM);
  int64_t numel = 1;
  for (int k = 0; k < ndim; ++k) {
    INFER_CHECK(dim[k] >= 0 && dim[k] < ((int64_t)1 << 40), INFER_EINPUT,
                "value '%s' would have invalid dimension %lld", v->name, (long long)dim[k]);
    numel *= dim[k];
    INFER_CHECK(numel < ((int64_t)1 << 40), INFER_EINPUT, "value '%s' is too large", v->name);
  }
  v->dtype = dtype;
  v->ndim = ndim;
  for (int k = 0; k < ndim; ++k) v->dim[k] = dim[k];
  return INFER_OK;
}

const char *infer_shape_str(const infer_value *v, char *buf, size_t len) {
  size_t l = (size_t)snprintf(buf, len, "[");
  for (int k = 0; k < v->ndim && l < len; ++k)
    l += (size_t)snprintf(buf + l, len - l, "%s%lld", k ? "," : "", (long long)v->dim[k]);
  if (l < len) snprintf(buf + l, len - l, "]");
  return buf;
}

int infer_const_ints(const infer_plan *p, int vi, int64_t *out, int max, const char *what,
                     const infer_node *n, int *count) {
  INFER_CHECK(vi >= 0 && vi < p->nvalue, INFER_EINPUT, "node '%s': missing input %s", n->name, what);
  const infer_value *v = &p->v[vi];
  INFER_CHECK(v->is_const, INFER_EUNSUPPORTED,
              "node '%s': input %s ('%s') must be a constant (data-dependent shapes are unsupported)",
              n->name, what, v->name);
  int64_t c = infer_numel(v);
  INFER_CHECK(c <= max, INFER_EUNSUPPORTED, "node '%s': input %s has %lld values (max %d)", n->name,
              what, (long long)c, max);
  for (int64_t k = 0; k < c; ++k)
    out[k] = v->dtype == INFER_I64 ? ((const int64_t *)v->data)[k]
                                   : (int64_t)((const float *)v->data)[k];
  *count = (int)c;
  return INFER_OK;
}

int infer_broadcast_shape(int na, const int64_t *a, int nb, const int64_t *b, int *nout,
                          int64_t *out) {
  int n = na > nb ? na : nb;
  for (int k = 0; k < n; ++k) {
    int64_t x = k - (n - na) >= 0 ? a[k - (n - na)] : 1;
    int64_t y = k - (n - nb) >= 0 ? b[k - (n - nb)] : 1;
    if (x != y && x != 1 && y != 1) return -1;
    out[k] = x == 1 ? y : x;
  }
  *nout = n;
  return 0;
}

/* ---- plan ---- */

static int new_const(infer_plan *p, const char *base, int dtype, int ndim, const int64_t *dim) {
  infer_value *v = &p->v[p->nvalue];
  memset(v, 0, sizeof *v);
  size_t l = strlen(base) + 8;
  v->name = malloc(l);
  if (!v->name) return -1;
  snprintf(v->name, l, "%s.folded", base);
  v->producer = -1;
  v->buf = -1;
  if (infer_set_shape(v, dtype, ndim, dim)) return -1;
  v->data = calloc((size_t)infer_numel(v) + 1, infer_dtype_size(dtype));
  if (!v->data) return -1;
  v->is_const = v->owned = 1;
  return p->nvalue++;
}

void infer_plan_free(infer_plan **pp) {
  infer_plan *p = pp ? *pp : NULL;
  if (!p) return;
  infer_onednn_free(p);
  for (int i = 0; i < p->nvalue; ++i) {
    if (p->v[i].owned) free(p->v[i].data);
    if (i >= p->m->nvalue) free(p->v[i].name);
  }
  for (int i = 0; i < p->nnode; ++i) {
    free(p->node[i].in);
    free(p->node[i].out);
  }
  for (int b = 0; b < p->nbuf; ++b) free(p->buf[b]);
  free(p->buf);
  free(p->bufsize);
  free(p->v);
  free(p->node);
  free(p->order);
  free(p);
  *pp = NULL;
}

static int topo_order(infer_plan *p) {
  int *indeg = calloc((size_t)p->nnode + 1, sizeof(int));
  INFER_CHECK(indeg, INFER_EMEM, "out of memory");
  for (int i = 0; i < p->nnode; ++i)
    for (int k = 0; k < p->node[i].nin; ++k) {
      int vi = p->node[i].in[k];
      if (vi >= 0 && p->v[vi].producer >= 0) indeg[i]++;
    }
  int head = 0;
  p->norder = 0;
  for (int i = 0; i < p->nnode; ++i)
    if (!indeg[i]) p->order[p->norder++] = i;
  while (head < p->norder) {
    const infer_node *n = &p->node[p->order[head++]];
    for (int k = 0; k < n->nout; ++k) {
      if (n->out[k] < 0) continue;
      for (int j = 0; j < p->nnode; ++j)
        for (int q = 0; q < p->node[j].nin; ++q)
          if (p->node[j].in[q] == n->out[k] && --indeg[j] == 0) p->order[p->norder++] = j;
    }
  }
  free(indeg);
  INFER_CHECK(p->norder == p->nnode, INFER_EINPUT, "%s: the graph has a cycle (%d of %d nodes ordered)",
              p->m->path, p->norder, p->nnode);
  return INFER_OK;
}

static int all_inputs_const(const infer_plan *p, const infer_node *n) {
  for (int k = 0; k < n->nin; ++k)
    if (n->in[k] >= 0 && !p->v[n->in[k]].is_const) return 0;
  return 1;
}

static int op_is(const infer_node *n, const char *name) { return !strcmp(infer_ops[n->op].name, name); }

/* Shape inference in order; nodes whose inputs are all constant run now (folding). */
static int infer_shapes(infer_plan *p) {
  for (int o = 0; o < p->norder; ++o) {
    infer_node *n = &p->node[p->order[o]];
    for (int k = 0; k < n->nin; ++k)
      INFER_CHECK(n->in[k] < 0 || p->v[n->in[k]].dtype, INFER_EINPUT, "node '%s': input '%s' has no type",
                  n->name, p->v[n->in[k]].name);
    int rc = infer_ops[n->op].shape(p, n);
    if (rc) {
      char why[700];
      snprintf(why, sizeof why, "%.480s", infer_error());
      return infer_raise(rc, "%s: node '%s' (%s): %s", p->m->path, n->name, infer_ops[n->op].name, why);
    }
    int fold = all_inputs_const(p, n) || op_is(n, "Shape"); /* Shape needs only the shape */
    if (!fold) continue;
    for (int k = 0; k < n->nout; ++k) {
      if (n->out[k] < 0) continue;
      infer_value *v = &p->v[n->out[k]];
      v->data = calloc((size_t)infer_numel(v) + 1, infer_dtype_size(v->dtype));
      INFER_CHECK(v->data, INFER_EMEM, "out of memory folding node '%s'", n->name);
      v->owned = 1;
    }
    rc = infer_ops[n->op].run(p, n);
    if (rc) {
      char why[700];
      snprintf(why, sizeof why, "%.480s", infer_error());
      return infer_raise(rc, "%s: node '%s' (%s): %s", p->m->path, n->name, infer_ops[n->op].name, why);
    }
    for (int k = 0; k < n->nout; ++k)
      if (n->out[k] >= 0) p->v[n->out[k]].is_const = 1;
    n->dead = 1;
  }
  return INFER_OK;
}

static void count_uses(infer_plan *p) {
  for (int i = 0; i < p->nvalue; ++i) p->v[i].nuse = 0;
  for (int i = 0; i < p->nnode; ++i) {
    const infer_node *n = &p->node[i];
    if (n->dead) continue;
    for (int k = 0; k < n->nin; ++k)
      if (n->in[k] >= 0) p->v[n->in[k]].nuse++;
    if (n->sum_in >= 0) p->v[n->sum_in].nuse++;
  }
}

/* The single live consumer of value vi, or -1. */
static int sole_consumer(const infer_plan *p, int vi) {
  if (p->v[vi].nuse != 1 || p->v[vi].is_output) return -1;
  for (int i = 0; i < p->nnode; ++i) {
    const infer_node *n = &p->node[i];
    if (n->dead) continue;
    for (int k = 0; k < n->nin; ++k)
      if (n->in[k] == vi) return i;
  }
  return -1;
}

static int fold_batchnorm(infer_plan *p, infer_node *c, infer_node *b) {
  if (b->nout != 1 || b->nin != 5 || c->nin < 2 || !p->v[c->in[1]].is_const) return 0;
  for (int k = 1; k < 5; ++k)
    if (!p->v[b->in[k]].is_const) return 0;
  if (c->nin > 2 && c->in[2] >= 0 && !p->v[c->in[2]].is_const) return 0;
  const infer_value *w = &p->v[c->in[1]];
  int64_t m = w->dim[0], per = infer_numel(w) / (m ? m : 1);
  const float *sc = p->v[b->in[1]].data, *be = p->v[b->in[2]].data, *mu = p->v[b->in[3]].data,
              *var = p->v[b->in[4]].data;
  if (infer_numel(&p->v[b->in[1]]) != m) return 0;
  float eps = infer_attr_float(b, "epsilon", 1e-5f);
  int wi = new_const(p, w->name, INFER_F32, w->ndim, w->dim);
  int64_t bd = m;
  int bi = new_const(p, w->name, INFER_F32, 1, &bd);
  if (wi < 0 || bi < 0) return infer_raise(INFER_EMEM, "out of memory folding BatchNormalization");
  float *nw = p->v[wi].data, *nb = p->v[bi].data;
  const float *ow = p->v[c->in[1]].data;
  const float *ob = c->nin > 2 && c->in[2] >= 0 ? p->v[c->in[2]].data : NULL;
  for (int64_t j = 0; j < m; ++j) {
    double s = sc[j] / sqrt((double)var[j] + eps);
    for (int64_t q = 0; q < per; ++q) nw[j * per + q] = (float)(ow[j * per + q] * s);
    nb[j] = (float)(((ob ? ob[j] : 0.0) - mu[j]) * s + be[j]);
  }
  int *nin = realloc(c->in, 3 * sizeof(int));
  if (!nin) return infer_raise(INFER_EMEM, "out of memory");
  c->in = nin;
  c->nin = 3;
  c->in[1] = wi;
  c->in[2] = bi;
  p->v[c->out[0]].producer = -1;
  c->out[0] = b->out[0];
  p->v[c->out[0]].producer = (int)(c - p->node);
  b->dead = 1;
  p->nfused++;
  return 1;
}

static int activation_of(const infer_plan *p, const infer_node *a, int *act, float *x, float *y) {
  const char *nm = infer_ops[a->op].name;
  *x = *y = 0;
  if (!strcmp(nm, "Relu")) *act = INFER_ACT_RELU;
  else if (!strcmp(nm, "LeakyRelu")) { *act = INFER_ACT_LEAKY; *x = infer_attr_float(a, "alpha", 0.01f); }
  else if (!strcmp(nm, "Sigmoid")) *act = INFER_ACT_SIGMOID;
  else if (!strcmp(nm, "Tanh")) *act = INFER_ACT_TANH;
  else if (!strcmp(nm, "HardSigmoid")) {
    *act = INFER_ACT_HSIGMOID;
    *x = infer_attr_float(a, "alpha", 0.2f);
    *y = infer_attr_float(a, "beta", 0.5f);
  } else if (!strcmp(nm, "HardSwish")) *act = INFER_ACT_HSWISH;
  else if (!strcmp(nm, "Clip")) {
    *act = INFER_ACT_CLIP;
    *x = -INFINITY;
    *y = INFINITY;
    if (a->nin == 1 && infer_attr_get(a, "min")) *x = infer_attr_float(a, "min", -INFINITY);
    if (a->nin == 1 && infer_attr_get(a, "max")) *y = infer_attr_float(a, "max", INFINITY);
    for (int k = 1; k < a->nin && k < 3; ++k) {
      if (a->in[k] < 0) continue;
      if (!p->v[a->in[k]].is_const) return 0;
      float val = *(const float *)p->v[a->in[k]].data;
      if (k == 1) *x = val; else *y = val;
    }
  } else return 0;
  return 1;
}

static int fuse(infer_plan *p) {
  count_uses(p);
  int *pos = malloc(((size_t)p->nnode + 1) * sizeof(int)); /* node -> position in the order */
  INFER_CHECK(pos, INFER_EMEM, "out of memory");
  for (int o = 0; o < p->norder; ++o) pos[p->order[o]] = o;
  for (int o = 0; o < p->norder; ++o) {
    infer_node *c = &p->node[p->order[o]];
    if (c->dead || !op_is(c, "Conv") || p->v[c->out[0]].dtype != INFER_F32) continue;
    int j = sole_consumer(p, c->out[0]);
    if (j >= 0 && op_is(&p->node[j], "BatchNormalization")) {
      int rc = fold_batchnorm(p, c, &p->node[j]);
      if (rc < 0 || rc > 1) { free(pos); return rc; }
      count_uses(p);
      j = sole_consumer(p, c->out[0]);
    }
    if (j >= 0 && op_is(&p->node[j], "Add") && c->sum_in < 0 && c->act == INFER_ACT_NONE) {
      infer_node *a = &p->node[j];
      int other = a->in[0] == c->out[0] ? a->in[1] : a->in[0];
      const infer_value *ov = &p->v[other], *cv = &p->v[c->out[0]];
      int same = other >= 0 && other != c->out[0] && ov->ndim == cv->ndim && ov->dtype == INFER_F32;
      /* the other operand must exist when the conv runs: produced earlier in the order */
      if (same && ov->producer >= 0 && !ov->is_const && pos[ov->producer] > o) same = 0;
      for (int k = 0; same && k < cv->ndim; ++k) same = ov->dim[k] == cv->dim[k];
      if (same) {
        c->sum_in = other;
        p->v[c->out[0]].producer = -1;
        c->out[0] = a->out[0];
        p->v[c->out[0]].producer = (int)(c - p->node);
        a->dead = 1;
        p->nfused++;
        count_uses(p);
        j = sole_consumer(p, c->out[0]);
      }
    }
    if (j >= 0 && c->act == INFER_ACT_NONE) {
      infer_node *a = &p->node[j];
      int act;
      float x, y;
      if (a->nout == 1 && activation_of(p, a, &act, &x, &y)) {
        c->act = act;
        c->act_a = x;
        c->act_b = y;
        p->v[c->out[0]].producer = -1;
        c->out[0] = a->out[0];
        p->v[c->out[0]].producer = (int)(c - p->node);
        a->dead = 1;
        p->nfused++;
        count_uses(p);
      }
    }
  }
  free(pos);
  return INFER_OK;
}

/* Greedy best-fit reuse of activation buffers by liveness over the execution order. */
/* Execution order of the live nodes and, per value, the position of its last consumer. */
static void plan_liveness(infer_plan *p) {
  int live = 0;
  for (int o = 0; o < p->norder; ++o)
    if (!p->node[p->order[o]].dead) p->order[live++] = p->order[o];
  p->norder = live;
  for (int i = 0; i < p->nvalue; ++i) p->v[i].last_use = -1;
  for (int o = 0; o < p->norder; ++o) {
    const infer_node *n = &p->node[p->order[o]];
    for (int k = 0; k < n->nin; ++k)
      if (n->in[k] >= 0) p->v[n->in[k]].last_use = o;
    if (n->sum_in >= 0) p->v[n->sum_in].last_use = o;
  }
}

static int plan_buffers(infer_plan *p) {
  int cap = 0;
  for (int o = 0; o < p->norder; ++o) cap += p->node[p->order[o]].nout;
  p->buf = calloc((size_t)cap + 1, sizeof(void *));
  p->bufsize = calloc((size_t)cap + 1, sizeof(size_t));
  int *busy = calloc((size_t)cap + 1, sizeof(int)); /* value index holding it, -1 free */
  if (!p->buf || !p->bufsize || !busy) { free(busy); return infer_raise(INFER_EMEM, "out of memory"); }
  p->nbuf = 0;
  for (int o = 0; o < p->norder; ++o) {
    for (int b = 0; b < p->nbuf; ++b) {
      int vi = busy[b];
      if (vi >= 0 && !p->v[vi].is_output && p->v[vi].last_use < o) busy[b] = -1;
    }
    const infer_node *n = &p->node[p->order[o]];
    for (int k = 0; k < n->nout; ++k) {
      int vi = n->out[k];
      if (vi < 0 || (p->backend && !infer_onednn_plain_needed(p, vi))) continue; /* lives blocked only */
      size_t need = (size_t)infer_numel(&p->v[vi]) * infer_dtype_size(p->v[vi].dtype) + 64;
      int best = -1, largest = -1;
      for (int b = 0; b < p->nbuf; ++b) {
        if (busy[b] >= 0) continue;
        if (p->bufsize[b] >= need && (best < 0 || p->bufsize[b] < p->bufsize[best])) best = b;
        if (largest < 0 || p->bufsize[b] > p->bufsize[largest]) largest = b;
      }
      if (best < 0 && largest >= 0) { best = largest; p->bufsize[best] = need; }
      if (best < 0) { best = p->nbuf++; p->bufsize[best] = need; }
      busy[best] = vi;
      p->v[vi].buf = best;
      /* an output never used stays only until the node has run */
      if (p->v[vi].last_use < 0) p->v[vi].last_use = o;
    }
  }
  free(busy);
  for (int b = 0; b < p->nbuf; ++b) {
    p->buf[b] = aligned_alloc(64, (p->bufsize[b] + 63) / 64 * 64);
    INFER_CHECK(p->buf[b], INFER_EMEM, "cannot allocate a %zu-byte activation buffer", p->bufsize[b]);
  }
  for (int i = 0; i < p->nvalue; ++i)
    if (p->v[i].buf >= 0) p->v[i].data = p->buf[p->v[i].buf];
  return INFER_OK;
}

int infer_plan_create(const infer_model *m, const infer_options *opt, int ninputs,
                      const infer_tensor *inputs, infer_plan **out) {
  *out = NULL;
  INFER_CHECK(ninputs == m->nin, INFER_EINPUT, "%s: model has %d inputs, %d given", m->path, m->nin, ninputs);
  infer_plan *p = calloc(1, sizeof *p);
  INFER_CHECK(p, INFER_EMEM, "out of memory");
  p->m = m;
  p->opset = m->opset;
  if (opt) p->opt = *opt; else p->opt.optimize = 1;
  int cap = m->nvalue + 2 * m->nnode + 1;
  p->v = calloc((size_t)cap, sizeof *p->v);
  p->node = calloc((size_t)m->nnode + 1, sizeof *p->node);
  p->order = calloc((size_t)m->nnode + 1, sizeof(int));
  int rc = INFER_OK;
  if (!p->v || !p->node || !p->order) { rc = infer_raise(INFER_EMEM, "out of memory"); goto fail; }
  memcpy(p->v, m->value, (size_t)m->nvalue * sizeof *p->v);
  p->nvalue = m->nvalue;
  for (int i = 0; i < p->nvalue; ++i) {
    p->v[i].owned = 0;
    if (!p->v[i].is_const) p->v[i].data = NULL;
    if (!p->v[i].is_input && !p->v[i].is_const) p->v[i].dtype = 0;
  }
  p->nnode = m->nnode;
  for (int i = 0; i < m->nnode; ++i) {
    p->node[i] = m->node[i];
    p->node[i].in = malloc(((size_t)m->node[i].nin + 3) * sizeof(int));
    p->node[i].out = malloc(((size_t)m->node[i].nout + 1) * sizeof(int));
    if (!p->node[i].in || !p->node[i].out) { rc = infer_raise(INFER_EMEM, "out of memory"); goto fail; }
    memcpy(p->node[i].in, m->node[i].in, (size_t)m->node[i].nin * sizeof(int));
    memcpy(p->node[i].out, m->node[i].out, (size_t)m->node[i].nout * sizeof(int));
  }
  for (int i = 0; i < m->nin; ++i) {
    infer_value *v = &p->v[m->in[i]];
    const infer_value *d = &m->value[m->in[i]];
    char a[128], b[128];
    infer_value tmp = *v;
    tmp.ndim = inputs[i].ndim;
    memcpy(tmp.dim, inputs[i].dim, sizeof tmp.dim);
    int ok = inputs[i].dtype == d->dtype && (d->ndim < 0 || d->ndim == inputs[i].ndim);
    for (int k = 0; ok && d->ndim > 0 && k < d->ndim; ++k) ok = d->dim[k] < 0 || d->dim[k] == inputs[i].dim[k];
    if (!ok) {
      rc = infer_raise(INFER_EINPUT, "%s: input '%s' expects %s %s, got %s %s", m->path, v->name,
                       d->dtype == INFER_F32 ? "float32" : "int64", d->ndim < 0 ? "[any]" : infer_shape_str(d, a, sizeof a),
                       inputs[i].dtype == INFER_F32 ? "float32" : "int64", infer_shape_str(&tmp, b, sizeof b));
      goto fail;
    }
    if ((rc = infer_set_shape(v, inputs[i].dtype, inputs[i].ndim, inputs[i].dim))) goto fail;
    if (inputs[i].data) { /* bound: a constant of this plan (shape parameters given as inputs) */
      size_t nb = (size_t)infer_numel(v) * infer_dtype_size(v->dtype);
      v->data = malloc(nb + 1);
      if (!v->data) { rc = infer_raise(INFER_EMEM, "out of memory"); goto fail; }
      memcpy(v->data, inputs[i].data, nb);
      v->owned = v->is_const = 1;
    }
  }
  if ((rc = topo_order(p))) goto fail;
  if ((rc = infer_shapes(p))) goto fail;
  if (p->opt.optimize && (rc = fuse(p))) goto fail;
  plan_liveness(p);
  if (p->opt.backend == INFER_BACKEND_ONEDNN && (rc = infer_onednn_prepare(p))) goto fail;
  if ((rc = plan_buffers(p))) goto fail;
  *out = p;
  return INFER_OK;
fail:
  infer_plan_free(&p);
  return rc;
}

int infer_plan_run(infer_plan *p, const infer_tensor *inputs) {
  for (int i = 0; i < p->m->nin; ++i) {
    infer_value *v = &p->v[p->m->in[i]];
    if (v->is_const) continue; /* bound at plan creation */
    INFER_CHECK(inputs[i].ndim == v->ndim && inputs[i].dtype == v->dtype, INFER_EINPUT,
                "input '%s': shape differs from the plan's", v->name);
    for (int k = 0; k < v->ndim; ++k)
      INFER_CHECK(inputs[i].dim[k] == v->dim[k], INFER_EINPUT, "input '%s': shape differs from the plan's", v->name);
    v->data = inputs[i].data;
  }
  for (int o = 0; o < p->norder; ++o) {
    infer_node *n = &p->node[p->order[o]];
    int rc = n->prim ? infer_onednn_run(p, n) : infer_ops[n->op].run(p, n);
    if (rc) {
      char why[700];
      snprintf(why, sizeof why, "%.480s", infer_error());
      return infer_raise(rc, "%s: node '%s' (%s): %s", p->m->path, n->name, infer_ops[n->op].name, why);
    }
  }
  return INFER_OK;
}

int infer_plan_output(const infer_plan *p, int i, infer_tensor *out) {
  INFER_CHECK(i >= 0 && i < p->m->nout, INFER_EINPUT, "output index %d out of range", i);
  const infer_value *v = &p->v[p->m->out[i]];
  out->dtype = v->dtype;
  out->ndim = v->ndim;
  memcpy(out->dim, v->dim, sizeof out->dim);
  out->data = v->data;
  return INFER_OK;
}

void infer_plan_stats(const infer_plan *p, int *nodes, int *fused, size_t *bytes, int *nbuf) {
  size_t s = 0;
  for (int b = 0; b < p->nbuf; ++b) s += p->bufsize[b];
  if (nodes) *nodes = p->norder;
  if (fused) *fused = p->nfused;
  if (bytes) *bytes = s;
  if (nbuf) *nbuf = p->nbuf;
}

int infer_plan_backend_nodes(const infer_plan *p) {
  int c = 0;
  for (int o = 0; o < p->norder; ++o) c += p->node[p->order[o]].prim != NULL;
  return c;
}
