/* infer_inputs.c — list the inputs and decode one into the model's C x H x W float layout:
 * GDAL rasters (GeoTIFF, PNG, JPEG) or .npy tensors, band selection, fit (exact, bilinear
 * resize, centre crop), then x = (raw * scale - mean[c]) / std[c]. No MPI except the
 * listing broadcast. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cpl_error.h>
#include <gdal.h>
#include "infer_driver.h"
#include "infer_npy.h"

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int known_ext(const char *name) {
  const char *e = strrchr(name, '.');
  if (!e) return 0;
  const char *ok[] = {".tif", ".tiff", ".TIF", ".TIFF", ".png", ".PNG", ".jpg", ".jpeg", ".JPG", ".npy"};
  for (size_t k = 0; k < sizeof ok / sizeof ok[0]; ++k)
    if (!strcmp(e, ok[k])) return 1;
  return 0;
}

static int push(char ***v, long *n, long *cap, const char *s) {
  if (*n == *cap) {
    *cap = *cap ? 2 * *cap : 256;
    char **nv = realloc(*v, (size_t)*cap * sizeof **v);
    WHPC_CHECK(nv, WHPC_ERR_MEM, "out of memory listing inputs");
    *v = nv;
  }
  (*v)[*n] = strdup(s);
  WHPC_CHECK((*v)[*n], WHPC_ERR_MEM, "out of memory listing inputs");
  (*n)++;
  return WHPC_OK;
}

/* rank 0: paths ('\0'-separated in *buf) */
static int list_local(const char *input, char **buf, size_t *len, long *count) {
  struct stat st;
  WHPC_CHECK(stat(input, &st) == 0, WHPC_ERR_INPUT, "input.path = '%s': %s", input, strerror(errno));
  char **v = NULL;
  long n = 0, cap = 0;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(input);
    WHPC_CHECK(d, WHPC_ERR_INPUT, "input.path = '%s': cannot open directory: %s", input, strerror(errno));
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.' || !known_ext(e->d_name)) continue;
      snprintf(p, sizeof p, "%s/%s", input, e->d_name);
      if (push(&v, &n, &cap, p)) { closedir(d); return WHPC_ERR_MEM; }
    }
    closedir(d);
    if (n > 1) qsort(v, (size_t)n, sizeof *v, cmp_str); /* v is NULL when the directory has no input */
  } else {
    FILE *f = fopen(input, "r");
    WHPC_CHECK(f, WHPC_ERR_INPUT, "input.path = '%s': cannot open list file: %s", input, strerror(errno));
    char line[4096], p[8300], dir[4096];
    snprintf(dir, sizeof dir, "%s", input);
    char *sl = strrchr(dir, '/');
    if (sl) *sl = 0; else snprintf(dir, sizeof dir, ".");
    while (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\r\n")] = 0;
      char *s = line;
      while (*s == ' ' || *s == '\t') ++s;
      if (!*s || *s == '#') continue;
      if (*s == '/') snprintf(p, sizeof p, "%s", s);
      else snprintf(p, sizeof p, "%s/%s", dir, s);
      if (push(&v, &n, &cap, p)) { fclose(f); return WHPC_ERR_MEM; }
    }
    fclose(f);
  }
  size_t tot = 0;
  for (long i = 0; i < n; ++i) tot += strlen(v[i]) + 1;
  *buf = malloc(tot + 1);
  WHPC_CHECK(*buf, WHPC_ERR_MEM, "out of memory");
  size_t o = 0;
  for (long i = 0; i < n; ++i) {
    size_t l = strlen(v[i]) + 1;
    memcpy(*buf + o, v[i], l);
    o += l;
    free(v[i]);
  }
  free(v);
  *len = tot;
  *count = n;
  WHPC_CHECK(n > 0, WHPC_ERR_INPUT, "input.path = '%s': no inputs found (.tif .tiff .png .jpg .jpeg .npy)", input);
  return WHPC_OK;
}

int infer_items_list(whpc_ctx_t ctx, const char *input, infer_items *it) {
  memset(it, 0, sizeof *it);
  MPI_Comm comm = whpc_comm(ctx);
  char *buf = NULL;
  size_t len = 0;
  long n = 0;
  int rc = whpc_rank(ctx) == 0 ? list_local(input, &buf, &len, &n) : WHPC_OK, grc;
  whpc_agree(comm, rc, &grc);
  if (grc) { free(buf); return grc; }
  long hdr[2] = {n, (long)len};
  WHPC_MPI(MPI_Bcast(hdr, 2, MPI_LONG, 0, comm));
  if (whpc_rank(ctx)) {
    buf = malloc((size_t)hdr[1] + 1);
    WHPC_CHECK(buf, WHPC_ERR_MEM, "out of memory");
  }
  WHPC_MPI(MPI_Bcast(buf, (int)hdr[1], MPI_CHAR, 0, comm));
  it->n = hdr[0];
  it->path = calloc((size_t)it->n + 1, sizeof(char *));
  it->id = calloc((size_t)it->n + 1, sizeof(char *));
  WHPC_CHECK(it->path && it->id, WHPC_ERR_MEM, "out of memory");
  size_t o = 0;
  /* ids: paths relative to the directory, or as written in the list file */
  char base[4096];
  struct stat st;
  snprintf(base, sizeof base, "%s", input);
  if (stat(input, &st) == 0 && !S_ISDIR(st.st_mode)) {
    char *sl = strrchr(base, '/');
    if (sl) *sl = 0; else snprintf(base, sizeof base, ".");
  }
  size_t blen = strlen(base);
  for (long i = 0; i < it->n; ++i) {
    it->path[i] = strdup(buf + o);
    const char *id = buf + o;
    if (!strncmp(id, base, blen) && id[blen] == '/') id += blen + 1;
    it->id[i] = strdup(id);
    o += strlen(buf + o) + 1;
  }
  free(buf);
  return WHPC_OK;
}

void infer_items_free(infer_items *it) {
  for (long i = 0; i < it->n; ++i) { free(it->path[i]); free(it->id[i]); }
  free(it->path);
  free(it->id);
  memset(it, 0, sizeof *it);
}

void infer_georef_free(infer_georef *g) {
  free(g->wkt);
  memset(g, 0, sizeof *g);
}

static int is_npy(const infer_params *p, const char *path) {
  if (!strcmp(p->format, "npy")) return 1;
  if (!strcmp(p->format, "gdal")) return 0;
  size_t l = strlen(path);
  return l > 4 && !strcmp(path + l - 4, ".npy");
}

/* Decoding runs on reader threads: errors go to the caller's buffer (INFER_MSG bytes), not
 * to libwhpc's process-wide error state. */
static int ifail(char *msg, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int ifail(char *msg, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, INFER_MSG, fmt, ap);
  va_end(ap);
  return code;
}

static int load_npy(const infer_params *p, const infer_geom *g, const char *path, float *out, char *msg) {
  infer_tensor t;
  int rc = infer_npy_read(path, 1, &t);
  if (rc) return ifail(msg, WHPC_ERR_INPUT, "%s", infer_error());
  int off = t.ndim == 4 ? 1 : 0;
  int ok = (t.ndim == 3 || (t.ndim == 4 && t.dim[0] == 1));
  long C = ok ? (long)t.dim[off] : 0, H = ok ? (long)t.dim[off + 1] : 0, W = ok ? (long)t.dim[off + 2] : 0;
  if (!ok || H != g->h || W != g->w || (p->nbands == 0 && C != g->c)) {
    free(t.data);
    return ifail(msg, WHPC_ERR_INPUT, "%s: tensor shape must be [%d,%d,%d] (C,H,W), got rank %d [%ld,%ld,%ld]",
                      path, p->nbands ? p->nbands : g->c, g->h, g->w, t.ndim, C, H, W);
  }
  for (int c = 0; c < g->c; ++c) {
    long b = p->nbands ? p->bands[c] - 1 : c;
    if (b >= C) {
      free(t.data);
      return ifail(msg, WHPC_ERR_INPUT, "%s: input.bands asks for band %ld, the tensor has %ld", path, b + 1, C);
    }
    memcpy(out + (size_t)c * g->h * g->w, (float *)t.data + (size_t)b * H * W, (size_t)H * W * sizeof(float));
  }
  free(t.data);
  return WHPC_OK;
}

static int load_gdal(const infer_params *p, const infer_geom *g, const char *path, float *out, infer_georef *geo,
                     char *msg) {
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
  if (!ds) {
    char m[300];
    snprintf(m, sizeof m, "%s", CPLGetLastErrorMsg());
    CPLPopErrorHandler();
    return ifail(msg, WHPC_ERR_INPUT, "%s: cannot open as a raster (%s)", path, m[0] ? m : "unknown format");
  }
  int nb = GDALGetRasterCount(ds), W = GDALGetRasterXSize(ds), H = GDALGetRasterYSize(ds), rc = WHPC_OK;
  int bandmap[1024];
  if (p->nbands == 0 && nb != g->c)
    rc = ifail(msg, WHPC_ERR_INPUT, "%s: %d bands, the model expects %d (set input.bands)", path, nb, g->c);
  for (int c = 0; !rc && c < g->c; ++c) {
    bandmap[c] = p->nbands ? (int)p->bands[c] : c + 1;
    if (bandmap[c] > nb) rc = ifail(msg, WHPC_ERR_INPUT, "%s: input.bands asks for band %d, the file has %d", path, bandmap[c], nb);
  }
  int xoff = 0, yoff = 0, xs = W, ys = H;
  if (!rc && !strcmp(p->fit, "exact") && (W != g->w || H != g->h))
    rc = ifail(msg, WHPC_ERR_INPUT, "%s: %dx%d pixels, the model expects %dx%d (input.fit = resize or center_crop)",
                    path, W, H, g->w, g->h);
  if (!rc && !strcmp(p->fit, "center_crop")) {
    if (W < g->w || H < g->h)
      rc = ifail(msg, WHPC_ERR_INPUT, "%s: %dx%d pixels, smaller than the model's %dx%d crop", path, W, H, g->w, g->h);
    xoff = (W - g->w) / 2, yoff = (H - g->h) / 2, xs = g->w, ys = g->h;
  }
  if (!rc) {
    GDALRasterIOExtraArg ex;
    INIT_RASTERIO_EXTRA_ARG(ex);
    ex.eResampleAlg = GRIORA_Bilinear;
    CPLErr e = GDALDatasetRasterIOEx(ds, GF_Read, xoff, yoff, xs, ys, out, g->w, g->h, GDT_Float32, g->c, bandmap,
                                     4, (GSpacing)4 * g->w, (GSpacing)4 * g->w * g->h, &ex);
    if (e != CE_None)
      rc = ifail(msg, WHPC_ERR_INPUT, "%s: cannot read pixels (%s)", path, CPLGetLastErrorMsg());
  }
  if (!rc && geo) {
    memset(geo, 0, sizeof *geo);
    if (GDALGetGeoTransform(ds, geo->gt) == CE_None) {
      geo->has_gt = 1;
      double fx = (double)xs / g->w, fy = (double)ys / g->h;
      geo->gt[0] += xoff * geo->gt[1] + yoff * geo->gt[2];
      geo->gt[3] += xoff * geo->gt[4] + yoff * geo->gt[5];
      geo->gt[1] *= fx, geo->gt[4] *= fx, geo->gt[2] *= fy, geo->gt[5] *= fy;
    }
    const char *wkt = GDALGetProjectionRef(ds);
    geo->wkt = strdup(wkt ? wkt : "");
  }
  GDALClose(ds);
  CPLPopErrorHandler();
  return rc;
}

int infer_input_load(const infer_params *p, const infer_geom *g, const char *path, float *out, infer_georef *geo,
                     double *t_read, double *t_prep, char *msg) {
  double t0 = whpc_wtime();
  if (geo) memset(geo, 0, sizeof *geo);
  msg[0] = 0;
  int rc = is_npy(p, path) ? load_npy(p, g, path, out, msg) : load_gdal(p, g, path, out, geo, msg);
  double t1 = whpc_wtime();
  *t_read += t1 - t0;
  if (rc) return rc;
  size_t plane = (size_t)g->h * g->w;
  for (int c = 0; c < g->c; ++c) {
    float s = (float)p->scale, m = p->nmean ? (float)p->mean[c] : 0.0f, d = p->nstd ? (float)p->std[c] : 1.0f;
    float *x = out + c * plane;
    for (size_t q = 0; q < plane; ++q) x[q] = (x[q] * s - m) / d;
  }
  *t_prep += whpc_wtime() - t1;
  return WHPC_OK;
}
