/* whpc-remote-sensing: a raster chain (reprojection, masks, band math, filters, terrain) run
 * block by block over MPI ranks with GDAL; each rank writes its tiles in place into one file that
 * becomes the GeoTIFF product (or is copied once to a COG),
 * statistics reduced exactly, AI chips and web tiles cut from the product, interrupted runs
 * resumable. See apps/remote_sensing/README.md. */
#include <whpc.h>

#include "rs_driver.h"
#include "rs_job.h"

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  rs_job job;
  rs_result res;
  const whpc_app_info info = {"whpc-remote-sensing",
                              "MPI tile processing of large rasters with GDAL (band math, filters, terrain, "
                              "statistics, COG, AI chips)",
                              NULL, 1};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, rs_keys, rs_nkeys));
  WHPC_MAIN(comm, whpc_config_load(ctx, argc, argv));
  rs_gdal_init(); /* GDAL_NUM_THREADS=1: parallelism comes from ranks */

  WHPC_MAIN(comm, whpc_output_prepare(ctx, "rs"));
  WHPC_MAIN(comm, rs_job_setup(ctx, &job));       /* inputs checked, expressions compiled */
  WHPC_MAIN(comm, rs_run_blocks(ctx, &job, &res)); /* blocks -> tiles in place; SIGTERM: exit 75 */
  WHPC_MAIN(comm, rs_stop_check(ctx, &job, "assembling the product")); /* SIGTERM: exit 75, rerun resumes */
  WHPC_MAIN(comm, rs_assemble_product(ctx, &job, &res)); /* rename or COG copy, statistics */
  WHPC_MAIN(comm, rs_stop_check(ctx, &job, "cutting chips"));
  WHPC_MAIN(comm, rs_make_chips(ctx, &job, &res));
  WHPC_MAIN(comm, rs_stop_check(ctx, &job, "making web tiles"));
  WHPC_MAIN(comm, rs_make_tiles(ctx, &job, &res)); /* web tiles, gdal2tiles.py layout */
  WHPC_MAIN(comm, rs_stop_check(ctx, &job, "writing the report"));
  WHPC_MAIN(comm, rs_finish(ctx, &job, &res));     /* report.json */

  rs_result_free(&res);
  rs_job_free(&job);
  return whpc_finalize(&ctx);
}
