/* whpc_ctx.h — the one context handle of a run: communicator, config, logger, timers, report.
 * Created right after start-up by whpc_init, destroyed by whpc_finalize. No globals. */
#ifndef WHPC_CTX_H
#define WHPC_CTX_H
#include <mpi.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct whpc_ctx_s *whpc_ctx_t;
typedef struct whpc_config_s *whpc_config_t;
struct whpc_cfg_key;

/* What an application tells whpc_init about itself. */
typedef struct {
  const char *name;      /* "whpc-cfd": used in messages, report.json, NetCDF `source` */
  const char *summary;   /* one line for --help */
  const char *usage;     /* e.g. "CONFIG.ini [key=value ...]"; NULL = default */
  int config_file_required; /* 1: the first non key=value argument is a config file and must be given */
  int thread_multiple;      /* 1: ask MPI for MPI_THREAD_MULTIPLE (dynamic work queue across nodes serves
                               requests from a dispatcher thread instead of taking rank 0 off work) */
} whpc_app_info;

/* Collective on MPI_COMM_WORLD. Initialises MPI (if not yet), creates the context and its
 * config with the common keys (log.*, output.*, checkpoint.* ...). Call whpc_config_add_keys
 * for the app's keys, then whpc_config_load. */
int whpc_init(int *argc, char ***argv, const whpc_app_info *info, whpc_ctx_t *ctx)
    __attribute__((warn_unused_result));
/* Collective. Warns about keys set but never read, frees everything, MPI_Finalize (if whpc_init
 * initialised MPI). Returns the process exit status (0). *ctx becomes NULL. */
int whpc_finalize(whpc_ctx_t *ctx);

MPI_Comm whpc_comm(whpc_ctx_t ctx);
int whpc_rank(whpc_ctx_t ctx);
int whpc_size(whpc_ctx_t ctx);
whpc_config_t whpc_ctx_config(whpc_ctx_t ctx);
const char *whpc_app_name(whpc_ctx_t ctx);
const char *whpc_version(void);      /* "0.1.0" */
const char *whpc_git_revision(void); /* short hash the build was made from */
/* The command line as one string (for NetCDF `history`). */
const char *whpc_command_line(whpc_ctx_t ctx);
/* Number of OpenMP/other threads per rank the app uses (report.json); default 1. */
void whpc_set_threads(whpc_ctx_t ctx, int threads);
int whpc_threads(whpc_ctx_t ctx);

#ifdef __cplusplus
}
#endif
#endif
