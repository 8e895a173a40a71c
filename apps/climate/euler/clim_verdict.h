/* clim_verdict.h — reduced diagnostics and the per-case validation verdicts (report.json). */
#ifndef CLIM_VERDICT_H
#define CLIM_VERDICT_H
#include <whpc.h>
#include "clim_cases.h"
#include "clim_model.h"

/* Global diagnostics (identical on every rank and for every decomposition). */
typedef struct {
  double v[CLIM_DS_N];
  double mass, energy, wmax, thmin, thmax;
} clim_diag_sums;

/* Collective reductions, implemented in the driver (clim_euler_run.c). */
int clim_reduce_diag(whpc_ctx_t ctx, const clim_diag_local *loc, clim_diag_sums *out);
int clim_reduce_max(whpc_ctx_t ctx, double *v, int n);
int clim_reduce_xsum(whpc_ctx_t ctx, clim_xsum *s, int n);

typedef struct {
  whpc_ctx_t ctx;
  const clim_grid *g;
  const clim_params *p;
  const clim_case *cs;
  clim_case_id cid;
  double *const *q;
  whpc_halo_t halo;
  const clim_diag_sums *d;   /* diagnostics at the end time */
  double wmax_run;           /* max |w| over the diagnostics of the run */
  const double *reference;   /* igw: reference theta' (clim_reference_load) or NULL */
  double tolerance;          /* 0: the case's own */
} clim_verdict_in;

/* Collective: read and check the euler.reference file (path "" or NULL: none) before the run, so
 * that a bad file is a one-line input error before step 1. Only the igw case takes one; the file
 * must match the global grid and hold the solution at t_end. *ref is NULL without a file. */
int clim_reference_load(whpc_ctx_t ctx, clim_case_id cid, const char *path, const clim_grid *g, double t_end,
                        double **ref);

/* Collective: compute the case's verdicts at the end time, log them and add them to the report. */
int clim_verdicts(const clim_verdict_in *in);

#endif
