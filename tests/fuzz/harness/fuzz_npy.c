/* libFuzzer harness: the .npy reader of whpc-ai-infer (inputs are user files). The reader takes a
 * path, so each input goes through one file in /dev/shm. Allocations must stay bounded by the file
 * size: run with -malloc_limit_mb (the ctest does). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "infer_engine.h"
#include "infer_npy.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!path[0]) snprintf(path, sizeof path, "/dev/shm/whpc-fuzz-npy-%d.npy", (int)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  for (int want_f32 = 0; want_f32 < 2; want_f32++) {
    infer_tensor t = {0};
    if (infer_npy_read(path, want_f32, &t) == 0) free(t.data);
  }
  return 0;
}
