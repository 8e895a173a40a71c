/* proj_bc.c — boundary ghosts of the MAC fields. No MPI: runs after the halo exchange, over
 * the full ghosted extent of the other directions so that corners agree between ranks.
 *
 * Tangential velocity at a wall uses the quadratic closure ghost = (8 u_w - 6 u_0 + u_1)/3,
 * which makes the central diffusion stencil exact for a parabola (Poiseuille to round-off)
 * and second-order at the wall. Normal velocity: the face value itself, odd reflection beyond. */
#include <math.h>
#include "proj.h"

static size_t at_dir(const proj_grid *g, int d, long id, long i1, long i2) {
  long idx[3];
  idx[d] = id;
  idx[(d + 1) % 3] = i1;
  idx[(d + 2) % 3] = i2;
  return proj_at(g, idx[0], idx[1], idx[2]);
}

/* Ghosted range of the two directions other than d. */
static void other_range(const proj_grid *g, int d, long b[2], long e[2]) {
  for (int m = 0; m < 2; m++) {
    const int o = (d + 1 + m) % 3;
    if (o < g->ndims) {
      b[m] = -PROJ_GHOST;
      e[m] = g->nl[o] + PROJ_GHOST;
    } else {
      b[m] = 0;
      e[m] = 1;
    }
  }
}

static int touches(const proj_grid *g, int d, int side) { return side ? g->at_hi[d] : g->at_lo[d]; }

/* Boundary value of component c at sample (d-index id, others i1,i2) of face 2d+side. */
static double face_value(const proj_grid *g, const proj_params *prm, int d, int side, int c, long id, long i1,
                         long i2, double t) {
  long idx[3];
  idx[d] = id;
  idx[(d + 1) % 3] = i1;
  idx[(d + 2) % 3] = i2;
  double x[3], xa[3], xb[3];
  proj_pos(g, c, idx[0], idx[1], idx[2], x);
  for (int q = 0; q < 3; q++) xa[q] = xb[q] = x[q];
  /* the wall plane itself */
  xa[d] = xb[d] = g->origin[d] + (side ? g->length[d] : 0.0);
  if (c == d) {
    for (int q = 0; q < g->ndims; q++) {
      if (q == g->sdir && q != d) { /* the cell's extent on a stretched axis */
        xa[q] = g->gxf[g->lo[q] + idx[q] + PROJ_SOFF];
        xb[q] = g->gxf[g->lo[q] + idx[q] + 1 + PROJ_SOFF];
      } else if (q != d) {
        xa[q] = x[q] - 0.5 * g->h[q];
        xb[q] = x[q] + 0.5 * g->h[q];
      }
    }
  }
  return proj_case_boundary(prm, 2 * d + side, c, xa, xb, t);
}

void proj_bc_velocity(const proj_grid *g, const proj_params *prm, double *const u[3], double t) {
  for (int d = 0; d < g->ndims; d++)
    for (int side = 0; side < 2; side++) {
      if (!touches(g, d, side)) continue;
      const proj_bc_kind kind = prm->bc[2 * d + side].kind;
      long b[2], e[2];
      other_range(g, d, b, e);
      const long nl = g->nl[d];
      /* wall closure on a stretched axis: the parabola through the wall value and the first two
       * centres (distances a, bb from the wall), taken at the mirrored ghost centre -a; on a
       * uniform axis this is (8, -6, 1)/3 */
      double cw[3] = {8.0 / 3.0, -2.0, 1.0 / 3.0};
      if (d == g->sdir) {
        const double *xc = g->gxc + PROJ_SOFF, wall = side ? g->origin[d] + g->length[d] : g->origin[d];
        const long n = g->n[d];
        const double a = fabs((side ? xc[n - 1] : xc[0]) - wall), bb = fabs((side ? xc[n - 2] : xc[1]) - wall);
        cw[0] = 2.0 * (a + bb) / bb;
        cw[1] = (a + bb) / (a - bb);
        cw[2] = 2.0 * a * a / (bb * (bb - a));
      }
      for (int c = 0; c < g->ndims; c++) {
        double *f = u[c];
        for (long i2 = b[1]; i2 < e[1]; i2++)
          for (long i1 = b[0]; i1 < e[0]; i1++) {
            if (c == d) {
              const long ib = side ? nl : 0; /* the boundary face */
              const long dir = side ? 1 : -1;
              if (kind != BC_OUTFLOW) f[at_dir(g, d, ib, i1, i2)] = face_value(g, prm, d, side, c, ib, i1, i2, t);
              const double vb = f[at_dir(g, d, ib, i1, i2)];
              /* the high boundary face is itself the first ghost: one ghost fewer beyond it */
              for (long m = 1; m <= (side ? PROJ_GHOST - 1 : PROJ_GHOST); m++)
                f[at_dir(g, d, ib + dir * m, i1, i2)] = 2.0 * vb - f[at_dir(g, d, ib - dir * m, i1, i2)];
            } else {
              const long i0 = side ? nl - 1 : 0, i1n = side ? nl - 2 : 1; /* first, second interior */
              const long g1 = side ? nl : -1, g2 = side ? nl + 1 : -2;
              const double f0 = f[at_dir(g, d, i0, i1, i2)], f1 = f[at_dir(g, d, i1n, i1, i2)];
              if (kind == BC_OUTFLOW) {
                f[at_dir(g, d, g1, i1, i2)] = f0;
                f[at_dir(g, d, g2, i1, i2)] = f1;
              } else {
                const double vt = face_value(g, prm, d, side, c, i0, i1, i2, t);
                f[at_dir(g, d, g1, i1, i2)] = d == g->sdir ? cw[0] * vt + cw[1] * f0 + cw[2] * f1
                                                           : (8.0 * vt - 6.0 * f0 + f1) / 3.0;
                f[at_dir(g, d, g2, i1, i2)] = 2.0 * vt - f1;
              }
            }
          }
      }
    }
}

void proj_bc_pressure(const proj_grid *g, const proj_params *prm, double *p) {
  for (int d = 0; d < g->ndims; d++)
    for (int side = 0; side < 2; side++) {
      if (!touches(g, d, side)) continue;
      /* Neumann where the normal velocity is given; p = 0 on an outflow face */
      const double sgn = prm->bc[2 * d + side].kind == BC_OUTFLOW ? -1.0 : 1.0;
      long b[2], e[2];
      other_range(g, d, b, e);
      const long nl = g->nl[d];
      for (long i2 = b[1]; i2 < e[1]; i2++)
        for (long i1 = b[0]; i1 < e[0]; i1++)
          for (long m = 1; m <= PROJ_GHOST; m++) {
            const long gi = side ? nl - 1 + m : -m, ii = side ? nl - m : m - 1;
            p[at_dir(g, d, gi, i1, i2)] = sgn * p[at_dir(g, d, ii, i1, i2)];
          }
    }
}

void proj_bc_outflow_predict(const proj_grid *g, const proj_params *prm, double *const u[3]) {
  for (int d = 0; d < g->ndims; d++)
    for (int side = 0; side < 2; side++) {
      if (!touches(g, d, side) || prm->bc[2 * d + side].kind != BC_OUTFLOW) continue;
      long b[2], e[2];
      other_range(g, d, b, e);
      const long ib = side ? g->nl[d] : 0, ii = side ? g->nl[d] - 1 : 1;
      for (long i2 = b[1]; i2 < e[1]; i2++)
        for (long i1 = b[0]; i1 < e[0]; i1++) u[d][at_dir(g, d, ib, i1, i2)] = u[d][at_dir(g, d, ii, i1, i2)];
    }
}

void proj_unknown_range(const proj_grid *g, const proj_params *prm, int c, int d, long *b, long *e) {
  (void)prm;
  *b = 0;
  *e = d < g->ndims ? g->nl[d] : 1;
  if (c == d && g->at_lo[d]) *b = 1; /* the low boundary face is boundary data */
}
