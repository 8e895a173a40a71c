/* log.c — rank-0 and all-rank log lines, and progress lines with rate and ETA. */
#include <stdarg.h>
#include <stdio.h>
#include "ctx_impl.h"
#include "whpc_timer.h"

int whpc_log_enabled(whpc_ctx_t ctx, whpc_log_level level) { return level <= ctx->log_level; }

static void vlog(whpc_ctx_t ctx, whpc_log_level level, int with_rank, const char *fmt, va_list ap) {
  FILE *f = level <= WHPC_LOG_WARN ? stderr : stdout;
  char line[4096];
  vsnprintf(line, sizeof line, fmt, ap);
  const char *tag = level == WHPC_LOG_ERROR ? "error: " : level == WHPC_LOG_WARN ? "warning: " : "";
  if (with_rank) fprintf(f, "[%d] %s%s\n", ctx->rank, tag, line);
  else if (*tag) fprintf(f, "%s: %s%s\n", ctx->info.name, tag, line);
  else fprintf(f, "%s\n", line);
  fflush(f);
}

void whpc_log(whpc_ctx_t ctx, whpc_log_level level, const char *fmt, ...) {
  if (ctx->rank != 0 || !whpc_log_enabled(ctx, level)) return;
  va_list ap;
  va_start(ap, fmt);
  vlog(ctx, level, 0, fmt, ap);
  va_end(ap);
}

void whpc_log_all(whpc_ctx_t ctx, whpc_log_level level, const char *fmt, ...) {
  if (!whpc_log_enabled(ctx, level) || !(ctx->log_all_ranks || level <= WHPC_LOG_WARN)) return;
  va_list ap;
  va_start(ap, fmt);
  vlog(ctx, level, 1, fmt, ap);
  va_end(ap);
}

void whpc_progress_start(whpc_ctx_t ctx, whpc_progress *p, long total_steps, double t_end, const char *t_unit) {
  p->total_steps = total_steps;
  p->t_end = t_end;
  p->t_unit = t_unit ? t_unit : "";
  p->wall_start = p->wall_last = whpc_wtime();
  p->step_last = 0;
  p->t_last = 0;
  p->interval = ctx->progress_interval;
}

static void format_hms(double s, char *buf, size_t n) {
  if (!(s >= 0) || s > 1e8) {
    snprintf(buf, n, "?");
    return;
  }
  long t = (long)(s + 0.5);
  snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
}

void whpc_progress_update(whpc_ctx_t ctx, whpc_progress *p, long step, double t, int force) {
  double now = whpc_wtime();
  if (!force && now - p->wall_last < p->interval) return;
  double elapsed = now - p->wall_start;
  double rate = elapsed > 0 ? step / elapsed : 0;
  double frac = p->t_end > 0 ? t / p->t_end : (p->total_steps > 0 ? (double)step / p->total_steps : -1);
  char eta[32] = "?", el[32];
  if (frac > 0 && frac <= 1) format_hms(elapsed * (1 - frac) / frac, eta, sizeof eta);
  format_hms(elapsed, el, sizeof el);
  char steps[64], times[96] = "";
  if (p->total_steps > 0) snprintf(steps, sizeof steps, "%ld/%ld", step, p->total_steps);
  else snprintf(steps, sizeof steps, "%ld", step);
  if (p->t_end > 0) snprintf(times, sizeof times, "  t = %.6g/%.6g %s", t, p->t_end, p->t_unit);
  whpc_log(ctx, WHPC_LOG_INFO, "step %s%s  %.3g steps/s  elapsed %s  ETA %s", steps, times, rate, el, eta);
  p->wall_last = now;
  p->step_last = step;
  p->t_last = t;
}
