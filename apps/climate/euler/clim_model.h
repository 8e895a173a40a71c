/* clim_model.h — the euler core's grid, parameters and kernels (no MPI in here).
 *
 * State: perturbations about a hydrostatic background rho_b(z), Theta_b(z) = (rho theta)_b(z):
 *   q[CLIM_R] = rho - rho_b,  q[CLIM_U] = rho u,  q[CLIM_W] = rho w,
 *   q[CLIM_T] = rho theta - Theta_b,  q[CLIM_V] = rho v (3D only).
 * Pressure p = p0 (Rd rho theta / p0)^gamma; p' = p - p_b is computed per cell each stage.
 * Arrays are ghosted local arrays of a whpc_decomp (x fastest; 2D: (x, z); 3D: (x, y, z)).
 */
#ifndef CLIM_MODEL_H
#define CLIM_MODEL_H
#include <stddef.h>
#include <stdint.h>

enum { CLIM_R = 0, CLIM_U = 1, CLIM_W = 2, CLIM_T = 3, CLIM_V = 4, CLIM_NVMAX = 5 };
#define CLIM_GHOST 2

/* Physical constants and numerical coefficients. */
typedef struct {
  double g, rd, cp, cv, gamma, p0;
  double c0;            /* p = c0 Theta^gamma */
  double kdiff;         /* constant eddy viscosity/diffusivity, m2 s-1 (0 = off) */
  double nu_hv[3];      /* hyperviscosity flux coefficient per direction (x, y, z), m s-1 */
  double sponge_depth;  /* m below the lid (0 = off) */
  double sponge_rate;   /* s-1 at the lid */
  double ztop;
  double u0, v0;        /* background wind (m s-1) */
} clim_params;

/* Local grid of one rank. Indices i, j, k are local owned indices (0..n-1); ghosts -G..-1, n..n+G-1. */
typedef struct {
  int ndim;             /* 2 or 3 */
  int nv;               /* 4 or 5 */
  long nx, ny, nz;      /* owned extents (ny = 1 in 2D) */
  long gnx, gny, gnz;   /* global extents */
  long i0, j0, k0;      /* global index of owned cell (0,0,0) */
  long sy, sz;          /* strides of y and z in the ghosted array (sy = 0 in 2D) */
  long off;             /* array index of owned cell (0,0,0) */
  size_t count;         /* elements of a ghosted array */
  double dx, dy, dz;
  int wall[3][2];       /* 1 where this rank's low/high side in x, y, z is a global wall */
  /* background per local k (index k + G, k = -G .. nz+G-1) and per local z-face (k = 0..nz) */
  double *zc, *rb, *tb, *pb;         /* cell centres */
  double *rbf, *tbf, *pbf;           /* faces */
  double *mub, *mvb;                 /* rho_b * u0, rho_b * v0 at cell centres (hyperviscosity in z) */
} clim_grid;

static inline long clim_idx(const clim_grid *g, long i, long j, long k) {
  return g->off + i + j * g->sy + k * g->sz;
}

/* Background profile kinds. */
typedef enum { CLIM_BG_NEUTRAL = 0, CLIM_BG_CONST_N = 1 } clim_bg_kind;
typedef struct {
  clim_bg_kind kind;
  double theta0;  /* K at z = 0 */
  double bvf;     /* Brunt-Vaisala frequency N (s-1) for CONST_N */
  double psurf;   /* surface pressure, Pa */
} clim_background;

/* Hydrostatic background at height z: density, theta and pressure (exact Exner profile). */
void clim_background_eval(const clim_params *p, const clim_background *bg, double z, double *rho,
                          double *theta, double *pres);
/* Fill g's background arrays (zc, rb, tb, pb, rbf, tbf, pbf, mub, mvb); arrays allocated by caller. */
void clim_background_fill(clim_grid *g, const clim_params *p, const clim_background *bg);
void clim_params_init(clim_params *p);

/* Work arrays of the dynamics. */
typedef struct {
  double *pp;             /* p' per cell (ghosted) */
  double *prim[5];        /* u, w, v, theta', rho per cell (ghosted), only when kdiff > 0 */
  double *buf;            /* flux buffers */
  size_t buf_len;
} clim_work;

/* A box of local cell indices [lo, hi). */
typedef struct {
  long lo[3], hi[3];
} clim_lbox;

/* Result of the stage-1 scan over owned cells. */
typedef struct {
  double speed;          /* max over cells of sum_d (|u_d| + c)/d_d  (dt limit = cfl / speed) */
  long bad_gidx;         /* smallest global linear index of a cell with non-finite or non-positive
                            rho / rho theta; -1 when none */
} clim_scan;

/* Fill the ghost layers at global walls (mirror: normal momentum odd, the rest even). */
void clim_fill_walls(const clim_grid *g, double *const q[]);
/* p' (and primitives when kdiff > 0) on the cells of box b; scan: optional stage-1 checks. */
void clim_pressure(const clim_grid *g, const clim_params *p, double *const q[], clim_work *w,
                   const clim_lbox *b, clim_scan *scan);
/* Low-storage RK stage part 1: dq = a*dq + dt * L(q) on the owned cells of box b. */
void clim_tendency(const clim_grid *g, const clim_params *p, double *const q[], clim_work *w,
                   const clim_lbox *b, double a, double dt, double *const dq[]);
/* Part 2 on all owned cells: q += bcoef * dq. */
void clim_update(const clim_grid *g, double *const q[], double *const dq[], double bcoef);
/* Flux-buffer length needed for boxes no larger than the owned box. */
size_t clim_work_buf_len(const clim_grid *g);

/* Williamson (1980) low-storage 3-stage, 3rd-order Runge-Kutta. */
extern const double CLIM_RK_A[3], CLIM_RK_B[3];

/* ---- diagnostics (clim_diag.c) ---- */
/* Exact, order-independent sum of doubles: 32-bit digits in int64 bins, so partial sums of
 * any decomposition add to the same integers; converted to double once at the end. */
#define CLIM_XSUM_BINS 68
typedef struct {
  int64_t bin[CLIM_XSUM_BINS];
} clim_xsum;
void clim_xsum_zero(clim_xsum *s);
void clim_xsum_add(clim_xsum *s, double x);
double clim_xsum_value(const clim_xsum *s);

enum { CLIM_DS_MASSP = 0, CLIM_DS_MASSB, CLIM_DS_KE, CLIM_DS_IE, CLIM_DS_PE, CLIM_DS_N };
/* Local diagnostics of owned cells: exact sums (mass perturbation, background mass, kinetic,
 * internal, potential energy) and extrema. */
typedef struct {
  clim_xsum sum[CLIM_DS_N];
  double wmax;          /* max |w| */
  double thmin, thmax;  /* min/max theta' */
} clim_diag_local;
void clim_diag_compute(const clim_grid *g, const clim_params *p, double *const q[], clim_diag_local *d);
/* Order-independent 64-bit checksum of the owned state (global index and bits of every value). */
uint64_t clim_checksum(const clim_grid *g, double *const q[]);
/* theta' of cell c. */
static inline double clim_theta_prime(const clim_grid *g, double *const q[], long c, long k) {
  double rb = g->rb[k + CLIM_GHOST], tb = g->tb[k + CLIM_GHOST];
  return (tb + q[CLIM_T][c]) / (rb + q[CLIM_R][c]) - tb / rb;
}

#endif
