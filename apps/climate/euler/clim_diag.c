/* clim_diag.c — local diagnostics with exact (decomposition-independent) sums; no MPI.
 *
 * Floating-point sums depend on the order of additions, hence on the decomposition. Here each
 * double is split into exact 32-bit digits accumulated in int64 bins; integer addition is
 * associative, so the partial sums of any set of ranks add (MPI_SUM on int64) to the same
 * integers and the final value is bit-identical for any rank count or process grid.
 */
#include <math.h>
#include <string.h>
#include "clim_model.h"

#define XSUM_OFF 1126 /* 53 + 1073: the exponent of the lowest digit of a subnormal is >= 0 */

void clim_xsum_zero(clim_xsum *s) { memset(s, 0, sizeof(*s)); }

void clim_xsum_add(clim_xsum *s, double x) {
  if (x == 0.0 || !isfinite(x)) return;
  int e;
  double f = frexp(x, &e);                       /* x = f 2^e, 0.5 <= |f| < 1 */
  int64_t m = (int64_t)ldexp(f, 53);             /* exact: |m| < 2^53 */
  int sgn = m < 0 ? -1 : 1;
  unsigned __int128 v = (unsigned __int128)(uint64_t)(m < 0 ? -m : m);
  int ex = e - 53 + XSUM_OFF;                    /* x = m 2^(ex - XSUM_OFF), ex >= 0 */
  int b = ex / 32, sh = ex % 32;
  v <<= sh;
  for (int d = 0; d < 3 && b + d < CLIM_XSUM_BINS; d++) {
    s->bin[b + d] += sgn * (int64_t)(uint64_t)(v & 0xffffffffu);
    v >>= 32;
  }
}

/* Carry-propagate so that every bin but the top one holds a digit in [0, 2^32). */
static void xsum_normalize(int64_t *bin) {
  for (int b = 0; b < CLIM_XSUM_BINS - 1; b++) {
    int64_t c = bin[b] >> 32; /* floor division (arithmetic shift) */
    bin[b] -= c * ((int64_t)1 << 32);
    bin[b + 1] += c;
  }
}

double clim_xsum_value(const clim_xsum *s) {
  int64_t bin[CLIM_XSUM_BINS];
  memcpy(bin, s->bin, sizeof(bin));
  xsum_normalize(bin);
  double sign = 1.0;
  if (bin[CLIM_XSUM_BINS - 1] < 0) {
    for (int b = 0; b < CLIM_XSUM_BINS; b++) bin[b] = -bin[b];
    xsum_normalize(bin);
    sign = -1.0;
  }
  /* digits are non-negative now: add from the top, which rounds at most once per digit */
  double r = 0.0;
  for (int b = CLIM_XSUM_BINS - 1; b >= 0; b--)
    if (bin[b]) r += ldexp((double)bin[b], 32 * b - XSUM_OFF);
  return sign * r;
}

void clim_diag_compute(const clim_grid *g, const clim_params *p, double *const q[], clim_diag_local *d) {
  const int G = CLIM_GHOST;
  const double dv = g->dx * g->dz * (g->ndim == 3 ? g->dy : 1.0);
  for (int s = 0; s < CLIM_DS_N; s++) clim_xsum_zero(&d->sum[s]);
  d->wmax = 0.0;
  d->thmin = INFINITY;
  d->thmax = -INFINITY;
  const double ie = 1.0 / (p->gamma - 1.0);
  for (long k = 0; k < g->nz; k++) {
    const double rb = g->rb[k + G], tb = g->tb[k + G], z = g->zc[k + G];
    for (long j = 0; j < g->ny; j++)
      for (long i = 0; i < g->nx; i++) {
        long c = clim_idx(g, i, j, k);
        double r = rb + q[CLIM_R][c], mu = q[CLIM_U][c], mw = q[CLIM_W][c];
        double mv = g->ndim == 3 ? q[CLIM_V][c] : 0.0;
        double th = tb + q[CLIM_T][c];
        clim_xsum_add(&d->sum[CLIM_DS_MASSP], q[CLIM_R][c] * dv);
        clim_xsum_add(&d->sum[CLIM_DS_MASSB], rb * dv);
        clim_xsum_add(&d->sum[CLIM_DS_KE], 0.5 * (mu * mu + mw * mw + mv * mv) / r * dv);
        clim_xsum_add(&d->sum[CLIM_DS_IE], ie * p->c0 * pow(th, p->gamma) * dv);
        clim_xsum_add(&d->sum[CLIM_DS_PE], r * p->g * z * dv);
        double w = fabs(mw / r), tp = th / r - tb / rb;
        if (w > d->wmax) d->wmax = w;
        if (tp < d->thmin) d->thmin = tp;
        if (tp > d->thmax) d->thmax = tp;
      }
  }
}

static uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t clim_checksum(const clim_grid *g, double *const q[]) {
  uint64_t h = 0;
  for (int v = 0; v < g->nv; v++)
    for (long k = 0; k < g->nz; k++)
      for (long j = 0; j < g->ny; j++)
        for (long i = 0; i < g->nx; i++) {
          uint64_t bits;
          double x = q[v][clim_idx(g, i, j, k)];
          memcpy(&bits, &x, sizeof bits);
          uint64_t gi = (uint64_t)(((g->k0 + k) * g->gny + (g->j0 + j)) * g->gnx + (g->i0 + i));
          h += mix64(bits ^ mix64(gi * 8u + (uint64_t)v));
        }
  return h;
}
