/* swe_par.h — the only MPI of the swe model: whole latitude circles gathered in the row
 * communicator (polar filter, polar-cap vorticity), global sums and the checksum. */
#ifndef SWE_PAR_H
#define SWE_PAR_H
#include <stdint.h>
#include <whpc.h>
#include "swe_filter.h"
#include "swe_kernels.h"

typedef struct swe_par_s *swe_par_t;

/* Collective on g's communicator. filter may be NULL (no polar filter). */
int swe_par_create(whpc_decomp_t g, const swe_grid *gr, whpc_halo_t halo, swe_filter_t filter, swe_par_t *out);
int swe_par_destroy(swe_par_t *p);

/* swe_ops callbacks (ctx = swe_par_t). */
int swe_par_exchange(void *ctx, double *h, double *u, double *v);
int swe_par_filter(void *ctx, double *dh, double *du, double *dv);

/* Collective: polar-cap vorticity into the pole corners of zeta (from the whole polar row of u,
 * summed in global longitude order so every decomposition gives the same bits). */
int swe_par_pole_vorticity(swe_par_t p, const double *u, double *zeta);

/* Collective reductions over all ranks (in place). */
int swe_par_sum(swe_par_t p, double *v, int n);
int swe_par_max(swe_par_t p, double *v, int n);
int swe_par_min(swe_par_t p, double *v, int n);
/* Collective: order-independent 64-bit checksum of (global index, field, value bits) of the
 * owned points of nf ghosted arrays: the same at any rank count when the fields are. */
int swe_par_checksum(swe_par_t p, const double *const *fields, int nf, uint64_t *sum);
/* Collective: broadcast n doubles from rank 0. */
int swe_par_bcast(swe_par_t p, double *v, long n);

#endif
