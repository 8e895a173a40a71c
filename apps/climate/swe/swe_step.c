/* swe_step.c — RK3 (Wicker-Skamarock) driver of the tendency kernel. */
#include "swe_step.h"
#include <stdlib.h>

int swe_state_alloc(swe_state *s, size_t n) {
  *s = (swe_state){0};
  double **a[] = {&s->h, &s->u, &s->v, &s->h1, &s->u1, &s->v1, &s->dh, &s->du, &s->dv, &s->hs, &s->fq};
  for (size_t k = 0; k < sizeof a / sizeof a[0]; k++)
    if (!(*a[k] = calloc(n, sizeof(double)))) return -1;
  return swe_work_alloc(&s->work, n);
}

void swe_state_free(swe_state *s) {
  double *a[] = {s->h, s->u, s->v, s->h1, s->u1, s->v1, s->dh, s->du, s->dv, s->hs, s->fq};
  for (size_t k = 0; k < sizeof a / sizeof a[0]; k++) free(a[k]);
  swe_work_free(&s->work);
  *s = (swe_state){0};
}

static int stage(const swe_grid *gr, swe_state *s, double *h, double *u, double *v, double c,
                 double *ho, double *uo, double *vo, const swe_ops *ops) {
  int rc = ops->exchange(ops->ctx, h, u, v);
  if (rc) return rc;
  swe_tendency(gr, h, u, v, s->hs, s->fq, s->adv, s->advect_only, &s->work, s->dh, s->du, s->dv);
  if (ops->filter && (rc = ops->filter(ops->ctx, s->dh, s->du, s->dv))) return rc;
  swe_axpy(gr, ho, s->h, c, s->dh);
  if (!s->advect_only) {
    swe_axpy(gr, uo, s->u, c, s->du);
    swe_axpy(gr, vo, s->v, c, s->dv);
  }
  return 0;
}

int swe_rk3_step(const swe_grid *gr, swe_state *s, double dt, const swe_ops *ops) {
  int rc;
  /* prescribed winds (case 1) are shared by every stage */
  double *u1 = s->advect_only ? s->u : s->u1, *v1 = s->advect_only ? s->v : s->v1;
  if ((rc = stage(gr, s, s->h, s->u, s->v, dt / 3.0, s->h1, u1, v1, ops))) return rc;
  if ((rc = stage(gr, s, s->h1, u1, v1, dt / 2.0, s->h1, u1, v1, ops))) return rc;
  /* the last stage updates the state in place (its arrays stay where the checkpoint knows them) */
  return stage(gr, s, s->h1, u1, v1, dt, s->h, s->u, s->v, ops);
}
