/* ctx_impl.h — the body of whpc_ctx (internal, never installed). */
#ifndef WHPC_CTX_IMPL_H
#define WHPC_CTX_IMPL_H
#include <mpi.h>
#include "json.h"
#include "whpc_config.h"
#include "whpc_ctx.h"
#include "whpc_log.h"

typedef struct {
  char name[64];
  double total, started;
  long count;
  int running;
} whpc_region;

struct whpc_ctx_s {
  MPI_Comm comm;
  int rank, size;
  int owns_mpi;                /* whpc_init called MPI_Init */
  whpc_app_info info;
  char *command_line;
  int threads;
  whpc_config_t config;
  whpc_log_level log_level;
  int log_all_ranks;
  double progress_interval;
  whpc_region *regions;
  int nregions, cap_regions;
  whpc_json *report;           /* app-set members of report.json */
  char output_dir[4096];
};

/* config.c */
int whpc_config_create(whpc_config_t *cfg);
void whpc_config_destroy(whpc_config_t *cfg);
void whpc_config_warn_unused(whpc_ctx_t ctx);
/* report.c: add the effective configuration as a JSON object */
void whpc_config_to_json(whpc_ctx_t ctx, whpc_json *obj);
/* error.c */
extern const char *whpc_err_progname;
#endif
