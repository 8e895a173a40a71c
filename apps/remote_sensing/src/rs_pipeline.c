/* rs_pipeline.c — the per-block chain. */
#include "rs_pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int rs_max_bands(const rs_job *job) {
  int m = job->in.nbands;
  for (int i = 0; i < job->nops; i++)
    if (job->ops[i].nout > m) m = job->ops[i].nout;
  return m;
}

/* Float holds every value of these types exactly. */
static int rs_float_exact_type(GDALDataType t) {
  return t == GDT_Byte || t == GDT_UInt16 || t == GDT_Int16 || t == GDT_Float32;
}

static void rs_fastpath_plan(const rs_job *job, rs_fastpath *fp) {
  memset(fp, 0, sizeof *fp);
  const rs_op *op = &job->ops[0];
  if (job->nops != 1 || op->kind != RS_OP_EXPR || op->nexpr != 1 || job->halo != 0 || job->warp.enabled ||
      job->qa_band >= 0 || job->has_range || job->zones_band >= 0 || job->out.type != GDT_Float32 ||
      job->out.nbands != 1)
    return;
  rs_expr_fused(op->expr[0], &fp->f);
  if (fp->f.kind == RS_FUSED_NONE) return;
  int nb = fp->f.kind == RS_FUSED_EVI ? 3 : 2, ints = 1;
  for (int i = 0; i < nb; i++) {
    int k = fp->f.band[i];
    GDALDataType t = job->in.type[k];
    if (!rs_float_exact_type(t)) return;
    ints &= t != GDT_Float32;
    double nd = job->in.nodata[k];
    fp->has[i] = job->in.has_nodata[k] && !isnan(nd) && (double)(float)nd == nd;
    fp->nd[i] = fp->has[i] ? (float)nd : 0.0f;
  }
  fp->in_float = ints && rs_fused_float_exact(&fp->f);
  double nd = job->out.nodata;
  GDALCopyWords64(&nd, GDT_Float64, 8, &fp->out_nodata, GDT_Float32, 4, 1); /* as rs_tilefile_write stores it */
  fp->enabled = 1;
}

int rs_workspace_create(const rs_job *job, rs_workspace *ws) {
  memset(ws, 0, sizeof *ws);
  rs_fastpath_plan(job, &ws->fast);
  size_t np = (size_t)job->block * job->block;
  WHPC_MALLOC(ws->tout, job->out.nbands);
  for (int k = 0; k < job->out.nbands; k++) ws->tout[k] = NULL;
  if (ws->fast.enabled) {
    for (int i = 0; i < 3; i++) WHPC_MALLOC(ws->fin[i], np);
    WHPC_MALLOC(ws->fout, np);
    ws->tout[0] = ws->fout;
    /* no halo: every tile is read once, so GDAL's block cache only adds a copy (16k^2 NDVI, one
     * rank: ~1.0 -> ~0.8 CPU-s); same pixel values either way */
    WHPC_MALLOC(ws->direct, job->in.nfiles);
    ws->ndirect = job->in.nfiles;
    rs_input_open_direct(&job->in, ws->direct);
  }
  ws->warp_copy = job->nops == 0 && job->halo == 0 && job->qa_band < 0 && !job->has_range && job->zones_band < 0 &&
                  job->out.nbands == job->in.nbands &&
                  rs_warp_typed_ok(&job->warp, &job->in, job->out.type, job->out.nodata);
  for (int k = 0; k < job->out.nbands && ws->warp_copy; k++) {
    ws->tout[k] = malloc(np * (size_t)GDALGetDataTypeSizeBytes(job->out.type));
    WHPC_CHECK(ws->tout[k], WHPC_ERR_MEM, "out of memory");
  }
  int side = job->block + 2 * job->halo;
  ws->cap = side * side;
  ws->nbuf = 2 * rs_max_bands(job) + 1;
  WHPC_MALLOC(ws->buf, ws->nbuf);
  for (int i = 0; i < ws->nbuf; i++) WHPC_MALLOC(ws->buf[i], ws->cap);
  WHPC_MALLOC(ws->tmp, ws->cap);
  ws->nres = job->out.nbands;
  WHPC_MALLOC(ws->result, job->out.nbands);
  for (int i = 0; i < job->out.nbands; i++) WHPC_MALLOC(ws->result[i], (size_t)job->block * job->block);
  WHPC_MALLOC(ws->scratch, (size_t)job->block * job->block * 8);
  WHPC_MALLOC(ws->tile, (size_t)job->block * job->block * 8);
  if (job->zones_band >= 0) WHPC_MALLOC(ws->zones, (size_t)job->block * job->block);
  return WHPC_OK;
}

void rs_workspace_free(rs_workspace *ws) {
  for (int i = 0; ws->buf && i < ws->nbuf; i++) free(ws->buf[i]);
  free(ws->buf);
  free(ws->tmp);
  for (int i = 0; ws->result && i < ws->nres; i++) free(ws->result[i]);
  free(ws->result);
  free(ws->scratch);
  free(ws->tile);
  free(ws->zones);
  for (int i = 0; i < 3; i++) free(ws->fin[i]);
  for (int f = 0; ws->direct && f < ws->ndirect; f++)
    if (ws->direct[f]) GDALClose(ws->direct[f]);
  free(ws->direct);
  for (int k = 0; ws->tout && ws->warp_copy && k < ws->nres; k++) free(ws->tout[k]);
  free(ws->tout);
  free(ws->fout);
  memset(ws, 0, sizeof *ws);
}

#define RS_MAX_USED 8 /* bands an expression reads that the fused nodata pass checks */

static const char *RS_OP_TIMER[] = {"op.expr", "op.filter", "op.terrain"};

/* The fast path (rs_fastpath): same values as the general chain, bit for bit. */
static int rs_block_fast(whpc_ctx_t ctx, rs_job *job, rs_input *in, rs_workspace *ws, int x0, int y0, int w,
                         int h) {
  const rs_fastpath *fp = &ws->fast;
  int nb = fp->f.kind == RS_FUSED_EVI ? 3 : 2, rc = WHPC_OK;
  long n = (long)w * h;
  whpc_timer_begin(ctx, "read");
  for (int k = 0; k < in->nbands && !rc; k++) /* in band order, as the general path (the same first error) */
    for (int i = 0; i < nb && !rc; i++)
      if (fp->f.band[i] == k && (i == 0 || fp->f.band[0] != k) && (i < 2 || fp->f.band[1] != k))
        rc = rs_input_read_f32(in, ws->direct, k, x0, y0, w, h, ws->fin[i]);
  for (int i = 1; i < nb && !rc; i++) /* a band given twice (ndvi(B1, B1)): read once */
    for (int j = 0; j < i; j++)
      if (fp->f.band[i] == fp->f.band[j]) {
        memcpy(ws->fin[i], ws->fin[j], (size_t)n * sizeof(float));
        break;
      }
  whpc_timer_end(ctx, "read");
  WHPC_CALL(rc);
  whpc_timer_begin(ctx, "op.expr");
  const float *c = nb == 3 ? ws->fin[2] : NULL;
  if (fp->in_float) {
    rs_fused_eval_f32(&fp->f, ws->fin[0], ws->fin[1], c, fp->nd, fp->has, n, fp->out_nodata, ws->fout);
    ws->typed = 1;
    if (job->stats) rs_tile_stored_values(&job->out, ws->fout, n, ws->result[0]); /* the out type is Float32 */
  } else {
    rs_fused_eval_f64(&fp->f, ws->fin[0], ws->fin[1], c, fp->nd, fp->has, n, NAN, ws->result[0]);
  }
  whpc_timer_end(ctx, "op.expr");
  return WHPC_OK;
}

/* A chain of nothing but a warp in the product's type: the kernel's values are the tiles. */
static int rs_block_warp_copy(whpc_ctx_t ctx, rs_job *job, rs_input *in, rs_workspace *ws, int x0, int y0, int w,
                              int h) {
  whpc_timer_begin(ctx, "warp");
  int rc = rs_warp_read_typed(&job->warp, in, x0, y0, w, h, ws->tout);
  whpc_timer_end(ctx, "warp");
  WHPC_CALL(rc);
  ws->typed = 1;
  for (int k = 0; k < job->out.nbands && job->stats; k++)
    rs_tile_stored_values(&job->out, ws->tout[k], (long)w * h, ws->result[k]);
  return WHPC_OK;
}

int rs_block_run(whpc_ctx_t ctx, rs_job *job, rs_input *in, rs_workspace *ws, long b) {
  int x0, y0, w, h, H = job->halo;
  rs_job_block(job, b, &x0, &y0, &w, &h);
  ws->typed = 0;
  if (ws->fast.enabled) return rs_block_fast(ctx, job, in, ws, x0, y0, w, h);
  if (ws->warp_copy) return rs_block_warp_copy(ctx, job, in, ws, x0, y0, w, h);
  int W = w + 2 * H, Hh = h + 2 * H;
  long n = (long)W * Hh;
  double **cur = ws->buf, **nxt = ws->buf + ws->nbuf / 2;
  double *qa = ws->buf[ws->nbuf - 1];

  whpc_timer_begin(ctx, job->warp.enabled ? "warp" : "read");
  int rc = WHPC_OK;
  if (job->warp.enabled)
    rc = rs_warp_read(&job->warp, in, job->need, x0 - H, y0 - H, W, Hh, cur);
  for (int k = 0; k < in->nbands && !rc && !job->warp.enabled; k++)
    if (job->need[k]) rc = rs_input_read(in, k, x0 - H, y0 - H, W, Hh, cur[k]);
  whpc_timer_end(ctx, job->warp.enabled ? "warp" : "read");
  WHPC_CALL(rc);
  if (job->zones_band >= 0) /* class ids as read, before masks and ops */
    for (int i = 0; i < h; i++)
      memcpy(ws->zones + (size_t)i * w, cur[job->zones_band] + (size_t)(i + H) * W + H, (size_t)w * sizeof(double));

  whpc_timer_begin(ctx, "op.mask");
  if (job->qa_band >= 0) {
    memcpy(qa, cur[job->qa_band], (size_t)n * sizeof *qa);
    for (int k = 0; k < in->nbands; k++)
      if (job->need[k]) rs_mask_qa(cur[k], qa, n, job->qa_bits);
  }
  if (job->has_range)
    for (int k = 0; k < in->nbands; k++)
      if (job->need[k] && k != job->qa_band) rs_mask_range(cur[k], n, job->range_lo, job->range_hi);
  whpc_timer_end(ctx, "op.mask");

  for (int i = 0; i < job->nops; i++) {
    const rs_op *op = &job->ops[i];
    whpc_timer_begin(ctx, RS_OP_TIMER[op->kind]);
    switch (op->kind) {
      case RS_OP_EXPR:
        for (int e = 0; e < op->nexpr; e++) {
          rs_expr_eval(op->expr[e], (const double *const *)cur, n, nxt[e]);
          /* nodata rule: a pixel is nodata when any band the expression reads is nodata, or
           * when the result is not finite (division by zero, log of a negative). One pass. */
          const double *used[RS_MAX_USED];
          int nu = 0;
          for (int k = 0; k < op->nin && nu < RS_MAX_USED; k++)
            if (rs_expr_uses_band(op->expr[e], k + 1)) used[nu++] = cur[k];
          double *r = nxt[e];
          if (nu == 2) { /* the common case (indices of two bands), branch-free: SIMD */
            const double *u0 = used[0], *u1 = used[1];
            for (long p = 0; p < n; p++) r[p] = (isnan(u0[p]) | isnan(u1[p]) | !isfinite(r[p])) ? NAN : r[p];
          } else {
            for (long p = 0; p < n; p++) {
              int bad = !isfinite(r[p]);
              for (int u = 0; u < nu; u++) bad |= isnan(used[u][p]);
              r[p] = bad ? NAN : r[p];
            }
          }
          for (int k = 0, u = 0; k < op->nin; k++) /* more bands than RS_MAX_USED: the rest here */
            if (rs_expr_uses_band(op->expr[e], k + 1) && u++ >= RS_MAX_USED)
              for (long p = 0; p < n; p++)
                if (isnan(cur[k][p])) r[p] = NAN;
        }
        break;
      case RS_OP_FILTER:
        for (int k = 0; k < op->nin; k++)
          if (rs_filter(op->filter, op->radius, op->sigma, cur[k], nxt[k], ws->tmp, W, Hh)) {
            whpc_timer_end(ctx, RS_OP_TIMER[op->kind]);
            return WHPC_RAISE(WHPC_ERR_MEM, "filter: out of memory");
          }
        break;
      case RS_OP_TERRAIN:
        rs_terrain(&op->terrain, cur[op->band], nxt[0], W, Hh);
        break;
    }
    double **t = cur;
    cur = nxt;
    nxt = t;
    whpc_timer_end(ctx, RS_OP_TIMER[op->kind]);
  }

  for (int k = 0; k < job->out.nbands; k++)
    for (int i = 0; i < h; i++)
      memcpy(ws->result[k] + (size_t)i * w, cur[k] + (size_t)(i + H) * W + H, (size_t)w * sizeof(double));
  return WHPC_OK;
}
