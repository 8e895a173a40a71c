/* ctx.c — start-up and shut-down of a run: MPI, the context, the core keys, signal handlers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctx_impl.h"
#include "whpc_checkpoint.h"
#include "whpc_error.h"

static const whpc_cfg_key CORE_KEYS[] = {
    {"log.level", WHPC_CFG_ENUM, "info", "", WHPC_CFG_ANY, "error|warn|info|debug", "how much to print"},
    {"log.all_ranks", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "print per-rank log lines (prefixed [rank]) of every rank, not only rank 0"},
    {"log.progress_interval", WHPC_CFG_REAL, "5", "s", 0, 86400, NULL,
     "wall-clock seconds between progress lines (0: every step)"},
    {"output.dir", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "output directory (default ./<app>-out/<case>); a directory holding a report.json is never overwritten"},
    {"output.overwrite", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "allow writing into the directory of a complete earlier run"},
};

/* Quote an argument for the command-line record when it holds spaces or shell characters. */
static void append_arg(char *dst, size_t cap, const char *arg) {
  size_t used = strlen(dst);
  int plain = *arg != '\0';
  for (const char *c = arg; *c; c++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=,:+@%", *c)) plain = 0;
  if (used && used + 1 < cap) dst[used++] = ' ', dst[used] = '\0';
  if (plain) {
    snprintf(dst + used, cap - used, "%s", arg);
    return;
  }
  size_t p = used;
  if (p + 1 < cap) dst[p++] = '\'';
  for (const char *c = arg; *c && p + 5 < cap; c++) {
    if (*c == '\'') {
      memcpy(dst + p, "'\\''", 4);
      p += 4;
    } else
      dst[p++] = *c;
  }
  if (p + 1 < cap) dst[p++] = '\'';
  dst[p] = '\0';
}

int whpc_init(int *argc, char ***argv, const whpc_app_info *info, whpc_ctx_t *out) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    /* Open MPI 4.1's default MPI-IO component (OMPIO) silently loses parallel HDF5 writes here
     * (cells read back as 0, corrupt compressed chunks at 2-4 ranks); ROMIO is correct. A user's
     * own choice in the environment wins. */
    setenv("OMPI_MCA_io", "romio321", 0);
    int provided, wanted = info && info->thread_multiple ? MPI_THREAD_MULTIPLE : MPI_THREAD_FUNNELED;
    if (MPI_Init_thread(argc, argv, wanted, &provided) != MPI_SUCCESS) {
      fprintf(stderr, "%s: error: MPI_Init failed\n", info && info->name ? info->name : "whpc");
      exit(4);
    }
  }
  whpc_err_progname = info && info->name ? info->name : "whpc";
  whpc_ctx_t ctx = calloc(1, sizeof *ctx);
  WHPC_CHECK(ctx, WHPC_ERR_MEM, "cannot allocate the context");
  ctx->owns_mpi = !initialized;
  if (info) ctx->info = *info;
  if (!ctx->info.name) ctx->info.name = "whpc";
  ctx->threads = 1;
  ctx->log_level = WHPC_LOG_INFO;
  ctx->progress_interval = 5.0;
  WHPC_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &ctx->comm));
  MPI_Comm_set_errhandler(ctx->comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(ctx->comm, &ctx->rank);
  MPI_Comm_size(ctx->comm, &ctx->size);

  size_t cap = 1;
  for (int i = 0; i < *argc; i++) cap += 4 * strlen((*argv)[i]) + 3;
  ctx->command_line = calloc(cap, 1);
  WHPC_CHECK(ctx->command_line, WHPC_ERR_MEM, "out of memory");
  for (int i = 0; i < *argc; i++) append_arg(ctx->command_line, cap, (*argv)[i]);

  ctx->report = whpc_json_new(WHPC_JSON_OBJECT);
  WHPC_CHECK(ctx->report, WHPC_ERR_MEM, "out of memory");
  WHPC_CALL(whpc_config_create(&ctx->config));
  WHPC_CALL(whpc_config_add_keys(ctx, CORE_KEYS, WHPC_NKEYS(CORE_KEYS)));
  whpc_signal_install();
  *out = ctx;
  return WHPC_OK;
}

int whpc_finalize(whpc_ctx_t *pctx) {
  if (!pctx || !*pctx) return 0;
  whpc_ctx_t ctx = *pctx;
  whpc_config_warn_unused(ctx);
  int owns = ctx->owns_mpi;
  whpc_config_destroy(&ctx->config);
  whpc_json_free(ctx->report);
  free(ctx->regions);
  free(ctx->command_line);
  MPI_Comm_free(&ctx->comm);
  free(ctx);
  *pctx = NULL;
  if (owns) MPI_Finalize();
  return 0;
}

MPI_Comm whpc_comm(whpc_ctx_t ctx) { return ctx ? ctx->comm : MPI_COMM_WORLD; }
int whpc_rank(whpc_ctx_t ctx) { return ctx->rank; }
int whpc_size(whpc_ctx_t ctx) { return ctx->size; }
whpc_config_t whpc_ctx_config(whpc_ctx_t ctx) { return ctx->config; }
const char *whpc_app_name(whpc_ctx_t ctx) { return ctx->info.name; }
const char *whpc_command_line(whpc_ctx_t ctx) { return ctx->command_line; }
void whpc_set_threads(whpc_ctx_t ctx, int threads) { ctx->threads = threads > 0 ? threads : 1; }
int whpc_threads(whpc_ctx_t ctx) { return ctx->threads; }
