/* clim_cases.c — case defaults and initial conditions (no MPI). */
#include <math.h>
#include "clim_cases.h"

static const double PI = 3.14159265358979323846;

static const clim_case CASES[] = {
    {"bubble", "Rising dry thermal (Bryan and Fritsch 2002)",
     "Bryan, G. H. and J. M. Fritsch, 2002: A benchmark simulation for moist nonhydrostatic numerical "
     "models. Mon. Wea. Rev. 130, 2917-2928",
     2, {200, 1, 100}, {20000.0, 1.0, 10000.0}, {0, 0}, {CLIM_BG_NEUTRAL, 300.0, 0.0, 1.0e5},
     0.0, 2.0, 1000.0, 250.0, 0.0},
    {"straka", "Density current (Straka et al. 1993)",
     "Straka, J. M., R. B. Wilhelmson, L. J. Wicker, J. R. Anderson and K. K. Droegemeier, 1993: "
     "Numerical solutions of a non-linear density current: a benchmark solution and comparisons. "
     "Int. J. Numer. Meth. Fluids 17, 1-22",
     2, {256, 1, 64}, {25600.0, 1.0, 6400.0}, {0, 0}, {CLIM_BG_NEUTRAL, 300.0, 0.0, 1.0e5},
     0.0, -15.0, 900.0, 300.0, 75.0},
    {"igw", "Inertia-gravity waves (Skamarock and Klemp 1994)",
     "Skamarock, W. C. and J. B. Klemp, 1994: Efficiency and accuracy of the Klemp-Wilhelmson "
     "time-splitting technique. Mon. Wea. Rev. 122, 2623-2630",
     2, {300, 1, 20}, {300000.0, 1.0, 10000.0}, {1, 0}, {CLIM_BG_CONST_N, 300.0, 0.01, 1.0e5},
     20.0, 0.01, 3000.0, 1000.0, 0.0},
    {"collide", "Colliding thermals (miniWeather collision case geometry)",
     "Norman, M. R.: miniWeather, https://github.com/mrnorman/miniWeather (collision case)",
     2, {400, 1, 200}, {20000.0, 1.0, 10000.0}, {1, 0}, {CLIM_BG_NEUTRAL, 300.0, 0.0, 1.0e5},
     0.0, 20.0, 700.0, 100.0, 0.0},
    {"bubble3d", "3D warm bubble", "demonstration case (3D analogue of Bryan and Fritsch 2002)",
     3, {40, 40, 40}, {10000.0, 10000.0, 10000.0}, {1, 1}, {CLIM_BG_NEUTRAL, 300.0, 0.0, 1.0e5},
     0.0, 2.0, 400.0, 100.0, 0.0},
};

const clim_case *clim_case_get(clim_case_id id) { return &CASES[id]; }

/* cos^2 bump of radius 1 in normalised distance L */
static double cos2(double L) { return L <= 1.0 ? pow(cos(0.5 * PI * L), 2.0) : 0.0; }

double clim_case_theta_prime(clim_case_id id, const clim_case *cs, const clim_params *p, double x, double y,
                             double z) {
  const double A = cs->amplitude, X = cs->len[0], Y = cs->len[1];
  switch (id) {
  case CLIM_CASE_BUBBLE: {
    double L = sqrt(pow((x - 0.5 * X) / 2000.0, 2) + pow((z - 2000.0) / 2000.0, 2));
    return A * cos2(L);
  }
  case CLIM_CASE_STRAKA: {
    /* T' = A (cos(pi L) + 1) / 2 with x measured from the symmetry wall at x = 0;
     * theta' = T' / Exner of the background */
    double L = sqrt(pow(x / 4000.0, 2) + pow((z - 3000.0) / 2000.0, 2));
    if (L > 1.0) return 0.0;
    double r, th, pr;
    clim_background_eval(p, &cs->bg, z, &r, &th, &pr);
    double exner = pow(pr / p->p0, p->rd / p->cp);
    return A * 0.5 * (cos(PI * L) + 1.0) / exner;
  }
  case CLIM_CASE_IGW: {
    const double a = 5000.0, xc = 100000.0, H = cs->len[2];
    return A * sin(PI * z / H) / (1.0 + pow((x - xc) / a, 2));
  }
  case CLIM_CASE_COLLIDE: {
    double Lw = sqrt(pow((x - 0.5 * X) / 2000.0, 2) + pow((z - 2000.0) / 2000.0, 2));
    double Lc = sqrt(pow((x - 0.5 * X) / 2000.0, 2) + pow((z - 8000.0) / 2000.0, 2));
    return A * cos2(Lw) - A * cos2(Lc);
  }
  case CLIM_CASE_BUBBLE3D: {
    double L = sqrt(pow((x - 0.5 * X) / 2000.0, 2) + pow((y - 0.5 * Y) / 2000.0, 2) + pow((z - 2000.0) / 2000.0, 2));
    return A * cos2(L);
  }
  }
  return 0.0;
}

void clim_case_init(clim_case_id id, const clim_case *cs, const clim_grid *g, const clim_params *p,
                    double *const q[]) {
  const int G = CLIM_GHOST;
  for (long k = 0; k < g->nz; k++) {
    const double rb = g->rb[k + G], tb = g->tb[k + G], thb = tb / rb, z = g->zc[k + G];
    for (long j = 0; j < g->ny; j++) {
      const double y = g->ndim == 3 ? ((double)(g->j0 + j) + 0.5) * g->dy : 0.0;
      for (long i = 0; i < g->nx; i++) {
        const double x = ((double)(g->i0 + i) + 0.5) * g->dx;
        const long c = clim_idx(g, i, j, k);
        double tp = clim_case_theta_prime(id, cs, p, x, y, z);
        /* pressure (and so rho theta) unperturbed: the density carries the buoyancy */
        double r = tb / (thb + tp);
        q[CLIM_R][c] = r - rb;
        q[CLIM_T][c] = 0.0;
        q[CLIM_U][c] = r * p->u0;
        q[CLIM_W][c] = 0.0;
        if (g->ndim == 3) q[CLIM_V][c] = r * p->v0;
      }
    }
  }
}
