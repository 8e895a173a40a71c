/* rs_journal.c — block journals for rs.resume. */
#include "rs_journal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rs_assemble.h"

int rs_journal_open(const rs_job *job, int owner, int nvals, rs_journal *j) {
  snprintf(j->path, sizeof j->path, "%s/journal-%03d-%05d.txt", job->parts_dir, owner / 100000, owner % 100000);
  j->nvals = nvals;
  j->fp = fopen(j->path, "a");
  WHPC_CHECK(j->fp, WHPC_ERR_IO, "cannot open the resume journal '%s'", j->path);
  /* the layout the records belong to: a resume with other blocks or statistics ignores them */
  fprintf(j->fp, "L %d %d %ld %d %d %016llx\n", nvals, job->block, job->nblocks, job->width, job->height,
          job->fingerprint);
  j->t_sync = whpc_wtime();
  return WHPC_OK;
}

int rs_journal_add(rs_journal *j, long b, int owner, const double *vals) {
  if (!j->mem) {
    j->mem = open_memstream(&j->buf, &j->len);
    WHPC_CHECK(j->mem, WHPC_ERR_MEM, "out of memory for the resume journal");
  }
  fprintf(j->mem, "B %ld %d", b, owner);
  for (int i = 0; i < j->nvals; i++) fprintf(j->mem, " %a", vals[i]); /* hex: exact round trip */
  fprintf(j->mem, "\n");
  return WHPC_OK;
}

int rs_journal_sync(rs_journal *j) {
  j->t_sync = whpc_wtime();
  if (!j->mem) return WHPC_OK;
  int ok = fflush(j->mem) == 0;
  ok = ok && (j->len == 0 || fwrite(j->buf, 1, j->len, j->fp) == j->len);
  /* fflush, not fsync: the page cache outlives a killed process; a node losing power loses the
   * unsynced pixels too */
  ok = ok && fflush(j->fp) == 0;
  int err = errno;
  fclose(j->mem);
  free(j->buf);
  j->mem = NULL;
  j->buf = NULL;
  j->len = 0;
  WHPC_CHECK(ok, WHPC_ERR_IO, "writing the resume journal '%s' failed: %s", j->path, strerror(err));
  return WHPC_OK;
}

int rs_journal_close(rs_journal *j, int sync) {
  if (!j->fp) return WHPC_OK;
  if (!sync && j->mem) { /* pixels of the queued blocks may be lost: their lines go too */
    fclose(j->mem);
    free(j->buf);
    j->mem = NULL, j->buf = NULL, j->len = 0;
  }
  int rc = rs_journal_sync(j);
  int bad = fclose(j->fp) != 0;
  j->fp = NULL;
  if (rc) return rc;
  WHPC_CHECK(!bad, WHPC_ERR_IO, "writing the resume journal '%s' failed: %s", j->path, strerror(errno));
  return WHPC_OK;
}

/* The layout line of a journal matches this job (block grid, record length, fingerprint). */
static int rs_journal_layout_ok(const rs_job *job, const char *line, int nvals) {
  int nv, bs, w, h;
  long nbk;
  unsigned long long fp;
  return sscanf(line, "L %d %d %ld %d %d %llx", &nv, &bs, &nbk, &w, &h, &fp) == 6 && (nvals < 0 || nv == nvals) &&
         bs == job->block && nbk == job->nblocks && w == job->width && h == job->height && fp == job->fingerprint;
}

int rs_journal_resumable(const rs_job *job) {
  struct stat st;
  if (stat(job->tile_path, &st) != 0) return 0; /* the pixels are gone: nothing to continue */
  DIR *d = opendir(job->parts_dir);
  if (!d) return 0;
  struct dirent *e;
  int found = 0;
  while (!found && (e = readdir(d))) {
    int a, r;
    if (sscanf(e->d_name, "journal-%d-%d.txt", &a, &r) != 2) continue;
    char path[4400], line[256];
    snprintf(path, sizeof path, "%s/%s", job->parts_dir, e->d_name);
    FILE *f = fopen(path, "r");
    if (f && fgets(line, sizeof line, f) && line[0] == 'L') found = rs_journal_layout_ok(job, line, -1);
    if (f) fclose(f);
  }
  closedir(d);
  return found;
}

/* Parse one journal; lines cut short by a crash are ignored. */
static long rs_journal_read(const rs_job *job, const char *path, int nvals, int *owner, double *vals,
                            unsigned char *done) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  long n = 0;
  size_t cap = 0;
  char *line = NULL;
  double *tmp = malloc(sizeof(double) * (size_t)(nvals > 0 ? nvals : 1));
  int layout_ok = 0;
  while (tmp && getline(&line, &cap, f) > 0) {
    size_t len = strlen(line);
    if (len == 0 || line[len - 1] != '\n') continue; /* cut short by the interruption */
    if (line[0] == 'L') {
      layout_ok = rs_journal_layout_ok(job, line, nvals);
      continue;
    }
    if (!layout_ok) continue;
    long b;
    int own, pos = 0;
    if (sscanf(line, "B %ld %d%n", &b, &own, &pos) != 2 || b < 0 || b >= job->nblocks) continue;
    char *p = line + pos, *end;
    int k = 0;
    for (; k < nvals; k++, p = end) {
      tmp[k] = strtod(p, &end);
      if (end == p) break;
    }
    if (k < nvals) continue;
    struct stat st;
    if (stat(job->tile_path, &st) != 0) continue; /* the pixels went with it */
    if (!done[b]) n++;
    done[b] = 1;
    owner[b] = own;
    if (vals) memcpy(vals + (size_t)b * nvals, tmp, sizeof(double) * (size_t)nvals);
  }
  free(line);
  free(tmp);
  fclose(f);
  return n;
}

long rs_journal_load(const rs_job *job, int nvals, int *owner, double *vals, unsigned char *done, int *max_attempt) {
  *max_attempt = -1;
  DIR *d = opendir(job->parts_dir);
  if (!d) return 0;
  long n = 0;
  struct dirent *e;
  /* journals are read in attempt order so a block redone later wins */
  int maxa = -1;
  while ((e = readdir(d))) {
    int a, r;
    if (sscanf(e->d_name, "journal-%d-%d.txt", &a, &r) == 2 && a > maxa) maxa = a;
  }
  for (int a = 0; a <= maxa; a++) {
    rewinddir(d);
    while ((e = readdir(d))) {
      int ea, r;
      if (sscanf(e->d_name, "journal-%d-%d.txt", &ea, &r) != 2 || ea != a) continue;
      char path[4400];
      snprintf(path, sizeof path, "%s/%s", job->parts_dir, e->d_name);
      n += rs_journal_read(job, path, nvals, owner, vals, done);
    }
  }
  closedir(d);
  *max_attempt = maxa;
  return n;
}

void rs_parts_clear(const rs_job *job) {
  DIR *d = opendir(job->parts_dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    /* part-* and assemble.vrt: per-rank intermediates of earlier versions */
    if (strncmp(e->d_name, "part-", 5) && strncmp(e->d_name, "journal-", 8) && strcmp(e->d_name, "assemble.vrt") &&
        strcmp(e->d_name, "assemble.tif"))
      continue;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", job->parts_dir, e->d_name);
    unlink(path);
  }
  closedir(d);
}
