/* whpc-cfd: incompressible flow. `solver` picks the method; each solver owns its keys and its
 * run (grid, state, time loop, outputs, report): projection (MAC grid, PETSc/FFT pressure) or
 * spectral (periodic pseudo-spectral DNS on FFTW-MPI). */
#include <whpc.h>
#include <whpc_ncio.h>
#include "cfd_projection.h"
#include "cfd_spectral.h"

static const whpc_cfg_key CFD_KEYS[] = {
    {"solver", WHPC_CFG_ENUM, "projection", "", WHPC_CFG_ANY, "projection|spectral",
     "projection: finite-volume MAC solver for walls/inflow; spectral: periodic DNS"},
};

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"whpc-cfd", "incompressible Navier-Stokes (projection or pseudo-spectral)",
                              NULL, 1};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, CFD_KEYS, WHPC_NKEYS(CFD_KEYS)));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, cfd_projection_keys, cfd_projection_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, cfd_spectral_keys, cfd_spectral_nkeys));
  /* NetCDF output (output.deflate, output.float32) and restart (checkpoint.*) keys, shared by both */
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_ncio_keys, whpc_ncio_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys));
  WHPC_MAIN(whpc_comm(ctx), whpc_config_load(ctx, argc, argv));

  int solver;
  WHPC_MAIN(whpc_comm(ctx), whpc_config_get_enum(ctx, "solver", &solver, NULL));
  WHPC_MAIN(whpc_comm(ctx), solver == 0 ? cfd_projection_run(ctx) : cfd_spectral_run(ctx));
  return whpc_finalize(&ctx);
}
