/* swe_filter.h — FFT polar filter along whole latitude circles (FFTW r2c/c2r, no MPI).
 * Zonal wavenumber k of a row at latitude phi is multiplied by
 *   S_k = min(1, cos(phi) / (cos(phi_f) |sin(k dlam / 2)|)),
 * which caps the zonal wave frequency at that of latitude phi_f, so the time step is set
 * by phi_f instead of the row next to the pole. k = 0 is untouched (row sums are kept). */
#ifndef SWE_FILTER_H
#define SWE_FILTER_H

typedef struct swe_filter_s *swe_filter_t;

/* Plans are made once (FFTW_ESTIMATE: the same plan on every rank, so the same bits). */
int swe_filter_create(long nlon, double filter_lat, swe_filter_t *out);
void swe_filter_destroy(swe_filter_t *f);
/* 1 when a row at latitude phi (rad) is filtered. */
int swe_filter_active(swe_filter_t f, double phi);
/* Filter one full row of nlon values in place. */
void swe_filter_row(swe_filter_t f, double phi, double *row);

#endif
