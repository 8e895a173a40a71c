/* spec_io.c — checkpoint registration and NetCDF field output of the spectral solver. */
#include "spec_io.h"

#include <math.h>
#include <stdlib.h>
#include <whpc_ncio.h>

/* pdims: process dims {1, p1, p2} (pencil, 3D) or NULL = slab over the last dimension. */
static int make_decomp(whpc_ctx_t ctx, int dim, long nx, long n1, long n2, const int *pdims, int periodic,
                       const char *name, whpc_decomp_t *out) {
  whpc_decomp_desc d = {0};
  d.ndims = dim;
  d.n[0] = nx;
  d.n[1] = n1;
  d.n[2] = dim == 3 ? n2 : 1;
  d.dims[0] = 1;
  d.dims[1] = pdims ? pdims[1] : dim == 3 ? 1 : whpc_size(ctx);
  d.dims[2] = pdims ? pdims[2] : dim == 3 ? whpc_size(ctx) : 1;
  for (int i = 0; i < 3; i++) d.periodic[i] = periodic;
  d.ghost = 0;
  d.name = name;
  WHPC_CALL(whpc_decomp_create(ctx, &d, out));
  return WHPC_OK;
}

/* The decomposition must own exactly the solver's block [start, start+count) of dimension d. */
static int check_same(whpc_ctx_t ctx, whpc_decomp_t g, int d, ptrdiff_t start, ptrdiff_t count) {
  whpc_box b;
  whpc_decomp_owned(g, &b);
  int ok = b.lo[d] == start && b.hi[d] - b.lo[d] == count, gok;
  int rc = ok ? WHPC_OK : WHPC_RAISE(WHPC_ERR_ARG, "whpc_decomp block [%ld,%ld) differs from the FFT's [%ld,%ld)",
                                      b.lo[d], b.hi[d], (long)start, (long)(start + count));
  whpc_agree(whpc_comm(ctx), rc, &gok);
  return gok;
}

int cfd_spec_pencil_grid(whpc_ctx_t ctx, long n, whpc_decomp_t *gk, cfd_pencil *pc) {
  /* The Fourier state [ky][kx][kz] (doubles, kz fastest) sets the grid: kx has only n/2+1 values. */
  int pdims[3] = {1, 0, 0};
  WHPC_CALL(make_decomp(ctx, 3, 2 * n, n / 2 + 1, n, pdims, 0, "spectral.n (pencil grid of the Fourier state)", gk));
  int dims[3], coords[3], keep_row[3] = {0, 1, 0}, keep_col[3] = {0, 0, 1};
  whpc_decomp_dims(*gk, dims);
  whpc_decomp_coords(*gk, coords);
  MPI_Comm row = MPI_COMM_NULL, col = MPI_COMM_NULL;
  WHPC_CALL(whpc_decomp_sub_comm(*gk, keep_row, &row));
  WHPC_CALL(whpc_decomp_sub_comm(*gk, keep_col, &col));
  int rr, rc_, gok;
  MPI_Comm_rank(row, &rr);
  MPI_Comm_rank(col, &rc_);
  int rc = rr == coords[1] && rc_ == coords[2]
               ? WHPC_OK
               : WHPC_RAISE(WHPC_ERR_ARG, "pencil sub-communicator ranks (%d, %d) are not the grid coordinates (%d, %d)",
                            rr, rc_, coords[1], coords[2]);
  whpc_agree(whpc_comm(ctx), rc, &gok);
  if (gok) {
    MPI_Comm_free(&row);
    MPI_Comm_free(&col);
    return gok;
  }
  cfd_pencil_setup(n, dims[1], dims[2], coords[1], coords[2], row, col, pc);
  return WHPC_OK;
}

int cfd_spec_io_decomps(whpc_ctx_t ctx, const cfd_spec *s, whpc_decomp_t *gk, whpc_decomp_t *gr) {
  if (s->pencil) {
    int pdims[3] = {1, s->pc.p1, s->pc.p2};
    WHPC_CALL(make_decomp(ctx, 3, s->n, s->n, s->n, pdims, 1, "spectral.n", gr));
    WHPC_CALL(check_same(ctx, *gk, 1, s->pc.kx0, s->pc.kxl));
    WHPC_CALL(check_same(ctx, *gk, 2, s->pc.ky0, s->pc.kyl));
    WHPC_CALL(check_same(ctx, *gr, 1, s->pc.y0, s->pc.yl));
    WHPC_CALL(check_same(ctx, *gr, 2, s->pc.z0, s->pc.zl));
    return WHPC_OK;
  }
  WHPC_CALL(make_decomp(ctx, s->dim, 2 * s->nc, s->n, s->n, NULL, 0, "spectral state (Fourier)", gk));
  WHPC_CALL(make_decomp(ctx, s->dim, s->n, s->n, s->n, NULL, 1, "spectral.n", gr));
  WHPC_CALL(check_same(ctx, *gk, s->dim - 1, s->lk0, s->lk));
  WHPC_CALL(check_same(ctx, *gr, s->dim - 1, s->l0, s->ln0));
  return WHPC_OK;
}

int cfd_spec_ckpt_register(whpc_ckpt_t ck, whpc_decomp_t gk, cfd_spec *s, double *t, long long *step) {
  static const char *names[] = {"u_hat", "v_hat", "w_hat"};
  for (int c = 0; c < s->ncomp; c++) WHPC_CALL(whpc_checkpoint_add_field(ck, names[c], gk, WHPC_CK_DOUBLE, s->u[c]));
  WHPC_CALL(whpc_checkpoint_add_values(ck, "time", WHPC_CK_DOUBLE, t, 1));
  WHPC_CALL(whpc_checkpoint_add_values(ck, "step", WHPC_CK_INT64, step, 1));
  return WHPC_OK;
}

int cfd_spec_write_fields(whpc_ctx_t ctx, cfd_spec *s, whpc_decomp_t gr, const char *path, double t) {
  long n = s->n;
  double *coord = malloc(sizeof(double) * (size_t)n);
  size_t cnt = (size_t)s->ln0 * (size_t)(s->dim == 3 ? n : 1) * (size_t)n;
  double *buf = malloc(sizeof(double) * (cnt ? cnt : 1));
  int ok = coord && buf, gok;
  whpc_agree(whpc_comm(ctx), ok ? WHPC_OK : WHPC_RAISE(WHPC_ERR_MEM, "out of memory for %s", path), &gok);
  if (gok) {
    free(coord);
    free(buf);
    return gok;
  }
  for (long i = 0; i < n; i++) coord[i] = 2.0 * M_PI * (double)i / (double)n;
  whpc_nc_axis axes[3] = {
      {"x", "m", NULL, "x coordinate (periodic box [0, 2 pi))", "X", NULL, coord, NULL},
      {"y", "m", NULL, "y coordinate (periodic box [0, 2 pi))", "Y", NULL, coord, NULL},
      {"z", "m", NULL, "z coordinate (periodic box [0, 2 pi))", "Z", NULL, coord, NULL}};
  whpc_nc_opts opts = {.title = "whpc-cfd spectral solver: velocity", .overwrite = 1};
  whpc_ncfile_t f = NULL;
  static const char *vn[] = {"u", "v", "w"};
  static const char *ln[] = {"velocity x component", "velocity y component", "velocity z component"};
  int varid[3], rc = whpc_ncio_create(gr, path, &opts, axes, &f);
  for (int c = 0; !rc && c < s->ncomp; c++) {
    whpc_nc_var v = {.name = vn[c], .units = "m s-1", .long_name = ln[c], .type = WHPC_NC_DOUBLE, .fill_value = NAN};
    rc = whpc_ncio_def_var(f, &v, &varid[c]);
  }
  if (!rc) rc = whpc_ncio_put_att_double(f, "time", t);
  if (!rc) rc = whpc_ncio_enddef(f);
  for (int c = 0; !rc && c < s->ncomp; c++) {
    cfd_spec_velocity_real(s, c, buf);
    rc = whpc_ncio_write(f, varid[c], 0, buf);
  }
  if (!rc) rc = whpc_ncio_close(&f);
  else whpc_ncio_abandon(&f);
  free(coord);
  free(buf);
  return rc ? whpc_err_trace(rc, __FILE__, __LINE__, __func__) : WHPC_OK;
}

int cfd_spec_write_series_nc(whpc_ctx_t ctx, whpc_decomp_t gr, const char *path, const cfd_spec_hist *h, double nu,
                             double forcing_a) {
  long ng[3], nrec = h->n;
  whpc_decomp_global_size(gr, ng);
  long n = ng[0];
  double *coord = malloc(sizeof(double) * (size_t)n);
  double *col = malloc(sizeof(double) * (size_t)(nrec ? nrec : 1) * 5);
  int gok;
  whpc_agree(whpc_comm(ctx), coord && col ? WHPC_OK : WHPC_RAISE(WHPC_ERR_MEM, "out of memory for %s", path), &gok);
  if (gok) {
    free(coord);
    free(col);
    return gok;
  }
  for (long i = 0; i < n; i++) coord[i] = 2.0 * M_PI * (double)i / (double)n;
  double *tcol = col, *ek = col + nrec, *ens = col + 2 * nrec, *eps = col + 3 * nrec, *dedt = col + 4 * nrec;
  cfd_spec_minus_dedt(h, dedt);
  for (long i = 0; i < nrec; i++) {
    tcol[i] = h->t[i];
    ek[i] = h->ek[i];
    ens[i] = h->ens[i];
    eps[i] = 2.0 * nu * h->ens[i] - 2.0 * forcing_a * h->ek[i];
  }
  whpc_nc_axis axes[3] = {
      {"x", "m", NULL, "x coordinate (periodic box [0, 2 pi))", "X", NULL, coord, NULL},
      {"y", "m", NULL, "y coordinate (periodic box [0, 2 pi))", "Y", NULL, coord, NULL},
      {"z", "m", NULL, "z coordinate (periodic box [0, 2 pi))", "Z", NULL, coord, NULL}};
  whpc_nc_opts opts = {.title = "whpc-cfd spectral solver: diagnostics time series", .overwrite = 1};
  whpc_nc_var vars[5] = {
      {.name = "time", .units = "s", .standard_name = "time", .long_name = "simulated time", .fill_value = NAN},
      {.name = "Ek", .units = "m2 s-2", .long_name = "volume-averaged kinetic energy <|u|^2>/2", .fill_value = NAN},
      {.name = "enstrophy", .units = "s-2", .long_name = "volume-averaged enstrophy <|omega|^2>/2", .fill_value = NAN},
      {.name = "eps_net", .units = "m2 s-3", .long_name = "2 nu enstrophy - forcing power", .fill_value = NAN},
      {.name = "minus_dEk_dt", .units = "m2 s-3", .long_name = "-dEk/dt (second-order finite differences)",
       .fill_value = NAN}};
  whpc_ncfile_t f = NULL;
  int varid[5], rc = whpc_ncio_create(gr, path, &opts, axes, &f);
  for (int v = 0; !rc && v < 5; v++) rc = whpc_ncio_def_var1d(f, &vars[v], "time", nrec, &varid[v]);
  if (!rc) rc = whpc_ncio_put_att_double(f, "nu", nu);
  if (!rc) rc = whpc_ncio_enddef(f);
  for (int v = 0; !rc && v < 5; v++) rc = whpc_ncio_write1d(f, varid[v], 0, col + (size_t)v * (size_t)nrec);
  if (!rc) rc = whpc_ncio_close(&f);
  else whpc_ncio_abandon(&f);
  free(coord);
  free(col);
  return rc ? whpc_err_trace(rc, __FILE__, __LINE__, __func__) : WHPC_OK;
}
