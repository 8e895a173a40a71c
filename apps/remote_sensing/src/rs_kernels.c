/* rs_kernels.c — terrain (Horn 1981 as in gdaldem), separable/non-separable filters, masks. */
#include "rs_kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double RS_DEG2RAD = M_PI / 180.0;
static const double RS_RAD2DEG = 180.0 / M_PI;

/* West-minus-east and south-minus-north Horn sums, in float when the DEM is read as Float32
 * by gdaldem (the rounding then matches), else exactly (integers in double are exact). */
static void rs_horn_sums(const double *win[3], int j, int float_arith, double *we, double *sn) {
  const double *r0 = win[0], *r1 = win[1], *r2 = win[2];
  if (float_arith) {
    float a0 = (float)r0[j - 1], a1 = (float)r0[j], a2 = (float)r0[j + 1];
    float a3 = (float)r1[j - 1], a5 = (float)r1[j + 1];
    float a6 = (float)r2[j - 1], a7 = (float)r2[j], a8 = (float)r2[j + 1];
    *we = (double)((a0 + a3 + a3 + a6) - (a2 + a5 + a5 + a8));
    *sn = (double)((a6 + a7 + a7 + a8) - (a0 + a1 + a1 + a2));
  } else {
    *we = (r0[j - 1] + r1[j - 1] + r1[j - 1] + r2[j - 1]) - (r0[j + 1] + r1[j + 1] + r1[j + 1] + r2[j + 1]);
    *sn = (r2[j - 1] + r2[j] + r2[j] + r2[j + 1]) - (r0[j - 1] + r0[j] + r0[j] + r0[j + 1]);
  }
}

static double rs_terrain_pixel(const rs_terrain_opts *o, double we, double sn) {
  switch (o->mode) {
    case RS_SLOPE: {
      double dx = we / o->ewres, dy = sn / o->nsres;
      double g = sqrt(dx * dx + dy * dy) / (8 * o->scale);
      return (double)(float)(o->slope_percent ? 100 * g : atan(g) * RS_RAD2DEG);
    }
    case RS_ASPECT: {
      double dx = -we, dy = sn; /* east minus west */
      if (dx == 0 && dy == 0) return o->aspect_flat;
      float a = (float)(atan2(dy, -dx) / RS_DEG2RAD);
      if (!o->trigonometric)
        a = a > 90.0f ? 450.0f - a : 90.0f - a;
      else if (a < 0)
        a += 360.0f;
      if (a == 360.0f) a = 0.0f;
      return a;
    }
    case RS_HILLSHADE: {
      const double *k = o->hs; /* constants precomputed by rs_terrain */
      double x = we / o->ewres, y = sn / o->nsres;
      double c = (k[0] - (y * k[1] - x * k[2])) / sqrt(1 + k[3] * (x * x + y * y));
      return (double)(float)(c <= 0.0 ? 1.0 : 1.0 + c);
    }
  }
  return NAN;
}

/* Hillshade of row pixels 1..w-2: the same operations, in the same order, as rs_horn_sums and
 * rs_terrain_pixel (so the same bits), without branches: a nodata window gives NaN. */
static void rs_hillshade_row(const rs_terrain_opts *o, const double *win[3], double *orow, int w) {
  const double *r0 = win[0], *r1 = win[1], *r2 = win[2];
  const double k0 = o->hs[0], k1 = o->hs[1], k2 = o->hs[2], k3 = o->hs[3], ew = o->ewres, ns = o->nsres;
#define RS_HS_TAIL                                                          \
  double x = we / ew, y = sn / ns;                                          \
  double c = (k0 - (y * k1 - x * k2)) / sqrt(1 + k3 * (x * x + y * y));     \
  double v = (double)(float)(c <= 0.0 ? 1.0 : 1.0 + c);                     \
  orow[j] = isnan(s) ? NAN : v;
  if (o->float_arith) {
    for (int j = 1; j < w - 1; j++) {
      double s = r0[j - 1] + r0[j] + r0[j + 1] + r1[j - 1] + r1[j] + r1[j + 1] + r2[j - 1] + r2[j] + r2[j + 1];
      float a0 = (float)r0[j - 1], a1 = (float)r0[j], a2 = (float)r0[j + 1];
      float a3 = (float)r1[j - 1], a5 = (float)r1[j + 1];
      float a6 = (float)r2[j - 1], a7 = (float)r2[j], a8 = (float)r2[j + 1];
      double we = (double)((a0 + a3 + a3 + a6) - (a2 + a5 + a5 + a8));
      double sn = (double)((a6 + a7 + a7 + a8) - (a0 + a1 + a1 + a2));
      RS_HS_TAIL
    }
  } else {
    for (int j = 1; j < w - 1; j++) {
      double s = r0[j - 1] + r0[j] + r0[j + 1] + r1[j - 1] + r1[j] + r1[j + 1] + r2[j - 1] + r2[j] + r2[j + 1];
      double we = (r0[j - 1] + r1[j - 1] + r1[j - 1] + r2[j - 1]) - (r0[j + 1] + r1[j + 1] + r1[j + 1] + r2[j + 1]);
      double sn = (r2[j - 1] + r2[j] + r2[j] + r2[j + 1]) - (r0[j - 1] + r0[j] + r0[j] + r0[j + 1]);
      RS_HS_TAIL
    }
  }
#undef RS_HS_TAIL
}

void rs_terrain(const rs_terrain_opts *o_in, const double *in, double *out, int w, int h) {
  /* hillshade: 254 sin(alt), 254 cos(az) cos(alt) zs, 254 sin(az) cos(alt) zs, zs^2 */
  rs_terrain_opts o_buf = *o_in, *o = &o_buf;
  double zs = o->z / (8 * o->scale), az = o->azimuth * RS_DEG2RAD, alt = o->altitude * RS_DEG2RAD;
  o->hs[0] = 254.0 * sin(alt);
  o->hs[1] = 254.0 * cos(az) * cos(alt) * zs;
  o->hs[2] = 254.0 * sin(az) * cos(alt) * zs;
  o->hs[3] = zs * zs;
  for (int i = 0; i < h; i++) {
    double *orow = out + (size_t)i * w;
    if (i == 0 || i == h - 1) {
      for (int j = 0; j < w; j++) orow[j] = NAN;
      continue;
    }
    const double *win[3] = {in + (size_t)(i - 1) * w, in + (size_t)i * w, in + (size_t)(i + 1) * w};
    orow[0] = orow[w - 1] = NAN;
    if (o->mode == RS_HILLSHADE) { /* the hot case: one branch-free loop the compiler vectorises */
      rs_hillshade_row(o, win, orow, w);
      continue;
    }
    for (int j = 1; j < w - 1; j++) {
      /* any nodata in the 3x3 window makes the pixel nodata (gdaldem without -compute_edges) */
      double s = 0;
      for (int r = 0; r < 3; r++) s += win[r][j - 1] + win[r][j] + win[r][j + 1];
      if (isnan(s)) {
        orow[j] = NAN;
        continue;
      }
      double we, sn;
      rs_horn_sums(win, j, o->float_arith, &we, &sn);
      orow[j] = rs_terrain_pixel(o, we, sn);
    }
  }
}

int rs_filter_halo(rs_filter_kind kind, int radius) {
  if (kind == RS_SOBEL) return 1;
  if (kind == RS_OPEN || kind == RS_CLOSE) return 2 * radius;
  return radius;
}

/* One separable pass along x (dx=1) or y: out = sum_k wts[k] * in[p + (k - r) * step]. */
static void rs_sep_pass(const double *in, double *out, int w, int h, const double *wts, int r, int along_x) {
  for (int i = 0; i < h; i++)
    for (int j = 0; j < w; j++) {
      int c = along_x ? j : i, n = along_x ? w : h;
      if (c < r || c >= n - r) {
        out[(size_t)i * w + j] = NAN;
        continue;
      }
      double s = 0;
      for (int k = -r; k <= r; k++) {
        size_t p = along_x ? (size_t)i * w + (size_t)(j + k) : (size_t)(i + k) * w + (size_t)j;
        s += wts[k + r] * in[p];
      }
      out[(size_t)i * w + j] = s;
    }
}

/* Min (sign<0) or max (sign>0) over a (2r+1)^2 square; NaN anywhere in the window gives NaN. */
static void rs_morph(const double *in, double *out, int w, int h, int r, int sign) {
  for (int i = 0; i < h; i++)
    for (int j = 0; j < w; j++) {
      if (i < r || i >= h - r || j < r || j >= w - r) {
        out[(size_t)i * w + j] = NAN;
        continue;
      }
      double m = in[(size_t)i * w + j];
      for (int a = -r; a <= r && !isnan(m); a++)
        for (int b = -r; b <= r; b++) {
          double v = in[(size_t)(i + a) * w + (j + b)];
          if (isnan(v)) {
            m = NAN;
            break;
          }
          if (sign < 0 ? v < m : v > m) m = v;
        }
      out[(size_t)i * w + j] = m;
    }
}

static int rs_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int rs_filter(rs_filter_kind kind, int radius, double sigma, const double *in, double *out,
              double *tmp, int w, int h) {
  int r = radius;
  switch (kind) {
    case RS_GAUSSIAN:
    case RS_BOX: {
      double *wts = malloc((size_t)(2 * r + 1) * sizeof *wts);
      if (!wts) return 1;
      double sum = 0;
      for (int k = -r; k <= r; k++) {
        wts[k + r] = kind == RS_BOX ? 1.0 : exp(-0.5 * (double)k * k / (sigma * sigma));
        sum += wts[k + r];
      }
      for (int k = 0; k <= 2 * r; k++) wts[k] /= sum;
      rs_sep_pass(in, tmp, w, h, wts, r, 1);
      rs_sep_pass(tmp, out, w, h, wts, r, 0);
      free(wts);
      return 0;
    }
    case RS_SOBEL:
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
          size_t p = (size_t)i * w + j;
          if (i < 1 || i >= h - 1 || j < 1 || j >= w - 1) {
            out[p] = NAN;
            continue;
          }
          const double *u = in + p - w, *c = in + p, *d = in + p + w;
          double gx = (u[1] + 2 * c[1] + d[1]) - (u[-1] + 2 * c[-1] + d[-1]);
          double gy = (d[-1] + 2 * d[0] + d[1]) - (u[-1] + 2 * u[0] + u[1]);
          out[p] = sqrt(gx * gx + gy * gy);
        }
      return 0;
    case RS_MEDIAN: {
      int n = (2 * r + 1) * (2 * r + 1);
      double *win = malloc((size_t)n * sizeof *win);
      if (!win) return 1;
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
          size_t p = (size_t)i * w + j;
          if (i < r || i >= h - r || j < r || j >= w - r) {
            out[p] = NAN;
            continue;
          }
          int k = 0, bad = 0;
          for (int a = -r; a <= r; a++)
            for (int b = -r; b <= r; b++) {
              double v = in[(size_t)(i + a) * w + (j + b)];
              bad |= isnan(v);
              win[k++] = v;
            }
          if (bad) {
            out[p] = NAN;
            continue;
          }
          qsort(win, (size_t)n, sizeof *win, rs_cmp_double);
          out[p] = win[n / 2];
        }
      free(win);
      return 0;
    }
    case RS_OPEN: /* erosion then dilation: removes bright specks smaller than the window */
      rs_morph(in, tmp, w, h, r, -1);
      rs_morph(tmp, out, w, h, r, +1);
      return 0;
    case RS_CLOSE: /* dilation then erosion: fills dark holes */
      rs_morph(in, tmp, w, h, r, +1);
      rs_morph(tmp, out, w, h, r, -1);
      return 0;
  }
  return 1;
}

void rs_mask_range(double *v, long n, double lo, double hi) {
  for (long i = 0; i < n; i++)
    if (!(v[i] >= lo && v[i] <= hi)) v[i] = NAN;
}

void rs_mask_qa(double *v, const double *qa, long n, long bits) {
  for (long i = 0; i < n; i++)
    if (isnan(qa[i]) || ((long)qa[i] & bits) != 0) v[i] = NAN;
}
