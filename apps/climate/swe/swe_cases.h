/* swe_cases.h — initial states and exact solutions of Williamson et al. (1992), J. Comput.
 * Phys. 102:211-224, cases 1, 2, 5, 6, and a zonal flow over real orography (no MPI). */
#ifndef SWE_CASES_H
#define SWE_CASES_H
#include "swe_kernels.h"

enum { SWE_CASE1 = 0, SWE_CASE2 = 1, SWE_CASE5 = 2, SWE_CASE6 = 3, SWE_CASE_OROGRAPHY = 4 };

typedef struct {
  int id;          /* SWE_CASE* */
  double alpha;    /* flow angle (rad), cases 1 and 2 */
  double u0, h0;   /* orography case: zonal wind (m/s) and height at the equator (m) */
} swe_case;

/* Fills the ghosted arrays of the block (rows 0..nlat-1 that fall inside it, longitudes
 * wrapped): depth h, winds u, v (from a streamfunction at corners, so the discrete
 * divergence of non-divergent flows is zero to round-off), topography hs, Coriolis fq at
 * corners. topo: global nlon*nlat topography (orography case), NULL otherwise. */
void swe_case_init(const swe_grid *gr, const swe_case *c, const double *topo, double *h, double *u,
                   double *v, double *hs, double *fq);
/* Exact height h + hs at (lambda, phi) and time t (s): cases 1 and 2; NAN otherwise. */
double swe_case_exact(const swe_case *c, double lam, double phi, double t);
/* Default length of the case in days. */
double swe_case_days(int id);
const char *swe_case_name(int id);

#endif
