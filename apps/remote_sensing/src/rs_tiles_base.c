/* rs_tiles_base.c — the highest zoom's tiles with gdal2tiles.py's pixels (GDAL 3.6, default
 * resampling 'average'). gdal2tiles reprojects through AutoCreateWarpedVRT (nearest neighbour,
 * exact transformer, nodata 0 left at 0), reads each tile's window of that VRT with GDAL's nearest
 * sampling into a 4x oversampled 1024 x 1024 query (gray and its nodata mask) and averages it 4 x 4
 * with RegenerateOverview. Here the same VRT pixels are computed without the VRT: an exact
 * transform on a coarse grid, bilinear in between, and the exact transform again for every pixel
 * whose source coordinate lies too close to a pixel edge for the interpolation to decide it. */
#include "rs_tiles.h"

#include "rs_io.h"

#include <gdal_alg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RS_QUERY (4 * RS_TILE) /* gdal2tiles' querysize for 'average' */
#define RS_CELL 8              /* exact transforms every RS_CELL VRT pixels */

/* One axis of geo_query's clipping to the VRT: a read window [r, r+rs) that starts before 0 or
 * ends past n is cut, and the query window [w, w+ws) shrinks in proportion. */
static void rs_clip_query_axis(int *r, int *rs, int *w, int *ws, int n) {
  if (*r < 0) {
    int sh = -*r;
    *w = (int)(*ws * ((double)sh / *rs));
    *ws -= *w;
    *rs -= (int)(*rs * ((double)sh / *rs));
    *r = 0;
  }
  if (*r + *rs > n) {
    *ws = (int)(*ws * ((double)(n - *r) / *rs));
    *rs = n - *r;
  }
}

/* gdal2tiles GDAL2Tiles.geo_query with querysize: window of the VRT and where it lands in the
 * query; the same integer truncations as Python's int(). */
static void rs_geo_query(const rs_tileset *ts, double ulx, double uly, double lrx, double lry, int win[8]) {
  const double *g = ts->vgt;
  int rx = (int)((ulx - g[0]) / g[1] + 0.001), ry = (int)((uly - g[3]) / g[5] + 0.001);
  int rxs = (int)((lrx - ulx) / g[1] + 0.5), rys = (int)((lry - uly) / g[5] + 0.5);
  if (rxs < 1) rxs = 1;
  if (rys < 1) rys = 1;
  int wx = 0, wy = 0, wxs = RS_QUERY, wys = RS_QUERY;
  rs_clip_query_axis(&rx, &rxs, &wx, &wxs, ts->vnx);
  rs_clip_query_axis(&ry, &rys, &wy, &wys, ts->vny);
  int w[8] = {rx, ry, rxs, rys, wx, wy, wxs, wys};
  memcpy(win, w, sizeof w);
}

/* GDAL's nearest-neighbour kernel (GWKNearest): source pixel of a transformed coordinate, or -1
 * outside the source. */
static int rs_src_index(double s, int n) {
  if (!(s >= 0)) return -1;
  double v = s + 1e-10;
  return v < n ? (int)v : -1;
}

/* whether the interpolated coordinate s (within err of the exact one) may have another source
 * pixel than the exact one: near an integer after GDAL's 1e-10 nudge */
static int rs_undecided(double s, double err) {
  double v = s + 1e-10;
  return fabs(v - floor(v + 0.5)) <= err;
}

/* Source pixel (sx, sy) of VRT pixel (xs[a], ys[b]) for a < nx, b < ny (increasing columns and
 * rows: the ones the query samples), -1 where none. */
static int rs_window_map(const rs_tileset *ts, const int *xs, int nx, const int *ys, int ny, int *sx, int *sy) {
  int kx = (nx - 1 + RS_CELL - 1) / RS_CELL, ky = (ny - 1 + RS_CELL - 1) / RS_CELL; /* cells */
  int mx = kx + 1, my = ky + 1, nn = mx * my, nc = kx * ky;
  size_t np = (size_t)nx * ny;
  double *px = malloc(sizeof(double) * 3 * (nn + nc + np));
  int *ok = malloc(sizeof(int) * (nn + nc + np));
  double *cerr = malloc(sizeof(double) * (nc + 1));
  long *todo = malloc(sizeof(long) * np);
  if (!px || !ok || !cerr || !todo) {
    free(px), free(ok), free(cerr), free(todo);
    return WHPC_RAISE(WHPC_ERR_MEM, "tiles: out of memory");
  }
  double *py = px + nn + nc + np, *pz = py + nn + nc + np;
  /* node k of an axis: entry min(k * RS_CELL, n - 1) of the column/row list */
#define RS_NODE(k, n) ((k) * RS_CELL < (n) - 1 ? (k) * RS_CELL : (n) - 1)
  for (int j = 0; j < my; j++)
    for (int i = 0; i < mx; i++) {
      px[j * mx + i] = xs[RS_NODE(i, nx)] + 0.5;
      py[j * mx + i] = ys[RS_NODE(j, ny)] + 0.5;
    }
  for (int j = 0; j < ky; j++) /* cell centres: the check of the interpolation */
    for (int i = 0; i < kx; i++) {
      px[nn + j * kx + i] = 0.5 * (xs[RS_NODE(i, nx)] + xs[RS_NODE(i + 1, nx)]) + 0.5;
      py[nn + j * kx + i] = 0.5 * (ys[RS_NODE(j, ny)] + ys[RS_NODE(j + 1, ny)]) + 0.5;
    }
  for (int i = 0; i < nn + nc; i++) pz[i] = 0;
  GDALGenImgProjTransform(ts->tr, TRUE, nn + nc, px, py, pz, ok);
  for (int j = 0; j < ky; j++)
    for (int i = 0; i < kx; i++) {
      int a = j * mx + i, c = nn + j * kx + i;
      int good = ok[a] && ok[a + 1] && ok[a + mx] && ok[a + mx + 1] && ok[c];
      double ex = 0.25 * (px[a] + px[a + 1] + px[a + mx] + px[a + mx + 1]) - px[c];
      double ey = 0.25 * (py[a] + py[a + 1] + py[a + mx] + py[a + mx + 1]) - py[c];
      double e = fmax(fabs(ex), fabs(ey));
      /* the bilinear error peaks near the centre: 4x it bounds it over the cell; add the exact
       * transform's own jitter, which the centre does not show (ts->jitter); a cell that bends by
       * more than 0.01 px is transformed exactly throughout */
      cerr[j * kx + i] = good && e < 0.01 ? 4 * e + ts->jitter : -1;
    }
  long ntodo = 0;
  for (int b = 0; b < ny; b++) {
    int j = ky ? (b / RS_CELL < ky ? b / RS_CELL : ky - 1) : 0;
    int y0 = ys[RS_NODE(j, ny)], y1 = ys[RS_NODE(j + 1, ny)];
    double v = ky && y1 > y0 ? (double)(ys[b] - y0) / (y1 - y0) : 0;
    for (int a = 0; a < nx; a++) {
      long p = (long)b * nx + a;
      int i = kx ? (a / RS_CELL < kx ? a / RS_CELL : kx - 1) : 0;
      double err = kx && ky ? cerr[j * kx + i] : -1;
      if (err < 0) {
        todo[ntodo++] = p;
        continue;
      }
      int x0 = xs[RS_NODE(i, nx)], x1 = xs[RS_NODE(i + 1, nx)], n = j * mx + i;
      double u = x1 > x0 ? (double)(xs[a] - x0) / (x1 - x0) : 0;
      double X = (1 - v) * ((1 - u) * px[n] + u * px[n + 1]) + v * ((1 - u) * px[n + mx] + u * px[n + mx + 1]);
      double Y = (1 - v) * ((1 - u) * py[n] + u * py[n + 1]) + v * ((1 - u) * py[n + mx] + u * py[n + mx + 1]);
      if (rs_undecided(X, err) || rs_undecided(Y, err)) {
        todo[ntodo++] = p;
        continue;
      }
      sx[p] = rs_src_index(X, ts->snx);
      sy[p] = rs_src_index(Y, ts->sny);
      if (sx[p] < 0 || sy[p] < 0) sx[p] = sy[p] = -1;
    }
  }
#undef RS_NODE
  /* the exact transform, as the warper calls it, for the undecided pixels */
  for (long t = 0; t < ntodo; t++) {
    px[t] = xs[todo[t] % nx] + 0.5;
    py[t] = ys[todo[t] / nx] + 0.5;
    pz[t] = 0;
  }
  if (ntodo) GDALGenImgProjTransform(ts->tr, TRUE, (int)ntodo, px, py, pz, ok);
  for (long t = 0; t < ntodo; t++) {
    long p = todo[t];
    sx[p] = ok[t] ? rs_src_index(px[t], ts->snx) : -1;
    sy[p] = ok[t] ? rs_src_index(py[t], ts->sny) : -1;
    if (sx[p] < 0 || sy[p] < 0) sx[p] = sy[p] = -1;
  }
  free(px), free(ok), free(cerr), free(todo);
  return WHPC_OK;
}

/* The warped VRT's values at the listed columns and rows: the source pixel, 0 where there is none
 * or it is nodata (INIT_DEST=NO_DATA with nodata 0). The source is read once per tile: its
 * bounding window, or, when that is large (a tile far below the native resolution), the rows
 * needed one by one. */
static int rs_window_warp(const rs_tileset *ts, GDALDatasetH src, const int *xs, int nx, const int *ys, int ny,
                          unsigned char *w) {
  size_t np = (size_t)nx * ny;
  int *sx = malloc(sizeof(int) * 2 * np);
  if (!sx) return WHPC_RAISE(WHPC_ERR_MEM, "tiles: out of memory");
  int *sy = sx + np;
  int rc = rs_window_map(ts, xs, nx, ys, ny, sx, sy);
  int x0 = ts->snx, y0 = ts->sny, x1 = -1, y1 = -1;
  for (size_t p = 0; !rc && p < np; p++)
    if (sx[p] >= 0) {
      x0 = sx[p] < x0 ? sx[p] : x0, x1 = sx[p] > x1 ? sx[p] : x1;
      y0 = sy[p] < y0 ? sy[p] : y0, y1 = sy[p] > y1 ? sy[p] : y1;
    }
  memset(w, 0, np);
  if (!rc && x1 >= 0) {
    int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    int whole = (double)bw * bh <= 16.0 * 1024 * 1024;
    int *slot = malloc(sizeof(int) * bh); /* source row -> row of the buffer, -1 if not needed */
    int nrows = 0;
    for (int r = 0; slot && r < bh; r++) slot[r] = whole ? r : -1;
    for (size_t p = 0; slot && !whole && p < np; p++)
      if (sx[p] >= 0 && slot[sy[p] - y0] < 0) slot[sy[p] - y0] = 0;
    for (int r = 0; slot && r < bh; r++)
      if (slot[r] >= 0) slot[r] = nrows++;
    unsigned char *s = slot ? malloc((size_t)bw * nrows) : NULL;
    GDALRasterBandH band = GDALGetRasterBand(src, 1);
    CPLErrorReset();
    CPLErr e = s ? CE_None : CE_Failure;
    if (s && whole) e = GDALRasterIO(band, GF_Read, x0, y0, bw, bh, s, bw, bh, GDT_Byte, 0, 0);
    for (int r = 0; s && !whole && r < bh && e == CE_None; r++)
      if (slot[r] >= 0) e = GDALRasterIO(band, GF_Read, x0, y0 + r, bw, 1, s + (size_t)slot[r] * bw, bw, 1, GDT_Byte, 0, 0);
    if (e != CE_None) rc = WHPC_RAISE(WHPC_ERR_IO, "tiles: cannot read the tile source: %s", rs_gdal_msg());
    for (size_t p = 0; !rc && p < np; p++)
      if (sx[p] >= 0) w[p] = s[(size_t)slot[sy[p] - y0] * bw + (sx[p] - x0)];
    free(s);
    free(slot);
  }
  free(sx);
  return rc; /* nodata is 0: a nodata source pixel leaves the VRT's 0 */
}

int rs_tiles_base_render(const rs_tileset *ts, GDALDatasetH src, int z, int tx, int ty, unsigned char *gray,
                         unsigned char *alpha, int *empty) {
  /* GlobalMercator.TileBounds, then geo_query(ds, minx, maxy, maxx, miny, querysize) */
  double res = 2 * M_PI * 6378137.0 / RS_TILE / pow(2.0, z), shift = 2 * M_PI * 6378137.0 / 2.0;
  double minx = (double)(tx * RS_TILE) * res - shift, miny = (double)(ty * RS_TILE) * res - shift;
  double maxx = (double)((tx + 1) * RS_TILE) * res - shift, maxy = (double)((ty + 1) * RS_TILE) * res - shift;
  int win[8];
  rs_geo_query(ts, minx, maxy, maxx, miny, win);
  int rx = win[0], ry = win[1], rxs = win[2], rys = win[3], wx = win[4], wy = win[5], wxs = win[6], wys = win[7];
  memset(gray, 0, RS_TILE * RS_TILE);
  memset(alpha, 0, RS_TILE * RS_TILE);
  *empty = 1;
  if (rxs <= 0 || rys <= 0 || wxs <= 0 || wys <= 0) return WHPC_OK; /* gdal2tiles: a transparent tile */
  /* which VRT column/row each query column/row samples: GDAL's own nearest RasterIO of the index
   * rows, so the rounding is GDAL's; only those columns and rows (at most 1024 each) are warped */
  int ix[RS_QUERY], iy[RS_QUERY], col[RS_QUERY], row[RS_QUERY], ucol[RS_QUERY], urow[RS_QUERY], nu = 0, nv = 0;
  CPLErrorReset();
  if (GDALRasterIO(GDALGetRasterBand(ts->xmap, 1), GF_Read, rx, 0, rxs, 1, ix, wxs, 1, GDT_Int32, 0, 0) != CE_None ||
      GDALRasterIO(GDALGetRasterBand(ts->ymap, 1), GF_Read, 0, ry, 1, rys, iy, 1, wys, GDT_Int32, 0, 0) != CE_None)
    return WHPC_RAISE(WHPC_ERR_IO, "tiles: index sampling failed: %s", rs_gdal_msg());
  for (int q = 0; q < RS_QUERY; q++) { /* nearest sampling never goes backwards */
    col[q] = row[q] = -1;
    if (q >= wx && q < wx + wxs) {
      if (!nu || ucol[nu - 1] != ix[q - wx]) ucol[nu++] = ix[q - wx];
      col[q] = nu - 1;
    }
    if (q >= wy && q < wy + wys) {
      if (!nv || urow[nv - 1] != iy[q - wy]) urow[nv++] = iy[q - wy];
      row[q] = nv - 1;
    }
  }
  unsigned char *w = malloc((size_t)nu * nv);
  if (!w) return WHPC_RAISE(WHPC_ERR_MEM, "tiles: out of memory");
  int rc = rs_window_warp(ts, src, ucol, nu, urow, nv, w);
  /* RegenerateOverview 'average' of 4 x 4 query pixels, rounded half up (checked against GDAL
   * for every sum 0..4080); the query is 0 (and transparent) outside the window */
  for (int oy = 0; !rc && oy < RS_TILE; oy++) {
    const unsigned char *r[4];
    int nr = 0;
    for (int k = 0; k < 4; k++)
      if (row[4 * oy + k] >= 0) r[nr++] = w + (size_t)row[4 * oy + k] * nu;
    if (!nr) continue;
    for (int ox = 0; ox < RS_TILE; ox++) {
      int sum = 0, cnt = 0;
      for (int l = 0; l < 4; l++) {
        int c = col[4 * ox + l];
        if (c < 0) continue;
        for (int k = 0; k < nr; k++) {
          int v = r[k][c];
          sum += v;
          cnt += v != 0;
        }
      }
      gray[oy * RS_TILE + ox] = (unsigned char)((sum + 8) >> 4);
      alpha[oy * RS_TILE + ox] = (unsigned char)((255 * cnt + 8) >> 4);
      if (cnt) *empty = 0;
    }
  }
  free(w);
  return rc;
}
