/* rs_assemble.h — from the tile file (rs_io.h: every rank wrote its blocks in place) to the product:
 * an uncompressed GTiff product is the tile file itself, renamed (no copy); COG or a compressed
 * GTiff is one GDALTranslate of it by rank 0 into a temp name, then renamed. Also the quick-look
 * PNG and the AI chips. No MPI. */
#ifndef RS_ASSEMBLE_H
#define RS_ASSEMBLE_H
#include "rs_job.h"

/* Owner of a block: (attempt, rank); attempts > 0 are resumed runs. Names the journals. */
#define RS_OWNER(attempt, rank) ((attempt) * 100000 + (rank))
/* job->tile_path -> job->out_path (rename, or translate to COG / compressed GTiff + rename). */
int rs_product_write(const rs_job *job);
/* gdal_translate arguments: band 1 as Byte in FORMAT, lo..hi stretched to 1..255 (NaN: GDAL's
 * min..max), nodata 0 (the quick-look and the web tiles' source). CSLDestroy the result. */
char **rs_byte_scale_args(const char *format, double lo, double hi);
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
