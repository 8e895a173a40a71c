/* infer_run.c — the per-rank work loop: take chunks (whpc_workqueue, dynamic or static),
 * let the reader thread decode the next one, run the engine in batches (last one
 * zero-padded), write results, fsync, then journal the chunk. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infer_driver.h"
#include "infer_run.h"

static int write_results(infer_job *j, infer_chunk *ch, long b0, long nb, const infer_tensor *y) {
  const infer_params *p = j->p;
  int64_t per = infer_tensor_numel(y) / y->dim[0];
  for (long i = 0; i < nb; ++i) {
    long item = j->todo[ch->first + b0 + i];
    const float *out = (const float *)y->data + i * per;
    if (ch->status[b0 + i]) continue;
    if (j->raster) {
      infer_georef g = ch->geo[b0 + i];
      double fx = (double)j->g.w / (double)y->dim[3], fy = (double)j->g.h / (double)y->dim[2];
      g.gt[1] *= fx, g.gt[4] *= fx, g.gt[2] *= fy, g.gt[5] *= fy;
      WHPC_CALL(infer_raster_write(j->tiles_dir, j->it->id[item], out, (int)y->dim[1], (int)y->dim[2],
                                   (int)y->dim[3], &g));
    }
    WHPC_CALL(infer_part_write_topk(&j->part, item, j->it->id[item], j->raster ? NULL : out,
                                    j->raster ? 0 : (int)y->dim[1], (int)p->topk));
  }
  return WHPC_OK;
}

static int process_chunk(infer_job *j, infer_chunk *ch) {
  const infer_params *p = j->p;
  size_t per = (size_t)j->g.c * j->g.h * j->g.w;
  j->st.t_read += ch->t_read;
  j->st.t_prep += ch->t_prep;
  long *idx = malloc((size_t)ch->count * sizeof(long));
  int *skipped = calloc((size_t)ch->count, sizeof(int));
  WHPC_CHECK(idx && skipped, WHPC_ERR_MEM, "out of memory");
  int rc = WHPC_OK;
  for (long i = 0; i < ch->count && !rc; ++i) {
    idx[i] = j->todo[ch->first + i];
    if (!ch->status[i]) continue;
    if (!p->skip_errors) { rc = whpc_err_raise(ch->status[i], __FILE__, __LINE__, __func__, "%s", ch->msg[i]); break; }
    skipped[i] = 1;
    for (char *c = ch->msg[i]; *c; ++c)
      if (*c == '"' || *c == '\n') *c = '\''; /* stays one CSV field */
    whpc_log_all(j->ctx, WHPC_LOG_WARN, "skipped (input.on_error = skip): %s", ch->msg[i]);
    fprintf(j->skipf.f, "%s,\"%s\"\n", j->it->id[idx[i]], ch->msg[i]);
    j->st.skipped++;
  }
  for (long b0 = 0; b0 < ch->count && !rc; b0 += p->batch) {
    long nb = ch->count - b0 < p->batch ? ch->count - b0 : p->batch;
    double t0 = whpc_wtime();
    memcpy(j->batch, ch->data + b0 * per, (size_t)nb * per * sizeof(float));
    if (nb < p->batch) memset(j->batch + nb * per, 0, (size_t)(p->batch - nb) * per * sizeof(float));
    for (long i = 0; i < nb; ++i) /* an unreadable slot is run as zeros and not written */
      if (ch->status[b0 + i]) memset(j->batch + i * per, 0, per * sizeof(float));
    infer_tensor x = {INFER_F32, 4, {p->batch, j->g.c, j->g.h, j->g.w}, j->batch}, y;
    whpc_timer_begin(j->ctx, "infer");
    int erc = infer_plan_run(j->plan, &x) || infer_plan_output(j->plan, 0, &y);
    whpc_timer_end(j->ctx, "infer");
    if (erc) {
      rc = WHPC_RAISE(WHPC_ERR_NUMERIC, "%s", infer_error());
      break;
    }
    double t1 = whpc_wtime();
    j->st.t_infer += t1 - t0;
    whpc_timer_begin(j->ctx, "write");
    rc = write_results(j, ch, b0, nb, &y);
    whpc_timer_end(j->ctx, "write");
    j->st.t_write += whpc_wtime() - t1;
  }
  if (!rc) {
    double t0 = whpc_wtime();
    whpc_timer_begin(j->ctx, "write");
    rc = infer_stream_sync(&j->part);
    if (!rc) rc = infer_stream_sync(&j->skipf);
    if (!rc && p->abort_after > 0 && whpc_rank(j->ctx) == whpc_size(j->ctx) - 1 &&
        j->st.items + ch->count >= p->abort_after) {
      fprintf(stderr, "test.abort_after: rank %d kills itself after %ld items (results written, chunk not journaled)\n",
              whpc_rank(j->ctx), j->st.items + ch->count);
      fflush(stderr);
      raise(SIGKILL);
    }
    if (!rc) rc = infer_journal_append(&j->journal, idx, skipped, ch->count);
    if (!rc && p->stop_after > 0 && whpc_rank(j->ctx) == whpc_size(j->ctx) - 1 && j->st.items < p->stop_after &&
        j->st.items + ch->count >= p->stop_after) {
      fprintf(stderr, "test.stop_after: rank %d sends itself SIGTERM after %ld items\n", whpc_rank(j->ctx),
              j->st.items + ch->count);
      fflush(stderr);
      kill(getpid(), SIGTERM); /* a real signal through the real handlers */
    }
    whpc_timer_end(j->ctx, "write");
    j->st.t_write += whpc_wtime() - t0;
    j->st.items += ch->count;
  }
  free(idx);
  free(skipped);
  return rc;
}

/* Collective, after the queue is closed: an error of any rank becomes every rank's error (one
 * line, all ranks end together); otherwise a signal-driven early leave becomes WHPC_STOPPED. */
static int end_together(infer_job *j, int rc, int nleft) {
  int grc;
  whpc_agree(whpc_comm(j->ctx), rc, &grc);
  if (grc) return grc;
  if (!nleft) return WHPC_OK;
  long mine = j->st.items, now = 0;
  WHPC_MPI(MPI_Allreduce(&mine, &now, 1, MPI_LONG, MPI_SUM, whpc_comm(j->ctx)));
  long n = j->it->n, done = n - j->ntodo + now;
  /* every rank now ends with exit 75; a further SIGTERM (mpiexec aborts the slower ranks once
   * the first one exits non-zero, slurmstepd repeats it) must not turn that into a kill */
  signal(SIGTERM, SIG_IGN);
  signal(SIGUSR1, SIG_IGN);
  return WHPC_RAISE(WHPC_STOPPED,
                    "stopped by a signal: %ld of %ld inputs done and journaled (%ld in this run), %ld left; "
                    "rerun the same command to resume",
                    done, n, now, n - done);
}

int infer_run_loop(infer_job *j) {
  const infer_params *p = j->p;
  whpc_workqueue_t wq = NULL;
  infer_leave lv;
  WHPC_CALL(whpc_workqueue_create(j->ctx, j->ntodo, p->dynamic ? WHPC_WQ_DYNAMIC : WHPC_WQ_STATIC, p->chunk, &wq));
  WHPC_CALL(infer_leave_open(whpc_comm(j->ctx), &lv));
  infer_prefetch *pf = NULL;
  int rc = infer_prefetch_create(p, &j->g, j->it, j->todo, p->chunk, p->prefetch, &pf), left = 0;
  whpc_progress prog;
  whpc_progress_start(j->ctx, &prog, j->ntodo, 0, "");
  double t0 = whpc_wtime();
  long first = 0, count = 0;
  if (!rc) rc = whpc_workqueue_next(wq, &first, &count);
  if (!rc) rc = infer_prefetch_submit(pf, first, count);
  while (!rc) {
    whpc_timer_begin(j->ctx, "wait_input"); /* time the engine waits for the reader thread */
    infer_chunk *ch = infer_prefetch_wait(pf);
    whpc_timer_end(j->ctx, "wait_input");
    if (!ch->count) break;
    /* a signal (or a peer that left) stops taking work; the chunk in hand is not journaled, so
     * a rerun does it */
    if (infer_leave_wanted(&lv)) {
      left = 1;
      break;
    }
    if (!(rc = whpc_workqueue_next(wq, &first, &count))) rc = infer_prefetch_submit(pf, first, count);
    if (!rc) rc = process_chunk(j, ch);
    /* rank 0's own count scaled by the ranks: an estimate under dynamic scheduling */
    long est = j->st.items * whpc_size(j->ctx);
    whpc_progress_update(j->ctx, &prog, est < j->ntodo ? est : j->ntodo, 0, 0);
  }
  /* an error stops this rank's work: tell the others so they stop at their next chunk */
  if (rc || left) {
    int arc = infer_leave_announce(&lv);
    if (!rc) rc = arc;
  }
  j->st.t_busy = whpc_wtime() - t0;
  infer_prefetch_destroy(&pf); /* joins the reader thread */
  int nleft = 0, wrc = whpc_workqueue_destroy(&wq), crc = infer_leave_close(&lv, left || rc, &nleft);
  if (!rc) rc = wrc ? wrc : crc;
  WHPC_CALL(end_together(j, rc, nleft));
  j->st.t_wall = whpc_wtime() - t0;
  whpc_progress_update(j->ctx, &prog, j->ntodo, 0, 1);
  return WHPC_OK;
}
