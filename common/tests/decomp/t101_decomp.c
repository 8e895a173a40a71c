/* t101_decomp — the decomposition covers every grid exactly once, for many sizes and rank
 * counts (non-divisible, 1-cell-thick), with consistent owner lookup, neighbours, layouts and
 * sub-communicators; chosen process dims are the surface-minimising ones. Same checks at any
 * rank count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whpc.h"

#define TEST_NAME "t101"
#include "../test_util.h"

static int in_box(const whpc_box *b, const long g[3]) {
  for (int d = 0; d < 3; d++)
    if (g[d] < b->lo[d] || g[d] >= b->hi[d]) return 0;
  return 1;
}

/* Does any process grid fit (given dims honoured, blocks >= ghost where a neighbour exists)?
 * Lets the same case list run at any rank count (3, 6, 8 ... skip what cannot fit). */
static int grid_fits(const whpc_decomp_desc *desc, int size) {
  for (int p0 = 1; p0 <= size; p0++)
    for (int p1 = 1; p0 * p1 <= size; p1++) {
      if (size % (p0 * p1)) continue;
      int p[3] = {p0, p1, size / (p0 * p1)}, ok = 1;
      for (int d = 0; d < 3; d++) {
        if (d >= desc->ndims) {
          ok = ok && p[d] == 1;
          continue;
        }
        ok = ok && (desc->dims[d] == 0 || desc->dims[d] == p[d]) && p[d] <= desc->n[d];
        if ((p[d] > 1 || desc->periodic[d]) && desc->n[d] / p[d] < desc->ghost) ok = 0;
      }
      if (ok) return 1;
    }
  return 0;
}

/* Every check of one decomposition. */
static int check_case(whpc_ctx_t ctx, const whpc_decomp_desc *desc) {
  int size = whpc_size(ctx), rank = whpc_rank(ctx);
  if (!grid_fits(desc, size)) return 0;
  whpc_decomp_t g;
  int rc = whpc_decomp_create(ctx, desc, &g);
  EXPECT(rc == WHPC_OK, "create %ldx%ldx%ld nd=%d on %d: %s", desc->n[0], desc->n[1], desc->n[2], desc->ndims,
         size, whpc_err_message());
  if (rc) {
    whpc_err_clear();
    return 1;
  }
  int nd = desc->ndims, dims[3], per[3];
  long n[3];
  whpc_decomp_dims(g, dims);
  whpc_decomp_periodic(g, per);
  whpc_decomp_global_size(g, n);
  EXPECT(whpc_decomp_ndims(g) == nd, "ndims");
  EXPECT(dims[0] * dims[1] * dims[2] == size, "dims product %d x %d x %d != %d", dims[0], dims[1], dims[2], size);
  for (int d = 0; d < 3; d++) {
    if (d >= nd) {
      EXPECT(dims[d] == 1 && n[d] == 1 && per[d] == 0, "unused dim %d: dims %d n %ld", d, dims[d], n[d]);
      continue;
    }
    EXPECT(n[d] == desc->n[d], "n");
    EXPECT(dims[d] <= n[d], "dims[%d] = %d > n = %ld", d, dims[d], n[d]);
    if (desc->dims[d] > 0) EXPECT(dims[d] == desc->dims[d], "user dims[%d] not honoured", d);
  }

  /* Every rank's owned box, from the ranks themselves. */
  whpc_box own, *all = malloc(sizeof(whpc_box) * (size_t)size);
  whpc_decomp_owned(g, &own);
  MPI_Allgather(&own, 6, MPI_LONG, all, 6, MPI_LONG, whpc_comm(ctx));
  for (int r = 0; r < size; r++) {
    whpc_box rb;
    whpc_decomp_rank_box(g, r, &rb);
    EXPECT(memcmp(&rb, &all[r], sizeof(rb)) == 0, "rank_box(%d) differs from that rank's owned box", r);
  }
  /* Balanced: extents of one dim differ by at most one cell. */
  long nl[3], ng[3];
  whpc_decomp_local_size(g, nl);
  whpc_decomp_ghosted_size(g, ng);
  for (int d = 0; d < 3; d++) {
    long mn = n[d], mx = 0;
    for (int r = 0; r < size; r++) {
      long e = all[r].hi[d] - all[r].lo[d];
      mn = e < mn ? e : mn;
      mx = e > mx ? e : mx;
    }
    EXPECT(mx - mn <= 1 && mn >= 1, "dim %d extents %ld..%ld", d, mn, mx);
    EXPECT(ng[d] == nl[d] + (d < nd ? 2 * desc->ghost : 0), "ghosted size dim %d", d);
  }
  whpc_layout lay;
  whpc_decomp_layout(g, &lay);
  EXPECT(whpc_decomp_ghosted_count(g) == (size_t)(ng[0] * ng[1] * ng[2]), "ghosted count");
  EXPECT(whpc_layout_index(&lay, 0, 0, 0) ==
             (size_t)((nd > 0 ? desc->ghost : 0) + ng[0] * ((nd > 1 ? desc->ghost : 0) + ng[1] * (nd > 2 ? desc->ghost : 0))),
         "layout offset");
  whpc_box gh;
  whpc_decomp_ghosted(g, &gh);
  for (int d = 0; d < 3; d++) EXPECT(gh.hi[d] - gh.lo[d] == ng[d], "ghosted box dim %d", d);

  /* Exactly once: every cell in exactly one box, and owner() names that box's rank. */
  long c[3];
  for (c[2] = 0; c[2] < n[2]; c[2]++)
    for (c[1] = 0; c[1] < n[1]; c[1]++)
      for (c[0] = 0; c[0] < n[0]; c[0]++) {
        int owners = 0, who = -1;
        for (int r = 0; r < size; r++)
          if (in_box(&all[r], c)) owners++, who = r;
        EXPECT(owners == 1, "cell (%ld,%ld,%ld) owned %d times", c[0], c[1], c[2], owners);
        EXPECT(whpc_decomp_owner(g, c) == who, "owner(%ld,%ld,%ld) = %d, box says %d", c[0], c[1], c[2],
               whpc_decomp_owner(g, c), who);
        long l[3];
        int mine = whpc_decomp_global_to_local(g, c, l) == 0;
        EXPECT(mine == (who == rank), "global_to_local ownership of (%ld,%ld,%ld)", c[0], c[1], c[2]);
        if (mine)
          for (int d = 0; d < 3; d++) EXPECT(l[d] == c[d] - own.lo[d], "global_to_local index");
      }

  /* Neighbours: the owner of the cell just outside the owned box at offset o (wrapped). */
  for (int k = -1; k <= 1; k++)
    for (int j = -1; j <= 1; j++)
      for (int i = -1; i <= 1; i++) {
        int o[3] = {i, j, k}, wall = 0, unused = 0;
        long p[3];
        for (int d = 0; d < 3; d++) {
          p[d] = o[d] < 0 ? own.lo[d] - 1 : o[d] > 0 ? own.hi[d] : own.lo[d];
          if (d >= nd && o[d] != 0) unused = 1;
          if (d < nd && (p[d] < 0 || p[d] >= n[d]) && !per[d]) wall = 1;
        }
        int expect = (wall || unused) ? MPI_PROC_NULL : (o[0] || o[1] || o[2]) ? whpc_decomp_owner(g, p) : rank;
        EXPECT(whpc_decomp_neighbor(g, o) == expect, "neighbor(%d,%d,%d) = %d, expected %d", i, j, k,
               whpc_decomp_neighbor(g, o), expect);
      }

  /* Row communicator along x: dims[0] ranks sharing y,z coordinates. */
  MPI_Comm row;
  int keep[3] = {1, 0, 0}, rsize = 0;
  EXPECT(whpc_decomp_sub_comm(g, keep, &row) == WHPC_OK, "sub comm");
  MPI_Comm_size(row, &rsize);
  EXPECT(rsize == dims[0], "row comm size %d, dims[0] %d", rsize, dims[0]);
  MPI_Comm_free(&row);
  int crank;
  MPI_Comm_rank(whpc_decomp_comm(g), &crank);
  EXPECT(crank == rank, "Cartesian comm reordered ranks");
  free(all);
  EXPECT(whpc_decomp_destroy(&g) == WHPC_OK && g == NULL, "destroy");
  EXPECT(whpc_decomp_destroy(&g) == WHPC_OK, "second destroy");
  return 1;
}

static void expect_dims(whpc_ctx_t ctx, int nd, long nx, long ny, long nz, int ghost, int d0, int d1, int d2) {
  whpc_decomp_desc desc = {nd, {nx, ny, nz}, {0, 0, 0}, {0, 0, 0}, ghost, "grid"};
  whpc_decomp_t g;
  if (whpc_decomp_create(ctx, &desc, &g) != WHPC_OK) {
    EXPECT(0, "create for dims check: %s", whpc_err_message());
    whpc_err_clear();
    return;
  }
  int dims[3];
  whpc_decomp_dims(g, dims);
  EXPECT(dims[0] == d0 && dims[1] == d1 && dims[2] == d2, "%ldx%ldx%ld on %d ranks: dims %d x %d x %d, expected %d x %d x %d",
         nx, ny, nz, whpc_size(ctx), dims[0], dims[1], dims[2], d0, d1, d2);
  (void)whpc_decomp_destroy(&g);
}

static void expect_error_named(whpc_ctx_t ctx, const whpc_decomp_desc *desc, const char *const axes[3],
                               const char *text) {
  whpc_decomp_t g = NULL;
  int rc = whpc_decomp_create_named(ctx, desc, axes, &g);
  EXPECT(rc == WHPC_ERR_INPUT, "expected bad input (%s), got rc %d", text, rc);
  EXPECT(g == NULL, "handle set on error");
  EXPECT(strstr(whpc_err_message(), text) != NULL, "message '%s' lacks '%s'", whpc_err_message(), text);
  EXPECT(whpc_err_is_collective(), "error not marked collective: %s", whpc_err_message());
  whpc_err_clear();
  if (g) (void)whpc_decomp_destroy(&g);
}

static void expect_error(whpc_ctx_t ctx, const whpc_decomp_desc *desc, const char *text) {
  expect_error_named(ctx, desc, NULL, text);
}

int main(int argc, char **argv) {
  whpc_app_info info = {"t101_decomp", "decomposition test", NULL, 0};
  whpc_ctx_t ctx;
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  int size = whpc_size(ctx);

  /* Sizes: divisible, non-divisible, 1-cell-thick, periodic or not, auto and fixed dims. */
  static const long sizes1[] = {4, 5, 17, 101};
  static const long sizes2[][2] = {{101, 37}, {4, 4}, {1, 17}, {17, 1}, {5, 7}, {64, 64}, {9, 2}};
  static const long sizes3[][3] = {{9, 7, 6}, {1, 1, 8}, {8, 1, 1}, {4, 4, 4}, {1, 13, 5}, {10, 3, 7}};
  int ncases = 0;
  for (int per = 0; per < 2; per++)
    for (int ghost = 0; ghost <= 1; ghost++) {
      for (size_t s = 0; s < sizeof(sizes1) / sizeof(sizes1[0]); s++) {
        whpc_decomp_desc d = {1, {sizes1[s], 1, 1}, {0, 0, 0}, {per, 0, 0}, ghost, "line"};
        ncases += check_case(ctx, &d);
      }
      for (size_t s = 0; s < sizeof(sizes2) / sizeof(sizes2[0]); s++) {
        whpc_decomp_desc d = {2, {sizes2[s][0], sizes2[s][1], 1}, {0, 0, 0}, {per, !per, 0}, ghost, "plane"};
        ncases += check_case(ctx, &d);
      }
      for (size_t s = 0; s < sizeof(sizes3) / sizeof(sizes3[0]); s++) {
        whpc_decomp_desc d = {3, {sizes3[s][0], sizes3[s][1], sizes3[s][2]}, {0, 0, 0}, {per, per, !per}, ghost, "box"};
        ncases += check_case(ctx, &d);
      }
    }
  /* User-given dims. */
  {
    whpc_decomp_desc d = {2, {101, 37, 1}, {size, 1, 0}, {0, 0, 0}, 1, "grid"};
    ncases += check_case(ctx, &d);
    whpc_decomp_desc e = {3, {9, 7, 6}, {1, 0, 0}, {1, 1, 1}, 2, "grid"};
    ncases += check_case(ctx, &e);
    whpc_decomp_desc f = {2, {101, 37, 1}, {0, size, 0}, {1, 0, 0}, 1, "grid"};
    ncases += check_case(ctx, &f);
  }

  /* Surface-minimising dims (ties split the slower dimension). */
  if (size == 1) expect_dims(ctx, 2, 101, 37, 1, 1, 1, 1, 1);
  if (size == 2) {
    expect_dims(ctx, 2, 101, 37, 1, 1, 2, 1, 1); /* cut 37 cells, not 101 */
    expect_dims(ctx, 2, 64, 64, 1, 1, 1, 2, 1);  /* tie: split y */
    expect_dims(ctx, 3, 16, 16, 16, 1, 1, 1, 2);
  }
  if (size == 4) {
    expect_dims(ctx, 2, 101, 37, 1, 1, 4, 1, 1); /* 3 x 37 = 111 cut cells < 37 + 101 */
    expect_dims(ctx, 2, 64, 64, 1, 1, 2, 2, 1);
    expect_dims(ctx, 3, 16, 16, 16, 1, 1, 2, 2);
    expect_dims(ctx, 3, 1000, 10, 10, 1, 4, 1, 1);
  }

  /* Errors, identical on every rank. */
  {
    whpc_decomp_desc d = {1, {(long)size - 1, 1, 1}, {0, 0, 0}, {0, 0, 0}, 0, "grid"};
    char msg[128];
    snprintf(msg, sizeof(msg), "grid: %d cells in x cannot be split over %d ranks", size - 1, size);
    if (size > 1) expect_error(ctx, &d, msg);
    whpc_decomp_desc e = {2, {8, 8, 1}, {size + 1, 1, 0}, {0, 0, 0}, 1, "cfd.nx/ny"};
    snprintf(msg, sizeof(msg), "cfd.nx/ny: process dims give %d ranks, but the job has %d ranks", size + 1, size);
    expect_error(ctx, &e, msg);
    whpc_decomp_desc f = {2, {3, 8, 1}, {0, 0, 0}, {1, 0, 0}, 4, "grid"};
    expect_error(ctx, &f, "fewer than the ghost width 4");
    whpc_decomp_desc h = {2, {3, 1, 1}, {0, 0, 0}, {0, 0, 0}, 0, "grid"};
    if (size == 4) expect_error(ctx, &h, "grid: 3 x 1 cells cannot be split over 4 ranks");
    whpc_decomp_desc k = {2, {0, 5, 1}, {0, 0, 0}, {0, 0, 0}, 0, "grid"};
    expect_error(ctx, &k, "grid: 0 cells in x, expected at least 1");
    whpc_decomp_desc m = {2, {5, 5, 1}, {0, 0, 0}, {0, 0, 0}, 5, "grid"};
    expect_error(ctx, &m, "ghost width 5, expected 0..4");
    /* the caller's axis names: a lon-lat grid, an x-z slice; a NULL entry stays x/y/z */
    static const char *const lonlat[3] = {"lon", "lat", NULL}, *const xz[3] = {"x", "z", NULL};
    whpc_decomp_desc ll = {2, {8, 0, 1}, {0, 0, 0}, {1, 0, 0}, 1, "swe"};
    expect_error_named(ctx, &ll, lonlat, "swe: 0 cells in lat, expected at least 1");
    whpc_decomp_desc sl = {2, {16, (long)size - 1, 1}, {1, size, 0}, {0, 0, 0}, 0, "euler"};
    snprintf(msg, sizeof(msg), "euler: %d cells in z cannot be split over %d ranks", size - 1, size);
    if (size > 1) expect_error_named(ctx, &sl, xz, msg);
    static const char *const partial[3] = {NULL, "", "depth"};
    whpc_decomp_desc pz = {3, {4, 4, 0}, {0, 0, 0}, {0, 0, 0}, 0, "grid"};
    expect_error_named(ctx, &pz, partial, "grid: 0 cells in depth, expected at least 1");
    whpc_decomp_desc py = {3, {4, 0, 4}, {0, 0, 0}, {0, 0, 0}, 0, "grid"};
    expect_error_named(ctx, &py, partial, "grid: 0 cells in y, expected at least 1");
  }

  int total = test_failures_total(whpc_comm(ctx));
  if (whpc_rank(ctx) == 0) printf("t101_decomp: %d cases on %d ranks, %d failures\n", ncases, size, total);
  whpc_finalize(&ctx);
  return total ? 1 : 0;
}
