/* rs_stats.c — block partials and their ordered combination. */
#include "rs_stats.h"

#include <math.h>
#include <stddef.h>

void rs_stats_block(const double *v, long n, double *part, long long *hist, int nbins, double hmin,
                    double hmax) {
  double cnt = 0, mn = INFINITY, mx = -INFINITY, sum = 0;
  double scale = hist ? nbins / (hmax - hmin) : 0; /* GDALRasterBand::GetHistogram's binning */
  for (long i = 0; i < n; i++) {
    double x = v[i];
    if (isnan(x)) continue;
    cnt += 1;
    sum += x;
    if (x < mn) mn = x;
    if (x > mx) mx = x;
    if (hist) {
      double bin = floor((x - hmin) * scale);
      if (bin >= 0 && bin < nbins) hist[(long)bin]++;
    }
  }
  double m2 = 0;
  if (cnt > 0) {
    double mean = sum / cnt;
    for (long i = 0; i < n; i++)
      if (!isnan(v[i])) m2 += (v[i] - mean) * (v[i] - mean);
  }
  part[0] = cnt;
  part[1] = mn;
  part[2] = mx;
  part[3] = sum;
  part[4] = m2;
}

void rs_stats_combine(const double *parts, long nblocks, long stride, rs_band_stats *out) {
  double n = 0, mean = 0, m2 = 0, sum = 0, mn = INFINITY, mx = -INFINITY;
  for (long b = 0; b < nblocks; b++) {
    const double *p = parts + b * stride;
    double nb = p[0];
    if (nb <= 0) continue;
    double mb = p[3] / nb;
    double delta = mb - mean, nt = n + nb;
    mean += delta * nb / nt;
    m2 += p[4] + delta * delta * n * nb / nt;
    n = nt;
    sum += p[3];
    if (p[1] < mn) mn = p[1];
    if (p[2] > mx) mx = p[2];
  }
  out->count = n;
  out->sum = sum;
  out->min = n > 0 ? mn : NAN;
  out->max = n > 0 ? mx : NAN;
  out->mean = n > 0 ? mean : NAN;
  out->std = n > 0 ? sqrt(m2 / n) : NAN;
}

void rs_stats_zonal_block(const double *v, const double *zone, long n, int nz, double *parts) {
  for (int z = 0; z < nz; z++) {
    double *p = parts + (size_t)z * RS_STAT_FIELDS;
    p[0] = 0, p[1] = INFINITY, p[2] = -INFINITY, p[3] = 0, p[4] = 0;
  }
  for (long i = 0; i < n; i++) {
    double x = v[i], zz = zone[i];
    if (isnan(x) || !(zz >= 0 && zz < nz)) continue;
    double *p = parts + (size_t)zz * RS_STAT_FIELDS;
    p[0] += 1;
    p[3] += x;
    if (x < p[1]) p[1] = x;
    if (x > p[2]) p[2] = x;
  }
  for (long i = 0; i < n; i++) { /* second pass: M2 about each zone's block mean */
    double x = v[i], zz = zone[i];
    if (isnan(x) || !(zz >= 0 && zz < nz)) continue;
    double *p = parts + (size_t)zz * RS_STAT_FIELDS;
    double d = x - p[3] / p[0];
    p[4] += d * d;
  }
}
