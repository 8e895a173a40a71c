/* proj_petsc.h — the PETSc pieces shared by the pressure solver (proj_poisson_petsc.c) and the
 * Newton steady solver (proj_newton.c): a DMDA laid out exactly like the whpc decomposition. */
#ifndef CFD_PROJ_PETSC_H
#define CFD_PROJ_PETSC_H
#include <petscdmda.h>
#include "proj.h"

#define PCALL(x)                                                                                    \
  do {                                                                                              \
    PetscErrorCode pe_ = (x);                                                                       \
    if (pe_) return WHPC_RAISE(WHPC_ERR_NUMERIC, "PETSc error %d in %s", (int)pe_, #x);             \
  } while (0)

/* A DMDA over the cells of g with the same process grid and ownership ranges as dec (ranks
 * renumbered x fastest on *comm, which the caller frees with proj_comm_free after the DM), dof
 * values per cell, stencil width sw, box (1) or star (0) stencil. Checks that every rank owns the
 * same box in both. */
int proj_petsc_dmda(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, int dof, int sw, int box,
                    MPI_Comm *comm, DM *da, int procs[3]);
#endif
