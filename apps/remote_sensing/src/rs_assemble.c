/* rs_assemble.c — tile file to product (rename or COG/GTiff copy), quick-look PNG, AI chips. */
#include "rs_assemble.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_utils.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* GDALTranslate src -> dst with argv-style options, into dst.tmp, then rename. */
static int rs_translate(GDALDatasetH src, const char *dst, char **argv) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", dst);
  GDALTranslateOptions *opt = GDALTranslateOptionsNew(argv, NULL);
  WHPC_CHECK(opt, WHPC_ERR_ARG, "bad GDALTranslate options for %s: %s", dst, rs_gdal_msg());
  int usage = 0;
  CPLErrorReset();
  GDALDatasetH out = GDALTranslate(tmp, src, opt, &usage);
  GDALTranslateOptionsFree(opt);
  if (out) GDALClose(out);
  if (!out || CPLGetLastErrorType() >= CE_Failure) {
    unlink(tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "writing '%s' failed: %s", dst, rs_gdal_msg());
  }
  if (rename(tmp, dst) != 0) {
    unlink(tmp);
    return WHPC_RAISE(WHPC_ERR_IO, "cannot rename '%s' to '%s'", tmp, dst);
  }
  return WHPC_OK;
}

int rs_product_write(const rs_job *job) {
  if (!job->cog && strcmp(job->compress, "none") == 0) { /* the tile file is the product */
    WHPC_CHECK(rename(job->tile_path, job->out_path) == 0, WHPC_ERR_IO, "cannot rename '%s' to '%s': %s",
               job->tile_path, job->out_path, strerror(errno));
    return WHPC_OK;
  }
  CPLErrorReset();
  GDALDatasetH src = GDALOpen(job->tile_path, GA_ReadOnly);
  WHPC_CHECK(src, WHPC_ERR_IO, "cannot open the tile file '%s': %s", job->tile_path, rs_gdal_msg());
  char **a = NULL;
  char comp[64], bs[64];
  snprintf(comp, sizeof comp, "COMPRESS=%s", job->compress);
  for (char *p = comp; *p; p++) *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
  a = CSLAddString(a, "-of");
  a = CSLAddString(a, job->cog ? "COG" : "GTiff");
  a = CSLAddString(a, "-co");
  a = CSLAddString(a, comp);
  a = CSLAddString(a, "-co");
  a = CSLAddString(a, "BIGTIFF=IF_SAFER");
  if (job->cog) {
    snprintf(bs, sizeof bs, "BLOCKSIZE=%d", job->block < 512 ? 256 : 512);
    a = CSLAddString(a, "-co");
    a = CSLAddString(a, bs);
    a = CSLAddString(a, "-co");
    a = CSLAddString(a, "OVERVIEWS=AUTO");
    a = CSLAddString(a, "-co");
    /* nearest keeps integer classes and hillshade values honest; average for continuous */
    a = CSLAddString(a, job->out.type == GDT_Byte ? "RESAMPLING=NEAREST" : "RESAMPLING=AVERAGE");
  } else {
    snprintf(bs, sizeof bs, "%d", job->block);
    a = CSLAddString(a, "-co");
    a = CSLAddString(a, "TILED=YES");
    a = CSLAddString(a, "-co");
    a = CSLAddString(a, CPLSPrintf("BLOCKXSIZE=%s", bs));
    a = CSLAddString(a, "-co");
    a = CSLAddString(a, CPLSPrintf("BLOCKYSIZE=%s", bs));
  }
  int rc = rs_translate(src, job->out_path, a);
  CSLDestroy(a);
  GDALClose(src);
  return rc; /* the tile file goes with parts/ at the end (rs.keep_parts keeps it) */
}

char **rs_byte_scale_args(const char *format, double lo, double hi) {
  char **a = NULL;
  a = CSLAddString(a, "-of");
  a = CSLAddString(a, format);
  a = CSLAddString(a, "-ot");
  a = CSLAddString(a, "Byte");
  a = CSLAddString(a, "-b");
  a = CSLAddString(a, "1");
  a = CSLAddString(a, "-scale"); /* alone: GDAL takes the band's min..max */
  if (isfinite(lo) && isfinite(hi) && hi > lo) {
    a = CSLAddString(a, CPLSPrintf("%.17g", lo));
    a = CSLAddString(a, CPLSPrintf("%.17g", hi));
    a = CSLAddString(a, "1");
    a = CSLAddString(a, "255");
  }
  a = CSLAddString(a, "-a_nodata");
  a = CSLAddString(a, "0");
  return a;
}

int rs_quicklook_write(const rs_job *job, double lo, double hi, char *png, size_t len) {
  snprintf(png, len, "%s", job->out_path);
  char *dot = strrchr(png, '.');
  if (dot && !strchr(dot, '/')) *dot = 0;
  strncat(png, ".png", len - strlen(png) - 1);
  CPLErrorReset();
  GDALDatasetH src = GDALOpen(job->out_path, GA_ReadOnly);
  WHPC_CHECK(src, WHPC_ERR_IO, "cannot open '%s' for the quick-look: %s", job->out_path, rs_gdal_msg());
  int w = job->out.width, h = job->out.height, m = w > h ? w : h;
  double f = m > 1024 ? 1024.0 / m : 1.0;
  char **a = rs_byte_scale_args("PNG", lo, hi);
  a = CSLAddString(a, "-outsize");
  a = CSLAddString(a, CPLSPrintf("%d", (int)fmax(1, round(w * f))));
  a = CSLAddString(a, CPLSPrintf("%d", (int)fmax(1, round(h * f))));
  int rc = rs_translate(src, png, a);
  CSLDestroy(a);
  GDALClose(src);
  return rc;
}

long rs_chips_count(const rs_job *job, int *ncols) {
  int s = job->chip_size, step = job->chip_size - job->chip_overlap;
  *ncols = 0;
  if (s <= 0) return 0;
  int nx = (job->out.width - s) / step + 1, ny = (job->out.height - s) / step + 1;
  *ncols = nx;
  return (long)nx * ny;
}

void rs_chip_window(const rs_job *job, long id, int *x0, int *y0) {
  int nx = 1, step = job->chip_size - job->chip_overlap;
  rs_chips_count(job, &nx);
  if (nx < 1) nx = 1;
  *x0 = (int)(id % nx) * step;
  *y0 = (int)(id / nx) * step;
}

int rs_chip_write(const rs_job *job, GDALDatasetH product, const char *dir, long id) {
  int x0, y0;
  rs_chip_window(job, id, &x0, &y0);
  char path[4200];
  snprintf(path, sizeof path, "%s/chip_%06ld.tif", dir, id);
  char **a = NULL;
  a = CSLAddString(a, "-of");
  a = CSLAddString(a, "GTiff");
  a = CSLAddString(a, "-srcwin");
  a = CSLAddString(a, CPLSPrintf("%d", x0));
  a = CSLAddString(a, CPLSPrintf("%d", y0));
  a = CSLAddString(a, CPLSPrintf("%d", job->chip_size));
  a = CSLAddString(a, CPLSPrintf("%d", job->chip_size));
  int rc = rs_translate(product, path, a);
  CSLDestroy(a);
  return rc;
}

int rs_chips_index_write(const rs_job *job, const char *dir, const char *csv) {
  (void)dir;
  whpc_file wf;
  WHPC_CALL(whpc_file_open(&wf, csv));
  int nx;
  long n = rs_chips_count(job, &nx);
  const double *g = job->out.gt;
  fprintf(wf.fp, "id,path,x_off,y_off,width,height,gt0,gt1,gt2,gt3,gt4,gt5\n");
  for (long id = 0; id < n; id++) {
    int x0, y0;
    rs_chip_window(job, id, &x0, &y0);
    fprintf(wf.fp, "%ld,%s/chip_%06ld.tif,%d,%d,%d,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", id, job->chip_dir, id,
            x0, y0, job->chip_size, job->chip_size, g[0] + x0 * g[1] + y0 * g[2], g[1], g[2],
            g[3] + x0 * g[4] + y0 * g[5], g[4], g[5]);
  }
  WHPC_CALL(whpc_file_commit(&wf));
  return WHPC_OK;
}
