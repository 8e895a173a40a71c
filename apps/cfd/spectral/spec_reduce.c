/* spec_reduce.c — the MPI reductions of the spectral solver (everything else that communicates is
 * FFTW-MPI's transposes): sums over the modes each rank owns, the CFL velocity, spectra. */
#include <stdlib.h>

#include "spec_reduce.h"

int cfd_spec_reduce_sums(whpc_ctx_t ctx, const cfd_spec *s, double g[3]) {
  double loc[3];
  cfd_spec_local_sums(s, loc);
  WHPC_MPI(MPI_Allreduce(loc, g, 2, MPI_DOUBLE, MPI_SUM, whpc_comm(ctx)));
  WHPC_MPI(MPI_Allreduce(&loc[2], &g[2], 1, MPI_DOUBLE, MPI_MAX, whpc_comm(ctx)));
  return WHPC_OK;
}

int cfd_spec_reduce_max(whpc_ctx_t ctx, double local, double *global) {
  WHPC_MPI(MPI_Allreduce(&local, global, 1, MPI_DOUBLE, MPI_MAX, whpc_comm(ctx)));
  return WHPC_OK;
}

int cfd_spec_reduce_spectrum(whpc_ctx_t ctx, const cfd_spec *s, double *bins, int nbins) {
  double *loc = malloc(sizeof(double) * (size_t)nbins);
  WHPC_CHECK(loc, WHPC_ERR_MEM, "out of memory for the spectrum");
  cfd_spec_local_spectrum(s, loc, nbins);
  int rc = MPI_Allreduce(loc, bins, nbins, MPI_DOUBLE, MPI_SUM, whpc_comm(ctx));
  free(loc);
  WHPC_MPI(rc);
  return WHPC_OK;
}
