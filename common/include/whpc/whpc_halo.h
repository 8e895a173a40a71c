/* whpc_halo.h — ghost exchange for ghosted local arrays of a whpc_decomp.
 *
 * Built once: neighbour list (faces; with WHPC_HALO_CORNERS also edges and corners), packed
 * send/receive buffers and persistent requests. Any element size (bytes), any number of
 * fields per exchange (packed into one message per neighbour). Width = the decomposition's
 * ghost width (or less, given at create). Periodic wrap works on one rank too.
 * Split phase: begin packs and starts; compute the interior; end waits and unpacks.
 * Ghosts past a non-periodic edge are left for the app's boundary conditions; with
 * WHPC_HALO_FACES the edge/corner ghosts (outside the owned range in two or more dims) are not
 * touched either. begin copies the owned cells it sends, so the app may update owned cells between
 * begin and end; ghost cells are written by end and must not be used before it. */
#ifndef WHPC_HALO_H
#define WHPC_HALO_H
#include <stddef.h>
#include "whpc_decomp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct whpc_halo_s *whpc_halo_t;

enum { WHPC_HALO_FACES = 0, WHPC_HALO_CORNERS = 1 };

/* Collective on the decomposition's communicator.
 * elem_size: bytes per element (sizeof(double), sizeof(float complex), a struct ...).
 * nfields: how many arrays each begin/end exchanges. width: 1..ghost (0 = ghost). */
int whpc_halo_create(whpc_decomp_t g, size_t elem_size, int nfields, int width, int flags,
                     whpc_halo_t *out) __attribute__((warn_unused_result));
/* fields[f] points at ghosted local array f (whpc_decomp_ghosted_count elements). */
int whpc_halo_begin(whpc_halo_t h, void *const *fields);
int whpc_halo_end(whpc_halo_t h);
/* begin + end. */
int whpc_halo_exchange(whpc_halo_t h, void *const *fields);
/* Bytes this rank sends to other ranks per exchange (self copies of periodic 1-rank dims are
 * not counted), for benchmarks. */
size_t whpc_halo_bytes(whpc_halo_t h);
int whpc_halo_destroy(whpc_halo_t *h);

#ifdef __cplusplus
}
#endif
#endif
