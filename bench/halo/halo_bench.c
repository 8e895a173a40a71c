/* whpc-bench-halo — whpc_halo exchange time against two hand-written MPI peers on the same
 * decomposition, measured in the same run:
 *   raw   : MPI_Irecv/MPI_Isend of the same bytes from contiguous, already packed buffers to
 *           the same neighbours (a lower bound: no packing at all);
 *   fresh : the same as raw, but the send buffers are rewritten before and the receive buffers
 *           read after each exchange, as an app sending new data must (the cost of moving
 *           freshly written cache lines between cores, without any strided packing);
 *   dtype : MPI_Irecv/MPI_Isend straight from/to the ghosted arrays with MPI subarray datatypes
 *           (what a hand-written stencil code typically does).
 * Per case and method: `bench.rounds` rounds of about `bench.time` s each, methods interleaved;
 * every exchange starts after a barrier and counts with its slowest rank's time. The table gives
 * the minimum (the ratio columns) and the median (last column) over all exchanges.
 * Cases: 2D and 3D double fields of a few sizes, split along the slowest dimension (contiguous
 * faces, what the automatic dims choose for square grids on 2 ranks) and along x (strided faces).
 * Periodic along the split dimension only, so every message goes to another rank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whpc.h"

static const whpc_cfg_key BENCH_KEYS[] = {
    {"bench.rounds", WHPC_CFG_INT, "5", "", 1, 1000, NULL, "interleaved measurement rounds per case and method"},
    {"bench.time", WHPC_CFG_REAL, "0.05", "s", 1e-4, 100, NULL, "wall time of one round of one method"},
    {"bench.fields", WHPC_CFG_INT, "1", "", 1, 8, NULL, "double fields exchanged together"},
    {"bench.width", WHPC_CFG_INT, "1", "", 1, 4, NULL, "ghost width"},
    {"bench.max_cells", WHPC_CFG_INT, "16777216", "", 1, 1L << 34, NULL, "skip cases with more global cells"},
};

typedef struct {
  const char *name;
  int ndims;
  long n[3];
  int split; /* dimension split over the ranks */
} bench_case;

/* One face message of the hand-written peers. */
typedef struct {
  int peer, stag, rtag;
  int count;            /* elements per field */
  MPI_Datatype stype, rtype;
  double *sbuf, *rbuf;  /* raw: contiguous buffers (all fields) */
  double *scratch;      /* fresh: where received data is read into */
} face;

typedef struct {
  whpc_decomp_t g;
  whpc_halo_t h;
  int nfields;
  double **fields;
  int nface;
  face faces[6];
  MPI_Request req[24];
} setup;

static int make_faces(setup *s, int width) {
  whpc_decomp_t g = s->g;
  int nd = whpc_decomp_ndims(g), me;
  long nl[3], ng[3];
  whpc_decomp_local_size(g, nl);
  whpc_decomp_ghosted_size(g, ng);
  MPI_Comm_rank(whpc_decomp_comm(g), &me);
  for (int d = 0; d < nd; d++)
    for (int side = -1; side <= 1; side += 2) {
      int o[3] = {0, 0, 0};
      o[d] = side;
      int peer = whpc_decomp_neighbor(g, o);
      if (peer == MPI_PROC_NULL) continue;
      WHPC_CHECK(peer != me, WHPC_ERR_ARG, "bench: self message (periodic unsplit dimension)");
      face *f = &s->faces[s->nface++];
      f->peer = peer;
      f->stag = (o[0] + 1) + 3 * (o[1] + 1) + 9 * (o[2] + 1);
      f->rtag = 26 - f->stag;
      /* Subarrays in C order: dims reversed (z, y, x). */
      int sizes[3], sub[3], sst[3], rst[3];
      long cnt = 1;
      for (int e = 0; e < nd; e++) {
        int r = nd - 1 - e;
        sizes[r] = (int)ng[e];
        long gw = whpc_decomp_ghost(g);
        if (e == d) {
          sub[r] = width;
          sst[r] = (int)(side < 0 ? gw : gw + nl[e] - width);
          rst[r] = (int)(side < 0 ? gw - width : gw + nl[e]);
        } else {
          sub[r] = (int)nl[e];
          sst[r] = rst[r] = (int)gw;
        }
        cnt *= sub[r];
      }
      f->count = (int)cnt;
      WHPC_MPI(MPI_Type_create_subarray(nd, sizes, sub, sst, MPI_ORDER_C, MPI_DOUBLE, &f->stype));
      WHPC_MPI(MPI_Type_create_subarray(nd, sizes, sub, rst, MPI_ORDER_C, MPI_DOUBLE, &f->rtype));
      WHPC_MPI(MPI_Type_commit(&f->stype));
      WHPC_MPI(MPI_Type_commit(&f->rtype));
      f->sbuf = calloc((size_t)cnt * (size_t)s->nfields, sizeof(double));
      f->rbuf = calloc((size_t)cnt * (size_t)s->nfields, sizeof(double));
      f->scratch = calloc((size_t)cnt * (size_t)s->nfields, sizeof(double));
      WHPC_CHECK(f->sbuf && f->rbuf && f->scratch, WHPC_ERR_MEM, "bench: buffers");
      for (long i = 0; i < cnt * s->nfields; i++) f->sbuf[i] = (double)i; /* real pages, not the zero page */
    }
  return WHPC_OK;
}

enum { M_HALO, M_RAW, M_FRESH, M_DTYPE, NMETHODS };

static int exchange(setup *s, int method) {
  MPI_Comm comm = whpc_decomp_comm(s->g);
  if (method == M_HALO) {
    WHPC_CALL(whpc_halo_exchange(s->h, (void *const *)s->fields));
    return WHPC_OK;
  }
  static double stamp = 0.0;
  const int contiguous = method == M_RAW || method == M_FRESH;
  int q = 0;
  for (int k = 0; k < s->nface; k++) {
    face *f = &s->faces[k];
    if (contiguous)
      WHPC_MPI(MPI_Irecv(f->rbuf, f->count * s->nfields, MPI_DOUBLE, f->peer, f->rtag, comm, &s->req[q++]));
    else
      for (int v = 0; v < s->nfields; v++)
        WHPC_MPI(MPI_Irecv(s->fields[v], 1, f->rtype, f->peer, f->rtag * 8 + v, comm, &s->req[q++]));
  }
  stamp += 1.0;
  for (int k = 0; k < s->nface; k++) {
    face *f = &s->faces[k];
    if (method == M_FRESH)
      for (long i = 0; i < (long)f->count * s->nfields; i++) f->sbuf[i] = stamp;
    if (contiguous)
      WHPC_MPI(MPI_Isend(f->sbuf, f->count * s->nfields, MPI_DOUBLE, f->peer, f->stag, comm, &s->req[q++]));
    else
      for (int v = 0; v < s->nfields; v++)
        WHPC_MPI(MPI_Isend(s->fields[v], 1, f->stype, f->peer, f->stag * 8 + v, comm, &s->req[q++]));
  }
  WHPC_MPI(MPI_Waitall(q, s->req, MPI_STATUSES_IGNORE));
  if (method == M_FRESH)
    for (int k = 0; k < s->nface; k++)
      memcpy(s->faces[k].scratch, s->faces[k].rbuf, sizeof(double) * (size_t)s->faces[k].count * (size_t)s->nfields);
  return WHPC_OK;
}

/* Times of single exchanges, each started after a barrier: on a shared, loaded machine the
 * minimum and the median of many single exchanges are far more reproducible than a mean. */
static int time_reps(setup *s, int method, long reps, double *t) {
  MPI_Comm comm = whpc_decomp_comm(s->g);
  for (long r = 0; r < reps; r++) {
    WHPC_MPI(MPI_Barrier(comm));
    double t0 = MPI_Wtime();
    WHPC_CALL(exchange(s, method));
    t[r] = MPI_Wtime() - t0;
  }
  return WHPC_OK;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void free_setup(setup *s) {
  for (int k = 0; k < s->nface; k++) {
    MPI_Type_free(&s->faces[k].stype);
    MPI_Type_free(&s->faces[k].rtype);
    free(s->faces[k].sbuf);
    free(s->faces[k].rbuf);
    free(s->faces[k].scratch);
  }
  if (s->fields)
    for (int v = 0; v < s->nfields; v++) free(s->fields[v]);
  free(s->fields);
  (void)whpc_halo_destroy(&s->h);
  (void)whpc_decomp_destroy(&s->g);
}

typedef struct {
  double t[NMETHODS];   /* minimum over exchanges (slowest rank of each) */
  double med[NMETHODS]; /* median */
  size_t bytes;
  int dims[3];
  long nl[3];
} result;

static int run_case(whpc_ctx_t ctx, const bench_case *c, int width, int nfields, int rounds, double round_time,
                    result *res) {
  setup s;
  memset(&s, 0, sizeof s);
  s.nfields = nfields;
  int size = whpc_size(ctx);
  whpc_decomp_desc desc = {c->ndims, {c->n[0], c->n[1], c->n[2]}, {1, 1, 1}, {0, 0, 0}, width, c->name};
  desc.dims[c->split] = size;
  desc.periodic[c->split] = size > 1;
  WHPC_CALL(whpc_decomp_create(ctx, &desc, &s.g));
  WHPC_CALL(whpc_halo_create(s.g, sizeof(double), nfields, width, WHPC_HALO_FACES, &s.h));
  size_t count = whpc_decomp_ghosted_count(s.g);
  WHPC_MALLOC(s.fields, nfields);
  for (int v = 0; v < nfields; v++) {
    WHPC_MALLOC(s.fields[v], count);
    for (size_t i = 0; i < count; i++) s.fields[v][i] = (double)(i % 1000) + v;
  }
  WHPC_CALL(make_faces(&s, width));
  /* Calibrate: exchanges per round from a few timed ones, agreed over ranks. */
  for (int m = 0; m < NMETHODS; m++)
    for (int w = 0; w < 3; w++) WHPC_CALL(exchange(&s, m)); /* warm-up */
  double probe[5], t1 = 0.0;
  WHPC_CALL(time_reps(&s, M_HALO, 5, probe));
  for (int i = 0; i < 5; i++) t1 += probe[i] / 5;
  WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, &t1, 1, MPI_DOUBLE, MPI_MAX, whpc_decomp_comm(s.g)));
  long reps = (long)(round_time / (t1 + 5e-6));
  reps = reps < 5 ? 5 : reps > 20000 ? 20000 : reps;
  long total = reps * rounds;
  double *t[NMETHODS];
  for (int m = 0; m < NMETHODS; m++) WHPC_MALLOC(t[m], total);
  for (int r = 0; r < rounds; r++) /* methods interleaved round by round */
    for (int m = 0; m < NMETHODS; m++) WHPC_CALL(time_reps(&s, m, reps, t[m] + r * reps));
  for (int m = 0; m < NMETHODS; m++) {
    /* Each exchange counts as long as its slowest rank took. */
    WHPC_MPI(MPI_Allreduce(MPI_IN_PLACE, t[m], (int)total, MPI_DOUBLE, MPI_MAX, whpc_decomp_comm(s.g)));
    qsort(t[m], (size_t)total, sizeof(double), cmp_double);
    res->t[m] = t[m][0];
    res->med[m] = t[m][total / 2];
    free(t[m]);
  }
  res->bytes = whpc_halo_bytes(s.h);
  whpc_decomp_dims(s.g, res->dims);
  whpc_decomp_local_size(s.g, res->nl);
  free_setup(&s);
  return WHPC_OK;
}

int main(int argc, char **argv) {
  whpc_app_info info = {"whpc-bench-halo", "halo exchange vs hand-written MPI on the same decomposition", "[key=value ...]",
                        0};
  whpc_ctx_t ctx;
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, BENCH_KEYS, WHPC_NKEYS(BENCH_KEYS)));
  int rc = whpc_config_load(ctx, argc, argv);
  if (rc == WHPC_DONE) return whpc_finalize(&ctx);
  WHPC_MAIN(comm, rc);
  long rounds, nfields, width, max_cells;
  double round_time;
  WHPC_MAIN(comm, whpc_config_get_int(ctx, "bench.rounds", &rounds));
  WHPC_MAIN(comm, whpc_config_get_real(ctx, "bench.time", &round_time));
  WHPC_MAIN(comm, whpc_config_get_int(ctx, "bench.fields", &nfields));
  WHPC_MAIN(comm, whpc_config_get_int(ctx, "bench.width", &width));
  WHPC_MAIN(comm, whpc_config_get_int(ctx, "bench.max_cells", &max_cells));
  WHPC_MAIN(comm, whpc_output_prepare(ctx, "halo"));

  static const bench_case CASES[] = {
      {"2d-256-splity", 2, {256, 256, 1}, 1},     {"2d-1024-splity", 2, {1024, 1024, 1}, 1},
      {"2d-4096-splity", 2, {4096, 4096, 1}, 1},  {"2d-256-splitx", 2, {256, 256, 1}, 0},
      {"2d-1024-splitx", 2, {1024, 1024, 1}, 0},  {"2d-4096-splitx", 2, {4096, 4096, 1}, 0},
      {"3d-32-splitz", 3, {32, 32, 32}, 2},       {"3d-64-splitz", 3, {64, 64, 64}, 2},
      {"3d-128-splitz", 3, {128, 128, 128}, 2},   {"3d-32-splitx", 3, {32, 32, 32}, 0},
      {"3d-64-splitx", 3, {64, 64, 64}, 0},       {"3d-128-splitx", 3, {128, 128, 128}, 0},
  };
  const int ncases = (int)(sizeof(CASES) / sizeof(CASES[0]));
  result res[sizeof(CASES) / sizeof(CASES[0])];
  int done[sizeof(CASES) / sizeof(CASES[0])] = {0};
  int rank = whpc_rank(ctx);
  if (rank == 0)
    printf("whpc-bench-halo: %d ranks, %ld field(s) of double, width %ld, min/median of single exchanges, %ld rounds of %.3g s\n"
           "%-15s %-6s %-12s %9s %9s %9s %9s %9s %9s %9s %9s %9s\n",
           whpc_size(ctx), nfields, width, rounds, round_time, "case", "dims", "local", "bytes/rank", "halo_us",
           "raw_us", "fresh_us", "dtype_us", "halo/raw", "h/fresh", "h/dtype", "med h/raw");
  for (int c = 0; c < ncases; c++) {
    if (CASES[c].n[0] * CASES[c].n[1] * CASES[c].n[2] > max_cells) continue;
    WHPC_MAIN(comm, run_case(ctx, &CASES[c], (int)width, (int)nfields, (int)rounds, round_time, &res[c]));
    done[c] = 1;
    if (rank == 0) {
      const result *r = &res[c];
      char dims[32], local[48];
      if (CASES[c].ndims == 2) {
        snprintf(dims, sizeof dims, "%dx%d", r->dims[0], r->dims[1]);
        snprintf(local, sizeof local, "%ldx%ld", r->nl[0], r->nl[1]);
      } else {
        snprintf(dims, sizeof dims, "%dx%dx%d", r->dims[0], r->dims[1], r->dims[2]);
        snprintf(local, sizeof local, "%ldx%ldx%ld", r->nl[0], r->nl[1], r->nl[2]);
      }
      printf("%-15s %-6s %-12s %9zu %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f\n", CASES[c].name, dims, local,
             r->bytes, r->t[M_HALO] * 1e6, r->t[M_RAW] * 1e6, r->t[M_FRESH] * 1e6, r->t[M_DTYPE] * 1e6,
             r->t[M_HALO] / r->t[M_RAW], r->t[M_HALO] / r->t[M_FRESH], r->t[M_HALO] / r->t[M_DTYPE],
             r->med[M_HALO] / r->med[M_RAW]);
      fflush(stdout);
    }
  }

  /* JSON next to the table, written atomically by rank 0. */
  if (rank == 0) {
    char path[4096];
    whpc_file f;
    whpc_output_path(ctx, "halo-bench.json", path, sizeof path);
    rc = whpc_file_open(&f, path);
    if (rc == WHPC_OK) {
      fprintf(f.fp, "{\n  \"bench\": \"halo\",\n  \"version\": \"%s\",\n  \"git_revision\": \"%s\",\n", whpc_version(),
              whpc_git_revision());
      fprintf(f.fp, "  \"ranks\": %d,\n  \"fields\": %ld,\n  \"width\": %ld,\n  \"element\": \"double\",\n",
              whpc_size(ctx), nfields, width);
      fprintf(f.fp, "  \"rounds\": %ld,\n  \"round_time_s\": %g,\n  \"target_ratio\": 1.1,\n", rounds, round_time);
      fprintf(f.fp, "  \"methods\": {\"halo\": \"whpc_halo_exchange\", \"raw\": \"Isend/Irecv of packed contiguous "
                    "buffers (no packing)\", \"fresh\": \"raw with send buffers rewritten and receive buffers read "
                    "each exchange\", \"dtype\": \"Isend/Irecv with MPI subarray datatypes on the arrays\"},\n");
      fprintf(f.fp, "  \"cases\": [");
      int first = 1;
      for (int c = 0; c < ncases; c++) {
        if (!done[c]) continue;
        const result *r = &res[c];
        fprintf(f.fp,
                "%s\n    {\"name\": \"%s\", \"ndims\": %d, \"n\": [%ld, %ld, %ld], \"dims\": [%d, %d, %d], "
                "\"bytes_per_rank\": %zu, \"min_us\": {\"halo\": %.3f, \"raw\": %.3f, \"fresh\": %.3f, \"dtype\": %.3f}, "
                "\"ratio_raw\": %.4f, \"ratio_fresh\": %.4f, \"ratio_dtype\": %.4f, "
                "\"median_us\": {\"halo\": %.3f, \"raw\": %.3f, \"fresh\": %.3f, \"dtype\": %.3f}, "
                "\"median_ratio_raw\": %.4f}",
                first ? "" : ",", CASES[c].name, CASES[c].ndims, CASES[c].n[0], CASES[c].n[1], CASES[c].n[2],
                r->dims[0], r->dims[1], r->dims[2], r->bytes, r->t[M_HALO] * 1e6, r->t[M_RAW] * 1e6,
                r->t[M_FRESH] * 1e6, r->t[M_DTYPE] * 1e6, r->t[M_HALO] / r->t[M_RAW], r->t[M_HALO] / r->t[M_FRESH],
                r->t[M_HALO] / r->t[M_DTYPE], r->med[M_HALO] * 1e6, r->med[M_RAW] * 1e6, r->med[M_FRESH] * 1e6,
                r->med[M_DTYPE] * 1e6, r->med[M_HALO] / r->med[M_RAW]);
        first = 0;
      }
      fprintf(f.fp, "\n  ]\n}\n");
      rc = whpc_file_commit(&f);
    }
    if (rc == WHPC_OK) printf("results: %s\n", path);
  }
  int grc;
  whpc_agree(comm, rc, &grc);
  WHPC_MAIN(comm, grc);
  return whpc_finalize(&ctx);
}
