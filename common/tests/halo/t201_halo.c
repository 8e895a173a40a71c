/* t201_halo — ghost exchange for 1D/2D/3D, widths 1..4, periodic or not per dimension, element
 * types double/float/int/24-byte struct, 1..3 fields, faces only or with edges and corners.
 * Every owned cell holds bytes computed from (global index, field, type), so a misplaced byte
 * fails; every ghost is checked: the periodic image or neighbour value where the exchange
 * reaches it, the untouched sentinel otherwise (walls, beyond the width, corners when faces
 * only). The second exchange of each case runs split phase with the owned cells overwritten
 * between begin and end. The expectations do not depend on the rank count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whpc.h"

typedef struct {
  double a;
  int32_t b;
  unsigned char c[12];
} rec24;
_Static_assert(sizeof(rec24) == 24, "rec24 must be 24 bytes");

enum { T_DOUBLE, T_FLOAT, T_INT, T_REC24, NTYPES };
static const size_t TSIZE[NTYPES] = {sizeof(double), sizeof(float), sizeof(int), sizeof(rec24)};
static const char *TNAME[NTYPES] = {"double", "float", "int", "rec24"};

static int failures = 0;

/* The bytes of cell `gid` of field f in exchange round `round`. */
static void value(int type, long gid, int f, int round, void *out) {
  long v = gid * 8 + f * 3 + round * 100003 + 1;
  switch (type) {
  case T_DOUBLE: {
    double d = (double)v + 0.125;
    memcpy(out, &d, sizeof d);
    break;
  }
  case T_FLOAT: {
    float x = (float)(v % 1000000) + 0.5f;
    memcpy(out, &x, sizeof x);
    break;
  }
  case T_INT: {
    int x = (int)-v;
    memcpy(out, &x, sizeof x);
    break;
  }
  default: {
    rec24 r;
    r.a = (double)v * 0.5;
    r.b = (int32_t)(v ^ 0x5a5a);
    for (int i = 0; i < 12; i++) r.c[i] = (unsigned char)(v * 31 + i * 7);
    memcpy(out, &r, sizeof r);
  }
  }
}

/* One exchange set-up: fill, exchange (split phase, twice with new values), check every cell. */
static void run_case(whpc_ctx_t ctx, int nd, const long n[3], const int per[3], int ghost, int width, int type,
                     int nfields, int flags) {
  whpc_decomp_desc desc = {nd, {n[0], n[1], n[2]}, {0, 0, 0}, {per[0], per[1], per[2]}, ghost, "halo-test"};
  whpc_decomp_t g;
  if (whpc_decomp_create(ctx, &desc, &g) != WHPC_OK) {
    fprintf(stderr, "t201 FAIL decomp: %s\n", whpc_err_message());
    failures++;
    whpc_err_clear();
    return;
  }
  whpc_halo_t h;
  const size_t es = TSIZE[type];
  if (whpc_halo_create(g, es, nfields, width, flags, &h) != WHPC_OK) {
    fprintf(stderr, "t201 FAIL halo_create: %s\n", whpc_err_message());
    failures++;
    whpc_err_clear();
    (void)whpc_decomp_destroy(&g);
    return;
  }
  whpc_layout lay;
  whpc_box own;
  long nl[3];
  whpc_decomp_layout(g, &lay);
  whpc_decomp_owned(g, &own);
  whpc_decomp_local_size(g, nl);
  const size_t count = whpc_decomp_ghosted_count(g);
  unsigned char *fields[3], *expect = malloc(es), sentinel[24];
  memset(sentinel, 0xA5, sizeof sentinel);
  for (int f = 0; f < nfields; f++) fields[f] = malloc(count * es);
  const int w = width ? width : ghost;
  long lo[3], hi[3];
  for (int d = 0; d < 3; d++) {
    lo[d] = d < nd ? -ghost : 0;
    hi[d] = d < nd ? nl[d] + ghost : 1;
  }
  int bad = 0;
  for (int round = 0; round < 2 && !bad; round++) {
    /* Owned cells from their global index; ghosts get the sentinel. */
    for (int f = 0; f < nfields; f++)
      for (long k = lo[2]; k < hi[2]; k++)
        for (long j = lo[1]; j < hi[1]; j++)
          for (long i = lo[0]; i < hi[0]; i++) {
            unsigned char *p = fields[f] + whpc_layout_index(&lay, i, j, k) * es;
            int owned = i >= 0 && i < nl[0] && j >= 0 && j < nl[1] && k >= 0 && k < nl[2];
            long gid = (own.lo[0] + i) + n[0] * ((own.lo[1] + j) + n[1] * (own.lo[2] + k));
            if (owned) value(type, gid, f, round, p);
            else memcpy(p, sentinel, es);
          }
    void *fp[3] = {fields[0], nfields > 1 ? fields[1] : NULL, nfields > 2 ? fields[2] : NULL};
    /* Split phase: begin has copied what it sends, so owned cells may change before end (round 1
     * scribbles over them and restores them after end; the ghosts must hold the begin values). */
    int rc = whpc_halo_begin(h, fp);
    if (rc == WHPC_OK && round == 1)
      for (int f = 0; f < nfields; f++)
        for (long k = 0; k < nl[2]; k++)
          for (long j = 0; j < nl[1]; j++)
            for (long i = 0; i < nl[0]; i++) memset(fields[f] + whpc_layout_index(&lay, i, j, k) * es, 0x3C, es);
    if (rc == WHPC_OK) rc = whpc_halo_end(h);
    if (rc == WHPC_OK && round == 1)
      for (int f = 0; f < nfields; f++)
        for (long k = 0; k < nl[2]; k++)
          for (long j = 0; j < nl[1]; j++)
            for (long i = 0; i < nl[0]; i++) {
              long gid = (own.lo[0] + i) + n[0] * ((own.lo[1] + j) + n[1] * (own.lo[2] + k));
              value(type, gid, f, round, fields[f] + whpc_layout_index(&lay, i, j, k) * es);
            }
    if (rc != WHPC_OK) {
      fprintf(stderr, "t201 FAIL exchange: %s\n", whpc_err_message());
      failures++;
      whpc_err_clear();
      break;
    }
    for (int f = 0; f < nfields && !bad; f++)
      for (long k = lo[2]; k < hi[2]; k++)
        for (long j = lo[1]; j < hi[1]; j++)
          for (long i = lo[0]; i < hi[0]; i++) {
            long l[3] = {i, j, k}, gl[3];
            int outside = 0, reach = 1;
            for (int d = 0; d < 3; d++) {
              gl[d] = own.lo[d] + l[d];
              long dist = l[d] < 0 ? -l[d] : l[d] >= nl[d] ? l[d] - nl[d] + 1 : 0;
              if (dist == 0) continue;
              outside++;
              if (dist > w) reach = 0;
              if (gl[d] < 0 || gl[d] >= n[d]) {
                if (per[d]) gl[d] = (gl[d] + n[d]) % n[d];
                else reach = 0; /* past a wall: the app's boundary condition */
              }
            }
            if (outside > 1 && !(flags & WHPC_HALO_CORNERS)) reach = 0;
            if (outside == 0 || reach) value(type, gl[0] + n[0] * (gl[1] + n[1] * gl[2]), f, round, expect);
            else memcpy(expect, sentinel, es);
            const unsigned char *got = fields[f] + whpc_layout_index(&lay, i, j, k) * es;
            if (memcmp(got, expect, es) != 0) {
              fprintf(stderr,
                      "t201 FAIL rank %d: %dD n=%ldx%ldx%ld per=%d%d%d ghost=%d width=%d %s x%d %s round %d: "
                      "cell (%ld,%ld,%ld) local, global (%ld,%ld,%ld)%s wrong\n",
                      whpc_rank(ctx), nd, n[0], n[1], n[2], per[0], per[1], per[2], ghost, w, TNAME[type], nfields,
                      flags ? "corners" : "faces", round, i, j, k, gl[0], gl[1], gl[2],
                      outside == 0 || reach ? "" : " (should be untouched)");
              failures++;
              bad = 1;
              break;
            }
          }
  }
  for (int f = 0; f < nfields; f++) free(fields[f]);
  free(expect);
  if (whpc_halo_destroy(&h) != WHPC_OK || whpc_decomp_destroy(&g) != WHPC_OK) failures++;
}

int main(int argc, char **argv) {
  whpc_app_info info = {"t201_halo", "halo exchange test", NULL, 0};
  whpc_ctx_t ctx;
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  /* Grids large enough for blocks of >= 4 cells on 4 ranks wherever a neighbour exists. */
  long N[4][3] = {{0, 0, 0}, {37, 1, 1}, {19, 17, 1}, {11, 9, 8}};
  /* Other rank counts than 1, 2, 4 (e.g. 3, 6, 8) need a longer x for width-4 blocks. */
  int size = whpc_size(ctx);
  if (size == 3 || size > 4) N[3][0] = 4L * size + 3, N[1][0] = 37L + 8L * size;
  int ncases = 0;
  for (int nd = 1; nd <= 3; nd++)
    for (int pmask = 0; pmask < (1 << nd); pmask++)
      for (int width = 1; width <= 4; width++)
        for (int flags = 0; flags <= 1; flags++) {
          if (nd == 1 && flags) continue; /* no corners in 1D */
          if (nd == 3 && width > 2 && pmask != 0 && pmask != 7) continue; /* keep the 3D set small */
          int per[3] = {pmask & 1, (pmask >> 1) & 1, (pmask >> 2) & 1};
          /* Types and field counts rotate through the cases; each type meets every dim. */
          int type = (ncases + nd) % NTYPES;
          int nfields = 1 + ncases % 3;
          /* Ghost width of the arrays: equal to the exchange width, or wider (width < ghost). */
          int ghost = (ncases % 4 == 0 && width < 4) ? width + 1 : width;
          run_case(ctx, nd, N[nd], per, ghost, width, type, nfields, flags);
          ncases++;
        }
  /* Every type on a 3D periodic grid with corners and 3 fields (the hardest packing). */
  for (int type = 0; type < NTYPES; type++) {
    int per[3] = {1, 1, 1};
    run_case(ctx, 3, N[3], per, 2, 2, type, 3, WHPC_HALO_CORNERS);
    ncases++;
  }
  /* 1-cell-thick dimension in 2D and a width given as 0 (= ghost). */
  {
    long n1[3] = {1, 23, 1};
    int per[3] = {1, 1, 0};
    run_case(ctx, 2, n1, per, 1, 0, T_DOUBLE, 2, WHPC_HALO_CORNERS);
    ncases++;
  }
  /* Width larger than the ghost is an argument error. */
  {
    whpc_decomp_desc desc = {2, {19, 17, 1}, {0, 0, 0}, {0, 0, 0}, 1, "grid"};
    whpc_decomp_t g;
    whpc_halo_t h = NULL;
    if (whpc_decomp_create(ctx, &desc, &g) == WHPC_OK) {
      if (whpc_halo_create(g, 8, 1, 2, 0, &h) != WHPC_ERR_ARG || h) {
        fprintf(stderr, "t201 FAIL: width 2 > ghost 1 accepted\n");
        failures++;
      }
      whpc_err_clear();
      (void)whpc_decomp_destroy(&g);
    } else
      failures++;
  }
  int total = 0;
  MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, whpc_comm(ctx));
  if (whpc_rank(ctx) == 0) printf("t201_halo: %d cases on %d ranks, %d failures\n", ncases, whpc_size(ctx), total);
  whpc_finalize(&ctx);
  return total ? 1 : 0;
}
