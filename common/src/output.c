/* output.c — the run's output directory, and files that appear under their final name only
 * when complete (temp name in the same directory + fsync + rename). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "ctx_impl.h"
#include "whpc_error.h"
#include "whpc_output.h"

int whpc_mkdir_p(const char *path) {
  char buf[4096];
  WHPC_CHECK(strlen(path) < sizeof buf, WHPC_ERR_INPUT, "path too long: '%.80s...'", path);
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return WHPC_RAISE(WHPC_ERR_IO, "cannot create directory '%s': %s", buf, strerror(errno));
      struct stat sb;
      if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return WHPC_RAISE(WHPC_ERR_IO, "'%s' exists and is not a directory", buf);
      *p = c;
      if (!c) break;
    }
  }
  return WHPC_OK;
}

static int prepare_on_root(whpc_ctx_t ctx, const char *dir, int overwrite) {
  WHPC_CALL(whpc_mkdir_p(dir));
  WHPC_CHECK(access(dir, W_OK | X_OK) == 0, WHPC_ERR_IO, "output directory '%s' is not writable: %s", dir,
             strerror(errno));
  char report[4200];
  snprintf(report, sizeof report, "%s/report.json", dir);
  WHPC_CHECK(overwrite || access(report, F_OK) != 0, WHPC_ERR_INPUT,
             "output directory '%s' holds a complete run (report.json); choose another output.dir or set "
             "output.overwrite=true",
             dir);
  return WHPC_OK;
}

int whpc_output_prepare(whpc_ctx_t ctx, const char *case_name) {
  const char *dir;
  int overwrite;
  WHPC_CALL(whpc_config_get_string(ctx, "output.dir", &dir));
  WHPC_CALL(whpc_config_get_bool(ctx, "output.overwrite", &overwrite));
  if (!*dir) {
    const char *app = ctx->info.name;
    if (strncmp(app, "whpc-", 5) == 0) app += 5;
    snprintf(ctx->output_dir, sizeof ctx->output_dir, "./%s-out/%s", app, case_name && *case_name ? case_name : "run");
  } else {
    WHPC_CHECK(strlen(dir) < sizeof ctx->output_dir - 64, WHPC_ERR_INPUT, "output.dir is too long");
    snprintf(ctx->output_dir, sizeof ctx->output_dir, "%s", dir);
  }
  int rc = ctx->rank == 0 ? prepare_on_root(ctx, ctx->output_dir, overwrite) : WHPC_OK, grc;
  whpc_agree(ctx->comm, rc, &grc);
  if (grc) return whpc_err_trace(grc, __FILE__, __LINE__, __func__);
  return WHPC_OK;
}

const char *whpc_output_dir(whpc_ctx_t ctx) { return ctx->output_dir[0] ? ctx->output_dir : "."; }

char *whpc_output_path(whpc_ctx_t ctx, const char *name, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s", whpc_output_dir(ctx), name);
  return buf;
}

/* The umask, read without changing it: umask(2) can only be read by setting it, and a file
 * another thread creates between umask(0) and the restore would get mode 0666/0777. Linux >= 4.7
 * shows it in /proc/self/status; elsewhere the value read (the racy way) by a constructor,
 * before main() and any thread, is used. */
static mode_t umask_at_load = 022;
__attribute__((constructor)) static void whpc_read_umask_at_load(void) {
  umask_at_load = umask(0);
  umask(umask_at_load);
}

static mode_t current_umask(void) {
  FILE *fp = fopen("/proc/self/status", "r");
  char line[256];
  unsigned int mask;
  int found = 0;
  while (fp && !found && fgets(line, sizeof line, fp))
    found = sscanf(line, "Umask: %o", &mask) == 1;
  if (fp) fclose(fp);
  return found ? (mode_t)(mask & 0777) : umask_at_load;
}

int whpc_file_open(whpc_file *wf, const char *path) {
  memset(wf, 0, sizeof *wf);
  WHPC_CHECK(strlen(path) + 8 < sizeof wf->tmp, WHPC_ERR_INPUT, "path too long: '%.80s...'", path);
  snprintf(wf->path, sizeof wf->path, "%s", path);
  snprintf(wf->tmp, sizeof wf->tmp, "%s.XXXXXX", path);
  int fd = mkstemp(wf->tmp);
  WHPC_CHECK(fd >= 0, WHPC_ERR_IO, "cannot create '%s': %s", wf->tmp, strerror(errno));
  /* mkstemp makes 0600; outputs follow the user's umask like any other file. */
  mode_t mask = current_umask();
  if (fchmod(fd, 0666 & ~mask) != 0) { /* not fatal: the file is still private */
  }
  wf->fp = fdopen(fd, "w");
  if (!wf->fp) {
    close(fd);
    unlink(wf->tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot open '%s': %s", wf->tmp, strerror(errno));
  }
  return WHPC_OK;
}

int whpc_file_commit(whpc_file *wf) {
  int ok = wf->fp && fflush(wf->fp) == 0 && fsync(fileno(wf->fp)) == 0;
  int err = errno;
  if (wf->fp && fclose(wf->fp) != 0 && ok) ok = 0, err = errno;
  wf->fp = NULL;
  if (!ok) {
    unlink(wf->tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot write '%s': %s", wf->path, strerror(err));
  }
  if (rename(wf->tmp, wf->path) != 0) {
    err = errno;
    unlink(wf->tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot rename '%s' to '%s': %s", wf->tmp, wf->path, strerror(err));
  }
  return WHPC_OK;
}

void whpc_file_discard(whpc_file *wf) {
  if (wf->fp) fclose(wf->fp);
  wf->fp = NULL;
  if (wf->tmp[0]) unlink(wf->tmp);
}
