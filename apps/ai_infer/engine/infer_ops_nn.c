/* infer_ops_nn.c — reference kernels: Conv, ConvTranspose, pooling, BatchNormalization,
 * Gemm, MatMul. Plain C, NCHW (N, C, then up to 3 spatial dimensions). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infer_internal.h"
#include "infer_ops.h"

#define V(p, i) (&(p)->v[(i)])

float infer_apply_act(int act, float a, float b, float x) {
  switch (act) {
  case INFER_ACT_RELU: return x > 0 ? x : 0;
  case INFER_ACT_LEAKY: return x >= 0 ? x : a * x;
  case INFER_ACT_CLIP: return x < a ? a : (x > b ? b : x);
  case INFER_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
  case INFER_ACT_TANH: return tanhf(x);
  case INFER_ACT_HSIGMOID: { float y = a * x + b; return y < 0 ? 0 : (y > 1 ? 1 : y); }
  case INFER_ACT_HSWISH: { float y = x / 6.0f + 0.5f; y = y < 0 ? 0 : (y > 1 ? 1 : y); return x * y; }
  default: return x;
  }
}

/* Window geometry of Conv/pooling over nsp (1..3) spatial dims, padded to 3 with 1s. */
int infer_window(const infer_node *n, int nsp, const int64_t *in, const int64_t *kernel,
                 int transposed, const int64_t *out_shape, infer_win *w) {
  INFER_CHECK(nsp >= 1 && nsp <= 3, INFER_EUNSUPPORTED, "%d spatial dimensions (1 to 3 supported)", nsp);
  int64_t s[3], d[3], pads[6], op[3];
  int ns = infer_attr_ints(n, "strides", s, 3), nd = infer_attr_ints(n, "dilations", d, 3);
  int np = infer_attr_ints(n, "pads", pads, 6), nop = infer_attr_ints(n, "output_padding", op, 3);
  INFER_CHECK(ns < 0 || ns == nsp, INFER_EINPUT, "strides has %d values for %d spatial dims", ns, nsp);
  INFER_CHECK(nd < 0 || nd == nsp, INFER_EINPUT, "dilations has %d values for %d spatial dims", nd, nsp);
  INFER_CHECK(np < 0 || np == 2 * nsp, INFER_EINPUT, "pads has %d values for %d spatial dims", np, nsp);
  INFER_CHECK(nop < 0 || nop == nsp, INFER_EINPUT, "output_padding has %d values", nop);
  const char *ap = infer_attr_str(n, "auto_pad", "NOTSET");
  int same_upper = !strcmp(ap, "SAME_UPPER"), same_lower = !strcmp(ap, "SAME_LOWER"),
      valid = !strcmp(ap, "VALID");
  INFER_CHECK(same_upper || same_lower || valid || !strcmp(ap, "NOTSET"), INFER_EINPUT,
              "auto_pad = %s (expected NOTSET, SAME_UPPER, SAME_LOWER, VALID)", ap);
  int ceil_mode = (int)infer_attr_int(n, "ceil_mode", 0);
  w->nsp = nsp;
  for (int k = 0; k < 3; ++k) {
    w->in[k] = w->k[k] = w->s[k] = w->d[k] = w->out[k] = 1;
    w->pb[k] = w->pe[k] = 0;
  }
  for (int k = 0; k < nsp; ++k) {
    int o = 3 - nsp + k; /* right-align into 3 dims */
    w->in[o] = in[k];
    w->k[o] = kernel[k];
    w->s[o] = ns > 0 ? s[k] : 1;
    w->d[o] = nd > 0 ? d[k] : 1;
    INFER_CHECK(w->k[o] >= 1 && w->s[o] >= 1 && w->d[o] >= 1, INFER_EINPUT,
                "kernel %lld, stride %lld, dilation %lld must be >= 1", (long long)w->k[o],
                (long long)w->s[o], (long long)w->d[o]);
    int64_t ext = (w->k[o] - 1) * w->d[o] + 1;
    int64_t opad = nop > 0 ? op[k] : 0;
    if (!transposed) {
      if (same_upper || same_lower) {
        w->out[o] = (in[k] + w->s[o] - 1) / w->s[o];
        int64_t tot = (w->out[o] - 1) * w->s[o] + ext - in[k];
        if (tot < 0) tot = 0;
        w->pb[o] = same_upper ? tot / 2 : tot - tot / 2;
        w->pe[o] = tot - w->pb[o];
      } else {
        w->pb[o] = (np > 0 && !valid) ? pads[k] : 0;
        w->pe[o] = (np > 0 && !valid) ? pads[nsp + k] : 0;
        INFER_CHECK(w->pb[o] >= 0 && w->pe[o] >= 0, INFER_EINPUT, "negative pads");
        int64_t span = in[k] + w->pb[o] + w->pe[o] - ext;
        INFER_CHECK(span >= 0, INFER_EINPUT, "kernel extent %lld larger than padded input %lld",
                    (long long)ext, (long long)(in[k] + w->pb[o] + w->pe[o]));
        if (ceil_mode) {
          w->out[o] = (span + w->s[o] - 1) / w->s[o] + 1;
          if ((w->out[o] - 1) * w->s[o] >= in[k] + w->pb[o]) w->out[o]--;
        } else {
          w->out[o] = span / w->s[o] + 1;
        }
      }
    } else {
      if (out_shape) {
        w->out[o] = out_shape[k];
        int64_t tot = w->s[o] * (in[k] - 1) + opad + ext - w->out[o];
        if (tot < 0) tot = 0;
        w->pb[o] = same_upper ? tot / 2 : tot - tot / 2;
        w->pe[o] = tot - w->pb[o];
      } else if (same_upper || same_lower) {
        w->out[o] = in[k] * w->s[o];
        int64_t tot = w->s[o] * (in[k] - 1) + opad + ext - w->out[o];
        if (tot < 0) tot = 0;
        w->pb[o] = same_upper ? tot / 2 : tot - tot / 2;
        w->pe[o] = tot - w->pb[o];
      } else {
        w->pb[o] = (np > 0 && !valid) ? pads[k] : 0;
        w->pe[o] = (np > 0 && !valid) ? pads[nsp + k] : 0;
        w->out[o] = w->s[o] * (in[k] - 1) + opad + ext - w->pb[o] - w->pe[o];
      }
    }
    INFER_CHECK(w->out[o] >= 1, INFER_EINPUT, "output size %lld < 1 along spatial axis %d",
                (long long)w->out[o], k);
  }
  return INFER_OK;
}

/* ---- Conv ---- */

int infer_check_conv(const infer_node *n, int opset) {
  INFER_CHECK(n->nin >= 2 && n->nin <= 3 && n->nout == 1, INFER_EINPUT, "expects 2-3 inputs and 1 output");
  return INFER_OK;
}

static int conv_geometry(infer_plan *p, const infer_node *n, int transposed, infer_win *w) {
  const infer_value *x = V(p, n->in[0]), *wt = V(p, n->in[1]);
  INFER_CHECK(x->dtype == INFER_F32 && wt->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  INFER_CHECK(x->ndim >= 3 && wt->ndim == x->ndim, INFER_EINPUT,
              "input rank %d and weight rank %d must match and be >= 3", x->ndim, wt->ndim);
  int nsp = x->ndim - 2;
  int64_t ks[3];
  int nk = infer_attr_ints(n, "kernel_shape", ks, 3);
  for (int k = 0; k < nsp; ++k) {
    INFER_CHECK(nk < 0 || (nk == nsp && ks[k] == wt->dim[2 + k]), INFER_EINPUT,
                "kernel_shape does not match the weight shape");
    ks[k] = wt->dim[2 + k];
  }
  int64_t os[3];
  int nos = transposed ? infer_attr_ints(n, "output_shape", os, 3) : -1;
  if (nos > nsp) { for (int k = 0; k < nsp; ++k) os[k] = os[nos - nsp + k]; nos = nsp; }
  return infer_window(n, nsp, x->dim + 2, ks, transposed, nos == nsp ? os : NULL, w);
}

int infer_shape_conv(infer_plan *p, infer_node *n) {
  infer_win w;
  INFER_CALL(conv_geometry(p, n, 0, &w));
  const infer_value *x = V(p, n->in[0]), *wt = V(p, n->in[1]);
  int64_t g = infer_attr_int(n, "group", 1);
  INFER_CHECK(g >= 1 && x->dim[1] % g == 0 && wt->dim[0] % g == 0 && wt->dim[1] * g == x->dim[1],
              INFER_EINPUT, "group %lld: input channels %lld, weight [%lld,%lld,...] inconsistent",
              (long long)g, (long long)x->dim[1], (long long)wt->dim[0], (long long)wt->dim[1]);
  if (n->nin > 2 && n->in[2] >= 0)
    INFER_CHECK(infer_numel(V(p, n->in[2])) == wt->dim[0], INFER_EINPUT, "bias length != output channels");
  int64_t d[INFER_MAXDIM];
  d[0] = x->dim[0];
  d[1] = wt->dim[0];
  for (int k = 0; k < x->ndim - 2; ++k) d[2 + k] = w.out[3 - (x->ndim - 2) + k];
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, d);
}

/* What the Conv and ConvTranspose reference kernels share: geometry, data, sizes. */
typedef struct {
  infer_win w;
  const float *x, *wt, *b;
  float *y;
  int64_t N, C, G, Cg, isz, osz, ksz;
} conv_args;

static int conv_args_init(infer_plan *p, const infer_node *n, int transposed, conv_args *a) {
  INFER_CALL(conv_geometry(p, n, transposed, &a->w));
  const infer_value *xv = V(p, n->in[0]);
  a->x = xv->data;
  a->wt = V(p, n->in[1])->data;
  a->b = n->nin > 2 && n->in[2] >= 0 ? V(p, n->in[2])->data : NULL;
  a->y = V(p, n->out[0])->data;
  a->N = xv->dim[0], a->C = xv->dim[1], a->G = infer_attr_int(n, "group", 1), a->Cg = a->C / a->G;
  const infer_win *w = &a->w;
  a->isz = w->in[0] * w->in[1] * w->in[2];
  a->osz = w->out[0] * w->out[1] * w->out[2];
  a->ksz = w->k[0] * w->k[1] * w->k[2];
  return INFER_OK;
}

int infer_run_conv(infer_plan *p, infer_node *n) {
  conv_args a;
  INFER_CALL(conv_args_init(p, n, 0, &a));
  const infer_win w = a.w;
  const float *x = a.x, *wt = a.wt, *b = a.b, *sum = n->sum_in >= 0 ? V(p, n->sum_in)->data : NULL;
  float *y = a.y;
  int64_t N = a.N, C = a.C, M = V(p, n->in[1])->dim[0], Cg = a.Cg, Mg = M / a.G;
  int64_t isz = a.isz, osz = a.osz, ksz = a.ksz;
  for (int64_t nn = 0; nn < N; ++nn)
    for (int64_t m = 0; m < M; ++m) {
      int64_t g = m / Mg;
      float *yo = y + (nn * M + m) * osz;
      for (int64_t q = 0; q < osz; ++q) yo[q] = b ? b[m] : 0.0f;
      for (int64_t c = 0; c < Cg; ++c) {
        const float *xi = x + (nn * C + g * Cg + c) * isz;
        const float *wk = wt + (m * Cg + c) * ksz;
        for (int64_t kd = 0; kd < w.k[0]; ++kd)
          for (int64_t kh = 0; kh < w.k[1]; ++kh)
            for (int64_t kw = 0; kw < w.k[2]; ++kw) {
              float wgt = wk[(kd * w.k[1] + kh) * w.k[2] + kw];
              for (int64_t od = 0; od < w.out[0]; ++od) {
                int64_t id = od * w.s[0] - w.pb[0] + kd * w.d[0];
                if (id < 0 || id >= w.in[0]) continue;
                for (int64_t oh = 0; oh < w.out[1]; ++oh) {
                  int64_t ih = oh * w.s[1] - w.pb[1] + kh * w.d[1];
                  if (ih < 0 || ih >= w.in[1]) continue;
                  const float *xr = xi + (id * w.in[1] + ih) * w.in[2];
                  float *yr = yo + (od * w.out[1] + oh) * w.out[2];
                  /* ow range where iw = ow*s - pb + kw*d is inside [0, in) */
                  int64_t off = kw * w.d[2] - w.pb[2];
                  int64_t lo = off >= 0 ? 0 : (-off + w.s[2] - 1) / w.s[2];
                  int64_t hi = w.in[2] - off <= 0 ? 0 : (w.in[2] - off + w.s[2] - 1) / w.s[2];
                  if (hi > w.out[2]) hi = w.out[2];
                  if (w.s[2] == 1)
                    for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wgt * xr[ow + off];
                  else
                    for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wgt * xr[ow * w.s[2] + off];
                }
              }
            }
      }
      if (sum || n->act)
        for (int64_t q = 0; q < osz; ++q) {
          float v = yo[q] + (sum ? sum[(nn * M + m) * osz + q] : 0.0f);
          yo[q] = infer_apply_act(n->act, n->act_a, n->act_b, v);
        }
    }
  return INFER_OK;
}

/* ---- ConvTranspose: W is [C, M/group, k...] ---- */

int infer_shape_convt(infer_plan *p, infer_node *n) {
  infer_win w;
  INFER_CALL(conv_geometry(p, n, 1, &w));
  const infer_value *x = V(p, n->in[0]), *wt = V(p, n->in[1]);
  int64_t g = infer_attr_int(n, "group", 1);
  INFER_CHECK(g >= 1 && x->dim[1] % g == 0 && wt->dim[0] == x->dim[1], INFER_EINPUT,
              "group/channels inconsistent with the weight shape");
  int64_t d[INFER_MAXDIM];
  d[0] = x->dim[0];
  d[1] = wt->dim[1] * g;
  if (n->nin > 2 && n->in[2] >= 0)
    INFER_CHECK(infer_numel(V(p, n->in[2])) == d[1], INFER_EINPUT, "bias length != output channels");
  for (int k = 0; k < x->ndim - 2; ++k) d[2 + k] = w.out[3 - (x->ndim - 2) + k];
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, d);
}

int infer_run_convt(infer_plan *p, infer_node *n) {
  conv_args a;
  INFER_CALL(conv_args_init(p, n, 1, &a));
  const infer_win w = a.w;
  const float *x = a.x, *wt = a.wt, *b = a.b;
  float *y = a.y;
  int64_t N = a.N, C = a.C, Cg = a.Cg, Mg = V(p, n->in[1])->dim[1], M = Mg * a.G;
  int64_t isz = a.isz, osz = a.osz, ksz = a.ksz;
  for (int64_t nn = 0; nn < N; ++nn)
    for (int64_t m = 0; m < M; ++m) {
      int64_t g = m / Mg, mm = m % Mg;
      float *yo = y + (nn * M + m) * osz;
      for (int64_t q = 0; q < osz; ++q) yo[q] = b ? b[m] : 0.0f;
      for (int64_t c = 0; c < Cg; ++c) {
        const float *xi = x + (nn * C + g * Cg + c) * isz;
        const float *wk = wt + ((g * Cg + c) * Mg + mm) * ksz;
        for (int64_t id = 0; id < w.in[0]; ++id)
          for (int64_t ih = 0; ih < w.in[1]; ++ih)
            for (int64_t iw = 0; iw < w.in[2]; ++iw) {
              float xv0 = xi[(id * w.in[1] + ih) * w.in[2] + iw];
              for (int64_t kd = 0; kd < w.k[0]; ++kd) {
                int64_t od = id * w.s[0] - w.pb[0] + kd * w.d[0];
                if (od < 0 || od >= w.out[0]) continue;
                for (int64_t kh = 0; kh < w.k[1]; ++kh) {
                  int64_t oh = ih * w.s[1] - w.pb[1] + kh * w.d[1];
                  if (oh < 0 || oh >= w.out[1]) continue;
                  for (int64_t kw = 0; kw < w.k[2]; ++kw) {
                    int64_t ow = iw * w.s[2] - w.pb[2] + kw * w.d[2];
                    if (ow < 0 || ow >= w.out[2]) continue;
                    yo[(od * w.out[1] + oh) * w.out[2] + ow] += xv0 * wk[(kd * w.k[1] + kh) * w.k[2] + kw];
                  }
                }
              }
            }
      }
    }
  return INFER_OK;
}

/* ---- pooling ---- */

int infer_check_pool(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 1, INFER_EINPUT, "expects 1 input");
  INFER_CHECK(n->nout == 1, INFER_EUNSUPPORTED, "the Indices output is unsupported");
  INFER_CHECK(infer_attr_get(n, "kernel_shape"), INFER_EINPUT, "kernel_shape is required");
  INFER_CHECK(infer_attr_int(n, "storage_order", 0) == 0, INFER_EUNSUPPORTED, "storage_order=1 unsupported");
  return INFER_OK;
}

static int pool_geometry(infer_plan *p, const infer_node *n, infer_win *w) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  INFER_CHECK(x->ndim >= 3, INFER_EINPUT, "input rank %d < 3", x->ndim);
  int nsp = x->ndim - 2;
  int64_t ks[3];
  int nk = infer_attr_ints(n, "kernel_shape", ks, 3);
  INFER_CHECK(nk == nsp, INFER_EINPUT, "kernel_shape has %d values for %d spatial dims", nk, nsp);
  return infer_window(n, nsp, x->dim + 2, ks, 0, NULL, w);
}

int infer_shape_pool(infer_plan *p, infer_node *n) {
  infer_win w;
  INFER_CALL(pool_geometry(p, n, &w));
  const infer_value *x = V(p, n->in[0]);
  int64_t d[INFER_MAXDIM] = {x->dim[0], x->dim[1]};
  for (int k = 0; k < x->ndim - 2; ++k) d[2 + k] = w.out[3 - (x->ndim - 2) + k];
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, d);
}

static int run_pool(infer_plan *p, infer_node *n, int is_max) {
  infer_win w;
  INFER_CALL(pool_geometry(p, n, &w));
  const infer_value *xv = V(p, n->in[0]);
  const float *x = xv->data;
  float *y = V(p, n->out[0])->data;
  int incl = (int)infer_attr_int(n, "count_include_pad", 0);
  int64_t NC = xv->dim[0] * xv->dim[1];
  int64_t isz = w.in[0] * w.in[1] * w.in[2], osz = w.out[0] * w.out[1] * w.out[2];
  for (int64_t c = 0; c < NC; ++c) {
    const float *xi = x + c * isz;
    float *yo = y + c * osz;
    for (int64_t od = 0; od < w.out[0]; ++od)
      for (int64_t oh = 0; oh < w.out[1]; ++oh)
        for (int64_t ow = 0; ow < w.out[2]; ++ow) {
          float acc = is_max ? -INFINITY : 0.0f;
          int64_t cnt = 0, cnt_pad = 0;
          for (int64_t kd = 0; kd < w.k[0]; ++kd) {
            int64_t id = od * w.s[0] - w.pb[0] + kd * w.d[0];
            for (int64_t kh = 0; kh < w.k[1]; ++kh) {
              int64_t ih = oh * w.s[1] - w.pb[1] + kh * w.d[1];
              for (int64_t kw = 0; kw < w.k[2]; ++kw) {
                int64_t iw = ow * w.s[2] - w.pb[2] + kw * w.d[2];
                int inside_pad = id < w.in[0] + w.pe[0] && ih < w.in[1] + w.pe[1] && iw < w.in[2] + w.pe[2];
                if (inside_pad) cnt_pad++;
                if (id < 0 || ih < 0 || iw < 0 || id >= w.in[0] || ih >= w.in[1] || iw >= w.in[2]) continue;
                float v = xi[(id * w.in[1] + ih) * w.in[2] + iw];
                if (is_max) acc = v > acc ? v : acc;
                else acc += v;
                cnt++;
              }
            }
          }
          if (!is_max) acc = acc / (float)((incl ? cnt_pad : cnt) ? (incl ? cnt_pad : cnt) : 1);
          yo[(od * w.out[1] + oh) * w.out[2] + ow] = acc;
        }
  }
  return INFER_OK;
}
int infer_run_maxpool(infer_plan *p, infer_node *n) { return run_pool(p, n, 1); }
int infer_run_avgpool(infer_plan *p, infer_node *n) { return run_pool(p, n, 0); }

int infer_shape_global_pool(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32 && x->ndim >= 3, INFER_EINPUT, "needs a float32 input of rank >= 3");
  int64_t d[INFER_MAXDIM];
  for (int k = 0; k < x->ndim; ++k) d[k] = k < 2 ? x->dim[k] : 1;
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, d);
}
static int run_global(infer_plan *p, infer_node *n, int is_max) {
  const infer_value *xv = V(p, n->in[0]);
  int64_t NC = xv->dim[0] * xv->dim[1], sz = infer_numel(xv) / (NC ? NC : 1);
  const float *x = xv->data;
  float *y = V(p, n->out[0])->data;
  for (int64_t c = 0; c < NC; ++c) {
    double acc = is_max ? -INFINITY : 0.0;
    for (int64_t q = 0; q < sz; ++q) {
      float v = x[c * sz + q];
      if (is_max) acc = v > acc ? v : acc;
      else acc += v;
    }
    y[c] = (float)(is_max ? acc : acc / (double)(sz ? sz : 1));
  }
  return INFER_OK;
}
int infer_run_gap(infer_plan *p, infer_node *n) { return run_global(p, n, 0); }
int infer_run_gmp(infer_plan *p, infer_node *n) { return run_global(p, n, 1); }

/* ---- BatchNormalization (inference form) ---- */

int infer_check_bn(const infer_node *n, int opset) {
  INFER_CHECK(n->nin == 5, INFER_EINPUT, "expects 5 inputs");
  INFER_CHECK(n->nout == 1 && !infer_attr_int(n, "training_mode", 0), INFER_EUNSUPPORTED,
              "training mode (running mean/var outputs) is unsupported");
  return INFER_OK;
}
int infer_shape_bn(infer_plan *p, infer_node *n) {
  const infer_value *x = V(p, n->in[0]);
  INFER_CHECK(x->dtype == INFER_F32 && x->ndim >= 2, INFER_EINPUT, "needs a float32 input of rank >= 2");
  for (int k = 1; k < 5; ++k)
    INFER_CHECK(infer_numel(V(p, n->in[k])) == x->dim[1], INFER_EINPUT,
                "parameter %d has %lld values for %lld channels", k, (long long)infer_numel(V(p, n->in[k])),
                (long long)x->dim[1]);
  return infer_set_shape(V(p, n->out[0]), INFER_F32, x->ndim, x->dim);
}
int infer_run_bn(infer_plan *p, infer_node *n) {
  const infer_value *xv = V(p, n->in[0]);
  const float *x = xv->data, *sc = V(p, n->in[1])->data, *b = V(p, n->in[2])->data,
              *mu = V(p, n->in[3])->data, *var = V(p, n->in[4])->data;
  float *y = V(p, n->out[0])->data;
  float eps = infer_attr_float(n, "epsilon", 1e-5f);
  int64_t N = xv->dim[0], C = xv->dim[1], sz = N * C > 0 ? infer_numel(xv) / (N * C) : 0;
  for (int64_t i = 0; i < N; ++i)
    for (int64_t c = 0; c < C; ++c) {
      float s = sc[c] / sqrtf(var[c] + eps), o = b[c] - mu[c] * s;
      const float *xi = x + (i * C + c) * sz;
      float *yo = y + (i * C + c) * sz;
      for (int64_t q = 0; q < sz; ++q) yo[q] = xi[q] * s + o;
    }
  return INFER_OK;
}

/* ---- Gemm, MatMul ---- */

/* C[M,N] (+)= A[M,K] B[K,N] with element strides (transposes by stride). */
void infer_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t ars, int64_t acs,
                 const float *B, int64_t brs, int64_t bcs, float *C, float alpha) {
  for (int64_t i = 0; i < M; ++i) {
    float *c = C + i * N;
    for (int64_t k = 0; k < K; ++k) {
      float a = alpha * A[i * ars + k * acs];
      const float *b = B + k * brs;
      if (bcs == 1)
        for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
      else
        for (int64_t j = 0; j < N; ++j) c[j] += a * b[j * bcs];
    }
  }
}

int infer_check_gemm(const infer_node *n, int opset) {
  INFER_CHECK(n->nin >= 2 && n->nin <= 3 && n->nout == 1, INFER_EINPUT, "expects 2-3 inputs");
  return INFER_OK;
}
int infer_shape_gemm(infer_plan *p, infer_node *n) {
  const infer_value *a = V(p, n->in[0]), *b = V(p, n->in[1]);
  INFER_CHECK(a->dtype == INFER_F32 && b->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  INFER_CHECK(a->ndim == 2 && b->ndim == 2, INFER_EINPUT, "A and B must be 2-D");
  int ta = (int)infer_attr_int(n, "transA", 0), tb = (int)infer_attr_int(n, "transB", 0);
  int64_t M = ta ? a->dim[1] : a->dim[0], K = ta ? a->dim[0] : a->dim[1];
  int64_t K2 = tb ? b->dim[1] : b->dim[0], N = tb ? b->dim[0] : b->dim[1];
  INFER_CHECK(K == K2, INFER_EINPUT, "inner dimensions %lld and %lld differ", (long long)K, (long long)K2);
  int64_t d[2] = {M, N};
  if (n->nin > 2 && n->in[2] >= 0) {
    const infer_value *c = V(p, n->in[2]);
    int no;
    int64_t o[INFER_MAXDIM];
    INFER_CHECK(c->ndim <= 2 && !infer_broadcast_shape(2, d, c->ndim, c->dim, &no, o) && o[0] == M && o[1] == N,
                INFER_EINPUT, "C does not broadcast to [%lld,%lld]", (long long)M, (long long)N);
  }
  return infer_set_shape(V(p, n->out[0]), INFER_F32, 2, d);
}
int infer_run_gemm(infer_plan *p, infer_node *n) {
  const infer_value *a = V(p, n->in[0]), *b = V(p, n->in[1]);
  int ta = (int)infer_attr_int(n, "transA", 0), tb = (int)infer_attr_int(n, "transB", 0);
  float alpha = infer_attr_float(n, "alpha", 1.0f), beta = infer_attr_float(n, "beta", 1.0f);
  int64_t M = ta ? a->dim[1] : a->dim[0], K = ta ? a->dim[0] : a->dim[1], N = tb ? b->dim[0] : b->dim[1];
  float *y = V(p, n->out[0])->data;
  if (n->nin > 2 && n->in[2] >= 0) {
    const infer_value *c = V(p, n->in[2]);
    const float *cd = c->data;
    int64_t cm = c->ndim == 2 ? c->dim[0] : 1, cn = c->ndim >= 1 ? c->dim[c->ndim - 1] : 1;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) y[i * N + j] = beta * cd[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
  } else {
    memset(y, 0, (size_t)(M * N) * sizeof(float));
  }
  infer_sgemm(M, N, K, a->data, ta ? 1 : K, ta ? M : 1, b->data, tb ? 1 : N, tb ? K : 1, y, alpha);
  if (n->act)
    for (int64_t q = 0; q < M * N; ++q) y[q] = infer_apply_act(n->act, n->act_a, n->act_b, y[q]);
  return INFER_OK;
}

int infer_shape_matmul(infer_plan *p, infer_node *n) {
  const infer_value *a = V(p, n->in[0]), *b = V(p, n->in[1]);
  INFER_CHECK(a->dtype == INFER_F32 && b->dtype == INFER_F32, INFER_EUNSUPPORTED, "only float32");
  INFER_CHECK(a->ndim >= 1 && b->ndim >= 1, INFER_EINPUT, "scalar operands");
  int64_t ad[INFER_MAXDIM], bd[INFER_MAXDIM];
  int na = a->ndim, nb = b->ndim;
  memcpy(ad, a->dim, sizeof ad);
  memcpy(bd, b->dim, sizeof bd);
  if (na == 1) { ad[1] = ad[0]; ad[0] = 1; na = 2; }
  if (nb == 1) { bd[1] = 1; nb = 2; }
  INFER_CHECK(ad[na - 1] == bd[nb - 2], INFER_EINPUT, "inner dimensions %lld and %lld differ",
              (long long)ad[na - 1], (long long)bd[nb - 2]);
  int no;
  int64_t o[INFER_MAXDIM];
  INFER_CHECK(!infer_broadcast_shape(na - 2, ad, nb - 2, bd, &no, o), INFER_EINPUT, "batch dims do not broadcast");
  if (a->ndim > 1) o[no++] = ad[na - 2];
  if (b->ndim > 1) o[no++] = bd[nb - 1];
  return infer_set_shape(V(p, n->out[0]), INFER_F32, no, o);
}
int infer_run_matmul(infer_plan *p, infer_node *n) {
  const infer_value *a = V(p, n->in[0]), *b = V(p, n->in[1]);
  int64_t ad[INFER_MAXDIM], bd[INFER_MAXDIM];
  int na = a->ndim, nb = b->ndim;
  memcpy(ad, a->dim, sizeof ad);
  memcpy(bd, b->dim, sizeof bd);
  if (na == 1) { ad[1] = ad[0]; ad[0] = 1; na = 2; }
  if (nb == 1) { bd[1] = 1; nb = 2; }
  int64_t M = ad[na - 2], K = ad[na - 1], N = bd[nb - 1];
  int no;
  int64_t o[INFER_MAXDIM];
  infer_broadcast_shape(na - 2, ad, nb - 2, bd, &no, o);
  int64_t nbatch = 1;
  for (int k = 0; k < no; ++k) nbatch *= o[k];
  float *y = V(p, n->out[0])->data;
  memset(y, 0, (size_t)(nbatch * M * N) * sizeof(float));
  for (int64_t bi = 0; bi < nbatch; ++bi) {
    /* unravel bi over o, map to a's and b's batch offsets (broadcast dims use 0) */
    int64_t r = bi, aoff = 0, boff = 0, as = 1, bs = 1;
    for (int k = no - 1; k >= 0; --k) {
      int64_t idx = r % o[k];
      r /= o[k];
      int ka = k - (no - (na - 2)), kb = k - (no - (nb - 2));
      if (ka >= 0) { aoff += (ad[ka] == 1 ? 0 : idx) * as; as *= ad[ka]; }
      if (kb >= 0) { boff += (bd[kb] == 1 ? 0 : idx) * bs; bs *= bd[kb]; }
    }
    infer_sgemm(M, N, K, (const float *)a->data + aoff * M * K, K, 1, (const float *)b->data + boff * K * N, N, 1,
                y + bi * M * N, 1.0f);
  }
  return INFER_OK;
}
