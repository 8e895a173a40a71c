/* infer_journal.c — resume journal. Each rank appends "D index" (done) or "S index" (skipped)
 * lines once the results they cover are fsync'ed; a rerun reads every journal file in the
 * directory (whatever the earlier rank count) and processes only what is missing. A torn
 * last line (crash during the write) is ignored, so that item is simply redone. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infer_driver.h"

static int scan_local(const char *dir, long n, unsigned char *state) {
  DIR *d = opendir(dir);
  if (!d) return WHPC_OK; /* first run */
  struct dirent *e;
  char path[4200], line[128];
  int rc = WHPC_OK;
  while (!rc && (e = readdir(d))) {
    if (strncmp(e->d_name, "rank-", 5)) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f) { rc = WHPC_RAISE(WHPC_ERR_IO, "%s: cannot read resume journal: %s", path, strerror(errno)); break; }
    while (fgets(line, sizeof line, f)) {
      size_t l = strlen(line);
      if (l < 3 || line[l - 1] != '\n') continue; /* torn write */
      char *end;
      long idx = strtol(line + 2, &end, 10);
      if ((line[0] != 'D' && line[0] != 'S') || line[1] != ' ' || *end != '\n') continue;
      if (idx < 0 || idx >= n) {
        rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s: item %ld outside the %ld inputs: the output directory belongs to another input set (remove it or set output.overwrite = true)",
                        path, idx, n);
        break;
      }
      if (state[idx] != 1) state[idx] = line[0] == 'D' ? 1 : 2;
    }
    fclose(f);
  }
  closedir(d);
  return rc;
}

/* The journal counts items by their index in the sorted input list, so it is only valid for
 * the same list: journal/inputs.id holds the count and a hash of every id. */
static int check_manifest(const char *dir, const infer_items *it) {
  unsigned long long h = 1469598103934665603ULL; /* FNV-1a 64 */
  for (long i = 0; i < it->n; ++i)
    for (const char *c = it->id[i];; ++c) {
      h = (h ^ (unsigned char)*c) * 1099511628211ULL;
      if (!*c) break;
    }
  char path[4200], want[64], have[64] = "";
  snprintf(path, sizeof path, "%s/inputs.id", dir);
  snprintf(want, sizeof want, "%ld %016llx\n", it->n, h);
  FILE *f = fopen(path, "r");
  if (f) {
    if (!fgets(have, sizeof have, f)) have[0] = 0;
    fclose(f);
    WHPC_CHECK(!strcmp(have, want), WHPC_ERR_INPUT,
               "%s: the resume journal was written for another input list (%s inputs/hash now %ld %016llx); "
               "use a new output.dir", path, strtok(have, "\n") ? have : "?", it->n, h);
    return WHPC_OK;
  }
  WHPC_CALL(whpc_mkdir_p(dir));
  whpc_file wf;
  WHPC_CALL(whpc_file_open(&wf, path));
  fputs(want, wf.fp);
  return whpc_file_commit(&wf);
}

int infer_journal_scan(whpc_ctx_t ctx, const char *dir, const infer_items *it, unsigned char *state) {
  long n = it->n;
  memset(state, 0, (size_t)n);
  int rc = whpc_rank(ctx) == 0 ? check_manifest(dir, it) : WHPC_OK, grc;
  if (!rc && whpc_rank(ctx) == 0) rc = scan_local(dir, n, state);
  whpc_agree(whpc_comm(ctx), rc, &grc);
  if (grc) return grc;
  for (long o = 0; o < n; o += 1 << 30) {
    long c = n - o < (1 << 30) ? n - o : (1 << 30);
    WHPC_MPI(MPI_Bcast(state + o, (int)c, MPI_UNSIGNED_CHAR, 0, whpc_comm(ctx)));
  }
  return WHPC_OK;
}

int infer_journal_open(const char *dir, int rank, infer_stream *s) {
  char name[64];
  snprintf(name, sizeof name, "rank-%d.log", rank);
  return infer_stream_open(s, dir, name);
}

int infer_journal_append(infer_stream *s, const long *idx, const int *skipped, long count) {
  for (long i = 0; i < count; ++i) fprintf(s->f, "%c %ld\n", skipped[i] ? 'S' : 'D', idx[i]);
  return infer_stream_sync(s);
}
