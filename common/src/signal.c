/* signal.c — SIGTERM/SIGUSR1 (what Slurm sends with --signal before a time limit) set a flag;
 * the app polls it collectively at step boundaries, checkpoints and exits with WHPC_STOPPED. */
#include <signal.h>
#include <string.h>
#include "ctx_impl.h"
#include "whpc_checkpoint.h"
#include "whpc_error.h"

static volatile sig_atomic_t stop_flag = 0;

static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

void whpc_signal_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}

void whpc_signal_simulate(void) { stop_flag = 1; }

int whpc_stop_pending(void) { return stop_flag != 0; }

int whpc_stop_requested(whpc_ctx_t ctx, int *stop) {
  int local = stop_flag != 0;
  /* Every rank must stop at the same step: any rank that saw the signal stops them all. */
  WHPC_MPI(MPI_Allreduce(&local, stop, 1, MPI_INT, MPI_MAX, ctx->comm));
  return WHPC_OK;
}
