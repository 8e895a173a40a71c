/* whpc-bench-ncio — write bandwidth of a 3D double field through whpc_ncio (NetCDF-4/HDF5,
 * uncompressed and deflate) against raw collective MPI-IO of the same bytes
 * (MPI_File_write_at_all through a subarray view, the file in global order), in one run.
 * Each case is timed from the ghosted local array to a closed file on disk (create/define,
 * pack, write, close), best of bench.repeat; bandwidth = field bytes / time. Prints the table
 * and the ratios (target ncio/raw >= 0.5 uncompressed) and writes report.json (results.*). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "whpc.h"
#include "whpc_ncio.h"

static const whpc_cfg_key KEYS[] = {
    {"bench.n", WHPC_CFG_INT, "128", "", 8, 4096, NULL, "cells per dimension of the n^3 double field"},
    {"bench.repeat", WHPC_CFG_INT, "5", "", 1, 100, NULL, "repetitions per case (best is reported)"},
    {"bench.deflate", WHPC_CFG_INT, "1", "", 1, 9, NULL, "deflate level of the compressed case"},
};

static int raw_write(whpc_decomp_t g, const char *path, const double *u, double *buf) {
  MPI_Comm comm = whpc_decomp_comm(g);
  whpc_layout lay;
  whpc_box own;
  long n[3], nl[3];
  whpc_decomp_layout(g, &lay);
  whpc_decomp_owned(g, &own);
  whpc_decomp_global_size(g, n);
  whpc_decomp_local_size(g, nl);
  size_t m = 0;
  for (long k = 0; k < nl[2]; k++)
    for (long j = 0; j < nl[1]; j++) {
      memcpy(buf + m, u + whpc_layout_index(&lay, 0, j, k), (size_t)nl[0] * sizeof *buf);
      m += (size_t)nl[0];
    }
  int sizes[3] = {(int)n[2], (int)n[1], (int)n[0]}, sub[3] = {(int)nl[2], (int)nl[1], (int)nl[0]};
  int starts[3] = {(int)own.lo[2], (int)own.lo[1], (int)own.lo[0]};
  MPI_Datatype ft;
  MPI_File fh;
  WHPC_MPI(MPI_Type_create_subarray(3, sizes, sub, starts, MPI_ORDER_C, MPI_DOUBLE, &ft));
  WHPC_MPI(MPI_Type_commit(&ft));
  WHPC_MPI(MPI_File_open(comm, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh));
  WHPC_MPI(MPI_File_set_size(fh, 0));
  WHPC_MPI(MPI_File_set_view(fh, 0, MPI_DOUBLE, ft, "native", MPI_INFO_NULL));
  WHPC_MPI(MPI_File_write_at_all(fh, 0, buf, (int)m, MPI_DOUBLE, MPI_STATUS_IGNORE));
  WHPC_MPI(MPI_File_close(&fh));
  MPI_Type_free(&ft);
  return WHPC_OK;
}

static int nc_write(whpc_decomp_t g, const char *path, const double *u, int deflate, const double *coords[3]) {
  const whpc_nc_axis axes[3] = {
      {"x", "m", "projection_x_coordinate", "x", "X", NULL, coords[0], NULL},
      {"y", "m", "projection_y_coordinate", "y", "Y", NULL, coords[1], NULL},
      {"z", "m", "altitude", "height", "Z", "up", coords[2], NULL}};
  const whpc_nc_opts opts = {"whpc ncio bandwidth benchmark", NULL, NULL, deflate, 1, 0};
  const whpc_nc_var v = {"theta", "K", "air_potential_temperature", "potential temperature", NULL, WHPC_NC_DOUBLE, 0, -9999.0, NULL};
  whpc_ncfile_t f;
  int vid;
  WHPC_CALL(whpc_ncio_create(g, path, &opts, axes, &f));
  WHPC_CALL(whpc_ncio_def_var(f, &v, &vid));
  WHPC_CALL(whpc_ncio_enddef(f));
  WHPC_CALL(whpc_ncio_write(f, vid, 0, u));
  return whpc_ncio_close(&f);
}

static int run(whpc_ctx_t ctx) {
  long n, repeat, level;
  WHPC_CALL(whpc_config_get_int(ctx, "bench.n", &n));
  WHPC_CALL(whpc_config_get_int(ctx, "bench.repeat", &repeat));
  WHPC_CALL(whpc_config_get_int(ctx, "bench.deflate", &level));
  WHPC_CALL(whpc_output_prepare(ctx, "ncio-bench"));
  whpc_decomp_desc desc = {3, {n, n, n}, {0, 0, 0}, {0, 0, 0}, 1, "bench.n"};
  whpc_decomp_t g;
  WHPC_CALL(whpc_decomp_create(ctx, &desc, &g));
  whpc_layout lay;
  whpc_box own;
  long nl[3];
  whpc_decomp_layout(g, &lay);
  whpc_decomp_owned(g, &own);
  whpc_decomp_local_size(g, nl);
  double *u, *buf, *c;
  WHPC_MALLOC(u, whpc_decomp_ghosted_count(g));
  WHPC_MALLOC(buf, (size_t)nl[0] * nl[1] * nl[2]);
  WHPC_MALLOC(c, n);
  for (long i = 0; i < n; i++) c[i] = (double)i;
  const double *coords[3] = {c, c, c};
  /* A smooth field with small-scale noise in the low bits: compresses like model output. */
  for (long k = 0; k < nl[2]; k++)
    for (long j = 0; j < nl[1]; j++)
      for (long i = 0; i < nl[0]; i++) {
        long gi = own.lo[0] + i, gj = own.lo[1] + j, gk = own.lo[2] + k;
        u[whpc_layout_index(&lay, i, j, k)] = 300.0 + 10.0 * sin(0.05 * gi) * cos(0.07 * gj) - 0.003 * gk +
                                              1e-9 * (double)((gi * 7919 + gj * 104729 + gk * 1299709) % 1000);
      }
  char path[3][4200];
  const char *names[3] = {"raw MPI-IO", "ncio", "ncio deflate"};
  snprintf(path[0], sizeof path[0], "%s/raw.bin", whpc_output_dir(ctx));
  snprintf(path[1], sizeof path[1], "%s/ncio.nc", whpc_output_dir(ctx));
  snprintf(path[2], sizeof path[2], "%s/ncio_deflate.nc", whpc_output_dir(ctx));
  double best[3] = {1e30, 1e30, 1e30};
  MPI_Comm comm = whpc_comm(ctx);
  for (long r = 0; r < repeat; r++)
    for (int c3 = 0; c3 < 3; c3++) { /* interleaved, so drifts in the machine's load hit all alike */
      MPI_Barrier(comm);
      double t0 = MPI_Wtime();
      if (c3 == 0) WHPC_CALL(raw_write(g, path[0], u, buf));
      else WHPC_CALL(nc_write(g, path[c3], u, c3 == 2 ? (int)level : 0, coords));
      double dt = MPI_Wtime() - t0, dtmax;
      MPI_Allreduce(&dt, &dtmax, 1, MPI_DOUBLE, MPI_MAX, comm);
      if (dtmax < best[c3]) best[c3] = dtmax;
    }
  double bytes = 8.0 * n * n * n, bw[3];
  for (int i = 0; i < 3; i++) bw[i] = bytes / best[i] / 1e6;
  long fsize[3] = {0, 0, 0};
  if (whpc_rank(ctx) == 0) {
    for (int i = 0; i < 3; i++) {
      FILE *fp = fopen(path[i], "rb");
      if (fp) fseek(fp, 0, SEEK_END), fsize[i] = ftell(fp), fclose(fp);
    }
    printf("whpc-bench-ncio: %ld^3 doubles (%.1f MiB) on %d ranks, best of %ld, deflate level %ld\n", n,
           bytes / 1048576.0, whpc_size(ctx), repeat, level);
    printf("%-14s %10s %12s %12s %10s\n", "case", "time [s]", "MB/s", "file [MiB]", "vs raw");
    for (int i = 0; i < 3; i++)
      printf("%-14s %10.4f %12.1f %12.2f %10.3f\n", names[i], best[i], bw[i], fsize[i] / 1048576.0, bw[i] / bw[0]);
    printf("ratio ncio/raw (uncompressed): %.3f  (target >= 0.5: %s)\n", bw[1] / bw[0], bw[1] / bw[0] >= 0.5 ? "met" : "NOT met");
  }
  whpc_report_set_case(ctx, "ncio-bench");
  whpc_report_set_size(ctx, "n", (double)n);
  whpc_report_set_size(ctx, "bytes", bytes);
  const char *keys[3] = {"raw_mpiio", "ncio", "ncio_deflate"};
  for (int i = 0; i < 3; i++) {
    char k[96];
    snprintf(k, sizeof k, "%s.seconds", keys[i]);
    whpc_report_set_number(ctx, k, best[i]);
    snprintf(k, sizeof k, "%s.mb_per_s", keys[i]);
    whpc_report_set_number(ctx, k, bw[i]);
    snprintf(k, sizeof k, "%s.file_bytes", keys[i]);
    whpc_report_set_number(ctx, k, (double)fsize[i]);
    snprintf(k, sizeof k, "%s.ratio_vs_raw", keys[i]);
    whpc_report_set_number(ctx, k, bw[i] / bw[0]);
  }
  whpc_report_set_fom(ctx, "ncio_vs_raw_bandwidth", bw[1] / bw[0], "ratio");
  char rp[4200];
  snprintf(rp, sizeof rp, "%s/report.json", whpc_output_dir(ctx));
  WHPC_CALL(whpc_report_write(ctx, rp));
  if (whpc_rank(ctx) == 0) {
    printf("report: %s\n", rp);
    for (int i = 0; i < 3; i++) unlink(path[i]); /* the data is of no use; keep the disk clean */
  }
  free(u), free(buf), free(c);
  return whpc_decomp_destroy(&g);
}

int main(int argc, char **argv) {
  whpc_ctx_t ctx;
  const whpc_app_info info = {.name = "whpc-bench-ncio", .summary = "whpc_ncio write bandwidth vs raw collective MPI-IO"};
  WHPC_MAIN(MPI_COMM_WORLD, whpc_init(&argc, &argv, &info, &ctx));
  MPI_Comm comm = whpc_comm(ctx);
  WHPC_MAIN(comm, whpc_config_add_keys(ctx, KEYS, WHPC_NKEYS(KEYS)));
  WHPC_MAIN(comm, whpc_config_load(ctx, argc, argv));
  WHPC_MAIN(comm, run(ctx));
  return whpc_finalize(&ctx);
}
