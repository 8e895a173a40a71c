/* infer_onednn.c — oneDNN 2.6 backend (engine.backend = onednn).
 * Conv2d (groups, dilations, fused bias + sum + eltwise post-ops), ConvTranspose2d (deconvolution),
 * 2-D Max/Average/Global pooling and
 * Gemm (as inner product) run as oneDNN primitives; everything else keeps the reference kernel. A value produced by
 * a oneDNN primitive lives in the primitive's (blocked) layout; it is reordered to the
 * planned plain NCHW buffer only when a reference kernel or the caller needs it, and
 * oneDNN consumers read the blocked copy directly (reordering only if they want another
 * layout). Weights are reordered once, when the plan is made. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <oneapi/dnnl/dnnl.h>
#include "infer_internal.h"
#include "infer_ops.h"

#define DN(call, what)                                                                         \
  do {                                                                                         \
    dnnl_status_t s_ = (call);                                                                 \
    if (s_ != dnnl_success) return infer_raise(INFER_EUNSUPPORTED, "oneDNN %s failed (status %d)", what, (int)s_); \
  } while (0)

typedef struct {
  dnnl_primitive_t prim, src_reorder, sum_reorder, out_reorder;
  dnnl_memory_t src_repr, src_mem, wei_mem, bias_mem, dst_mem, dst_plain, sum_repr;
  void *src_tmp, *wei, *dst_blk; /* dst_blk points into the plan's pool of blocked buffers */
  size_t dst_size;
  int has_bias;
} dn_node;

typedef struct {
  dnnl_engine_t eng;
  dnnl_stream_t strm;
  int npool;
  void **pool;               /* blocked activation buffers, reused by liveness */
  int *blk;                   /* value -> producing oneDNN node + 1 (0 = plain only) */
  dnnl_memory_desc_t *md;     /* representation of each value */
  int *need_plain;
  int nwino;                  /* convolutions for which oneDNN chose Winograd */
} dn_plan;

int infer_have_onednn(void) { return 1; }
int infer_onednn_available(void) { return 1; }

static void plain_md(const infer_value *v, dnnl_memory_desc_t *md) {
  dnnl_dims_t d;
  for (int k = 0; k < v->ndim; ++k) d[k] = v->dim[k];
  static const dnnl_format_tag_t tag[] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd,
                                          dnnl_abcde, dnnl_abcdef};
  if (v->ndim >= 1 && v->ndim <= 6) dnnl_memory_desc_init_by_tag(md, v->ndim, d, dnnl_f32, tag[v->ndim]);
}

static void *dn_alloc(size_t n) { return aligned_alloc(64, (n + 63) / 64 * 64 + 64); }

static int make_reorder(dn_plan *b, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to,
                        dnnl_primitive_t *r) {
  dnnl_primitive_desc_t pd;
  DN(dnnl_reorder_primitive_desc_create(&pd, from, b->eng, to, b->eng, NULL), "reorder");
  dnnl_status_t s = dnnl_primitive_create(r, pd);
  dnnl_primitive_desc_destroy(pd);
  DN(s, "reorder primitive");
  return INFER_OK;
}

static int exec(dn_plan *b, dnnl_primitive_t p, int n, const dnnl_exec_arg_t *a) {
  DN(dnnl_primitive_execute(p, b->strm, n, a), "execute");
  return INFER_OK;
}

static int eltwise_of(const infer_node *n, dnnl_alg_kind_t *alg, float *a, float *bb) {
  *a = n->act_a;
  *bb = n->act_b;
  switch (n->act) {
  case INFER_ACT_RELU: *alg = dnnl_eltwise_relu; *a = 0; return 1;
  case INFER_ACT_LEAKY: *alg = dnnl_eltwise_relu; return 1;
  case INFER_ACT_CLIP: *alg = dnnl_eltwise_clip_v2; return 1;
  case INFER_ACT_SIGMOID: *alg = dnnl_eltwise_logistic; return 1;
  case INFER_ACT_TANH: *alg = dnnl_eltwise_tanh; return 1;
  case INFER_ACT_HSWISH: *alg = dnnl_eltwise_hardswish; return 1;
  default: return 0;
  }
}

/* The source of node input vi: its representation (blocked or plain) and the layout wanted. */
static int bind_src(infer_plan *p, dn_plan *b, dn_node *d, int vi, const dnnl_memory_desc_t *want) {
  const dnnl_memory_desc_t *have = &b->md[vi];
  DN(dnnl_memory_create(&d->src_repr, have, b->eng, DNNL_MEMORY_NONE), "memory");
  if (dnnl_memory_desc_equal(have, want)) {
    d->src_mem = d->src_repr;
    return INFER_OK;
  }
  d->src_tmp = dn_alloc(dnnl_memory_desc_get_size(want));
  INFER_CHECK(d->src_tmp, INFER_EMEM, "out of memory");
  DN(dnnl_memory_create(&d->src_mem, want, b->eng, d->src_tmp), "memory");
  return make_reorder(b, have, want, &d->src_reorder);
}

static int finish_dst(infer_plan *p, dn_plan *b, dn_node *d, infer_node *n, const dnnl_memory_desc_t *dst) {
  d->dst_size = dnnl_memory_desc_get_size(dst);
  DN(dnnl_memory_create(&d->dst_mem, dst, b->eng, DNNL_MEMORY_NONE), "memory");
  b->md[n->out[0]] = *dst;
  b->blk[n->out[0]] = (int)(n - p->node) + 1;
  return INFER_OK;
}

/* Reorder constant weights once into the layout the primitive chose. */
static int load_weights(dn_plan *b, dn_node *d, const dnnl_memory_desc_t *plain, const dnnl_memory_desc_t *wei,
                        void *data) {
  d->wei = dn_alloc(dnnl_memory_desc_get_size(wei));
  INFER_CHECK(d->wei, INFER_EMEM, "out of memory");
  dnnl_memory_t wp;
  dnnl_primitive_t r;
  DN(dnnl_memory_create(&wp, plain, b->eng, data), "memory");
  DN(dnnl_memory_create(&d->wei_mem, wei, b->eng, d->wei), "memory");
  int rc = make_reorder(b, plain, wei, &r);
  if (!rc) {
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, wp}, {DNNL_ARG_TO, d->wei_mem}};
    rc = exec(b, r, 2, args);
    dnnl_stream_wait(b->strm);
    dnnl_primitive_destroy(r);
  }
  dnnl_memory_destroy(wp);
  return rc;
}

/* The common tail of the weighted primitives (convolution, deconvolution, inner product):
 * the primitive, its source binding, weights reordered once, bias, destination. */
static int make_weighted(infer_plan *p, dn_plan *b, dn_node *d, infer_node *n, dnnl_primitive_desc_t pd,
                         const dnnl_memory_desc_t *wei_plain, const dnnl_memory_desc_t *bias_md, const char *what) {
  const dnnl_memory_desc_t *src = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
  const dnnl_memory_desc_t *wei = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  const dnnl_memory_desc_t *dst = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
  int rc = dnnl_primitive_create(&d->prim, pd) ? infer_raise(INFER_EUNSUPPORTED, "oneDNN %s primitive failed", what)
                                               : INFER_OK;
  if (!rc) rc = bind_src(p, b, d, n->in[0], src);
  if (!rc) rc = load_weights(b, d, wei_plain, wei, p->v[n->in[1]].data);
  if (!rc && d->has_bias) dnnl_memory_create(&d->bias_mem, bias_md, b->eng, p->v[n->in[2]].data);
  if (!rc) rc = finish_dst(p, b, d, n, dst);
  return rc;
}

static int prep_conv(infer_plan *p, dn_plan *b, infer_node *n) {
  const infer_value *x = &p->v[n->in[0]], *w = &p->v[n->in[1]], *y = &p->v[n->out[0]];
  infer_win win;
  int64_t ks[2] = {w->dim[2], w->dim[3]};
  INFER_CALL(infer_window(n, 2, x->dim + 2, ks, 0, NULL, &win));
  int64_t G = infer_attr_int(n, "group", 1), M = w->dim[0];
  dnnl_memory_desc_t src_any, wei_any, dst_any, bias_md, wei_plain;
  dnnl_dims_t sd = {x->dim[0], x->dim[1], x->dim[2], x->dim[3]}, dd = {y->dim[0], y->dim[1], y->dim[2], y->dim[3]};
  /* Winograd exists only for the 16-channel blocked layout; asking it of every convolution whose
   * channels allow it keeps one layout through the network (no reorders between layers). */
  int wino = p->opt.winograd && G == 1 && x->dim[1] % 16 == 0 && M % 16 == 0;
  dnnl_format_tag_t act = wino ? dnnl_aBcd16b : dnnl_format_tag_any;
  dnnl_memory_desc_init_by_tag(&src_any, 4, sd, dnnl_f32, act);
  dnnl_memory_desc_init_by_tag(&dst_any, 4, dd, dnnl_f32, act);
  dnnl_dims_t bd = {M};
  dnnl_memory_desc_init_by_tag(&bias_md, 1, bd, dnnl_f32, dnnl_a);
  if (G == 1) {
    dnnl_dims_t wd = {M, w->dim[1], w->dim[2], w->dim[3]};
    dnnl_memory_desc_init_by_tag(&wei_any, 4, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wei_plain, 4, wd, dnnl_f32, dnnl_oihw);
  } else {
    dnnl_dims_t wd = {G, M / G, w->dim[1], w->dim[2], w->dim[3]};
    dnnl_memory_desc_init_by_tag(&wei_any, 5, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wei_plain, 5, wd, dnnl_f32, dnnl_goihw);
  }
  dnnl_dims_t st = {win.s[1], win.s[2]}, dl = {win.d[1] - 1, win.d[2] - 1}, pl = {win.pb[1], win.pb[2]},
              pr = {win.pe[1], win.pe[2]};
  /* oneDNN wants (in + pl + pr - ext) / s + 1 == out exactly: trim right padding that no window uses */
  for (int k = 0; k < 2; ++k) {
    int64_t ext = (win.k[1 + k] - 1) * win.d[1 + k] + 1;
    pr[k] = (win.out[1 + k] - 1) * win.s[1 + k] + ext - win.in[1 + k] - pl[k];
  }
  dn_node *d = calloc(1, sizeof *d);
  INFER_CHECK(d, INFER_EMEM, "out of memory");
  n->prim = d;
  d->has_bias = n->nin > 2 && n->in[2] >= 0;
  dnnl_convolution_desc_t cd;
  DN(dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference,
                                                wino ? dnnl_convolution_auto : dnnl_convolution_direct, &src_any,
                                                &wei_any, d->has_bias ? &bias_md : NULL, &dst_any, st, dl, pl, pr),
     "convolution descriptor");
  dnnl_primitive_attr_t attr;
  dnnl_post_ops_t po;
  DN(dnnl_primitive_attr_create(&attr), "attr");
  DN(dnnl_post_ops_create(&po), "post-ops");
  if (n->sum_in >= 0) DN(dnnl_post_ops_append_sum(po, 1.0f), "sum post-op");
  dnnl_alg_kind_t alg;
  float a, bb;
  if (n->act && eltwise_of(n, &alg, &a, &bb)) DN(dnnl_post_ops_append_eltwise(po, 1.0f, alg, a, bb), "eltwise post-op");
  DN(dnnl_primitive_attr_set_post_ops(attr, po), "post-ops");
  dnnl_primitive_desc_t pd;
  dnnl_status_t s = dnnl_primitive_desc_create(&pd, &cd, attr, b->eng, NULL);
  dnnl_post_ops_destroy(po);
  dnnl_primitive_attr_destroy(attr);
  DN(s, "convolution primitive descriptor");
  const char *impl = NULL;
  if (wino && dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl &&
      strstr(impl, "wino"))
    b->nwino++;
  int rc = make_weighted(p, b, d, n, pd, &wei_plain, &bias_md, "convolution");
  if (!rc && n->sum_in >= 0) {
    dnnl_memory_create(&d->sum_repr, &b->md[n->sum_in], b->eng, DNNL_MEMORY_NONE);
    rc = make_reorder(b, &b->md[n->sum_in], &b->md[n->out[0]], &d->sum_reorder);
  }
  dnnl_primitive_desc_destroy(pd);
  return rc;
}

/* ConvTranspose as deconvolution; W is [C, M/group, kh, kw] (iohw / giohw) */
static int prep_deconv(infer_plan *p, dn_plan *b, infer_node *n) {
  const infer_value *x = &p->v[n->in[0]], *w = &p->v[n->in[1]], *y = &p->v[n->out[0]];
  int64_t G = infer_attr_int(n, "group", 1), C = x->dim[1], M = y->dim[1];
  int64_t s[2] = {1, 1}, dl[2] = {1, 1}, pads[4] = {0, 0, 0, 0};
  int ns = infer_attr_ints(n, "strides", s, 2);
  infer_attr_ints(n, "dilations", dl, 2);
  int np = infer_attr_ints(n, "pads", pads, 4);
  if (ns > 0 && ns != 2) return 0;
  (void)np;
  dnnl_dims_t st = {s[0], s[1]}, di = {dl[0] - 1, dl[1] - 1}, pl = {pads[0], pads[1]}, pr;
  for (int k = 0; k < 2; ++k) { /* right padding that makes oneDNN's size formula give ONNX's size */
    int64_t ext = (w->dim[2 + k] - 1) * dl[k] + 1;
    pr[k] = (x->dim[2 + k] - 1) * s[k] + ext - pl[k] - y->dim[2 + k];
    if (pr[k] < 0) return 0;
  }
  dnnl_memory_desc_t src_any, wei_any, wei_plain, bias_md, dst_any;
  dnnl_dims_t sd = {x->dim[0], C, x->dim[2], x->dim[3]}, dd = {y->dim[0], M, y->dim[2], y->dim[3]}, bd = {M};
  dnnl_memory_desc_init_by_tag(&src_any, 4, sd, dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&dst_any, 4, dd, dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&bias_md, 1, bd, dnnl_f32, dnnl_a);
  if (G == 1) {
    dnnl_dims_t wd = {M, C, w->dim[2], w->dim[3]};
    dnnl_memory_desc_init_by_tag(&wei_any, 4, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wei_plain, 4, wd, dnnl_f32, dnnl_iohw);
  } else {
    dnnl_dims_t wd = {G, M / G, C / G, w->dim[2], w->dim[3]};
    dnnl_memory_desc_init_by_tag(&wei_any, 5, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&wei_plain, 5, wd, dnnl_f32, dnnl_giohw);
  }
  /* the pads attribute is only meaningful without auto_pad/output_shape: check the geometry */
  infer_win win;
  int64_t ks[2] = {w->dim[2], w->dim[3]};
  if (infer_window(n, 2, x->dim + 2, ks, 1, NULL, &win) || win.pb[1] != pl[0] || win.pb[2] != pl[1]) return 0;
  dn_node *d = calloc(1, sizeof *d);
  INFER_CHECK(d, INFER_EMEM, "out of memory");
  n->prim = d;
  d->has_bias = n->nin > 2 && n->in[2] >= 0;
  dnnl_deconvolution_desc_t dc;
  DN(dnnl_dilated_deconvolution_forward_desc_init(&dc, dnnl_forward_inference, dnnl_deconvolution_direct, &src_any,
                                                  &wei_any, d->has_bias ? &bias_md : NULL, &dst_any, st, di, pl, pr),
     "deconvolution descriptor");
  dnnl_primitive_desc_t pd;
  DN(dnnl_primitive_desc_create(&pd, &dc, NULL, b->eng, NULL), "deconvolution primitive descriptor");
  int rc = make_weighted(p, b, d, n, pd, &wei_plain, &bias_md, "deconvolution");
  dnnl_primitive_desc_destroy(pd);
  return rc;
}

static int prep_pool(infer_plan *p, dn_plan *b, infer_node *n, int is_max, int global) {
  const infer_value *x = &p->v[n->in[0]], *y = &p->v[n->out[0]];
  infer_win win;
  int64_t ks[2] = {x->dim[2], x->dim[3]};
  if (global) { /* one window over the whole plane */
    win = (infer_win){2, {1, x->dim[2], x->dim[3]}, {1, 1, 1}, {1, x->dim[2], x->dim[3]}, {1, 1, 1}, {1, 1, 1},
                      {0, 0, 0}, {0, 0, 0}};
  } else {
    infer_attr_ints(n, "kernel_shape", ks, 2);
    INFER_CALL(infer_window(n, 2, x->dim + 2, ks, 0, NULL, &win));
  }
  int incl = global ? 0 : (int)infer_attr_int(n, "count_include_pad", 0);
  dnnl_dims_t st = {win.s[1], win.s[2]}, kk = {win.k[1], win.k[2]}, dl = {0, 0}, pl = {win.pb[1], win.pb[2]}, pr;
  if (is_max) { dl[0] = win.d[1] - 1; dl[1] = win.d[2] - 1; }
  for (int k = 0; k < 2; ++k) {
    int64_t ext = (win.k[1 + k] - 1) * win.d[1 + k] + 1;
    pr[k] = (win.out[1 + k] - 1) * win.s[1 + k] + ext - win.in[1 + k] - pl[k];
    /* an average window reaching past the ONNX padding (ceil_mode) divides differently */
    if (!is_max && pr[k] > win.pe[1 + k]) return 0;
  }
  dn_node *d = calloc(1, sizeof *d);
  INFER_CHECK(d, INFER_EMEM, "out of memory");
  n->prim = d;
  dnnl_memory_desc_t dst_any;
  dnnl_dims_t dd = {y->dim[0], y->dim[1], y->dim[2], y->dim[3]};
  dnnl_memory_desc_init_by_tag(&dst_any, 4, dd, dnnl_f32, dnnl_format_tag_any);
  dnnl_pooling_v2_desc_t pdsc;
  dnnl_alg_kind_t alg = is_max ? dnnl_pooling_max : incl ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding;
  DN(dnnl_pooling_v2_forward_desc_init(&pdsc, dnnl_forward_inference, alg, &b->md[n->in[0]], &dst_any, st, kk, dl, pl, pr),
     "pooling descriptor");
  dnnl_primitive_desc_t pd;
  DN(dnnl_primitive_desc_create(&pd, &pdsc, NULL, b->eng, NULL), "pooling primitive descriptor");
  const dnnl_memory_desc_t *src = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
  const dnnl_memory_desc_t *dst = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
  int rc = dnnl_primitive_create(&d->prim, pd) ? infer_raise(INFER_EUNSUPPORTED, "oneDNN pooling failed") : INFER_OK;
  if (!rc) rc = bind_src(p, b, d, n->in[0], src);
  if (!rc) rc = finish_dst(p, b, d, n, dst);
  dnnl_primitive_desc_destroy(pd);
  return rc;
}

/* Gemm (alpha = beta = 1, A plain 2-D, B constant, C a constant vector) as inner product */
static int prep_gemm(infer_plan *p, dn_plan *b, infer_node *n) {
  const infer_value *a = &p->v[n->in[0]], *y = &p->v[n->out[0]];
  int tb = (int)infer_attr_int(n, "transB", 0);
  int64_t M = a->dim[0], K = a->dim[1], N = y->dim[1];
  dnnl_memory_desc_t src_md, wei_any, wei_plain, bias_md, dst_any;
  dnnl_dims_t sd = {M, K}, wd = {N, K}, bd = {N}, dd = {M, N};
  dnnl_memory_desc_init_by_tag(&src_md, 2, sd, dnnl_f32, dnnl_nc);
  dnnl_memory_desc_init_by_tag(&wei_any, 2, wd, dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&wei_plain, 2, wd, dnnl_f32, tb ? dnnl_oi : dnnl_io);
  dnnl_memory_desc_init_by_tag(&bias_md, 1, bd, dnnl_f32, dnnl_a);
  dnnl_memory_desc_init_by_tag(&dst_any, 2, dd, dnnl_f32, dnnl_nc);
  dn_node *d = calloc(1, sizeof *d);
  INFER_CHECK(d, INFER_EMEM, "out of memory");
  n->prim = d;
  d->has_bias = n->nin > 2 && n->in[2] >= 0;
  dnnl_inner_product_desc_t ipd;
  DN(dnnl_inner_product_forward_desc_init(&ipd, dnnl_forward_inference, &src_md, &wei_any,
                                          d->has_bias ? &bias_md : NULL, &dst_any), "inner product descriptor");
  dnnl_primitive_desc_t pd;
  DN(dnnl_primitive_desc_create(&pd, &ipd, NULL, b->eng, NULL), "inner product primitive descriptor");
  int rc = make_weighted(p, b, d, n, pd, &wei_plain, &bias_md, "inner product");
  dnnl_primitive_desc_destroy(pd);
  return rc;
}

static int eligible(const infer_plan *p, const infer_node *n) {
  const char *nm = infer_ops[n->op].name;
  const infer_value *x = &p->v[n->in[0]];
  if (!strcmp(nm, "Gemm")) {
    int ok = x->ndim == 2 && x->dtype == INFER_F32 && !infer_attr_int(n, "transA", 0) && !n->act &&
             infer_attr_float(n, "alpha", 1.0f) == 1.0f && infer_attr_float(n, "beta", 1.0f) == 1.0f &&
             p->v[n->in[1]].is_const;
    if (ok && n->nin > 2 && n->in[2] >= 0) {
      const infer_value *c = &p->v[n->in[2]];
      ok = c->is_const && infer_numel(c) == p->v[n->out[0]].dim[1] && (c->ndim == 1 || (c->ndim == 2 && c->dim[0] == 1));
    }
    return ok ? 4 : 0;
  }
  if (x->ndim != 4 || x->dtype != INFER_F32 || n->nout != 1) return 0;
  if (!strcmp(nm, "Conv")) {
    dnnl_alg_kind_t alg;
    float a, b;
    if (n->act && !eltwise_of(n, &alg, &a, &b)) return 0;
    if (!p->v[n->in[1]].is_const || (n->nin > 2 && n->in[2] >= 0 && !p->v[n->in[2]].is_const)) return 0;
    return 1;
  }
  if (!strcmp(nm, "ConvTranspose"))
    return p->v[n->in[1]].is_const && (n->nin < 3 || n->in[2] < 0 || p->v[n->in[2]].is_const) ? 7 : 0;
  if (!strcmp(nm, "MaxPool")) return 2;
  if (!strcmp(nm, "AveragePool")) return 3;
  if (!strcmp(nm, "GlobalMaxPool")) return 5;
  if (!strcmp(nm, "GlobalAveragePool")) return 6;
  return 0;
}

/* Blocked outputs share buffers like the plain ones: best fit over the execution order. A
 * value's buffer is free after its last consumer (or, for a graph output, after the reorder
 * to plain at its producer). */
static int plan_pool(infer_plan *p, dn_plan *b) {
  int *holder = calloc((size_t)p->norder + 1, sizeof(int)); /* value in pool slot, -1 free */
  size_t *size = calloc((size_t)p->norder + 1, sizeof(size_t));
  int *slot = calloc((size_t)p->nnode + 1, sizeof(int));
  b->pool = calloc((size_t)p->norder + 1, sizeof(void *));
  if (!holder || !size || !slot || !b->pool) {
    free(holder), free(size), free(slot);
    return infer_raise(INFER_EMEM, "out of memory");
  }
  for (int o = 0; o < p->norder; ++o) {
    for (int k = 0; k < b->npool; ++k) {
      int vi = holder[k];
      if (vi < 0) continue;
      int prod_pos = -1;
      for (int q = 0; q < o; ++q) if (p->order[q] == b->blk[vi] - 1) prod_pos = q;
      int end = p->v[vi].last_use > prod_pos ? p->v[vi].last_use : prod_pos;
      if (end < o) holder[k] = -1;
    }
    infer_node *n = &p->node[p->order[o]];
    dn_node *d = n->prim;
    if (!d) continue;
    int best = -1, largest = -1;
    for (int k = 0; k < b->npool; ++k) {
      if (holder[k] >= 0) continue;
      if (size[k] >= d->dst_size && (best < 0 || size[k] < size[best])) best = k;
      if (largest < 0 || size[k] > size[largest]) largest = k;
    }
    if (best < 0 && largest >= 0) { best = largest; size[best] = d->dst_size; }
    if (best < 0) { best = b->npool++; size[best] = d->dst_size; }
    holder[best] = n->out[0];
    slot[p->order[o]] = best;
  }
  int rc = INFER_OK;
  for (int k = 0; k < b->npool && !rc; ++k)
    if (!(b->pool[k] = dn_alloc(size[k]))) rc = infer_raise(INFER_EMEM, "cannot allocate a %zu-byte oneDNN buffer", size[k]);
  for (int o = 0; o < p->norder && !rc; ++o) {
    dn_node *d = p->node[p->order[o]].prim;
    if (!d) continue;
    d->dst_blk = b->pool[slot[p->order[o]]];
    dnnl_memory_set_data_handle(d->dst_mem, d->dst_blk);
  }
  free(holder), free(size), free(slot);
  return rc;
}

int infer_onednn_plain_needed(const infer_plan *p, int vi) {
  const dn_plan *b = p->backend;
  return !b || !b->blk[vi] || b->need_plain[vi];
}

static int prepare_once(infer_plan *p) {
  dn_plan *b = calloc(1, sizeof *b);
  INFER_CHECK(b, INFER_EMEM, "out of memory");
  p->backend = b;
  b->blk = calloc((size_t)p->nvalue + 1, sizeof(int));
  b->need_plain = calloc((size_t)p->nvalue + 1, sizeof(int));
  b->md = calloc((size_t)p->nvalue + 1, sizeof *b->md);
  INFER_CHECK(b->blk && b->md && b->need_plain, INFER_EMEM, "out of memory");
  if (p->opt.threads > 0) omp_set_num_threads(p->opt.threads);
  DN(dnnl_engine_create(&b->eng, dnnl_cpu, 0), "engine");
  DN(dnnl_stream_create(&b->strm, b->eng, dnnl_stream_default_flags), "stream");
  for (int i = 0; i < p->nvalue; ++i)
    if (p->v[i].dtype == INFER_F32 && p->v[i].ndim >= 1) plain_md(&p->v[i], &b->md[i]);
  for (int o = 0; o < p->norder; ++o) {
    infer_node *n = &p->node[p->order[o]];
    int kind = eligible(p, n), rc = INFER_OK;
    if (kind == 1) rc = prep_conv(p, b, n);
    else if (kind == 4) rc = prep_gemm(p, b, n);
    else if (kind == 7) rc = prep_deconv(p, b, n);
    else if (kind >= 2) rc = prep_pool(p, b, n, kind == 2 || kind == 5, kind >= 5);
    if (rc) return rc;
  }
  /* plain copies wherever a reference kernel or the caller reads the value */
  for (int i = 0; i < p->nvalue; ++i) b->need_plain[i] = p->v[i].is_output;
  for (int o = 0; o < p->norder; ++o) {
    const infer_node *n = &p->node[p->order[o]];
    if (n->prim) continue;
    for (int k = 0; k < n->nin; ++k)
      if (n->in[k] >= 0) b->need_plain[n->in[k]] = 1;
  }
  INFER_CALL(plan_pool(p, b));
  for (int o = 0; o < p->norder; ++o) {
    infer_node *n = &p->node[p->order[o]];
    dn_node *d = n->prim;
    if (!d || !b->need_plain[n->out[0]]) continue;
    dnnl_memory_desc_t pm;
    plain_md(&p->v[n->out[0]], &pm);
    DN(dnnl_memory_create(&d->dst_plain, &pm, b->eng, DNNL_MEMORY_NONE), "memory");
    INFER_CALL(make_reorder(b, &b->md[n->out[0]], &pm, &d->out_reorder));
  }
  return INFER_OK;
}

int infer_onednn_prepare(infer_plan *p) {
  INFER_CALL(prepare_once(p));
  /* Winograd allowed but chosen for no convolution (oneDNN's heuristics skip it at small
   * batches): the blocked layout it needs is then only slower than the direct kernels' own
   * choice, so plan again with the direct algorithm */
  if (p->opt.winograd && !((dn_plan *)p->backend)->nwino) {
    infer_onednn_free(p);
    p->opt.winograd = 0;
    int rc = prepare_once(p);
    p->opt.winograd = 1;
    return rc;
  }
  return INFER_OK;
}

/* the current buffer of value vi in its representation */
static void *repr_data(infer_plan *p, dn_plan *b, int vi) {
  if (b->blk[vi]) return ((dn_node *)p->node[b->blk[vi] - 1].prim)->dst_blk;
  return p->v[vi].data;
}

int infer_onednn_run(infer_plan *p, infer_node *n) {
  dn_plan *b = p->backend;
  dn_node *d = n->prim;
  dnnl_memory_set_data_handle(d->src_repr, repr_data(p, b, n->in[0]));
  if (d->src_reorder) {
    dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, d->src_repr}, {DNNL_ARG_TO, d->src_mem}};
    INFER_CALL(exec(b, d->src_reorder, 2, a));
  }
  if (d->sum_reorder) {
    dnnl_memory_set_data_handle(d->sum_repr, repr_data(p, b, n->sum_in));
    dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, d->sum_repr}, {DNNL_ARG_TO, d->dst_mem}};
    INFER_CALL(exec(b, d->sum_reorder, 2, a));
  }
  dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, d->src_mem}, {DNNL_ARG_DST, d->dst_mem}};
  int na = 2;
  if (d->wei_mem) a[na++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, d->wei_mem};
  if (d->bias_mem) a[na++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, d->bias_mem};
  INFER_CALL(exec(b, d->prim, na, a));
  if (d->out_reorder) {
    dnnl_memory_set_data_handle(d->dst_plain, p->v[n->out[0]].data);
    dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, d->dst_mem}, {DNNL_ARG_TO, d->dst_plain}};
    INFER_CALL(exec(b, d->out_reorder, 2, r));
  }
  DN(dnnl_stream_wait(b->strm), "stream wait");
  return INFER_OK;
}

void infer_onednn_free(infer_plan *p) {
  dn_plan *b = p->backend;
  if (!b) return;
  for (int i = 0; i < p->nnode; ++i) {
    dn_node *d = p->node[i].prim;
    if (!d) continue;
    dnnl_primitive_t prs[4] = {d->prim, d->src_reorder, d->sum_reorder, d->out_reorder};
    for (int k = 0; k < 4; ++k)
      if (prs[k]) dnnl_primitive_destroy(prs[k]);
    dnnl_memory_t ms[7] = {d->src_repr, d->src_mem == d->src_repr ? NULL : d->src_mem, d->wei_mem, d->bias_mem,
                           d->dst_mem, d->dst_plain, d->sum_repr};
    for (int k = 0; k < 7; ++k)
      if (ms[k]) dnnl_memory_destroy(ms[k]);
    free(d->src_tmp);
    free(d->wei);
    free(d);
    p->node[i].prim = NULL;
  }
  if (b->strm) dnnl_stream_destroy(b->strm);
  if (b->eng) dnnl_engine_destroy(b->eng);
  for (int k = 0; k < b->npool; ++k) free(b->pool[k]);
  free(b->pool);
  free(b->blk);
  free(b->md);
  free(b->need_plain);
  free(b);
  p->backend = NULL;
}
