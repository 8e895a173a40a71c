/* proj_cases.c — the flow set-ups: domain, boundaries, initial fields and exact solutions.
 * No MPI. Velocity scale 1 everywhere, so Re = 1/nu for the cavity (side 1, lid speed 1). */
#include <math.h>
#include <string.h>
#include "proj.h"

static void set_walls(proj_face_bc bc[6]) {
  for (int f = 0; f < 6; f++) {
    bc[f].kind = BC_WALL;
    bc[f].vel[0] = bc[f].vel[1] = bc[f].vel[2] = 0;
    bc[f].profile = 0;
  }
}

/* Kovasznay (1948): lambda = Re/2 - sqrt(Re^2/4 + 4 pi^2), Re = 1/nu. */
static double kov_lambda(double nu) {
  const double re = 1.0 / nu;
  return 0.5 * re - sqrt(0.25 * re * re + 4.0 * M_PI * M_PI);
}

void proj_case_defaults(proj_params *prm) {
  set_walls(prm->bc);
  for (int d = 0; d < 3; d++) {
    prm->length[d] = 1.0;
    prm->origin[d] = 0.0;
    prm->force[d] = 0.0;
  }
  switch (prm->case_id) {
    case CASE_CAVITY:
    case CASE_CAVITY3D:
      prm->bc[3].kind = BC_MOVING; /* lid at y = Ly moving in +x */
      prm->bc[3].vel[0] = 1.0;
      break;
    case CASE_POISEUILLE:
      /* periodic channel driven by a body force: u = f/(2 nu) y (H - y), centre speed 1 */
      prm->bc[0].kind = prm->bc[1].kind = BC_PERIODIC;
      prm->force[0] = 8.0 * prm->nu;
      break;
    case CASE_TAYLOR_GREEN:
      for (int f = 0; f < 4; f++) prm->bc[f].kind = BC_PERIODIC;
      prm->length[0] = prm->length[1] = 2.0 * M_PI;
      break;
    case CASE_KOVASZNAY:
      /* x in [-0.5, 1], one period in y; exact velocity on the x faces */
      prm->origin[0] = prm->origin[1] = -0.5;
      prm->length[0] = 1.5;
      prm->bc[0].kind = prm->bc[1].kind = BC_INFLOW;
      prm->bc[0].profile = prm->bc[1].profile = 1;
      prm->bc[2].kind = prm->bc[3].kind = BC_PERIODIC;
      break;
  }
}

double proj_case_initial(const proj_params *prm, int c, const double x[3]) {
  double v = 0.0;
  switch (prm->case_id) {
    case CASE_TAYLOR_GREEN:
      proj_case_exact(prm, c, x, 0.0, &v);
      return v;
    case CASE_KOVASZNAY:
      return c == 0 ? 1.0 : 0.0; /* uniform stream; the wakes develop */
    default:
      return 0.0;
  }
}

int proj_case_exact(const proj_params *prm, int c, const double x[3], double t, double *value) {
  *value = 0.0;
  switch (prm->case_id) {
    case CASE_POISEUILLE: {
      const double hgt = prm->length[1], y = x[1] - prm->origin[1];
      if (c == 0) *value = prm->force[0] / (2.0 * prm->nu) * y * (hgt - y);
      return 1;
    }
    case CASE_TAYLOR_GREEN: {
      const double f = exp(-2.0 * prm->nu * t);
      if (c == 0) *value = sin(x[0]) * cos(x[1]) * f;
      if (c == 1) *value = -cos(x[0]) * sin(x[1]) * f;
      if (c == 3) *value = -0.25 * (cos(2 * x[0]) + cos(2 * x[1])) * f * f;
      return 1;
    }
    case CASE_KOVASZNAY: {
      const double lam = kov_lambda(prm->nu), e = exp(lam * x[0]);
      if (c == 0) *value = 1.0 - e * cos(2 * M_PI * x[1]);
      if (c == 1) *value = lam / (2 * M_PI) * e * sin(2 * M_PI * x[1]);
      if (c == 3) *value = 0.5 * (1.0 - e * e);
      return 1;
    }
    default:
      return 0;
  }
}

double proj_case_boundary(const proj_params *prm, int face, int c, const double xa[3], const double xb[3],
                          double t) {
  const proj_face_bc *b = &prm->bc[face];
  if (!b->profile) return b->vel[c];
  if (prm->case_id == CASE_KOVASZNAY && c == 0 && xb[1] > xa[1]) {
    /* face average of u over [ya, yb]: the discrete inflow and outflow then balance exactly */
    const double lam = kov_lambda(prm->nu), e = exp(lam * xa[0]);
    const double w = 2 * M_PI;
    return 1.0 - e * (sin(w * xb[1]) - sin(w * xa[1])) / (w * (xb[1] - xa[1]));
  }
  double v, x[3];
  for (int d = 0; d < 3; d++) x[d] = 0.5 * (xa[d] + xb[d]);
  proj_case_exact(prm, c, x, t, &v);
  return v;
}
