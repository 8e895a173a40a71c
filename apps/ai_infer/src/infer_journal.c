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

int infer_journal_scan(whpc_ctx_t ctx, const char *dir, long n, unsigned char *state) {
  memset(state, 0, (size_t)n);
  int rc = whpc_rank(ctx) == 0 ? scan_local(dir, n, state) : WHPC_OK, grc;
  whpc_agree(whpc_comm(ctx), rc, &grc);
  if (grc) return grc;
  for (long o = 0; o < n; o += 1 << 30) {
    long c = n - o < (1 << 30) ? n - o : (1 << 30);
    WHPC_MPI(MPI_Bcast(state + o, (int)c, MPI_UNSIGNED_CHAR, 0, whpc_comm(ctx)));
  }
  return WHPC_OK;
}

int infer_journal_open(const char *dir, int rank, FILE **f) {
  char path[4200];
  WHPC_CALL(whpc_mkdir_p(dir));
  snprintf(path, sizeof path, "%s/rank-%d.log", dir, rank);
  *f = fopen(path, "a");
  WHPC_CHECK(*f, WHPC_ERR_IO, "%s: cannot open resume journal: %s", path, strerror(errno));
  return WHPC_OK;
}

int infer_journal_append(FILE *f, const long *idx, const int *skipped, long count) {
  for (long i = 0; i < count; ++i) fprintf(f, "%c %ld\n", skipped[i] ? 'S' : 'D', idx[i]);
  WHPC_CHECK(fflush(f) == 0 && fsync(fileno(f)) == 0, WHPC_ERR_IO, "resume journal: write failed: %s",
             strerror(errno));
  return WHPC_OK;
}
