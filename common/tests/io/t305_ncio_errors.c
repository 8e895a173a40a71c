/* t305_ncio_errors — every bad NetCDF input is a clear WHPC_ERR_INPUT naming the file (and the
 * variable and sizes where they matter), the same on every rank; nothing half-written stays;
 * time units that are not CF are refused.
 *   t305_ncio_errors FILE   FILE: a t301 2D output (37 x 23, temp with 2 records) */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define TEST_NAME "t305"
#include "io_test.h"
#include "whpc_ncio.h"

/* The call must fail with WHPC_ERR_INPUT/IO and a message holding every needle. */
#define EXPECT_ERR(call, code, ...)                                                       \
  do {                                                                                    \
    int rc_ = (call);                                                                     \
    const char *needles_[] = {__VA_ARGS__, NULL};                                         \
    const char *msg_ = whpc_err_message();                                                \
    int ok_ = rc_ == (code);                                                              \
    for (int n_ = 0; needles_[n_]; n_++) ok_ = ok_ && strstr(msg_, needles_[n_]) != NULL; \
    EXPECT(ok_, "%s: rc %d, message '%s'", #call, rc_, msg_);                             \
    if (rank == 0 && ok_) printf("ok   %s\n", msg_);                                      \
    whpc_err_clear();                                                                     \
  } while (0)

static int run(whpc_ctx_t ctx, const char *good) {
  int rank = whpc_rank(ctx), vid;
  whpc_decomp_t g, g_other;
  whpc_ncfile_t f = NULL;
  whpc_decomp_desc d = {2, {37, 23, 1}, {0, 0, 0}, {0, 0, 0}, 1, "t305"};
  whpc_decomp_desc d_other = {2, {36, 23, 1}, {0, 0, 0}, {0, 0, 0}, 1, "t305 other"};
  WHPC_CALL(whpc_decomp_create(ctx, &d, &g));
  WHPC_CALL(whpc_decomp_create(ctx, &d_other, &g_other));
  double *u;
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));

  EXPECT_ERR(whpc_ncio_open(g, "no/such/file.nc", &f), WHPC_ERR_INPUT, "no/such/file.nc", "No such file");
  const char *text = "t305-not-netcdf.nc";
  if (rank == 0) {
    FILE *fp = fopen(text, "w");
    if (fp) fputs("this is not NetCDF\n", fp), fclose(fp);
  }
  MPI_Barrier(whpc_comm(ctx));
  EXPECT_ERR(whpc_ncio_open(g, text, &f), WHPC_ERR_INPUT, text, "is not a readable NetCDF-4 file");

  WHPC_CALL(whpc_ncio_open(g, good, &f));
  EXPECT_ERR(whpc_ncio_inq_var(f, "nope", &vid), WHPC_ERR_INPUT, good, "no variable nope", "temp");
  WHPC_CALL(whpc_ncio_inq_var(f, "temp", &vid));
  EXPECT_ERR(whpc_ncio_read(f, vid, 5, u), WHPC_ERR_INPUT, good, "temp", "no record 5", "2 records");
  WHPC_CALL(whpc_ncio_close(&f));
  WHPC_CALL(whpc_ncio_open(g_other, good, &f));
  EXPECT_ERR(whpc_ncio_read(f, vid, 0, u), WHPC_ERR_INPUT, good, "temp is 37 x 23", "grid is 36 x 23");
  WHPC_CALL(whpc_ncio_close(&f));

  /* An existing complete file is not replaced without overwrite. */
  const whpc_nc_axis axes[2] = {{"x", "m", NULL, NULL, "X", NULL, NULL, NULL}, {"y", "m", NULL, NULL, "Y", NULL, NULL, NULL}};
  const whpc_nc_opts keep = {"t305", NULL, NULL, 0, 0, 0};
  EXPECT_ERR(whpc_ncio_create(g, good, &keep, axes, &f), WHPC_ERR_IO, good, "exists already");

  /* Abandoned: neither the .part nor the final name remains. */
  const char *gone = "t305-abandoned.nc";
  whpc_nc_var v = {"u", "1", NULL, "u", NULL, WHPC_NC_DOUBLE, 0, -1.0, NULL};
  WHPC_CALL(whpc_ncio_create(g, gone, &keep, axes, &f));
  EXPECT_ERR(whpc_ncio_def_time(f, "fortnights", NULL), WHPC_ERR_ARG, gone, "time units 'fortnights'", "since");
  WHPC_CALL(whpc_ncio_def_var(f, &v, &vid));
  WHPC_CALL(whpc_ncio_enddef(f));
  WHPC_CALL(whpc_ncio_abandon(&f));
  EXPECT(access("t305-abandoned.nc", F_OK) != 0 && access("t305-abandoned.nc.part", F_OK) != 0,
         "abandoned file left behind");
  if (rank == 0) printf("ok   abandoned file removed\n");
  free(u);
  WHPC_CALL(whpc_decomp_destroy(&g_other));
  return whpc_decomp_destroy(&g);
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {.name = "t305_ncio_errors", .summary = "NetCDF error paths"};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  WHPC_MAIN(comm, whpc_config_load_text(ctx, "t305", "", 0, NULL));
  if (argc != 2) WHPC_MAIN(comm, WHPC_RAISE(WHPC_ERR_INPUT, "usage: t305_ncio_errors FILE.nc"));
  WHPC_MAIN(comm, run(ctx, argv[1]));
  int bad = test_failures_total(comm);
  if (whpc_rank(ctx) == 0) printf("t305 at %d ranks: %s\n", whpc_size(ctx), bad ? "FAILED" : "ok");
  whpc_finalize(&ctx);
  return bad ? 1 : 0;
}
