/* infer_onnx.c — load an ONNX ModelProto (protobuf-c code generated from onnx.proto at
 * build time) into the engine's graph. The file is untrusted: every length, dimension,
 * index and name reference is checked before it is used. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "infer_internal.h"
#include "onnx.pb-c.h"

#define INFER_MAX_FILE ((size_t)2 << 30) /* 2 GiB: protobuf's own limit */

static _Thread_local char infer_errbuf[1024];

int infer_raise(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(infer_errbuf, sizeof infer_errbuf, fmt, ap);
  va_end(ap);
  return code;
}

const char *infer_error(void) { return infer_errbuf; }

int64_t infer_tensor_numel(const infer_tensor *t) {
  int64_t n = 1;
  for (int k = 0; k < t->ndim; ++k) n *= t->dim[k];
  return n;
}

/* Whole file into memory; the size bounds every later allocation of the parser. */
static int read_file(const char *path, uint8_t **buf, size_t *n) {
  FILE *f = fopen(path, "rb");
  INFER_CHECK(f, INFER_EIO, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return infer_raise(INFER_EIO, "%s: not a regular file", path);
  }
  if ((size_t)st.st_size > INFER_MAX_FILE) {
    fclose(f);
    return infer_raise(INFER_EINPUT, "%s: %lld bytes, more than the 2 GiB protobuf limit", path,
                       (long long)st.st_size);
  }
  *n = (size_t)st.st_size;
  *buf = malloc(*n ? *n : 1);
  if (!*buf) {
    fclose(f);
    return infer_raise(INFER_EMEM, "%s: cannot allocate %zu bytes", path, *n);
  }
  size_t got = fread(*buf, 1, *n, f);
  fclose(f);
  if (got != *n) {
    free(*buf);
    return infer_raise(INFER_EIO, "%s: short read (%zu of %zu bytes)", path, got, *n);
  }
  return INFER_OK;
}

static const char *dtype_name(int t) {
  static const char *names[] = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16",
                                "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
                                "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
  return (t >= 0 && t < (int)(sizeof names / sizeof names[0])) ? names[t] : "unknown";
}

/* TensorProto -> infer_tensor (FLOAT -> f32, INT64/INT32 -> i64). what names it in errors. */
static int tensor_from_proto(const Onnx__TensorProto *tp, infer_tensor *t, const char *file,
                             const char *what) {
  memset(t, 0, sizeof *t);
  const char *nm = tp->name ? tp->name : "";
  INFER_CHECK(!(tp->has_data_location &&
                tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL),
              INFER_EUNSUPPORTED, "%s: %s '%s' keeps its data in an external file (unsupported)",
              file, what, nm);
  INFER_CHECK(!tp->segment, INFER_EUNSUPPORTED, "%s: %s '%s' is segmented (unsupported)", file,
              what, nm);
  int dt = tp->has_data_type ? tp->data_type : 0;
  INFER_CHECK(dt == 1 || dt == 6 || dt == 7, INFER_EUNSUPPORTED,
              "%s: %s '%s' has data type %s (supported: FLOAT, INT64, INT32)", file, what, nm,
              dtype_name(dt));
  INFER_CHECK(tp->n_dims <= INFER_MAXDIM, INFER_EUNSUPPORTED, "%s: %s '%s' has %zu dimensions (max %d)",
              file, what, nm, tp->n_dims, INFER_MAXDIM);
  t->ndim = (int)tp->n_dims;
  int64_t numel = 1;
  for (size_t k = 0; k < tp->n_dims; ++k) {
    INFER_CHECK(tp->dims[k] >= 0 && tp->dims[k] <= ((int64_t)1 << 40), INFER_EINPUT,
                "%s: %s '%s' has invalid dimension %lld", file, what, nm, (long long)tp->dims[k]);
    t->dim[k] = tp->dims[k];
    INFER_CHECK(tp->dims[k] == 0 || numel <= (((int64_t)1 << 40) / tp->dims[k]), INFER_EINPUT,
                "%s: %s '%s': element count overflows", file, what, nm);
    numel *= tp->dims[k];
  }
  size_t raw_esz = dt == 1 ? 4 : dt == 6 ? 4 : 8;
  size_t have;
  if (tp->has_raw_data)
    have = tp->raw_data.len / raw_esz;
  else
    have = dt == 1 ? tp->n_float_data : dt == 6 ? tp->n_int32_data : tp->n_int64_data;
  INFER_CHECK((tp->has_raw_data ? tp->raw_data.len % raw_esz == 0 : 1) && have == (size_t)numel,
              INFER_EINPUT, "%s: %s '%s' has shape with %lld elements but %zu data values", file,
              what, nm, (long long)numel, have);
  t->dtype = dt == 1 ? INFER_F32 : INFER_I64;
  size_t esz = dt == 1 ? 4 : 8;
  /* numel <= file size / 4, so this allocation is bounded by the input */
  t->data = malloc(numel ? (size_t)numel * esz : 1);
  INFER_CHECK(t->data, INFER_EMEM, "%s: cannot allocate %s '%s'", file, what, nm);
  int64_t *o64 = t->data;
  if (numel == 0) {
    /* nothing to copy; the source pointer may be NULL (memcpy(dst, NULL, 0) is undefined) */
  } else if (dt == 1) {
    memcpy(t->data, tp->has_raw_data ? (const void *)tp->raw_data.data : tp->float_data,
           (size_t)numel * 4);
  } else if (dt == 7) {
    memcpy(t->data, tp->has_raw_data ? (const void *)tp->raw_data.data : tp->int64_data,
           (size_t)numel * 8);
  } else {
    for (int64_t k = 0; k < numel; ++k) {
      int32_t x;
      if (tp->has_raw_data)
        memcpy(&x, tp->raw_data.data + 4 * k, 4);
      else
        x = tp->int32_data[k];
      o64[k] = x;
    }
  }
  return INFER_OK;
}

int infer_tensor_load_pb(const char *path, infer_tensor *t) {
  uint8_t *buf;
  size_t n;
  INFER_CALL(read_file(path, &buf, &n));
  Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, n, buf);
  free(buf);
  INFER_CHECK(tp, INFER_EINPUT, "%s: not a valid TensorProto (truncated or corrupt)", path);
  int rc = tensor_from_proto(tp, t, path, "tensor");
  onnx__tensor_proto__free_unpacked(tp, NULL);
  return rc;
}

/* ---- model ---- */

static int find_value(infer_model *m, const char *name) {
  for (int i = 0; i < m->nvalue; ++i)
    if (strcmp(m->value[i].name, name) == 0) return i;
  return -1;
}

static int add_value(infer_model *m, const char *name, int cap) {
  if (m->nvalue >= cap) return -1;
  infer_value *v = &m->value[m->nvalue];
  memset(v, 0, sizeof *v);
  v->name = strdup(name);
  v->producer = -1;
  v->buf = -1;
  return v->name ? m->nvalue++ : -1;
}

static int convert_attr(const Onnx__AttributeProto *ap, infer_attr *a, const char *file,
                        const char *node) {
  memset(a, 0, sizeof *a);
  INFER_CHECK(ap->name, INFER_EINPUT, "%s: node '%s' has an attribute without name", file, node);
  INFER_CHECK(!ap->ref_attr_name, INFER_EUNSUPPORTED, "%s: node '%s' attribute %s refers to a function attribute",
              file, node, ap->name);
  a->name = strdup(ap->name);
  INFER_CHECK(a->name, INFER_EMEM, "out of memory");
  switch (ap->type) {
  case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: a->type = INFER_A_FLOAT; a->f = ap->f; break;
  case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: a->type = INFER_A_INT; a->i = ap->i; break;
  case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
    a->type = INFER_A_STRING;
    a->s = malloc(ap->s.len + 1);
    INFER_CHECK(a->s, INFER_EMEM, "out of memory");
    if (ap->s.len) memcpy(a->s, ap->s.data, ap->s.len);
    a->s[ap->s.len] = 0;
    break;
  case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
    a->type = INFER_A_FLOATS;
    a->n = (int)ap->n_floats;
    INFER_CHECK(ap->n_floats < (1u << 30), INFER_EINPUT, "%s: node '%s' attribute %s too long", file, node, ap->name);
    a->fs = malloc((ap->n_floats + 1) * sizeof(float));
    INFER_CHECK(a->fs, INFER_EMEM, "out of memory");
    if (ap->n_floats) memcpy(a->fs, ap->floats, ap->n_floats * sizeof(float));
    break;
  case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
    a->type = INFER_A_INTS;
    a->n = (int)ap->n_ints;
    INFER_CHECK(ap->n_ints < (1u << 30), INFER_EINPUT, "%s: node '%s' attribute %s too long", file, node, ap->name);
    a->is = malloc((ap->n_ints + 1) * sizeof(int64_t));
    INFER_CHECK(a->is, INFER_EMEM, "out of memory");
    if (ap->n_ints) memcpy(a->is, ap->ints, ap->n_ints * sizeof(int64_t));
    break;
  case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: {
    a->type = INFER_A_TENSOR;
    INFER_CHECK(ap->t, INFER_EINPUT, "%s: node '%s' attribute %s has no tensor", file, node, ap->name);
    char what[256];
    snprintf(what, sizeof what, "attribute %s of node '%s'", ap->name, node);
    INFER_CALL(tensor_from_proto(ap->t, &a->t, file, what));
    break;
  }
  default: a->type = INFER_A_OTHER; break;
  }
  return INFER_OK;
}

void infer_model_free(infer_model **pm) {
  infer_model *m = pm ? *pm : NULL;
  if (!m) return;
  for (int i = 0; i < m->nvalue; ++i) {
    free(m->value[i].name);
    if (m->value[i].owned) free(m->value[i].data);
  }
  for (int i = 0; i < m->nnode; ++i) {
    infer_node *n = &m->node[i];
    for (int k = 0; k < n->nattr; ++k) {
      free(n->attr[k].name);
      free(n->attr[k].s);
      free(n->attr[k].fs);
      free(n->attr[k].is);
      free(n->attr[k].t.data);
    }
    free(n->attr);
    free(n->in);
    free(n->out);
    free(n->name);
  }
  free(m->value);
  free(m->node);
  free(m->in);
  free(m->out);
  free(m->path);
  free(m);
  *pm = NULL;
}

static int value_shape_from_info(infer_value *v, const Onnx__ValueInfoProto *vi, const char *file) {
  const Onnx__TypeProto *tp = vi->type;
  INFER_CHECK(tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && tp->tensor_type,
              INFER_EUNSUPPORTED, "%s: graph input/output '%s' is not a tensor (unsupported)", file,
              v->name);
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  int dt = tt->has_elem_type ? tt->elem_type : 0;
  INFER_CHECK(dt == 1 || dt == 6 || dt == 7, INFER_EUNSUPPORTED,
              "%s: graph input/output '%s' has data type %s (supported: FLOAT, INT64, INT32)", file,
              v->name, dtype_name(dt));
  v->dtype = dt == 1 ? INFER_F32 : INFER_I64;
  v->ndim = -1; /* unknown rank */
  if (tt->shape) {
    INFER_CHECK(tt->shape->n_dim <= INFER_MAXDIM, INFER_EUNSUPPORTED,
                "%s: '%s' has %zu dimensions (max %d)", file, v->name, tt->shape->n_dim, INFER_MAXDIM);
    v->ndim = (int)tt->shape->n_dim;
    for (int k = 0; k < v->ndim; ++k) {
      const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[k];
      v->dim[k] = (d && d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
                   d->dim_value >= 0) ? d->dim_value : -1;
    }
  }
  return INFER_OK;
}

static int build(infer_model *m, const Onnx__ModelProto *mp, const char *file, int check_ops,
                 char *unsup, size_t unsup_len) {
  const Onnx__GraphProto *g = mp->graph;
  INFER_CHECK(g, INFER_EINPUT, "%s: model has no graph (not an ONNX model?)", file);
  m->opset = 0;
  for (size_t k = 0; k < mp->n_opset_import; ++k) {
    const Onnx__OperatorSetIdProto *os = mp->opset_import[k];
    if (os && (!os->domain || !*os->domain || !strcmp(os->domain, "ai.onnx")) && os->has_version)
      m->opset = (int)os->version;
  }
  INFER_CHECK(m->opset > 0, INFER_EUNSUPPORTED, "%s: model imports no default-domain (ai.onnx) operator set", file);
  INFER_CHECK(g->n_node < (1u << 24) && g->n_initializer < (1u << 24), INFER_EINPUT,
              "%s: implausible node/initializer count", file);
  size_t cap = g->n_initializer + g->n_input + g->n_output;
  for (size_t i = 0; i < g->n_node; ++i) cap += g->node[i]->n_output;
  m->value = calloc(cap + 1, sizeof *m->value);
  m->node = calloc(g->n_node + 1, sizeof *m->node);
  m->in = calloc(g->n_input + 1, sizeof(int));
  m->out = calloc(g->n_output + 1, sizeof(int));
  INFER_CHECK(m->value && m->node && m->in && m->out, INFER_EMEM, "%s: out of memory", file);
  INFER_CHECK(g->n_sparse_initializer == 0, INFER_EUNSUPPORTED, "%s: sparse initializers are unsupported", file);
  for (size_t i = 0; i < g->n_initializer; ++i) {
    const Onnx__TensorProto *tp = g->initializer[i];
    INFER_CHECK(tp->name && *tp->name, INFER_EINPUT, "%s: initializer %zu has no name", file, i);
    INFER_CHECK(find_value(m, tp->name) < 0, INFER_EINPUT, "%s: initializer '%s' defined twice", file, tp->name);
    int vi = add_value(m, tp->name, (int)cap);
    INFER_CHECK(vi >= 0, INFER_EMEM, "%s: out of memory", file);
    infer_tensor t;
    INFER_CALL(tensor_from_proto(tp, &t, file, "initializer"));
    infer_value *v = &m->value[vi];
    v->dtype = t.dtype;
    v->ndim = t.ndim;
    memcpy(v->dim, t.dim, sizeof t.dim);
    v->data = t.data;
    v->is_const = v->owned = 1;
  }
  for (size_t i = 0; i < g->n_input; ++i) {
    const Onnx__ValueInfoProto *vp = g->input[i];
    INFER_CHECK(vp->name && *vp->name, INFER_EINPUT, "%s: graph input %zu has no name", file, i);
    if (find_value(m, vp->name) >= 0) continue; /* initializer listed as input (IR < 4) */
    int vi = add_value(m, vp->name, (int)cap);
    INFER_CHECK(vi >= 0, INFER_EMEM, "%s: out of memory", file);
    INFER_CALL(value_shape_from_info(&m->value[vi], vp, file));
    m->value[vi].is_input = 1;
    m->in[m->nin++] = vi;
  }
  m->nnode = (int)g->n_node;
  for (size_t i = 0; i < g->n_node; ++i) {
    const Onnx__NodeProto *np = g->node[i];
    infer_node *n = &m->node[i];
    n->sum_in = -1;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "#%zu", i);
    n->name = strdup(np->name && *np->name ? np->name : tmp);
    INFER_CHECK(n->name, INFER_EMEM, "out of memory");
    INFER_CHECK(np->op_type, INFER_EINPUT, "%s: node '%s' has no op_type", file, n->name);
    if (np->domain && *np->domain && strcmp(np->domain, "ai.onnx")) {
      if (check_ops) return infer_raise(INFER_EUNSUPPORTED, "%s: node '%s': operator %s of domain '%s' is unsupported",
                                        file, n->name, np->op_type, np->domain);
    }
    n->op = infer_op_find(np->op_type);
    if (n->op < 0) {
      if (unsup && !strstr(unsup, np->op_type)) {
        size_t l = strlen(unsup);
        snprintf(unsup + l, unsup_len - l, "%s%s", l ? " " : "", np->op_type);
      }
      if (check_ops)
        return infer_raise(INFER_EUNSUPPORTED, "%s: node '%s': operator %s is not supported", file,
                           n->name, np->op_type);
    }
    INFER_CHECK(np->n_input < 4096 && np->n_output < 4096 && np->n_attribute < 4096, INFER_EINPUT,
                "%s: node '%s' has implausible arity", file, n->name);
    n->nin = (int)np->n_input;
    n->nout = (int)np->n_output;
    n->nattr = (int)np->n_attribute;
    n->in = calloc(n->nin + 1, sizeof(int));
    n->out = calloc(n->nout + 1, sizeof(int));
    n->attr = calloc(n->nattr + 1, sizeof(infer_attr));
    INFER_CHECK(n->in && n->out && n->attr, INFER_EMEM, "out of memory");
    for (int k = 0; k < n->nattr; ++k) INFER_CALL(convert_attr(np->attribute[k], &n->attr[k], file, n->name));
    for (int k = 0; k < n->nout; ++k) {
      const char *on = np->output[k];
      if (!on || !*on) { n->out[k] = -1; continue; }
      INFER_CHECK(find_value(m, on) < 0, INFER_EINPUT, "%s: node '%s': output '%s' is already defined",
                  file, n->name, on);
      n->out[k] = add_value(m, on, (int)cap);
      INFER_CHECK(n->out[k] >= 0, INFER_EMEM, "out of memory");
      m->value[n->out[k]].producer = (int)i;
    }
  }
  /* inputs resolved after all outputs exist (nodes may be listed out of order) */
  for (size_t i = 0; i < g->n_node; ++i) {
    const Onnx__NodeProto *np = g->node[i];
    infer_node *n = &m->node[i];
    for (int k = 0; k < n->nin; ++k) {
      const char *in = np->input[k];
      if (!in || !*in) { n->in[k] = -1; continue; }
      n->in[k] = find_value(m, in);
      INFER_CHECK(n->in[k] >= 0, INFER_EINPUT,
                  "%s: node '%s' (%s): input '%s' is not a graph input, initializer or node output",
                  file, n->name, np->op_type, in);
      m->value[n->in[k]].nuse++;
    }
    int required = infer_op_required_inputs(n->op, m->opset, n->nin);
    for (int k = 0; k < required; ++k)
      INFER_CHECK(n->in[k] >= 0, INFER_EINPUT, "%s: node '%s' (%s): input %d is required but its name is empty",
                  file, n->name, np->op_type, k);
    if (n->op >= 0 && infer_ops[n->op].check) {
      int rc = infer_ops[n->op].check(n, m->opset);
      if (rc) {
        if (unsup) {
          size_t l = strlen(unsup);
          snprintf(unsup + l, unsup_len - l, "%s%s", l ? "; " : "", infer_error());
        }
        if (check_ops) {
          char why[512];
          snprintf(why, sizeof why, "%.480s", infer_error());
          return infer_raise(rc, "%s: node '%s' (%s): %s", file, n->name, np->op_type, why);
        }
      }
    }
  }
  INFER_CHECK(g->n_output > 0, INFER_EINPUT, "%s: graph has no outputs", file);
  for (size_t i = 0; i < g->n_output; ++i) {
    const Onnx__ValueInfoProto *vp = g->output[i];
    int vi = vp->name ? find_value(m, vp->name) : -1;
    INFER_CHECK(vi >= 0, INFER_EINPUT, "%s: graph output '%s' is not produced by any node", file,
                vp->name ? vp->name : "");
    m->value[vi].is_output = 1;
    m->out[m->nout++] = vi;
  }
  return INFER_OK;
}

static int load_buffer(const void *buf, size_t n, const char *name, int check_ops, char *unsup,
                       size_t unsup_len, infer_model **out) {
  *out = NULL;
  Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, n, buf);
  INFER_CHECK(mp, INFER_EINPUT, "%s: not a valid ONNX model (protobuf parse failed: truncated or corrupt)",
              name);
  infer_model *m = calloc(1, sizeof *m);
  if (!m) {
    onnx__model_proto__free_unpacked(mp, NULL);
    return infer_raise(INFER_EMEM, "out of memory");
  }
  m->path = strdup(name);
  int rc = build(m, mp, name, check_ops, unsup, unsup_len);
  onnx__model_proto__free_unpacked(mp, NULL);
  if (rc) {
    infer_model_free(&m);
    return rc;
  }
  *out = m;
  return INFER_OK;
}

int infer_model_load_buffer(const void *buf, size_t n, const char *name, infer_model **out) {
  return load_buffer(buf, n, name, 1, NULL, 0, out);
}

int infer_model_load(const char *path, infer_model **out) {
  uint8_t *buf;
  size_t n;
  *out = NULL;
  INFER_CALL(read_file(path, &buf, &n));
  int rc = load_buffer(buf, n, path, 1, NULL, 0, out);
  free(buf);
  return rc;
}

int infer_model_check(const char *path, char *what, size_t len) {
  uint8_t *buf;
  size_t n;
  infer_model *m = NULL;
  what[0] = 0;
  INFER_CALL(read_file(path, &buf, &n));
  int rc = load_buffer(buf, n, path, 0, what, len, &m);
  free(buf);
  infer_model_free(&m);
  if (rc == INFER_EUNSUPPORTED && !what[0]) snprintf(what, len, "%s", infer_error());
  return rc == INFER_EUNSUPPORTED ? INFER_OK : rc;
}

int infer_model_num_inputs(const infer_model *m) { return m->nin; }
int infer_model_num_outputs(const infer_model *m) { return m->nout; }
const char *infer_model_input_name(const infer_model *m, int i) {
  return i >= 0 && i < m->nin ? m->value[m->in[i]].name : NULL;
}
const char *infer_model_output_name(const infer_model *m, int i) {
  return i >= 0 && i < m->nout ? m->value[m->out[i]].name : NULL;
}
int infer_model_input_shape(const infer_model *m, int i, int *ndim, int64_t *dim) {
  INFER_CHECK(i >= 0 && i < m->nin, INFER_EINPUT, "input index %d out of range", i);
  const infer_value *v = &m->value[m->in[i]];
  *ndim = v->ndim;
  for (int k = 0; k < v->ndim; ++k) dim[k] = v->dim[k];
  return INFER_OK;
}
int infer_model_input_dtype(const infer_model *m, int i) {
  return i >= 0 && i < m->nin ? m->value[m->in[i]].dtype : 0;
}
