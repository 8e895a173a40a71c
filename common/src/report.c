/* report.c — report.json: what ran, where, how fast, and whether it agreed with its references.
 * Schema: docs/report-json.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ctx_impl.h"
#include "whpc_error.h"
#include "whpc_output.h"
#include "whpc_report.h"
#include "whpc_timer.h"

void whpc_report_set_case(whpc_ctx_t ctx, const char *case_name) { whpc_json_set_string(ctx->report, "case", case_name); }

void whpc_report_set_decomposition(whpc_ctx_t ctx, int ndims, const int *dims, const char *kind) {
  whpc_json *d = whpc_json_path(ctx->report, "decomposition", WHPC_JSON_OBJECT);
  if (!d) return;
  whpc_json_set_string(d, "kind", kind ? kind : "cartesian");
  whpc_json *arr = whpc_json_path(d, "dims", WHPC_JSON_ARRAY);
  if (!arr) return;
  whpc_json_free(arr->first);
  arr->first = arr->last = NULL;
  for (int i = 0; i < ndims; i++) {
    whpc_json *e = whpc_json_append(arr, WHPC_JSON_NUMBER);
    if (e) e->number = dims[i];
  }
}

void whpc_report_set_size(whpc_ctx_t ctx, const char *name, double value) {
  whpc_json *s = whpc_json_path(ctx->report, "problem_size", WHPC_JSON_OBJECT);
  if (s) whpc_json_set_number(s, name, value);
}

void whpc_report_set_fom(whpc_ctx_t ctx, const char *name, double value, const char *unit) {
  whpc_json *f = whpc_json_path(ctx->report, "figure_of_merit", WHPC_JSON_OBJECT);
  if (!f) return;
  whpc_json_set_string(f, "name", name);
  whpc_json_set_number(f, "value", value);
  whpc_json_set_string(f, "unit", unit);
}

void whpc_report_add_validation(whpc_ctx_t ctx, const char *name, double value, double reference, double tolerance,
                                int pass, const char *source) {
  whpc_json *arr = whpc_json_path(ctx->report, "validation", WHPC_JSON_ARRAY);
  whpc_json *v = arr ? whpc_json_append(arr, WHPC_JSON_OBJECT) : NULL;
  if (!v) return;
  whpc_json_set_string(v, "name", name);
  whpc_json_set_number(v, "value", value);
  whpc_json_set_number(v, "reference", reference);
  whpc_json_set_number(v, "tolerance", tolerance);
  whpc_json_set_bool(v, "pass", pass);
  whpc_json_set_string(v, "source", source ? source : "");
}

void whpc_report_set_number(whpc_ctx_t ctx, const char *name, double value) {
  whpc_json *r = whpc_json_path(ctx->report, "results", WHPC_JSON_OBJECT);
  if (r) whpc_json_set_number(r, name, value);
}

void whpc_report_set_string(whpc_ctx_t ctx, const char *name, const char *value) {
  whpc_json *r = whpc_json_path(ctx->report, "results", WHPC_JSON_OBJECT);
  if (r) whpc_json_set_string(r, name, value);
}

void whpc_report_add_output(whpc_ctx_t ctx, const char *path) {
  whpc_json *arr = whpc_json_path(ctx->report, "outputs", WHPC_JSON_ARRAY);
  whpc_json *e = arr ? whpc_json_append(arr, WHPC_JSON_STRING) : NULL;
  if (e) e->string = strdup(path);
}

int whpc_report_all_passed(whpc_ctx_t ctx) {
  for (whpc_json *c = ctx->report->first; c; c = c->next)
    if (c->key && strcmp(c->key, "validation") == 0)
      for (whpc_json *v = c->first; v; v = v->next)
        for (whpc_json *m = v->first; m; m = m->next)
          if (m->key && strcmp(m->key, "pass") == 0 && !m->boolean) return 0;
  return 1;
}

static void add_timers(whpc_json *root, const whpc_timer_stat *st, int n) {
  whpc_json *arr = whpc_json_add(root, "timers", WHPC_JSON_ARRAY);
  for (int i = 0; arr && i < n; i++) {
    whpc_json *t = whpc_json_append(arr, WHPC_JSON_OBJECT);
    if (!t) return;
    whpc_json_set_string(t, "name", st[i].name);
    whpc_json_set_number(t, "count", (double)st[i].count);
    whpc_json_set_number(t, "min_s", st[i].min);
    whpc_json_set_number(t, "avg_s", st[i].avg);
    whpc_json_set_number(t, "max_s", st[i].max);
    whpc_json_set_number(t, "imbalance_max_over_min", st[i].imbalance < 0 ? NAN : st[i].imbalance);
    whpc_json_set_number(t, "slowest_rank", st[i].slowest_rank);
  }
}

static int write_report(whpc_ctx_t ctx, const char *path, const whpc_timer_stat *st, int n) {
  whpc_json *root = whpc_json_new(WHPC_JSON_OBJECT);
  WHPC_CHECK(root, WHPC_ERR_MEM, "out of memory");
  char date[64];
  time_t now = time(NULL);
  struct tm tmv;
  gmtime_r(&now, &tmv);
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  whpc_json_set_string(root, "schema", "whpc-report/1");
  whpc_json_set_string(root, "app", ctx->info.name);
  whpc_json_set_string(root, "version", whpc_version());
  whpc_json_set_string(root, "git_revision", whpc_git_revision());
  whpc_json_set_string(root, "date", date);
  whpc_json_set_string(root, "command_line", ctx->command_line);
  whpc_json_set_number(root, "ranks", ctx->size);
  whpc_json_set_number(root, "threads_per_rank", ctx->threads);
  const char *job = getenv("SLURM_JOB_ID");
  if (job) whpc_json_set_string(root, "slurm_job_id", job);
  char host[256] = "";
  int len = 0;
  MPI_Get_processor_name(host, &len);
  whpc_json_set_string(root, "host", host);
  /* App-set members, copied in the order they were set (a second write still has them). */
  for (whpc_json *c = ctx->report->first; c; c = c->next) {
    whpc_json *copy = whpc_json_copy(c);
    if (!copy) continue;
    if (root->last) root->last->next = copy;
    else root->first = copy;
    root->last = copy;
  }
  whpc_json_path(root, "validation", WHPC_JSON_ARRAY); /* always present (empty: no check), as report-json.md lists it */
  whpc_json_set_bool(root, "all_validations_passed", whpc_report_all_passed(ctx));
  add_timers(root, st, n);
  whpc_json *cfg = whpc_json_add(root, "config", WHPC_JSON_OBJECT);
  if (cfg) whpc_config_to_json(ctx, cfg);

  whpc_file wf;
  int rc = whpc_file_open(&wf, path);
  if (!rc) {
    whpc_json_write(wf.fp, root, 2);
    fputc('\n', wf.fp);
    rc = whpc_file_commit(&wf);
  }
  whpc_json_free(root);
  return rc;
}

int whpc_report_write(whpc_ctx_t ctx, const char *path) {
  whpc_timer_stat *st = NULL;
  int n = 0;
  WHPC_CALL(whpc_timer_reduce(ctx, &st, &n));
  int rc = ctx->rank == 0 ? write_report(ctx, path, st, n) : WHPC_OK, grc;
  free(st);
  whpc_agree(ctx->comm, rc, &grc);
  if (grc) return whpc_err_trace(grc, __FILE__, __LINE__, __func__);
  whpc_log(ctx, WHPC_LOG_INFO, "report: %s", path);
  return WHPC_OK;
}
