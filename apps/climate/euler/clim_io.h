/* clim_io.h — CF-1.8 NetCDF output of the euler core through whpc_ncio. */
#ifndef CLIM_IO_H
#define CLIM_IO_H
#include <whpc.h>
#include <whpc_ncio.h>
#include "clim_cases.h"
#include "clim_model.h"

typedef struct clim_out_s clim_out;

/* Collective: create path (as path.part until closed), define coordinates and variables. */
int clim_out_create(whpc_ctx_t ctx, whpc_decomp_t dec, const clim_grid *g, const clim_case *cs,
                    const char *path, clim_out **out);
/* Collective: append time t and the fields of state q (w->pp must hold p' of q on owned cells). */
int clim_out_write(clim_out *o, const clim_grid *g, const clim_params *p, double *const q[], const clim_work *w,
                   double t);
/* Collective: close (rename to the final name) or abandon (delete). NULL-safe. */
int clim_out_close(clim_out **o);
int clim_out_abandon(clim_out **o);

#endif
