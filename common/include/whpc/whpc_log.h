/* whpc_log.h — levels, rank-0 default, all-ranks opt-in, progress lines.
 * Keys: log.level = error|warn|info|debug (info), log.all_ranks (false),
 *       log.progress_interval (s, wall clock between progress lines; 0 = every update). */
#ifndef WHPC_LOG_H
#define WHPC_LOG_H
#include "whpc_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WHPC_LOG_ERROR = 0, WHPC_LOG_WARN = 1, WHPC_LOG_INFO = 2, WHPC_LOG_DEBUG = 3 } whpc_log_level;

/* Rank 0 prints (to stdout; warnings and errors to stderr). Not collective. */
void whpc_log(whpc_ctx_t ctx, whpc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Every rank prints with a "[rank] " prefix (only when log.all_ranks = true, or level <= WARN). */
void whpc_log_all(whpc_ctx_t ctx, whpc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int whpc_log_enabled(whpc_ctx_t ctx, whpc_log_level level);

/* Progress of a time-stepping or work loop. */
typedef struct {
  long total_steps;   /* <= 0: unknown */
  double t_end;       /* simulated end time; <= 0: not a time loop */
  const char *t_unit; /* "s", "days", "" */
  double wall_start, wall_last;
  long step_last;
  double t_last;
  double interval;    /* seconds of wall clock between lines */
} whpc_progress;

/* Start measuring (not collective). */
void whpc_progress_start(whpc_ctx_t ctx, whpc_progress *p, long total_steps, double t_end, const char *t_unit);
/* Rank 0 prints "step 120/1000  t = 12.0/90.0 s  35.2 steps/s  ETA 0:00:25" when the interval
 * has passed (or force != 0). ETA uses simulated time when t_end > 0, else steps. */
void whpc_progress_update(whpc_ctx_t ctx, whpc_progress *p, long step, double t, int force);

#ifdef __cplusplus
}
#endif
#endif
