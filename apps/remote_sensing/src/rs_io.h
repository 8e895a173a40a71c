/* rs_io.h — GDAL access of whpc-remote-sensing: the input stack (one or more co-registered
 * files, bands concatenated), window reads with a NaN-padded halo, per-rank part files.
 * GDAL runs single-threaded inside each rank (GDAL_NUM_THREADS=1, set by rs_gdal_init). */
#ifndef RS_IO_H
#define RS_IO_H
#include <gdal.h>

/* The input stack: global band k (0-based) is band band_index[k] of file band_file[k]. */
typedef struct {
  int nfiles;
  char **files;
  GDALDatasetH *ds;
  int nbands;
  int *band_file, *band_index, *has_nodata;
  GDALDataType *type;
  double *nodata;
  int width, height;
  double gt[6];
  char *wkt;      /* CRS as WKT ("" when the input has none) */
  int tile_w, tile_h; /* internal block size of the first band */
} rs_input;

/* GDAL_NUM_THREADS=1, drivers, a quiet error handler (messages go into our one-line errors). */
void rs_gdal_init(void);
/* Last GDAL error message, or "no detail from GDAL". */
const char *rs_gdal_msg(void);

/* Open every file of the comma/space separated list `files` (key `key` for messages), check
 * that all share size, geotransform and CRS. Errors: WHPC_ERR_INPUT naming file and key. */
int rs_input_open(rs_input *in, const char *key, const char *files);
void rs_input_close(rs_input *in);
/* Read band (0-based) of window [x0, x0+w) x [y0, y0+h) (may reach outside the image) into
 * buf (w x h doubles). Pixels outside the image or equal to the band's nodata become NaN. */
int rs_input_read(rs_input *in, int band, int x0, int y0, int w, int h, double *buf);

/* Output description shared by part files and the final product. */
typedef struct {
  int width, height, nbands, block;
  GDALDataType type;
  double nodata;
  double gt[6];
  const char *wkt;
} rs_raster_desc;

/* Create a tiled, sparse GeoTIFF of the whole grid: only the blocks written take space. */
int rs_part_create(const char *path, const rs_raster_desc *d, GDALDatasetH *out);
/* Write band (0-based) of block [x0, x0+w) x [y0, y0+h) from v (NaN -> nodata), after
 * converting to the output type; v is replaced by the values as stored (NaN where nodata),
 * so statistics describe the file. */
int rs_part_write(GDALDatasetH ds, const rs_raster_desc *d, int band, int x0, int y0, int w, int h,
                  double *v, void *scratch);
int rs_part_close(GDALDatasetH *ds, const char *path);

#endif
