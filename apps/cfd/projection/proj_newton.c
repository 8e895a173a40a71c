/* proj_newton.c — steady mode by Newton's method (steady.method = newton): PETSc SNES on the
 * discrete steady equations of the time-stepper, so both modes converge to the same discrete
 * solution.
 *
 * Unknowns: a DMDA laid out exactly like the whpc decomposition, dof = ndims + 1 per cell: the
 * velocity components on the cell's LOW faces (the staggering of proj.h) and the cell pressure.
 * The high face of a non-periodic direction is boundary data (a ghost of the last rank, filled
 * by proj_bc_velocity), so it is not an unknown; the low boundary face is stored in the DMDA but
 * its row is the trivial equation u - u_boundary = 0.
 *
 * Residual (same kernels, halos and boundary closures as the time-stepper):
 *   momentum rows   F_c = (p_q - p_{q-e_c}) / h_c - H_c(u)       (H = proj_momentum_rhs)
 *   continuity rows F_p = div u                                    (proj_divergence's stencil)
 * The steady equations determine p up to a constant and one continuity row is implied by the
 * others (boundary fluxes balance), so the continuity row of global cell 0 is replaced by p = 0
 * (a pinned value keeps the matrix non-singular for a direct LU); the pressure is shifted to
 * zero mean afterwards.
 *
 * Jacobian: finite differences with the colouring of the DMDA box stencil (width 1 for central
 * convection, 2 for QUICK), rebuilt every second Newton iteration (-newton_snes_lag_jacobian 2).
 * Linear solver: LU through MUMPS (parallel), overridable with
 * petsc.options under the prefix -newton_ (e.g. -newton_pc_factor_mat_solver_type umfpack).
 * Continuation: steady.nu_continuation lists viscosities solved first, each solution the
 * initial guess of the next (e.g. Re 100 -> 400 -> 1000). */
#include <math.h>
#include <petscsnes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proj_petsc.h"

typedef struct {
  const proj_grid *g;
  proj_params prm; /* a copy: nu changes along the continuation */
  proj_state *s;
  whpc_halo_t hvel, hscal;
  int dof;
  int pin;        /* this rank owns global cell 0, whose continuity row is p = 0 */
  int whpc_rc;    /* a libwhpc error inside a PETSc callback */
  FILE *diag;     /* rank 0: one line per Newton iteration */
  int stage;
} newton_ctx;

/* Owned cells in DMDA order (x fastest), as offsets into the whpc ghosted arrays. */
#define FOR_OWNED(g, m, q)                                                                           \
  for (long k_ = 0, m = 0; k_ < (g)->nl[2]; k_++)                                                   \
    for (long j_ = 0; j_ < (g)->nl[1]; j_++)                                                        \
      for (long i_ = 0; i_ < (g)->nl[0]; i_++, m++)                                                 \
        for (size_t q = proj_at((g), i_, j_, k_), once_ = 1; once_; once_ = 0)

static void vec_to_state(newton_ctx *c, const PetscScalar *x) {
  const proj_grid *g = c->g;
  proj_state *s = c->s;
  const int nd = g->ndims, dof = c->dof;
  FOR_OWNED(g, m, q) {
    for (int cc = 0; cc < nd; cc++) s->u[cc][q] = x[m * dof + cc];
    s->p[q] = x[m * dof + nd];
  }
}

static void state_to_vec(newton_ctx *c, PetscScalar *x) {
  const proj_grid *g = c->g;
  proj_state *s = c->s;
  const int nd = g->ndims, dof = c->dof;
  FOR_OWNED(g, m, q) {
    for (int cc = 0; cc < nd; cc++) x[m * dof + cc] = s->u[cc][q];
    x[m * dof + nd] = s->p[q];
  }
}

/* Ghosts of u and p from their owned values: halos, then the boundary closures. */
static int fill_ghosts(newton_ctx *c) {
  WHPC_CALL(whpc_halo_exchange(c->hvel, (void *const *)c->s->u));
  proj_bc_velocity(c->g, &c->prm, c->s->u, c->s->t);
  void *pf[1] = {c->s->p};
  WHPC_CALL(whpc_halo_exchange(c->hscal, pf));
  proj_bc_pressure(c->g, &c->prm, c->s->p);
  return WHPC_OK;
}

static PetscErrorCode residual(SNES snes, Vec X, Vec F, void *vctx) {
  newton_ctx *c = vctx;
  const proj_grid *g = c->g;
  proj_state *s = c->s;
  const int nd = g->ndims, dof = c->dof;
  (void)snes;
  const PetscScalar *x;
  PetscScalar *f;
  PetscCall(VecGetArrayRead(X, &x));
  vec_to_state(c, x);
  PetscCall(VecRestoreArrayRead(X, &x));
  /* the raw low-boundary-face values, before the boundary fill overwrites them */
  for (int cc = 0; cc < nd; cc++) memcpy(s->uold[cc], s->u[cc], g->count * sizeof(double));
  int rc = fill_ghosts(c);
  if (rc) {
    c->whpc_rc = rc;
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "halo exchange failed in the Newton residual");
  }
  proj_momentum_rhs(g, &c->prm, s->u, s->h);
  proj_divergence(g, s->u, s->div);
  PetscCall(VecGetArray(F, &f));
  FOR_OWNED(g, m, q) {
    const long idx[3] = {i_, j_, k_};
    for (int cc = 0; cc < nd; cc++) {
      const int boundary_face = g->at_lo[cc] && idx[cc] == 0;
      f[m * dof + cc] = boundary_face ? s->uold[cc][q] - s->u[cc][q]
                                      : (s->p[q] - s->p[q - g->stride[cc]]) / proj_df(g, cc, idx[cc]) - s->h[cc][q];
    }
    f[m * dof + nd] = (c->pin && m == 0) ? s->p[q] : s->div[q];
  }
  PetscCall(VecRestoreArray(F, &f));
  return 0;
}

static PetscErrorCode monitor(SNES snes, PetscInt it, PetscReal fnorm, void *vctx) {
  newton_ctx *c = vctx;
  (void)snes;
  if (c->diag) fprintf(c->diag, "%d,%.6g,%d,%.6e\n", c->stage, c->prm.nu, (int)it, (double)fnorm);
  return 0;
}

/* Max over owned cells of |momentum rows| and |continuity rows| (pinned row excluded). */
static int residual_norms(newton_ctx *c, Vec F, double out[2]) {
  const PetscScalar *f;
  PCALL(VecGetArrayRead(F, &f));
  PetscInt n;
  PCALL(VecGetLocalSize(F, &n));
  out[0] = out[1] = 0.0;
  for (PetscInt i = 0; i < n; i++) {
    const int comp = (int)(i % c->dof);
    const double v = fabs(f[i]);
    if (comp < c->g->ndims) out[0] = fmax(out[0], v);
    else if (!(c->pin && i / c->dof == 0)) out[1] = fmax(out[1], v);
  }
  PCALL(VecRestoreArrayRead(F, &f));
  return WHPC_OK;
}

static int set_default(const char *name, const char *value) {
  PetscBool has = PETSC_FALSE;
  PCALL(PetscOptionsHasName(NULL, NULL, name, &has));
  if (!has) PCALL(PetscOptionsSetValue(NULL, name, value));
  return WHPC_OK;
}

int proj_newton_solve(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s,
                      whpc_halo_t hvel, whpc_halo_t hscal, FILE *diag, proj_newton_stats *st) {
  memset(st, 0, sizeof *st);
  newton_ctx c;
  memset(&c, 0, sizeof c);
  c.g = g;
  c.prm = *prm;
  c.s = s;
  c.hvel = hvel;
  c.hscal = hscal;
  c.dof = g->ndims + 1;
  c.diag = diag;
  c.pin = g->lo[0] == 0 && g->lo[1] == 0 && g->lo[2] == 0;
  if (diag) fprintf(diag, "stage,nu,newton_iteration,residual_norm2\n");

  const double t0 = whpc_wtime();
  MPI_Comm comm = MPI_COMM_NULL;
  DM da = NULL;
  int procs[3];
  WHPC_CALL(proj_petsc_dmda(dec, g, prm, c.dof, prm->conv == CONV_QUICK ? 2 : 1, 1, &comm, &da, procs));
  if (prm->petsc_options && *prm->petsc_options) {
    PetscErrorCode pe = PetscOptionsInsertString(NULL, prm->petsc_options);
    if (pe) return WHPC_RAISE(WHPC_ERR_INPUT, "petsc.options: PETSc cannot parse \"%s\"", prm->petsc_options);
  }
  /* a direct LU by default: MUMPS factors the saddle-point system (zero diagonal in the
   * continuity rows) with pivoting, in parallel */
  /* a new Jacobian (FD colouring + LU) every second iteration: cavity Re 1000 at 128^2 takes 16
   * iterations instead of 15 but 8 factorisations instead of 15 (6.1-6.8 s against 9.1-9.5 s) */
  WHPC_CALL(set_default("-newton_snes_lag_jacobian", "2"));
  WHPC_CALL(set_default("-newton_snes_lag_jacobian_persists", "true"));
  WHPC_CALL(set_default("-newton_ksp_type", "preonly"));
  WHPC_CALL(set_default("-newton_pc_type", "lu"));
#if defined(PETSC_HAVE_MUMPS)
  WHPC_CALL(set_default("-newton_pc_factor_mat_solver_type", "mumps"));
  WHPC_CALL(set_default("-newton_mat_mumps_icntl_7", "5")); /* METIS ordering: 1.6x faster factorisation at 128^2 */
#elif defined(PETSC_HAVE_SUPERLU_DIST)
  WHPC_CALL(set_default("-newton_pc_factor_mat_solver_type", "superlu_dist"));
#endif
  Vec X, F;
  Mat J;
  SNES snes;
  PCALL(DMCreateGlobalVector(da, &X));
  PCALL(VecDuplicate(X, &F));
  PCALL(DMCreateMatrix(da, &J));
  PCALL(SNESCreate(comm, &snes));
  PCALL(SNESSetOptionsPrefix(snes, "newton_"));
  PCALL(SNESSetDM(snes, da));
  PCALL(SNESSetFunction(snes, F, residual, &c));
  PCALL(SNESSetJacobian(snes, J, J, SNESComputeJacobianDefaultColor, NULL));
  /* converge to round-off: the continuity rows must reach the 1e-10 divergence gate */
  PCALL(SNESSetTolerances(snes, 1e-11, 1e-12, 1e-14, 50, 1000000));
  PCALL(SNESMonitorSet(snes, monitor, &c, NULL));
  PCALL(SNESSetFromOptions(snes));

  /* the continuation viscosities, then flow.nu */
  int nst = prm->n_nu_cont + 1, rc = WHPC_OK;
  PetscScalar *x;
  PCALL(VecGetArray(X, &x));
  state_to_vec(&c, x);
  PCALL(VecRestoreArray(X, &x));
  for (int k = 0; k < nst && !rc; k++) {
    c.stage = k;
    c.prm.nu = k < prm->n_nu_cont ? prm->nu_cont[k] : prm->nu;
    const double ts = whpc_wtime();
    PetscErrorCode pe = SNESSolve(snes, NULL, X);
    if (pe) {
      rc = c.whpc_rc ? c.whpc_rc : WHPC_RAISE(WHPC_ERR_NUMERIC, "steady.method = newton: PETSc error %d in SNESSolve at nu = %g", (int)pe, c.prm.nu);
      break;
    }
    SNESConvergedReason reason;
    PetscInt its, lits;
    PetscReal fn;
    PCALL(SNESGetConvergedReason(snes, &reason));
    PCALL(SNESGetIterationNumber(snes, &its));
    PCALL(SNESGetLinearSolveIterations(snes, &lits));
    PCALL(SNESGetFunctionNorm(snes, &fn));
    st->iterations += (int)its;
    st->linear_iterations += (int)lits;
    st->stages++;
    whpc_log(ctx, WHPC_LOG_INFO, "newton stage %d: nu = %g, %d iterations, |F|_2 = %.3e, %s, %.2f s", k, c.prm.nu,
             (int)its, (double)fn, SNESConvergedReasons[reason], whpc_wtime() - ts);
    if (reason == SNES_DIVERGED_LINEAR_SOLVE) {
      rc = WHPC_RAISE(WHPC_ERR_NUMERIC,
                      "steady.method = newton: the linear solve failed at nu = %g after %d Newton iterations (check "
                      "the -newton_ options in petsc.options; the default MUMPS LU pivots the zero diagonal of the "
                      "continuity rows, superlu_dist's static pivoting does not)",
                      c.prm.nu, (int)its);
      whpc_err_set_collective(1);
    } else if (reason < 0) {
      rc = WHPC_RAISE(WHPC_ERR_NUMERIC,
                      "steady.method = newton did not converge at nu = %g (SNES: %s after %d iterations, |F| = %.3e): "
                      "add intermediate viscosities to steady.nu_continuation",
                      c.prm.nu, SNESConvergedReasons[reason], (int)its, (double)fn);
      whpc_err_set_collective(1);
    }
  }
  if (!rc) {
    /* the final residual also leaves u, p and their ghosts consistent with X */
    PetscErrorCode pe = residual(snes, X, F, &c);
    if (pe) rc = c.whpc_rc ? c.whpc_rc : WHPC_RAISE(WHPC_ERR_NUMERIC, "PETSc error %d in the residual", (int)pe);
  }
  if (!rc) {
    double r[2];
    rc = residual_norms(&c, F, r);
    if (!rc) rc = proj_allreduce_max(dec, r, 2);
    st->residual_momentum = r[0];
    st->residual_continuity = r[1];
    /* zero-mean pressure, like the time-stepper's projection */
    double sum[2] = {0.0, 0.0};
    FOR_OWNED(g, m, q) {
      (void)m;
      sum[0] += s->p[q];
      sum[1] += 1.0;
    }
    if (!rc) rc = proj_allreduce_sum(dec, sum, 2);
    const double mean = sum[0] / sum[1];
    for (size_t q = 0; q < g->count; q++) s->p[q] -= mean;
  }
  PetscInt nfev = 0;
  SNESGetNumberFunctionEvals(snes, &nfev);
  st->function_evaluations = (long)nfev;
  SNESDestroy(&snes);
  MatDestroy(&J);
  VecDestroy(&X);
  VecDestroy(&F);
  DMDestroy(&da);
  proj_comm_free(&comm);
  st->time = whpc_wtime() - t0;
  return rc ? whpc_err_trace(rc, __FILE__, __LINE__, __func__) : WHPC_OK;
}
