/* rs_journal.c — block journals for rs.resume. */
#include "rs_journal.h"

#include <dirent.h>
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
  fprintf(j->fp, "L %d %d %ld %d %d\n", nvals, job->block, job->nblocks, job->width, job->height);
  return WHPC_OK;
}

int rs_journal_add(rs_journal *j, long b, int owner, const double *vals) {
  fprintf(j->fp, "B %ld %d", b, owner);
  for (int i = 0; i < j->nvals; i++) fprintf(j->fp, " %a", vals[i]); /* hex: exact round trip */
  fprintf(j->fp, "\n");
  /* fflush, not fsync: the page cache outlives a killed process (time limit, scancel, crash);
   * a node losing power loses the unsynced part files too, and fsync per block costs */
  WHPC_CHECK(fflush(j->fp) == 0, WHPC_ERR_IO, "writing the journal '%s' failed", j->path);
  return WHPC_OK;
}

void rs_journal_close(rs_journal *j) {
  if (j->fp) fclose(j->fp);
  j->fp = NULL;
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
      int nv, bs, w, h;
      long nbk;
      layout_ok = sscanf(line, "L %d %d %ld %d %d", &nv, &bs, &nbk, &w, &h) == 5 && nv == nvals &&
                  bs == job->block && nbk == job->nblocks && w == job->width && h == job->height;
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
    char part[4200];
    rs_part_path(job, own, part, sizeof part);
    struct stat st;
    if (stat(part, &st) != 0) continue;
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
    if (strncmp(e->d_name, "part-", 5) && strncmp(e->d_name, "journal-", 8) && strcmp(e->d_name, "assemble.vrt"))
      continue;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", job->parts_dir, e->d_name);
    unlink(path);
  }
  closedir(d);
}
