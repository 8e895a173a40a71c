/* rs_driver.c — block loop over the work queue, assembly, chips, report. */
#include "rs_driver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h> /* raise(SIGKILL) in the rs.resume crash test */
#include <unistd.h>
#include <errno.h>
#include <time.h>
#include <cpl_conv.h>
#include <fcntl.h>

#include "rs_assemble.h"
#include "rs_journal.h"
#include "rs_pipeline.h"
#include "rs_tiles.h"

/* Journal record of a block: [band statistics][histogram counts][zonal statistics]. */
static int rs_hist_len(const rs_job *job) { return job->has_hist ? job->out.nbands * job->hist_bins : 0; }
static long rs_zone_len(const rs_job *job) {
  return job->zones_band >= 0 ? (long)job->out.nbands * job->nzones * RS_STAT_FIELDS : 0;
}
static long rs_record_len(const rs_job *job) {
  return (long)job->out.nbands * RS_STAT_FIELDS + rs_hist_len(job) + rs_zone_len(job);
}

/* Add a block's statistics record to the run's partials and histogram. */
static void rs_record_apply(const rs_job *job, rs_result *res, long b, const double *rec, const long long *bh) {
  int nb = job->out.nbands;
  memcpy(res->parts + (size_t)b * nb * RS_STAT_FIELDS, rec, sizeof(double) * (size_t)nb * RS_STAT_FIELDS);
  if (job->has_hist)
    for (int i = 0; i < nb * job->hist_bins; i++) res->hist[i] += bh[i];
  long nzl = rs_zone_len(job);
  if (nzl)
    memcpy(res->zparts + (size_t)b * nzl, rec + (size_t)nb * RS_STAT_FIELDS + rs_hist_len(job),
           sizeof(double) * (size_t)nzl);
}

/* Where each rank writes: the tile file, opened once per rank, and the tiles' byte offsets. */
typedef struct {
  int fd;
  long long *off; /* [block][band] */
} rs_sink;

/* One block: chain, its tiles written in place, statistics partial of the stored values, journal
 * line queued (synced with the journal every RS_JOURNAL_SYNC_S; pwrite has put the pixels in the
 * page cache by then, so a synced line never names a block whose pixels a killed process lost). */
static int rs_do_block(whpc_ctx_t ctx, rs_job *job, rs_workspace *ws, rs_sink *sink, rs_journal *jr,
                       rs_result *res, long b) {
  int me = RS_OWNER(res->attempt, whpc_rank(ctx)), nb = job->out.nbands;
  int x0, y0, w, h;
  rs_job_block(job, b, &x0, &y0, &w, &h);
  WHPC_CALL(rs_block_run(ctx, job, &job->in, ws, b));
  whpc_timer_begin(ctx, "write");
  int rc = WHPC_OK;
  if (sink->fd < 0) {
    sink->fd = open(job->tile_path, O_WRONLY);
    if (sink->fd < 0)
      rc = WHPC_RAISE(WHPC_ERR_IO, "cannot open '%s' for writing: %s", job->tile_path, strerror(errno));
    if (!rc) rc = rs_journal_open(job, me, (int)rs_record_len(job), jr);
  }
  for (int k = 0; k < nb && !rc && ws->typed; k++) /* a fast path's tiles, already in the output type */
    rc = rs_tilefile_write_typed(sink->fd, job->tile_path, &job->out, sink->off[(size_t)b * nb + k], w, h,
                                 ws->tout[k], ws->tile);
  for (int k = 0; k < nb && !rc && !ws->typed; k++)
    rc = rs_tilefile_write(sink->fd, job->tile_path, &job->out, sink->off[(size_t)b * nb + k], w, h, ws->result[k],
                           ws->scratch, ws->tile, job->stats);
  whpc_timer_end(ctx, "write");
  WHPC_CALL(rc);
  /* journal record: statistics partials, then this block's histogram counts (exact in double) */
  int nh = job->has_hist ? nb * job->hist_bins : 0;
  double *rec = res->jrec;
  long long *bh = res->hist_block;
  memset(rec, 0, sizeof(double) * (size_t)rs_record_len(job));
  if (nh) memset(bh, 0, sizeof(long long) * (size_t)nh);
  if (job->stats) {
    whpc_timer_begin(ctx, "op.stats");
    for (int k = 0; k < nb; k++)
      rs_stats_block(ws->result[k], (long)w * h, rec + (size_t)k * RS_STAT_FIELDS,
                     nh ? bh + (size_t)k * job->hist_bins : NULL, job->hist_bins, job->hist_min, job->hist_max);
    for (int k = 0; k < nb && job->zones_band >= 0; k++)
      rs_stats_zonal_block(ws->result[k], ws->zones, (long)w * h, job->nzones,
                           rec + (size_t)nb * RS_STAT_FIELDS + nh + (size_t)k * job->nzones * RS_STAT_FIELDS);
    whpc_timer_end(ctx, "op.stats");
  }
  rs_record_apply(job, res, b, rec, bh);
  for (int i = 0; i < nh; i++) rec[nb * RS_STAT_FIELDS + i] = (double)bh[i];
  WHPC_CALL(rs_journal_add(jr, b, me, rec));
  res->owner[b] = me;
  res->pixels_local += (double)w * h;
  res->blocks_local++;
  if (whpc_wtime() - jr->t_sync >= RS_JOURNAL_SYNC_S) WHPC_CALL(rs_journal_sync(jr));
  return WHPC_OK;
}

/* GDAL's block cache (default: 5 % of RAM per process) only helps halo reads, which come back
 * to the tiles of the previous block row: a row of input tiles of the bands read (plus three) is
 * enough. Filling a cache of GBs cost more system time (page faults) than the whole NDVI here
 * (16k^2, 1 rank: 3.35 s sys vs 0.77 s with 64 MB). GDAL_CACHEMAX set by the user wins. */
static void rs_gdal_cache_size(const rs_job *job) {
  if (getenv("GDAL_CACHEMAX") || CPLGetConfigOption("GDAL_CACHEMAX", NULL)) return;
  const rs_input *in = &job->in;
  double row = 0;
  int tw = in->tile_w > 0 ? in->tile_w : 256, th = in->tile_h > 0 ? in->tile_h : 256;
  for (int k = 0; k < in->nbands; k++)
    if (job->need[k]) row += (double)(in->width / tw + 4) * tw * th * GDALGetDataTypeSizeBytes(in->type[k]);
  double bytes = job->halo > 0 || job->warp.enabled ? row : 0;
  bytes = bytes < 64e6 ? 64e6 : bytes > 1e9 ? 1e9 : bytes;
  GDALSetCacheMax64((GIntBig)bytes);
}

/* Collective: a signal seen by any rank between phases stops all with WHPC_STOPPED (exit 75). The
 * blocks are all journaled by then, so a rerun only repeats the phases after them. */
int rs_stop_check(whpc_ctx_t ctx, const rs_job *job, const char *phase) {
  int stop = 0;
  WHPC_CALL(whpc_stop_requested(ctx, &stop));
  if (!stop) return WHPC_OK;
  if (!job->resume) /* nothing would be resumed: say what a rerun does */
    return WHPC_RAISE(WHPC_STOPPED, "stopped by a signal before %s; all %ld blocks were done, but rs.resume=false: "
                      "a rerun starts afresh", phase, job->nblocks);
  return WHPC_RAISE(WHPC_STOPPED, "stopped by a signal before %s: all %ld blocks are done and journaled in '%s'; "
                    "rerun the same command to finish", phase, job->nblocks, job->parts_dir);
}

int rs_run_blocks(whpc_ctx_t ctx, rs_job *job, rs_result *res) {
  int nb = job->out.nbands;
  memset(res, 0, sizeof *res);
  res->t_start = whpc_wtime();
  rs_gdal_cache_size(job);
  WHPC_MALLOC(res->owner, job->nblocks);
  for (long b = 0; b < job->nblocks; b++) res->owner[b] = -1;
  WHPC_MALLOC(res->parts, (size_t)job->nblocks * nb * RS_STAT_FIELDS);
  WHPC_MALLOC(res->hist, (size_t)nb * job->hist_bins);
  WHPC_MALLOC(res->stats, nb);
  if (whpc_mkdir_p(job->parts_dir) != 0)
    return WHPC_RAISE(WHPC_ERR_IO, "cannot create the part directory '%s'", job->parts_dir);

  /* fresh start: clear what an earlier run left; resume: reuse the journaled blocks. Every rank
   * reads the same journals; the agreement below keeps anyone from writing before all have read. */
  unsigned char *done;
  WHPC_MALLOC(done, job->nblocks);
  int nh = rs_hist_len(job), nvals = (int)rs_record_len(job), maxa = -1, global;
  if (job->zones_band >= 0) WHPC_MALLOC(res->zparts, (size_t)job->nblocks * rs_zone_len(job));
  WHPC_MALLOC(res->jrec, nvals);
  WHPC_MALLOC(res->hist_block, nh);
  if (job->resuming) {
    /* every rank learns the owners; rank 0 alone adds the reused statistics (sums stay exact) */
    double *vals = NULL;
    if (whpc_rank(ctx) == 0) WHPC_MALLOC(vals, (size_t)job->nblocks * nvals);
    res->blocks_reused = rs_journal_load(job, nvals, res->owner, vals, done, &maxa);
    res->attempt = maxa + 1;
    for (long b = 0; vals && b < job->nblocks; b++) {
      if (!done[b]) continue;
      for (int i = 0; i < nh; i++) res->hist_block[i] = (long long)vals[(size_t)b * nvals + nb * RS_STAT_FIELDS + i];
      rs_record_apply(job, res, b, vals + (size_t)b * nvals, res->hist_block);
    }
    free(vals);
  }
  /* fresh start: rank 0 creates the tile file; every rank then learns where each tile goes */
  int rc0 = WHPC_OK;
  if (whpc_rank(ctx) == 0 && !job->resuming) {
    rs_parts_clear(job);
    rc0 = rs_tilefile_create(job->tile_path, &job->out);
  }
  rs_sink sink = {-1, NULL};
  WHPC_MALLOC(sink.off, (size_t)job->nblocks * nb);
  if (whpc_rank(ctx) == 0 && !rc0) rc0 = rs_tilefile_offsets(job->tile_path, &job->out, job->nbx, job->nby, sink.off);
  whpc_agree(whpc_comm(ctx), rc0, &global);
  if (global) {
    free(sink.off);
    free(done);
    return global;
  }
  WHPC_MPI(MPI_Bcast(sink.off, (int)(job->nblocks * nb), MPI_LONG_LONG, 0, whpc_comm(ctx)));
  long ntodo = 0, *todo;
  WHPC_MALLOC(todo, job->nblocks);
  for (long b = 0; b < job->nblocks; b++)
    if (!done[b]) todo[ntodo++] = b;
  free(done);
  if (job->resuming)
    whpc_log(ctx, WHPC_LOG_INFO, "resume: %ld of %ld blocks done by earlier attempts, %ld left (attempt %d)",
             res->blocks_reused, job->nblocks, ntodo, res->attempt);

  rs_workspace ws;
  rs_journal jr = {0};
  whpc_workqueue_t wq = NULL;
  int rc = rs_workspace_create(job, &ws);
  int rc_wq = whpc_workqueue_create(ctx, ntodo, WHPC_WQ_DYNAMIC, job->chunk, &wq);
  if (rc_wq) free(todo);
  WHPC_CALL(rc_wq);
  whpc_progress prog;
  whpc_progress_start(ctx, &prog, ntodo, 0, "");
  double t0 = whpc_wtime();
  /* a signal (libwhpc's flag, read by this rank alone: ranks take different numbers of blocks
   * from the dynamic queue, so no collective fits here): this rank takes no further block; the
   * others stop at their next one, and the collective whpc_stop_requested below agrees */
  while (rc == WHPC_OK && !whpc_stop_pending()) {
    long first, count;
    rc = whpc_workqueue_next(wq, &first, &count);
    if (rc || count == 0) break;
    for (long i = first; i < first + count && rc == WHPC_OK && !whpc_stop_pending(); i++) {
      rc = rs_do_block(ctx, job, &ws, &sink, &jr, res, todo[i]);
      if (!rc && job->crash_after > 0 && res->blocks_local == job->crash_after) {
        /* tests of rs.resume: an interruption without any clean-up, right after a journal sync
         * (lines not synced yet are lost with the process: their blocks are redone) */
        if (rs_journal_sync(&jr) == WHPC_OK) raise(SIGKILL);
      }
    }
    whpc_progress_update(ctx, &prog, first + count, 0, 0);
  }
  res->busy_local = whpc_wtime() - t0;
  free(todo);
  /* a rank that failed stops taking blocks; the others drain the queue, then all agree */
  int rc2 = whpc_workqueue_destroy(&wq);
  int rc3 = sink.fd >= 0 && close(sink.fd) != 0
                ? WHPC_RAISE(WHPC_ERR_IO, "writing '%s' failed: %s", job->tile_path, strerror(errno))
                : WHPC_OK;
  free(sink.off);
  int rc4 = rs_journal_close(&jr, rc == WHPC_OK && rc3 == WHPC_OK); /* lines only for blocks written */
  rs_workspace_free(&ws);
  int local = rc ? rc : rc2 ? rc2 : rc3 ? rc3 : rc4;
  whpc_agree(whpc_comm(ctx), local, &global);
  res->t_blocks_done = whpc_wtime();
  WHPC_CALL(global);
  int stop = 0;
  WHPC_CALL(whpc_stop_requested(ctx, &stop));
  if (!stop) return WHPC_OK;
  double ndone = (double)res->blocks_local;
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, &ndone, 1, MPI_DOUBLE, MPI_SUM, whpc_comm(ctx)));
  ndone += (double)res->blocks_reused;
  if (!job->resume)
    return WHPC_RAISE(WHPC_STOPPED, "stopped by a signal: %.0f of %ld blocks done; rs.resume=false, so a rerun "
                      "starts afresh", ndone, job->nblocks);
  return WHPC_RAISE(WHPC_STOPPED, "stopped by a signal: %.0f of %ld blocks done and journaled in '%s'; rerun the "
                    "same command to resume", ndone, job->nblocks, job->parts_dir);
}

/* Collective: the other ranks wait for rank 0 (the product copy, tens of seconds for a COG)
 * sleeping, not in a collective: Open MPI polls there, and a rank waiting in MPI_Barrier burnt as
 * much CPU as rank 0's COG copy (16k^2: 30 s user + sys of sched_yield). */
static int rs_wait_for_root(MPI_Comm comm) {
  MPI_Request rq;
  int done = 0;
  WHPC_MPI(MPI_Ibarrier(comm, &rq));
  while (!done) {
    WHPC_MPI(MPI_Test(&rq, &done, MPI_STATUS_IGNORE));
    if (!done) {
      struct timespec ts = {0, 2000000}; /* 2 ms: nothing next to a copy of seconds */
      nanosleep(&ts, NULL);
    }
  }
  return WHPC_OK;
}

int rs_assemble_product(whpc_ctx_t ctx, rs_job *job, rs_result *res) {
  MPI_Comm comm = whpc_comm(ctx);
  int nb = job->out.nbands;
  /* each block has exactly one owner, the others hold -1 / zeros: MAX and SUM are exact */
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, res->owner, (int)job->nblocks, MPI_INT, MPI_MAX, comm));
  if (job->stats) {
    WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, res->parts, (int)(job->nblocks * nb * RS_STAT_FIELDS), MPI_DOUBLE, MPI_SUM,
                           comm));
    if (job->has_hist)
      WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, res->hist, nb * job->hist_bins, MPI_LONG_LONG, MPI_SUM, comm));
    for (int k = 0; k < nb; k++)
      rs_stats_combine(res->parts + (size_t)k * RS_STAT_FIELDS, job->nblocks, (long)nb * RS_STAT_FIELDS,
                       &res->stats[k]);
    if (job->zones_band >= 0)
      WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, res->zparts, (int)(job->nblocks * rs_zone_len(job)), MPI_DOUBLE, MPI_SUM,
                             comm));
  }
  int rc = WHPC_OK, global;
  for (long b = 0; b < job->nblocks && !rc; b++)
    if (res->owner[b] < 0) rc = WHPC_RAISE(WHPC_ERR_MPI, "block %ld was processed by no rank", b);
  if (!rc && whpc_rank(ctx) == 0) {
    whpc_timer_begin(ctx, "assemble");
    rc = rs_product_write(job);
    whpc_timer_end(ctx, "assemble");
    if (!rc && job->quicklook) {
      whpc_timer_begin(ctx, "quicklook");
      double lo = job->stats ? res->stats[0].min : NAN, hi = job->stats ? res->stats[0].max : NAN;
      rc = rs_quicklook_write(job, lo, hi, res->png, sizeof res->png);
      whpc_timer_end(ctx, "quicklook");
    }
  }
  WHPC_CALL(rs_wait_for_root(comm));
  whpc_agree(comm, rc, &global);
  res->t_product_done = whpc_wtime();
  return global;
}

int rs_make_chips(whpc_ctx_t ctx, rs_job *job, rs_result *res) {
  int ncols;
  long n = rs_chips_count(job, &ncols);
  res->nchips = n;
  if (n == 0) return WHPC_OK;
  char dir[4200];
  whpc_output_path(ctx, job->chip_dir, dir, sizeof dir);
  int rc = whpc_mkdir_p(dir) == 0 ? WHPC_OK : WHPC_RAISE(WHPC_ERR_IO, "cannot create chips.dir '%s'", dir);
  GDALDatasetH product = NULL;
  if (!rc) {
    CPLErrorReset();
    product = GDALOpen(job->out_path, GA_ReadOnly);
    if (!product) rc = WHPC_RAISE(WHPC_ERR_IO, "cannot open '%s' for chips: %s", job->out_path, rs_gdal_msg());
  }
  whpc_timer_begin(ctx, "chips");
  whpc_workqueue_t wq = NULL;
  WHPC_CALL(whpc_workqueue_create(ctx, n, WHPC_WQ_DYNAMIC, 4, &wq));
  while (rc == WHPC_OK) {
    long first, count;
    rc = whpc_workqueue_next(wq, &first, &count);
    if (rc || count == 0) break;
    for (long id = first; id < first + count && rc == WHPC_OK; id++) rc = rs_chip_write(job, product, dir, id);
  }
  int rc2 = whpc_workqueue_destroy(&wq);
  if (product) GDALClose(product);
  whpc_timer_end(ctx, "chips");
  int global;
  whpc_agree(whpc_comm(ctx), rc ? rc : rc2, &global);
  WHPC_CALL(global);
  whpc_output_path(ctx, "chips.csv", res->csv, sizeof res->csv);
  rc = whpc_rank(ctx) == 0 ? rs_chips_index_write(job, dir, res->csv) : WHPC_OK;
  whpc_agree(whpc_comm(ctx), rc, &global);
  return global;
}

int rs_make_tiles(whpc_ctx_t ctx, rs_job *job, rs_result *res) {
  if (job->tiles_zmin < 0) return WHPC_OK;
  char dir[4200], vrt[4200];
  whpc_output_path(ctx, job->tiles_dir, dir, sizeof dir);
  whpc_output_path(ctx, ".tiles-source.vrt", vrt, sizeof vrt);
  int rc = WHPC_OK, global;
  if (whpc_rank(ctx) == 0) {
    double lo = job->stats ? res->stats[0].min : NAN, hi = job->stats ? res->stats[0].max : NAN;
    rc = rs_tiles_source_write(job, lo, hi, vrt);
    if (!rc && whpc_mkdir_p(dir) != 0) rc = WHPC_RAISE(WHPC_ERR_IO, "cannot create tiles.dir '%s'", dir);
  }
  whpc_agree(whpc_comm(ctx), rc, &global);
  WHPC_CALL(global);
  whpc_timer_begin(ctx, "tiles");
  rs_tileset ts;
  memset(&ts, 0, sizeof ts);
  CPLErrorReset();
  GDALDatasetH src = GDALOpen(vrt, GA_ReadOnly);
  rc = src ? rs_tiles_setup(src, job->tiles_zmin, job->tiles_zmax, job->tiles_xyz, &ts)
           : WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot open '%s': %s", vrt, rs_gdal_msg());
  /* every rank computed the same tile set from the same file: agree before the queue */
  whpc_agree(whpc_comm(ctx), rc, &global);
  if (global) {
    rs_tiles_free(&ts);
    if (src) GDALClose(src);
    whpc_timer_end(ctx, "tiles");
    return global;
  }
  res->ntiles = ts.ntiles;
  ts.webp = job->tiles_webp;
  /* highest zoom first; a zoom's queue is drained on every rank (destroy is collective) before
   * the next lower zoom reads its tiles */
  for (int z = ts.zmax; z >= ts.zmin && !global; z--) {
    long first0 = ts.first[z], n = ts.first[z + 1] - ts.first[z];
    whpc_workqueue_t wq = NULL;
    WHPC_CALL(whpc_workqueue_create(ctx, n, WHPC_WQ_DYNAMIC, 8, &wq));
    while (rc == WHPC_OK) {
      long first, count;
      rc = whpc_workqueue_next(wq, &first, &count);
      if (rc || count == 0) break;
      for (long id = first0 + first; id < first0 + first + count && rc == WHPC_OK; id++)
        rc = z == ts.zmax ? rs_tiles_write(&ts, src, dir, id) : rs_tiles_overview_write(&ts, dir, id);
    }
    int rc2 = whpc_workqueue_destroy(&wq);
    whpc_agree(whpc_comm(ctx), rc ? rc : rc2, &global);
  }
  rs_tiles_free(&ts);
  GDALClose(src);
  whpc_timer_end(ctx, "tiles");
  if (!global && whpc_rank(ctx) == 0) unlink(vrt);
  return global;
}

static int rs_remove_parts(whpc_ctx_t ctx, rs_job *job) {
  int global;
  whpc_agree(whpc_comm(ctx), WHPC_OK, &global); /* every part closed before it goes */
  if (whpc_rank(ctx) == 0) {
    rs_parts_clear(job);
    rmdir(job->parts_dir);
  }
  return WHPC_OK;
}

static void rs_report_fill(whpc_ctx_t ctx, rs_job *job, rs_result *res, const double *rates, const double *blocks) {
  double mpix = (double)job->out.width * job->out.height / 1e6;
  whpc_report_set_case(ctx, job->ops_text);
  int dims[1] = {whpc_size(ctx)};
  whpc_report_set_decomposition(ctx, 1, dims, "dynamic work queue of blocks");
  whpc_report_set_size(ctx, "width", job->out.width);
  whpc_report_set_size(ctx, "height", job->out.height);
  whpc_report_set_size(ctx, "megapixels", mpix);
  whpc_report_set_size(ctx, "input_bands", job->in.nbands);
  whpc_report_set_size(ctx, "output_bands", job->out.nbands);
  whpc_report_set_size(ctx, "blocks", (double)job->nblocks);
  whpc_report_set_size(ctx, "block_size", job->block);
  whpc_report_set_size(ctx, "halo", job->halo);
  double wall = res->t_product_done - res->t_start;
  whpc_report_set_fom(ctx, "megapixels_per_second", mpix / wall, "Mpix/s");
  whpc_report_set_number(ctx, "throughput.overall_mpix_per_s", mpix / wall);
  whpc_report_set_number(ctx, "throughput.blocks_mpix_per_s", mpix / (res->t_blocks_done - res->t_start));
  whpc_report_set_number(ctx, "throughput.wall_s", wall);
  char key[128];
  for (int r = 0; r < whpc_size(ctx); r++) {
    snprintf(key, sizeof key, "throughput.per_rank.%d.mpix_per_s", r);
    whpc_report_set_number(ctx, key, rates[r]);
    snprintf(key, sizeof key, "throughput.per_rank.%d.blocks", r);
    whpc_report_set_number(ctx, key, blocks[r]);
  }
  if (job->warp.enabled) {
    /* the kernel scale of the whole grid: `gdalwarp -wo XSCALE=.. -wo YSCALE=..` reproduces it */
    whpc_report_set_number(ctx, "warp.xscale", job->warp.xscale);
    whpc_report_set_number(ctx, "warp.yscale", job->warp.yscale);
  }
  whpc_report_set_number(ctx, "resume.attempt", res->attempt);
  whpc_report_set_number(ctx, "resume.blocks_reused", (double)res->blocks_reused);
  whpc_report_set_string(ctx, "output.path", job->out_path);
  whpc_report_set_string(ctx, "output.format", job->cog ? "COG" : "GTiff");
  whpc_report_set_string(ctx, "output.type", GDALGetDataTypeName(job->out.type));
  whpc_report_set_number(ctx, "output.nodata", job->out.nodata);
  whpc_report_add_output(ctx, job->out_path);
  if (*res->png) whpc_report_add_output(ctx, res->png);
  if (res->ntiles) {
    char dir[4200];
    whpc_report_set_number(ctx, "tiles.count", (double)res->ntiles);
    whpc_report_set_number(ctx, "tiles.zmin", job->tiles_zmin);
    whpc_report_set_number(ctx, "tiles.zmax", job->tiles_zmax);
    whpc_report_add_output(ctx, whpc_output_path(ctx, job->tiles_dir, dir, sizeof dir));
  }
  if (res->nchips) {
    whpc_report_set_number(ctx, "chips.count", (double)res->nchips);
    whpc_report_add_output(ctx, res->csv);
  }
  for (int k = 0; job->stats && k < job->out.nbands; k++) {
    const rs_band_stats *s = &res->stats[k];
    static const char *f[] = {"valid_pixels", "min", "max", "mean", "std", "sum"};
    double v[] = {s->count, s->min, s->max, s->mean, s->std, s->sum};
    for (int i = 0; i < 6; i++) {
      snprintf(key, sizeof key, "stats.band%d.%s", k + 1, f[i]);
      whpc_report_set_number(ctx, key, v[i]);
    }
  }
}

/* Zonal statistics as CSV (rank 0): band,zone,count,min,max,mean,std,sum; zones without pixels
 * are left out. Partials combined in block order, like the band statistics. */
static int rs_zones_write(whpc_ctx_t ctx, rs_job *job, rs_result *res) {
  char path[4200];
  whpc_output_path(ctx, "zones.csv", path, sizeof path);
  whpc_file wf;
  WHPC_CALL(whpc_file_open(&wf, path));
  fprintf(wf.fp, "band,zone,count,min,max,mean,std,sum\n");
  long nzl = rs_zone_len(job);
  for (int k = 0; k < job->out.nbands; k++)
    for (int z = 0; z < job->nzones; z++) {
      rs_band_stats st;
      rs_stats_combine(res->zparts + ((size_t)k * job->nzones + z) * RS_STAT_FIELDS, job->nblocks, nzl, &st);
      if (st.count > 0)
        fprintf(wf.fp, "%d,%d,%.0f,%.17g,%.17g,%.17g,%.17g,%.17g\n", k + 1, z, st.count, st.min, st.max, st.mean,
                st.std, st.sum);
    }
  WHPC_CALL(whpc_file_commit(&wf));
  whpc_report_add_output(ctx, path);
  return WHPC_OK;
}

/* Histogram as CSV (rank 0): band,bin,lo,hi,count. */
static int rs_hist_write(whpc_ctx_t ctx, rs_job *job, rs_result *res) {
  char path[4200];
  whpc_output_path(ctx, "histogram.csv", path, sizeof path);
  whpc_file wf;
  WHPC_CALL(whpc_file_open(&wf, path));
  fprintf(wf.fp, "band,bin,lo,hi,count\n");
  double wbin = (job->hist_max - job->hist_min) / job->hist_bins;
  for (int k = 0; k < job->out.nbands; k++)
    for (int i = 0; i < job->hist_bins; i++)
      fprintf(wf.fp, "%d,%d,%.17g,%.17g,%lld\n", k + 1, i, job->hist_min + i * wbin, job->hist_min + (i + 1) * wbin,
              res->hist[(size_t)k * job->hist_bins + i]);
  WHPC_CALL(whpc_file_commit(&wf));
  whpc_report_add_output(ctx, path);
  return WHPC_OK;
}

int rs_finish(whpc_ctx_t ctx, rs_job *job, rs_result *res) {
  MPI_Comm comm = whpc_comm(ctx);
  if (!job->keep_parts) WHPC_CALL(rs_remove_parts(ctx, job));
  int n = whpc_size(ctx), rc = WHPC_OK, global;
  double mine[2] = {res->busy_local > 0 ? res->pixels_local / 1e6 / res->busy_local : 0, (double)res->blocks_local};
  double *all = malloc((size_t)2 * n * sizeof *all), *rates = malloc((size_t)n * sizeof *rates),
         *blocks = malloc((size_t)n * sizeof *blocks);
  WHPC_CHECK(all && rates && blocks, WHPC_ERR_MEM, "out of memory");
  WHPC_MPI(MPI_Gather(mine, 2, MPI_DOUBLE, all, 2, MPI_DOUBLE, 0, comm));
  for (int r = 0; r < n; r++) rates[r] = all[2 * r], blocks[r] = all[2 * r + 1];
  if (whpc_rank(ctx) == 0) {
    rs_report_fill(ctx, job, res, rates, blocks);
    if (job->has_hist) rc = rs_hist_write(ctx, job, res);
    if (!rc && job->zones_band >= 0) rc = rs_zones_write(ctx, job, res);
  }
  free(all);
  free(rates);
  free(blocks);
  whpc_agree(comm, rc, &global);
  WHPC_CALL(global);
  char path[4200];
  whpc_output_path(ctx, "report.json", path, sizeof path);
  WHPC_CALL(whpc_report_write(ctx, path));
  if (whpc_rank(ctx) == 0) {
    whpc_log(ctx, WHPC_LOG_INFO, "product: %s (%d x %d, %d band%s, %s)", job->out_path, job->out.width,
             job->out.height, job->out.nbands, job->out.nbands == 1 ? "" : "s", GDALGetDataTypeName(job->out.type));
    for (int k = 0; job->stats && k < job->out.nbands; k++)
      whpc_log(ctx, WHPC_LOG_INFO, "band %d: valid %.0f  min %.9g  max %.9g  mean %.12g  std %.12g", k + 1,
               res->stats[k].count, res->stats[k].min, res->stats[k].max, res->stats[k].mean, res->stats[k].std);
  }
  return WHPC_OK;
}

void rs_result_free(rs_result *res) {
  free(res->owner);
  free(res->parts);
  free(res->hist);
  free(res->hist_block);
  free(res->zparts);
  free(res->jrec);
  free(res->stats);
  memset(res, 0, sizeof *res);
}
