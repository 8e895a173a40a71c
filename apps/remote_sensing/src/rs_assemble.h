/* rs_assemble.h — from per-rank part files to the product, without two processes ever writing
 * one file: a VRT with one simple source per block (pointing into the part file of the rank
 * that computed it), converted by one rank to COG/GeoTIFF under a temp name, then renamed.
 * Also the quick-look PNG and the AI chips. No MPI. */
#ifndef RS_ASSEMBLE_H
#define RS_ASSEMBLE_H
#include "rs_job.h"

/* Owner of a block: the part file of (attempt, rank); attempts > 0 are resumed runs. */
#define RS_OWNER(attempt, rank) ((attempt) * 100000 + (rank))
/* "part-<attempt>-<rank>.tif" (name inside parts_dir) and the full path */
void rs_part_name(int owner, char *buf, size_t len);
void rs_part_path(const rs_job *job, int owner, char *buf, size_t len);
/* owner[b] = RS_OWNER of the part file holding block b. Writes job->vrt_path. */
int rs_vrt_write(const rs_job *job, const int *owner);
/* Convert the VRT to job->out_path (temp + rename). */
int rs_product_write(const rs_job *job);
/* <product>.png: band 1 stretched from lo..hi (NaN: GDAL computes min/max) to 1..255. */
int rs_quicklook_write(const rs_job *job, double lo, double hi, char *png, size_t len);

/* Chips of size s with overlap o: full chips only, row-major ids. */
long rs_chips_count(const rs_job *job, int *ncols);
void rs_chip_window(const rs_job *job, long id, int *x0, int *y0);
/* Cut chip id from the product (opened by the caller) into <dir>/chip_<id>.tif. */
int rs_chip_write(const rs_job *job, GDALDatasetH product, const char *dir, long id);
/* Index CSV (one writer): id,path,x_off,y_off,width,height,gt0..gt5. */
int rs_chips_index_write(const rs_job *job, const char *dir, const char *csv);

#endif
