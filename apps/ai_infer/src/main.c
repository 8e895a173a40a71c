/* whpc-ai-infer — distributed batch inference of an ONNX model over many inputs.
 *
 *   load model (every rank) -> list inputs (rank 0, broadcast) -> read resume journals
 *   -> plan for the batch size -> work loop (chunks via whpc_workqueue, reader thread,
 *   engine, results + journal fsync'ed per chunk) -> rank 0 merges predictions.csv / VRT
 *   -> report.json. Rerunning the same command after a crash processes only what is missing. */
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gdal.h>
#include "infer_driver.h"
#include "infer_run.h"

/* Every rank loads the model itself; errors are the same on all ranks, agreed anyway. */
static int load_model(whpc_ctx_t ctx, const infer_params *p, infer_model **m, infer_geom *g) {
  int rc = infer_model_load(p->model, m) ? WHPC_RAISE(WHPC_ERR_INPUT, "model.path = %s", infer_error()) : WHPC_OK;
  if (!rc && infer_model_num_inputs(*m) != 1)
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "model.path = %s: %d inputs, expected one image input", p->model,
                    infer_model_num_inputs(*m));
  int nd = 0;
  int64_t d[INFER_MAXDIM];
  if (!rc) infer_model_input_shape(*m, 0, &nd, d);
  if (!rc && (nd != 4 || d[1] <= 0 || d[2] <= 0 || d[3] <= 0 || infer_model_input_dtype(*m, 0) != INFER_F32))
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "model.path = %s: input must be float32 [N,C,H,W] with fixed C, H, W", p->model);
  if (!rc) g->c = (int)d[1], g->h = (int)d[2], g->w = (int)d[3];
  if (!rc && p->nbands && p->nbands != g->c)
    rc = whpc_config_error(ctx, "input.bands", "lists %d bands, the model takes %d channels", p->nbands, g->c);
  if (!rc && p->nmean && p->nmean != g->c)
    rc = whpc_config_error(ctx, "input.mean", "has %d values for %d channels", p->nmean, g->c);
  if (!rc && p->nstd && p->nstd != g->c)
    rc = whpc_config_error(ctx, "input.std", "has %d values for %d channels", p->nstd, g->c);
  int grc;
  whpc_agree(whpc_comm(ctx), rc, &grc);
  return grc;
}

static int make_plan(whpc_ctx_t ctx, const infer_params *p, const infer_model *m, const infer_geom *g, infer_job *j) {
  infer_options opt = {!strcmp(p->backend, "onednn") ? INFER_BACKEND_ONEDNN : INFER_BACKEND_REFERENCE,
                       (int)p->threads, 1, p->winograd};
  infer_tensor x = {INFER_F32, 4, {p->batch, g->c, g->h, g->w}, NULL}, y;
  int rc = infer_plan_create(m, &opt, 1, &x, &j->plan) ? WHPC_RAISE(WHPC_ERR_INPUT, "model.path = %s", infer_error())
                                                      : WHPC_OK;
  if (!rc) {
    infer_plan_output(j->plan, 0, &y);
    int want_raster = !strcmp(p->out_kind, "raster") || (!strcmp(p->out_kind, "auto") && y.ndim == 4);
    if (want_raster && y.ndim != 4)
      rc = whpc_config_error(ctx, "output.kind", "raster needs an [N,K,H,W] model output, got rank %d", y.ndim);
    else if (!want_raster && y.ndim != 2)
      rc = WHPC_RAISE(WHPC_ERR_INPUT, "model.path = %s: output has rank %d; classes need [N,K] (or output.kind = raster for [N,K,H,W])",
                      p->model, y.ndim);
    else if (want_raster && y.dim[1] > 255)
      rc = WHPC_RAISE(WHPC_ERR_INPUT, "model.path = %s: %lld classes do not fit the Byte class map", p->model, (long long)y.dim[1]);
    j->raster = want_raster;
  }
  j->batch = rc ? NULL : aligned_alloc(64, ((size_t)p->batch * g->c * g->h * g->w * sizeof(float) + 63) / 64 * 64);
  if (!rc && !j->batch) rc = WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate a batch of %ld inputs (engine.batch)", p->batch);
  int grc;
  whpc_agree(whpc_comm(ctx), rc, &grc);
  return grc;
}

/* Rank 0 decodes the first pending input before any work: a model/data mismatch that
 * affects every input (band count, size) becomes one clean error on all ranks. */
static int probe_first(whpc_ctx_t ctx, const infer_params *p, const infer_geom *g, const infer_items *it,
                       const long *todo, long ntodo) {
  int rc = WHPC_OK, grc;
  if (whpc_rank(ctx) == 0 && ntodo > 0 && !p->skip_errors) {
    float *buf = malloc((size_t)g->c * g->h * g->w * sizeof(float));
    double tr = 0, tp = 0;
    char msg[INFER_MSG];
    rc = buf ? infer_input_load(p, g, it->path[todo[0]], buf, NULL, &tr, &tp, msg) : WHPC_RAISE(WHPC_ERR_MEM, "out of memory");
    if (buf && rc) WHPC_RAISE(rc, "%s", msg);
    free(buf);
  }
  whpc_agree(whpc_comm(ctx), rc, &grc);
  return grc;
}

static int open_outputs(whpc_ctx_t ctx, infer_job *j) {
  char d[4200];
  int rank = whpc_rank(ctx), rc;
  const char *out = whpc_output_dir(ctx);
  snprintf(d, sizeof d, "%s/parts", out);
  rc = infer_part_open(d, rank, &j->part);
  if (!rc) {
    char s[64];
    snprintf(s, sizeof s, "skipped-%d.txt", rank);
    rc = infer_stream_open(&j->skipf, d, s);
  }
  snprintf(d, sizeof d, "%s/journal", out);
  if (!rc) rc = infer_journal_open(d, rank, &j->journal);
  snprintf(j->tiles_dir, sizeof j->tiles_dir, "%s/tiles", out);
  if (!rc && j->raster) rc = whpc_mkdir_p(j->tiles_dir);
  int grc;
  whpc_agree(whpc_comm(ctx), rc, &grc);
  return grc;
}

/* Ranks on this node x engine.threads against the node's cores: oversubscription makes
 * OpenMP threads and ranks fight for cores (libwhpc has no node-local helper). */
static int check_cores(whpc_ctx_t ctx, const infer_params *p) {
  MPI_Comm node;
  int local = 1, lrank = 0;
  WHPC_MPI(MPI_Comm_split_type(whpc_comm(ctx), MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  WHPC_MPI(MPI_Comm_size(node, &local));
  WHPC_MPI(MPI_Comm_rank(node, &lrank));
  MPI_Comm_free(&node);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (lrank == 0 && cores > 0 && local * p->threads > cores) /* once per node */
    whpc_log_all(ctx, WHPC_LOG_WARN, "%d ranks x engine.threads = %ld on a node with %ld cores: oversubscribed",
                 local, p->threads, cores);
  return WHPC_OK;
}

/* Per-rank figures to rank 0 (libwhpc has no gather helper). */
static int gather_stats(whpc_ctx_t ctx, const infer_stats *st, double **all) {
  double mine[8] = {(double)st->items, (double)st->skipped, st->t_read, st->t_prep, st->t_infer, st->t_write,
                    st->t_busy, st->t_wall};
  *all = whpc_rank(ctx) == 0 ? calloc((size_t)whpc_size(ctx) * 8, sizeof(double)) : NULL;
  WHPC_CHECK(whpc_rank(ctx) || *all, WHPC_ERR_MEM, "out of memory");
  WHPC_MPI(MPI_Gather(mine, 8, MPI_DOUBLE, *all, 8, MPI_DOUBLE, 0, whpc_comm(ctx)));
  return WHPC_OK;
}

static int finish(whpc_ctx_t ctx, infer_job *j, const infer_items *it, double t_run) {
  infer_stream_close(&j->part), infer_stream_close(&j->journal), infer_stream_close(&j->skipf);
  double *all = NULL;
  WHPC_CALL(gather_stats(ctx, &j->st, &all));
  int rc = WHPC_OK, grc, n = whpc_size(ctx);
  unsigned char *state = malloc((size_t)it->n + 1);
  char jd[4200];
  snprintf(jd, sizeof jd, "%s/journal", whpc_output_dir(ctx));
  WHPC_CHECK(state, WHPC_ERR_MEM, "out of memory");
  WHPC_CALL(infer_journal_scan(ctx, jd, it, state)); /* every rank has fsync'ed */
  long done = 0, skipped = 0, rows = 0, tiles = 0;
  for (long i = 0; i < it->n; ++i) done += state[i] == 1, skipped += state[i] == 2;
  if (whpc_rank(ctx) == 0) {
    rc = done + skipped == it->n ? WHPC_OK
         : WHPC_RAISE(WHPC_ERR_IO, "%ld of %ld inputs neither done nor skipped after the run", it->n - done - skipped, it->n);
    if (!rc) rc = infer_merge_csv(ctx, whpc_output_dir(ctx), it, state, j->raster ? 0 : (int)j->p->topk, &rows);
    if (!rc) rc = infer_write_skipped(ctx, whpc_output_dir(ctx), it);
    char why[400] = "";
    if (!rc && j->raster && done) rc = infer_build_vrt(whpc_output_dir(ctx), it, state, &tiles, why, sizeof why);
    if (!rc && why[0]) whpc_log(ctx, WHPC_LOG_WARN, "no VRT mosaic: %s", why);
    else if (!rc && j->raster && done) whpc_report_add_output(ctx, "mosaic.vrt");
    double items = 0, tb_max = 0, tb_sum = 0, tr = 0, tp = 0, ti = 0, tw = 0;
    for (int r = 0; r < n; ++r) {
      double *a = all + 8 * r;
      char key[64];
      items += a[0];
      tr += a[2], tp += a[3], ti += a[4], tw += a[5];
      tb_sum += a[6];
      tb_max = a[6] > tb_max ? a[6] : tb_max;
      snprintf(key, sizeof key, "per_rank.%d.items", r);
      whpc_report_set_number(ctx, key, a[0]);
      snprintf(key, sizeof key, "per_rank.%d.images_per_s", r);
      whpc_report_set_number(ctx, key, a[6] > 0 ? a[0] / a[6] : 0);
    }
    whpc_report_set_size(ctx, "inputs", (double)it->n);
    whpc_report_set_size(ctx, "processed_this_run", items);
    whpc_report_set_fom(ctx, "images_per_second", t_run > 0 ? items / t_run : 0, "images/s");
    whpc_report_set_number(ctx, "imbalance_busy_max_over_mean", tb_sum > 0 ? tb_max / (tb_sum / n) : 1);
    whpc_report_set_number(ctx, "time_split_s.read", tr);
    whpc_report_set_number(ctx, "time_split_s.preprocess", tp);
    whpc_report_set_number(ctx, "time_split_s.infer", ti);
    whpc_report_set_number(ctx, "time_split_s.write", tw);
    whpc_report_set_number(ctx, "done", (double)done);
    whpc_report_set_number(ctx, "skipped", (double)skipped);
    whpc_report_set_number(ctx, "csv_rows", (double)rows);
    whpc_report_set_number(ctx, "tiles", (double)tiles);
    whpc_report_add_output(ctx, "predictions.csv");
    whpc_report_add_output(ctx, "skipped.csv");
    whpc_log(ctx, WHPC_LOG_INFO, "%ld inputs: %ld done, %ld skipped; this run %.0f images in %.2f s = %.1f images/s",
             it->n, done, skipped, items, t_run, t_run > 0 ? items / t_run : 0);
  }
  free(all);
  free(state);
  whpc_agree(whpc_comm(ctx), rc, &grc);
  return grc;
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"whpc-ai-infer", "distributed batch inference of an ONNX model (own engine on oneDNN)",
                              NULL, 1};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  infer_params p;
  WHPC_MAIN(comm, infer_keys_add(ctx));
  WHPC_MAIN(comm, whpc_config_load(ctx, argc, argv));
  WHPC_MAIN(comm, infer_params_read(ctx, &p));
  whpc_set_threads(ctx, (int)p.threads);
  WHPC_MAIN(comm, check_cores(ctx, &p));
  GDALAllRegister();

  infer_model *model = NULL;
  infer_job job = {.ctx = ctx, .p = &p};
  whpc_timer_begin(ctx, "setup");
  WHPC_MAIN(comm, load_model(ctx, &p, &model, &job.g));
  WHPC_MAIN(comm, make_plan(ctx, &p, model, &job.g, &job));
  WHPC_MAIN(comm, whpc_output_prepare(ctx, "ai_infer"));
  whpc_report_set_case(ctx, p.model);
  int wq_dims[1] = {whpc_size(ctx)};
  whpc_report_set_decomposition(ctx, 1, wq_dims, p.dynamic ? "dynamic work queue of inputs" : "static blocks of inputs");

  infer_items items;
  WHPC_MAIN(comm, infer_items_list(ctx, p.input, &items));
  unsigned char *state = malloc((size_t)items.n + 1);
  long *todo = malloc((size_t)items.n * sizeof(long) + 1), ntodo = 0;
  if (!state || !todo) whpc_abort(comm, WHPC_RAISE(WHPC_ERR_MEM, "out of memory for %ld inputs", items.n));
  char jd[4200];
  snprintf(jd, sizeof jd, "%s/journal", whpc_output_dir(ctx));
  WHPC_MAIN(comm, infer_journal_scan(ctx, jd, &items, state));
  for (long i = 0; i < items.n; ++i)
    if (!state[i]) todo[ntodo++] = i;
  whpc_log(ctx, WHPC_LOG_INFO, "%ld inputs, %ld already done (resume), %ld to process on %d ranks; model %dx%dx%d, batch %ld, %s",
           items.n, items.n - ntodo, ntodo, whpc_size(ctx), job.g.c, job.g.h, job.g.w, p.batch, p.backend);
  WHPC_MAIN(comm, probe_first(ctx, &p, &job.g, &items, todo, ntodo));
  WHPC_MAIN(comm, open_outputs(ctx, &job));
  whpc_timer_end(ctx, "setup");

  job.it = &items, job.todo = todo, job.ntodo = ntodo;
  double t0 = whpc_wtime();
  whpc_timer_begin(ctx, "work");
  /* errors of any rank end all ranks together; a signal ends them with exit 75, resumable */
  WHPC_MAIN(comm, infer_run_loop(&job));
  whpc_timer_end(ctx, "work");
  MPI_Barrier(comm);
  whpc_timer_begin(ctx, "merge");
  WHPC_MAIN(comm, finish(ctx, &job, &items, whpc_wtime() - t0));
  whpc_timer_end(ctx, "merge");

  char rp[4200];
  WHPC_MAIN(comm, whpc_report_write(ctx, whpc_output_path(ctx, "report.json", rp, sizeof rp)));
  whpc_log(ctx, WHPC_LOG_INFO, "results in %s (predictions.csv, report.json)", whpc_output_dir(ctx));
  free(state), free(todo), free(job.batch);
  infer_plan_free(&job.plan);
  infer_model_free(&model);
  infer_items_free(&items);
  infer_params_free(&p);
  return whpc_finalize(&ctx);
}
