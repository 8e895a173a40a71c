/* proj_output.c — NetCDF-4 fields through whpc_ncio: cell-centred velocity, pressure,
 * vorticity and (2D) stream function on the cell-centre grid. */
#include <stdio.h>
#include <stdlib.h>
#include <whpc_ncio.h>
#include "proj.h"

int proj_write_fields(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm,
                      proj_state *s, const char *path) {
  static const char *AX[3] = {"x", "y", "z"}, *AXU[3] = {"X", "Y", "Z"};
  static const char *SN[3] = {"projection_x_coordinate", "projection_y_coordinate", "height"};
  double *coord[3] = {NULL, NULL, NULL};
  whpc_nc_axis axes[3];
  int enabled;
  WHPC_CALL(whpc_config_get_bool(ctx, "output.enabled", &enabled));
  if (!enabled) return WHPC_OK; /* scaling runs: report.json and CSVs only */
  for (int d = 0; d < g->ndims; d++) {
    WHPC_MALLOC(coord[d], g->n[d]);
    for (long i = 0; i < g->n[d]; i++)
      coord[d][i] = d == g->sdir ? g->gxc[i + PROJ_SOFF] : g->origin[d] + (i + 0.5) * g->h[d];
    axes[d] = (whpc_nc_axis){AX[d], "m", SN[d], "cell centre", AXU[d], NULL, coord[d], NULL};
  }
  int overwrite = 0;
  whpc_config_get_bool(ctx, "output.overwrite", &overwrite);
  char title[256];
  snprintf(title, sizeof title, "whpc-cfd projection solver, case %s", prm->case_name);
  whpc_nc_opts opts = {title, NULL, NULL, 0, 1, 0};
  (void)overwrite; /* output.dir is checked once by whpc_output_prepare; files inside it are ours */
  whpc_ncfile_t f = NULL;
  int rc = whpc_ncio_create(dec, path, &opts, axes, &f);
  for (int d = 0; d < 3; d++) free(coord[d]);
  WHPC_CALL(rc);

  static const char *VN[3] = {"u", "v", "w"};
  static const char *VL[3] = {"x velocity at cell centres", "y velocity at cell centres",
                              "z velocity at cell centres"};
  int vid[7], nv = 0;
  rc = whpc_ncio_def_time(f, "seconds since 2000-01-01 00:00:00", NULL); /* simulated time from 0 */
  for (int c = 0; c < g->ndims && !rc; c++) {
    whpc_nc_var v = {VN[c], "m s-1", NULL, VL[c], NULL, WHPC_NC_DOUBLE, 1, 9.96921e36, NULL};
    rc = whpc_ncio_def_var(f, &v, &vid[nv++]);
  }
  whpc_nc_var pv = {"p", "m2 s-2", NULL, "kinematic pressure p/rho", NULL, WHPC_NC_DOUBLE, 1, 9.96921e36, NULL};
  whpc_nc_var wv = {"vorticity", "s-1", NULL, g->ndims == 2 ? "z vorticity dv/dx - du/dy" : "vorticity magnitude",
                    NULL, WHPC_NC_DOUBLE, 1, 9.96921e36, NULL};
  whpc_nc_var sv = {"stream_function", "m2 s-1", NULL, "stream function, psi = 0 on y = 0", NULL, WHPC_NC_DOUBLE,
                    1, 9.96921e36, NULL};
  if (!rc) rc = whpc_ncio_def_var(f, &pv, &vid[nv++]);
  if (!rc) rc = whpc_ncio_def_var(f, &wv, &vid[nv++]);
  if (!rc && g->ndims == 2) rc = whpc_ncio_def_var(f, &sv, &vid[nv++]);
  static const char *FN[3] = {"u_face", "v_face", "w_face"};
  static const char *FL[3] = {"x velocity on the low x-face of each cell (x - dx/2)",
                              "y velocity on the low y-face of each cell (y - dy/2)",
                              "z velocity on the low z-face of each cell (z - dz/2)"};
  int fid[3] = {-1, -1, -1};
  for (int c = 0; c < g->ndims && !rc && prm->output_faces; c++) {
    whpc_nc_var v = {FN[c], "m s-1", NULL, FL[c], NULL, WHPC_NC_DOUBLE, 1, 9.96921e36, NULL};
    rc = whpc_ncio_def_var(f, &v, &fid[c]);
  }
  if (!rc) rc = whpc_ncio_put_att_double(f, "kinematic_viscosity", prm->nu);
  if (!rc) rc = whpc_ncio_enddef(f);
  long rec = 0;
  if (!rc) rc = whpc_ncio_append_time(f, s->t, &rec);
  double *tmp = NULL;
  if (!rc) tmp = calloc(g->count, sizeof(double));
  if (!rc && !tmp) rc = WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate an output buffer");
  int k = 0;
  for (int c = 0; c < g->ndims && !rc; c++) {
    proj_cell_velocity(g, c, s->u[c], tmp);
    rc = whpc_ncio_write(f, vid[k++], rec, tmp);
  }
  if (!rc) rc = whpc_ncio_write(f, vid[k++], rec, s->p);
  if (!rc) {
    proj_vorticity(g, s->u, tmp);
    rc = whpc_ncio_write(f, vid[k++], rec, tmp);
  }
  if (!rc && g->ndims == 2) {
    double pmin, xm, ym;
    rc = proj_stream_function(dec, g, s->u, tmp, &pmin, &xm, &ym);
    if (!rc) rc = whpc_ncio_write(f, vid[k++], rec, tmp);
  }
  for (int c = 0; c < g->ndims && !rc && prm->output_faces; c++) rc = whpc_ncio_write(f, fid[c], rec, s->u[c]);
  free(tmp);
  if (rc) {
    whpc_ncio_abandon(&f);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  WHPC_CALL(whpc_ncio_close(&f));
  whpc_report_add_output(ctx, path);
  return WHPC_OK;
}
