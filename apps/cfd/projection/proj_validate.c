/* proj_validate.c — comparisons with published tables and exact solutions, and the verdicts
 * printed and put into report.json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proj.h"

/* Ghia, Ghia & Shin (1982), J. Comput. Phys. 48:387-411, Tables I and II (17 stations incl. walls),
 * as distributed in whpc's reference set (shared/cfd/ghia_*.csv). Stations are nodes of a 129^2
 * grid rounded to 4 digits: evaluated at round(s*128)/128. */
static const double GHIA_Y[17] = {0.0000, 0.0547, 0.0625, 0.0703, 0.1016, 0.1719, 0.2813, 0.4531, 0.5000,
                                  0.6172, 0.7344, 0.8516, 0.9531, 0.9609, 0.9688, 0.9766, 1.0000};
static const double GHIA_U100[17] = {0.00000,  -0.03717, -0.04192, -0.04775, -0.06434, -0.10150,
                                     -0.15662, -0.21090, -0.20581, -0.13641, 0.00332,  0.23151,
                                     0.68717,  0.73722,  0.78871,  0.84123,  1.00000};
static const double GHIA_U400[17] = {0.00000,  -0.08186, -0.09266, -0.10338, -0.14612, -0.24299,
                                     -0.32726, -0.17119, -0.11477, 0.02135,  0.16256,  0.29093,
                                     0.55892,  0.61756,  0.68439,  0.75837,  1.00000};
static const double GHIA_X[17] = {0.0000, 0.0625, 0.0703, 0.0781, 0.0938, 0.1563, 0.2266, 0.2344, 0.5000,
                                  0.8047, 0.8594, 0.9063, 0.9453, 0.9531, 0.9609, 0.9688, 1.0000};
static const double GHIA_V100[17] = {0.00000,  0.09233,  0.10091,  0.10890,  0.12317,  0.16077,
                                     0.17507,  0.17527,  0.05454,  -0.24533, -0.22445, -0.16914,
                                     -0.10313, -0.08864, -0.07391, -0.05906, 0.00000};
static const double GHIA_V400[17] = {0.00000,  0.18360,  0.19713,  0.20920,  0.22965,  0.28124,
                                     0.30203,  0.30174,  0.05186,  -0.38598, -0.44993, -0.23827,
                                     -0.22847, -0.19254, -0.15663, -0.12146, 0.00000};
/* Primary vortex, Ghia et al. (1982) Table III: psi_min and centre (x, y). */
static const double GHIA_PSI[2][3] = {{-0.103423, 0.6172, 0.7344}, {-0.113909, 0.5547, 0.6055}};
/* Re = 1000, converged Chebyshev solution (N = 160) of Botella & Peyret (1998), "Benchmark
 * spectral results on the lid-driven cavity flow", Computers & Fluids 27(4):421-433: the table of
 * velocity extrema through the centrelines (u_min = -0.3885698 at y = 0.1717, v_max = 0.3769447 at
 * x = 0.1578, v_min = -0.5270771 at x = 0.9092) and the table of the primary vortex (psi =
 * -0.1189366, centre (0.5308, 0.5652)), all in Ghia's orientation (lid at y = 1 moving in +x; a
 * mirrored orientation lists x = 0.4692). Session 2 checked the values session 1 typed from memory against two independent public
 * transcriptions of those tables (one with 10 digits: psi -0.118936603 at (0.53079011, 0.56524055);
 * extrema locations y 0.1716968, x 0.1578365, x 0.9092470; one gives v_min = -0.5270773): all
 * agree to the 7 digits kept here; the paper's own table pages could not be opened. Ghia's table
 * misses these values by 1-3 %. */
static const double BP1000_UMIN = -0.3885698, BP1000_VMAX = 0.3769447, BP1000_VMIN = -0.5270771;
static const double BP1000_PSI[3] = {-0.1189366, 0.5308, 0.5652};

static int owns(const proj_grid *g, const long gi[3]) {
  for (int d = 0; d < g->ndims; d++)
    if (gi[d] < g->lo[d] || gi[d] >= g->lo[d] + g->nl[d]) return 0;
  return 1;
}

int proj_sample(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s, int c,
                const double x[3], double *value) {
  const double *f = c == 3 ? s->p : s->u[c];
  long i0[3] = {0, 0, 0}, own[3] = {0, 0, 0};
  double w[3] = {0, 0, 0};
  int wall_face = -1;
  for (int d = 0; d < g->ndims; d++) {
    proj_grid_locate(g, d, c == 3 ? -1 : c, x[d], &i0[d], &w[d]);
    own[d] = i0[d] < 0 ? 0 : i0[d];
    if (!g->periodic[d] && d != c && c != 3) {
      if (fabs(x[d] - g->origin[d]) < 1e-12 * g->length[d]) wall_face = 2 * d;
      if (fabs(x[d] - g->origin[d] - g->length[d]) < 1e-12 * g->length[d]) wall_face = 2 * d + 1;
    }
  }
  double v = 0.0;
  if (owns(g, own)) {
    if (wall_face >= 0 && prm->bc[wall_face].kind != BC_OUTFLOW) {
      v = proj_case_boundary(prm, wall_face, c, x, x, s->t); /* the wall value itself */
    } else {
      const int nd = g->ndims;
      for (int corner = 0; corner < (1 << nd); corner++) {
        long li[3] = {0, 0, 0};
        double wt = 1.0;
        for (int d = 0; d < nd; d++) {
          const int b = (corner >> d) & 1;
          li[d] = i0[d] + b - g->lo[d];
          wt *= b ? w[d] : 1.0 - w[d];
        }
        if (wt != 0.0) v += wt * f[proj_at(g, li[0], li[1], li[2])];
      }
    }
  }
  WHPC_CALL(proj_allreduce_sum(dec, &v, 1));
  *value = v;
  return WHPC_OK;
}

int proj_exact_error(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s, double *err) {
  double m = 0.0, ex, x[3];
  for (int c = 0; c < g->ndims; c++) {
    long b[3], e[3];
    for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[d], &e[d]);
    for (long k = b[2]; k < e[2]; k++)
      for (long j = b[1]; j < e[1]; j++)
        for (long i = b[0]; i < e[0]; i++) {
          proj_pos(g, c, i, j, k, x);
          if (!proj_case_exact(prm, c, x, s->t, &ex)) return WHPC_RAISE(WHPC_ERR_ARG, "case has no exact solution");
          m = fmax(m, fabs(s->u[c][proj_at(g, i, j, k)] - ex));
        }
  }
  WHPC_CALL(proj_allreduce_max(dec, &m, 1));
  *err = m;
  return WHPC_OK;
}

int proj_stream_function(whpc_decomp_t dec, const proj_grid *g, double *const u[3], double *psi_cc,
                         double *psi_min, double *xmin, double *ymin) {
  /* psi(x, y) = int_0^y u dy along each column of cell centres (psi = 0 on the bottom wall) */
  const long nx = g->nl[0], ny = g->nl[1];
  double *colsum, *offset;
  WHPC_MALLOC(colsum, nx);
  WHPC_MALLOC(offset, nx);
  for (long i = 0; i < nx; i++) {
    double sum = 0.0;
    for (long j = 0; j < ny; j++) {
      const size_t q = proj_at(g, i, j, 0);
      sum += 0.5 * (u[0][q] + u[0][q + 1]) * proj_dc(g, 1, j);
    }
    colsum[i] = sum;
  }
  int rc = proj_scan_y(dec, colsum, offset, (int)nx);
  double best = INFINITY, bx = 0, by = 0;
  for (long i = 0; rc == WHPC_OK && i < nx; i++) {
    double acc = offset[i];
    for (long j = 0; j < ny; j++) {
      const size_t q = proj_at(g, i, j, 0);
      const double uc = 0.5 * (u[0][q] + u[0][q + 1]) * proj_dc(g, 1, j);
      psi_cc[q] = acc + 0.5 * uc;
      acc += uc;
      if (psi_cc[q] < best) {
        double x[3];
        proj_pos(g, -1, i, j, 0, x);
        best = psi_cc[q], bx = x[0], by = x[1];
      }
    }
  }
  free(colsum);
  free(offset);
  if (rc) return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  double neg = -best;
  WHPC_CALL(proj_allreduce_max(dec, &neg, 1));
  double loc[2] = {-INFINITY, -INFINITY};
  if (-best == neg) loc[0] = bx, loc[1] = by;
  WHPC_CALL(proj_allreduce_max(dec, loc, 2));
  *psi_min = -neg;
  *xmin = loc[0];
  *ymin = loc[1];
  return WHPC_OK;
}

static void verdict(whpc_ctx_t ctx, const char *name, double value, double ref, double tol, int pass,
                    const char *source) {
  whpc_report_add_validation(ctx, name, value, ref, tol, pass, source);
  whpc_log(ctx, WHPC_LOG_INFO, "validation %-28s value %.6g  reference %.6g  tolerance %.3g  %s  [%s]", name,
           value, ref, tol, pass ? "PASS" : "FAIL", source);
}

/* Max deviation from a Ghia table along a centreline; c = 0: u(0.5, y), c = 1: v(x, 0.5). */
static int ghia_dev(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s, int c,
                    const double *st, const double *ref, int skip, double *dev, FILE *csv) {
  double m = 0.0;
  for (int q = 0; q < 17; q++) {
    double x[3] = {0.5, 0.5, 0.5}, v;
    x[1 - c] = round(st[q] * 128.0) / 128.0;
    WHPC_CALL(proj_sample(dec, g, prm, s, c, x, &v));
    if (csv) fprintf(csv, "%s,%.4f,%.10f,%.5f\n", c == 0 ? "u" : "v", x[1 - c], v, ref[q]);
    if (q != skip) m = fmax(m, fabs(v - ref[q]));
  }
  *dev = m;
  return WHPC_OK;
}

/* Extremum of a centreline profile sampled at every cell centre. */
static int centreline_extreme(whpc_decomp_t dec, const proj_grid *g, const proj_params *prm, proj_state *s, int c,
                              int want_max, double *val) {
  const long n = g->n[1 - c];
  double best = want_max ? -INFINITY : INFINITY;
  for (long q = 0; q < n; q++) {
    double x[3] = {0.5, 0.5, 0.5}, v;
    x[1 - c] = 1 - c == g->sdir ? g->gxc[q + PROJ_SOFF] : (q + 0.5) * g->h[1 - c];
    WHPC_CALL(proj_sample(dec, g, prm, s, c, x, &v));
    best = want_max ? fmax(best, v) : fmin(best, v);
  }
  *val = best;
  return WHPC_OK;
}

static int validate_cavity(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm,
                           proj_state *s, proj_results *res, const char *outdir) {
  const double re = 1.0 / prm->nu;
  const int tab = fabs(re - 100) < 1e-6 ? 0 : fabs(re - 400) < 1e-6 ? 1 : fabs(re - 1000) < 1e-6 ? 2 : -1;
  FILE *csv = NULL;
  whpc_file wf;
  int have_file = 0;
  if (whpc_rank(ctx) == 0) {
    char path[4096];
    snprintf(path, sizeof path, "%s/centreline.csv", outdir);
    if (whpc_file_open(&wf, path) == WHPC_OK) {
      have_file = 1;
      csv = wf.fp;
      fprintf(csv, "component,station,value,ghia\n");
    }
  }
  int rc = WHPC_OK;
  const double *uref = tab == 1 ? GHIA_U400 : GHIA_U100, *vref = tab == 1 ? GHIA_V400 : GHIA_V100;
  /* the tables are printed for every run (profile CSV); verdicts only at the tabulated Re */
  /* dense profiles (every cell centre plus the walls) for the plots, then the Ghia stations */
  for (int c = 0; c < 2 && !rc; c++) {
    const long n = g->n[1 - c];
    for (long q = -1; q <= n && !rc; q++) {
      double x[3] = {0.5, 0.5, 0.5}, v;
      x[1 - c] = q < 0 ? 0.0 : q == n ? 1.0 : 1 - c == g->sdir ? g->gxc[q + PROJ_SOFF] : (q + 0.5) * g->h[1 - c];
      rc = proj_sample(dec, g, prm, s, c, x, &v);
      if (csv) fprintf(csv, "%s_profile,%.6f,%.10f,nan\n", c == 0 ? "u" : "v", x[1 - c], v);
    }
  }
  if (!rc) rc = ghia_dev(dec, g, prm, s, 0, GHIA_Y, uref, -1, &res->ghia_max_dev_u, csv);
  if (!rc) rc = ghia_dev(dec, g, prm, s, 1, GHIA_X, vref, tab == 1 ? 11 : -1, &res->ghia_max_dev_v, csv);
  if (have_file) {
    if (rc) whpc_file_discard(&wf);
    else rc = whpc_file_commit(&wf);
  }
  WHPC_CALL(rc);
  double *psi;
  WHPC_MALLOC(psi, g->count);
  rc = proj_stream_function(dec, g, s->u, psi, &res->psi_min, &res->psi_x, &res->psi_y);
  free(psi);
  WHPC_CALL(rc);
  whpc_report_set_number(ctx, "primary_vortex.psi_min", res->psi_min);
  whpc_report_set_number(ctx, "primary_vortex.x", res->psi_x);
  whpc_report_set_number(ctx, "primary_vortex.y", res->psi_y);
  whpc_log(ctx, WHPC_LOG_INFO, "primary vortex: psi_min = %.6f at (%.4f, %.4f)", res->psi_min, res->psi_x,
           res->psi_y);
  double h = fmax(g->h[0], g->h[1]);
  if (g->sdir >= 0) /* the coarsest cell of the stretched axis */
    for (long i = 0; i < g->n[g->sdir]; i++) h = fmax(h, g->gdc[i + PROJ_SOFF]);
  if (tab == 0 || tab == 1) {
    const char *src = tab == 0 ? "Ghia, Ghia & Shin 1982, Table I/II, Re=100" : "Ghia, Ghia & Shin 1982, Table I/II, Re=400 (v(0.9063) misprint excluded)";
    verdict(ctx, "ghia_u_max_deviation", res->ghia_max_dev_u, 0.0, prm->ghia_tol,
            res->ghia_max_dev_u <= prm->ghia_tol, src);
    verdict(ctx, "ghia_v_max_deviation", res->ghia_max_dev_v, 0.0, prm->ghia_tol,
            res->ghia_max_dev_v <= prm->ghia_tol, src);
    const double *pv = GHIA_PSI[tab];
    /* Ghia's psi is itself ~1 % off converged values: 3 % and 2 cells */
    verdict(ctx, "primary_vortex_psi", res->psi_min, pv[0], 0.03 * fabs(pv[0]),
            fabs(res->psi_min - pv[0]) <= 0.03 * fabs(pv[0]), "Ghia et al. 1982, Table III");
    const double dpos = hypot(res->psi_x - pv[1], res->psi_y - pv[2]);
    verdict(ctx, "primary_vortex_position", dpos, 0.0, 2.0 * h + 0.01, dpos <= 2.0 * h + 0.01,
            "Ghia et al. 1982, Table III (distance of the centre)");
  } else if (tab == 2) {
    double umin = 0, vmax = 0, vmin = 0;
    WHPC_CALL(centreline_extreme(dec, g, prm, s, 0, 0, &umin));
    WHPC_CALL(centreline_extreme(dec, g, prm, s, 1, 1, &vmax));
    WHPC_CALL(centreline_extreme(dec, g, prm, s, 1, 0, &vmin));
    const char *src = "Botella & Peyret 1998, Re=1000 (converged spectral)";
    /* 2 % of the value: a second-order 128^2 solution; Ghia's table misses these by 1-3 % */
    verdict(ctx, "u_min_vertical_centreline", umin, BP1000_UMIN, 0.02 * fabs(BP1000_UMIN),
            fabs(umin - BP1000_UMIN) <= 0.02 * fabs(BP1000_UMIN), src);
    verdict(ctx, "v_max_horizontal_centreline", vmax, BP1000_VMAX, 0.02 * fabs(BP1000_VMAX),
            fabs(vmax - BP1000_VMAX) <= 0.02 * fabs(BP1000_VMAX), src);
    verdict(ctx, "v_min_horizontal_centreline", vmin, BP1000_VMIN, 0.02 * fabs(BP1000_VMIN),
            fabs(vmin - BP1000_VMIN) <= 0.02 * fabs(BP1000_VMIN), src);
    verdict(ctx, "primary_vortex_psi", res->psi_min, BP1000_PSI[0], 0.02 * fabs(BP1000_PSI[0]),
            fabs(res->psi_min - BP1000_PSI[0]) <= 0.02 * fabs(BP1000_PSI[0]), src);
    const double dpos = hypot(res->psi_x - BP1000_PSI[1], res->psi_y - BP1000_PSI[2]);
    verdict(ctx, "primary_vortex_position", dpos, 0.0, 2.0 * h + 0.01, dpos <= 2.0 * h + 0.01, src);
    whpc_log(ctx, WHPC_LOG_INFO, "Ghia et al. 1982 has no Re=1000 table in the reference set; deviations vs Re=100 table not reported");
  } else {
    whpc_log(ctx, WHPC_LOG_INFO, "Re = %g has no reference table: profiles written, no verdict", re);
  }
  whpc_report_set_number(ctx, "ghia.max_dev_u", res->ghia_max_dev_u);
  whpc_report_set_number(ctx, "ghia.max_dev_v", res->ghia_max_dev_v);
  return WHPC_OK;
}

int proj_validate_case(whpc_ctx_t ctx, whpc_decomp_t dec, const proj_grid *g, const proj_params *prm,
                       proj_state *s, proj_results *res, const char *outdir) {
  memset(res, 0, sizeof(*res));
  switch (prm->case_id) {
    case CASE_CAVITY:
      return validate_cavity(ctx, dec, g, prm, s, res, outdir);
    case CASE_POISEUILLE:
      if (prm->bc[0].kind != BC_PERIODIC) {
        whpc_log(ctx, WHPC_LOG_INFO, "channel with inflow/outflow: no exact solution, no verdict");
        return WHPC_OK;
      }
      WHPC_CALL(proj_exact_error(dec, g, prm, s, &res->err_max));
      /* the discrete steady state is the parabola (quadratic wall closure): round-off only */
      verdict(ctx, "poiseuille_max_error", res->err_max, 0.0, 1e-12, res->err_max <= 1e-12,
              "exact parabola u = f/(2 nu) y (H - y)");
      return WHPC_OK;
    case CASE_TAYLOR_GREEN:
    case CASE_KOVASZNAY:
      WHPC_CALL(proj_exact_error(dec, g, prm, s, &res->err_max));
      whpc_report_set_number(ctx, "max_velocity_error", res->err_max);
      return WHPC_OK;
    default:
      return WHPC_OK;
  }
}
