/* decomp_impl.h — body of whpc_decomp (never installed). */
#ifndef WHPC_DECOMP_IMPL_H
#define WHPC_DECOMP_IMPL_H
#include "whpc_decomp.h"

/* Neighbour offset (o0,o1,o2) in {-1,0,1}^3 <-> index 0..26; 13 is the rank itself. */
static inline int whpc_dir_index(const int o[3]) { return (o[0] + 1) + 3 * (o[1] + 1) + 9 * (o[2] + 1); }

struct whpc_decomp_s {
  whpc_ctx_t ctx;
  MPI_Comm cart;     /* Cartesian communicator, ranks as in ctx's communicator (reorder = 0) */
  int rank, size;
  int ndims;
  long n[3];         /* global cells (1 for unused dims) */
  int dims[3];       /* process dims (1 for unused dims) */
  int coords[3];     /* this rank's coordinates (0 for unused dims) */
  int periodic[3];
  int ghost;
  long lo[3], hi[3]; /* owned global box */
  int nbr[27];       /* neighbour rank per direction index, MPI_PROC_NULL past a wall */
  char name[64];
  char axis[3][24]; /* axis names for messages: "x" "y" "z" or the caller's ("lon", "lat") */
};

#endif
