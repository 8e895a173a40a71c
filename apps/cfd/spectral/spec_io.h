/* spec_io.h — the spectral state seen through whpc_decomp, for whpc_checkpoint and whpc_ncio.
 * FFTW decides the slabs; with n a multiple of the rank count its blocks equal whpc_decomp's, so a
 * decomposition with process dims {1,1,P} (z, or ky in Fourier space, split) describes the same
 * ownership. The Fourier state (not real-space fields) is checkpointed: c2r followed by r2c is not
 * the identity in floating point, and restart must continue bit for bit. */
#ifndef CFD_SPEC_IO_H
#define CFD_SPEC_IO_H
#include <whpc.h>
#include "spec_diag.h"
#include "spec_solver.h"

/* Collective: the pencil process grid, chosen by whpc_decomp on the Fourier state of n^3 points
 * ({2n doubles of kz} x {n/2+1 kx} x {n ky}, process dims {1, p1, p2}) into *gk, and the transpose
 * blocks and row/column communicators into *pc (for cfd_spec_create). */
int cfd_spec_pencil_grid(whpc_ctx_t ctx, long n, whpc_decomp_t *gk, cfd_pencil *pc);
/* Collective. gk: Fourier state as doubles (re, im interleaved; slab: kx fastest, pencil: kz
 * fastest, gk already made by cfd_spec_pencil_grid), gr: real space. Checkpoints of a slab run and
 * of a pencil run are of different arrays: a restart must use the same decomposition kind. */
int cfd_spec_io_decomps(whpc_ctx_t ctx, const cfd_spec *s, whpc_decomp_t *gk, whpc_decomp_t *gr);
/* Collective: register u_hat, v_hat(, w_hat), time and step with a checkpoint. */
int cfd_spec_ckpt_register(whpc_ckpt_t ck, whpc_decomp_t gk, cfd_spec *s, double *t, long long *step);
/* Collective: final velocity field (and time as attribute) to a NetCDF-4 file. */
int cfd_spec_write_fields(whpc_ctx_t ctx, cfd_spec *s, whpc_decomp_t gr, const char *path, double t);
/* Collective: the diagnostics series (rank 0's copy) as NetCDF-4 1D variables on a `time` dimension. */
int cfd_spec_write_series_nc(whpc_ctx_t ctx, whpc_decomp_t gr, const char *path, const cfd_spec_hist *h, double nu,
                             double forcing_a);
#endif
