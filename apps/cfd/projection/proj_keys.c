/* proj_keys.c — the keys of the projection solver and their cross checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cfd_projection.h"
#include "proj.h"

#define BC_CHOICES "auto|wall|moving_wall|inflow|outflow|periodic"

const whpc_cfg_key cfd_projection_keys[] = {
    {"case", WHPC_CFG_ENUM, "cavity", "", WHPC_CFG_ANY, "cavity|cavity3d|poiseuille|taylor_green|kovasznay",
     "flow set-up (initial and boundary conditions, reference solution)"},
    {"grid.n", WHPC_CFG_INT_LIST, "64,64", "", 1, 1e9, NULL,
     "cells per direction: nx,ny (2D) or nx,ny,nz (3D)"},
    {"grid.length", WHPC_CFG_REAL_LIST, "", "", 1e-300, 1e300, NULL,
     "domain lengths Lx,Ly[,Lz] (empty: the case's domain)"},
    {"grid.dims", WHPC_CFG_INT_LIST, "", "", 0, 1e6, NULL, "process grid (empty or 0: automatic)"},
    {"grid.stretch", WHPC_CFG_ENUM, "none", "", WHPC_CFG_ANY, "none|tanh",
     "tanh: cells clustered at both walls of grid.stretch_dir (centres x = L/2 (1 + tanh(beta(2s-1))/tanh(beta)))"},
    {"grid.stretch_dir", WHPC_CFG_ENUM, "y", "", WHPC_CFG_ANY, "x|y|z", "the stretched direction (walls at both ends)"},
    {"grid.stretch_beta", WHPC_CFG_REAL, "1.5", "", 1e-3, 10, NULL,
     "tanh stretching strength (larger: finer at the walls; 1.5 at 64 cells: largest/smallest spacing 5.2)"},
    {"flow.nu", WHPC_CFG_REAL, "0.01", "m2 s-1", 0, 1e12, NULL,
     "kinematic viscosity (cavity: 1/Re with lid speed 1 and side 1)"},
    {"flow.force", WHPC_CFG_REAL_LIST, "", "m s-2", WHPC_CFG_ANY, NULL,
     "body force fx,fy[,fz] (empty: the case's force)"},
    {"scheme.convection", WHPC_CFG_ENUM, "central", "", WHPC_CFG_ANY, "central|quick",
     "convective interpolation: central (2nd order) or quick (upwind-biased, 3rd-order interpolation)"},
    {"time.cfl", WHPC_CFG_REAL, "0.5", "", 0, 1, NULL, "advective CFL number of the adaptive step (0,1]"},
    {"time.visc_number", WHPC_CFG_REAL, "0.4", "", 0, 0.45, NULL,
     "viscous step limit dt*nu*sum(1/h^2) (RK3 stability with the wall closure: <= 0.45)"},
    {"time.dt", WHPC_CFG_REAL, "0", "s", 0, 1e300, NULL, "fixed time step (0: adaptive)"},
    {"time.t_end", WHPC_CFG_REAL, "1", "s", 0, 1e300, NULL, "end time (steady runs: upper bound)"},
    {"time.max_steps", WHPC_CFG_INT, "10000000", "", 0, 1e15, NULL, "upper bound on the number of steps"},
    {"steady.enabled", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "stop when the momentum residual max|du/dt| falls below steady.tol"},
    {"steady.tol", WHPC_CFG_REAL, "1e-6", "m s-2", 0, 1e300, NULL, "steady-state tolerance on max|du/dt|"},
    {"steady.method", WHPC_CFG_ENUM, "time", "", WHPC_CFG_ANY, "time|newton",
     "time: march the RK3 projection scheme until max|du/dt| <= steady.tol; newton: solve the same discrete "
     "steady equations with PETSc SNES (implies steady.enabled; options prefix -newton_ in petsc.options)"},
    {"steady.nu_continuation", WHPC_CFG_REAL_LIST, "", "m2 s-1", 1e-300, 1e300, NULL,
     "newton: viscosities solved first, each solution the next initial guess (cavity Re 1000: 0.01,0.0025)"},
    {"pressure.solver", WHPC_CFG_ENUM, "fft", "", WHPC_CFG_ANY, "fft|petsc",
     "fft: direct DCT/DFT solve (periodic/Neumann/Dirichlet per direction); petsc: KSP on a DMDA"},
    {"pressure.rtol", WHPC_CFG_REAL, "1e-12", "", 0, 1, NULL, "relative tolerance of the petsc solve"},
    {"petsc.options", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "PETSc options inserted before the solver is set up, e.g. \"-ksp_type cg -pc_type gamg\""},
    {"bc.xlo", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, BC_CHOICES, "boundary at x = 0 (auto: the case's)"},
    {"bc.xhi", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, BC_CHOICES, "boundary at x = Lx"},
    {"bc.ylo", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, BC_CHOICES, "boundary at y = 0"},
    {"bc.yhi", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, BC_CHOICES, "boundary at y = Ly"},
    {"bc.zlo", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, BC_CHOICES, "boundary at z = 0 (3D)"},
    {"bc.zhi", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, BC_CHOICES, "boundary at z = Lz (3D)"},
    {"bc.velocity", WHPC_CFG_REAL_LIST, "", "m s-1", WHPC_CFG_ANY, NULL,
     "velocity of moving walls / uniform inflow given per face as 6 x 3 values (empty: the case's)"},
    {"convergence.levels", WHPC_CFG_INT, "1", "", 1, 5, NULL,
     "grids run for an order-of-accuracy study: grid.n/2^(levels-1) ... grid.n"},
    {"output.fields_every", WHPC_CFG_INT, "0", "", 0, 1e15, NULL, "steps between field snapshots (0: final only)"},
    {"projection.output_faces", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "also write the staggered velocities u_face, v_face, w_face (sample (i,j,k) on the low face of cell (i,j,k))"},
    {"output.diag_every", WHPC_CFG_INT, "10", "", 1, 1e15, NULL, "steps between diagnostics lines (CSV)"},
    {"validation.ghia_tol", WHPC_CFG_REAL, "0.015", "", 0, 1, NULL,
     "max deviation from Ghia et al. (1982) centreline tables (issue: 0.015 at 128^2, Re 100/400)"},
};
const int cfd_projection_nkeys = WHPC_NKEYS(cfd_projection_keys);

const char *proj_bc_name(proj_bc_kind k) {
  static const char *names[] = {"wall", "moving_wall", "inflow", "outflow", "periodic"};
  return names[k];
}

static const char *FACE_KEYS[6] = {"bc.xlo", "bc.xhi", "bc.ylo", "bc.yhi", "bc.zlo", "bc.zhi"};

int proj_params_read(whpc_ctx_t ctx, proj_params *prm) {
  memset(prm, 0, sizeof(*prm));
  int idx;
  WHPC_CALL(whpc_config_get_enum(ctx, "case", &idx, &prm->case_name));
  prm->case_id = (proj_case_id)idx;

  long *n = NULL;
  int nn = 0;
  WHPC_CALL(whpc_config_get_int_list(ctx, "grid.n", &n, &nn));
  if (nn != 2 && nn != 3) {
    free(n);
    return whpc_config_error(ctx, "grid.n", "expected 2 or 3 cell counts (nx,ny[,nz]), got %d", nn);
  }
  prm->ndims = nn;
  for (int d = 0; d < 3; d++) prm->n[d] = d < nn ? n[d] : 1;
  free(n);
  if (prm->case_id == CASE_CAVITY3D && prm->ndims != 3)
    return whpc_config_error(ctx, "grid.n", "case cavity3d needs 3 cell counts, got %d", nn);
  if (prm->case_id != CASE_CAVITY3D && prm->case_id != CASE_CAVITY && prm->ndims != 2)
    return whpc_config_error(ctx, "grid.n", "case %s is 2D: give nx,ny", prm->case_name);

  WHPC_CALL(whpc_config_get_real(ctx, "flow.nu", &prm->nu));
  if (!(prm->nu > 0))
    return whpc_config_error(ctx, "flow.nu", "must be > 0 (kinematic viscosity), got %g", prm->nu);

  proj_case_defaults(prm);

  double *v = NULL;
  int nv = 0;
  WHPC_CALL(whpc_config_get_real_list(ctx, "grid.length", &v, &nv));
  if (nv) {
    if (nv != prm->ndims) {
      free(v);
      return whpc_config_error(ctx, "grid.length", "expected %d lengths, got %d", prm->ndims, nv);
    }
    for (int d = 0; d < nv; d++) prm->length[d] = v[d];
  }
  free(v);
  WHPC_CALL(whpc_config_get_real_list(ctx, "flow.force", &v, &nv));
  if (nv) {
    if (nv != prm->ndims) {
      free(v);
      return whpc_config_error(ctx, "flow.force", "expected %d components, got %d", prm->ndims, nv);
    }
    for (int d = 0; d < nv; d++) prm->force[d] = v[d];
  }
  free(v);
  WHPC_CALL(whpc_config_get_int_list(ctx, "grid.dims", &n, &nn));
  if (nn && nn != prm->ndims) {
    free(n);
    return whpc_config_error(ctx, "grid.dims", "expected %d process counts, got %d", prm->ndims, nn);
  }
  for (int d = 0; d < nn; d++) prm->dims[d] = (int)n[d];
  free(n);

  for (int f = 0; f < 2 * prm->ndims; f++) {
    const char *word;
    WHPC_CALL(whpc_config_get_enum(ctx, FACE_KEYS[f], &idx, &word));
    if (idx > 0) {
      proj_face_bc *b = &prm->bc[f];
      const proj_bc_kind was = b->kind, kind = (proj_bc_kind)(idx - 1);
      b->kind = kind;
      if (kind != was) { /* a changed face forgets the case's values (lid speed, exact profile) */
        b->profile = 0;
        b->vel[0] = b->vel[1] = b->vel[2] = 0.0;
      }
      if (kind == BC_INFLOW && !b->profile && b->vel[f / 2] == 0)
        b->vel[f / 2] = (f % 2) ? -1.0 : 1.0; /* unit inflow unless bc.velocity says otherwise */
    }
  }
  WHPC_CALL(whpc_config_get_real_list(ctx, "bc.velocity", &v, &nv));
  if (nv) {
    if (nv != 18) {
      free(v);
      return whpc_config_error(ctx, "bc.velocity", "expected 18 values (6 faces x 3 components), got %d", nv);
    }
    for (int f = 0; f < 6; f++)
      for (int c = 0; c < 3; c++) prm->bc[f].vel[c] = v[3 * f + c];
  }
  free(v);
  for (int d = 0; d < prm->ndims; d++) {
    int plo = prm->bc[2 * d].kind == BC_PERIODIC, phi = prm->bc[2 * d + 1].kind == BC_PERIODIC;
    if (plo != phi)
      return whpc_config_error(ctx, FACE_KEYS[2 * d + plo], "periodic must be set on both %s and %s",
                               FACE_KEYS[2 * d], FACE_KEYS[2 * d + 1]);
    for (int s = 0; s < 2; s++) {
      const proj_face_bc *b = &prm->bc[2 * d + s];
      if ((b->kind == BC_WALL || b->kind == BC_MOVING) && b->vel[d] != 0)
        return whpc_config_error(ctx, "bc.velocity", "a wall cannot move through itself (face %s, component %d = %g)",
                                 FACE_KEYS[2 * d + s], d, b->vel[d]);
    }
  }
  /* The stencil reaches 2 cells (QUICK) and the wall closure 2 interior cells. */
  for (int d = 0; d < prm->ndims; d++)
    if (prm->n[d] < 3)
      return whpc_config_error(ctx, "grid.n", "at least 3 cells per direction are needed by the stencil, got %ld in direction %d",
                               prm->n[d], d);

  WHPC_CALL(whpc_config_get_enum(ctx, "grid.stretch", &prm->stretch, NULL));
  WHPC_CALL(whpc_config_get_enum(ctx, "grid.stretch_dir", &prm->stretch_dir, NULL));
  WHPC_CALL(whpc_config_get_real(ctx, "grid.stretch_beta", &prm->stretch_beta));
  if (prm->stretch) {
    const int d = prm->stretch_dir;
    if (d >= prm->ndims)
      return whpc_config_error(ctx, "grid.stretch_dir", "direction %c does not exist in a %dD grid", "xyz"[d], prm->ndims);
    if (prm->bc[2 * d].kind == BC_PERIODIC)
      return whpc_config_error(ctx, "grid.stretch_dir", "direction %c is periodic: stretching needs walls at both ends",
                               "xyz"[d]);
  }
  WHPC_CALL(whpc_config_get_real(ctx, "time.cfl", &prm->cfl));
  if (!(prm->cfl > 0)) return whpc_config_error(ctx, "time.cfl", "must be in (0,1], got %g", prm->cfl);
  WHPC_CALL(whpc_config_get_real(ctx, "time.visc_number", &prm->visc_number));
  if (!(prm->visc_number > 0))
    return whpc_config_error(ctx, "time.visc_number", "must be in (0,0.45], got %g", prm->visc_number);
  WHPC_CALL(whpc_config_get_real(ctx, "time.dt", &prm->dt_fixed));
  WHPC_CALL(whpc_config_get_real(ctx, "time.t_end", &prm->t_end));
  WHPC_CALL(whpc_config_get_int(ctx, "time.max_steps", &prm->max_steps));
  WHPC_CALL(whpc_config_get_bool(ctx, "steady.enabled", &prm->steady));
  WHPC_CALL(whpc_config_get_real(ctx, "steady.tol", &prm->steady_tol));
  WHPC_CALL(whpc_config_get_enum(ctx, "steady.method", &idx, NULL));
  prm->newton = idx == 1;
  WHPC_CALL(whpc_config_get_real_list(ctx, "steady.nu_continuation", &v, &nv));
  if (nv > (int)(sizeof prm->nu_cont / sizeof prm->nu_cont[0])) {
    free(v);
    return whpc_config_error(ctx, "steady.nu_continuation", "at most 16 viscosities, got %d", nv);
  }
  for (int i = 0; i < nv; i++) prm->nu_cont[i] = v[i];
  prm->n_nu_cont = nv;
  free(v);
  if (nv && !prm->newton)
    return whpc_config_error(ctx, "steady.nu_continuation", "is used by steady.method = newton only (method is time)");
  if (prm->newton) {
    prm->steady = 1;
    /* the outflow face is not fixed data (the time-stepper corrects it in the projection) */
    for (int f = 0; f < 2 * prm->ndims; f++)
      if (prm->bc[f].kind == BC_OUTFLOW)
        return whpc_config_error(ctx, "steady.method", "newton does not support outflow faces (%s = outflow): use "
                                 "steady.method = time", FACE_KEYS[f]);
  }
  WHPC_CALL(whpc_config_get_enum(ctx, "scheme.convection", &idx, NULL));
  prm->conv = (proj_conv_kind)idx;
  if (prm->stretch && prm->conv != CONV_CENTRAL)
    return whpc_config_error(ctx, "scheme.convection", "quick is not implemented on a stretched grid (grid.stretch = "
                             "tanh): use central");
  WHPC_CALL(whpc_config_get_enum(ctx, "pressure.solver", &idx, NULL));
  prm->psolver = (proj_psolver_kind)idx;
  WHPC_CALL(whpc_config_get_real(ctx, "pressure.rtol", &prm->pressure_rtol));
  WHPC_CALL(whpc_config_get_string(ctx, "petsc.options", &prm->petsc_options));
  long l;
  WHPC_CALL(whpc_config_get_int(ctx, "convergence.levels", &l));
  prm->levels = (int)l;
  for (int d = 0; d < prm->ndims; d++)
    if (prm->levels > 1 && (prm->n[d] % (1L << (prm->levels - 1)) || (prm->n[d] >> (prm->levels - 1)) < 4))
      return whpc_config_error(ctx, "convergence.levels",
                               "%d levels need grid.n divisible by %ld with >= 4 cells on the coarsest grid",
                               prm->levels, 1L << (prm->levels - 1));
  WHPC_CALL(whpc_config_get_int(ctx, "output.fields_every", &prm->output_every));
  WHPC_CALL(whpc_config_get_int(ctx, "output.diag_every", &prm->diag_every));
  WHPC_CALL(whpc_config_get_bool(ctx, "projection.output_faces", &prm->output_faces));
  WHPC_CALL(whpc_config_get_real(ctx, "validation.ghia_tol", &prm->ghia_tol));

  if (prm->newton) {
    /* PETSc's DMDA colouring needs periodic sizes divisible by 2 * stencil width + 1 */
    const long w = prm->conv == CONV_QUICK ? 5 : 3;
    for (int d = 0; d < prm->ndims; d++)
      if (prm->bc[2 * d].kind == BC_PERIODIC && prm->n[d] % w)
        return whpc_config_error(ctx, "grid.n", "steady.method = newton needs periodic direction %d divisible by %ld "
                                 "(finite-difference colouring of the DMDA), got %ld", d, w, prm->n[d]);
  }
  if (prm->psolver == PSOLVE_FFT)
    for (int d = 0; d < prm->ndims; d++) {
      int dlo = prm->bc[2 * d].kind == BC_OUTFLOW, dhi = prm->bc[2 * d + 1].kind == BC_OUTFLOW;
      if (dlo != dhi)
        return whpc_config_error(ctx, "pressure.solver",
                                 "fft needs the same pressure condition on both ends of a direction (%s is outflow, "
                                 "%s is not): use pressure.solver = petsc",
                                 FACE_KEYS[2 * d + !dlo], FACE_KEYS[2 * d + dlo]);
    }
  return WHPC_OK;
}
