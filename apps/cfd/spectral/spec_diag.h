/* spec_diag.h — diagnostics time series of the spectral solver, the TGV reference comparison and
 * the CSV files. Serial code: every rank holds the same (already reduced) series. No MPI. */
#ifndef CFD_SPEC_DIAG_H
#define CFD_SPEC_DIAG_H
#include <whpc.h>

typedef struct {
  long n, cap;
  long *step;
  double *t, *dt, *ek, *ens, *div; /* ens = <|omega|^2>/2, div = max |k.u_k| */
} cfd_spec_hist;

int cfd_spec_hist_push(cfd_spec_hist *h, long step, double t, double dt, double ek, double ens, double div);
void cfd_spec_hist_free(cfd_spec_hist *h);
/* -dEk/dt by second-order finite differences on the (non-uniform) time levels; out has h->n values. */
void cfd_spec_minus_dedt(const cfd_spec_hist *h, double *out);

/* Reference series t, Ek, eps = -dEk/dt (the workshop's .gdiag columns as CSV). */
typedef struct {
  long n;
  double *t, *ek, *eps;
} cfd_spec_ref;
int cfd_spec_ref_read(const char *path, cfd_spec_ref *ref);
void cfd_spec_ref_free(cfd_spec_ref *ref);

/* Comparison of eps(t) = 2 nu enstrophy (interpolated linearly at the reference times) with the
 * reference over t in [t0, t1]: max and RMS absolute difference, and both divided by the largest
 * reference value in the window. */
typedef struct {
  double t0, t1;
  long npoints;
  double linf, l2, linf_rel, l2_rel, ref_max;
} cfd_spec_cmp;
void cfd_spec_compare(const cfd_spec_hist *h, double nu, const cfd_spec_ref *ref, double t0, double t1,
                      cfd_spec_cmp *out);
/* Peak of 2 nu enstrophy and its time (parabola through the largest sample and its neighbours). */
void cfd_spec_peak(const cfd_spec_hist *h, double nu, double *peak, double *tpeak);
/* Energy budget: max over interior levels of |-dEk/dt - (2 nu enstrophy - 2 A Ek)| divided by the
 * largest 2 nu enstrophy + 2 A Ek (scale of the terms), or by Ek(0)/t_end when both vanish. */
double cfd_spec_budget_residual(const cfd_spec_hist *h, double nu, double forcing_a);

/* Rank 0 only: the time series as CSV (atomic). */
int cfd_spec_write_series(const char *path, const cfd_spec_hist *h, double nu, double forcing_a);
#endif
