/* halo.c — ghost exchange: one packed message per neighbour (all fields), persistent requests.
 *
 * Direction o in {-1,0,1}^3: this rank packs its owned cells next to side o and sends them to
 * the neighbour at o with tag = index(o); it receives its ghosts on side o from the same
 * neighbour, which sent them towards -o, so with tag index(-o). The tag tells apart the two
 * messages between the same pair of ranks (periodic dims over 2 ranks, corners). Messages to
 * this rank itself (a periodic dim over 1 rank) are copied locally without MPI. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decomp_impl.h"
#include "whpc_error.h"
#include "whpc_halo.h"

typedef struct {
  long lo[3], hi[3]; /* local owned-cell indices, half open */
} lbox;

typedef struct {
  int dir;       /* direction index of o */
  int peer;      /* neighbour rank at o */
  lbox send;     /* owned cells next to side o */
  lbox recv;     /* ghost cells on side o */
  size_t bytes;  /* message size (all fields) */
  char *sbuf, *rbuf;
  int self;      /* peer is this rank: ghosts come from the message sent towards -o */
  int partner;   /* self only: index of the message towards -o */
} halo_msg;

struct whpc_halo_s {
  whpc_decomp_t g;
  size_t esz;
  int nfields, width;
  whpc_layout lay;
  int nmsg;
  halo_msg *msg;
  char *buf;           /* all send then all receive buffers */
  int nreq;            /* persistent requests: receives first, then sends */
  MPI_Request *req;
  int *req_msg;        /* message of receive request q */
  int *done_idx;       /* scratch for MPI_Waitsome */
  void **fields;       /* the arrays of the exchange in flight */
  int active;
  size_t bytes_remote;
};

static size_t box_cells(const lbox *b) {
  size_t c = 1;
  for (int d = 0; d < 3; d++) c *= (size_t)(b->hi[d] - b->lo[d]);
  return c;
}

/* nrows rows of `row` bytes between strided memory and a packed buffer. Faces normal to x are
 * rows of width elements (often 8, 16, 24 or 32 bytes): fixed-size copies become plain moves
 * instead of a memcpy call per row. */
#define COPY_ROWS(N)                                                           \
  for (long r = 0; r < nrows; r++) memcpy(dst + r * dstride, src + r * sstride, (N))
static void copy_rows(char *dst, size_t dstride, const char *src, size_t sstride, long nrows, size_t row) {
  switch (row) {
  case 4: COPY_ROWS(4); break;
  case 8: COPY_ROWS(8); break;
  case 12: COPY_ROWS(12); break;
  case 16: COPY_ROWS(16); break;
  case 24: COPY_ROWS(24); break;
  case 32: COPY_ROWS(32); break;
  default: COPY_ROWS(row); break;
  }
}
#undef COPY_ROWS

/* Copy box b of every field to/from a contiguous buffer; x rows are contiguous in memory. */
static void pack(const struct whpc_halo_s *h, const lbox *b, void *const *fields, char *buf) {
  const size_t row = (size_t)(b->hi[0] - b->lo[0]) * h->esz, stride = (size_t)h->lay.ng[0] * h->esz;
  const long nrows = b->hi[1] - b->lo[1];
  for (int f = 0; f < h->nfields; f++) {
    const char *a = fields[f];
    for (long k = b->lo[2]; k < b->hi[2]; k++) {
      copy_rows(buf, row, a + whpc_layout_index(&h->lay, b->lo[0], b->lo[1], k) * h->esz, stride, nrows, row);
      buf += row * (size_t)nrows;
    }
  }
}

static void unpack(const struct whpc_halo_s *h, const lbox *b, void *const *fields, const char *buf) {
  const size_t row = (size_t)(b->hi[0] - b->lo[0]) * h->esz, stride = (size_t)h->lay.ng[0] * h->esz;
  const long nrows = b->hi[1] - b->lo[1];
  for (int f = 0; f < h->nfields; f++) {
    char *a = fields[f];
    for (long k = b->lo[2]; k < b->hi[2]; k++) {
      copy_rows(a + whpc_layout_index(&h->lay, b->lo[0], b->lo[1], k) * h->esz, stride, buf, row, nrows, row);
      buf += row * (size_t)nrows;
    }
  }
}

/* Send and receive boxes of direction o for width w over owned extents nl. */
static void dir_boxes(const int o[3], const long nl[3], int ndims, long w, lbox *send, lbox *recv) {
  for (int d = 0; d < 3; d++) {
    if (d >= ndims || o[d] == 0) {
      send->lo[d] = recv->lo[d] = 0;
      send->hi[d] = recv->hi[d] = nl[d];
    } else if (o[d] < 0) {
      send->lo[d] = 0, send->hi[d] = w;
      recv->lo[d] = -w, recv->hi[d] = 0;
    } else {
      send->lo[d] = nl[d] - w, send->hi[d] = nl[d];
      recv->lo[d] = nl[d], recv->hi[d] = nl[d] + w;
    }
  }
}

static void free_halo(struct whpc_halo_s *h) {
  if (!h) return;
  for (int r = 0; r < h->nreq; r++)
    if (h->req[r] != MPI_REQUEST_NULL) MPI_Request_free(&h->req[r]);
  free(h->req);
  free(h->req_msg);
  free(h->done_idx);
  free(h->msg);
  free(h->buf);
  free(h->fields);
  free(h);
}

static int build(struct whpc_halo_s *h, int flags) {
  whpc_decomp_t g = h->g;
  const int nd = g->ndims;
  const int me = g->rank;
  long nl[3];
  whpc_decomp_local_size(g, nl);
  whpc_decomp_layout(g, &h->lay);
  WHPC_MALLOC(h->msg, 26);
  WHPC_MALLOC(h->fields, h->nfields);

  /* Directions with a neighbour: faces only, or also edges and corners. */
  size_t total = 0;
  for (int k = -1; k <= 1; k++)
    for (int j = -1; j <= 1; j++)
      for (int i = -1; i <= 1; i++) {
        int o[3] = {i, j, k}, nz = (i != 0) + (j != 0) + (k != 0);
        if (nz == 0 || (nz > 1 && !(flags & WHPC_HALO_CORNERS))) continue;
        int dir = whpc_dir_index(o);
        int peer = g->nbr[dir];
        if (peer == MPI_PROC_NULL) continue; /* past a wall or along an unused dim */
        halo_msg *m = &h->msg[h->nmsg++];
        m->dir = dir;
        m->peer = peer;
        m->self = peer == me;
        dir_boxes(o, nl, nd, h->width, &m->send, &m->recv);
        m->bytes = box_cells(&m->send) * h->esz * (size_t)h->nfields;
        total += m->bytes;
        if (!m->self) h->bytes_remote += m->bytes;
      }
  /* Receive buffers only for remote peers: self ghosts are read from the partner's send buffer. */
  size_t rtotal = 0;
  for (int m = 0; m < h->nmsg; m++)
    if (!h->msg[m].self) rtotal += h->msg[m].bytes;
  WHPC_MALLOC(h->buf, total + rtotal);
  char *s = h->buf, *r = h->buf + total;
  for (int m = 0; m < h->nmsg; m++) {
    halo_msg *x = &h->msg[m];
    x->sbuf = s;
    s += x->bytes;
    x->rbuf = NULL;
    if (!x->self) {
      x->rbuf = r;
      r += x->bytes;
    }
  }
  for (int m = 0; m < h->nmsg; m++) {
    halo_msg *x = &h->msg[m];
    if (!x->self) continue;
    int opp = 26 - x->dir; /* index(-o) */
    x->partner = -1;
    for (int q = 0; q < h->nmsg; q++)
      if (h->msg[q].dir == opp) x->partner = q;
    WHPC_CHECK(x->partner >= 0 && h->msg[x->partner].self, WHPC_ERR_ARG,
               "halo: no self message opposite direction %d (internal error)", x->dir);
  }

  /* Persistent requests: all receives, then all sends (begin starts them in two groups). */
  int nremote = 0;
  for (int m = 0; m < h->nmsg; m++) nremote += !h->msg[m].self;
  WHPC_MALLOC(h->req, 2 * nremote);
  WHPC_MALLOC(h->req_msg, nremote);
  WHPC_MALLOC(h->done_idx, nremote);
  for (int q = 0; q < 2 * nremote; q++) h->req[q] = MPI_REQUEST_NULL;
  h->nreq = 2 * nremote;
  MPI_Comm comm = g->cart;
  int q = 0;
  for (int m = 0; m < h->nmsg; m++) {
    halo_msg *x = &h->msg[m];
    if (x->self) continue;
    WHPC_CHECK(x->bytes <= (size_t)INT32_MAX, WHPC_ERR_INPUT,
               "halo: %zu-byte message to rank %d exceeds the 2 GiB MPI count limit; use more ranks", x->bytes,
               x->peer);
    WHPC_MPI(MPI_Recv_init(x->rbuf, (int)x->bytes, MPI_BYTE, x->peer, 26 - x->dir, comm, &h->req[q]));
    WHPC_MPI(MPI_Send_init(x->sbuf, (int)x->bytes, MPI_BYTE, x->peer, x->dir, comm, &h->req[nremote + q]));
    h->req_msg[q] = m;
    q++;
  }
  return WHPC_OK;
}

int whpc_halo_create(whpc_decomp_t g, size_t elem_size, int nfields, int width, int flags, whpc_halo_t *out) {
  WHPC_CHECK(g && out, WHPC_ERR_ARG, "whpc_halo_create: NULL argument");
  *out = NULL;
  WHPC_CHECK(elem_size > 0, WHPC_ERR_ARG, "halo on %s: element size 0", g->name);
  WHPC_CHECK(nfields >= 1, WHPC_ERR_ARG, "halo on %s: %d fields, expected at least 1", g->name, nfields);
  if (width == 0) width = g->ghost;
  WHPC_CHECK(width >= 1 && width <= g->ghost, WHPC_ERR_ARG,
             "halo on %s: width %d, expected 1..%d (the decomposition's ghost width)", g->name, width, g->ghost);
  WHPC_CHECK(flags == WHPC_HALO_FACES || flags == WHPC_HALO_CORNERS, WHPC_ERR_ARG, "halo on %s: flags %d",
             g->name, flags);
  struct whpc_halo_s *h = calloc(1, sizeof(*h));
  WHPC_CHECK(h, WHPC_ERR_MEM, "halo on %s: cannot allocate the handle", g->name);
  h->g = g;
  h->esz = elem_size;
  h->nfields = nfields;
  h->width = width;
  int rc = build(h, flags);
  if (rc) {
    free_halo(h);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  *out = h;
  return WHPC_OK;
}

int whpc_halo_begin(whpc_halo_t h, void *const *fields) {
  WHPC_CHECK(h && fields, WHPC_ERR_ARG, "whpc_halo_begin: NULL argument");
  WHPC_CHECK(!h->active, WHPC_ERR_ARG, "whpc_halo_begin: previous exchange not ended");
  for (int f = 0; f < h->nfields; f++) {
    WHPC_CHECK(fields[f], WHPC_ERR_ARG, "whpc_halo_begin: field %d is NULL", f);
    h->fields[f] = fields[f];
  }
  const int nr = h->nreq / 2;
  /* Receives first so that early senders find them posted; each send starts as soon as it is
   * packed, so the next pack overlaps its transfer. */
  if (nr) WHPC_MPI(MPI_Startall(nr, h->req));
  h->active = 1;
  for (int m = 0, q = 0; m < h->nmsg; m++) {
    pack(h, &h->msg[m].send, fields, h->msg[m].sbuf);
    if (!h->msg[m].self) WHPC_MPI(MPI_Start(&h->req[nr + q++]));
  }
  return WHPC_OK;
}

int whpc_halo_end(whpc_halo_t h) {
  WHPC_CHECK(h, WHPC_ERR_ARG, "whpc_halo_end: NULL argument");
  WHPC_CHECK(h->active, WHPC_ERR_ARG, "whpc_halo_end: no exchange begun");
  /* Self ghosts first: they need no wait. */
  for (int m = 0; m < h->nmsg; m++) {
    const halo_msg *x = &h->msg[m];
    if (x->self) unpack(h, &x->recv, h->fields, h->msg[x->partner].sbuf);
  }
  /* Unpack each message as it arrives, while the others are still in flight. */
  const int nr = h->nreq / 2;
  for (int left = nr; left > 0;) {
    int got = 0;
    WHPC_MPI(MPI_Waitsome(nr, h->req, &got, h->done_idx, MPI_STATUSES_IGNORE));
    if (got == MPI_UNDEFINED) break;
    for (int i = 0; i < got; i++) {
      const halo_msg *x = &h->msg[h->req_msg[h->done_idx[i]]];
      unpack(h, &x->recv, h->fields, x->rbuf);
    }
    left -= got;
  }
  if (nr) WHPC_MPI(MPI_Waitall(nr, h->req + nr, MPI_STATUSES_IGNORE));
  h->active = 0; /* only now: after a failure, destroy still waits for the requests */
  return WHPC_OK;
}

int whpc_halo_exchange(whpc_halo_t h, void *const *fields) {
  WHPC_CALL(whpc_halo_begin(h, fields));
  WHPC_CALL(whpc_halo_end(h));
  return WHPC_OK;
}

size_t whpc_halo_bytes(whpc_halo_t h) { return h ? h->bytes_remote : 0; }

int whpc_halo_destroy(whpc_halo_t *hp) {
  if (!hp || !*hp) return WHPC_OK;
  struct whpc_halo_s *h = *hp;
  *hp = NULL;
  /* An exchange still in flight (error path) must complete before its buffers go. */
  int rc = MPI_SUCCESS;
  if (h->active && h->nreq) rc = MPI_Waitall(h->nreq, h->req, MPI_STATUSES_IGNORE);
  free_halo(h);
  WHPC_MPI(rc);
  return WHPC_OK;
}
