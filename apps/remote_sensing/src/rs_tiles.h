/* rs_tiles.h — web tile pyramid of the product in the layout of gdal2tiles.py (mercator profile,
 * 256 px tiles, <dir>/z/x/y.png, TMS row numbering unless xyz) and with its pixels (GDAL 3.6,
 * default resampling 'average'). Tiles of the highest zoom come from the product scaled to byte
 * (nodata 0, transparent) as gdal2tiles.py makes them (rs_tiles_base.c); each lower zoom is built
 * from the zoom above (average of four children), one zoom after the other, so the tiles of a zoom
 * can go to any rank.
 * No MPI. */
#ifndef RS_TILES_H
#define RS_TILES_H
#include "rs_job.h"

#define RS_TILES_MAXZ 24
#define RS_TILE 256 /* tile edge in pixels */

typedef struct {
  int zmin, zmax, xyz, webp;
  double ominx, ominy, omaxx, omaxy; /* product bounds in EPSG:3857 */
  double vgt[6];                      /* grid of gdal2tiles' warped VRT (AutoCreateWarpedVRT) */
  int vnx, vny;
  int snx, sny;                       /* size of the byte source */
  double jitter; /* source pixels by which the exact transform may stray from a smooth one */
  int tminx[RS_TILES_MAXZ + 1], tminy[RS_TILES_MAXZ + 1], tmaxx[RS_TILES_MAXZ + 1], tmaxy[RS_TILES_MAXZ + 1];
  long first[RS_TILES_MAXZ + 2]; /* id of the first tile of each zoom */
  long ntiles;
  void *tr;          /* the VRT's exact transformer: VRT pixel -> source pixel */
  GDALDatasetH xmap, ymap; /* pixel index rows: GDAL's nearest sampling of a VRT window */
  unsigned char *empty_png; /* bytes of a fully transparent tile, once this rank wrote one */
  size_t empty_len;
  void *deflater; /* libdeflate compressor of this rank's PNG tiles (rs_tiles_png.c) */
} rs_tileset;

/* Tile ranges of zooms zmin..zmax (gdal2tiles' GlobalMercator arithmetic). */
int rs_tiles_setup(GDALDatasetH product, int zmin, int zmax, int xyz, rs_tileset *ts);
/* Byte VRT of band 1 of the product, lo..hi -> 1..255, nodata 0 (one writer). */
int rs_tiles_source_write(const rs_job *job, double lo, double hi, const char *vrt);
/* Render tile id (of zoom zmax) from the byte source into <dir>/z/x/y.png or .webp (temp + rename). */
int rs_tiles_write(rs_tileset *ts, GDALDatasetH src, const char *dir, long id);
/* gdal2tiles' create_base_tile of TMS tile z/tx/ty: 256 x 256 gray and alpha; *empty when fully
 * transparent (rs_tiles_base.c). */
int rs_tiles_base_render(const rs_tileset *ts, GDALDatasetH src, int z, int tx, int ty, unsigned char *gray,
                         unsigned char *alpha, int *empty);
void rs_tiles_free(rs_tileset *ts);
/* Tile id of a zoom below zmax from its (up to four) children of the zoom above, which must all be
 * written: gdal2tiles.py's create_overview_tile with its default 'average' resampling. */
int rs_tiles_overview_write(rs_tileset *ts, const char *dir, long id);
/* PNG file bytes of a 256 x 256 gray + alpha tile (malloc'ed into *png); *png = NULL when built
 * without libdeflate: then GDAL's PNG driver writes the tile (rs_tiles_png.c). */
int rs_tiles_png_encode(rs_tileset *ts, const unsigned char *gray, const unsigned char *alpha, unsigned char **png,
                        size_t *len);
void rs_tiles_png_free(rs_tileset *ts);

#endif
