/* libFuzzer harness: the checkpoint/restart reader of libwhpc (restart files are user files).
 * One context and a 2D 12x9 grid for the whole run (MPI singleton); each input is written to a
 * file in /dev/shm and read back as a restart of a field "u" (double), "t" (double) and "step"
 * (int64) — the header, variable table, sizes and checksums are all checked on the way.
 * WHPC_FUZZ_MAKE_SEED=DIR: write a valid checkpoint into DIR (the seed corpus) and exit.
 *
 * Built with WHPC_FUZZ_RESIGN (fuzz_ckpt_signed): the FNV-1a header checksum rejects almost every
 * mutated header, so the plain harness rarely gets past it. This variant takes a control byte
 * first and then the file; the bits of the control byte choose which of the header's
 * consistency fields to repair before the reader sees it (magic, version, header size from
 * nvars, file size, app name), and bit 0 re-signs the header with its checksum — so the fuzzer
 * reaches the variable table (names, types, shapes, offsets, byte counts) and the data reads. */
#include <mpi.h>
#include <sanitizer/lsan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "whpc.h"

static whpc_ctx_t ctx;
static whpc_decomp_t grid;
static double u[(12 + 2) * (9 + 2)], t = 1.5;
static long long step = 42;
static char path[128], dir[96];

static void remove_input(void) {
  unlink(path);
  rmdir(dir);
}

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
  /* whpc_checkpoint_create no longer makes its directory (only the first write does): without
   * this mkdir every fopen below failed and the reader was never called */
  if (mkdir(dir, 0700) != 0) abort();
  atexit(remove_input);
  return 0;
}

#ifdef WHPC_FUZZ_RESIGN
/* ck_head in common/src/checkpoint.c (256 bytes, native order): magic 0, version 8, nvars 12,
 * header_bytes 16, file_bytes 24, config_hash 32, step 40, app 48 (64 bytes); entries of 128
 * bytes follow, then the 8-byte FNV-1a of everything before. */
static uint64_t fnv1a(const unsigned char *c, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ULL;
  return h;
}

static void repair(unsigned ctl, unsigned char *b, size_t n) {
  if (n < 256) return;
  uint32_t version = 1, nvars;
  if (ctl & 2) memcpy(b, "WHPCCKPT", 8);
  if (ctl & 4) memcpy(b + 8, &version, 4);
  memcpy(&nvars, b + 12, 4);
  uint64_t hb = 256 + (uint64_t)nvars * 128 + 8, fb = n;
  if (ctl & 8) memcpy(b + 16, &hb, 8);
  if (ctl & 16) memcpy(b + 24, &fb, 8);
  if (ctl & 32) {
    memset(b + 48, 0, 64);
    memcpy(b + 48, "whpc-fuzz", 9);
  }
  if ((ctl & 1) && hb <= n) {
    uint64_t sum = fnv1a(b, (size_t)hb - 8);
    memcpy(b + hb - 8, &sum, 8);
  }
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  whpc_ckpt_t ck;
#ifdef WHPC_FUZZ_RESIGN
  if (size < 1) return 0;
  unsigned ctl = data[0];
  unsigned char *copy = malloc(size - 1 ? size - 1 : 1);
  if (!copy) return 0;
  memcpy(copy, data + 1, size - 1);
  repair(ctl, copy, size - 1);
  data = copy;
  size--;
#endif
  if (make(&ck, dir)) {
    whpc_err_clear();
#ifdef WHPC_FUZZ_RESIGN
    free(copy);
#endif
    return 0;
  }
  FILE *f = fopen(path, "wb");
  if (!f) abort(); /* a harness that cannot write its input tests nothing */
  {
    fwrite(data, 1, size, f);
    fclose(f);
    int found = 0;
    long st = 0;
    (void)whpc_checkpoint_read(ck, path, &found, &st);
  }
  whpc_err_clear();
  whpc_checkpoint_destroy(&ck);
#ifdef WHPC_FUZZ_RESIGN
  free(copy);
#endif
  return 0;
}
