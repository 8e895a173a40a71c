/* clim_euler_run.c — the run of model = euler: settings, decomposition, time loop with
 * split-phase halos, diagnostics, NetCDF output, restart, verdicts and report.json.
 *
 * MPI is used here only for three small reductions libwhpc has no helper for (the global
 * wave speed for dt, the exact diagnostic sums, the checksum); the numerics live in clim_dyn.c. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <whpc.h>
#include <whpc_ncio.h>
#include "clim_cases.h"
#include "clim_euler.h"
#include "clim_io.h"
#include "clim_model.h"
#include "clim_verdict.h"

/* A config error found identically on every rank (deterministic checks of the settings). */
#define CLIM_CFG_ERROR(ctx, key, ...) \
  (whpc_config_error((ctx), (key), __VA_ARGS__), whpc_err_set_collective(1), WHPC_ERR_INPUT)

typedef struct {
  whpc_ctx_t ctx;
  clim_case_id cid;
  clim_case cs;
  clim_params p;
  clim_grid g;
  double t_end, dt_fixed, cfl, out_interval, hv_beta;
  long max_steps, diag_every;
  int allow_unstable, write_nc, dims[3];
  const char *reference;
  char refpath[4096];
  double *ref; /* igw reference theta' (global grid), read before step 1 */
  double tolerance;
  whpc_decomp_t dec;
  whpc_halo_t halo;
  whpc_ckpt_t ck;
  clim_out *out;
  double *q[CLIM_NVMAX], *dq[CLIM_NVMAX];
  clim_work w;
  clim_lbox owned, inner, strips[6], slabs[6];
  int nstrips, nslabs;
  /* evolving scalars; `saved` is what a checkpoint carries besides the fields */
  double t, dt, cfl_now, t_out_last;
  long step, step0, ck_every, ck_last;
  double saved[4]; /* t, initial mass perturbation, initial total energy, max |w| so far */
  clim_diag_sums diag0;
} clim_run;

/* ---------------- settings ---------------- */

static int real_or_case(whpc_ctx_t ctx, const char *key, double case_value, double *out) {
  WHPC_CALL(whpc_config_get_real(ctx, key, out));
  if (!whpc_config_is_set(ctx, key)) *out = case_value;
  return WHPC_OK;
}

static int read_settings(clim_run *r) {
  whpc_ctx_t ctx = r->ctx;
  int cid;
  WHPC_CALL(whpc_config_get_enum(ctx, "euler.case", &cid, NULL));
  r->cid = (clim_case_id)cid;
  r->cs = *clim_case_get(r->cid);
  clim_case *cs = &r->cs;
  const int three = cs->ndim == 3;
  static const char *nkeys[3] = {"euler.nx", "euler.ny", "euler.nz"};
  static const char *lkeys[3] = {"euler.xlen", "euler.ylen", "euler.zlen"};
  double res;
  WHPC_CALL(whpc_config_get_real(ctx, "euler.resolution", &res));
  for (int d = 0; d < 3; d++) {
    if (d == 1 && !three) continue;
    double len;
    long n;
    WHPC_CALL(whpc_config_get_real(ctx, lkeys[d], &len));
    if (len > 0) cs->len[d] = len;
    WHPC_CALL(whpc_config_get_int(ctx, nkeys[d], &n));
    if (res > 0 && whpc_config_is_set(ctx, nkeys[d]))
      return CLIM_CFG_ERROR(ctx, nkeys[d], "give either euler.resolution or %s, not both", nkeys[d]);
    if (res > 0) {
      n = lround(cs->len[d] / res);
      if (n < 1 || fabs((double)n * res - cs->len[d]) > 1e-6 * cs->len[d])
        return CLIM_CFG_ERROR(ctx, "euler.resolution", "%g m does not divide the domain length %g m", res, cs->len[d]);
    }
    if (n > 0) cs->n[d] = n;
  }
  int lat;
  WHPC_CALL(whpc_config_get_enum(ctx, "euler.lateral_bc", &lat, NULL));
  if (lat == 1) cs->periodic[0] = cs->periodic[1] = 1;
  if (lat == 2) cs->periodic[0] = cs->periodic[1] = 0;
  WHPC_CALL(real_or_case(ctx, "euler.t_end", cs->t_end, &r->t_end));
  if (r->t_end <= 0) return CLIM_CFG_ERROR(ctx, "euler.t_end", "must be > 0 s");
  WHPC_CALL(whpc_config_get_real(ctx, "euler.dt", &r->dt_fixed));
  WHPC_CALL(whpc_config_get_real(ctx, "euler.cfl", &r->cfl));
  WHPC_CALL(whpc_config_get_bool(ctx, "euler.allow_unstable_dt", &r->allow_unstable));
  WHPC_CALL(whpc_config_get_int(ctx, "euler.max_steps", &r->max_steps));
  WHPC_CALL(whpc_config_get_int(ctx, "euler.diag_interval", &r->diag_every));
  WHPC_CALL(real_or_case(ctx, "euler.amplitude", cs->amplitude, &cs->amplitude));
  clim_params_init(&r->p);
  WHPC_CALL(real_or_case(ctx, "euler.kdiff", cs->kdiff, &r->p.kdiff));
  WHPC_CALL(real_or_case(ctx, "euler.u0", cs->u0, &r->p.u0));
  WHPC_CALL(whpc_config_get_real(ctx, "euler.hyperviscosity", &r->hv_beta));
  WHPC_CALL(whpc_config_get_real(ctx, "euler.sponge_depth", &r->p.sponge_depth));
  WHPC_CALL(whpc_config_get_real(ctx, "euler.sponge_rate", &r->p.sponge_rate));
  r->p.ztop = cs->len[2];
  if (r->p.sponge_depth > cs->len[2])
    return CLIM_CFG_ERROR(ctx, "euler.sponge_depth", "%g m is deeper than the domain (%g m)", r->p.sponge_depth, cs->len[2]);
  /* hyperviscosity flux nu * d3q: a 2-dx wave decays at beta * c_s / dx (c_s at the surface) */
  double cs0 = sqrt(r->p.gamma * r->p.rd * cs->bg.theta0);
  for (int d = 0; d < 3; d++) r->p.nu_hv[d] = r->hv_beta * cs0 / 16.0;

  long *pl;
  int np;
  WHPC_CALL(whpc_config_get_int_list(ctx, "euler.procs", &pl, &np));
  if (np != 2) {
    free(pl);
    return CLIM_CFG_ERROR(ctx, "euler.procs", "expected 2 values (%s), got %d", three ? "x y" : "x z", np);
  }
  r->dims[0] = (int)pl[0];
  r->dims[1] = (int)pl[1];
  r->dims[2] = three ? 1 : 0;
  free(pl);

  WHPC_CALL(real_or_case(ctx, "euler.output_interval", cs->out_interval, &r->out_interval));
  r->write_nc = r->out_interval > 0;
  int enabled;
  WHPC_CALL(whpc_config_get_bool(ctx, "output.enabled", &enabled));
  if (!enabled) r->write_nc = 0;
  WHPC_CALL(whpc_config_get_string(ctx, "euler.reference", &r->reference));
  /* a relative reference path that is not found from the working directory is taken relative
   * to the config file (examples/igw.ini names its neighbour igw_ref_300x20.txt) */
  const char *cfgf = whpc_config_file(ctx);
  if (*r->reference && r->reference[0] != '/' && access(r->reference, R_OK) != 0 && cfgf && strchr(cfgf, '/')) {
    int len = (int)(strrchr(cfgf, '/') - cfgf);
    snprintf(r->refpath, sizeof r->refpath, "%.*s/%s", len, cfgf, r->reference);
    r->reference = r->refpath;
  }
  WHPC_CALL(whpc_config_get_real(ctx, "euler.tolerance", &r->tolerance));
  return WHPC_OK;
}

/* ---------------- grid ---------------- */

static void box_set(clim_lbox *b, long i0, long i1, long j0, long j1, long k0, long k1) {
  b->lo[0] = i0, b->hi[0] = i1, b->lo[1] = j0, b->hi[1] = j1, b->lo[2] = k0, b->hi[2] = k1;
}

/* The interior keeps 4 cells from every side, so it needs neither halo data nor wall
 * extrapolation; the strips around it are computed after the halo has arrived. */
static void make_boxes(clim_run *r) {
  const clim_grid *g = &r->g;
  const long nx = g->nx, ny = g->ny, nz = g->nz, M = 4;
  long il = nx < M ? nx : M, ih = nx - M > il ? nx - M : il;
  long kl = nz < M ? nz : M, kh = nz - M > kl ? nz - M : kl;
  long jl = 0, jh = 1;
  if (g->ndim == 3) jl = ny < M ? ny : M, jh = ny - M > jl ? ny - M : jl;
  box_set(&r->owned, 0, nx, 0, ny, 0, nz);
  box_set(&r->inner, il, ih, jl, jh, kl, kh);
  int n = 0;
  box_set(&r->strips[n++], 0, nx, 0, ny, 0, kl);
  box_set(&r->strips[n++], 0, nx, 0, ny, kh, nz);
  if (g->ndim == 3) {
    box_set(&r->strips[n++], 0, nx, 0, jl, kl, kh);
    box_set(&r->strips[n++], 0, nx, jh, ny, kl, kh);
  }
  box_set(&r->strips[n++], 0, il, jl, jh, kl, kh);
  box_set(&r->strips[n++], ih, nx, jl, jh, kl, kh);
  r->nstrips = n;
  const long G = CLIM_GHOST;
  n = 0;
  box_set(&r->slabs[n++], -G, 0, 0, ny, 0, nz);
  box_set(&r->slabs[n++], nx, nx + G, 0, ny, 0, nz);
  box_set(&r->slabs[n++], 0, nx, 0, ny, -G, 0);
  box_set(&r->slabs[n++], 0, nx, 0, ny, nz, nz + G);
  if (g->ndim == 3) {
    box_set(&r->slabs[n++], 0, nx, -G, 0, 0, nz);
    box_set(&r->slabs[n++], 0, nx, ny, ny + G, 0, nz);
  }
  r->nslabs = n;
}

static int setup_grid(clim_run *r) {
  const clim_case *cs = &r->cs;
  const int three = cs->ndim == 3;
  whpc_decomp_desc d;
  memset(&d, 0, sizeof d);
  d.ndims = cs->ndim;
  d.ghost = CLIM_GHOST;
  if (three) {
    d.n[0] = cs->n[0], d.n[1] = cs->n[1], d.n[2] = cs->n[2];
    d.dims[0] = r->dims[0], d.dims[1] = r->dims[1], d.dims[2] = 1;
    d.periodic[0] = cs->periodic[0], d.periodic[1] = cs->periodic[1];
    d.name = "euler.nx/ny/nz over euler.procs";
  } else {
    d.n[0] = cs->n[0], d.n[1] = cs->n[2], d.n[2] = 1;
    d.dims[0] = r->dims[0], d.dims[1] = r->dims[1];
    d.periodic[0] = cs->periodic[0];
    d.name = "euler.nx/nz over euler.procs";
  }
  WHPC_CALL(whpc_decomp_create(r->ctx, &d, &r->dec));
  whpc_box ob;
  whpc_layout lay;
  whpc_decomp_owned(r->dec, &ob);
  whpc_decomp_layout(r->dec, &lay);
  clim_grid *g = &r->g;
  g->ndim = cs->ndim;
  g->nv = three ? 5 : 4;
  g->gnx = cs->n[0], g->gny = three ? cs->n[1] : 1, g->gnz = cs->n[2];
  g->nx = ob.hi[0] - ob.lo[0];
  g->i0 = ob.lo[0];
  if (three) {
    g->ny = ob.hi[1] - ob.lo[1], g->j0 = ob.lo[1];
    g->nz = ob.hi[2] - ob.lo[2], g->k0 = ob.lo[2];
    g->sy = lay.ng[0], g->sz = lay.ng[0] * lay.ng[1];
    g->off = lay.off[0] + lay.ng[0] * (lay.off[1] + lay.ng[1] * lay.off[2]);
  } else {
    g->ny = 1, g->j0 = 0;
    g->nz = ob.hi[1] - ob.lo[1], g->k0 = ob.lo[1];
    g->sy = 0, g->sz = lay.ng[0];
    g->off = lay.off[0] + lay.ng[0] * lay.off[1];
  }
  g->count = whpc_decomp_ghosted_count(r->dec);
  g->dx = cs->len[0] / (double)g->gnx;
  g->dy = three ? cs->len[1] / (double)g->gny : 1.0;
  g->dz = cs->len[2] / (double)g->gnz;
  g->wall[0][0] = !cs->periodic[0] && g->i0 == 0;
  g->wall[0][1] = !cs->periodic[0] && g->i0 + g->nx == g->gnx;
  g->wall[1][0] = three && !cs->periodic[1] && g->j0 == 0;
  g->wall[1][1] = three && !cs->periodic[1] && g->j0 + g->ny == g->gny;
  g->wall[2][0] = g->k0 == 0;
  g->wall[2][1] = g->k0 + g->nz == g->gnz;
  const long nk = g->nz + 2 * CLIM_GHOST;
  WHPC_MALLOC(g->zc, nk);
  WHPC_MALLOC(g->rb, nk);
  WHPC_MALLOC(g->tb, nk);
  WHPC_MALLOC(g->pb, nk);
  WHPC_MALLOC(g->mub, nk);
  WHPC_MALLOC(g->mvb, nk);
  WHPC_MALLOC(g->rbf, g->nz + 1);
  WHPC_MALLOC(g->tbf, g->nz + 1);
  WHPC_MALLOC(g->pbf, g->nz + 1);
  clim_background_fill(g, &r->p, &cs->bg);
  for (int v = 0; v < g->nv; v++) {
    WHPC_MALLOC(r->q[v], g->count);
    WHPC_MALLOC(r->dq[v], g->count);
  }
  WHPC_MALLOC(r->w.pp, g->count);
  if (r->p.kdiff > 0)
    for (int v = 0; v < 5; v++) WHPC_MALLOC(r->w.prim[v], g->count);
  r->w.buf_len = clim_work_buf_len(g);
  WHPC_MALLOC(r->w.buf, r->w.buf_len);
  make_boxes(r);
  WHPC_CALL(whpc_halo_create(r->dec, sizeof(double), g->nv, 0, WHPC_HALO_FACES, &r->halo));
  return WHPC_OK;
}

static void free_run(clim_run *r) {
  clim_grid *g = &r->g;
  free(g->zc), free(g->rb), free(g->tb), free(g->pb), free(g->mub), free(g->mvb);
  free(g->rbf), free(g->tbf), free(g->pbf);
  for (int v = 0; v < CLIM_NVMAX; v++) free(r->q[v]), free(r->dq[v]);
  free(r->w.pp), free(r->w.buf), free(r->ref);
  for (int v = 0; v < 5; v++) free(r->w.prim[v]);
  whpc_checkpoint_destroy(&r->ck);
  whpc_halo_destroy(&r->halo);
  whpc_decomp_destroy(&r->dec);
}

/* ---------------- reductions (the only MPI calls of the model) ---------------- */

static int reduce_scan(clim_run *r, clim_scan *sc) {
  /* max of -index = the smallest bad global index, so every decomposition names the same cell */
  double in[2] = {sc->speed, sc->bad_gidx < 0 ? -1e300 : -(double)sc->bad_gidx}, out[2];
  WHPC_MPI(MPI_Allreduce(in, out, 2, MPI_DOUBLE, MPI_MAX, whpc_comm(r->ctx)));
  sc->speed = out[0];
  sc->bad_gidx = out[1] > -1e299 ? (long)(-out[1]) : -1;
  return WHPC_OK;
}

int clim_reduce_diag(whpc_ctx_t ctx, const clim_diag_local *loc, clim_diag_sums *out) {
  clim_diag_local tot;
  WHPC_MPI(MPI_Allreduce(loc->sum, tot.sum, CLIM_DS_N * CLIM_XSUM_BINS, MPI_INT64_T, MPI_SUM, whpc_comm(ctx)));
  double in[3] = {loc->wmax, -loc->thmin, loc->thmax}, mx[3];
  WHPC_MPI(MPI_Allreduce(in, mx, 3, MPI_DOUBLE, MPI_MAX, whpc_comm(ctx)));
  for (int s = 0; s < CLIM_DS_N; s++) out->v[s] = clim_xsum_value(&tot.sum[s]);
  out->wmax = mx[0], out->thmin = -mx[1], out->thmax = mx[2];
  out->mass = out->v[CLIM_DS_MASSB] + out->v[CLIM_DS_MASSP];
  out->energy = out->v[CLIM_DS_KE] + out->v[CLIM_DS_IE] + out->v[CLIM_DS_PE];
  return WHPC_OK;
}

int clim_reduce_max(whpc_ctx_t ctx, double *v, int n) {
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MAX, whpc_comm(ctx)));
  return WHPC_OK;
}

int clim_reduce_xsum(whpc_ctx_t ctx, clim_xsum *s, int n) {
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, s, n * CLIM_XSUM_BINS, MPI_INT64_T, MPI_SUM, whpc_comm(ctx)));
  return WHPC_OK;
}

static int global_checksum(clim_run *r, uint64_t *h) {
  uint64_t loc = clim_checksum(&r->g, r->q);
  WHPC_MPI(MPI_Allreduce(&loc, h, 1, MPI_UINT64_T, MPI_SUM, whpc_comm(r->ctx)));
  return WHPC_OK;
}

/* ---------------- time stepping ---------------- */

static int numeric_error(clim_run *r, long gidx) {
  const clim_grid *g = &r->g;
  long i = gidx % g->gnx, j = (gidx / g->gnx) % g->gny, k = gidx / (g->gnx * g->gny);
  int rc;
  if (g->ndim == 3)
    rc = WHPC_RAISE(WHPC_ERR_NUMERIC,
                    "blow-up at step %ld (t = %.6g s): non-finite or non-positive density/theta in cell "
                    "(i, j, k) = (%ld, %ld, %ld) at x = %.1f m, y = %.1f m, z = %.1f m",
                    r->step + 1, r->t, i, j, k, (i + 0.5) * g->dx, (j + 0.5) * g->dy, (k + 0.5) * g->dz);
  else
    rc = WHPC_RAISE(WHPC_ERR_NUMERIC,
                    "blow-up at step %ld (t = %.6g s): non-finite or non-positive density/theta in cell "
                    "(i, k) = (%ld, %ld) at x = %.1f m, z = %.1f m",
                    r->step + 1, r->t, i, k, (i + 0.5) * g->dx, (k + 0.5) * g->dz);
  whpc_err_set_collective(1); /* built from reduced values: identical on every rank */
  return rc;
}

/* dt from the reduced stage-1 scan; shortened so that t lands exactly on t_stop. */
static int choose_dt(clim_run *r, clim_scan *sc, double t_stop, int *lands) {
  WHPC_CALL(reduce_scan(r, sc));
  if (sc->bad_gidx >= 0) return numeric_error(r, sc->bad_gidx);
  double dt = r->dt_fixed > 0 ? r->dt_fixed : r->cfl / sc->speed;
  double courant = dt * sc->speed;
  if (r->dt_fixed > 0 && courant > r->cfl * (1.0 + 1e-12) && !r->allow_unstable) {
    if (r->step == r->step0) {
      int rc = whpc_config_error(r->ctx, "euler.dt",
                                 "%g s is above the acoustic CFL limit %.4g s (Courant number %.3f > euler.cfl = %g)",
                                 r->dt_fixed, r->cfl / sc->speed, courant, r->cfl);
      whpc_err_set_collective(1);
      return rc;
    }
    int rc = WHPC_RAISE(WHPC_ERR_NUMERIC, "CFL violated at step %ld (t = %.6g s): Courant number %.3f > euler.cfl = %g with euler.dt = %g s",
                        r->step + 1, r->t, courant, r->cfl, r->dt_fixed);
    whpc_err_set_collective(1);
    return rc;
  }
  *lands = 0;
  if (r->t + dt >= t_stop - 1e-9 * dt) {
    dt = t_stop - r->t;
    *lands = 1;
  }
  r->dt = dt;
  r->cfl_now = dt * sc->speed;
  return WHPC_OK;
}

static int step_once(clim_run *r, double t_stop) {
  clim_grid *g = &r->g;
  int lands = 0;
  for (int s = 0; s < 3; s++) {
    whpc_timer_begin(r->ctx, "halo");
    WHPC_CALL(whpc_halo_begin(r->halo, (void *const *)r->q));
    whpc_timer_end(r->ctx, "halo");
    clim_fill_walls(g, r->q);
    clim_scan sc = {0.0, -1};
    clim_pressure(g, &r->p, r->q, &r->w, &r->owned, s == 0 ? &sc : NULL);
    if (s == 0) WHPC_CALL(choose_dt(r, &sc, t_stop, &lands));
    clim_tendency(g, &r->p, r->q, &r->w, &r->inner, CLIM_RK_A[s], r->dt, r->dq);
    whpc_timer_begin(r->ctx, "halo");
    WHPC_CALL(whpc_halo_end(r->halo));
    whpc_timer_end(r->ctx, "halo");
    for (int b = 0; b < r->nslabs; b++) clim_pressure(g, &r->p, r->q, &r->w, &r->slabs[b], NULL);
    for (int b = 0; b < r->nstrips; b++)
      clim_tendency(g, &r->p, r->q, &r->w, &r->strips[b], CLIM_RK_A[s], r->dt, r->dq);
    clim_update(g, r->q, r->dq, CLIM_RK_B[s]);
  }
  r->t = lands ? t_stop : r->t + r->dt;
  r->step++;
  return WHPC_OK;
}

/* ---------------- diagnostics, output, checkpoint ---------------- */

static int diagnostics(clim_run *r, clim_diag_sums *d, int print) {
  clim_diag_local loc;
  whpc_timer_begin(r->ctx, "diagnostics");
  clim_diag_compute(&r->g, &r->p, r->q, &loc);
  WHPC_CALL(clim_reduce_diag(r->ctx, &loc, d));
  whpc_timer_end(r->ctx, "diagnostics");
  if (d->wmax > r->saved[3]) r->saved[3] = d->wmax;
  if (print)
    whpc_log(r->ctx, WHPC_LOG_INFO,
             "diag step %ld t = %.3f s  dt = %.4g s  CFL = %.3f  mass drift = %.3e  energy drift = %.3e  "
             "max|w| = %.4f m/s  theta' = [%.4f, %.4f] K",
             r->step, r->t, r->dt, r->cfl_now, (d->mass - r->diag0.mass) / r->diag0.mass,
             (d->energy - r->diag0.energy) / r->diag0.energy, d->wmax, d->thmin, d->thmax);
  return WHPC_OK;
}

static int write_output(clim_run *r) {
  if (!r->out) return WHPC_OK;
  whpc_timer_begin(r->ctx, "output");
  clim_pressure(&r->g, &r->p, r->q, &r->w, &r->owned, NULL);
  int rc = clim_out_write(r->out, &r->g, &r->p, r->q, &r->w, r->t);
  r->t_out_last = r->t;
  whpc_timer_end(r->ctx, "output");
  return rc;
}

static int setup_checkpoint(clim_run *r) {
  whpc_ctx_t ctx = r->ctx;
  if (strcmp(whpc_config_origin(ctx, "checkpoint.every"), "undeclared") == 0)
    WHPC_CALL(whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys));
  /* physics keys must match on restart; time span, output, process grid may change */
  static const char *phys[] = {"euler.case", "euler.nx", "euler.ny", "euler.nz", "euler.resolution",
                               "euler.xlen", "euler.ylen", "euler.zlen", "euler.lateral_bc", "euler.dt",
                               "euler.cfl", "euler.kdiff", "euler.hyperviscosity", "euler.amplitude",
                               "euler.u0", "euler.sponge_depth", "euler.sponge_rate"};
  unsigned long long h = 1469598103934665603ull;
  for (size_t i = 0; i < sizeof phys / sizeof *phys; i++) h = h * 1099511628211ull ^ whpc_config_hash(ctx, phys[i]);
  WHPC_CALL(whpc_checkpoint_create(ctx, NULL, h, &r->ck));
  WHPC_CALL(whpc_config_get_int(ctx, "checkpoint.every", &r->ck_every));
  r->ck_last = -1;
  static const char *names[CLIM_NVMAX] = {"rho_prime", "rho_u", "rho_w", "rho_theta_prime", "rho_v"};
  for (int v = 0; v < r->g.nv; v++)
    WHPC_CALL(whpc_checkpoint_add_field(r->ck, names[v], r->dec, WHPC_CK_DOUBLE, r->q[v]));
  WHPC_CALL(whpc_checkpoint_add_values(r->ck, "clock_and_baselines", WHPC_CK_DOUBLE, r->saved, 4));
  return WHPC_OK;
}

static int write_checkpoint(clim_run *r) {
  whpc_timer_begin(r->ctx, "checkpoint");
  r->saved[0] = r->t;
  int rc = whpc_checkpoint_write(r->ck, r->step);
  whpc_timer_end(r->ctx, "checkpoint");
  r->ck_last = r->step;
  if (!rc) whpc_log(r->ctx, WHPC_LOG_INFO, "checkpoint %s (step %ld, t = %.6g s)", whpc_checkpoint_last_path(r->ck), r->step, r->t);
  return rc;
}

/* An output.dir that cannot be created is an I/O error (exit 3), as in the other apps and swe. */
static int prepare_output_dir(clim_run *r) { return whpc_output_prepare(r->ctx, r->cs.name); }

/* ---------------- the run ---------------- */

static int run_loop(clim_run *r, clim_diag_sums *dlast) {
  whpc_ctx_t ctx = r->ctx;
  whpc_progress prog;
  whpc_progress_start(ctx, &prog, r->max_steps, r->t_end, "s");
  const double eps = 1e-9 * r->t_end;
  long nout = r->write_nc ? (long)floor(r->t / r->out_interval + 1e-9) + 1 : 0;
  while (r->t < r->t_end - eps && (r->max_steps <= 0 || r->step - r->step0 < r->max_steps)) {
    double t_stop = r->t_end;
    if (r->write_nc && nout * r->out_interval < t_stop) t_stop = nout * r->out_interval;
    whpc_timer_begin(ctx, "step");
    int rc = step_once(r, t_stop);
    whpc_timer_end(ctx, "step");
    WHPC_CALL(rc);
    if (r->write_nc && r->t >= nout * r->out_interval - eps) {
      WHPC_CALL(write_output(r));
      nout++;
    }
    if (r->step % r->diag_every == 0) {
      WHPC_CALL(diagnostics(r, dlast, 1));
      int stop = 0;
      WHPC_CALL(whpc_stop_requested(ctx, &stop));
      if (stop) {
        WHPC_CALL(write_checkpoint(r));
        return WHPC_RAISE(WHPC_STOPPED, "stopped by a signal at step %ld (t = %.6g s) after checkpoint %s", r->step,
                          r->t, whpc_checkpoint_last_path(r->ck));
      }
    }
    if (whpc_checkpoint_due(r->ck, r->step)) WHPC_CALL(write_checkpoint(r));
    whpc_progress_update(ctx, &prog, r->step, r->t, 0);
  }
  whpc_progress_update(ctx, &prog, r->step, r->t, 1);
  return WHPC_OK;
}

/* From the first output record to the closed euler.nc: on an error the file may be left open in
 * r->out for the caller to abandon. wall: the time loop's wall time. */
static int run_with_output(clim_run *r, int found, clim_diag_sums *d, double *wall) {
  if (r->write_nc) {
    char path[4096];
    WHPC_CALL(clim_out_create(r->ctx, r->dec, &r->g, &r->cs, whpc_output_path(r->ctx, "euler.nc", path, sizeof path),
                              &r->out));
    if (!found) WHPC_CALL(write_output(r));
  }
  double w0 = whpc_wtime();
  int rc = run_loop(r, d);
  *wall = whpc_wtime() - w0;
  WHPC_CALL(rc);
  WHPC_CALL(diagnostics(r, d, 1));
  if (r->out && r->t > r->t_out_last) WHPC_CALL(write_output(r));
  if (r->ck_every > 0 && r->ck_last != r->step) WHPC_CALL(write_checkpoint(r)); /* and one at the end */
  if (r->out) {
    WHPC_CALL(clim_out_close(&r->out));
    whpc_report_add_output(r->ctx, "euler.nc");
  }
  return WHPC_OK;
}

int clim_euler_run(whpc_ctx_t ctx) {
  clim_run r;
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  r.t_out_last = -1.0;
  if (strcmp(whpc_config_origin(ctx, "output.deflate"), "undeclared") == 0)
    WHPC_CALL(whpc_config_add_keys(ctx, whpc_ncio_keys, whpc_ncio_nkeys));
  WHPC_CALL(read_settings(&r));
  WHPC_CALL(setup_grid(&r));
  /* a bad reference file is an input error now, not after the whole run */
  WHPC_CALL(clim_reference_load(ctx, r.cid, r.reference, &r.g, r.t_end, &r.ref));
  whpc_report_set_case(ctx, r.cs.name);
  WHPC_CALL(prepare_output_dir(&r));
  WHPC_CALL(setup_checkpoint(&r));

  int found = 0;
  long step = 0;
  WHPC_CALL(whpc_checkpoint_restart(r.ck, &found, &step));
  if (found) {
    r.step = r.step0 = step;
    r.t = r.saved[0];
    whpc_log(ctx, WHPC_LOG_INFO, "restart from %s: step %ld, t = %.6g s", whpc_checkpoint_last_path(r.ck), step, r.t);
  } else {
    clim_case_init(r.cid, &r.cs, &r.g, &r.p, r.q);
  }
  clim_diag_sums d;
  WHPC_CALL(diagnostics(&r, &d, 0));
  if (!found) {
    r.saved[1] = d.mass;
    r.saved[2] = d.energy;
  }
  r.diag0 = d;
  r.diag0.mass = r.saved[1];
  r.diag0.energy = r.saved[2];
  int pdims[3];
  whpc_decomp_dims(r.dec, pdims);
  whpc_log(ctx, WHPC_LOG_INFO,
           "euler %s: %ld x %ld x %ld cells (%s), dx = %g m, dz = %g m, process grid %d x %d, t_end = %g s, "
           "K = %g m2/s, hyperviscosity %g", r.cs.name, r.g.gnx, r.g.gny, r.g.gnz, r.cs.ndim == 3 ? "x y z" : "x z",
           r.g.dx, r.g.dz, pdims[0], pdims[1], r.t_end, r.p.kdiff, r.hv_beta);

  double wall = 0.0;
  int rc = run_with_output(&r, found, &d, &wall);
  if (rc) { /* whatever failed (a write, the loop, a checkpoint), euler.nc.part goes */
    clim_out_abandon(&r.out);
    free_run(&r);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }

  /* verdicts and report */
  uint64_t h;
  WHPC_CALL(global_checksum(&r, &h));
  char hex[32];
  snprintf(hex, sizeof hex, "%016" PRIx64, h);
  const long cells = r.g.gnx * r.g.gny * r.g.gnz, steps = r.step - r.step0;
  const double cups = wall > 0 ? (double)cells * (double)steps / wall : 0.0;
  int dims[3];
  whpc_decomp_dims(r.dec, dims);
  whpc_report_set_decomposition(ctx, r.cs.ndim, dims, r.cs.ndim == 3 ? "x-y (z whole)" : "x-z");
  whpc_report_set_size(ctx, "nx", (double)r.g.gnx);
  if (r.cs.ndim == 3) whpc_report_set_size(ctx, "ny", (double)r.g.gny);
  whpc_report_set_size(ctx, "nz", (double)r.g.gnz);
  whpc_report_set_size(ctx, "cells", (double)cells);
  whpc_report_set_fom(ctx, "cell_updates_per_second", cups, "cells/s");
  whpc_report_set_number(ctx, "cell_updates_per_second_per_core", cups / whpc_size(ctx));
  whpc_report_set_number(ctx, "steps", (double)steps);
  whpc_report_set_number(ctx, "time_end", r.t);
  whpc_report_set_number(ctx, "loop_wall_seconds", wall);
  whpc_report_set_number(ctx, "dx", r.g.dx);
  whpc_report_set_number(ctx, "dz", r.g.dz);
  const double mdrift = (d.mass - r.diag0.mass) / r.diag0.mass;
  const double edrift = (d.energy - r.diag0.energy) / r.diag0.energy;
  whpc_report_set_number(ctx, "diagnostics.mass", d.mass);
  whpc_report_set_number(ctx, "diagnostics.mass_drift", mdrift);
  whpc_report_set_number(ctx, "diagnostics.energy", d.energy);
  whpc_report_set_number(ctx, "diagnostics.energy_drift", edrift);
  whpc_report_set_number(ctx, "diagnostics.kinetic_energy", d.v[CLIM_DS_KE]);
  whpc_report_set_number(ctx, "diagnostics.max_abs_w", d.wmax);
  whpc_report_set_number(ctx, "diagnostics.max_abs_w_run", r.saved[3]);
  whpc_report_set_number(ctx, "diagnostics.theta_prime_min", d.thmin);
  whpc_report_set_number(ctx, "diagnostics.theta_prime_max", d.thmax);
  whpc_report_set_string(ctx, "checksum", hex);
  whpc_report_add_validation(ctx, "mass_conservation", fabs(mdrift), 0.0, 1e-12, fabs(mdrift) <= 1e-12,
                             "issue 6: relative mass drift <= 1e-12 over the run");
  whpc_log(ctx, WHPC_LOG_INFO, "verdict mass: relative drift %.3e (tolerance 1e-12) %s", fabs(mdrift),
           fabs(mdrift) <= 1e-12 ? "PASS" : "FAIL");
  whpc_log(ctx, WHPC_LOG_INFO, "state checksum %s after %ld steps, t = %.6g s; %.3g cell-updates/s (%.3g per rank)", hex,
           r.step, r.t, cups, cups / whpc_size(ctx));
  if (r.t >= r.t_end - 1e-9 * r.t_end) {
    clim_verdict_in vin = {ctx, &r.g, &r.p, &r.cs, r.cid, r.q, r.halo, &d, r.saved[3], r.ref, r.tolerance};
    WHPC_CALL(clim_verdicts(&vin));
  }
  char path[4096];
  WHPC_CALL(whpc_report_write(ctx, whpc_output_path(ctx, "report.json", path, sizeof path)));
  whpc_log(ctx, WHPC_LOG_INFO, "results in %s", whpc_output_dir(ctx));
  free_run(&r);
  return WHPC_OK;
}
