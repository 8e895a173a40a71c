/* t310_ckpt — checkpoint files: write/keep/latest, restart at any rank count, clear errors.
 *   t310_ckpt [--app NAME] write DIR [key=value ...]  steps 1..5 into DIR with keep = 2, checks
 *                                                      pruning, a stale *.tmp, reads "latest" back
 *   t310_ckpt [--app NAME] read DIR|FILE [key=value]   reads "latest" of DIR (or FILE) and checks
 *                                                      the state is step 5's, cell for cell
 *   t310_ckpt writeall PREFIX | readall PREFIX        write PREFIX-npP (P = ranks) | read
 *                                                      PREFIX-np1 .. PREFIX-np4 (all P -> Q pairs)
 * Keys t3.nx, t3.ny, t3.nz (grid) and t3.tag take part in the config hash (prefix "t3."). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#define TEST_NAME "t310"
#include "io_test.h"

static const whpc_cfg_key KEYS[] = {
    {"t3.nx", WHPC_CFG_INT, "23", "", 1, 4096, NULL, "cells in x"},
    {"t3.ny", WHPC_CFG_INT, "17", "", 1, 4096, NULL, "cells in y"},
    {"t3.nz", WHPC_CFG_INT, "5", "", 1, 4096, NULL, "cells in z of the 3D field"},
    {"t3.tag", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL, "any text (changes the config hash)"},
};

typedef struct {
  whpc_decomp_t g2, g3;
  double *u, time;
  float *q;
  unsigned char *mask; /* a 1-byte field on the 2D grid */
  int64_t *ids;        /* an int64 field on the 3D grid */
  int64_t rng[4];
} state;

static unsigned char mask_value(long i, long j, int step) { return (unsigned char)((i * 31 + j * 17 + step) & 0xff); }
static int64_t id_value(long i, long j, long k, int step) { return ((int64_t)step << 40) ^ (i + 1000 * j + 1000000 * k); }

/* Visit the owned cells of g: fn(i, j, k, c) with c the ghosted index. */
#define FOR_OWNED(g, BODY)                                                                          \
  do {                                                                                              \
    whpc_layout lay_;                                                                               \
    whpc_box own_;                                                                                  \
    whpc_decomp_layout(g, &lay_);                                                                   \
    whpc_decomp_owned(g, &own_);                                                                    \
    for (long k = own_.lo[2]; k < own_.hi[2]; k++)                                                  \
      for (long j = own_.lo[1]; j < own_.hi[1]; j++)                                                \
        for (long i = own_.lo[0]; i < own_.hi[0]; i++) {                                            \
          size_t c = whpc_layout_index(&lay_, i - own_.lo[0], j - own_.lo[1], k - own_.lo[2]);     \
          BODY;                                                                                     \
        }                                                                                           \
  } while (0)

static void set_state(state *s, int step) {
  whpc_layout lay;
  whpc_box own;
  io_fill(s->g2, s->u, step, 0);
  whpc_decomp_layout(s->g3, &lay);
  whpc_decomp_owned(s->g3, &own);
  for (long k = own.lo[2]; k < own.hi[2]; k++)
    for (long j = own.lo[1]; j < own.hi[1]; j++)
      for (long i = own.lo[0]; i < own.hi[0]; i++)
        s->q[whpc_layout_index(&lay, i - own.lo[0], j - own.lo[1], k - own.lo[2])] = (float)io_value(i, j, k, 10 + step, 0);
  FOR_OWNED(s->g2, s->mask[c] = mask_value(i, j, step));
  FOR_OWNED(s->g3, s->ids[c] = id_value(i, j, k, step));
  s->time = 0.5 * step;
  s->rng[0] = step, s->rng[1] = (int64_t)step * step, s->rng[2] = 7, s->rng[3] = -step;
}

static long check_state(state *s, int step) {
  whpc_layout lay;
  whpc_box own;
  long bad = io_compare(s->g2, s->u, step, 0, 0);
  whpc_decomp_layout(s->g3, &lay);
  whpc_decomp_owned(s->g3, &own);
  for (long k = own.lo[2]; k < own.hi[2]; k++)
    for (long j = own.lo[1]; j < own.hi[1]; j++)
      for (long i = own.lo[0]; i < own.hi[0]; i++)
        bad += s->q[whpc_layout_index(&lay, i - own.lo[0], j - own.lo[1], k - own.lo[2])] != (float)io_value(i, j, k, 10 + step, 0);
  FOR_OWNED(s->g2, bad += s->mask[c] != mask_value(i, j, step));
  FOR_OWNED(s->g3, bad += s->ids[c] != id_value(i, j, k, step));
  bad += s->time != 0.5 * step;
  bad += s->rng[0] != step || s->rng[1] != (int64_t)step * step || s->rng[2] != 7 || s->rng[3] != -step;
  return bad;
}

static void clear_state(state *s) {
  memset(s->u, 0, whpc_decomp_ghosted_count(s->g2) * sizeof *s->u);
  memset(s->q, 0, whpc_decomp_ghosted_count(s->g3) * sizeof *s->q);
  memset(s->mask, 0, whpc_decomp_ghosted_count(s->g2));
  memset(s->ids, 0, whpc_decomp_ghosted_count(s->g3) * sizeof *s->ids);
  s->time = -1;
  memset(s->rng, 0, sizeof s->rng);
}

static int count_ckpts(const char *dir, char *names, size_t len) {
  DIR *d = opendir(dir);
  int n = 0;
  names[0] = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));) {
    size_t l = strlen(e->d_name);
    if (l > 5 && strcmp(e->d_name + l - 5, ".ckpt") == 0) {
      n++;
      strncat(names, e->d_name, len - strlen(names) - 2);
      strncat(names, " ", len - strlen(names) - 1);
    }
  }
  closedir(d);
  return n;
}

static int run(whpc_ctx_t ctx, int writing, const char *where) {
  long nx, ny, nz;
  const char *tag;
  state s;
  whpc_ckpt_t ck;
  WHPC_CALL(whpc_config_get_int(ctx, "t3.nx", &nx));
  WHPC_CALL(whpc_config_get_int(ctx, "t3.ny", &ny));
  WHPC_CALL(whpc_config_get_int(ctx, "t3.nz", &nz));
  WHPC_CALL(whpc_config_get_string(ctx, "t3.tag", &tag));
  whpc_decomp_desc d2 = {2, {nx, ny, 1}, {0, 0, 0}, {1, 0, 0}, 1, "t3.nx/ny"};
  whpc_decomp_desc d3 = {3, {9, 7, nz}, {0, 0, 0}, {0, 0, 0}, 2, "9 x 7 x t3.nz"};
  WHPC_CALL(whpc_decomp_create(ctx, &d2, &s.g2));
  WHPC_CALL(whpc_decomp_create(ctx, &d3, &s.g3));
  WHPC_MALLOC(s.u, whpc_decomp_ghosted_count(s.g2));
  WHPC_MALLOC(s.q, whpc_decomp_ghosted_count(s.g3));
  WHPC_MALLOC(s.mask, whpc_decomp_ghosted_count(s.g2));
  WHPC_MALLOC(s.ids, whpc_decomp_ghosted_count(s.g3));
  struct stat st;
  int is_dir = writing || (stat(where, &st) == 0 && S_ISDIR(st.st_mode));
  WHPC_CALL(whpc_checkpoint_create(ctx, writing || is_dir ? where : ".", whpc_config_hash(ctx, "t3."), &ck));
  WHPC_CALL(whpc_checkpoint_add_field(ck, "u", s.g2, WHPC_CK_DOUBLE, s.u));
  WHPC_CALL(whpc_checkpoint_add_field(ck, "q", s.g3, WHPC_CK_FLOAT, s.q));
  WHPC_CALL(whpc_checkpoint_add_field(ck, "mask", s.g2, WHPC_CK_BYTES, s.mask));
  WHPC_CALL(whpc_checkpoint_add_field(ck, "ids", s.g3, WHPC_CK_INT64, s.ids));
  WHPC_CALL(whpc_checkpoint_add_values(ck, "time", WHPC_CK_DOUBLE, &s.time, 1));
  WHPC_CALL(whpc_checkpoint_add_values(ck, "rng", WHPC_CK_INT64, s.rng, 4));
  int found;
  long step;
  if (writing) {
    char names[4096], tmp[4200];
    whpc_checkpoint_set_keep(ck, 2);
    for (int st5 = 1; st5 <= 5; st5++) {
      set_state(&s, st5);
      WHPC_CALL(whpc_checkpoint_write(ck, st5));
    }
    if (whpc_rank(ctx) == 0) {
      int n = count_ckpts(where, names, sizeof names);
      EXPECT(n == 2 && strstr(names, "0000000004") && strstr(names, "0000000005"), "kept: %s", names);
      /* A checkpoint interrupted before its rename: garbage under the temporary name. */
      snprintf(tmp, sizeof tmp, "%s/%s-0000000009.ckpt.tmp", where, whpc_app_name(ctx));
      FILE *fp = fopen(tmp, "w");
      EXPECT(fp != NULL, "cannot create %s", tmp);
      if (fp) fputs("half a checkpoint", fp), fclose(fp);
    }
    MPI_Barrier(whpc_comm(ctx));
  }
  clear_state(&s);
  WHPC_CALL(whpc_checkpoint_read(ck, is_dir ? "latest" : where, &found, &step));
  EXPECT(found && step == 5, "found %d step %ld (%s)", found, step, whpc_checkpoint_last_path(ck));
  EXPECT(check_state(&s, 5) == 0, "state read back differs from step 5's");
  if (writing) { /* the previous checkpoint is still there and intact */
    char prev[4200];
    snprintf(prev, sizeof prev, "%s/%s-0000000004.ckpt", where, whpc_app_name(ctx));
    WHPC_CALL(whpc_checkpoint_read(ck, prev, &found, &step));
    EXPECT(found && step == 4 && check_state(&s, 4) == 0, "step 4 checkpoint not intact");
  }
  whpc_checkpoint_destroy(&ck);
  free(s.u);
  free(s.q);
  free(s.mask);
  free(s.ids);
  WHPC_CALL(whpc_decomp_destroy(&s.g3));
  WHPC_CALL(whpc_decomp_destroy(&s.g2));
  return WHPC_OK;
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  whpc_app_info info = {.name = "t310_ckpt", .summary = "checkpoint test"};
  if (argc > 2 && strcmp(argv[1], "--app") == 0) {
    info.name = argv[2];
    argv += 2, argc -= 2;
  }
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  if (argc < 3 || (strcmp(argv[1], "write") && strcmp(argv[1], "read") && strcmp(argv[1], "readall") &&
                    strcmp(argv[1], "writeall")))
    WHPC_MAIN(comm, WHPC_RAISE(WHPC_ERR_INPUT, "usage: t310_ckpt [--app NAME] write|read DIR|FILE [key=value ...]"));
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, KEYS, WHPC_NKEYS(KEYS)));
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, whpc_checkpoint_keys, whpc_checkpoint_nkeys));
  WHPC_MAIN(comm, whpc_config_load_text(ctx, "t310", "", argc - 3, argv + 3));
  if (strcmp(argv[1], "readall") == 0) {
    for (int p = 1; p <= 4; p++) {
      char dir[4096];
      snprintf(dir, sizeof dir, "%s-np%d", argv[2], p);
      WHPC_MAIN(comm, run(ctx, 0, dir));
    }
  } else if (strcmp(argv[1], "writeall") == 0) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s-np%d", argv[2], whpc_size(ctx));
    WHPC_MAIN(comm, run(ctx, 1, dir));
  } else
    WHPC_MAIN(comm, run(ctx, argv[1][0] == 'w', argv[2]));
  int bad = test_failures_total(comm);
  if (whpc_rank(ctx) == 0) printf("t310 %s at %d ranks: %s\n", argv[1], whpc_size(ctx), bad ? "FAILED" : "ok");
  whpc_finalize(&ctx);
  return bad ? 1 : 0;
}
