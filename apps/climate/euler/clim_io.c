/* clim_io.c — CF-1.8 NetCDF output: coordinates with units and bounds, theta' written directly
 * (not full theta: in float32 that alone would cost ~0.5 % of theta'), u, (v), w, density and
 * pressure perturbation, time in "seconds since ...". */
#include <stdlib.h>
#include <string.h>
#include "clim_io.h"

enum { O_TH = 0, O_U, O_V, O_W, O_RHO, O_PP, O_N };

struct clim_out_s {
  whpc_ncfile_t f;
  int varid[O_N];
  double *buf[O_N];
  int ndim;
};

static int axis_coords(long n, double d, double **c, double **b) {
  WHPC_MALLOC(*c, n);
  WHPC_MALLOC(*b, 2 * n);
  for (long i = 0; i < n; i++) {
    (*c)[i] = ((double)i + 0.5) * d;
    (*b)[2 * i] = (double)i * d;
    (*b)[2 * i + 1] = (double)(i + 1) * d;
  }
  return WHPC_OK;
}

/* The variables and attributes of a created file, up to the end of its definition. */
static int define(clim_out *o, const clim_grid *g, const clim_case *cs) {
  WHPC_CALL(whpc_ncio_def_time(o->f, "seconds since 2000-01-01 00:00:00", "standard"));
  const whpc_nc_var vars[O_N] = {
      {"theta_prime", "K", NULL, "potential temperature perturbation from the hydrostatic background",
       "time: point", WHPC_NC_DOUBLE, 1, 9.96921e36, NULL},
      {"u", "m s-1", "x_wind", "velocity in x", "time: point", WHPC_NC_DOUBLE, 1, 9.96921e36, NULL},
      {"v", "m s-1", "y_wind", "velocity in y", "time: point", WHPC_NC_DOUBLE, 1, 9.96921e36, NULL},
      {"w", "m s-1", "upward_air_velocity", "vertical velocity", "time: point", WHPC_NC_DOUBLE, 1, 9.96921e36, NULL},
      {"rho", "kg m-3", "air_density", "air density", "time: point", WHPC_NC_DOUBLE, 1, 9.96921e36, NULL},
      {"p_prime", "Pa", NULL, "pressure perturbation from the hydrostatic background", "time: point",
       WHPC_NC_DOUBLE, 1, 9.96921e36, NULL},
  };
  for (int v = 0; v < O_N; v++) {
    o->varid[v] = -1;
    if (v == O_V && g->ndim != 3) continue;
    WHPC_CALL(whpc_ncio_def_var(o->f, &vars[v], &o->varid[v]));
    WHPC_MALLOC(o->buf[v], g->count);
  }
  WHPC_CALL(whpc_ncio_put_att_text(o->f, "featureType", "grid"));
  WHPC_CALL(whpc_ncio_put_att_text(o->f, "whpc_case", cs->name));
  WHPC_CALL(whpc_ncio_enddef(o->f));
  return WHPC_OK;
}

int clim_out_create(whpc_ctx_t ctx, whpc_decomp_t dec, const clim_grid *g, const clim_case *cs,
                    const char *path, clim_out **out) {
  clim_out *o;
  WHPC_MALLOC(o, 1);
  o->ndim = g->ndim;
  double *xc, *xb, *yc = NULL, *yb = NULL, *zc, *zb;
  WHPC_CALL(axis_coords(g->gnx, g->dx, &xc, &xb));
  WHPC_CALL(axis_coords(g->gnz, g->dz, &zc, &zb));
  if (g->ndim == 3) WHPC_CALL(axis_coords(g->gny, g->dy, &yc, &yb));
  whpc_nc_axis ax[3];
  const whpc_nc_axis X = {"x", "m", "projection_x_coordinate", "x distance", "X", NULL, xc, xb};
  const whpc_nc_axis Y = {"y", "m", "projection_y_coordinate", "y distance", "Y", NULL, yc, yb};
  const whpc_nc_axis Z = {"z", "m", "height", "height above the surface", "Z", "up", zc, zb};
  ax[0] = X;
  if (g->ndim == 3) {
    ax[1] = Y;
    ax[2] = Z;
  } else {
    ax[1] = Z;
  }
  whpc_nc_opts opts = {cs->title, NULL, cs->reference, 0, 1, 0};
  int rc = whpc_ncio_opts_from_config(ctx, &opts);
  if (rc == WHPC_OK) rc = whpc_ncio_create(dec, path, &opts, ax, &o->f);
  free(xc), free(xb), free(yc), free(yb), free(zc), free(zb);
  if (rc == WHPC_OK) rc = define(o, g, cs);
  if (rc) { /* a created file (euler.nc.part) goes too */
    clim_out_abandon(&o);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  *out = o;
  return WHPC_OK;
}

int clim_out_write(clim_out *o, const clim_grid *g, const clim_params *p, double *const q[], const clim_work *w,
                   double t) {
  const int G = CLIM_GHOST;
  for (long k = 0; k < g->nz; k++) {
    const double rb = g->rb[k + G], tb = g->tb[k + G];
    for (long j = 0; j < g->ny; j++)
      for (long i = 0; i < g->nx; i++) {
        long c = clim_idx(g, i, j, k);
        double r = rb + q[CLIM_R][c];
        o->buf[O_TH][c] = (tb + q[CLIM_T][c]) / r - tb / rb;
        o->buf[O_U][c] = q[CLIM_U][c] / r;
        o->buf[O_W][c] = q[CLIM_W][c] / r;
        if (g->ndim == 3) o->buf[O_V][c] = q[CLIM_V][c] / r;
        o->buf[O_RHO][c] = r;
        o->buf[O_PP][c] = w->pp[c];
      }
  }
  long rec;
  WHPC_CALL(whpc_ncio_append_time(o->f, t, &rec));
  for (int v = 0; v < O_N; v++)
    if (o->varid[v] >= 0) WHPC_CALL(whpc_ncio_write(o->f, o->varid[v], rec, o->buf[v]));
  (void)p;
  return WHPC_OK;
}

static void out_free(clim_out *o) {
  for (int v = 0; v < O_N; v++) free(o->buf[v]);
  free(o);
}

int clim_out_close(clim_out **o) {
  if (!o || !*o) return WHPC_OK;
  int rc = whpc_ncio_close(&(*o)->f);
  out_free(*o);
  *o = NULL;
  return rc;
}

int clim_out_abandon(clim_out **o) {
  if (!o || !*o) return WHPC_OK;
  int rc = whpc_ncio_abandon(&(*o)->f);
  out_free(*o);
  *o = NULL;
  return rc;
}
