/* swe_step.h — model state and the RK3 time step (no MPI: halo exchange and the polar
 * filter come in as callbacks from the driver). */
#ifndef SWE_STEP_H
#define SWE_STEP_H
#include "swe_kernels.h"

typedef struct {
  double *h, *u, *v;        /* prognostic: depth (m), winds on faces (m/s) */
  double *h1, *u1, *v1;     /* stage state */
  double *dh, *du, *dv;     /* tendencies */
  double *hs, *fq;          /* topography at centres, Coriolis at corners (static) */
  swe_work work;
  int adv, advect_only;
} swe_state;

typedef struct {
  /* make the ghosts of (h, u, v) valid */
  int (*exchange)(void *ctx, double *h, double *u, double *v);
  /* apply the polar filter to the tendencies (NULL = no filter) */
  int (*filter)(void *ctx, double *dh, double *du, double *dv);
  void *ctx;
} swe_ops;

int swe_state_alloc(swe_state *s, size_t n);
void swe_state_free(swe_state *s);

/* One step of the three-stage Runge-Kutta scheme of Wicker & Skamarock (2002):
 *   y1 = y + dt/3 F(y),  y2 = y + dt/2 F(y1),  y(n+1) = y + dt F(y2)
 * second order for nonlinear problems, third order for linear ones; stable for centred
 * oscillatory terms up to |omega dt| = sqrt(3). Each stage is flux form in h, so the
 * total mass changes only by round-off. Returns the first non-zero callback code. */
int swe_rk3_step(const swe_grid *gr, swe_state *s, double dt, const swe_ops *ops);

#endif
