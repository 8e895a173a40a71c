/* swe_io.c — NetCDF output: winds and vorticity are averaged to cell centres so every field
 * shares the (lat, lon) grid that CDO, xarray and GDAL expect. */
#include "swe_io.h"
#include <math.h>
#include <stdlib.h>

int swe_out_create(whpc_ctx_t ctx, whpc_decomp_t g, const swe_grid *gr, const char *path, const char *title,
                   const double *hs, swe_out *o) {
  *o = (swe_out){0};
  const long nlon = gr->nlon, nlat = gr->nlat;
  const double dl = 360.0 / (double)nlon, dp = 180.0 / (double)nlat;
  double *lon, *lat, *lonb, *latb;
  WHPC_MALLOC(lon, nlon);
  WHPC_MALLOC(lonb, 2 * nlon);
  WHPC_MALLOC(lat, nlat);
  WHPC_MALLOC(latb, 2 * nlat);
  for (long i = 0; i < nlon; i++) lon[i] = (double)i * dl, lonb[2 * i] = lon[i] - 0.5 * dl, lonb[2 * i + 1] = lon[i] + 0.5 * dl;
  for (long j = 0; j < nlat; j++)
    lat[j] = -90.0 + ((double)j + 0.5) * dp, latb[2 * j] = -90.0 + (double)j * dp, latb[2 * j + 1] = -90.0 + (double)(j + 1) * dp;
  latb[0] = -90.0, latb[2 * nlat - 1] = 90.0;
  const whpc_nc_axis axes[2] = {
      {"lon", "degrees_east", "longitude", "longitude", "X", NULL, lon, lonb},
      {"lat", "degrees_north", "latitude", "latitude", "Y", NULL, lat, latb},
  };
  whpc_nc_opts opts = {.title = title, .references = "Williamson et al. 1992, J. Comput. Phys. 102:211-224"};
  WHPC_CALL(whpc_config_get_bool(ctx, "output.overwrite", &opts.overwrite));
  /* output.deflate / output.float32 exist when the executable declared whpc_ncio_keys */
  if (whpc_ncio_opts_from_config(ctx, &opts) != WHPC_OK) whpc_err_clear();
  const whpc_nc_type ty = opts.float32 ? WHPC_NC_FLOAT : WHPC_NC_DOUBLE;
  int rc = whpc_ncio_create(g, path, &opts, axes, &o->nc);
  free(lon), free(lat), free(lonb), free(latb);
  WHPC_CALL(rc);
  WHPC_CALL(whpc_ncio_def_time(o->nc, "seconds since 2000-01-01 00:00:00", "standard"));
  const whpc_nc_var vars[] = {
      {"height", "m", NULL, "free-surface height h + hs", "time: point", ty, 1, 9.96921e36, NULL},
      {"depth", "m", NULL, "fluid depth h", "time: point", ty, 1, 9.96921e36, NULL},
      {"u", "m s-1", "eastward_wind", "eastward velocity (C-grid faces averaged to centres)", "time: point", ty, 1, 9.96921e36, NULL},
      {"v", "m s-1", "northward_wind", "northward velocity (C-grid faces averaged to centres)", "time: point", ty, 1, 9.96921e36, NULL},
      {"vorticity", "s-1", "atmosphere_relative_vorticity", "relative vorticity (corner values averaged to centres)",
       "time: point", ty, 1, 9.96921e36, NULL},
      {"topography", "m", "surface_altitude", "bottom topography hs", NULL, ty, 0, 9.96921e36, NULL},
  };
  int *ids[] = {&o->vid_height, &o->vid_depth, &o->vid_u, &o->vid_v, &o->vid_zeta, &o->vid_topo};
  for (int k = 0; k < 6; k++) WHPC_CALL(whpc_ncio_def_var(o->nc, &vars[k], ids[k]));
  WHPC_CALL(whpc_ncio_put_att_text(o->nc, "grid", "regular latitude-longitude, Arakawa C staggering"));
  WHPC_CALL(whpc_ncio_enddef(o->nc));
  WHPC_CALL(whpc_ncio_write(o->nc, o->vid_topo, 0, hs));
  const size_t n = (size_t)gr->gx * (size_t)gr->gy;
  WHPC_MALLOC(o->height, n);
  WHPC_MALLOC(o->uc, n);
  WHPC_MALLOC(o->vc, n);
  WHPC_MALLOC(o->zc, n);
  return WHPC_OK;
}

int swe_out_write(swe_out *o, const swe_grid *gr, double t, const swe_state *s, const double *zeta) {
  long rec;
  if (!o->nc) return WHPC_OK; /* output.enabled = false */
  swe_to_centres(gr, s->h, s->u, s->v, s->hs, zeta, o->height, o->uc, o->vc, o->zc);
  WHPC_CALL(whpc_ncio_append_time(o->nc, t, &rec));
  WHPC_CALL(whpc_ncio_write(o->nc, o->vid_height, rec, o->height));
  WHPC_CALL(whpc_ncio_write(o->nc, o->vid_depth, rec, s->h));
  WHPC_CALL(whpc_ncio_write(o->nc, o->vid_u, rec, o->uc));
  WHPC_CALL(whpc_ncio_write(o->nc, o->vid_v, rec, o->vc));
  WHPC_CALL(whpc_ncio_write(o->nc, o->vid_zeta, rec, o->zc));
  return WHPC_OK;
}

static void free_work(swe_out *o) {
  free(o->height), free(o->uc), free(o->vc), free(o->zc);
  o->height = o->uc = o->vc = o->zc = NULL;
}

int swe_out_close(swe_out *o) {
  free_work(o);
  return o->nc ? whpc_ncio_close(&o->nc) : WHPC_OK;
}

int swe_out_abandon(swe_out *o) {
  free_work(o);
  return whpc_ncio_abandon(&o->nc);
}
