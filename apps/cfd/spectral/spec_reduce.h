/* spec_reduce.h — MPI reductions of the spectral solver (collective on the run's communicator). */
#ifndef CFD_SPEC_REDUCE_H
#define CFD_SPEC_REDUCE_H
#include <whpc.h>
#include "spec_solver.h"

/* g[0] = Ek, g[1] = enstrophy (sums), g[2] = max |k.u_k| (max). */
int cfd_spec_reduce_sums(whpc_ctx_t ctx, const cfd_spec *s, double g[3]);
int cfd_spec_reduce_max(whpc_ctx_t ctx, double local, double *global);
/* Shell-binned E(k), nbins shells, summed over ranks. */
int cfd_spec_reduce_spectrum(whpc_ctx_t ctx, const cfd_spec *s, double *bins, int nbins);
#endif
