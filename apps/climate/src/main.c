/* whpc-climate: `model` picks the dynamical core; each model owns its keys and its run:
 * euler (nonhydrostatic compressible, x-z or x-y-z) or shallow_water_sphere (global lat-lon). */
#include <whpc.h>
#include <whpc_ncio.h>
#include "clim_euler.h"
#include "clim_swe.h"

static const whpc_cfg_key CLIMATE_KEYS[] = {
    {"model", WHPC_CFG_ENUM, "euler", "", WHPC_CFG_ANY, "euler|shallow_water_sphere",
     "euler: nonhydrostatic compressible core; shallow_water_sphere: global shallow-water model"},
};

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"whpc-climate", "nonhydrostatic dynamical core and global shallow-water model",
                              NULL, 1};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, CLIMATE_KEYS, WHPC_NKEYS(CLIMATE_KEYS)));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, clim_euler_keys, clim_euler_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, clim_swe_keys, clim_swe_nkeys));
  /* NetCDF output (output.deflate, output.float32) and restart (checkpoint.*) keys, shared by both */
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_ncio_keys, whpc_ncio_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_load(ctx, argc, argv));

  int model;
  WHPC_MAIN(whpc_comm(ctx), whpc_config_get_enum(ctx, "model", &model, NULL));
  WHPC_MAIN(whpc_comm(ctx), model == 0 ? clim_euler_run(ctx) : clim_swe_run(ctx));
  return whpc_finalize(&ctx);
}
