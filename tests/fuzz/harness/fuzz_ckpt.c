/* libFuzzer harness: the checkpoint/restart reader of libwhpc (restart files are user files).
 * One context and a 2D 12x9 grid for the whole run (MPI singleton); each input is written to a
 * file in /dev/shm and read back as a restart of a field "u" (double), "t" (double) and "step"
 * (int64) — the header, variable table, sizes and checksums are all checked on the way.
 * WHPC_FUZZ_MAKE_SEED=DIR: write a valid checkpoint into DIR (the seed corpus) and exit. */
#include <mpi.h>
#include <sanitizer/lsan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "whpc.h"

static whpc_ctx_t ctx;
static whpc_decomp_t grid;
static double u[(12 + 2) * (9 + 2)], t = 1.5;
static long long step = 42;
static char path[128], dir[96];

static int make(whpc_ckpt_t *ck, const char *where) {
  if (whpc_checkpoint_create(ctx, where, 0x1234, ck)) return 1;
  whpc_checkpoint_add_field(*ck, "u", grid, WHPC_CK_DOUBLE, u);
  whpc_checkpoint_add_values(*ck, "t", WHPC_CK_DOUBLE, &t, 1);
  whpc_checkpoint_add_values(*ck, "step", WHPC_CK_INT64, &step, 1);
  return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  static const whpc_app_info info = {"whpc-fuzz", "checkpoint fuzzing", NULL, 0, 0};
  int ac = 1;
  char *av0[] = {"fuzz_ckpt", NULL};
  char **av = av0;
  (void)argc;
  (void)argv;
  __lsan_disable(); /* MPI's start-up state (see fuzz_config.c); the per-input work is checked */
  int rc = MPI_Init(&ac, &av);
  __lsan_enable();
  if (rc != MPI_SUCCESS || whpc_init(&ac, &av, &info, &ctx) ||
      whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys) ||
      whpc_config_load_text(ctx, "fuzz.ini", "log.level = error\n", 0, NULL))
    abort();
  const whpc_decomp_desc d = {2, {12, 9, 1}, {0, 0, 0}, {0, 0, 0}, 1, "grid"};
  if (whpc_decomp_create(ctx, &d, &grid)) abort();
  for (size_t k = 0; k < sizeof u / sizeof u[0]; k++) u[k] = 0.25 * (double)k;
  const char *seed = getenv("WHPC_FUZZ_MAKE_SEED");
  if (seed) {
    whpc_ckpt_t ck;
    if (make(&ck, seed) || whpc_checkpoint_write(ck, step)) abort();
    printf("%s\n", whpc_checkpoint_last_path(ck));
    whpc_checkpoint_destroy(&ck);
    whpc_finalize(&ctx);
    exit(0);
  }
  snprintf(dir, sizeof dir, "/dev/shm/whpc-fuzz-ckpt-%d", (int)getpid());
  snprintf(path, sizeof path, "%s/in.ckpt", dir);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  whpc_ckpt_t ck;
  if (make(&ck, dir)) {
    whpc_err_clear();
    return 0;
  }
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(data, 1, size, f);
    fclose(f);
    int found = 0;
    long st = 0;
    (void)whpc_checkpoint_read(ck, path, &found, &st);
  }
  whpc_err_clear();
  whpc_checkpoint_destroy(&ck);
  return 0;
}
