/* proj.h — internal types of the projection solver (MAC grid, RK3 pressure-correction).
 *
 * Storage: every field is a ghosted local array of the whpc decomposition (cell-sized,
 * ghost width 2). Velocity component c at local index (i,j,k) lives on the LOW c-face of
 * cell (i,j,k): u at x = i*hx, v at y = j*hy, w at z = k*hz. So the face on the high
 * boundary of a non-periodic direction is the first ghost of the last rank; it is boundary
 * data filled by proj_bc. Pressure lives at cell centres.
 * Files: proj_keys.c (keys, parameters), proj_cases.c (set-ups and exact solutions),
 * proj_bc.c (ghost filling), proj_ops.c (kernels), proj_poisson*.c (pressure solvers),
 * proj_comm.c (the only MPI calls: reductions, gathers), proj_validate.c (verdicts),
 * proj_output.c (NetCDF, CSV, report), proj_run.c (the algorithm). */
#ifndef CFD_PROJ_H
#define CFD_PROJ_H
#include <stddef.h>
#include <stdio.h>
#include <whpc.h>

#define PROJ_GHOST 2
#define PROJ_SOFF 3 /* offset of global index 0 in the stretched-direction arrays (I = -3 .. n+3) */

typedef enum { BC_WALL = 0, BC_MOVING, BC_INFLOW, BC_OUTFLOW, BC_PERIODIC } proj_bc_kind;
typedef enum {
  CASE_CAVITY = 0,
  CASE_CAVITY3D,
  CASE_POISEUILLE,
  CASE_TAYLOR_GREEN,
  CASE_KOVASZNAY
} proj_case_id;
typedef enum { PSOLVE_FFT = 0, PSOLVE_PETSC = 1 } proj_psolver_kind;
typedef enum { CONV_CENTRAL = 0, CONV_QUICK = 1 } proj_conv_kind;

/* Boundary condition of one face (0 xlo, 1 xhi, 2 ylo, 3 yhi, 4 zlo, 5 zhi). */
typedef struct {
  proj_bc_kind kind;
  double vel[3]; /* moving wall / uniform inflow velocity */
  int profile;   /* 1: inflow values come from the case (exact solution) */
} proj_face_bc;

/* Everything read from the configuration (identical on every rank). */
typedef struct {
  proj_case_id case_id;
  const char *case_name;
  int ndims;
  long n[3];          /* finest grid */
  double length[3], origin[3];
  int dims[3];        /* process dims, 0 = automatic */
  double nu;
  double force[3];
  double cfl, visc_number, dt_fixed, t_end;
  long max_steps;
  int steady;
  double steady_tol;
  int stretch, stretch_dir; /* grid.stretch (0 none, 1 tanh) and its direction */
  double stretch_beta;
  int newton;          /* steady.method = newton */
  double nu_cont[16];  /* steady.nu_continuation */
  int n_nu_cont;
  proj_conv_kind conv;
  proj_psolver_kind psolver;
  const char *petsc_options;
  double pressure_rtol;
  proj_face_bc bc[6];
  int levels;         /* convergence study: grids n/2^(levels-1) ... n */
  long output_every, diag_every;
  int output_faces;
  double ghia_tol;
} proj_params;

/* Geometry of this rank's piece. */
typedef struct {
  int ndims;
  long n[3];        /* global cells */
  double h[3], length[3], origin[3];
  long lo[3], nl[3]; /* owned box start and extent */
  whpc_layout lay;
  size_t count;      /* elements of a ghosted array */
  long stride[3];    /* index offset of +1 in each direction (0 for unused) */
  int periodic[3];
  int at_lo[3], at_hi[3]; /* owns the low/high face of a non-periodic direction */
  /* Stretched direction (grid.stretch; -1: uniform grid). In it the cell centres follow the
   * mapping and every face lies midway between its two centres (ghost centres mirror the interior
   * ones about the walls), so the centre-to-centre derivative is centred on the face. Global
   * arrays at index I + PROJ_SOFF, I = -3 .. n+3: centres gxc, faces gxf (face I is the low face
   * of cell I), cell widths gdc = xf[I+1] - xf[I], centre distances across face I gdf = xc[I] -
   * xc[I-1]. Uniform directions use h. */
  int sdir;
  double hmin[3];   /* smallest spacing per direction (time step) */
  double *gxc, *gxf, *gdc, *gdf;
} proj_grid;

/* Spacings of the stretched-aware operators at local index i of direction d: the width of cell
 * i (dc) and the distance between the centres i-1 and i, i.e. across face i (df). */
static inline double proj_dc(const proj_grid *g, int d, long i) {
  return d == g->sdir ? g->gdc[g->lo[d] + i + PROJ_SOFF] : g->h[d];
}
static inline double proj_df(const proj_grid *g, int d, long i) {
  return d == g->sdir ? g->gdf[g->lo[d] + i + PROJ_SOFF] : g->h[d];
}

/* Position of sample (i,j,k) of staggered component c (c = -1: cell centre). */
static inline void proj_pos(const proj_grid *g, int c, long i, long j, long k, double x[3]) {
  const long idx[3] = {i, j, k};
  for (int d = 0; d < 3; d++)
    x[d] = d == g->sdir ? (d == c ? g->gxf : g->gxc)[g->lo[d] + idx[d] + PROJ_SOFF]
                        : g->origin[d] + g->h[d] * ((double)(g->lo[d] + idx[d]) + (d == c ? 0.0 : 0.5));
}
static inline size_t proj_at(const proj_grid *g, long i, long j, long k) {
  return whpc_layout_index(&g->lay, i, j, k);
}

/* The state and work arrays. */
typedef struct {
  double *u[3];   /* velocity components (u[2] unused in 2D) */
  double *p;      /* pressure (kinematic, p/rho) */
  double *phi;    /* pressure increment */
  double *h[3];   /* explicit right-hand side of the current RK stage */
  double *hold[3];/* ... of the previous stage */
  double *uold[3];/* velocity at the start of the step (steady residual) */
  double *div;    /* divergence / Poisson right-hand side */
  double t;
  long step;
} proj_state;

struct proj_case;
typedef struct proj_case proj_case;

/* ---- proj_keys.c */
int proj_params_read(whpc_ctx_t ctx, proj_params *prm);
const char *proj_bc_name(proj_bc_kind k);

/* ---- proj_cases.c: set-up and exact solutions (no MPI) */
/* Case defaults applied before the keys that override them: domain, origin, boundary kinds,
 * force (uses case_id, ndims, nu). */
void proj_case_defaults(proj_params *prm);
/* Initial velocity at a point (component c). */
double proj_case_initial(const proj_params *prm, int c, const double x[3]);
/* Exact solution when one exists (returns 1), for component c (3 = pressure). */
int proj_case_exact(const proj_params *prm, int c, const double x[3], double t, double *value);
/* Boundary value of component c on face f over the face segment [xa, xb] (normal components are
 * face averages so that the discrete boundary flux balances), time t. */
double proj_case_boundary(const proj_params *prm, int face, int c, const double xa[3], const double xb[3],
                          double t);

/* ---- proj_bc.c (no MPI) */
/* Fill the ghosts of the velocity (after the halo exchange) and of a pressure-like field. */
void proj_bc_velocity(const proj_grid *g, const proj_params *prm, double *const u[3], double t);
void proj_bc_pressure(const proj_grid *g, const proj_params *prm, double *p);
/* Outflow faces: copy the predicted normal velocity from the last interior face. */
void proj_bc_outflow_predict(const proj_grid *g, const proj_params *prm, double *const u[3]);
/* Loop range of the unknowns of component c in direction d: [*b, *e). */
void proj_unknown_range(const proj_grid *g, const proj_params *prm, int c, int d, long *b, long *e);

/* ---- proj_grid.c (no MPI): the coordinates of a stretched direction (uniform otherwise) */
int proj_grid_metrics(proj_grid *g, const proj_params *prm);
void proj_grid_free(proj_grid *g);
/* Global index i0 (from -1) and weight w of the linear interpolation of a sample of component c
 * (c = -1: cell centre) at coordinate x in direction d. */
void proj_grid_locate(const proj_grid *g, int d, int c, double x, long *i0, double *w);

/* ---- proj_ops.c (no MPI) */
void proj_momentum_rhs(const proj_grid *g, const proj_params *prm, double *const u[3], double *const h[3]);
/* The RK stage update of one row of component c: u[n] += gk h[n] + zk ho[n] - ah (p[n] - p[n - sc])
 * for n in [0, len), the pointers at the row's first unknown, ah = a / h_c (uniform direction c;
 * zk = 0: ho is not read). Used by the fused sweep and by the two-pass path. */
void proj_stage_update_row(double *restrict u, const double *restrict h, const double *restrict ho,
                           const double *restrict p, long sc, long len, double gk, double zk, double ah);
/* One RK stage's explicit part fused in a single sweep (2D, uniform, central): u += gk H(u) +
 * zk hs - a grad p on the unknowns, where hs holds the previous stage's H on entry (read when
 * zk != 0) and this stage's H on return when keep (not written otherwise). Returns 0 (nothing
 * done) where it does not apply. */
int proj_stage_fused(const proj_grid *g, const proj_params *prm, double *const u[3], double *const hs[3],
                     const double *p, double gk, double zk, double a, int keep);
void proj_divergence(const proj_grid *g, double *const u[3], double *div);
/* u[c] -= coef * grad(phi) on the unknowns (and outflow faces). */
void proj_correct(const proj_grid *g, const proj_params *prm, double *const u[3], const double *phi, double coef);
double proj_max_abs(const proj_grid *g, const double *f);
/* Local maxima for the time step: max |u_c|/h_c summed over c. */
double proj_local_cfl_rate(const proj_grid *g, double *const u[3]);
/* Local kinetic energy (sum over owned cells of 0.5 |u|^2 at cell centres times cell volume). */
double proj_kinetic_energy(const proj_grid *g, double *const u[3]);
/* Velocity change since uold on the unknowns: max |u - uold|. */
double proj_max_change(const proj_grid *g, const proj_params *prm, double *const u[3], double *const uold[3]);
/* Cell-centred velocity component / vorticity (z component in 2D, magnitude in 3D). */
void proj_cell_velocity(const proj_grid *g, int c, const double *u, double *out);
void proj_vorticity(const proj_grid *g, double *const u[3], double *out);

/* ---- proj_poisson.c: solve lap(phi) = rhs with the boundary kinds of prm */
typedef struct proj_poisson proj_poisson;
int proj_poisson_create(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm,
                        proj_poisson **out);
/* rhs on owned cells (ghosted array); phi ghosted array receives the owned solution; the
 * previous phi is the initial guess (warm start) for iterative solvers. */
int proj_poisson_solve(proj_poisson *ps, const double *rhs, double *phi, int *iterations);
void proj_poisson_destroy(proj_poisson **ps);
/* Per-solver back ends. */
int proj_fft_create(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, void **impl);
int proj_fft_solve(void *impl, const double *rhs, double *phi);
void proj_fft_destroy(void *impl);
int proj_petsc_create(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, void **impl);
int proj_petsc_solve(void *impl, const double *rhs, double *phi, int *iterations);
void proj_petsc_destroy(void *impl);

/* ---- proj_comm.c: the MPI helpers of this solver (libwhpc has no reductions) */
int proj_allreduce_max(whpc_decomp_t dec, double *v, int n);
int proj_allreduce_sum(whpc_decomp_t dec, double *v, int n);
/* Exclusive prefix sum along y of per-column values (2D stream function). */
int proj_scan_y(whpc_decomp_t dec, const double *local, double *offset, int n);
/* Move a field between two block layouts of one global grid: src[r], dst[r] are the boxes of every
 * rank (unused dims lo = 0, hi = 1); in/out are this rank's boxes packed x fastest. */
int proj_redistribute(whpc_decomp_t dec, const whpc_box *src, const whpc_box *dst, const double *in, double *out);
/* Every rank's [lo, hi) of a 1D range. */
int proj_allgather_range(whpc_decomp_t dec, long lo, long hi, long *los, long *his);
/* Communicator with the ranks ordered x fastest (PETSc DMDA order); caller frees. */
int proj_comm_dmda_order(whpc_decomp_t dec, MPI_Comm *out);
void proj_comm_free(MPI_Comm *c);

/* ---- proj_validate.c */
typedef struct {
  double ghia_max_dev_u, ghia_max_dev_v;
  double psi_min, psi_x, psi_y;
  double err_max;  /* vs exact solution (cases that have one) */
} proj_results;
int proj_validate_case(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm,
                       proj_state *s, proj_results *res, const char *outdir);
/* Error norms against the exact solution: max over velocity unknowns. */
int proj_exact_error(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s, double *err);
/* Stream function at cell corners -> cell centres (2D). Fills psi (ghosted), returns min and position. */
int proj_stream_function(whpc_decomp_t dec, const proj_grid *g, double *const u[3], double *psi_cc,
                         double *psi_min, double *xmin, double *ymin);
/* Sample component c (or 3 = pressure) at a global point; collective, exact BC values at walls. */
int proj_sample(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s, int c,
                const double x[3], double *value);

/* ---- proj_newton.c: steady state by Newton (PETSc SNES) on the time-stepper's discretisation.
 * s holds the initial guess; on return u, p (zero mean) and their ghosts hold the solution. */
typedef struct {
  int stages, iterations, linear_iterations;
  long function_evaluations;
  double time, residual_momentum, residual_continuity;
} proj_newton_stats;
int proj_newton_solve(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s,
                      whpc_halo_t hvel, whpc_halo_t hscal, FILE *diag, proj_newton_stats *st);

/* ---- proj_output.c */
int proj_write_fields(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm,
                      proj_state *s, const char *path);

#endif
