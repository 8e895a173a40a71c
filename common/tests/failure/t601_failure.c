/* t601_failure — one rank fails while the others wait in a collective: the job must end with a
 * non-zero exit within seconds (the test has a short timeout), not hang. Argument: the failing rank
 * ("last" by default) and mode "local" (one rank raises) or "agreed" (whpc_agree, printed once). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <whpc.h>

static int faulty_step(int fails) {
  WHPC_CHECK(!fails, WHPC_ERR_IO, "cannot write 'field.nc': disk full (simulated)");
  return WHPC_OK;
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"t601", "failure propagation test", NULL, 0};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  const char *mode = "local";
  for (int i = 1; i < argc; i++)
    if (strncmp(argv[i], "mode=", 5) == 0) mode = argv[i] + 5;
  int failing = whpc_size(ctx) - 1, rc = faulty_step(whpc_rank(ctx) == failing);
  if (strcmp(mode, "agreed") == 0) {
    int grc;
    whpc_agree(whpc_comm(ctx), rc, &grc);
    WHPC_MAIN(whpc_comm(ctx), grc);
  } else {
    WHPC_MAIN(whpc_comm(ctx), rc);
    MPI_Barrier(whpc_comm(ctx)); /* the healthy ranks wait here for the failed one */
    sleep(60);
  }
  return whpc_finalize(&ctx);
}
