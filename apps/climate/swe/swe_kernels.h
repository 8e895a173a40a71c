/* swe_kernels.h — shallow-water equations on the sphere, Arakawa C grid on a regular lat-lon
 * grid: local kernels only (no MPI, no libwhpc). Arrays are ghosted local blocks in the
 * whpc_decomp layout: index i + gx*j, owned cell (0,0) at (g,g), dim 0 = longitude.
 *
 * Staggering (global indices I = 0..nlon-1, J = 0..nlat-1):
 *   h[I,J]  cell centre  (lambda = I*dlam, phi = -90deg + (J+1/2)*dphi)
 *   u[I,J]  east face    (lambda = (I+1/2)*dlam, phi of the centre)
 *   v[I,J]  north face   (lambda of the centre, phi = -90deg + (J+1)*dphi); J = nlat-1 is the
 *           north pole and v = 0 there; the south-pole face is the ghost row J = -1 (v = 0).
 *   corner[I,J] NE corner of cell (I,J): vorticity, potential vorticity, Coriolis f. */
#ifndef SWE_KERNELS_H
#define SWE_KERNELS_H
#include <stddef.h>

#define SWE_A 6.37122e6     /* Earth radius, m (Williamson et al. 1992) */
#define SWE_OMEGA 7.292e-5  /* rotation rate, s-1 */
#define SWE_G 9.80616       /* gravity, m s-2 */

/* Local block geometry and per-row metrics (arrays indexed by local ghosted row jj = j + g). */
typedef struct {
  long nlon, nlat;     /* global grid */
  long nx, ny;         /* owned cells (lon, lat) */
  long i0, j0;         /* global index of owned cell (0,0) */
  long g;              /* ghost width */
  long gx, gy;         /* ghosted extents */
  double dlam, dphi;   /* radians */
  /* per ghosted row (gy entries); rows beyond the poles hold harmless copies */
  double *phic, *phie;   /* latitude of centre / north edge (rad) */
  double *area;          /* cell area a^2 dlam (sin phie - sin phie[j-1]) */
  double *dxc;           /* a cos(phic) dlam: zonal spacing at h/u rows */
  double *lv;            /* a cos(phie) dlam: length of the north face (0 at the pole) */
  double *areav;         /* dual area a^2 dlam (sin phic[j+1] - sin phic[j]) */
  double *wn, *ws;       /* area fractions of the N/S halves of cell j (for corner averages) */
  double *ke_u, *ke_n, *ke_s; /* kinetic-energy weights 1/4 l d / A of the faces of cell j */
  double dy;             /* a dphi */
  int south_pole, north_pole; /* this block owns global row 0 / nlat-1 */
} swe_grid;

static inline size_t swe_ix(const swe_grid *gr, long i, long j) {
  return (size_t)(i + gr->g) + (size_t)gr->gx * (size_t)(j + gr->g);
}

/* Fills metrics; returns 0 or -1 on allocation failure. */
int swe_grid_init(swe_grid *gr, long nlon, long nlat, long nx, long ny, long i0, long j0, long g);
void swe_grid_free(swe_grid *gr);

/* Mass-flux face value of h: 0 = centred (2nd order), 1 = third-order upwind-biased. */
enum { SWE_ADV_CENTERED = 0, SWE_ADV_UPWIND3 = 1 };

/* Work arrays of one tendency evaluation (ghosted size). */
typedef struct {
  double *U, *V;   /* mass transports through faces (m3 s-1) */
  double *q;       /* potential vorticity at corners */
  double *B;       /* Bernoulli function K + g (h + hs) */
} swe_work;
int swe_work_alloc(swe_work *w, size_t n);
void swe_work_free(swe_work *w);

/* Tendencies on owned points. Inputs need valid ghosts (width >= 2 for upwind3, else 1),
 * v = 0 on the pole rows. advect_only: u, v are prescribed (case 1), only h evolves. */
void swe_tendency(const swe_grid *gr, const double *h, const double *u, const double *v,
                  const double *hs, const double *fq, int adv, int advect_only, swe_work *w,
                  double *dh, double *du, double *dv);

/* Relative vorticity at interior corners (global J = 0..nlat-2) for owned corners; pole
 * corners are left to swe_pole_vorticity. */
void swe_vorticity(const swe_grid *gr, const double *u, const double *v, double *zeta);
/* Polar-cap vorticity from the whole polar row of u (nlon values in global order):
 * circulation along the row / area of the cap. north = 1 / 0. */
double swe_pole_vorticity(long nlon, double dlam, double phi_row, const double *urow, int north);

/* Local sums over owned points (for global diagnostics). */
typedef struct {
  double mass;       /* sum h A */
  double energy;     /* sum A (h K + g h (h/2 + hs)) */
  double enstrophy;  /* sum over interior corners of A_v (zeta+f)^2 / (2 h_q) */
} swe_sums;
void swe_local_sums(const swe_grid *gr, const double *h, const double *u, const double *v,
                    const double *hs, const double *zeta, const double *fq, swe_sums *s);

/* Cell-centre diagnostics for output (owned points): u, v averaged to centres, vorticity as
 * the mean of the 4 corners, height h + hs. zeta must hold valid corners around owned cells. */
void swe_to_centres(const swe_grid *gr, const double *h, const double *u, const double *v,
                    const double *hs, const double *zeta, double *height, double *uc, double *vc,
                    double *zc);

/* Estimated stable time step of RK3 with centred differences: sqrt(3) / max frequency of
 * the fastest wave (|u| + sqrt(g h)) over rows; rows poleward of filter_lat (rad, >= pi/2
 * = no filter) use the zonal spacing at filter_lat. Local over owned rows (caller takes min). */
double swe_stable_dt(const swe_grid *gr, double speed_max, double filter_lat);

/* y = x + c * d on owned points. */
void swe_axpy(const swe_grid *gr, double *y, const double *x, double c, const double *d);

#endif
