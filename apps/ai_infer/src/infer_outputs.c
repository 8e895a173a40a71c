/* infer_outputs.c — per-rank result parts (CSV lines, fsync'ed per chunk), class-map GeoTIFFs
 * per tile (written to a temporary name, then renamed), and the final merge on rank 0:
 * predictions.csv with every completed input exactly once in input order, skipped.csv, and a
 * VRT mosaic of the tiles. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cpl_error.h>
#include <gdal.h>
#include <gdal_utils.h>
#include "infer_driver.h"

static void put_csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) { fputs(s, f); return; }
  fputc('"', f);
  for (; *s; ++s) {
    if (*s == '"') fputc('"', f);
    fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
  }
  fputc('"', f);
}

/* Cut a torn last line (a crash or a full disk mid-write) so that appends start a new line. */
static int cut_torn_tail(infer_stream *s) {
  int fd = fileno(s->f);
  off_t end = lseek(fd, 0, SEEK_END), keep = 0;
  WHPC_CHECK(end >= 0, WHPC_ERR_IO, "cannot read '%s': %s", s->path, strerror(errno));
  char buf[4096];
  for (off_t hi = end; hi > 0 && !keep;) {
    off_t lo = hi > (off_t)sizeof buf ? hi - (off_t)sizeof buf : 0;
    ssize_t got = pread(fd, buf, (size_t)(hi - lo), lo);
    WHPC_CHECK(got == hi - lo, WHPC_ERR_IO, "cannot read '%s': %s", s->path, got < 0 ? strerror(errno) : "short read");
    for (ssize_t i = got - 1; i >= 0 && !keep; --i)
      if (buf[i] == '\n') keep = lo + i + 1;
    hi = lo;
  }
  if (keep < end)
    WHPC_CHECK(ftruncate(fd, keep) == 0, WHPC_ERR_IO, "cannot write '%s': %s", s->path, strerror(errno));
  return WHPC_OK;
}

int infer_stream_open(infer_stream *s, const char *dir, const char *name) {
  WHPC_CALL(whpc_mkdir_p(dir));
  snprintf(s->path, sizeof s->path, "%s/%s", dir, name);
  s->f = fopen(s->path, "a+");
  WHPC_CHECK(s->f, WHPC_ERR_IO, "cannot open '%s': %s", s->path, strerror(errno));
  int rc = cut_torn_tail(s);
  if (rc) fclose(s->f), s->f = NULL;
  return rc;
}

int infer_stream_check(infer_stream *s) {
  WHPC_CHECK(!ferror(s->f), WHPC_ERR_IO, "cannot write '%s': %s", s->path, strerror(errno));
  return WHPC_OK;
}

int infer_stream_sync(infer_stream *s) {
  WHPC_CHECK(!ferror(s->f) && fflush(s->f) == 0 && fsync(fileno(s->f)) == 0, WHPC_ERR_IO, "cannot write '%s': %s",
             s->path, strerror(errno));
  return WHPC_OK;
}

void infer_stream_close(infer_stream *s) {
  if (s->f) fclose(s->f); /* everything that counts was fsync'ed per chunk */
  s->f = NULL;
}

int infer_part_open(const char *dir, int rank, infer_stream *s) {
  char name[64];
  snprintf(name, sizeof name, "rank-%d.csv", rank);
  return infer_stream_open(s, dir, name);
}

/* "index,id,c1,s1,...": top-k by score, ties to the lower class */
int infer_part_write_topk(infer_stream *s, long index, const char *id, const float *scores, int k, int topk) {
  FILE *f = s->f;
  if (topk > k) topk = k;
  unsigned char *used = calloc((size_t)k + 1, 1);
  WHPC_CHECK(used, WHPC_ERR_MEM, "out of memory");
  fprintf(f, "%ld,", index);
  put_csv_field(f, id);
  for (int t = 0; t < topk; ++t) {
    int best = -1;
    for (int c = 0; c < k; ++c)
      if (!used[c] && (best < 0 || scores[c] > scores[best])) best = c;
    used[best] = 1;
    fprintf(f, ",%d,%.6g", best, scores[best]);
  }
  fputc('\n', f);
  free(used);
  return infer_stream_check(s);
}

static void tile_name(const char *id, char *out, size_t len) {
  snprintf(out, len, "%s", id);
  for (char *c = out; *c; ++c)
    if (*c == '/') *c = '_';
  char *dot = strrchr(out, '.');
  if (dot) *dot = 0;
}

/* GDAL reports a failed write through its error handler (often hundreds of lines on a full
 * disk, and GDALClose returns nothing in GDAL 3.6): collect them quietly, keep the first. The
 * handler stack is per thread, so the reader threads are not affected. */
typedef struct {
  int failures;
  char first[400]; /* first failure */
  char note[400];  /* first message of any class (why GDALBuildVRT gave up) */
} gdal_errors;

static void CPL_STDCALL keep_first_error(CPLErr cls, CPLErrorNum no, const char *msg) {
  (void)no;
  gdal_errors *e = CPLGetErrorHandlerUserData();
  if (!e->note[0]) snprintf(e->note, sizeof e->note, "%s", msg);
  if (cls < CE_Failure) return;
  if (!e->failures++) snprintf(e->first, sizeof e->first, "%s", msg);
}

static void gdal_errors_begin(gdal_errors *e) {
  memset(e, 0, sizeof *e);
  CPLPushErrorHandlerEx(keep_first_error, e);
}

/* Pops the handler; on a failure removes tmp and raises one error naming path. */
static int gdal_errors_end(gdal_errors *e, const char *path, const char *tmp) {
  CPLPopErrorHandler();
  if (!e->failures) return WHPC_OK;
  unlink(tmp);
  if (e->failures > 1)
    return WHPC_RAISE(WHPC_ERR_IO, "cannot write '%s': %s (GDAL, and %d more GDAL errors)", path, e->first,
                      e->failures - 1);
  return WHPC_RAISE(WHPC_ERR_IO, "cannot write '%s': %s (GDAL)", path, e->first);
}

/* fsync the finished temporary file, then give it its final name: a crash never leaves a
 * torn file under the final name, and the journal (fsync'ed after) never runs ahead of it. */
static int sync_rename(const char *tmp, const char *path) {
  int fd = open(tmp, O_RDONLY);
  int ok = fd >= 0 && fsync(fd) == 0, err = errno;
  if (fd >= 0) close(fd);
  if (ok && rename(tmp, path) != 0) ok = 0, err = errno;
  if (!ok) {
    unlink(tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot write '%s': %s", path, strerror(err));
  }
  return WHPC_OK;
}

int infer_raster_write(const char *dir, const char *id, const float *logits, int k, int h, int w,
                       const infer_georef *geo) {
  char name[1024], tmp[4400], path[4400];
  tile_name(id, name, sizeof name);
  snprintf(path, sizeof path, "%s/%s.tif", dir, name);
  snprintf(tmp, sizeof tmp, "%s/.%s.tif.part", dir, name);
  unsigned char *cls = malloc((size_t)h * w);
  WHPC_CHECK(cls, WHPC_ERR_MEM, "out of memory");
  size_t plane = (size_t)h * w;
  for (size_t q = 0; q < plane; ++q) {
    int best = 0;
    for (int c = 1; c < k; ++c)
      if (logits[c * plane + q] > logits[best * plane + q]) best = c;
    cls[q] = (unsigned char)best;
  }
  GDALDriverH drv = GDALGetDriverByName("GTiff");
  char *opts[] = {"COMPRESS=DEFLATE", "TILED=YES", NULL};
  gdal_errors ge;
  gdal_errors_begin(&ge);
  GDALDatasetH ds = drv ? GDALCreate(drv, tmp, w, h, 1, GDT_Byte, opts) : NULL;
  if (!ds && !ge.failures) ge.failures = 1, snprintf(ge.first, sizeof ge.first, "no GTiff driver");
  if (ds) {
    if (geo && geo->has_gt) GDALSetGeoTransform(ds, (double *)geo->gt);
    if (geo && geo->wkt && geo->wkt[0]) GDALSetProjection(ds, geo->wkt);
    /* a failed write raised a GDAL error, which ge has */
    if (!ge.failures && GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, w, h, cls, w, h, GDT_Byte, 0, 0) != CE_None &&
        !ge.failures)
      ge.failures = 1, snprintf(ge.first, sizeof ge.first, "GDALRasterIO failed");
    GDALSetDescription(GDALGetRasterBand(ds, 1), "argmax class");
    GDALClose(ds); /* writes the tiles and the directory: errors arrive here too */
  }
  free(cls);
  WHPC_CALL(gdal_errors_end(&ge, path, tmp));
  return sync_rename(tmp, path);
}

/* read every part file; keep one complete line per index */
static int read_parts(const char *dir, long n, char **line_of) {
  DIR *d = opendir(dir);
  if (!d) return WHPC_OK;
  struct dirent *e;
  char path[4200];
  size_t cap = 1 << 16;
  char *buf = malloc(cap);
  WHPC_CHECK(buf, WHPC_ERR_MEM, "out of memory");
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "rank-", 5)) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f) { closedir(d); free(buf); return WHPC_RAISE(WHPC_ERR_IO, "%s: %s", path, strerror(errno)); }
    while (fgets(buf, (int)cap, f)) {
      size_t l = strlen(buf);
      if (!l || buf[l - 1] != '\n') continue; /* torn last line */
      char *end;
      long idx = strtol(buf, &end, 10);
      if (*end != ',' || idx < 0 || idx >= n) continue;
      free(line_of[idx]);
      line_of[idx] = strdup(end + 1);
    }
    fclose(f);
  }
  closedir(d);
  free(buf);
  return WHPC_OK;
}

int infer_merge_csv(whpc_ctx_t ctx, const char *outdir, const infer_items *it, const unsigned char *state,
                    int topk, long *rows) {
  char dir[4200], path[4200];
  snprintf(dir, sizeof dir, "%s/parts", outdir);
  snprintf(path, sizeof path, "%s/predictions.csv", outdir);
  char **line_of = calloc((size_t)it->n + 1, sizeof(char *));
  WHPC_CHECK(line_of, WHPC_ERR_MEM, "out of memory");
  int rc = read_parts(dir, it->n, line_of);
  whpc_file wf;
  if (!rc) rc = whpc_file_open(&wf, path);
  *rows = 0;
  if (!rc) {
    fprintf(wf.fp, "id");
    for (int t = 1; t <= topk; ++t) fprintf(wf.fp, ",class_%d,score_%d", t, t);
    fputc('\n', wf.fp);
    for (long i = 0; i < it->n && !rc; ++i) {
      if (state[i] != 1) continue;
      if (!line_of[i]) rc = WHPC_RAISE(WHPC_ERR_IO, "%s: no result line for %s although the journal marks it done", dir, it->id[i]);
      else { fputs(line_of[i], wf.fp); (*rows)++; }
    }
    if (rc) whpc_file_discard(&wf);
    else rc = whpc_file_commit(&wf);
  }
  for (long i = 0; i < it->n; ++i) free(line_of[i]);
  free(line_of);
  return rc;
}

int infer_write_skipped(whpc_ctx_t ctx, const char *outdir, const infer_items *it) {
  /* reasons were appended by the ranks to parts/skipped-R.txt; gather into skipped.csv */
  char dir[4200], path[4200], line[1200];
  snprintf(dir, sizeof dir, "%s/parts", outdir);
  snprintf(path, sizeof path, "%s/skipped.csv", outdir);
  whpc_file wf;
  WHPC_CALL(whpc_file_open(&wf, path));
  fprintf(wf.fp, "id,reason\n");
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (strncmp(e->d_name, "skipped-", 8)) continue;
    char p[4400];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    FILE *f = fopen(p, "r");
    while (f && fgets(line, sizeof line, f)) fputs(line, wf.fp);
    if (f) fclose(f);
  }
  if (d) closedir(d);
  return whpc_file_commit(&wf);
}

int infer_build_vrt(const char *outdir, const infer_items *it, const unsigned char *state, long *ntiles, char *why,
                    size_t whylen) {
  why[0] = 0;
  char **names = calloc((size_t)it->n + 1, sizeof(char *));
  WHPC_CHECK(names, WHPC_ERR_MEM, "out of memory");
  long m = 0;
  for (long i = 0; i < it->n; ++i) {
    if (state[i] != 1) continue;
    char nm[1024], p[4400];
    tile_name(it->id[i], nm, sizeof nm);
    snprintf(p, sizeof p, "%s/tiles/%s.tif", outdir, nm);
    names[m++] = strdup(p);
  }
  *ntiles = m;
  char vrt[4200], tmp[4300];
  snprintf(vrt, sizeof vrt, "%s/mosaic.vrt", outdir);
  snprintf(tmp, sizeof tmp, "%s/.mosaic.vrt.part", outdir);
  int err = 0;
  gdal_errors ge;
  gdal_errors_begin(&ge);
  GDALDatasetH ds = m ? GDALBuildVRT(tmp, (int)m, NULL, (const char *const *)names, NULL, &err) : NULL;
  for (long i = 0; i < m; ++i) free(names[i]);
  free(names);
  if (!ds) { /* the tiles cannot be mosaicked (no georeferencing): not an I/O failure */
    CPLPopErrorHandler();
    unlink(tmp);
    snprintf(why, whylen, "%s", ge.note[0] ? ge.note : "GDALBuildVRT failed");
    return WHPC_OK;
  }
  GDALClose(ds); /* the VRT file is written here */
  WHPC_CALL(gdal_errors_end(&ge, vrt, tmp));
  return sync_rename(tmp, vrt);
}
