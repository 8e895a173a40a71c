/* rs_io.h — GDAL access of whpc-remote-sensing: the input stack (one or more co-registered
 * files, bands concatenated), window reads with a NaN-padded halo, the tile file all ranks write.
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

/* Read band (0-based) of window [x0, x0+w) x [y0, y0+h), which must lie inside the image, into
 * buf as float (GDAL's conversion; exact for integers of up to 16 bits and Float32), nodata values
 * left as they are. direct: NULL, or handles of rs_input_open_direct used instead of in->ds where
 * not NULL. For the fused fast path. */
int rs_input_read_f32(rs_input *in, GDALDatasetH *direct, int band, int x0, int y0, int w, int h, float *buf);
/* Open the files again with GDAL's GTiff direct I/O (GTIFF_DIRECT_IO, read at open: pixels go
 * from the file into the caller's buffer without GDAL's block cache), for reads that never come
 * back to a tile (no halo). ds[f] NULL where that fails (the caller then uses in->ds). */
void rs_input_open_direct(const rs_input *in, GDALDatasetH *ds);
/* Output description shared by the tile file and the final product. */
typedef struct {
  int width, height, nbands, block;
  GDALDataType type;
  double nodata;
  double gt[6];
  const char *wkt;
} rs_raster_desc;

/* The product is written once, in place, by all ranks at once: rank 0 creates one tiled,
 * uncompressed, band-interleaved GeoTIFF of the whole grid (the "tile file") in which every tile
 * already has its fixed place (GDAL extends the file over the unwritten tiles, writing no bytes);
 * GDAL reports each tile's offset; each rank then pwrite()s the tiles of its blocks there. Ranks
 * write disjoint byte ranges and GDAL never has the file open for writing meanwhile, so no two
 * writers ever share a TIFF structure. Block size = tile size, so a block is a whole tile. */
int rs_tilefile_create(const char *path, const rs_raster_desc *d);
/* off[((by * nbx) + bx) * nbands + k]: byte offset of tile (bx, by) of band k. Checks the byte
 * order and that every tile has block*block*size bytes. */
int rs_tilefile_offsets(const char *path, const rs_raster_desc *d, int nbx, int nby, long long *off);
/* Write band values v (w x h <= block x block, NaN -> nodata) as the tile at off: converted to the
 * output type by GDAL (scratch: block^2 * 8 bytes), edge tiles padded (tile: block^2 * size). With
 * `stored`, v is replaced by the values as stored (NaN where nodata), so statistics describe the
 * file. Errors
 * (ENOSPC, EIO) name the path. */
int rs_tilefile_write(int fd, const char *path, const rs_raster_desc *d, long long off, int w, int h, double *v,
                      void *scratch, void *tile, int stored);

/* Write a tile already in the output type (w x h values, nodata already in place): edge tiles
 * padded through `tile`. Errors as rs_tilefile_write. */
int rs_tilefile_write_typed(int fd, const char *path, const rs_raster_desc *d, long long off, int w, int h,
                            const void *v, void *tile);
/* The values statistics see for n stored values of a tile in the output type: as double, NaN
 * where they equal the nodata value. */
void rs_tile_stored_values(const rs_raster_desc *d, const void *typed, long n, double *v);
#endif
