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

/* X [zl][yl][nc] <-> Y [zl][kxl][n] over the row communicator. */
static void row_fwd(cfd_pencil *pc, long n, fftw_complex *buf) {
  ptrdiff_t nc = n / 2 + 1, zl = pc->zl, yl = pc->yl, kxl = pc->kxl;
  fftw_complex *sb = pc->sbuf, *rb = pc->rbuf;
  for (int j = 0; j < pc->p1; j++) {
    ptrdiff_t kx0, kxlj;
    block(nc, pc->p1, j, &kx0, &kxlj);
    fftw_complex *o = sb + pc->d1s[j] / 2;
    for (ptrdiff_t z = 0; z < zl; z++)
      for (ptrdiff_t y = 0; y < yl; y++)
        memcpy(o + (z * yl + y) * kxlj, buf + (z * yl + y) * nc + kx0, sizeof(fftw_complex) * (size_t)kxlj);
  }
  MPI_Alltoallv(sb, pc->c1s, pc->d1s, MPI_DOUBLE, rb, pc->c1r, pc->d1r, MPI_DOUBLE, pc->row);
  for (int j = 0; j < pc->p1; j++) {
    ptrdiff_t y0, ylj;
    block(n, pc->p1, j, &y0, &ylj);
    const fftw_complex *in = rb + pc->d1r[j] / 2;
    for (ptrdiff_t z = 0; z < zl; z++)
      for (ptrdiff_t y = 0; y < ylj; y++)
        for (ptrdiff_t kx = 0; kx < kxl; kx++) buf[(z * kxl + kx) * n + y0 + y] = in[(z * ylj + y) * kxl + kx];
  }
}

static void row_bwd(cfd_pencil *pc, long n, fftw_complex *buf) {
  ptrdiff_t nc = n / 2 + 1, zl = pc->zl, yl = pc->yl, kxl = pc->kxl;
  fftw_complex *sb = pc->sbuf, *rb = pc->rbuf;
  for (int j = 0; j < pc->p1; j++) { /* to j: [z][y of j][my kx] */
    ptrdiff_t y0, ylj;
    block(n, pc->p1, j, &y0, &ylj);
    fftw_complex *o = sb + pc->d1r[j] / 2;
    for (ptrdiff_t z = 0; z < zl; z++)
      for (ptrdiff_t y = 0; y < ylj; y++)
        for (ptrdiff_t kx = 0; kx < kxl; kx++) o[(z * ylj + y) * kxl + kx] = buf[(z * kxl + kx) * n + y0 + y];
  }
  MPI_Alltoallv(sb, pc->c1r, pc->d1r, MPI_DOUBLE, rb, pc->c1s, pc->d1s, MPI_DOUBLE, pc->row);
  for (int j = 0; j < pc->p1; j++) { /* from j: [z][my y][kx of j] */
    ptrdiff_t kx0, kxlj;
    block(nc, pc->p1, j, &kx0, &kxlj);
    const fftw_complex *in = rb + pc->d1s[j] / 2;
    for (ptrdiff_t z = 0; z < zl; z++)
      for (ptrdiff_t y = 0; y < yl; y++)
        memcpy(buf + (z * yl + y) * nc + kx0, in + (z * yl + y) * kxlj, sizeof(fftw_complex) * (size_t)kxlj);
  }
}

/* Y [zl][kxl][n (ky)] <-> Z [kyl][kxl][n (z)] over the column communicator. */
static void col_fwd(cfd_pencil *pc, long n, fftw_complex *buf) {
  ptrdiff_t zl = pc->zl, kxl = pc->kxl, kyl = pc->kyl;
  fftw_complex *sb = pc->sbuf, *rb = pc->rbuf;
  for (int j = 0; j < pc->p2; j++) {
    ptrdiff_t ky0, kylj;
    block(n, pc->p2, j, &ky0, &kylj);
    fftw_complex *o = sb + pc->d2s[j] / 2;
    for (ptrdiff_t z = 0; z < zl; z++)
      for (ptrdiff_t kx = 0; kx < kxl; kx++)
        memcpy(o + (z * kxl + kx) * kylj, buf + (z * kxl + kx) * n + ky0, sizeof(fftw_complex) * (size_t)kylj);
  }
  MPI_Alltoallv(sb, pc->c2s, pc->d2s, MPI_DOUBLE, rb, pc->c2r, pc->d2r, MPI_DOUBLE, pc->col);
  for (int j = 0; j < pc->p2; j++) {
    ptrdiff_t z0, zlj;
    block(n, pc->p2, j, &z0, &zlj);
    const fftw_complex *in = rb + pc->d2r[j] / 2;
    for (ptrdiff_t z = 0; z < zlj; z++)
      for (ptrdiff_t kx = 0; kx < kxl; kx++)
        for (ptrdiff_t ky = 0; ky < kyl; ky++) buf[(ky * kxl + kx) * n + z0 + z] = in[(z * kxl + kx) * kyl + ky];
  }
}

static void col_bwd(cfd_pencil *pc, long n, fftw_complex *buf) {
  ptrdiff_t zl = pc->zl, kxl = pc->kxl, kyl = pc->kyl;
  fftw_complex *sb = pc->sbuf, *rb = pc->rbuf;
  for (int j = 0; j < pc->p2; j++) { /* to j: [z of j][kx][my ky] */
    ptrdiff_t z0, zlj;
    block(n, pc->p2, j, &z0, &zlj);
    fftw_complex *o = sb + pc->d2r[j] / 2;
    for (ptrdiff_t z = 0; z < zlj; z++)
      for (ptrdiff_t kx = 0; kx < kxl; kx++)
        for (ptrdiff_t ky = 0; ky < kyl; ky++) o[(z * kxl + kx) * kyl + ky] = buf[(ky * kxl + kx) * n + z0 + z];
  }
  MPI_Alltoallv(sb, pc->c2r, pc->d2r, MPI_DOUBLE, rb, pc->c2s, pc->d2s, MPI_DOUBLE, pc->col);
  for (int j = 0; j < pc->p2; j++) { /* from j: [my z][kx][ky of j] */
    ptrdiff_t ky0, kylj;
    block(n, pc->p2, j, &ky0, &kylj);
    const fftw_complex *in = rb + pc->d2s[j] / 2;
    for (ptrdiff_t z = 0; z < zl; z++)
      for (ptrdiff_t kx = 0; kx < kxl; kx++)
        memcpy(buf + (z * kxl + kx) * n + ky0, in + (z * kxl + kx) * kylj, sizeof(fftw_complex) * (size_t)kylj);
  }
}

void cfd_pencil_r2c(cfd_pencil *pc, long n, fftw_complex *buf) {
  if (pc->xf) fftw_execute_dft_r2c(pc->xf, (double *)buf, buf);
  row_fwd(pc, n, buf);
  if (pc->yf) fftw_execute_dft(pc->yf, buf, buf);
  col_fwd(pc, n, buf);
  if (pc->zf) fftw_execute_dft(pc->zf, buf, buf);
}

void cfd_pencil_c2r(cfd_pencil *pc, long n, fftw_complex *buf) {
  if (pc->zb) fftw_execute_dft(pc->zb, buf, buf);
  col_bwd(pc, n, buf);
  if (pc->yb) fftw_execute_dft(pc->yb, buf, buf);
  row_bwd(pc, n, buf);
  if (pc->xb) fftw_execute_dft_c2r(pc->xb, buf, (double *)buf);
}
