/* proj_poisson_petsc.c — the pressure Poisson problem through PETSc KSP on a DMDA laid out
 * exactly like the whpc decomposition: same process grid, same ownership ranges (lx, ly, lz
 * from whpc_decomp_rank_box), ranks renumbered x fastest as DMDA expects. So vector entries map
 * one to one onto this rank's owned cells and no data moves before or after a solve.
 *
 * Operator: A = -lap (symmetric positive semi-definite), assembled through KSPSetComputeOperators
 * on any DMDA of the hierarchy, so every multigrid level gets the rediscretised operator of its
 * own spacing. Default solver: CG with geometric multigrid on the DMDA hierarchy (cell-centred Q0
 * coarsening n -> n/2, V-cycle, one Richardson step of processor-local symmetric Gauss-Seidel
 * (PCSOR) before and after, SVD on the coarse grid), overridable through petsc.options. With Q0
 * transfers a V-cycle needs ~9 CG iterations for rtol 1e-8 whatever the smoother; one SSOR sweep is
 * the cheapest smoother that keeps that count, exchanges no halo (Richardson + SOR skips the
 * residual) and needs no eigenvalue estimate at set-up: about half the flops of 4 Chebyshev/Jacobi
 * steps per solve (measured at 512^2, 2 ranks). The whole set-up (operators on every level,
 * multigrid hierarchy, coarse SVD) happens at creation, outside the solves. Pure Neumann/periodic
 * problems carry the constant null space. The previous increment is the initial guess (warm
 * start). */
#include <petscdmda.h>
#include <petscksp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proj_petsc.h"

typedef struct {
  const proj_params *prm;
  int ndims;
  double length[3];
  long nfine[3];
  const proj_grid *g; /* metrics of a stretched direction (fine level only: Galerkin coarse levels) */
} ops_ctx;

/* Cell volume of global cell (i, j, k) on a stretched grid (rows are scaled by it: symmetric). */
static double cell_volume(const proj_grid *g, const PetscInt gi[3]) {
  double v = 1.0;
  for (int d = 0; d < g->ndims; d++) v *= d == g->sdir ? g->gdc[gi[d] + PROJ_SOFF] : g->h[d];
  return v;
}

typedef struct {
  const proj_grid *g;
  MPI_Comm comm;
  DM da;
  Vec x, b;
  KSP ksp;
  MatNullSpace ns;
  ops_ctx ops;
} petsc_solver;

/* -lap on the cells of whatever DMDA the KSP (or a multigrid level) has. */
static PetscErrorCode compute_operator(KSP ksp, Mat J, Mat A, void *vctx) {
  const ops_ctx *c = vctx;
  DM da;
  PetscInt M, N, P, xs, ys, zs, xm, ym, zm;
  (void)J;
  PetscCall(KSPGetDM(ksp, &da));
  PetscCall(DMDAGetInfo(da, NULL, &M, &N, &P, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &xs, &ys, &zs, &xm, &ym, &zm));
  const PetscInt n[3] = {M, N, c->ndims > 2 ? P : 1};
  /* PCMG restricts residuals with the transpose of the Q0 interpolation, i.e. it sums the 2^ndims
   * fine cells of a coarse cell: scale coarse operators by the cell-volume ratio to match */
  double a[3], vol = 1.0;
  for (int d = 0; d < c->ndims; d++) vol *= (double)c->nfine[d] / (double)n[d];
  for (int d = 0; d < c->ndims; d++) a[d] = vol * (double)(n[d] * n[d]) / (c->length[d] * c->length[d]);
  int singular = 1;
  for (int f = 0; f < 2 * c->ndims; f++)
    if (c->prm->bc[f].kind == BC_OUTFLOW) singular = 0;
  for (PetscInt k = zs; k < zs + zm; k++)
    for (PetscInt j = ys; j < ys + ym; j++)
      for (PetscInt i = xs; i < xs + xm; i++) {
        MatStencil row = {.k = k, .j = j, .i = i, .c = 0}, col[7];
        PetscScalar val[7];
        const PetscInt gi[3] = {i, j, k};
        int nc = 1;
        double diag = 0.0;
        const int st = c->g->sdir >= 0 && n[0] == c->nfine[0] && n[1] == c->nfine[1];
        const double vol = st ? cell_volume(c->g, gi) : 1.0;
        for (int d = 0; d < c->ndims; d++)
          for (int side = 0; side < 2; side++) {
            const int edge = side ? gi[d] == n[d] - 1 : gi[d] == 0;
            const proj_bc_kind kind = c->prm->bc[2 * d + side].kind;
            /* stretched: face area / centre distance (the row times the cell volume) */
            double ad = a[d];
            if (st) {
              const long face = gi[d] + (side ? 1 : 0) + PROJ_SOFF;
              ad = vol / (d == c->g->sdir ? c->g->gdc[gi[d] + PROJ_SOFF] * c->g->gdf[face] : c->g->h[d] * c->g->h[d]);
            }
            if (!edge || kind == BC_PERIODIC) {
              col[nc] = row;
              if (d == 0) col[nc].i += side ? 1 : -1;
              if (d == 1) col[nc].j += side ? 1 : -1;
              if (d == 2) col[nc].k += side ? 1 : -1;
              val[nc++] = -ad;
              diag += ad;
            } else if (kind == BC_OUTFLOW) {
              diag += 2.0 * ad; /* phi = 0 on the face: ghost = -phi (uniform); stretched: df is the mirrored distance */
            }                     /* else Neumann: no flux */
          }
        col[0] = row;
        val[0] = diag;
        PetscCall(MatSetValuesStencil(A, 1, &row, nc, col, val, INSERT_VALUES));
      }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  if (singular) {
    MatNullSpace ns;
    PetscCall(MatNullSpaceCreate(PetscObjectComm((PetscObject)A), PETSC_TRUE, 0, NULL, &ns));
    PetscCall(MatSetNullSpace(A, ns));
    PetscCall(MatNullSpaceDestroy(&ns));
  }
  return 0;
}

static int ownership(whpc_decomp_t dec, const proj_grid *g, int d, PetscInt **l, int *p) {
  int dims[3];
  whpc_decomp_dims(dec, dims);
  *p = dims[d] > 0 ? dims[d] : 1;
  PetscInt *v;
  WHPC_MALLOC(v, *p);
  long start = 0;
  for (int q = 0; q < *p; q++) {
    long gidx[3] = {0, 0, 0};
    gidx[d] = start;
    whpc_box b;
    whpc_decomp_rank_box(dec, whpc_decomp_owner(dec, gidx), &b);
    v[q] = (PetscInt)(b.hi[d] - b.lo[d]);
    start = b.hi[d];
  }
  if (start != g->n[d]) {
    free(v);
    return WHPC_RAISE(WHPC_ERR_MPI, "ownership ranges of direction %d do not cover the grid", d);
  }
  *l = v;
  return WHPC_OK;
}

int proj_petsc_dmda(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, int dof, int sw, int box,
                    MPI_Comm *comm, DM *da, int procs[3]) {
  WHPC_CALL(proj_comm_dmda_order(dec, comm));
  PetscInt *l[3] = {NULL, NULL, NULL};
  int *p = procs;
  p[0] = p[1] = p[2] = 1;
  int rc = WHPC_OK;
  for (int d = 0; d < g->ndims && !rc; d++) rc = ownership(dec, g, d, &l[d], &p[d]);
  if (rc) {
    for (int d = 0; d < 3; d++) free(l[d]);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  DMBoundaryType bt[3];
  for (int d = 0; d < 3; d++) bt[d] = prm->bc[2 * d].kind == BC_PERIODIC ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
  const DMDAStencilType st = box ? DMDA_STENCIL_BOX : DMDA_STENCIL_STAR;
  PetscErrorCode pe;
  if (g->ndims == 2)
    pe = DMDACreate2d(*comm, bt[0], bt[1], st, (PetscInt)g->n[0], (PetscInt)g->n[1], p[0], p[1], dof, sw, l[0], l[1],
                      da);
  else
    pe = DMDACreate3d(*comm, bt[0], bt[1], bt[2], st, (PetscInt)g->n[0], (PetscInt)g->n[1], (PetscInt)g->n[2], p[0],
                      p[1], p[2], dof, sw, l[0], l[1], l[2], da);
  for (int d = 0; d < 3; d++) free(l[d]);
  if (pe) return WHPC_RAISE(WHPC_ERR_NUMERIC, "PETSc error %d creating the DMDA", (int)pe);
  PCALL(DMSetUp(*da));
  PetscInt xs, ys, zs, xm, ym, zm;
  PCALL(DMDAGetCorners(*da, &xs, &ys, &zs, &xm, &ym, &zm));
  if (xs != g->lo[0] || ys != g->lo[1] || xm != g->nl[0] || ym != g->nl[1] ||
      (g->ndims == 3 && (zs != g->lo[2] || zm != g->nl[2])))
    return WHPC_RAISE(WHPC_ERR_MPI, "the PETSc DMDA does not own the same box as the whpc decomposition");
  return WHPC_OK;
}

int proj_petsc_create(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, void **impl) {
  petsc_solver *s;
  WHPC_MALLOC(s, 1);
  s->g = g;
  int p[3] = {1, 1, 1};
  WHPC_CALL(proj_petsc_dmda(dec, g, prm, 1, 1, 0, &s->comm, &s->da, p));
  PCALL(DMDASetInterpolationType(s->da, DMDA_Q0)); /* cell-centred hierarchy: n -> n/2 */
  s->ops.prm = prm;
  s->ops.g = g;
  s->ops.ndims = g->ndims;
  for (int d = 0; d < 3; d++) s->ops.length[d] = g->length[d], s->ops.nfine[d] = g->n[d];
  PCALL(DMCreateGlobalVector(s->da, &s->x));
  PCALL(VecDuplicate(s->x, &s->b));
  int singular = 1;
  for (int f = 0; f < 2 * g->ndims; f++)
    if (prm->bc[f].kind == BC_OUTFLOW) singular = 0;
  if (singular) {
    PCALL(MatNullSpaceCreate(s->comm, PETSC_TRUE, 0, NULL, &s->ns));
  }
  /* Multigrid levels: halve while every rank keeps >= 2 cells per direction and the coarse
   * grid stays >= 4 cells (so the DMDA hierarchy exists on this process grid), and only while the
   * coarsest grid has more than 256 cells: the levels below that are all latency (a halo exchange
   * and a reduction each per cycle) and the redundant SVD of 256 unknowns costs nothing. 512^2 on
   * 2 ranks: 6 levels down to 16^2, 0.36 s per solve against 0.44 s with 8 levels down to 4^2. */
  int levels = 1;
  for (;;) {
    int ok = 1;
    long coarse = 1;
    for (int d = 0; d < g->ndims; d++) coarse *= g->n[d] >> (levels - 1);
    if (coarse <= 256) ok = 0;
    for (int d = 0; d < g->ndims; d++) {
      const long f = 1L << levels;
      long minl = g->n[d] / p[d];
      if (g->n[d] % f || g->n[d] / f < 4 || minl / f < 2) ok = 0;
    }
    if (!ok || levels >= 8) break;
    levels++;
  }
  /* the user's petsc.options first; our defaults only fill what they leave unset */
  if (prm->petsc_options && *prm->petsc_options) {
    PetscErrorCode pe = PetscOptionsInsertString(NULL, prm->petsc_options);
    if (pe) return WHPC_RAISE(WHPC_ERR_INPUT, "petsc.options: PETSc cannot parse \"%s\"", prm->petsc_options);
  }
  char lev[16];
  snprintf(lev, sizeof lev, "%d", levels);
  const char *defaults[][2] = {{"-ksp_type", "cg"},
                               {"-pc_type", "mg"},
                               {"-pc_mg_levels", lev},
                               {"-pc_mg_cycle_type", "v"},
                               {"-mg_levels_ksp_max_it", "1"},
                               {"-mg_levels_ksp_type", "richardson"},
                               {"-mg_levels_pc_type", "sor"},
                               {"-mg_coarse_pc_type", "redundant"},
                               {"-mg_coarse_redundant_pc_type", "svd"}};
  char pctype[64] = "mg";
  PetscBool set = PETSC_FALSE;
  PCALL(PetscOptionsGetString(NULL, NULL, "-pc_type", pctype, sizeof pctype, &set));
  const int is_mg = !strcmp(pctype, "mg");
  for (int i = 0; i < (int)(sizeof defaults / sizeof defaults[0]); i++) {
    if (i >= 2 && !is_mg) break; /* multigrid settings only for PCMG */
    PetscBool has = PETSC_FALSE;
    PCALL(PetscOptionsHasName(NULL, NULL, defaults[i][0], &has));
    if (!has) PCALL(PetscOptionsSetValue(NULL, defaults[i][0], defaults[i][1]));
  }
  if (g->sdir >= 0 && is_mg) {
    /* the rediscretised coarse operators know only the fine metrics: Galerkin coarse levels */
    PetscBool has = PETSC_FALSE;
    PCALL(PetscOptionsHasName(NULL, NULL, "-pc_mg_galerkin", &has));
    if (!has) PCALL(PetscOptionsSetValue(NULL, "-pc_mg_galerkin", "both"));
  }
  PCALL(KSPCreate(s->comm, &s->ksp));
  /* the DM gives PCMG its hierarchy and every level its operator */
  PCALL(KSPSetDM(s->ksp, s->da));
  PCALL(KSPSetComputeOperators(s->ksp, compute_operator, &s->ops));
  PCALL(KSPSetTolerances(s->ksp, prm->pressure_rtol, 1e-300, PETSC_DEFAULT, 10000));
  PCALL(KSPSetNormType(s->ksp, KSP_NORM_UNPRECONDITIONED));
  PCALL(KSPSetInitialGuessNonzero(s->ksp, PETSC_TRUE));
  PCALL(KSPSetFromOptions(s->ksp));
  PCALL(KSPSetUp(s->ksp)); /* operators, hierarchy and coarse factorisation now, not in the first solve */
  *impl = s;
  return WHPC_OK;
}

int proj_petsc_solve(void *impl, const double *rhs, double *phi, int *iterations) {
  petsc_solver *s = impl;
  const proj_grid *g = s->g;
  PetscScalar *xb, *bb;
  PCALL(VecGetArray(s->x, &xb));
  PCALL(VecGetArray(s->b, &bb));
  size_t m = 0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++, m++) {
        const size_t q = proj_at(g, i, j, k);
        const PetscInt gi[3] = {g->lo[0] + i, g->lo[1] + j, g->lo[2] + k};
        bb[m] = g->sdir >= 0 ? -rhs[q] * cell_volume(g, gi) : -rhs[q]; /* A = -lap (times the volume) */
        xb[m] = phi[q];
      }
  PCALL(VecRestoreArray(s->x, &xb));
  PCALL(VecRestoreArray(s->b, &bb));
  if (s->ns) PCALL(MatNullSpaceRemove(s->ns, s->b));
  PCALL(KSPSolve(s->ksp, s->b, s->x));
  KSPConvergedReason reason;
  PetscInt its;
  PCALL(KSPGetConvergedReason(s->ksp, &reason));
  PCALL(KSPGetIterationNumber(s->ksp, &its));
  *iterations = (int)its;
  if (reason < 0)
    return WHPC_RAISE(WHPC_ERR_NUMERIC, "the pressure solve did not converge (KSP reason %s after %d iterations)",
                      KSPConvergedReasons[reason], (int)its);
  if (s->ns) PCALL(MatNullSpaceRemove(s->ns, s->x));
  PCALL(VecGetArray(s->x, &xb));
  m = 0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++, m++) phi[proj_at(g, i, j, k)] = xb[m];
  PCALL(VecRestoreArray(s->x, &xb));
  return WHPC_OK;
}

void proj_petsc_destroy(void *impl) {
  petsc_solver *s = impl;
  if (!s) return;
  KSPDestroy(&s->ksp);
  MatNullSpaceDestroy(&s->ns);
  VecDestroy(&s->x);
  VecDestroy(&s->b);
  DMDestroy(&s->da);
  proj_comm_free(&s->comm);
  free(s);
}
