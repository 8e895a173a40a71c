/* clim_verdict.c — validation verdicts of the cases against published or analytic references.
 * Local work only; the reductions are the driver's helpers (clim_reduce_*). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clim_verdict.h"

/* Straka et al. (1993), Int. J. Numer. Meth. Fluids 17:1-22: the density current at 900 s.
 * The paper's table of converged (dx = 25 m) solutions could NOT be read here: the public text
 * the search tools reach holds only its abstract, and the papers that repeat the values
 * (Giraldo & Restelli 2008, J. Comput. Phys. 227; Marras et al.; Yelash et al.) are reachable
 * only by their first page. What could be read: the WRF/MMM test-case page (Skamarock) shows the
 * converged solution as figures only, and third-party model repositories quote "front about
 * 15.5 km, theta'_min about -9.8 K at 900 s" in comments. The numbers below (front 15.54 km,
 * theta'_min -9.77 K) are therefore UNVERIFIED against the paper; they agree with those quotes
 * to their precision. README "Cases" gives the search and this model's 100/50/25 m convergence. */
#define STRAKA_FRONT_REF 15540.0
#define STRAKA_THMIN_REF (-9.77)
/* Tolerances at dx <= 100 m: front 3 %, theta'_min 5 %: wide enough for the uncertainty of the
 * reference above (0.3 % in front, 1 % in theta'_min between the quoted roundings). */
#define STRAKA_FRONT_TOL 0.03
#define STRAKA_THMIN_TOL 0.05
#define STRAKA_SRC "Straka et al. 1993 converged solution at 900 s as quoted (15.54 km, -9.77 K; " \
  "the paper's table could not be read to verify them, README); tolerance for dx <= 100 m"

/* Bryan & Fritsch (2002) show the dry thermal at 1000 s as contour plots (their Fig. 1) and
 * tabulate no max w; no paper could be found that quotes a max w for their dry case at 100 or
 * 125 m (searched: BF02 itself, Giraldo & Restelli 2008, Kelly & Giraldo 2012, ERF's BF02
 * verification (figures only), DCMIP/NUMA pages; README "Cases" lists the queries). The
 * reference is therefore this model's own 50 m solution (max |w| over the run, sampled at the
 * diagnostics every 100 steps: 14.86 m/s; 100 m gives 14.25): a self-convergence check, max |w|
 * within 10 % of it. It is NOT a published reference. */
#define BUBBLE_WMAX_REF 14.86
#define BUBBLE_WMAX_TOL 0.10

/* igw: relative L2 error of theta' against the linear reference; 5 % at dx = 1 km, dz = 500 m
 * (stated in the README; the model's own difference 1 km -> 500 m is ~2 %). */
#define IGW_L2_TOL 0.05

static int straka(const clim_verdict_in *in) {
  const clim_grid *g = in->g;
  WHPC_CALL(whpc_halo_exchange(in->halo, (void *const *)in->q));
  double front = -1.0;
  if (g->k0 == 0)
    for (long i = 0; i < g->nx; i++) {
      long c = clim_idx(g, i, 0, 0);
      double a = clim_theta_prime(g, in->q, c, 0), b = clim_theta_prime(g, in->q, c + 1, 0);
      if (a <= -1.0 && b > -1.0) {
        double x = ((double)(g->i0 + i) + 0.5) * g->dx + g->dx * (-1.0 - a) / (b - a);
        if (x > front) front = x;
      }
    }
  WHPC_CALL(clim_reduce_max(in->ctx, &front, 1));
  const double thmin = in->d->thmin;
  const double tf = in->tolerance > 0 ? in->tolerance : STRAKA_FRONT_TOL;
  const double tt = in->tolerance > 0 ? in->tolerance : STRAKA_THMIN_TOL;
  int pf = fabs(front - STRAKA_FRONT_REF) <= tf * STRAKA_FRONT_REF;
  int pt = fabs(thmin - STRAKA_THMIN_REF) <= tt * fabs(STRAKA_THMIN_REF);
  const char *src = STRAKA_SRC;
  whpc_report_add_validation(in->ctx, "straka_front_position_m", front, STRAKA_FRONT_REF, tf * STRAKA_FRONT_REF, pf, src);
  whpc_report_add_validation(in->ctx, "straka_theta_prime_min_K", thmin, STRAKA_THMIN_REF, tt * fabs(STRAKA_THMIN_REF), pt, src);
  whpc_log(in->ctx, WHPC_LOG_INFO, "verdict straka (dx = %g m): front %.1f m (reference %.0f m, unverified, %+.2f %%) %s; "
           "theta'_min %.3f K (reference %.2f K, unverified) %s", g->dx, front, STRAKA_FRONT_REF,
           100.0 * (front - STRAKA_FRONT_REF) / STRAKA_FRONT_REF, pf ? "PASS" : "FAIL", thmin, STRAKA_THMIN_REF,
           pt ? "PASS" : "FAIL");
  return WHPC_OK;
}

static int bubble(const clim_verdict_in *in) {
  const double tol = in->tolerance > 0 ? in->tolerance : BUBBLE_WMAX_TOL;
  const double w = in->wmax_run;
  int pass = fabs(w - BUBBLE_WMAX_REF) <= tol * BUBBLE_WMAX_REF;
  whpc_report_add_validation(in->ctx, "bubble_max_w_m_s", w, BUBBLE_WMAX_REF, tol * BUBBLE_WMAX_REF, pass,
                             "self-convergence, not a published value: this model at dx = 50 m (Bryan & Fritsch 2002 "
                             "tabulate no max w and none could be found quoted; README)");
  whpc_report_add_validation(in->ctx, "bubble_theta_prime_max_K", in->d->thmax, NAN, NAN, 1,
                             "reported only (Bryan & Fritsch 2002, Fig. 1 shows the 1000 s field)");
  whpc_log(in->ctx, WHPC_LOG_INFO, "verdict bubble (dx = %g m): max|w| over the run %.3f m/s (self-reference %.2f, %+.1f %%) %s; "
           "theta'_max at the end %.3f K", in->g->dx, w, BUBBLE_WMAX_REF, 100.0 * (w - BUBBLE_WMAX_REF) / BUBBLE_WMAX_REF,
           pass ? "PASS" : "FAIL", in->d->thmax);
  return WHPC_OK;
}

/* Reference file: '#' comment lines, then "nx nz time", then nz rows (bottom first) of nx values.
 * Local: every rank reads the whole file (small: one 2D field); the caller agrees on the result. */
static int read_reference(const char *path, const clim_grid *g, double t_end, double **ref) {
  FILE *f = fopen(path, "r");
  if (!f) return WHPC_RAISE(WHPC_ERR_INPUT, "euler.reference: cannot open '%s': %s", path, strerror(errno));
  int c;
  while ((c = fgetc(f)) == '#')
    while ((c = fgetc(f)) != '\n' && c != EOF) {
    }
  if (c != EOF) ungetc(c, f);
  long nx, nz;
  double t;
  if (fscanf(f, "%ld %ld %lf", &nx, &nz, &t) != 3) {
    fclose(f);
    return WHPC_RAISE(WHPC_ERR_INPUT, "euler.reference: '%s' lacks the 'nx nz time' line", path);
  }
  if (nx != g->gnx || nz != g->gnz) {
    fclose(f);
    return WHPC_RAISE(WHPC_ERR_INPUT, "euler.reference: '%s' is for a %ld x %ld grid, the run has %ld x %ld", path, nx,
                      nz, g->gnx, g->gnz);
  }
  if (!(fabs(t - t_end) <= 1e-9 * t_end)) {
    fclose(f);
    return WHPC_RAISE(WHPC_ERR_INPUT, "euler.reference: '%s' holds the solution at t = %g s, the run ends at euler.t_end = %g s "
                      "(give euler.reference= to run without the verdict)", path, t, t_end);
  }
  double *a = malloc((size_t)(nx * nz) * sizeof *a);
  if (!a) {
    fclose(f);
    return WHPC_RAISE(WHPC_ERR_MEM, "cannot allocate the reference field");
  }
  for (long n = 0; n < nx * nz; n++)
    if (fscanf(f, "%lf", &a[n]) != 1 || !isfinite(a[n])) {
      fclose(f);
      free(a);
      return WHPC_RAISE(WHPC_ERR_INPUT, "euler.reference: '%s' holds fewer than %ld finite values (value %ld is missing or not a number)",
                        path, nx * nz, n + 1);
    }
  fclose(f);
  *ref = a;
  return WHPC_OK;
}

int clim_reference_load(whpc_ctx_t ctx, clim_case_id cid, const char *path, const clim_grid *g, double t_end,
                        double **ref) {
  *ref = NULL;
  if (!path || !*path) return WHPC_OK;
  if (cid != CLIM_CASE_IGW) {
    int rc = whpc_config_error(ctx, "euler.reference", "only the igw case compares with a reference file");
    whpc_err_set_collective(1);
    return rc;
  }
  int rc = read_reference(path, g, t_end, ref), grc;
  whpc_agree(whpc_comm(ctx), rc, &grc);
  if (grc) {
    free(*ref);
    *ref = NULL;
  }
  return grc;
}

static int igw(const clim_verdict_in *in) {
  const clim_grid *g = in->g;
  const double *ref = in->reference;
  if (!ref) {
    whpc_log(in->ctx, WHPC_LOG_INFO, "verdict igw: no euler.reference given (see examples/igw_reference.py)");
    return WHPC_OK;
  }
  clim_xsum s[2];
  clim_xsum_zero(&s[0]);
  clim_xsum_zero(&s[1]);
  double mx[2] = {0.0, 0.0};
  for (long k = 0; k < g->nz; k++)
    for (long i = 0; i < g->nx; i++) {
      double r = ref[(g->k0 + k) * g->gnx + g->i0 + i];
      double e = clim_theta_prime(g, in->q, clim_idx(g, i, 0, k), k) - r;
      clim_xsum_add(&s[0], e * e);
      clim_xsum_add(&s[1], r * r);
      if (fabs(e) > mx[0]) mx[0] = fabs(e);
      if (fabs(r) > mx[1]) mx[1] = fabs(r);
    }
  WHPC_CALL(clim_reduce_xsum(in->ctx, s, 2));
  WHPC_CALL(clim_reduce_max(in->ctx, mx, 2));
  const double l2 = sqrt(clim_xsum_value(&s[0]) / clim_xsum_value(&s[1])), linf = mx[0] / mx[1];
  const double tol = in->tolerance > 0 ? in->tolerance : IGW_L2_TOL;
  int pass = l2 <= tol;
  whpc_report_add_validation(in->ctx, "igw_theta_prime_rel_l2_error", l2, 0.0, tol, pass,
                             "linear compressible solution (Fourier in x, converged vertical modes; "
                             "examples/igw_reference.py) of the Skamarock & Klemp 1994 setup");
  whpc_report_add_validation(in->ctx, "igw_theta_prime_rel_max_error", linf, 0.0, NAN, 1, "reported only");
  whpc_log(in->ctx, WHPC_LOG_INFO, "verdict igw (dx = %g m, dz = %g m): theta' relative L2 error %.4f (tolerance %.3f) %s, "
           "max error %.4f of max|theta'_ref| %.5f K", g->dx, g->dz, l2, tol, pass ? "PASS" : "FAIL", linf, mx[1]);
  return WHPC_OK;
}

int clim_verdicts(const clim_verdict_in *in) {
  switch (in->cid) {
  case CLIM_CASE_BUBBLE: return bubble(in);
  case CLIM_CASE_STRAKA: return straka(in);
  case CLIM_CASE_IGW: return igw(in);
  default: return WHPC_OK;
  }
}
