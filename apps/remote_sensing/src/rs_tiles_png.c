/* rs_tiles_png.c — PNG encoder of the gray + alpha tiles. Nearly all of a tile's time is
 * deflate. The encoding matches what GDAL's PNG driver asks of libpng by default (8-bit gray +
 * alpha, no interlace, per row the filter libpng's adaptive heuristic picks, compression level 6)
 * but compresses with libdeflate's level 6 instead of zlib's: the same format and pixels, about
 * the same size, in less time. Without libdeflate the tile goes through GDAL's PNG driver. */
#include "rs_tiles.h"

#include <stdlib.h>
#include <string.h>

#ifdef RS_HAVE_LIBDEFLATE
#include <libdeflate.h>

static void rs_be32(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* chunk at p: length, type, data (already at p + 8), CRC of type + data; returns its size */
static size_t rs_chunk(unsigned char *p, const char *type, size_t n) {
  rs_be32(p, (unsigned)n);
  memcpy(p + 4, type, 4);
  rs_be32(p + 8 + n, (unsigned)libdeflate_crc32(0, p + 4, n + 4));
  return n + 12;
}

static int rs_paeth(int a, int b, int c) {
  int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* libpng's heuristic for PNG_ALL_FILTERS: the filter whose bytes, read as signed, have the
 * smallest sum of magnitudes (ties: the first of None, Sub, Up, Average, Paeth) */
static void rs_filter_row(const unsigned char *x, const unsigned char *up, int n, unsigned char *out) {
  unsigned char cand[5][2 * RS_TILE];
  unsigned long best = (unsigned long)-1;
  int pick = 0;
  for (int f = 0; f < 5; f++) {
    unsigned long sum = 0;
    for (int i = 0; i < n; i++) {
      int a = i >= 2 ? x[i - 2] : 0, b = up ? up[i] : 0, c = up && i >= 2 ? up[i - 2] : 0;
      int pred = f == 0 ? 0 : f == 1 ? a : f == 2 ? b : f == 3 ? (a + b) >> 1 : rs_paeth(a, b, c);
      unsigned char v = (unsigned char)(x[i] - pred);
      cand[f][i] = v;
      sum += v < 128 ? v : 256 - v;
    }
    if (sum < best) best = sum, pick = f;
  }
  out[0] = (unsigned char)pick;
  memcpy(out + 1, cand[pick], (size_t)n);
}

int rs_tiles_png_encode(rs_tileset *ts, const unsigned char *gray, const unsigned char *alpha, unsigned char **png,
                        size_t *len) {
  enum { N = RS_TILE, ROW = 1 + 2 * N };
  if (!ts->deflater) ts->deflater = libdeflate_alloc_compressor(6);
  unsigned char *raw = malloc((size_t)N * ROW), *rows = malloc(4 * N);
  size_t bound = ts->deflater ? libdeflate_zlib_compress_bound(ts->deflater, (size_t)N * ROW) : 0;
  unsigned char *out = malloc(8 + 25 + 12 + bound + 12);
  if (!ts->deflater || !raw || !rows || !out) {
    free(raw), free(rows), free(out);
    return WHPC_RAISE(WHPC_ERR_MEM, "tiles: out of memory");
  }
  unsigned char *cur = rows, *prev = NULL;
  for (int y = 0; y < N; y++) { /* interleave G, A; filter against the previous row */
    for (int x = 0; x < N; x++) cur[2 * x] = gray[y * N + x], cur[2 * x + 1] = alpha[y * N + x];
    rs_filter_row(cur, prev, 2 * N, raw + (size_t)y * ROW);
    prev = cur;
    cur = cur == rows ? rows + 2 * N : rows;
  }
  free(rows);
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  size_t n = 0;
  memcpy(out, sig, 8);
  n += 8;
  unsigned char *h = out + n + 8; /* IHDR: size, 8 bits, gray + alpha (4), deflate, adaptive, no interlace */
  rs_be32(h, N), rs_be32(h + 4, N);
  h[8] = 8, h[9] = 4, h[10] = 0, h[11] = 0, h[12] = 0;
  n += rs_chunk(out + n, "IHDR", 13);
  size_t z = libdeflate_zlib_compress(ts->deflater, raw, (size_t)N * ROW, out + n + 8, bound);
  free(raw);
  if (!z) {
    free(out);
    return WHPC_RAISE(WHPC_ERR_MEM, "tiles: deflate failed");
  }
  n += rs_chunk(out + n, "IDAT", z);
  n += rs_chunk(out + n, "IEND", 0);
  *png = out;
  *len = n;
  return WHPC_OK;
}

void rs_tiles_png_free(rs_tileset *ts) {
  if (ts->deflater) libdeflate_free_compressor(ts->deflater);
  ts->deflater = NULL;
}

#else
int rs_tiles_png_encode(rs_tileset *ts, const unsigned char *gray, const unsigned char *alpha, unsigned char **png,
                        size_t *len) {
  (void)ts, (void)gray, (void)alpha;
  *png = NULL;
  *len = 0;
  return WHPC_OK; /* no encoder: the caller writes the tile with GDAL's PNG driver */
}

void rs_tiles_png_free(rs_tileset *ts) { (void)ts; }
#endif
