/* libFuzzer harness: the libwhpc config parser (files and key=value overrides are user text).
 * Each input is split at the first 0x01 byte: before it the file text, after it up to 8
 * newline-separated command-line overrides. A fresh context per input (MPI is initialised once,
 * as a singleton), keys of every type with ranges, then every typed getter. */
#include <mpi.h>
#include <sanitizer/lsan_interface.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "whpc.h"

static const whpc_cfg_key keys[] = {
    {"a.int", WHPC_CFG_INT, "3", "", 0, 100, NULL, "int"},
    {"a.real", WHPC_CFG_REAL, "0.5", "m", -1, 1, NULL, "real"},
    {"a.bool", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL, "bool"},
    {"a.str", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL, "string"},
    {"a.enum", WHPC_CFG_ENUM, "fft", "", WHPC_CFG_ANY, "fft|petsc", "enum"},
    {"a.ilist", WHPC_CFG_INT_LIST, "1,2", "", 0, 1e6, NULL, "int list"},
    {"a.rlist", WHPC_CFG_REAL_LIST, "", "", WHPC_CFG_ANY, NULL, "real list"},
    {"b.req", WHPC_CFG_INT, "7", "", WHPC_CFG_ANY, NULL, "int"},
};

/* Open MPI's own start-up state (some of it allocated in plugins without frame pointers) is
 * not ours to check: leak detection is off while MPI starts, on for everything per input. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  __lsan_disable();
  MPI_Init(argc, argv);
  __lsan_enable();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  char *buf = malloc(size + 1);
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *over[8];
  int nover = 0;
  char *sep = memchr(buf, 1, size);
  if (sep) {
    *sep = '\0';
    for (char *s = sep + 1; *s && nover < 8;) {
      over[nover++] = s;
      char *nl = strchr(s, '\n');
      if (!nl) break;
      *nl = '\0';
      s = nl + 1;
    }
  }
  int argc = 1;
  char *argv0[] = {"fuzz_config", NULL};
  char **argv = argv0;
  static const whpc_app_info info = {"whpc-fuzz", "config fuzzing", NULL, 0, 0};
  whpc_ctx_t ctx = NULL;
  if (whpc_init(&argc, &argv, &info, &ctx) == 0) {
    if (whpc_config_add_keys(ctx, keys, WHPC_NKEYS(keys)) == 0 &&
        whpc_config_load_text(ctx, "fuzz.ini", buf, nover, over) == 0) {
      long i;
      double r;
      int b, idx, n;
      const char *s, *w;
      long *il = NULL;
      double *rl = NULL;
      (void)whpc_config_get_int(ctx, "a.int", &i);
      (void)whpc_config_get_real(ctx, "a.real", &r);
      (void)whpc_config_get_bool(ctx, "a.bool", &b);
      (void)whpc_config_get_string(ctx, "a.str", &s);
      (void)whpc_config_get_enum(ctx, "a.enum", &idx, &w);
      if (whpc_config_get_int_list(ctx, "a.ilist", &il, &n) == 0) free(il);
      if (whpc_config_get_real_list(ctx, "a.rlist", &rl, &n) == 0) free(rl);
      (void)whpc_config_text(ctx);
      (void)whpc_config_hash(ctx, "a.");
    }
    whpc_err_clear();
    (void)whpc_finalize(&ctx);
  }
  whpc_err_clear();
  free(buf);
  return 0;
}
