/* infer_driver.h — the MPI batch-inference driver of whpc-ai-infer (internal). */
#ifndef INFER_DRIVER_H
#define INFER_DRIVER_H
#include <stdint.h>
#include <stdio.h>
#include <whpc.h>
#include "infer_engine.h"

typedef struct {
  const char *model, *input, *format, *on_error, *backend, *sched, *fit, *out_kind;
  long *bands; int nbands;       /* 1-based band numbers, nbands = 0: all */
  double scale;
  double *mean, *std; int nmean, nstd;
  long threads, batch, chunk, topk, abort_after, stop_after, readers;
  int prefetch, skip_errors, dynamic, winograd;
  char model_buf[4200]; /* model.path made relative to the config file */
} infer_params;

/* The run's inputs, sorted by path (identical on every rank). */
typedef struct {
  long n;
  char **path;
  char **id;    /* basename: the id written to the outputs */
} infer_items;

/* Geometry the model wants: C x H x W. */
typedef struct { int c, h, w; } infer_geom;

/* Georeferencing of a decoded input (GDAL), carried to raster outputs. */
typedef struct {
  int has_gt;
  double gt[6];
  char *wkt;
} infer_georef;

int infer_keys_add(whpc_ctx_t ctx);
int infer_params_read(whpc_ctx_t ctx, infer_params *p);
void infer_params_free(infer_params *p);

/* Collective: rank 0 lists input.path (directory or list file) and broadcasts. */
int infer_items_list(whpc_ctx_t ctx, const char *input, infer_items *it);
void infer_items_free(infer_items *it);

/* Decode + preprocess one input into out (C*H*W floats). Not collective, thread-safe.
 * Returns WHPC_ERR_INPUT with a one-line message naming the file in msg (INFER_MSG bytes). */
#define INFER_MSG 512
int infer_input_load(const infer_params *p, const infer_geom *g, const char *path, float *out,
                     infer_georef *geo, double *t_read, double *t_prep, char *msg);
void infer_georef_free(infer_georef *g);

/* An append-only per-rank file (result part, skipped list, journal) and its path for messages.
 * Opening cuts a torn last line left by a crash or a full disk. */
typedef struct {
  FILE *f;
  char path[4300];
} infer_stream;
int infer_stream_open(infer_stream *s, const char *dir, const char *name);
int infer_stream_check(infer_stream *s); /* a failed buffered write: error naming the path */
int infer_stream_sync(infer_stream *s);  /* fflush + fsync */
void infer_stream_close(infer_stream *s);

/* Resume journal: each rank appends "D index id" / "S index reason" lines after the results
 * they cover are on disk. */
int infer_journal_scan(whpc_ctx_t ctx, const char *dir, const infer_items *it, unsigned char *state);
int infer_journal_open(const char *dir, int rank, infer_stream *s);
int infer_journal_append(infer_stream *s, const long *idx, const int *skipped, long count);

/* Outputs. */
int infer_part_open(const char *dir, int rank, infer_stream *s);
int infer_part_write_topk(infer_stream *s, long index, const char *id, const float *scores, int k, int topk);
int infer_raster_write(const char *dir, const char *id, const float *logits, int k, int h, int w,
                       const infer_georef *geo);
/* Rank 0: merge parts into predictions.csv (every done item exactly once, in input order). */
int infer_merge_csv(whpc_ctx_t ctx, const char *outdir, const infer_items *it, const unsigned char *state,
                    int topk, long *rows);
int infer_write_skipped(whpc_ctx_t ctx, const char *outdir, const infer_items *it);
/* mosaic.vrt over the *ntiles done tiles; tiles GDAL cannot mosaic (no georeferencing) are no
 * error: why says so. A failed write is an I/O error naming the path. */
int infer_build_vrt(const char *outdir, const infer_items *it, const unsigned char *state, long *ntiles, char *why,
                    size_t whylen);

/* Reader thread: decodes chunks ahead of the engine. */
typedef struct infer_prefetch_s infer_prefetch;
typedef struct {
  long first, count;      /* positions in the todo list */
  float *data;            /* count * C*H*W */
  int *status;            /* 0 ok, else error code (message in msg) */
  char (*msg)[INFER_MSG];
  infer_georef *geo;
  double t_read, t_prep;
} infer_chunk;
int infer_prefetch_create(const infer_params *p, const infer_geom *g, const infer_items *it, const long *todo,
                          long chunk, int threaded, infer_prefetch **out);
/* Start decoding [first, first+count) of todo (count may be 0 = end). */
int infer_prefetch_submit(infer_prefetch *pf, long first, long count);
/* Wait for the submitted chunk; the chunk stays valid until the next submit after next wait. */
infer_chunk *infer_prefetch_wait(infer_prefetch *pf);
void infer_prefetch_destroy(infer_prefetch **pf);
#endif
