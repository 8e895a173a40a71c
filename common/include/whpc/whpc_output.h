/* whpc_output.h — the run's output directory and safe file creation.
 * Keys (always declared): output.dir (default "./<app>-out/<case>"), output.overwrite (false).
 * A directory holding a report.json is a complete run: it is never written into again unless
 * output.overwrite = true. */
#ifndef WHPC_OUTPUT_H
#define WHPC_OUTPUT_H
#include <stdio.h>
#include "whpc_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Collective. Resolves output.dir (case_name fills the default), creates it with parents
 * (mode 0777 & ~umask), checks it is writable and not a complete run. Errors name the path:
 * WHPC_ERR_INPUT for "complete run exists", WHPC_ERR_IO for permission problems. */
int whpc_output_prepare(whpc_ctx_t ctx, const char *case_name) __attribute__((warn_unused_result));
/* The resolved directory (after whpc_output_prepare). */
const char *whpc_output_dir(whpc_ctx_t ctx);
/* "<dir>/<name>" into buf (returns buf). */
char *whpc_output_path(whpc_ctx_t ctx, const char *name, char *buf, size_t len);

/* Atomic single-writer file: opens "<path>.XXXXXX" (mkstemp, in the same directory);
 * whpc_file_commit fsyncs, closes and renames to path; whpc_file_discard removes the temp. */
typedef struct {
  FILE *fp;
  char tmp[4096];
  char path[4096];
} whpc_file;
int whpc_file_open(whpc_file *wf, const char *path) __attribute__((warn_unused_result));
int whpc_file_commit(whpc_file *wf);
void whpc_file_discard(whpc_file *wf);
/* mkdir -p with mode 0777 & ~umask. */
int whpc_mkdir_p(const char *path);

#ifdef __cplusplus
}
#endif
#endif
