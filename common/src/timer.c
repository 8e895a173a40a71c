/* timer.c — named regions per rank, reduced over ranks for the end-of-run table and report.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctx_impl.h"
#include "whpc_error.h"
#include "whpc_timer.h"

double whpc_wtime(void) { return MPI_Wtime(); }

static whpc_region *region(whpc_ctx_t ctx, const char *name, int create) {
  for (int i = 0; i < ctx->nregions; i++)
    if (strncmp(ctx->regions[i].name, name, sizeof ctx->regions[i].name - 1) == 0) return &ctx->regions[i];
  if (!create) return NULL;
  if (ctx->nregions == ctx->cap_regions) {
    int cap = ctx->cap_regions ? 2 * ctx->cap_regions : 16;
    whpc_region *r = realloc(ctx->regions, (size_t)cap * sizeof *r);
    if (!r) return NULL;
    ctx->regions = r;
    ctx->cap_regions = cap;
  }
  whpc_region *r = &ctx->regions[ctx->nregions++];
  memset(r, 0, sizeof *r);
  snprintf(r->name, sizeof r->name, "%s", name);
  return r;
}

void whpc_timer_begin(whpc_ctx_t ctx, const char *name) {
  whpc_region *r = region(ctx, name, 1);
  if (!r) return;
  r->started = MPI_Wtime();
  r->running = 1;
}

void whpc_timer_end(whpc_ctx_t ctx, const char *name) {
  whpc_region *r = region(ctx, name, 0);
  if (!r || !r->running) return;
  r->total += MPI_Wtime() - r->started;
  r->count++;
  r->running = 0;
}

double whpc_timer_local(whpc_ctx_t ctx, const char *name) {
  whpc_region *r = region(ctx, name, 0);
  return r ? r->total : 0.0;
}

/* Union of region names over ranks, in order of first appearance on the lowest rank. */
static int union_names(whpc_ctx_t ctx, char **names, int *n) {
  const int L = (int)sizeof ctx->regions[0].name;
  int mine = ctx->nregions, *counts = NULL, *displs = NULL, total = 0;
  char *all = NULL;
  if (ctx->rank == 0) {
    counts = calloc((size_t)ctx->size, sizeof *counts);
    displs = calloc((size_t)ctx->size, sizeof *displs);
    WHPC_CHECK(counts && displs, WHPC_ERR_MEM, "out of memory");
  }
  int bytes = mine * L;
  char *buf = calloc((size_t)bytes + 1, 1);
  WHPC_CHECK(buf, WHPC_ERR_MEM, "out of memory");
  for (int i = 0; i < mine; i++) memcpy(buf + (size_t)i * L, ctx->regions[i].name, (size_t)L);
  WHPC_MPI(MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, ctx->comm));
  if (ctx->rank == 0) {
    for (int r = 0; r < ctx->size; r++) displs[r] = total, total += counts[r];
    all = calloc((size_t)total + 1, 1);
    WHPC_CHECK(all, WHPC_ERR_MEM, "out of memory");
  }
  WHPC_MPI(MPI_Gatherv(buf, bytes, MPI_CHAR, all, counts, displs, MPI_CHAR, 0, ctx->comm));
  int nu = 0;
  char *uni = NULL;
  if (ctx->rank == 0) {
    uni = calloc((size_t)total + 1, 1);
    WHPC_CHECK(uni, WHPC_ERR_MEM, "out of memory");
    for (int i = 0; i < total / L; i++) {
      const char *nm = all + (size_t)i * L;
      int dup = 0;
      for (int u = 0; u < nu && !dup; u++) dup = strncmp(uni + (size_t)u * L, nm, (size_t)L) == 0;
      if (!dup) memcpy(uni + (size_t)(nu++) * L, nm, (size_t)L);
    }
  }
  WHPC_MPI(MPI_Bcast(&nu, 1, MPI_INT, 0, ctx->comm));
  if (ctx->rank != 0) {
    uni = calloc((size_t)nu * L + 1, 1);
    WHPC_CHECK(uni, WHPC_ERR_MEM, "out of memory");
  }
  WHPC_MPI(MPI_Bcast(uni, nu * L, MPI_CHAR, 0, ctx->comm));
  free(buf);
  free(all);
  free(counts);
  free(displs);
  *names = uni;
  *n = nu;
  return WHPC_OK;
}

int whpc_timer_reduce(whpc_ctx_t ctx, whpc_timer_stat **stats, int *n) {
  const int L = (int)sizeof ctx->regions[0].name;
  char *names = NULL;
  int nu = 0;
  WHPC_CALL(union_names(ctx, &names, &nu));
  whpc_timer_stat *st = calloc((size_t)nu + 1, sizeof *st);
  WHPC_CHECK(st, WHPC_ERR_MEM, "out of memory");
  for (int u = 0; u < nu; u++) {
    whpc_region *r = region(ctx, names + (size_t)u * L, 0);
    double t = r ? r->total : 0.0, sum;
    long count = r ? r->count : 0;
    struct { double v; int rank; } in = {t, ctx->rank}, maxloc;
    WHPC_MPI(MPI_Allreduce(&in, &maxloc, 1, MPI_DOUBLE_INT, MPI_MAXLOC, ctx->comm));
    WHPC_MPI(MPI_Allreduce(&t, &st[u].min, 1, MPI_DOUBLE, MPI_MIN, ctx->comm));
    WHPC_MPI(MPI_Allreduce(&t, &sum, 1, MPI_DOUBLE, MPI_SUM, ctx->comm));
    WHPC_MPI(MPI_Allreduce(&count, &st[u].count, 1, MPI_LONG, MPI_MAX, ctx->comm));
    snprintf(st[u].name, sizeof st[u].name, "%s", names + (size_t)u * L);
    st[u].max = maxloc.v;
    st[u].slowest_rank = maxloc.rank;
    st[u].avg = sum / ctx->size;
    st[u].imbalance = st[u].min > 0 ? st[u].max / st[u].min : (st[u].max > 0 ? -1 : 1);
  }
  free(names);
  *stats = st;
  *n = nu;
  return WHPC_OK;
}

int whpc_timer_print(whpc_ctx_t ctx) {
  whpc_timer_stat *st;
  int n;
  WHPC_CALL(whpc_timer_reduce(ctx, &st, &n));
  double total = 0;
  for (int i = 0; i < n; i++)
    if (strcmp(st[i].name, "total") == 0) total = st[i].max;
  if (total <= 0)
    for (int i = 0; i < n; i++) total = st[i].max > total ? st[i].max : total;
  whpc_log(ctx, WHPC_LOG_INFO, "%-24s %8s %11s %11s %11s %8s %6s %7s", "region", "count", "max [s]", "avg [s]",
           "min [s]", "max/min", "%", "slowest");
  for (int i = 0; i < n; i++) {
    char imb[16];
    if (st[i].imbalance < 0) snprintf(imb, sizeof imb, "inf");
    else snprintf(imb, sizeof imb, "%.2f", st[i].imbalance);
    whpc_log(ctx, WHPC_LOG_INFO, "%-24s %8ld %11.4g %11.4g %11.4g %8s %6.1f %7d", st[i].name, st[i].count, st[i].max,
             st[i].avg, st[i].min, imb, total > 0 ? 100 * st[i].max / total : 0, st[i].slowest_rank);
  }
  free(st);
  return WHPC_OK;
}
