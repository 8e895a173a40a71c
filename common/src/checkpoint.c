/* checkpoint.c — restart files: one file per checkpoint, MPI-IO in global index order.
 *
 * File layout (native byte order, format version 1; docs/io.md):
 *   [0, 256)            ck_head: magic "WHPCCKPT", version, nvars, header and file sizes,
 *                       config hash, step, app, app version, git revision
 *   [256, 256+128*nv)   ck_entry per variable: name, type, element size, kind, global shape,
 *                       data offset, byte count, checksum
 *   next 8 bytes        FNV-1a 64 of everything before (a corrupt header is caught first)
 *   data                each variable at a 4096-aligned offset; fields in global order
 *                       (x fastest), replicated values as they are in memory.
 * The per-variable checksum is a sum mod 2^64 of mix(global index, element bits), so it does
 * not depend on which rank held which cell and is reduced with one MPI_Allreduce. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "whpc_checkpoint.h"
#include "whpc_config.h"
#include "whpc_ctx.h"
#include "whpc_error.h"
#include "whpc_log.h"
#include "whpc_output.h"

/* Same choice as ncio.c: ROMIO rather than Open MPI 4.1's OMPIO for MPI-IO (see there). */
__attribute__((constructor)) static void whpc_checkpoint_prefer_romio(void) { setenv("OMPI_MCA_io", "romio321", 0); }

const whpc_cfg_key whpc_checkpoint_keys[] = {
    {"checkpoint.dir", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "directory of restart files (\"\" = <output.dir>/checkpoints)"},
    {"checkpoint.every", WHPC_CFG_INT, "0", "steps", 0, 1e9, NULL, "steps between checkpoints (0 = only on a signal)"},
    {"checkpoint.keep", WHPC_CFG_INT, "2", "", 1, 1000, NULL,
     "checkpoints kept; older ones are deleted only after a new one is complete"},
    {"checkpoint.restart", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "restart from: \"\" = fresh start, \"latest\" = newest complete checkpoint in checkpoint.dir, or a path"},
};
const int whpc_checkpoint_nkeys = WHPC_NKEYS(whpc_checkpoint_keys);

#define CK_MAGIC "WHPCCKPT"
#define CK_VERSION 1u
#define CK_ALIGN 4096u
#define CK_NAME 64

typedef struct {
  char magic[8];
  uint32_t version, nvars;
  uint64_t header_bytes, file_bytes, config_hash;
  int64_t step;
  char app[64], app_version[32], git_revision[32];
  char pad[256 - 8 - 8 - 24 - 8 - 128];
} ck_head;

typedef struct {
  char name[CK_NAME];
  uint32_t type, elem_size;
  int32_t kind, ndims; /* kind 0: decomposed field, 1: replicated values */
  int64_t n[3];        /* global cells per dimension; values: count, 1, 1 */
  uint64_t offset, nbytes, checksum;
} ck_entry;

_Static_assert(sizeof(ck_head) == 256, "checkpoint header must stay 256 bytes");
_Static_assert(sizeof(ck_entry) == 128, "checkpoint table entry must stay 128 bytes");

typedef struct {
  char name[CK_NAME];
  whpc_ck_type type;
  int kind;
  whpc_decomp_t g; /* fields */
  void *data;
  size_t count; /* values */
} ck_var;

struct whpc_ckpt_s {
  whpc_ctx_t ctx;
  MPI_Comm comm;
  int rank;
  char dir[4096];
  char last[4200];
  unsigned long long config_hash;
  int keep;
  long every;
  ck_var *vars;
  int nvars, cap;
};

static size_t type_size(whpc_ck_type t) {
  switch (t) {
  case WHPC_CK_DOUBLE: return 8;
  case WHPC_CK_FLOAT: return 4;
  case WHPC_CK_INT64: return 8;
  case WHPC_CK_BYTES: return 1;
  }
  return 0;
}

static const char *type_name(uint32_t t) {
  static const char *names[] = {"double", "float", "int64", "bytes"};
  return t < 4 ? names[t] : "unknown";
}

static MPI_Datatype mpi_type(whpc_ck_type t) {
  switch (t) {
  case WHPC_CK_DOUBLE: return MPI_DOUBLE;
  case WHPC_CK_FLOAT: return MPI_FLOAT;
  case WHPC_CK_INT64: return MPI_INT64_T;
  case WHPC_CK_BYTES: return MPI_BYTE;
  }
  return MPI_BYTE;
}

static uint64_t mix64(uint64_t z) { /* splitmix64 finaliser */
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Contribution of one element: depends on where it sits in the global array and on its bits. */
static inline uint64_t elem_hash(uint64_t gidx, const unsigned char *p, size_t es) {
  uint64_t bits = 0;
  memcpy(&bits, p, es); /* es <= 8, zero-extended (little-endian hosts) */
  return mix64(mix64(gidx + 0x9e3779b97f4a7c15ULL) ^ bits);
}

static uint64_t fnv1a(const void *p, size_t n) {
  const unsigned char *c = p;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ULL;
  return h;
}

static int agree(MPI_Comm comm, int rc) {
  int grc = rc;
  whpc_agree(comm, rc, &grc);
  return grc;
}

/* An MPI-IO failure: WHPC_ERR_IO naming the file and what was being done. */
#define CKMPI(path, call, what)                                                                 \
  do {                                                                                          \
    int m_ = (call);                                                                            \
    if (m_ != MPI_SUCCESS) {                                                                    \
      char es_[MPI_MAX_ERROR_STRING];                                                           \
      int el_ = 0;                                                                              \
      MPI_Error_string(m_, es_, &el_);                                                          \
      return whpc_err_raise(WHPC_ERR_IO, __FILE__, __LINE__, __func__, "%s: %s: %s", (path), (what), es_); \
    }                                                                                           \
  } while (0)

/* ---- creation and registration ---- */

int whpc_checkpoint_create(whpc_ctx_t ctx, const char *dir, unsigned long long config_hash, whpc_ckpt_t *out) {
  WHPC_CHECK(ctx && out, WHPC_ERR_ARG, "whpc_checkpoint_create: NULL argument");
  *out = NULL;
  const char *cdir = dir;
  long keep, every;
  if (!cdir || !*cdir) WHPC_CALL(whpc_config_get_string(ctx, "checkpoint.dir", &cdir));
  WHPC_CALL(whpc_config_get_int(ctx, "checkpoint.keep", &keep));
  WHPC_CALL(whpc_config_get_int(ctx, "checkpoint.every", &every));
  whpc_ckpt_t ck = calloc(1, sizeof *ck);
  WHPC_CHECK(ck, WHPC_ERR_MEM, "cannot allocate a checkpoint handle");
  ck->ctx = ctx;
  ck->comm = whpc_comm(ctx);
  ck->rank = whpc_rank(ctx);
  ck->config_hash = config_hash;
  ck->keep = (int)keep;
  ck->every = every;
  if (cdir && *cdir)
    snprintf(ck->dir, sizeof ck->dir, "%s", cdir);
  else
    snprintf(ck->dir, sizeof ck->dir, "%s/checkpoints", whpc_output_dir(ctx));
  /* The directory is made by the first write: a run that never checkpoints leaves none behind. */
  *out = ck;
  return WHPC_OK;
}

static int add_var(whpc_ckpt_t ck, const char *name, ck_var **v) {
  WHPC_CHECK(ck && name && *name, WHPC_ERR_ARG, "checkpoint variable without a name");
  WHPC_CHECK(strlen(name) < CK_NAME, WHPC_ERR_ARG, "checkpoint variable name too long: %s", name);
  for (int i = 0; i < ck->nvars; i++)
    WHPC_CHECK(strcmp(ck->vars[i].name, name) != 0, WHPC_ERR_ARG, "checkpoint variable %s registered twice", name);
  if (ck->nvars == ck->cap) {
    int cap = ck->cap ? 2 * ck->cap : 8;
    ck_var *nv = realloc(ck->vars, (size_t)cap * sizeof *nv);
    WHPC_CHECK(nv, WHPC_ERR_MEM, "cannot grow the checkpoint variable table");
    ck->vars = nv;
    ck->cap = cap;
  }
  *v = &ck->vars[ck->nvars++];
  memset(*v, 0, sizeof **v);
  snprintf((*v)->name, CK_NAME, "%s", name);
  return WHPC_OK;
}

int whpc_checkpoint_add_field(whpc_ckpt_t ck, const char *name, whpc_decomp_t g, whpc_ck_type type,
                              void *ghosted_field) {
  ck_var *v;
  WHPC_CHECK(g && ghosted_field && type_size(type), WHPC_ERR_ARG, "checkpoint field %s: bad decomposition, type or data",
             name ? name : "?");
  WHPC_CALL(add_var(ck, name, &v));
  v->kind = 0;
  v->type = type;
  v->g = g;
  v->data = ghosted_field;
  return WHPC_OK;
}

int whpc_checkpoint_add_values(whpc_ckpt_t ck, const char *name, whpc_ck_type type, void *values, size_t count) {
  ck_var *v;
  WHPC_CHECK(values && count && type_size(type) && count * type_size(type) <= (size_t)INT_MAX, WHPC_ERR_ARG,
             "checkpoint values %s: bad type, count (%zu) or data", name ? name : "?", count);
  WHPC_CALL(add_var(ck, name, &v));
  v->kind = 1;
  v->type = type;
  v->data = values;
  v->count = count;
  return WHPC_OK;
}

/* Global shape, in cells, of a variable (values: count, 1, 1). */
static void var_shape(const ck_var *v, int64_t n[3], int *ndims) {
  if (v->kind == 0) {
    long gn[3];
    whpc_decomp_global_size(v->g, gn);
    for (int d = 0; d < 3; d++) n[d] = gn[d];
    *ndims = whpc_decomp_ndims(v->g);
  } else {
    n[0] = (int64_t)v->count, n[1] = n[2] = 1;
    *ndims = 1;
  }
}

/* Copy a field's owned box between the ghosted array and a contiguous buffer (x fastest), and
 * add up the checksum of the owned cells. to_buf: 1 packs, 0 unpacks. */
static uint64_t pack_field(const ck_var *v, unsigned char *buf, int to_buf) {
  whpc_layout lay;
  whpc_box own;
  long nl[3], gn[3];
  size_t es = type_size(v->type);
  uint64_t sum = 0;
  whpc_decomp_layout(v->g, &lay);
  whpc_decomp_owned(v->g, &own);
  whpc_decomp_local_size(v->g, nl);
  whpc_decomp_global_size(v->g, gn);
  unsigned char *data = v->data;
  size_t m = 0;
  for (long k = 0; k < nl[2]; k++)
    for (long j = 0; j < nl[1]; j++) {
      unsigned char *row = data + es * whpc_layout_index(&lay, 0, j, k);
      size_t rb = (size_t)nl[0] * es;
      if (to_buf)
        memcpy(buf + m, row, rb);
      else
        memcpy(row, buf + m, rb);
      uint64_t g0 = (uint64_t)(own.lo[0] + gn[0] * ((own.lo[1] + j) + gn[1] * (own.lo[2] + k)));
      for (long i = 0; i < nl[0]; i++) sum += elem_hash(g0 + (uint64_t)i, buf + m + (size_t)i * es, es);
      m += rb;
    }
  return sum;
}

static uint64_t values_checksum(const unsigned char *p, size_t count, size_t es) {
  uint64_t sum = 0;
  for (size_t i = 0; i < count; i++) sum += elem_hash(i, p + i * es, es);
  return sum;
}

/* File view of this rank's owned box of a field starting at byte `offset`. */
static int field_view(MPI_File fh, const char *path, const ck_var *v, uint64_t offset, MPI_Datatype *ftype) {
  int nd = whpc_decomp_ndims(v->g), sizes[3], sub[3], starts[3];
  long gn[3];
  whpc_box own;
  whpc_decomp_global_size(v->g, gn);
  whpc_decomp_owned(v->g, &own);
  for (int d = 0; d < nd; d++) { /* C order: the slowest dimension first */
    sizes[nd - 1 - d] = (int)gn[d];
    sub[nd - 1 - d] = (int)(own.hi[d] - own.lo[d]);
    starts[nd - 1 - d] = (int)own.lo[d];
  }
  MPI_Datatype et = mpi_type(v->type);
  CKMPI(path, MPI_Type_create_subarray(nd, sizes, sub, starts, MPI_ORDER_C, et, ftype), "subarray type");
  CKMPI(path, MPI_Type_commit(ftype), "commit subarray type");
  int rc = MPI_File_set_view(fh, (MPI_Offset)offset, et, *ftype, "native", MPI_INFO_NULL);
  if (rc != MPI_SUCCESS) MPI_Type_free(ftype);
  CKMPI(path, rc, "set file view");
  return WHPC_OK;
}

static size_t field_local_count(const ck_var *v) {
  long nl[3];
  whpc_decomp_local_size(v->g, nl);
  return (size_t)nl[0] * (size_t)nl[1] * (size_t)nl[2];
}

/* Header + table (+ its checksum) as one byte block, filled from the registered variables. */
static int build_header(whpc_ckpt_t ck, long step, unsigned char **blk, size_t *blen) {
  size_t hb = sizeof(ck_head) + (size_t)ck->nvars * sizeof(ck_entry) + 8;
  unsigned char *b = calloc(1, hb);
  WHPC_CHECK(b, WHPC_ERR_MEM, "cannot allocate a checkpoint header");
  ck_head *h = (ck_head *)b;
  ck_entry *e = (ck_entry *)(b + sizeof *h);
  memcpy(h->magic, CK_MAGIC, 8);
  h->version = CK_VERSION;
  h->nvars = (uint32_t)ck->nvars;
  h->header_bytes = hb;
  h->config_hash = ck->config_hash;
  h->step = step;
  snprintf(h->app, sizeof h->app, "%s", whpc_app_name(ck->ctx));
  snprintf(h->app_version, sizeof h->app_version, "%s", whpc_version());
  snprintf(h->git_revision, sizeof h->git_revision, "%s", whpc_git_revision());
  uint64_t off = (hb + CK_ALIGN - 1) / CK_ALIGN * CK_ALIGN;
  for (int i = 0; i < ck->nvars; i++) {
    const ck_var *v = &ck->vars[i];
    memcpy(e[i].name, v->name, CK_NAME);
    e[i].type = (uint32_t)v->type;
    e[i].elem_size = (uint32_t)type_size(v->type);
    e[i].kind = v->kind;
    var_shape(v, e[i].n, &e[i].ndims);
    e[i].offset = off;
    e[i].nbytes = (uint64_t)e[i].n[0] * (uint64_t)e[i].n[1] * (uint64_t)e[i].n[2] * e[i].elem_size;
    off += (e[i].nbytes + CK_ALIGN - 1) / CK_ALIGN * CK_ALIGN;
  }
  h->file_bytes = ck->nvars ? e[ck->nvars - 1].offset + e[ck->nvars - 1].nbytes : hb;
  *blk = b;
  *blen = hb;
  return WHPC_OK;
}

static void seal_header(unsigned char *b, size_t hb) {
  uint64_t sum = fnv1a(b, hb - 8);
  memcpy(b + hb - 8, &sum, 8);
}

/* ---- writing ---- */

static int write_data(whpc_ckpt_t ck, const char *tmp, unsigned char *hdr, size_t hb) {
  ck_entry *e = (ck_entry *)(hdr + sizeof(ck_head));
  uint64_t *sums = calloc((size_t)ck->nvars + 1, sizeof *sums);
  WHPC_CHECK(sums, WHPC_ERR_MEM, "cannot allocate checksums");
  MPI_File fh;
  int rc = MPI_File_open(ck->comm, tmp, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
  if (rc != MPI_SUCCESS) free(sums);
  CKMPI(tmp, rc, "create");
  for (int i = 0; i < ck->nvars && rc == WHPC_OK; i++) {
    const ck_var *v = &ck->vars[i];
    if (v->kind != 0) continue;
    size_t n = field_local_count(v), es = type_size(v->type);
    if (n > (size_t)INT_MAX) { /* MPI counts are int */
      rc = WHPC_RAISE(WHPC_ERR_ARG, "%s: field %s has %zu cells on one rank (limit %d)", tmp, v->name, n, INT_MAX);
      break;
    }
    unsigned char *buf = malloc(n * es + 1);
    MPI_Datatype ft;
    if (!buf) {
      rc = WHPC_RAISE(WHPC_ERR_MEM, "%s: cannot allocate %zu bytes for %s", tmp, n * es, v->name);
      break;
    }
    sums[i] = pack_field(v, buf, 1);
    rc = field_view(fh, tmp, v, e[i].offset, &ft);
    if (!rc) {
      int m = MPI_File_write_all(fh, buf, (int)n, mpi_type(v->type), MPI_STATUS_IGNORE);
      if (m != MPI_SUCCESS) {
        char es_[MPI_MAX_ERROR_STRING];
        int el = 0;
        MPI_Error_string(m, es_, &el);
        rc = WHPC_RAISE(WHPC_ERR_IO, "%s: write %s: %s", tmp, v->name, es_);
      }
      MPI_Type_free(&ft);
    }
    free(buf);
  }
  if (rc == WHPC_OK) {
    for (int i = 0; i < ck->nvars; i++)
      if (ck->vars[i].kind == 1 && ck->rank == 0)
        sums[i] = values_checksum(ck->vars[i].data, ck->vars[i].count, type_size(ck->vars[i].type));
    if (MPI_Allreduce(MPI_IN_PLACE, sums, ck->nvars, MPI_UINT64_T, MPI_SUM, ck->comm) != MPI_SUCCESS)
      rc = WHPC_RAISE(WHPC_ERR_MPI, "%s: checksum reduction failed", tmp);
  }
  if (rc == WHPC_OK && MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL) != MPI_SUCCESS)
    rc = WHPC_RAISE(WHPC_ERR_IO, "%s: reset file view", tmp);
  if (rc == WHPC_OK && ck->rank == 0) {
    for (int i = 0; i < ck->nvars; i++) e[i].checksum = sums[i];
    seal_header(hdr, hb);
    int m = MPI_File_write_at(fh, 0, hdr, (int)hb, MPI_BYTE, MPI_STATUS_IGNORE);
    for (int i = 0; i < ck->nvars && m == MPI_SUCCESS; i++)
      if (ck->vars[i].kind == 1)
        m = MPI_File_write_at(fh, (MPI_Offset)e[i].offset, ck->vars[i].data, (int)e[i].nbytes, MPI_BYTE,
                              MPI_STATUS_IGNORE);
    if (m != MPI_SUCCESS) rc = WHPC_RAISE(WHPC_ERR_IO, "%s: write header and values", tmp);
  }
  free(sums);
  rc = agree(ck->comm, rc);
  /* Flushed to storage before the rename makes it visible under its final name. */
  int s = rc ? MPI_SUCCESS : MPI_File_sync(fh);
  int c = MPI_File_close(&fh);
  if (!rc && (s != MPI_SUCCESS || c != MPI_SUCCESS)) rc = WHPC_RAISE(WHPC_ERR_IO, "%s: sync/close failed", tmp);
  rc = agree(ck->comm, rc);
  return rc ? whpc_err_trace(rc, __FILE__, __LINE__, __func__) : WHPC_OK;
}

/* Step of a checkpoint file name "<app>-<10 digits>.ckpt", -1 when the name is not one. */
static long name_step(const char *app, const char *name) {
  size_t al = strlen(app);
  if (strncmp(name, app, al) != 0 || name[al] != '-') return -1;
  const char *p = name + al + 1;
  for (int i = 0; i < 10; i++)
    if (p[i] < '0' || p[i] > '9') return -1;
  if (strcmp(p + 10, ".ckpt") != 0) return -1;
  return strtol(p, NULL, 10);
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

/* Steps of the complete checkpoints in dir, ascending (rank 0 only). A "*.tmp" never counts. */
static int list_steps(whpc_ckpt_t ck, long **steps, int *n) {
  DIR *d = opendir(ck->dir);
  *steps = NULL;
  *n = 0;
  if (!d) return errno == ENOENT ? WHPC_OK : WHPC_RAISE(WHPC_ERR_IO, "cannot list %s: %s", ck->dir, strerror(errno));
  int cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    long s = name_step(whpc_app_name(ck->ctx), de->d_name);
    if (s < 0) continue;
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      long *ns = realloc(*steps, (size_t)cap * sizeof *ns);
      if (!ns) {
        closedir(d);
        return WHPC_RAISE(WHPC_ERR_MEM, "cannot list %s", ck->dir);
      }
      *steps = ns;
    }
    (*steps)[(*n)++] = s;
  }
  closedir(d);
  qsort(*steps, (size_t)*n, sizeof **steps, cmp_long);
  return WHPC_OK;
}

static void ckpt_name(whpc_ckpt_t ck, long step, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s-%010ld.ckpt", ck->dir, whpc_app_name(ck->ctx), step);
}

/* Delete the oldest complete checkpoints beyond `keep`; the one just written is never one. */
static void prune(whpc_ckpt_t ck, long just_written) {
  long *steps;
  int n;
  if (list_steps(ck, &steps, &n) != WHPC_OK) {
    whpc_log(ck->ctx, WHPC_LOG_WARN, "%s", whpc_err_message());
    whpc_err_clear();
    return;
  }
  int excess = n - ck->keep;
  for (int i = 0; i < n && excess > 0; i++) {
    if (steps[i] == just_written) continue;
    char path[4200];
    ckpt_name(ck, steps[i], path, sizeof path);
    if (unlink(path) != 0)
      whpc_log(ck->ctx, WHPC_LOG_WARN, "cannot delete old checkpoint %s: %s", path, strerror(errno));
    excess--;
  }
  free(steps);
}

static int fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -1;
  int r = fsync(fd);
  close(fd);
  return r;
}

int whpc_checkpoint_write(whpc_ckpt_t ck, long step) {
  char path[4200], tmp[4210];
  unsigned char *hdr = NULL;
  size_t hb = 0;
  int rc = WHPC_OK;
  WHPC_CHECK(ck && step >= 0, WHPC_ERR_ARG, "whpc_checkpoint_write: NULL handle or negative step");
  ckpt_name(ck, step, path, sizeof path);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (ck->rank == 0) rc = whpc_mkdir_p(ck->dir);
  if (ck->rank == 0 && !rc && unlink(tmp) != 0 && errno != ENOENT)
    rc = WHPC_RAISE(WHPC_ERR_IO, "cannot remove stale %s: %s", tmp, strerror(errno));
  WHPC_CALL(agree(ck->comm, rc));
  WHPC_CALL(build_header(ck, step, &hdr, &hb));
  rc = write_data(ck, tmp, hdr, hb);
  free(hdr);
  if (rc) {
    if (ck->rank == 0) unlink(tmp);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  if (ck->rank == 0) {
    if (rename(tmp, path) != 0)
      rc = WHPC_RAISE(WHPC_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    else if (fsync_dir(ck->dir) != 0)
      rc = WHPC_RAISE(WHPC_ERR_IO, "cannot sync directory %s: %s", ck->dir, strerror(errno));
  }
  WHPC_CALL(agree(ck->comm, rc));
  /* Only now that the new one is complete may old ones go. */
  if (ck->rank == 0) prune(ck, step);
  snprintf(ck->last, sizeof ck->last, "%s", path);
  whpc_log(ck->ctx, WHPC_LOG_INFO, "checkpoint %s written (step %ld)", path, step);
  return WHPC_OK;
}

/* ---- reading ---- */

static void fmt_shape(char *buf, size_t n, const int64_t *s, int nd) {
  size_t k = 0;
  buf[0] = 0;
  if (nd > 3) nd = 3; /* the table holds 3 extents; a corrupt ndims must not read past them */
  for (int d = 0; d < nd && k < n; d++) k += (size_t)snprintf(buf + k, n - k, "%s%" PRId64, d ? " x " : "", s[d]);
}

/* Rank 0: read and check the header of `path` against the registered state. */
static int check_header(whpc_ckpt_t ck, const char *path, unsigned char **blk, size_t *blen) {
  ck_head h;
  struct stat st;
  *blk = NULL;
  int fd = open(path, O_RDONLY);
  WHPC_CHECK(fd >= 0, WHPC_ERR_INPUT, "cannot open checkpoint %s: %s", path, strerror(errno));
  if (fstat(fd, &st) != 0) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot stat checkpoint %s: %s", path, strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s is a directory, not a checkpoint file", path);
  }
  ssize_t got = pread(fd, &h, sizeof h, 0);
  if (got < 8) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s is truncated: %lld bytes", path, (long long)st.st_size);
  }
  if (memcmp(h.magic, CK_MAGIC, 8) != 0) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_INPUT, "%s is not a whpc checkpoint (bad magic)", path);
  }
  if (got < (ssize_t)sizeof h) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s is truncated: %lld bytes, not even a header", path,
                      (long long)st.st_size);
  }
  if (h.version != CK_VERSION) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s has format version %u, this build reads version %u", path,
                      h.version, CK_VERSION);
  }
  size_t hb = sizeof h + (size_t)h.nvars * sizeof(ck_entry) + 8;
  if (h.nvars > 100000 || h.header_bytes != hb) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s has a corrupt header (header size %" PRIu64 ", %u variables)",
                      path, h.header_bytes, h.nvars);
  }
  if ((uint64_t)st.st_size < hb) {
    close(fd);
    return WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s is truncated: %lld bytes, its header alone needs %zu", path,
                      (long long)st.st_size, hb);
  }
  unsigned char *b = malloc(hb);
  if (!b || pread(fd, b, hb, 0) != (ssize_t)hb) {
    free(b);
    close(fd);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot read the header of checkpoint %s", path);
  }
  close(fd);
  *blk = b;
  *blen = hb;
  uint64_t stored;
  memcpy(&stored, b + hb - 8, 8);
  WHPC_CHECK(stored == fnv1a(b, hb - 8), WHPC_ERR_INPUT, "checkpoint %s: header checksum mismatch (corrupt header)",
             path);
  WHPC_CHECK((uint64_t)st.st_size >= h.file_bytes, WHPC_ERR_INPUT,
             "checkpoint %s is truncated: %lld bytes, expected %" PRIu64, path, (long long)st.st_size, h.file_bytes);
  WHPC_CHECK((uint64_t)st.st_size == h.file_bytes, WHPC_ERR_INPUT,
             "checkpoint %s has %lld bytes, expected %" PRIu64 " (trailing data)", path, (long long)st.st_size,
             h.file_bytes);
  h.app[sizeof h.app - 1] = 0;
  h.app_version[sizeof h.app_version - 1] = 0;
  WHPC_CHECK(strcmp(h.app, whpc_app_name(ck->ctx)) == 0, WHPC_ERR_INPUT,
             "checkpoint %s was written by %s, not by %s", path, h.app, whpc_app_name(ck->ctx));
  const ck_entry *e = (const ck_entry *)(b + sizeof h);
  WHPC_CHECK(h.nvars == (uint32_t)ck->nvars, WHPC_ERR_INPUT,
             "checkpoint %s holds %u variables, this run restores %d", path, h.nvars, ck->nvars);
  for (int i = 0; i < ck->nvars; i++) {
    const ck_var *v = &ck->vars[i];
    int64_t n[3];
    int nd;
    const ck_entry *f = NULL;
    for (uint32_t j = 0; j < h.nvars; j++)
      if (strncmp(e[j].name, v->name, CK_NAME) == 0) f = &e[j];
    WHPC_CHECK(f, WHPC_ERR_INPUT, "checkpoint %s has no variable %s", path, v->name);
    WHPC_CHECK(f->kind == v->kind && f->type == (uint32_t)v->type, WHPC_ERR_INPUT,
               "checkpoint %s: variable %s is a %s %s, this run expects a %s %s", path, v->name,
               type_name(f->type), f->kind ? "value list" : "field", type_name((uint32_t)v->type),
               v->kind ? "value list" : "field");
    WHPC_CHECK(f->ndims >= 1 && f->ndims <= 3, WHPC_ERR_INPUT,
               "checkpoint %s: variable %s has %d dimensions, expected 1 to 3 (corrupt table)", path, v->name,
               (int)f->ndims);
    var_shape(v, n, &nd);
    if (f->ndims != nd || f->n[0] != n[0] || f->n[1] != n[1] || f->n[2] != n[2]) {
      char have[96], want[96];
      fmt_shape(have, sizeof have, f->n, f->ndims);
      fmt_shape(want, sizeof want, n, nd);
      return WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s: %s %s is %s, this run's is %s (other grid)", path,
                        v->kind ? "value list" : "field", v->name, have, want);
    }
    /* the readers trust nbytes and offset: they must be exactly what this shape needs, inside the file */
    const uint64_t want_bytes = (uint64_t)n[0] * (uint64_t)n[1] * (uint64_t)n[2] * type_size(v->type);
    WHPC_CHECK(f->nbytes == want_bytes, WHPC_ERR_INPUT,
               "checkpoint %s: variable %s holds %" PRIu64 " bytes, its shape needs %" PRIu64 " (corrupt table)", path,
               v->name, f->nbytes, want_bytes);
    WHPC_CHECK(f->offset <= h.file_bytes && f->nbytes <= h.file_bytes - f->offset, WHPC_ERR_INPUT,
               "checkpoint %s: variable %s lies beyond the end of the file (corrupt table)", path, v->name);
  }
  WHPC_CHECK(h.config_hash == ck->config_hash, WHPC_ERR_INPUT,
             "checkpoint %s was written with another configuration (config hash %016llx, this run %016llx)", path,
             (unsigned long long)h.config_hash, ck->config_hash);
  if (strcmp(h.app_version, whpc_version()) != 0)
    whpc_log(ck->ctx, WHPC_LOG_WARN, "checkpoint %s was written by version %s, this is %s", path, h.app_version,
             whpc_version());
  return WHPC_OK;
}

static const ck_entry *find_entry(const unsigned char *hdr, const char *name) {
  const ck_head *h = (const ck_head *)hdr;
  const ck_entry *e = (const ck_entry *)(hdr + sizeof *h);
  for (uint32_t j = 0; j < h->nvars; j++)
    if (strncmp(e[j].name, name, CK_NAME) == 0) return &e[j];
  return NULL;
}

static int read_data(whpc_ckpt_t ck, const char *path, const unsigned char *hdr) {
  MPI_File fh;
  int rc = WHPC_OK;
  uint64_t *sums = calloc((size_t)ck->nvars + 1, sizeof *sums);
  WHPC_CHECK(sums, WHPC_ERR_MEM, "cannot allocate checksums");
  int m = MPI_File_open(ck->comm, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh);
  if (m != MPI_SUCCESS) free(sums);
  CKMPI(path, m, "open");
  for (int i = 0; i < ck->nvars && rc == WHPC_OK; i++) {
    const ck_var *v = &ck->vars[i];
    if (v->kind != 0) continue;
    const ck_entry *e = find_entry(hdr, v->name);
    size_t n = field_local_count(v), es = type_size(v->type);
    unsigned char *buf = malloc(n * es + 1);
    MPI_Datatype ft;
    if (!buf) {
      rc = WHPC_RAISE(WHPC_ERR_MEM, "%s: cannot allocate %zu bytes for %s", path, n * es, v->name);
      break;
    }
    rc = field_view(fh, path, v, e->offset, &ft);
    if (!rc) {
      if (MPI_File_read_all(fh, buf, (int)n, mpi_type(v->type), MPI_STATUS_IGNORE) != MPI_SUCCESS)
        rc = WHPC_RAISE(WHPC_ERR_IO, "%s: read %s failed", path, v->name);
      else
        sums[i] = pack_field(v, buf, 0);
      MPI_Type_free(&ft);
    }
    free(buf);
  }
  if (rc == WHPC_OK && MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL) != MPI_SUCCESS)
    rc = WHPC_RAISE(WHPC_ERR_IO, "%s: reset file view", path);
  for (int i = 0; i < ck->nvars && rc == WHPC_OK; i++) {
    const ck_var *v = &ck->vars[i];
    if (v->kind != 1) continue;
    const ck_entry *e = find_entry(hdr, v->name);
    if (MPI_File_read_at(fh, (MPI_Offset)e->offset, v->data, (int)e->nbytes, MPI_BYTE, MPI_STATUS_IGNORE) !=
        MPI_SUCCESS)
      rc = WHPC_RAISE(WHPC_ERR_IO, "%s: read %s failed", path, v->name);
    else if (ck->rank == 0)
      sums[i] = values_checksum(v->data, v->count, type_size(v->type));
  }
  MPI_File_close(&fh);
  rc = agree(ck->comm, rc);
  if (rc == WHPC_OK) {
    if (MPI_Allreduce(MPI_IN_PLACE, sums, ck->nvars, MPI_UINT64_T, MPI_SUM, ck->comm) != MPI_SUCCESS)
      rc = WHPC_RAISE(WHPC_ERR_MPI, "%s: checksum reduction failed", path);
    for (int i = 0; i < ck->nvars && rc == WHPC_OK; i++) {
      const ck_entry *e = find_entry(hdr, ck->vars[i].name);
      if (sums[i] != e->checksum) {
        rc = WHPC_RAISE(WHPC_ERR_INPUT, "checkpoint %s: checksum mismatch in variable %s (corrupt data)", path,
                        ck->vars[i].name);
        whpc_err_set_collective(1); /* every rank computed the same sums */
      }
    }
  }
  free(sums);
  return rc ? whpc_err_trace(rc, __FILE__, __LINE__, __func__) : WHPC_OK;
}

int whpc_checkpoint_read(whpc_ckpt_t ck, const char *path, int *found, long *step) {
  char resolved[4200] = "";
  unsigned char *hdr = NULL;
  size_t hb = 0;
  int rc = WHPC_OK;
  WHPC_CHECK(ck && path && found && step, WHPC_ERR_ARG, "whpc_checkpoint_read: NULL argument");
  *found = 0;
  if (ck->rank == 0) {
    if (strcmp(path, "latest") == 0) {
      long *steps;
      int n;
      rc = list_steps(ck, &steps, &n);
      if (!rc && n > 0) ckpt_name(ck, steps[n - 1], resolved, sizeof resolved);
      free(steps);
    } else {
      snprintf(resolved, sizeof resolved, "%s", path);
    }
    if (!rc && resolved[0]) rc = check_header(ck, resolved, &hdr, &hb);
  }
  rc = agree(ck->comm, rc);
  if (rc) {
    free(hdr);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  MPI_Bcast(resolved, sizeof resolved, MPI_CHAR, 0, ck->comm);
  if (!resolved[0]) return WHPC_OK; /* "latest" and none yet: a fresh start */
  unsigned long long hb64 = hb;
  MPI_Bcast(&hb64, 1, MPI_UNSIGNED_LONG_LONG, 0, ck->comm);
  if (ck->rank != 0) {
    hdr = malloc(hb64);
    WHPC_CHECK(hdr, WHPC_ERR_MEM, "cannot allocate a checkpoint header");
  }
  MPI_Bcast(hdr, (int)hb64, MPI_BYTE, 0, ck->comm);
  rc = read_data(ck, resolved, hdr);
  if (!rc) {
    *step = (long)((const ck_head *)hdr)->step;
    *found = 1;
    snprintf(ck->last, sizeof ck->last, "%s", resolved);
    whpc_log(ck->ctx, WHPC_LOG_INFO, "restarted from %s (step %ld)", resolved, *step);
  }
  free(hdr);
  return rc ? whpc_err_trace(rc, __FILE__, __LINE__, __func__) : WHPC_OK;
}

int whpc_checkpoint_restart(whpc_ckpt_t ck, int *found, long *step) {
  const char *what;
  WHPC_CHECK(ck && found && step, WHPC_ERR_ARG, "whpc_checkpoint_restart: NULL argument");
  *found = 0;
  WHPC_CALL(whpc_config_get_string(ck->ctx, "checkpoint.restart", &what));
  if (!what || !*what) return WHPC_OK;
  WHPC_CALL(whpc_checkpoint_read(ck, what, found, step));
  return WHPC_OK;
}

int whpc_checkpoint_due(whpc_ckpt_t ck, long step) { return ck && ck->every > 0 && step % ck->every == 0; }
const char *whpc_checkpoint_last_path(whpc_ckpt_t ck) { return ck ? ck->last : ""; }
const char *whpc_checkpoint_dir(whpc_ckpt_t ck) { return ck ? ck->dir : ""; }
void whpc_checkpoint_set_keep(whpc_ckpt_t ck, int keep) {
  if (ck && keep >= 1) ck->keep = keep;
}
void whpc_checkpoint_set_every(whpc_ckpt_t ck, long every) {
  if (ck && every >= 0) ck->every = every;
}

int whpc_checkpoint_destroy(whpc_ckpt_t *ck) {
  if (!ck || !*ck) return WHPC_OK;
  free((*ck)->vars);
  free(*ck);
  *ck = NULL;
  return WHPC_OK;
}
