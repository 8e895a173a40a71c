/* proj_ops.c — the MAC-grid kernels. No MPI: every function works on this rank's owned box and
 * reads ghosts that the caller has exchanged and filled (proj_bc). */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "proj.h"

/* The explicit-step kernels are compiled three times (x86-64 baseline, AVX2, AVX-512) and the
 * loader picks the widest the CPU has (GCC target_clones, an ifunc), as apps/climate does. The
 * library is built with -ffp-contract=off, so no clone fuses a*b+c into an FMA: every clone, and a
 * vector lane or scalar remainder, performs the same IEEE operations in the same order, and results
 * stay identical on every CPU and for every decomposition. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(PROJ_NO_CLONES)
#define PROJ_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PROJ_HOT
#endif

/* Maximum that keeps a NaN (as +inf, which also survives MPI_MAX): fmax would drop it and hide
 * a blow-up. */
static inline double max_keep_nan(double m, double v) { return v > m ? v : (v != v ? INFINITY : m); }

/* Flux of component c through the d-face between samples q and q + e_d (conservative form). */
static inline double conv_flux(const proj_grid *g, const proj_params *prm, double *const u[3], int c, int d,
                               size_t q) {
  const long sd = g->stride[d], sc = g->stride[c];
  const double *f = u[c];
  const double U = (d == c) ? 0.5 * (f[q] + f[q + sc]) : 0.5 * (u[d][q + sd] + u[d][q + sd - sc]);
  double fc;
  if (prm->conv == CONV_CENTRAL)
    fc = 0.5 * (f[q] + f[q + sd]);
  else if (U >= 0) /* QUICK: upwind-biased quadratic interpolation */
    fc = 0.75 * f[q] + 0.375 * f[q + sd] - 0.125 * f[q - sd];
  else
    fc = 0.75 * f[q + sd] + 0.375 * f[q] - 0.125 * f[q + 2 * sd];
  return U * fc;
}

/* Eight doubles as one GCC vector (one AVX-512 register; two AVX2 or four SSE2 ones in the other
 * clones), loaded and stored unaligned; element-wise arithmetic, so every lane performs the scalar
 * code's IEEE operations in the same order. */
typedef double proj_v8 __attribute__((vector_size(64), aligned(8), may_alias));
typedef long long proj_v8i __attribute__((vector_size(64)));
#define V8(ptr) (*(const proj_v8 *)(const void *)(ptr))

/* One 3D row (j, k) of the central right-hand side of component c over [b0, b0 + len) into
 * out[0 .. len) (the formula of rhs_central below). The x-face product of a cell's upper face is
 * the next cell's lower one (the same operands, the same bits): computed once, eight at a time, the
 * lower ones the upper vector shifted by one lane. Always inlined into the callers' clones. */
static inline __attribute__((always_inline)) void rhs_row3d(const proj_grid *g, const proj_params *prm,
                                                            double *const u[3], double *restrict out, int c, long j,
                                                            long k, long b0, long len) {
  const double *restrict f = u[c];
  const double *restrict ux = u[0], *restrict uy = u[1], *restrict uz = u[2];
  const long sx = 1, sy = g->stride[1], sz = g->stride[2], sc = g->stride[c];
  const double cx = 0.25 / g->h[0], cy = 0.25 / g->h[1], cz = 0.25 / g->h[2];
  const double dx = prm->nu / (g->h[0] * g->h[0]), dy = prm->nu / (g->h[1] * g->h[1]),
               dz = prm->nu / (g->h[2] * g->h[2]);
  const double fc = prm->force[c];
  const size_t q0 = proj_at(g, b0, j, k);
  const proj_v8i shift = {7, 8, 9, 10, 11, 12, 13, 14};
  proj_v8 lo = {0, 0, 0, 0, 0, 0, 0, 0};
  lo[7] = (ux[q0] + ux[q0 - sc]) * (f[q0 - sx] + f[q0]);
  long n = 0;
  for (; n + 8 <= len; n += 8) {
    const size_t q = q0 + (size_t)n;
    const proj_v8 fq = V8(f + q), fe = V8(f + q + sx), fw = V8(f + q - sx), fn = V8(f + q + sy), fs = V8(f + q - sy),
                  ft = V8(f + q + sz), fb = V8(f + q - sz);
    const proj_v8 up = (V8(ux + q + sx) + V8(ux + q + sx - sc)) * (fq + fe);
    const proj_v8 r =
        fc - cx * (up - __builtin_shuffle(lo, up, shift)) -
        cy * ((V8(uy + q + sy) + V8(uy + q + sy - sc)) * (fq + fn) - (V8(uy + q) + V8(uy + q - sc)) * (fs + fq)) -
        cz * ((V8(uz + q + sz) + V8(uz + q + sz - sc)) * (fq + ft) - (V8(uz + q) + V8(uz + q - sc)) * (fb + fq)) +
        dx * (fe - 2.0 * fq + fw) + dy * (fn - 2.0 * fq + fs) + dz * (ft - 2.0 * fq + fb);
    *(proj_v8 *)(void *)(out + n) = r;
    lo = up;
  }
  double xl = lo[7];
  for (; n < len; n++) {
    const size_t q = q0 + (size_t)n;
    const double fq = f[q];
    const double xu = (ux[q + sx] + ux[q + sx - sc]) * (fq + f[q + sx]);
    out[n] = fc - cx * (xu - xl) -
             cy * ((uy[q + sy] + uy[q + sy - sc]) * (fq + f[q + sy]) - (uy[q] + uy[q - sc]) * (f[q - sy] + fq)) -
             cz * ((uz[q + sz] + uz[q + sz - sc]) * (fq + f[q + sz]) - (uz[q] + uz[q - sc]) * (f[q - sz] + fq)) +
             dx * (f[q + sx] - 2.0 * fq + f[q - sx]) + dy * (f[q + sy] - 2.0 * fq + f[q - sy]) +
             dz * (f[q + sz] - 2.0 * fq + f[q - sz]);
    xl = xu;
  }
}

/* Central scheme, written out so that the inner loop is unit-stride and branch-free (vectorises).
 * Flux of component c through the d-face above sample q: F = U_d * f_face with
 * U_d = (u_d[q+sd] + u_d[q+sd-sc])/2 (for d = c this is the cell-centre average of f itself) and
 * f_face = (f[q] + f[q+sd])/2. */
PROJ_HOT static void rhs_central(const proj_grid *g, const proj_params *prm, double *const u[3], double *restrict out,
                        int c) {
  long b[3], e[3];
  for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[d], &e[d]);
  const double *restrict f = u[c];
  const double *restrict ux = u[0], *restrict uy = u[1];
  const long sx = 1, sy = g->stride[1], sc = g->stride[c];
  const double cx = 0.25 / g->h[0], cy = 0.25 / g->h[1];
  const double dx = prm->nu / (g->h[0] * g->h[0]), dy = prm->nu / (g->h[1] * g->h[1]);
  const double fc = prm->force[c];
  const long len = e[0] - b[0];
  for (long k = b[2]; k < e[2]; k++)
    for (long j = b[1]; j < e[1]; j++) {
      const size_t q0 = proj_at(g, b[0], j, k);
      if (g->ndims == 2) {
        for (long n = 0; n < len; n++) {
          const size_t q = q0 + (size_t)n;
          const double fq = f[q];
          out[q] = fc -
                   cx * ((ux[q + sx] + ux[q + sx - sc]) * (fq + f[q + sx]) - (ux[q] + ux[q - sc]) * (f[q - sx] + fq)) -
                   cy * ((uy[q + sy] + uy[q + sy - sc]) * (fq + f[q + sy]) - (uy[q] + uy[q - sc]) * (f[q - sy] + fq)) +
                   dx * (f[q + sx] - 2.0 * fq + f[q - sx]) + dy * (f[q + sy] - 2.0 * fq + f[q - sy]);
        }
      } else {
        rhs_row3d(g, prm, u, out + q0, c, j, k, b[0], len);
      }
    }
}

/* Central scheme on a grid stretched in one direction (finite volumes with the metrics of
 * proj_grid.c; reduces to rhs_central on a uniform grid). The control volume of component c is
 * the cell in every direction d != c (fluxes on its faces, which lie midway between the centres:
 * interpolation and derivative both centred) and the centre-to-centre interval in d = c (fluxes
 * at the cell centres, the velocity there the mean of the two faces). */
static void rhs_stretched(const proj_grid *g, const proj_params *prm, double *const u[3], double *restrict out,
                          int c) {
  long b[3], e[3];
  for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[d], &e[d]);
  const double *f = u[c], nu = prm->nu;
  const long sc = g->stride[c];
  for (long k = b[2]; k < e[2]; k++)
    for (long j = b[1]; j < e[1]; j++)
      for (long i = b[0]; i < e[0]; i++) {
        const long idx[3] = {i, j, k};
        const size_t q = proj_at(g, i, j, k);
        double r = prm->force[c];
        for (int d = 0; d < g->ndims; d++) {
          const long sd = g->stride[d], id = idx[d];
          double vol, hup, hlo, uup, ulo;
          if (d == c) {
            vol = proj_df(g, d, id);
            hup = proj_dc(g, d, id);
            hlo = proj_dc(g, d, id - 1);
            uup = 0.5 * (f[q] + f[q + sd]);
            ulo = 0.5 * (f[q - sd] + f[q]);
          } else {
            vol = proj_dc(g, d, id);
            hup = proj_df(g, d, id + 1);
            hlo = proj_df(g, d, id);
            uup = 0.5 * (u[d][q + sd] + u[d][q + sd - sc]);
            ulo = 0.5 * (u[d][q] + u[d][q - sc]);
          }
          const double fup = uup * 0.5 * (f[q] + f[q + sd]) - nu * (f[q + sd] - f[q]) / hup;
          const double flo = ulo * 0.5 * (f[q - sd] + f[q]) - nu * (f[q] - f[q - sd]) / hlo;
          r -= (fup - flo) / vol;
        }
        out[q] = r;
      }
}

void proj_momentum_rhs(const proj_grid *g, const proj_params *prm, double *const u[3], double *const h[3]) {
  if (g->sdir >= 0) { /* keys: stretched grids use the central scheme */
    for (int c = 0; c < g->ndims; c++) rhs_stretched(g, prm, u, h[c], c);
    return;
  }
  if (prm->conv == CONV_CENTRAL) {
    for (int c = 0; c < g->ndims; c++) rhs_central(g, prm, u, h[c], c);
    return;
  }
  for (int c = 0; c < g->ndims; c++) {
    long b[3], e[3];
    for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[d], &e[d]);
    double inv_h[3], inv_h2[3];
    for (int d = 0; d < 3; d++) {
      inv_h[d] = 1.0 / g->h[d];
      inv_h2[d] = prm->nu / (g->h[d] * g->h[d]);
    }
    const double *f = u[c];
    double *out = h[c];
    const double fc = prm->force[c];
    for (long k = b[2]; k < e[2]; k++)
      for (long j = b[1]; j < e[1]; j++)
        for (long i = b[0]; i < e[0]; i++) {
          const size_t q = proj_at(g, i, j, k);
          double r = fc;
          for (int d = 0; d < g->ndims; d++) {
            const long sd = g->stride[d];
            r -= (conv_flux(g, prm, u, c, d, q) - conv_flux(g, prm, u, c, d, q - sd)) * inv_h[d];
            r += (f[q + sd] - 2.0 * f[q] + f[q - sd]) * inv_h2[d];
          }
          out[q] = r;
        }
  }
}

/* x-face fluxes F = U f_face - nu df/dx of component c at the face between samples q-1 and q. */
static inline double xflux2d(const double *restrict ux, const double *restrict f, long sc, double nx, int c,
                             size_t q) {
  if (c == 0) {
    const double s = ux[q] + ux[q - 1];
    return 0.25 * s * s - nx * (f[q] - f[q - 1]);
  }
  return 0.25 * (ux[q] + ux[q - sc]) * (f[q - 1] + f[q]) - nx * (f[q] - f[q - 1]);
}

/* One 2D row j of the central right-hand side of component c over [b0, b0 + len), written as
 * differences of face fluxes F = U f_face - nu df/dx (convection and diffusion together): the
 * upper y-fluxes of the row go to fyup; fylo holds the row's lower y-fluxes (the previous row's
 * upper ones, or computed when first). The result goes to the row buffer out[0 .. len). Always
 * inlined: an out-of-line copy is compiled for the baseline target, not for the caller's clone. */
static inline __attribute__((always_inline)) void rhs_row2d(const proj_grid *g, const proj_params *prm, double *const u[3], double *restrict out,
                             int c, long j, long b0, long len, int first, double *restrict fylo,
                             double *restrict fyup) {
  const double *restrict f = u[c];
  const double *restrict ux = u[0], *restrict uy = u[1];
  const long sy = g->stride[1], sc = g->stride[c];
  const double ih0 = 1.0 / g->h[0], ih1 = 1.0 / g->h[1], nx = prm->nu * ih0, ny = prm->nu * ih1;
  const double fc = prm->force[c];
  const size_t q0 = proj_at(g, b0, j, 0);
  if (first)
    for (long n = 0; n < len; n++) {
      const size_t q = q0 + (size_t)n - (size_t)sy; /* face between rows j-1 and j */
      fylo[n] = 0.25 * (uy[q + sy] + uy[q + sy - sc]) * (f[q] + f[q + sy]) - ny * (f[q + sy] - f[q]);
    }
  /* Each x-face flux is computed once: a cell's upper face is the next cell's lower one (the same
   * expression on the same operands, so the same bits as computing it for both cells). Eight upper
   * fluxes at a time; the lower ones are those shifted by one lane, the first carried over from
   * the previous eight. Along its own direction the transporting velocity of a component is the
   * same sum as the interpolated one (ux[q] + ux[q-1] for u across x, uy[q] + uy[q+sy] for v
   * across y): computed once there, the same bits (IEEE addition is commutative). */
  const proj_v8i shift = {7, 8, 9, 10, 11, 12, 13, 14};
  proj_v8 lo = {0, 0, 0, 0, 0, 0, 0, 0};
  lo[7] = xflux2d(ux, f, sc, nx, c, q0);
  long n = 0;
  if (c == 0)
    for (; n + 8 <= len; n += 8) {
      const size_t q = q0 + (size_t)n;
      const proj_v8 f0 = V8(f + q), f1 = V8(f + q + 1), fn = V8(f + q + sy), su = f1 + f0;
      const proj_v8 up = 0.25 * su * su - nx * (f1 - f0);
      const proj_v8 fy = 0.25 * (V8(uy + q + sy) + V8(uy + q + sy - sc)) * (f0 + fn) - ny * (fn - f0);
      *(proj_v8 *)(void *)(fyup + n) = fy;
      *(proj_v8 *)(void *)(out + n) = fc - (up - __builtin_shuffle(lo, up, shift)) * ih0 - (fy - V8(fylo + n)) * ih1;
      lo = up;
    }
  else
    for (; n + 8 <= len; n += 8) {
      const size_t q = q0 + (size_t)n;
      const proj_v8 f0 = V8(f + q), f1 = V8(f + q + 1), fn = V8(f + q + sy), s = fn + f0;
      const proj_v8 up = 0.25 * (V8(ux + q + 1) + V8(ux + q + 1 - sc)) * (f0 + f1) - nx * (f1 - f0);
      const proj_v8 fy = 0.25 * s * s - ny * (fn - f0);
      *(proj_v8 *)(void *)(fyup + n) = fy;
      *(proj_v8 *)(void *)(out + n) = fc - (up - __builtin_shuffle(lo, up, shift)) * ih0 - (fy - V8(fylo + n)) * ih1;
      lo = up;
    }
  double fxl = lo[7];
  for (; n < len; n++) {
    const size_t q = q0 + (size_t)n;
    const double fxu = xflux2d(ux, f, sc, nx, c, q + 1);
    if (c == 0)
      fyup[n] = 0.25 * (uy[q + sy] + uy[q + sy - sc]) * (f[q] + f[q + sy]) - ny * (f[q + sy] - f[q]);
    else {
      const double s = uy[q + sy] + uy[q];
      fyup[n] = 0.25 * s * s - ny * (f[q + sy] - f[q]);
    }
    out[n] = fc - (fxu - fxl) * ih0 - (fyup[n] - fylo[n]) * ih1;
    fxl = fxu;
  }
}

/* The body of proj_stage_update_row, inlined into the fused sweep's clones. */
static inline void stage_update_row(double *restrict u, const double *restrict h, const double *restrict ho,
                                    const double *restrict p, long sc, long len, double gk, double zk, double ah) {
  if (zk == 0.0)
    for (long n = 0; n < len; n++) u[n] += gk * h[n] - ah * (p[n] - p[n - sc]);
  else
    for (long n = 0; n < len; n++) u[n] += gk * h[n] + zk * ho[n] - ah * (p[n] - p[n - sc]);
}

/* Arrays of at least this many doubles (4 MiB) take H's first-stage stores as streaming stores:
 * the sweep's working set (7 or more such arrays) then exceeds the last-level cache anyway. */
#define PROJ_STREAM_MIN ((size_t)1 << 19)

/* dst[0 .. len) = src[0 .. len), with non-temporal stores (nt; SSE2, so every x86-64 clone): a row
 * of H that is only written (first stage) then costs no read for ownership of its cache lines, 2
 * doubles per cell of traffic that the byte count rightly does not include (measured +5-10 % on
 * that stage at 2048^2; in cache, at 128^2, streaming stores cost a third of it, hence nt). */
static inline void stream_copy_row(double *restrict dst, const double *restrict src, long len, int nt) {
  long n = 0;
#ifdef __SSE2__
  if (nt) {
    if (((uintptr_t)dst & 15) && len > 0) dst[0] = src[0], n = 1;
    for (; n + 2 <= len; n += 2) _mm_stream_pd(dst + n, _mm_loadu_pd(src + n));
  }
#endif
  for (; n < len; n++) dst[n] = src[n];
}

/* The same update where this stage's H replaces the previous one in place (hs[n] is read, then
 * overwritten with h[n]): one pass instead of the update and a copy. */
static inline void stage_update_row_keep(double *restrict u, const double *restrict h, double *restrict hs,
                                         const double *restrict p, long sc, long len, double gk, double zk,
                                         double ah, int nt) {
  if (zk == 0.0) {
    for (long n = 0; n < len; n++) u[n] += gk * h[n] - ah * (p[n] - p[n - sc]);
    stream_copy_row(hs, h, len, nt);
  } else
    for (long n = 0; n < len; n++) {
      const double hn = h[n];
      u[n] += gk * hn + zk * hs[n] - ah * (p[n] - p[n - sc]);
      hs[n] = hn;
    }
}

PROJ_HOT void proj_stage_update_row(double *restrict u, const double *restrict h, const double *restrict ho,
                                    const double *restrict p, long sc, long len, double gk, double zk, double ah) {
  stage_update_row(u, h, ho, p, sc, len, gk, zk, ah);
}

/* The 3D fused stage: planes instead of rows. The right-hand side of plane k (all components)
 * reads planes k-1 .. k+1, so plane k-2 is updated right after it; the right-hand side planes wait
 * in a ring of three plane buffers per component (indexed like a plane of the ghosted array). */
PROJ_HOT static int stage_fused3d(const proj_grid *g, const proj_params *prm, double *const u[3],
                                  double *const hs[3], const double *p, const double gk, const double zk, double a,
                                  int keep) {
  long b[3][3], e[3][3];
  for (int c = 0; c < 3; c++)
    for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[c][d], &e[c][d]);
  const long sz = g->stride[2], nz = g->nl[2];
  const size_t base = proj_at(g, -PROJ_GHOST, -PROJ_GHOST, 0); /* plane k starts at base + k sz */
  double *buf = malloc(9 * (size_t)sz * sizeof(double));
  if (!buf) return 0;
  for (long k = 0; k < nz + 2; k++) {
    for (int c = 0; c < 3 && k < nz; c++)
      if (k >= b[c][2] && k < e[c][2])
        for (long j = b[c][1]; j < e[c][1]; j++) {
          const size_t q0 = proj_at(g, b[c][0], j, k);
          rhs_row3d(g, prm, u, buf + (size_t)(3 * c + k % 3) * (size_t)sz + (q0 - base - (size_t)(k * sz)), c, j, k,
                    b[c][0], e[c][0] - b[c][0]);
        }
    const long r = k - 2;
    for (int c = 0; c < 3 && r >= 0; c++)
      if (r >= b[c][2] && r < e[c][2])
        for (long j = b[c][1]; j < e[c][1]; j++) {
          const size_t q0 = proj_at(g, b[c][0], j, r);
          const long len = e[c][0] - b[c][0];
          const double *hn = buf + (size_t)(3 * c + r % 3) * (size_t)sz + (q0 - base - (size_t)(r * sz));
          if (keep)
            stage_update_row_keep(u[c] + q0, hn, hs[c] + q0, p + q0, g->stride[c], len, gk, zk, a / g->h[c],
                                  g->count >= PROJ_STREAM_MIN);
          else stage_update_row(u[c] + q0, hn, hs[c] + q0, p + q0, g->stride[c], len, gk, zk, a / g->h[c]);
        }
  }
#ifdef __SSE2__
  _mm_sfence(); /* order the streaming stores before anything that follows */
#endif
  free(buf);
  return 1;
}

PROJ_HOT int proj_stage_fused(const proj_grid *g, const proj_params *prm, double *const u[3], double *const hs[3],
                              const double *p, const double gk, const double zk, double a, int keep) {
  if (g->sdir >= 0 || prm->conv != CONV_CENTRAL) return 0;
  if (g->ndims == 3) return stage_fused3d(g, prm, u, hs, p, gk, zk, a, keep);
  /* Row j's right-hand side reads rows j-1 .. j+1 of both components, so row j-2 can be
   * updated right after it: one sweep, with the rows still in cache, instead of two. The
   * right-hand side rows wait in a ring of three row buffers until their update; there the
   * previous stage's value is read from hs and (keep) replaced by this stage's, so each
   * array is streamed once and the last stage writes no right-hand side at all. */
  long b[2][3], e[2][3];
  for (int c = 0; c < 2; c++)
    for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[c][d], &e[c][d]);
  const long ny = g->nl[1], w = g->nl[0] + 1;
  double *buf = malloc(10 * (size_t)w * sizeof(double)); /* per component: 2 y-flux rows, 3 rhs rows */
  if (!buf) return 0;                                    /* the two-pass path needs no memory */
  double *fy[2][2], *ring[2][3];
  for (int c = 0; c < 2; c++) {
    double *bc = buf + 5 * c * w;
    fy[c][0] = bc, fy[c][1] = bc + w;
    for (int r = 0; r < 3; r++) ring[c][r] = bc + (2 + r) * w;
  }
  const long pl = g->nl[0] + 2;
  const int nt = g->count >= PROJ_STREAM_MIN;
  for (long j = 0; j < ny + 2; j++) {
    /* software prefetch two iterations ahead of the rows read for the first time: row j + 3 of the
     * velocity, row j of p and H (the hardware prefetcher alone leaves the loads waiting on DRAM:
     * +10 % per CPU-second at 2048 x 1024 on one rank; one or four iterations ahead gained less) */
    if (j + 3 < ny + PROJ_GHOST) {
      const size_t qn = proj_at(g, -1, j + 3, 0);
      for (long n = 0; n < pl; n += 8) {
        __builtin_prefetch(u[0] + qn + n, 1);
        __builtin_prefetch(u[1] + qn + n, 1);
      }
    }
    if (j < ny) {
      const size_t qn = proj_at(g, -1, j, 0);
      for (long n = 0; n < pl; n += 8) {
        __builtin_prefetch(p + qn + n, 0);
        if (zk != 0.0 || !nt) { /* a streamed H is only written: no prefetch for ownership */
          __builtin_prefetch(hs[0] + qn + n, 1);
          __builtin_prefetch(hs[1] + qn + n, 1);
        }
      }
    }
    for (int c = 0; c < 2 && j < ny; c++)
      if (j >= b[c][1] && j < e[c][1]) {
        rhs_row2d(g, prm, u, ring[c][j % 3], c, j, b[c][0], e[c][0] - b[c][0], j == b[c][1], fy[c][0], fy[c][1]);
        double *t = fy[c][0]; /* this row's upper fluxes are the next row's lower ones */
        fy[c][0] = fy[c][1];
        fy[c][1] = t;
      }
    const long r = j - 2;
    for (int c = 0; c < 2 && r >= 0; c++)
      if (r >= b[c][1] && r < e[c][1]) {
        const size_t q0 = proj_at(g, b[c][0], r, 0);
        const long len = e[c][0] - b[c][0];
        if (keep)
          stage_update_row_keep(u[c] + q0, ring[c][r % 3], hs[c] + q0, p + q0, g->stride[c], len, gk, zk, a / g->h[c],
                                nt);
        else
          stage_update_row(u[c] + q0, ring[c][r % 3], hs[c] + q0, p + q0, g->stride[c], len, gk, zk, a / g->h[c]);
      }
  }
#ifdef __SSE2__
  _mm_sfence(); /* order the streaming stores before anything that follows */
#endif
  free(buf);
  return 1;
}

void proj_divergence(const proj_grid *g, double *const u[3], double *div) {
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) {
        const size_t q = proj_at(g, i, j, k);
        const long idx[3] = {i, j, k};
        double s = 0.0;
        for (int d = 0; d < g->ndims; d++) s += (u[d][q + g->stride[d]] - u[d][q]) / proj_dc(g, d, idx[d]);
        div[q] = s;
      }
}

void proj_correct(const proj_grid *g, const proj_params *prm, double *const u[3], const double *phi, double coef) {
  for (int c = 0; c < g->ndims; c++) {
    long b[3], e[3];
    for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[d], &e[d]);
    /* outflow faces are corrected like unknowns (phi = 0 on them) */
    if (g->at_lo[c] && prm->bc[2 * c].kind == BC_OUTFLOW) b[c] = 0;
    if (g->at_hi[c] && prm->bc[2 * c + 1].kind == BC_OUTFLOW) e[c] = g->nl[c] + 1;
    const long sc = g->stride[c];
    const double a = coef / g->h[c];
    double *f = u[c];
    for (long k = b[2]; k < e[2]; k++)
      for (long j = b[1]; j < e[1]; j++)
        for (long i = b[0]; i < e[0]; i++) {
          const size_t q = proj_at(g, i, j, k);
          if (c == g->sdir) {
            const long idx[3] = {i, j, k};
            f[q] -= coef * (phi[q] - phi[q - sc]) / proj_df(g, c, idx[c]);
          } else {
            f[q] -= a * (phi[q] - phi[q - sc]);
          }
        }
  }
}

double proj_max_abs(const proj_grid *g, const double *f) {
  double m = 0.0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) m = max_keep_nan(m, fabs(f[proj_at(g, i, j, k)]));
  return m;
}

double proj_local_cfl_rate(const proj_grid *g, double *const u[3]) {
  double m = 0.0;
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) {
        const size_t q = proj_at(g, i, j, k);
        double r = 0.0;
        for (int c = 0; c < g->ndims; c++) r += fmax(fabs(u[c][q]), fabs(u[c][q + g->stride[c]])) / g->hmin[c];
        if (u[0][q] != u[0][q] || u[1][q] != u[1][q]) r = INFINITY;
        m = max_keep_nan(m, r);
      }
  return m;
}

double proj_kinetic_energy(const proj_grid *g, double *const u[3]) {
  double s = 0.0, vol = 1.0;
  for (int d = 0; d < g->ndims; d++) vol *= g->h[d];
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) {
        const size_t q = proj_at(g, i, j, k);
        const long idx[3] = {i, j, k};
        const double v = g->sdir >= 0 ? vol / g->h[g->sdir] * proj_dc(g, g->sdir, idx[g->sdir]) : vol;
        for (int c = 0; c < g->ndims; c++) {
          const double uc = 0.5 * (u[c][q] + u[c][q + g->stride[c]]);
          s += 0.5 * uc * uc * v;
        }
      }
  return s;
}

double proj_max_change(const proj_grid *g, const proj_params *prm, double *const u[3], double *const uold[3]) {
  double m = 0.0;
  for (int c = 0; c < g->ndims; c++) {
    long b[3], e[3];
    for (int d = 0; d < 3; d++) proj_unknown_range(g, prm, c, d, &b[d], &e[d]);
    for (long k = b[2]; k < e[2]; k++)
      for (long j = b[1]; j < e[1]; j++)
        for (long i = b[0]; i < e[0]; i++) {
          const size_t q = proj_at(g, i, j, k);
          m = max_keep_nan(m, fabs(u[c][q] - uold[c][q]));
        }
  }
  return m;
}

void proj_cell_velocity(const proj_grid *g, int c, const double *u, double *out) {
  const long sc = g->stride[c];
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) {
        const size_t q = proj_at(g, i, j, k);
        out[q] = 0.5 * (u[q] + u[q + sc]);
      }
}

/* Component a of the vorticity on the edge at the low b- and low cc-faces of cell q (local index
 * idx; the differences span the centre distances across those faces). */
static inline double edge_vort(const proj_grid *g, double *const u[3], int b, int cc, size_t q, const long idx[3]) {
  const long sb = g->stride[b], sc = g->stride[cc];
  return (u[cc][q] - u[cc][q - sb]) / proj_df(g, b, idx[b]) - (u[b][q] - u[b][q - sc]) / proj_df(g, cc, idx[cc]);
}

void proj_vorticity(const proj_grid *g, double *const u[3], double *out) {
  for (long k = 0; k < g->nl[2]; k++)
    for (long j = 0; j < g->nl[1]; j++)
      for (long i = 0; i < g->nl[0]; i++) {
        const size_t q = proj_at(g, i, j, k);
        double mag2 = 0.0, wz = 0.0;
        for (int a = (g->ndims == 2 ? 2 : 0); a < 3; a++) {
          const int b = (a + 1) % 3, cc = (a + 2) % 3;
          const long sb = g->stride[b], sc = g->stride[cc];
          long i0[3] = {i, j, k}, ib[3] = {i, j, k}, ic[3] = {i, j, k}, ibc[3] = {i, j, k};
          ib[b]++, ic[cc]++, ibc[b]++, ibc[cc]++;
          const double w = 0.25 * (edge_vort(g, u, b, cc, q, i0) + edge_vort(g, u, b, cc, q + sb, ib) +
                                   edge_vort(g, u, b, cc, q + sc, ic) + edge_vort(g, u, b, cc, q + sb + sc, ibc));
          mag2 += w * w;
          wz = w;
        }
        out[q] = g->ndims == 2 ? wz : sqrt(mag2);
      }
}
