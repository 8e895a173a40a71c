/* swe_io.h — CF-1.8 NetCDF output of the swe model (cell-centre fields through whpc_ncio). */
#ifndef SWE_IO_H
#define SWE_IO_H
#include <whpc.h>
#include <whpc_ncio.h>
#include "swe_step.h"

typedef struct {
  whpc_ncfile_t nc;
  int vid_height, vid_depth, vid_u, vid_v, vid_zeta, vid_topo;
  double *height, *uc, *vc, *zc; /* cell-centre work arrays (ghosted size) */
} swe_out;

/* Collective: create <path> (written as <path>.part until closed), define lat/lon with bounds,
 * time and the fields, write the static topography. */
int swe_out_create(whpc_ctx_t ctx, whpc_decomp_t g, const swe_grid *gr, const char *path, const char *title,
                   const double *hs, swe_out *o);
/* Collective: append one record at t (s); zeta holds corner vorticity incl. pole corners. */
int swe_out_write(swe_out *o, const swe_grid *gr, double t, const swe_state *s, const double *zeta);
int swe_out_close(swe_out *o);
int swe_out_abandon(swe_out *o);

#endif
