/* Uses the installed headers and library: a 1D decomposition of 10 cells, sizes summed over ranks. */
#include <stdio.h>
#include <whpc.h>
int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"consumer", "install test", NULL, 0};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_load(ctx, argc, argv));
  whpc_decomp_t g;
  whpc_decomp_desc d = {1, {10, 1, 1}, {0, 0, 0}, {0, 0, 0}, 1, "cells"};
  WHPC_MAIN(whpc_comm(ctx), whpc_decomp_create(ctx, &d, &g));
  long nl[3], total = 0;
  whpc_decomp_local_size(g, nl);
  MPI_Allreduce(&nl[0], &total, 1, MPI_LONG, MPI_SUM, whpc_comm(ctx));
  if (whpc_rank(ctx) == 0) printf("consumer: %ld cells, whpc %s\n", total, whpc_version());
  whpc_decomp_destroy(&g);
  return whpc_finalize(&ctx);
}
