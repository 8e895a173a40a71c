/* whpc_decomp.h — Cartesian block decomposition of a 1D/2D/3D global grid.
 *
 * Any global size works (101 x 37 on 4 ranks): each dimension of n cells over p ranks gives
 * the first n % p ranks one extra cell. Dimension 0 is x and varies fastest in local arrays:
 * a ghosted local array of element e has index  i + gx*(j + gy*k)  with gx = nx_local + 2*ghost
 * (so local owned cell (0,0,0) is at (ghost, ghost, ghost)); unused dimensions have extent 1
 * and no ghosts.
 * Process dims: automatic (dims[d] = 0) or given (dims[d] > 0). Automatic dims minimise the
 * total area of the cut planes (periodic dims cut dims[d] times, others dims[d]-1) among the
 * factorisations that honour the given dims, keep dims[d] <= n[d] and blocks of at least `ghost`
 * cells wherever a neighbour exists; ties split the slower dimensions (z, then y), whose faces
 * are contiguous in memory. 101 x 37 on 4 ranks gives 4 x 1; 64 x 64 on 2 gives 1 x 2.
 * The Cartesian communicator keeps the ranks of ctx's communicator (no reordering).
 */
#ifndef WHPC_DECOMP_H
#define WHPC_DECOMP_H
#include <stddef.h>
#include "whpc_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct whpc_decomp_s *whpc_decomp_t;

/* Half-open global index box: lo[d] <= i < hi[d]. */
typedef struct {
  long lo[3], hi[3];
} whpc_box;

typedef struct {
  int ndims;          /* 1, 2 or 3 */
  long n[3];          /* global cells per dimension */
  int dims[3];        /* process dims; 0 = choose */
  int periodic[3];    /* 1 = periodic */
  int ghost;          /* ghost width of local arrays (0..4) */
  const char *name;   /* what is decomposed, for messages ("grid", "cfd.nx/ny") */
} whpc_decomp_desc;

/* Collective on ctx's communicator. Errors (WHPC_ERR_INPUT, collective): more ranks than cells
 * in a dimension, given dims whose product is not the rank count, owned extent smaller than
 * the ghost width where a neighbour exists. */
int whpc_decomp_create(whpc_ctx_t ctx, const whpc_decomp_desc *desc, whpc_decomp_t *out)
    __attribute__((warn_unused_result));
/* The same, with the caller's axis names in its error messages ("lon", "lat"; "x", "z" for an
 * x-z slice) instead of x, y, z. axis_names may be NULL, and so may any of its entries. */
int whpc_decomp_create_named(whpc_ctx_t ctx, const whpc_decomp_desc *desc, const char *const axis_names[3],
                             whpc_decomp_t *out) __attribute__((warn_unused_result));
/* Collective. NULL-safe; sets *g = NULL. */
int whpc_decomp_destroy(whpc_decomp_t *g);

/* Not collective. */
MPI_Comm whpc_decomp_comm(whpc_decomp_t g);          /* the Cartesian communicator */
whpc_ctx_t whpc_decomp_ctx(whpc_decomp_t g);
int whpc_decomp_ndims(whpc_decomp_t g);
void whpc_decomp_global_size(whpc_decomp_t g, long n[3]);
void whpc_decomp_dims(whpc_decomp_t g, int dims[3]);
void whpc_decomp_coords(whpc_decomp_t g, int coords[3]);
void whpc_decomp_periodic(whpc_decomp_t g, int periodic[3]);
int whpc_decomp_ghost(whpc_decomp_t g);
/* Owned box (global indices, ghosts excluded) and the ghosted box (may extend below 0 or
 * beyond n: those are boundary ghosts an app fills itself, or periodic images). */
void whpc_decomp_owned(whpc_decomp_t g, whpc_box *owned);
void whpc_decomp_ghosted(whpc_decomp_t g, whpc_box *ghosted);
/* Owned extents and ghosted extents (1 for unused dimensions). */
void whpc_decomp_local_size(whpc_decomp_t g, long nl[3]);
void whpc_decomp_ghosted_size(whpc_decomp_t g, long ng[3]);
/* Number of elements of a ghosted local array. */
size_t whpc_decomp_ghosted_count(whpc_decomp_t g);
/* Memory layout of a ghosted local array: extents ng and the offset of owned cell 0 per
 * dimension (ghost for used dimensions, 0 for unused ones). */
typedef struct {
  long ng[3];
  long off[3];
} whpc_layout;
void whpc_decomp_layout(whpc_decomp_t g, whpc_layout *lay);
/* Index of local owned cell (i,j,k) (each may run from -ghost to nl+ghost-1). */
static inline size_t whpc_layout_index(const whpc_layout *lay, long i, long j, long k) {
  return (size_t)(i + lay->off[0]) +
         (size_t)lay->ng[0] * ((size_t)(j + lay->off[1]) + (size_t)lay->ng[1] * (size_t)(k + lay->off[2]));
}
/* Global -> local owned index (returns 0 and sets local when owned, -1 otherwise). */
int whpc_decomp_global_to_local(whpc_decomp_t g, const long gidx[3], long lidx[3]);
/* Neighbour rank at offset off[d] in {-1,0,1} (MPI_PROC_NULL past a non-periodic edge). */
int whpc_decomp_neighbor(whpc_decomp_t g, const int off[3]);
/* Owner rank of a global cell (periodic indices wrapped). */
int whpc_decomp_owner(whpc_decomp_t g, const long gidx[3]);
/* Owned box of any rank in the decomposition's communicator. */
void whpc_decomp_rank_box(whpc_decomp_t g, int rank, whpc_box *owned);
/* Block partition helper: start and count of part p of n items in P parts. */
void whpc_block_range(long n, int parts, int p, long *start, long *count);

/* Sub-communicator of the ranks sharing coordinate `keep` dims: e.g. keep = {1,0,0} gives the
 * row communicator along x (all ranks with the same y,z coords). Caller frees with MPI_Comm_free. */
int whpc_decomp_sub_comm(whpc_decomp_t g, const int keep[3], MPI_Comm *sub);

#ifdef __cplusplus
}
#endif
#endif
