/* decomp.c — Cartesian block decomposition: process dims, owned/ghosted boxes, neighbours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decomp_impl.h"
#include "whpc_error.h"


/* A bad grid is detected identically on every rank (same desc, same rank count), so the error
 * is marked collective and main() prints it once. */
#define DECOMP_INPUT(cond, ...)                                      \
  do {                                                               \
    if (!(cond)) {                                                   \
      int rc_ = WHPC_RAISE(WHPC_ERR_INPUT, __VA_ARGS__);             \
      whpc_err_set_collective(1);                                    \
      return rc_;                                                    \
    }                                                                \
  } while (0)

void whpc_block_range(long n, int parts, int p, long *start, long *count) {
  long base = n / parts, rem = n % parts;
  *start = p * base + (p < rem ? p : rem);
  *count = base + (p < rem ? 1 : 0);
}

/* Block index owning item i of n items in `parts` blocks (inverse of whpc_block_range). */
static int block_owner(long n, int parts, long i) {
  long base = n / parts, rem = n % parts, big = rem * (base + 1);
  if (i < big) return (int)(i / (base + 1));
  return (int)(rem + (i - big) / base);
}

/* Can dimension d of n cells go on p ranks with blocks of at least `ghost` cells wherever a
 * neighbour exists (p > 1, or a periodic self-image)? */
static int dim_fits(long n, int p, int periodic, int ghost, int check_ghost) {
  if (p > n) return 0;
  if (check_ghost && (p > 1 || periodic) && n / p < ghost) return 0;
  return 1;
}

/* Halo surface of a process grid: total area of the cut planes (periodic dims cut p times). */
static double cut_area(const long n[3], const int p[3], const int periodic[3]) {
  double a = 0.0;
  for (int d = 0; d < 3; d++) {
    if (p[d] == 1) continue;
    double face = 1.0;
    for (int e = 0; e < 3; e++)
      if (e != d) face *= (double)n[e];
    a += face * (double)(periodic[d] ? p[d] : p[d] - 1);
  }
  return a;
}

/* Best process grid for `size` ranks: fixed dims honoured, unused dims 1, smallest cut area;
 * ties go to splitting the slower dimensions (their faces are contiguous in memory).
 * Returns 0 when found. */
static int choose_dims(const long n[3], const int fixed[3], const int periodic[3], int ghost,
                       int check_ghost, int size, int best[3]) {
  double best_cost = -1.0;
  for (int p0 = 1; p0 <= size; p0++) {
    if (size % p0) continue;
    for (int p1 = 1; p1 <= size / p0; p1++) {
      if ((size / p0) % p1) continue;
      int p[3] = {p0, p1, size / p0 / p1}, ok = 1;
      for (int d = 0; d < 3 && ok; d++)
        ok = (fixed[d] == 0 || fixed[d] == p[d]) && dim_fits(n[d], p[d], periodic[d], ghost, check_ghost);
      if (!ok) continue;
      double cost = cut_area(n, p, periodic);
      int better = best_cost < 0.0 || cost < best_cost ||
                   (cost == best_cost && (p[2] > best[2] || (p[2] == best[2] && p[1] > best[1])));
      if (better) {
        best_cost = cost;
        memcpy(best, p, sizeof(p));
      }
    }
  }
  return best_cost < 0.0 ? -1 : 0;
}

/* "101 x 37" style extents for messages. */
static void fmt_cells(char *buf, size_t len, int ndims, const long n[3]) {
  int k = snprintf(buf, len, "%ld", n[0]);
  for (int d = 1; d < ndims && k > 0 && (size_t)k < len; d++) k += snprintf(buf + k, len - (size_t)k, " x %ld", n[d]);
}

/* Checks a desc and fills g's ndims, n, periodic, ghost and dims (process grid). */
static int setup_dims(struct whpc_decomp_s *g, const whpc_decomp_desc *desc) {
  const char *nm = g->name;
  int nd = desc->ndims;
  WHPC_CHECK(nd >= 1 && nd <= 3, WHPC_ERR_ARG, "%s: ndims = %d, expected 1, 2 or 3", nm, nd);
  g->ndims = nd;
  DECOMP_INPUT(desc->ghost >= 0 && desc->ghost <= 4, "%s: ghost width %d, expected 0..4", nm, desc->ghost);
  g->ghost = desc->ghost;
  int fixed[3] = {1, 1, 1};
  for (int d = 0; d < 3; d++) {
    g->n[d] = 1;
    g->periodic[d] = 0;
    if (d >= nd) continue;
    DECOMP_INPUT(desc->n[d] >= 1, "%s: %ld cells in %s, expected at least 1", nm, desc->n[d], g->axis[d]);
    DECOMP_INPUT(desc->dims[d] >= 0, "%s: %d ranks in %s, expected >= 1 (or 0 = automatic)", nm,
                 desc->dims[d], g->axis[d]);
    g->n[d] = desc->n[d];
    g->periodic[d] = desc->periodic[d] != 0;
    fixed[d] = desc->dims[d];
  }
  char cells[96];
  fmt_cells(cells, sizeof(cells), nd, g->n);

  /* User-given dims: product must match, each must fit. */
  long fixed_prod = 1;
  int nfree = 0;
  for (int d = 0; d < nd; d++) {
    if (fixed[d] > 0) fixed_prod *= fixed[d];
    else nfree++;
  }
  if (nfree == 0)
    DECOMP_INPUT(fixed_prod == g->size, "%s: process dims give %ld ranks, but the job has %d ranks", nm,
                 fixed_prod, g->size);
  else
    DECOMP_INPUT(g->size % fixed_prod == 0, "%s: the given process dims (product %ld) do not divide the %d ranks",
                 nm, fixed_prod, g->size);
  for (int d = 0; d < nd; d++) {
    if (fixed[d] == 0) continue;
    DECOMP_INPUT(fixed[d] <= g->n[d], "%s: %ld cells in %s cannot be split over %d ranks", nm, g->n[d], g->axis[d],
                 fixed[d]);
    DECOMP_INPUT(dim_fits(g->n[d], fixed[d], g->periodic[d], g->ghost, 1),
                 "%s: %ld cells in %s over %d ranks give blocks of %ld cells, fewer than the ghost width %d", nm,
                 g->n[d], g->axis[d], fixed[d], g->n[d] / fixed[d], g->ghost);
  }

  if (choose_dims(g->n, fixed, g->periodic, g->ghost, 1, g->size, g->dims) == 0) return WHPC_OK;

  /* No grid fits: say whether the ranks do not fit at all, or only blocks are too thin. */
  int p[3];
  if (choose_dims(g->n, fixed, g->periodic, g->ghost, 0, g->size, p) != 0) {
    if (nfree == 1) {
      int d = 0;
      while (fixed[d] != 0) d++;
      DECOMP_INPUT(0, "%s: %ld cells in %s cannot be split over %ld ranks", nm, g->n[d], g->axis[d],
                   g->size / fixed_prod);
    }
    DECOMP_INPUT(0, "%s: %s cells cannot be split over %d ranks (no process grid has at most one rank per cell)",
                 nm, cells, g->size);
  }
  for (int d = 0; d < nd; d++)
    DECOMP_INPUT(dim_fits(g->n[d], p[d], g->periodic[d], g->ghost, 1),
                 "%s: %ld cells in %s over %d ranks give blocks of %ld cells, fewer than the ghost width %d "
                 "(no process grid for %d ranks avoids that)",
                 nm, g->n[d], g->axis[d], p[d], g->n[d] / p[d], g->ghost, g->size);
  return WHPC_RAISE(WHPC_ERR_ARG, "%s: internal error choosing process dims", nm);
}

/* Neighbour rank at offset o, MPI_PROC_NULL past a non-periodic edge or along an unused dim. */
static int find_neighbor(const struct whpc_decomp_s *g, const int o[3], int *rank) {
  int c[3] = {0, 0, 0};
  *rank = MPI_PROC_NULL;
  for (int d = 0; d < 3; d++) {
    if (d >= g->ndims) {
      if (o[d] != 0) return WHPC_OK;
      continue;
    }
    c[d] = g->coords[d] + o[d];
    if (c[d] < 0 || c[d] >= g->dims[d]) {
      if (!g->periodic[d]) return WHPC_OK;
      c[d] = (c[d] + g->dims[d]) % g->dims[d];
    }
  }
  WHPC_MPI(MPI_Cart_rank(g->cart, c, rank));
  return WHPC_OK;
}

int whpc_decomp_create(whpc_ctx_t ctx, const whpc_decomp_desc *desc, whpc_decomp_t *out) {
  return whpc_decomp_create_named(ctx, desc, NULL, out);
}

int whpc_decomp_create_named(whpc_ctx_t ctx, const whpc_decomp_desc *desc, const char *const axis_names[3],
                             whpc_decomp_t *out) {
  static const char *const xyz[3] = {"x", "y", "z"};
  WHPC_CHECK(ctx && desc && out, WHPC_ERR_ARG, "whpc_decomp_create: NULL argument");
  *out = NULL;
  struct whpc_decomp_s *g;
  WHPC_MALLOC(g, 1);
  g->ctx = ctx;
  g->cart = MPI_COMM_NULL;
  snprintf(g->name, sizeof(g->name), "%s", desc->name ? desc->name : "grid");
  for (int d = 0; d < 3; d++)
    snprintf(g->axis[d], sizeof g->axis[d], "%s", axis_names && axis_names[d] && *axis_names[d] ? axis_names[d] : xyz[d]);
  MPI_Comm comm = whpc_comm(ctx);
  int rc = MPI_Comm_size(comm, &g->size);
  if (rc == MPI_SUCCESS) rc = MPI_Comm_rank(comm, &g->rank);
  if (rc != MPI_SUCCESS) {
    free(g);
    return whpc_err_mpi(rc, __FILE__, __LINE__, __func__);
  }
  rc = setup_dims(g, desc);
  if (rc) {
    free(g);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  /* reorder = 0: ranks stay those of ctx's communicator, so rank 0 is still the I/O rank. */
  rc = MPI_Cart_create(comm, g->ndims, g->dims, g->periodic, 0, &g->cart);
  if (rc == MPI_SUCCESS) rc = MPI_Cart_coords(g->cart, g->rank, g->ndims, g->coords);
  if (rc != MPI_SUCCESS) {
    whpc_decomp_destroy(&g);
    return whpc_err_mpi(rc, __FILE__, __LINE__, __func__);
  }
  for (int d = 0; d < 3; d++) {
    long start, count;
    whpc_block_range(g->n[d], g->dims[d], g->coords[d], &start, &count);
    g->lo[d] = start;
    g->hi[d] = start + count;
  }
  for (int k = -1; k <= 1; k++)
    for (int j = -1; j <= 1; j++)
      for (int i = -1; i <= 1; i++) {
        int o[3] = {i, j, k};
        rc = find_neighbor(g, o, &g->nbr[whpc_dir_index(o)]);
        if (rc) {
          whpc_decomp_destroy(&g);
          return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
        }
      }
  *out = g;
  return WHPC_OK;
}

int whpc_decomp_destroy(whpc_decomp_t *gp) {
  if (!gp || !*gp) return WHPC_OK;
  struct whpc_decomp_s *g = *gp;
  *gp = NULL;
  int rc = MPI_SUCCESS;
  if (g->cart != MPI_COMM_NULL) rc = MPI_Comm_free(&g->cart);
  free(g);
  WHPC_MPI(rc);
  return WHPC_OK;
}

MPI_Comm whpc_decomp_comm(whpc_decomp_t g) { return g->cart; }
whpc_ctx_t whpc_decomp_ctx(whpc_decomp_t g) { return g->ctx; }
int whpc_decomp_ndims(whpc_decomp_t g) { return g->ndims; }
int whpc_decomp_ghost(whpc_decomp_t g) { return g->ghost; }

void whpc_decomp_global_size(whpc_decomp_t g, long n[3]) {
  for (int d = 0; d < 3; d++) n[d] = g->n[d];
}
void whpc_decomp_dims(whpc_decomp_t g, int dims[3]) {
  for (int d = 0; d < 3; d++) dims[d] = g->dims[d];
}
void whpc_decomp_coords(whpc_decomp_t g, int coords[3]) {
  for (int d = 0; d < 3; d++) coords[d] = g->coords[d];
}
void whpc_decomp_periodic(whpc_decomp_t g, int periodic[3]) {
  for (int d = 0; d < 3; d++) periodic[d] = g->periodic[d];
}

void whpc_decomp_owned(whpc_decomp_t g, whpc_box *owned) {
  for (int d = 0; d < 3; d++) {
    owned->lo[d] = g->lo[d];
    owned->hi[d] = g->hi[d];
  }
}

void whpc_decomp_ghosted(whpc_decomp_t g, whpc_box *ghosted) {
  for (int d = 0; d < 3; d++) {
    long w = d < g->ndims ? g->ghost : 0;
    ghosted->lo[d] = g->lo[d] - w;
    ghosted->hi[d] = g->hi[d] + w;
  }
}

void whpc_decomp_local_size(whpc_decomp_t g, long nl[3]) {
  for (int d = 0; d < 3; d++) nl[d] = g->hi[d] - g->lo[d];
}

void whpc_decomp_ghosted_size(whpc_decomp_t g, long ng[3]) {
  for (int d = 0; d < 3; d++) ng[d] = g->hi[d] - g->lo[d] + (d < g->ndims ? 2 * g->ghost : 0);
}

size_t whpc_decomp_ghosted_count(whpc_decomp_t g) {
  long ng[3];
  whpc_decomp_ghosted_size(g, ng);
  return (size_t)ng[0] * (size_t)ng[1] * (size_t)ng[2];
}

void whpc_decomp_layout(whpc_decomp_t g, whpc_layout *lay) {
  whpc_decomp_ghosted_size(g, lay->ng);
  for (int d = 0; d < 3; d++) lay->off[d] = d < g->ndims ? g->ghost : 0;
}

int whpc_decomp_global_to_local(whpc_decomp_t g, const long gidx[3], long lidx[3]) {
  for (int d = 0; d < 3; d++) {
    if (d >= g->ndims) {
      lidx[d] = 0;
      continue;
    }
    if (gidx[d] < g->lo[d] || gidx[d] >= g->hi[d]) return -1;
    lidx[d] = gidx[d] - g->lo[d];
  }
  return 0;
}

int whpc_decomp_neighbor(whpc_decomp_t g, const int off[3]) {
  for (int d = 0; d < 3; d++)
    if (off[d] < -1 || off[d] > 1) return MPI_PROC_NULL;
  return g->nbr[whpc_dir_index(off)];
}

int whpc_decomp_owner(whpc_decomp_t g, const long gidx[3]) {
  int c[3] = {0, 0, 0};
  for (int d = 0; d < g->ndims; d++) {
    long i = gidx[d];
    if (g->periodic[d]) i = ((i % g->n[d]) + g->n[d]) % g->n[d];
    if (i < 0 || i >= g->n[d]) return MPI_PROC_NULL;
    c[d] = block_owner(g->n[d], g->dims[d], i);
  }
  int r = MPI_PROC_NULL;
  if (MPI_Cart_rank(g->cart, c, &r) != MPI_SUCCESS) return MPI_PROC_NULL;
  return r;
}

void whpc_decomp_rank_box(whpc_decomp_t g, int rank, whpc_box *owned) {
  int c[3] = {0, 0, 0};
  if (MPI_Cart_coords(g->cart, rank, g->ndims, c) != MPI_SUCCESS) c[0] = c[1] = c[2] = 0;
  for (int d = 0; d < 3; d++) {
    long start, count;
    whpc_block_range(g->n[d], g->dims[d], c[d], &start, &count);
    owned->lo[d] = start;
    owned->hi[d] = start + count;
  }
}

int whpc_decomp_sub_comm(whpc_decomp_t g, const int keep[3], MPI_Comm *sub) {
  int remain[3] = {0, 0, 0};
  for (int d = 0; d < g->ndims; d++) remain[d] = keep[d] != 0;
  WHPC_MPI(MPI_Cart_sub(g->cart, remain, sub));
  return WHPC_OK;
}
