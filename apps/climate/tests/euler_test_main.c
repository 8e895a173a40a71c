/* euler_test_main.c — whpc-climate's main for the euler tests while apps/climate/src/main.c does
 * not yet declare whpc_ncio_keys and whpc_checkpoint_keys (the restart test sets checkpoint.*,
 * scaling runs output.enabled). Same keys and dispatch otherwise; only model = euler runs. */
#include <string.h>
#include <whpc.h>
#include <whpc_ncio.h>
#include "clim_euler.h"

static const whpc_cfg_key MODEL_KEYS[] = {
    {"model", WHPC_CFG_ENUM, "euler", "", WHPC_CFG_ANY, "euler|shallow_water_sphere",
     "dynamical core (only euler in this test driver)"},
};
/* stand-in until libwhpc declares output.enabled itself */
static const whpc_cfg_key OUTPUT_KEYS[] = {
    {"output.enabled", WHPC_CFG_BOOL, "true", "", WHPC_CFG_ANY, NULL,
     "write field files (NetCDF); false for pure scaling runs (report.json is always written)"},
};

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"whpc-climate", "nonhydrostatic compressible core (euler test driver)", NULL, 1};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, MODEL_KEYS, WHPC_NKEYS(MODEL_KEYS)));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_ncio_keys, whpc_ncio_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys));
  if (!strcmp(whpc_config_origin(ctx, "output.enabled"), "undeclared"))
    WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, OUTPUT_KEYS, WHPC_NKEYS(OUTPUT_KEYS)));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, clim_euler_keys, clim_euler_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_load(ctx, argc, argv));
  int model;
  WHPC_MAIN(whpc_comm(ctx), whpc_config_get_enum(ctx, "model", &model, NULL));
  WHPC_MAIN(whpc_comm(ctx), model == 0 ? clim_euler_run(ctx)
                                       : WHPC_RAISE(WHPC_ERR_INPUT, "this test driver runs only model = euler"));
  return whpc_finalize(&ctx);
}
