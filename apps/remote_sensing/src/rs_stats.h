/* rs_stats.h — exact, rank-count-independent statistics. Each block gives one partial per band
 * (count, min, max, sum and M2 about the block mean, accumulated in pixel order); the partials
 * are combined in block order (Chan et al. 1979), so the result does not depend on which rank
 * did which block. Histograms are integer counts. No MPI: the driver moves the arrays. */
#ifndef RS_STATS_H
#define RS_STATS_H

#define RS_STAT_FIELDS 5 /* count, min, max, sum, m2 */

typedef struct {
  double count, min, max, mean, std; /* population std (like gdalinfo -stats) */
  double sum;
} rs_band_stats;

/* Partial of one block and band into part[RS_STAT_FIELDS]; NaN pixels are skipped. hist (may
 * be NULL) gets +1 in bin floor((v - hmin) * (nbins / (hmax - hmin))) when that is in
 * [0, nbins): GDAL's GetHistogram binning (hmax itself is out of range, as in GDAL). */
void rs_stats_block(const double *v, long n, double *part, long long *hist, int nbins, double hmin,
                    double hmax);
/* Zonal partials: parts[z * RS_STAT_FIELDS ...] for zone ids z = 0..nz-1 (zone[p] an integer
 * value; NaN or outside [0, nz) is no zone); pixels with NaN v are skipped. */
void rs_stats_zonal_block(const double *v, const double *zone, long n, int nz, double *parts);
/* Combine nblocks partials (stride RS_STAT_FIELDS) in block order. */
void rs_stats_combine(const double *parts, long nblocks, long stride, rs_band_stats *out);

#endif
