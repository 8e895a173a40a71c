/* spec_pencil.c — 3D real-to-complex FFT on a 2D (pencil) process grid, for more ranks than grid
 * planes. FFTW-MPI only distributes one dimension, so the transposes are ours: serial FFTW
 * many-plans along each direction and two all-to-all exchanges, over the row and column
 * communicators of the whpc_decomp process grid (see spec_solver.h for the layouts).
 *
 *   forward:  X [z][y][kx] --r2c x-- row exchange --> Y [z][kx][y] --c2c y-- column exchange
 *             --> Z [ky][kx][z] --c2c z--
 *   backward: the same steps reversed (c2c z, column, c2c y, row, c2r x).
 * Every block is whpc_block_range's, so the real and Fourier blocks are those of whpc_decomp. */
#include <stdlib.h>
#include <string.h>

#include <whpc.h>

#include "spec_solver.h"

static void block(long n, int parts, int p, ptrdiff_t *start, ptrdiff_t *count) {
  long s0, c0;
  whpc_block_range(n, parts, p, &s0, &c0);
  *start = (ptrdiff_t)s0;
  *count = (ptrdiff_t)c0;
}

void cfd_pencil_setup(long n, int p1, int p2, int r1, int r2, MPI_Comm row, MPI_Comm col, cfd_pencil *pc) {
  memset(pc, 0, sizeof(*pc));
  pc->p1 = p1;
  pc->p2 = p2;
  pc->r1 = r1;
  pc->r2 = r2;
  pc->row = row;
  pc->col = col;
  long nc = n / 2 + 1;
  block(n, p1, r1, &pc->y0, &pc->yl);
  block(n, p2, r2, &pc->z0, &pc->zl);
  block(nc, p1, r1, &pc->kx0, &pc->kxl);
  block(n, p2, r2, &pc->ky0, &pc->kyl);
}

ptrdiff_t cfd_pencil_alloc(long n, const cfd_pencil *pc) {
  ptrdiff_t nc = n / 2 + 1;
  ptrdiff_t a = pc->zl * pc->yl * nc, b = pc->zl * pc->kxl * (ptrdiff_t)n, c = pc->kyl * pc->kxl * (ptrdiff_t)n;
  ptrdiff_t m = a > b ? a : b;
  m = m > c ? m : c;
  return m > 0 ? m : 1;
}

/* Counts and displacements in doubles (2 per complex): the all-to-alls move MPI_DOUBLE. */
static int *counts(int p) { return calloc((size_t)(p > 0 ? p : 1), sizeof(int)); }

static void fill_displs(const int *c, int *d, int p) {
  d[0] = 0;
  for (int j = 1; j < p; j++) d[j] = d[j - 1] + c[j - 1];
}

int cfd_pencil_plan(cfd_pencil *pc, long n, ptrdiff_t alloc, fftw_complex *buf, unsigned flags) {
  int nn = (int)n, nc = (int)(n / 2 + 1), n2p = 2 * nc;
  pc->sbuf = fftw_alloc_complex((size_t)alloc);
  pc->rbuf = fftw_alloc_complex((size_t)alloc);
  int p1 = pc->p1, p2 = pc->p2;
  int **arr[] = {&pc->c1s, &pc->d1s, &pc->c1r, &pc->d1r, &pc->c2s, &pc->d2s, &pc->c2r, &pc->d2r};
  for (int i = 0; i < 8; i++) *arr[i] = counts(i < 4 ? p1 : p2);
  if (!pc->sbuf || !pc->rbuf) return -1;
  for (int i = 0; i < 8; i++)
    if (!*arr[i]) return -1;
  /* Row exchange (forward): to j my [z][y][kx of j]; from j its [z][y of j][my kx]. */
  for (int j = 0; j < p1; j++) {
    ptrdiff_t s, kxl_j, yl_j;
    block(n / 2 + 1, p1, j, &s, &kxl_j);
    block(n, p1, j, &s, &yl_j);
    pc->c1s[j] = (int)(2 * pc->zl * pc->yl * kxl_j);
    pc->c1r[j] = (int)(2 * pc->zl * yl_j * pc->kxl);
  }
  /* Column exchange (forward): to j my [z][kx][ky of j]; from j its [z of j][kx][my ky]. */
  for (int j = 0; j < p2; j++) {
    ptrdiff_t s, kyl_j, zl_j;
    block(n, p2, j, &s, &kyl_j);
    block(n, p2, j, &s, &zl_j);
    pc->c2s[j] = (int)(2 * pc->zl * pc->kxl * kyl_j);
    pc->c2r[j] = (int)(2 * zl_j * pc->kxl * pc->kyl);
  }
  fill_displs(pc->c1s, pc->d1s, p1);
  fill_displs(pc->c1r, pc->d1r, p1);
  fill_displs(pc->c2s, pc->d2s, p2);
  fill_displs(pc->c2r, pc->d2r, p2);

  /* Serial plans on the local lines (none where this rank holds no line of that stage). */
  double *r = (double *)buf;
  int hx = (int)(pc->zl * pc->yl), hy = (int)(pc->zl * pc->kxl), hz = (int)(pc->kyl * pc->kxl);
  if (hx > 0) {
    pc->xf = fftw_plan_many_dft_r2c(1, &nn, hx, r, NULL, 1, n2p, buf, NULL, 1, nc, flags);
    pc->xb = fftw_plan_many_dft_c2r(1, &nn, hx, buf, NULL, 1, nc, r, NULL, 1, n2p, flags);
    if (!pc->xf || !pc->xb) return -2;
  }
  if (hy > 0) {
    pc->yf = fftw_plan_many_dft(1, &nn, hy, buf, NULL, 1, nn, buf, NULL, 1, nn, FFTW_FORWARD, flags);
    pc->yb = fftw_plan_many_dft(1, &nn, hy, buf, NULL, 1, nn, buf, NULL, 1, nn, FFTW_BACKWARD, flags);
    if (!pc->yf || !pc->yb) return -2;
  }
  if (hz > 0) {
    pc->zf = fftw_plan_many_dft(1, &nn, hz, buf, NULL, 1, nn, buf, NULL, 1, nn, FFTW_FORWARD, flags);
    pc->zb = fftw_plan_many_dft(1, &nn, hz, buf, NULL, 1, nn, buf, NULL, 1, nn, FFTW_BACKWARD, flags);
    if (!pc->zf || !pc->zb) return -2;
  }
  return 0;
}

void cfd_pencil_destroy(cfd_pencil *pc) {
  fftw_plan *pl[] = {&pc->xf, &pc->xb, &pc->yf, &pc->yb, &pc->zf, &pc->zb};
  for (int i = 0; i < 6; i++)
    if (*pl[i]) fftw_destroy_plan(*pl[i]);
  fftw_free(pc->sbuf);
  fftw_free(pc->rbuf);
  int **arr[] = {&pc->c1s, &pc->d1s, &pc->c1r, &pc->d1r, &pc->c2s, &pc->d2s, &pc->c2r, &pc->d2r};
  for (int i = 0; i < 8; i++) free(*arr[i]);
  if (pc->row != MPI_COMM_NULL && pc->row) MPI_Comm_free(&pc->row);
  if (pc->col != MPI_COMM_NULL && pc->col) MPI_Comm_free(&pc->col);
  memset(pc, 0, sizeof(*pc));
}

/* One of the two exchanges. The line side holds nlines lines of len (x or ky), cut into blocks
 * of len, one per peer; the transposed side holds lines of n along the gathered direction (y or
 * z), cut into blocks of n, one per peer. The block of peer j on the transposed side is packed
 * [na][nb][nloc] (nloc: my block of len) with the gathered index outer (a) or inner (b), and
 * element (a, b, c) lies at g0 + a sa + b sb + c sc in the buffer (g0: the gathered block's start). */
typedef struct {
  MPI_Comm comm;
  int parts;
  const int *cl, *dl, *ct, *dt; /* counts/displacements (doubles) of the line and transposed sides */
  ptrdiff_t nlines, len, nloc, fixed, sa, sb, sc;
  int gather_outer;
} exchange;

/* X [zl][yl][nc] <-> Y [zl][kxl][n] over the row communicator: a block is [zl][y of j][kxl]. */
static exchange row_exchange(const cfd_pencil *pc, long n) {
  return (exchange){.comm = pc->row, .parts = pc->p1, .cl = pc->c1s, .dl = pc->d1s, .ct = pc->c1r, .dt = pc->d1r,
                    .nlines = pc->zl * pc->yl, .len = n / 2 + 1, .nloc = pc->kxl, .fixed = pc->zl,
                    .sa = pc->kxl * n, .sb = 1, .sc = n, .gather_outer = 0};
}

/* Y [zl][kxl][n (ky)] <-> Z [kyl][kxl][n (z)] over the column communicator: a block is
 * [z of j][kxl][kyl]. */
static exchange col_exchange(const cfd_pencil *pc, long n) {
  return (exchange){.comm = pc->col, .parts = pc->p2, .cl = pc->c2s, .dl = pc->d2s, .ct = pc->c2r, .dt = pc->d2r,
                    .nlines = pc->zl * pc->kxl, .len = n, .nloc = pc->kyl, .fixed = pc->kxl,
                    .sa = 1, .sb = n, .sc = pc->kxl * n, .gather_outer = 1};
}

/* Peer j's block of the line side: from buf into blk (out) or back. */
static void line_block(const exchange *x, int j, fftw_complex *buf, fftw_complex *blk, int out) {
  ptrdiff_t s0, sl;
  block(x->len, x->parts, j, &s0, &sl);
  const size_t bytes = sizeof(fftw_complex) * (size_t)sl;
  for (ptrdiff_t l = 0; l < x->nlines; l++) {
    fftw_complex *line = buf + l * x->len + s0, *b = blk + l * sl;
    if (out) memcpy(b, line, bytes);
    else memcpy(line, b, bytes);
  }
}

/* Peer j's block of the transposed side: from buf into blk (out) or back. */
static void transposed_block(const exchange *x, long n, int j, fftw_complex *buf, fftw_complex *blk, int out) {
  ptrdiff_t g0, gl;
  block(n, x->parts, j, &g0, &gl);
  const ptrdiff_t na = x->gather_outer ? gl : x->fixed, nb = x->gather_outer ? x->fixed : gl;
  const ptrdiff_t nloc = x->nloc, sc = x->sc;
  for (ptrdiff_t a = 0; a < na; a++)
    for (ptrdiff_t b = 0; b < nb; b++) {
      fftw_complex *t = buf + g0 + a * x->sa + b * x->sb, *p = blk + (a * nb + b) * nloc;
      if (out)
        for (ptrdiff_t c = 0; c < nloc; c++) p[c] = t[c * sc];
      else
        for (ptrdiff_t c = 0; c < nloc; c++) t[c * sc] = p[c];
    }
}

/* Forward: line side -> transposed side; backward: the reverse, sends and receives swapped. */
static void transpose(cfd_pencil *pc, const exchange *x, long n, fftw_complex *buf, int forward) {
  const int *cs = forward ? x->cl : x->ct, *ds = forward ? x->dl : x->dt;
  const int *cr = forward ? x->ct : x->cl, *dr = forward ? x->dt : x->dl;
  fftw_complex *sb = pc->sbuf, *rb = pc->rbuf;
  for (int j = 0; j < x->parts; j++) {
    if (forward) line_block(x, j, buf, sb + ds[j] / 2, 1);
    else transposed_block(x, n, j, buf, sb + ds[j] / 2, 1);
  }
  MPI_Alltoallv(sb, cs, ds, MPI_DOUBLE, rb, cr, dr, MPI_DOUBLE, x->comm);
  for (int j = 0; j < x->parts; j++) {
    if (forward) transposed_block(x, n, j, buf, rb + dr[j] / 2, 0);
    else line_block(x, j, buf, rb + dr[j] / 2, 0);
  }
}

void cfd_pencil_r2c(cfd_pencil *pc, long n, fftw_complex *buf) {
  if (pc->xf) fftw_execute_dft_r2c(pc->xf, (double *)buf, buf);
  const exchange row = row_exchange(pc, n), col = col_exchange(pc, n);
  transpose(pc, &row, n, buf, 1);
  if (pc->yf) fftw_execute_dft(pc->yf, buf, buf);
  transpose(pc, &col, n, buf, 1);
  if (pc->zf) fftw_execute_dft(pc->zf, buf, buf);
}

void cfd_pencil_c2r(cfd_pencil *pc, long n, fftw_complex *buf) {
  const exchange row = row_exchange(pc, n), col = col_exchange(pc, n);
  if (pc->zb) fftw_execute_dft(pc->zb, buf, buf);
  transpose(pc, &col, n, buf, 0);
  if (pc->yb) fftw_execute_dft(pc->yb, buf, buf);
  transpose(pc, &row, n, buf, 0);
  if (pc->xb) fftw_execute_dft_c2r(pc->xb, buf, (double *)buf);
}
