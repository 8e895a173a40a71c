/* swe_test_main.c — whpc-climate's main for the swe tests while apps/climate/src/main.c does
 * not yet declare whpc_ncio_keys and whpc_checkpoint_keys (which NetCDF output and restarts
 * read). Same keys and dispatch otherwise; only model = shallow_water_sphere runs. */
#include <whpc.h>
#include <whpc_ncio.h>
#include "clim_swe.h"

static const whpc_cfg_key MODEL_KEYS[] = {
    {"model", WHPC_CFG_ENUM, "shallow_water_sphere", "", WHPC_CFG_ANY, "euler|shallow_water_sphere",
     "dynamical core (only shallow_water_sphere in this test driver)"},
};

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"whpc-climate", "global shallow-water model (test driver)", NULL, 1};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, MODEL_KEYS, WHPC_NKEYS(MODEL_KEYS)));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_ncio_keys, whpc_ncio_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, clim_swe_keys, clim_swe_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_load(ctx, argc, argv));
  int model;
  WHPC_MAIN(whpc_comm(ctx), whpc_config_get_enum(ctx, "model", &model, NULL));
  WHPC_MAIN(whpc_comm(ctx), model == 1 ? clim_swe_run(ctx)
                                       : WHPC_RAISE(WHPC_ERR_INPUT, "this test driver runs only model = shallow_water_sphere"));
  return whpc_finalize(&ctx);
}
