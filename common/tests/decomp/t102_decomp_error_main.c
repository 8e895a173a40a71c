/* t102_decomp_error_main — a program whose grid (3 cells) cannot go on 4 ranks (t102_decomp_error.sh). */
#include "whpc.h"

int main(int argc, char **argv) {
  whpc_app_info info = {"t102_decomp_error", "too many ranks for the grid", NULL, 0};
  whpc_ctx_t ctx;
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  whpc_decomp_desc desc = {1, {3, 1, 1}, {0, 0, 0}, {0, 0, 0}, 1, "grid"};
  whpc_decomp_t g;
  WHPC_MAIN(whpc_comm(ctx), whpc_decomp_create(ctx, &desc, &g));
  (void)whpc_decomp_destroy(&g);
  return whpc_finalize(&ctx);
}
