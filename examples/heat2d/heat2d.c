/* whpc-heat2d — the libwhpc example: explicit 2D heat diffusion on a decomposed periodic grid.
 *
 *   du/dt = kappa (d2u/dx2 + d2u/dy2)  on [0,1)^2, periodic, u0 = sin(2 pi x) sin(2 pi y)
 *
 * The exact solution decays as exp(-8 pi^2 kappa t); the run reports the relative L2 error
 * against it and a decomposition-independent checksum, so any rank count gives the same numbers.
 * It shows the shape every whpc app has: config -> decomposition -> halo -> loop -> report. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <whpc.h>

static const whpc_cfg_key HEAT_KEYS[] = {
    {"heat.n", WHPC_CFG_INT, "128", "", 8, 1 << 16, NULL, "grid cells per direction"},
    {"heat.kappa", WHPC_CFG_REAL, "0.01", "m2 s-1", 1e-12, 1e6, NULL, "diffusivity"},
    {"heat.t_end", WHPC_CFG_REAL, "0.5", "s", 0, 1e9, NULL, "simulated time"},
    {"heat.cfl", WHPC_CFG_REAL, "0.2", "", 1e-6, 0.25, NULL, "diffusion number kappa dt / dx^2 (stable <= 0.25)"},
    {"heat.dims", WHPC_CFG_INT_LIST, "0 0", "", 0, 1 << 20, NULL, "process grid (0 = automatic)"},
};

typedef struct {
  long n;
  double kappa, t_end, cfl, dx, dt;
  long nsteps;
} heat_params;

static int read_params(whpc_ctx_t ctx, heat_params *p, int dims[2]) {
  long *d;
  int nd;
  WHPC_CALL(whpc_config_get_int(ctx, "heat.n", &p->n));
  WHPC_CALL(whpc_config_get_real(ctx, "heat.kappa", &p->kappa));
  WHPC_CALL(whpc_config_get_real(ctx, "heat.t_end", &p->t_end));
  WHPC_CALL(whpc_config_get_real(ctx, "heat.cfl", &p->cfl));
  WHPC_CALL(whpc_config_get_int_list(ctx, "heat.dims", &d, &nd));
  if (nd != 2) {
    free(d);
    return whpc_config_error(ctx, "heat.dims", "expected 2 values (px py), got %d", nd);
  }
  dims[0] = (int)d[0], dims[1] = (int)d[1];
  free(d);
  p->dx = 1.0 / p->n;
  p->nsteps = (long)ceil(p->t_end / (p->cfl * p->dx * p->dx / p->kappa));
  p->dt = p->nsteps ? p->t_end / p->nsteps : 0;
  return WHPC_OK;
}

/* u at owned cell centres from the exact solution at time t. */
static void set_exact(double *u, const whpc_layout *lay, const whpc_box *own, double dx, double decay) {
  for (long j = 0; j < own->hi[1] - own->lo[1]; j++)
    for (long i = 0; i < own->hi[0] - own->lo[0]; i++) {
      double x = (own->lo[0] + i + 0.5) * dx, y = (own->lo[1] + j + 0.5) * dx;
      u[whpc_layout_index(lay, i, j, 0)] = decay * sin(2 * M_PI * x) * sin(2 * M_PI * y);
    }
}

/* One explicit step on the cells [i0,i1) x [j0,j1): interior first, ring after the halo arrives. */
static void diffuse(const double *u, double *un, const whpc_layout *lay, long i0, long i1, long j0, long j1, double r) {
  const long sx = 1, sy = lay->ng[0];
  for (long j = j0; j < j1; j++)
    for (long i = i0; i < i1; i++) {
      size_t c = whpc_layout_index(lay, i, j, 0);
      un[c] = u[c] + r * (u[c - sx] + u[c + sx] + u[c - sy] + u[c + sy] - 4 * u[c]);
    }
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {"whpc-heat2d", "libwhpc example: 2D heat diffusion with halo exchange", NULL, 0};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, HEAT_KEYS, WHPC_NKEYS(HEAT_KEYS)));
  WHPC_MAIN(comm, whpc_config_load(ctx, argc, argv));
  heat_params p = {0};
  int dims[2] = {0, 0};
  WHPC_MAIN(comm, read_params(ctx, &p, dims));
  WHPC_MAIN(comm, whpc_output_prepare(ctx, "heat2d"));
  whpc_timer_begin(ctx, "total");

  whpc_decomp_t grid;
  whpc_decomp_desc desc = {2, {p.n, p.n, 1}, {dims[0], dims[1], 0}, {1, 1, 0}, 1, "heat.n"};
  WHPC_MAIN(comm, whpc_decomp_create(ctx, &desc, &grid));
  whpc_halo_t halo;
  WHPC_MAIN(comm, whpc_halo_create(grid, sizeof(double), 1, 1, WHPC_HALO_FACES, &halo));
  whpc_layout lay;
  whpc_box own;
  whpc_decomp_layout(grid, &lay);
  whpc_decomp_owned(grid, &own);
  const long nx = own.hi[0] - own.lo[0], ny = own.hi[1] - own.lo[1];
  double *u = calloc(whpc_decomp_ghosted_count(grid), sizeof *u);
  double *un = calloc(whpc_decomp_ghosted_count(grid), sizeof *un);
  if (!u || !un) whpc_abort(comm, WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate the %ld x %ld field", nx, ny));
  set_exact(u, &lay, &own, p.dx, 1.0);

  const double r = p.kappa * p.dt / (p.dx * p.dx);
  whpc_progress prog;
  whpc_progress_start(ctx, &prog, p.nsteps, p.t_end, "s");
  for (long step = 1; step <= p.nsteps; step++) {
    whpc_timer_begin(ctx, "halo");
    WHPC_MAIN(comm, whpc_halo_begin(halo, (void *const[]){u}));
    whpc_timer_end(ctx, "halo");
    whpc_timer_begin(ctx, "interior");
    diffuse(u, un, &lay, 1, nx - 1, 1, ny - 1, r); /* needs no ghosts: overlaps the exchange */
    whpc_timer_end(ctx, "interior");
    whpc_timer_begin(ctx, "halo");
    WHPC_MAIN(comm, whpc_halo_end(halo));
    whpc_timer_end(ctx, "halo");
    whpc_timer_begin(ctx, "boundary");
    diffuse(u, un, &lay, 0, nx, 0, 1, r);
    if (ny > 1) diffuse(u, un, &lay, 0, nx, ny - 1, ny, r);
    diffuse(u, un, &lay, 0, 1, 1, ny - 1, r);
    if (nx > 1) diffuse(u, un, &lay, nx - 1, nx, 1, ny - 1, r);
    whpc_timer_end(ctx, "boundary");
    double *t = u;
    u = un, un = t;
    whpc_progress_update(ctx, &prog, step, step * p.dt, step == p.nsteps);
  }

  /* Error against the exact decay, and an order-independent checksum of the field. */
  double *ex = calloc(whpc_decomp_ghosted_count(grid), sizeof *ex);
  if (!ex) whpc_abort(comm, WHPC_RAISE(WHPC_ERR_MEM, "out of memory"));
  set_exact(ex, &lay, &own, p.dx, exp(-8 * M_PI * M_PI * p.kappa * p.t_end));
  double local[2] = {0, 0}, global[2];
  for (long j = 0; j < ny; j++)
    for (long i = 0; i < nx; i++) {
      size_t c = whpc_layout_index(&lay, i, j, 0);
      local[0] += (u[c] - ex[c]) * (u[c] - ex[c]);
      local[1] += ex[c] * ex[c];
    }
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_SUM, comm);
  const double l2 = sqrt(global[0] / global[1]);
  whpc_timer_end(ctx, "total");

  /* Second-order scheme: at n = 128 the error is ~1e-4; 2e-3 leaves room for coarser runs. */
  const double tol = 2e-3 * (128.0 / p.n) * (128.0 / p.n);
  whpc_log(ctx, WHPC_LOG_INFO, "heat2d: %ld steps, dt = %.4g s, relative L2 error vs exact = %.3e", p.nsteps, p.dt,
           l2);
  int pd[3];
  whpc_decomp_dims(grid, pd);
  whpc_report_set_case(ctx, "heat2d");
  whpc_report_set_decomposition(ctx, 2, pd, "cartesian");
  whpc_report_set_size(ctx, "nx", (double)p.n);
  whpc_report_set_size(ctx, "ny", (double)p.n);
  whpc_report_set_size(ctx, "steps", (double)p.nsteps);
  const double wall = whpc_timer_local(ctx, "total");
  whpc_report_set_fom(ctx, "cell_updates_per_second", (double)p.n * p.n * p.nsteps / (wall > 0 ? wall : 1),
                      "cells/s");
  whpc_report_add_validation(ctx, "relative_l2_error_vs_exact", l2, 0.0, tol, l2 <= tol,
                             "exact solution exp(-8 pi^2 kappa t) sin(2 pi x) sin(2 pi y)");
  WHPC_MAIN(comm, whpc_timer_print(ctx));
  char path[4200];
  WHPC_MAIN(comm, whpc_report_write(ctx, whpc_output_path(ctx, "report.json", path, sizeof path)));
  const int pass = whpc_report_all_passed(ctx);
  free(u), free(un), free(ex);
  whpc_halo_destroy(&halo);
  whpc_decomp_destroy(&grid);
  whpc_finalize(&ctx);
  return pass ? 0 : 2;
}
