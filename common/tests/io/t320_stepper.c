/* t320_stepper — a small time-stepping run with checkpoint/restart and signal handling, the
 * shape every whpc app follows:
 *   restart (checkpoint.restart) -> loop { step; checkpoint when due; stop on a signal } -> final
 * The step is a deterministic pointwise map of a decomposed 2D field driven by a replicated RNG
 * state, so the final field depends on every step's state bit for bit and not on the ranks.
 * On SIGTERM/SIGUSR1 (or t3.stop_at) it checkpoints at the step boundary and exits 75 (t3.hold_at
 * makes it wait at a step until a real signal comes, so a test's kill lands mid-run). At the
 * end it writes a final checkpoint (byte-identical files = bit-identical runs) and prints the
 * decomposition-independent checksum. Rank pids go to <output.dir>/pid.<rank> for the test. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "whpc.h"

static const whpc_cfg_key KEYS[] = {
    {"t3.nx", WHPC_CFG_INT, "48", "", 1, 4096, NULL, "cells in x"},
    {"t3.ny", WHPC_CFG_INT, "40", "", 1, 4096, NULL, "cells in y"},
    {"t3.steps", WHPC_CFG_INT, "60", "", 1, 1000000, NULL, "steps to run"},
    {"t3.sleep_ms", WHPC_CFG_INT, "0", "ms", 0, 10000, NULL, "sleep per step (gives a signal time to arrive)"},
    {"t3.stop_at", WHPC_CFG_INT, "-1", "", -1, 1000000, NULL, "simulate a signal after this step (-1 = never)"},
    {"t3.hold_at", WHPC_CFG_INT, "-1", "", -1, 1000000, NULL,
     "after this step wait for a real signal before going on (-1 = never): the test's kill lands mid-run"},
};

static uint64_t rng_next(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* One step: u <- 0.9 u + 0.1 sin(u + phase(i, j)) + noise from the shared RNG draw. */
static void step_field(double *u, const whpc_layout *lay, const whpc_box *own, double r) {
  for (long j = own->lo[1]; j < own->hi[1]; j++)
    for (long i = own->lo[0]; i < own->hi[0]; i++) {
      size_t c = whpc_layout_index(lay, i - own->lo[0], j - own->lo[1], 0);
      u[c] = 0.9 * u[c] + 0.1 * sin(u[c] + 0.01 * i - 0.02 * j) + 1e-3 * r;
    }
}

static unsigned long long field_checksum(MPI_Comm comm, const double *u, const whpc_layout *lay, const whpc_box *own,
                                         long nx) {
  unsigned long long sum = 0, all = 0;
  for (long j = own->lo[1]; j < own->hi[1]; j++)
    for (long i = own->lo[0]; i < own->hi[0]; i++) {
      uint64_t bits, s = (uint64_t)(i + nx * j);
      double v = u[whpc_layout_index(lay, i - own->lo[0], j - own->lo[1], 0)];
      memcpy(&bits, &v, 8);
      sum += rng_next(&s) ^ bits;
    }
  MPI_Allreduce(&sum, &all, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm);
  return all;
}

static int run(whpc_ctx_t ctx) {
  long nx, ny, steps, sleep_ms, stop_at, hold_at, step = 0;
  WHPC_CALL(whpc_config_get_int(ctx, "t3.nx", &nx));
  WHPC_CALL(whpc_config_get_int(ctx, "t3.ny", &ny));
  WHPC_CALL(whpc_config_get_int(ctx, "t3.steps", &steps));
  WHPC_CALL(whpc_config_get_int(ctx, "t3.sleep_ms", &sleep_ms));
  WHPC_CALL(whpc_config_get_int(ctx, "t3.stop_at", &stop_at));
  WHPC_CALL(whpc_config_get_int(ctx, "t3.hold_at", &hold_at));
  WHPC_CALL(whpc_output_prepare(ctx, "t320"));
  char pidfile[4096];
  snprintf(pidfile, sizeof pidfile, "%s/pid.%d", whpc_output_dir(ctx), whpc_rank(ctx));
  FILE *pf = fopen(pidfile, "w");
  if (pf) fprintf(pf, "%ld\n", (long)getpid()), fclose(pf);

  whpc_decomp_t g;
  whpc_decomp_desc desc = {2, {nx, ny, 1}, {0, 0, 0}, {0, 0, 0}, 1, "t3.nx/ny"};
  WHPC_CALL(whpc_decomp_create(ctx, &desc, &g));
  whpc_layout lay;
  whpc_box own;
  whpc_decomp_layout(g, &lay);
  whpc_decomp_owned(g, &own);
  double *u, t = 0;
  uint64_t rng = 12345;
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  for (long j = own.lo[1]; j < own.hi[1]; j++)
    for (long i = own.lo[0]; i < own.hi[0]; i++)
      u[whpc_layout_index(&lay, i - own.lo[0], j - own.lo[1], 0)] = sin(0.3 * i) * cos(0.2 * j);

  whpc_ckpt_t ck;
  int found;
  WHPC_CALL(whpc_checkpoint_create(ctx, NULL, whpc_config_hash(ctx, "t3.nx"), &ck));
  WHPC_CALL(whpc_checkpoint_add_field(ck, "u", g, WHPC_CK_DOUBLE, u));
  WHPC_CALL(whpc_checkpoint_add_values(ck, "t", WHPC_CK_DOUBLE, &t, 1));
  WHPC_CALL(whpc_checkpoint_add_values(ck, "rng", WHPC_CK_INT64, &rng, 1));
  WHPC_CALL(whpc_checkpoint_restart(ck, &found, &step));

  while (step < steps) {
    double r = (double)(rng_next(&rng) >> 11) * 0x1p-53;
    step_field(u, &lay, &own, r);
    t += 0.25;
    step++;
    if (sleep_ms) nanosleep(&(struct timespec){sleep_ms / 1000, (sleep_ms % 1000) * 1000000L}, NULL);
    if (step == stop_at) {
      WHPC_CHECK(!whpc_stop_pending(), WHPC_ERR_ARG, "stop pending before any signal");
      whpc_signal_simulate();
      WHPC_CHECK(whpc_stop_pending(), WHPC_ERR_ARG, "whpc_stop_pending missed the signal");
    }
    int stop;
    WHPC_CALL(whpc_stop_requested(ctx, &stop));
    if (whpc_checkpoint_due(ck, step) || stop) WHPC_CALL(whpc_checkpoint_write(ck, step));
    if (stop) {
      whpc_log(ctx, WHPC_LOG_INFO, "stopping at step %ld on a signal", step);
      return WHPC_RAISE(WHPC_STOPPED, "stopped by a signal at step %ld; restart from %s", step,
                        whpc_checkpoint_last_path(ck));
    }
    while (step == hold_at && !stop) { /* the signal is taken at the next step boundary */
      nanosleep(&(struct timespec){0, 20000000L}, NULL);
      WHPC_CALL(whpc_stop_requested(ctx, &stop));
    }
  }
  if (!whpc_checkpoint_due(ck, step)) WHPC_CALL(whpc_checkpoint_write(ck, step));
  whpc_log(ctx, WHPC_LOG_INFO, "final step %ld t %.17g checksum %016llx", step, t,
           field_checksum(whpc_comm(ctx), u, &lay, &own, nx));
  whpc_checkpoint_destroy(&ck);
  free(u);
  return whpc_decomp_destroy(&g);
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {.name = "t320_stepper", .summary = "checkpoint/restart and signal test"};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, KEYS, WHPC_NKEYS(KEYS)));
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys));
  WHPC_MAIN(comm, whpc_config_load(ctx, argc, argv));
  WHPC_MAIN(comm, run(ctx));
  return whpc_finalize(&ctx);
}
