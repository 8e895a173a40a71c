/* proj_poisson.c — the pressure Poisson problem lap(phi) = rhs on the MAC grid, dispatched to
 * the FFT direct solver or PETSc KSP. Boundary conditions follow the velocity boundaries:
 * Neumann where the normal velocity is given, phi = 0 on outflow faces, periodic. */
#include <stdlib.h>
#include "proj.h"

struct proj_poisson {
  proj_psolver_kind kind;
  void *impl;
};

int proj_poisson_create(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm,
                        proj_poisson **out) {
  (void)ctx;
  proj_poisson *ps;
  WHPC_MALLOC(ps, 1);
  ps->kind = prm->psolver;
  int rc = ps->kind == PSOLVE_FFT ? proj_fft_create(dec, g, prm, &ps->impl) : proj_petsc_create(dec, g, prm, &ps->impl);
  if (rc) {
    free(ps);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  *out = ps;
  return WHPC_OK;
}

int proj_poisson_solve(proj_poisson *ps, const double *rhs, double *phi, int *iterations) {
  *iterations = 0;
  if (ps->kind == PSOLVE_FFT) WHPC_CALL(proj_fft_solve(ps->impl, rhs, phi));
  else WHPC_CALL(proj_petsc_solve(ps->impl, rhs, phi, iterations));
  return WHPC_OK;
}

void proj_poisson_destroy(proj_poisson **ps) {
  if (!ps || !*ps) return;
  if ((*ps)->kind == PSOLVE_FFT) proj_fft_destroy((*ps)->impl);
  else proj_petsc_destroy((*ps)->impl);
  free(*ps);
  *ps = NULL;
}
