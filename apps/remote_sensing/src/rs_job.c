/* rs_job.c — config keys of whpc-remote-sensing and the job built from them. */
#include "rs_job.h"

#include "rs_journal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const whpc_cfg_key rs_keys[] = {
    {"input.files", WHPC_CFG_STRING, NULL, "", WHPC_CFG_ANY, NULL,
     "raster(s) GDAL opens (GeoTIFF, COG, VRT, ...), comma separated; bands are numbered B1..Bn across the files"},
    {"input.bands", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "names of B1..Bn for expressions, comma separated (e.g. blue,green,red,nir)"},
    {"warp.crs", WHPC_CFG_STRING, "", "", WHPC_CFG_ANY, NULL,
     "reproject on read to this CRS (EPSG:4326, WKT, PROJ string); empty = keep the input grid"},
    {"warp.resolution", WHPC_CFG_REAL_LIST, "", "target CRS units", WHPC_CFG_ANY, NULL,
     "xres,yres of the target grid (gdalwarp -tr); empty = gdalwarp's suggestion"},
    {"warp.extent", WHPC_CFG_REAL_LIST, "", "target CRS units", WHPC_CFG_ANY, NULL,
     "xmin,ymin,xmax,ymax of the target grid (gdalwarp -te, needs warp.resolution)"},
    {"warp.resampling", WHPC_CFG_ENUM, "near", "", WHPC_CFG_ANY, "near|bilinear|cubic", "warp kernel"},
    {"warp.error_threshold", WHPC_CFG_REAL, "0", "px", 0, 100, NULL,
     "gdalwarp -et: 0 = exact transformer (rank-count independent, equal to gdalwarp -et 0); "
     "> 0 = faster approximation whose result depends on the block layout"},
    {"rs.ops", WHPC_CFG_STRING, "expr", "", WHPC_CFG_ANY, NULL,
     "chain of operations, comma separated, each at most once: expr, filter, terrain (\"none\" copies the input)"},
    {"rs.expr", WHPC_CFG_STRING, "B1", "", WHPC_CFG_ANY, NULL,
     "band math; several output bands separated by ';' (see README: syntax, ndvi/ndwi/evi/savi)"},
    {"rs.block_size", WHPC_CFG_INT, "512", "px", 16, 8192, NULL,
     "block edge; rounded to a multiple of the input's internal tile (and of 16)"},
    {"rs.chunk", WHPC_CFG_INT, "1", "blocks", 1, 1e6, NULL, "blocks taken per work-queue request"},
    {"rs.output", WHPC_CFG_STRING, "product.tif", "", WHPC_CFG_ANY, NULL, "product file name inside output.dir"},
    {"rs.format", WHPC_CFG_ENUM, "cog", "", WHPC_CFG_ANY, "cog|gtiff",
     "cog: Cloud Optimized GeoTIFF with overviews; gtiff: tiled GeoTIFF"},
    {"rs.compress", WHPC_CFG_ENUM, "deflate", "", WHPC_CFG_ANY, "deflate|lzw|zstd|none", "compression of the product"},
    {"rs.output_type", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY,
     "auto|byte|uint16|int16|uint32|int32|float32|float64",
     "auto: byte for hillshade, float32 after expr/filter/terrain, the input type for ops=none"},
    {"rs.nodata", WHPC_CFG_STRING, "auto", "", WHPC_CFG_ANY, NULL,
     "output nodata value; auto: 0 for hillshade, the input's for ops=none, else -9999"},
    {"rs.keep_parts", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "keep parts/ (the resume journals; the tile file when the product is a copy of it)"},
    {"rs.resume", WHPC_CFG_ENUM, "auto", "", WHPC_CFG_ANY, "auto|true|false",
     "auto/true: a run in an output.dir holding the journals of an interrupted run with the same "
     "configuration and inputs continues it (journaled blocks are not redone); false: always start afresh"},
    {"rs.debug_crash_after", WHPC_CFG_INT, "0", "blocks", 0, 1e9, NULL,
     "testing only: each rank kills itself (SIGKILL) after this many blocks, to exercise rs.resume"},
    {"rs.quicklook", WHPC_CFG_BOOL, "true", "", WHPC_CFG_ANY, NULL, "write <product>.png (band 1, min-max stretch)"},
    {"mask.valid_range", WHPC_CFG_REAL_LIST, "", "", WHPC_CFG_ANY, NULL,
     "lo,hi: input values outside become nodata (all bands)"},
    {"mask.qa_band", WHPC_CFG_INT, "0", "", 0, 100000, NULL, "QA/cloud band (1-based, 0 = none)"},
    {"mask.qa_bits", WHPC_CFG_INT, "0", "", 0, 9.2e18, NULL,
     "pixels whose QA value has any of these bits set become nodata"},
    {"filter.kind", WHPC_CFG_ENUM, "gaussian", "", WHPC_CFG_ANY, "gaussian|box|sobel|median|open|close",
     "filter of ops=filter (applied to every band)"},
    {"filter.radius", WHPC_CFG_INT, "1", "px", 1, 64, NULL, "window half-width (sobel: always 1)"},
    {"filter.sigma", WHPC_CFG_REAL, "1", "px", 1e-3, 1e3, NULL, "Gaussian standard deviation"},
    {"terrain.mode", WHPC_CFG_ENUM, "hillshade", "", WHPC_CFG_ANY, "slope|aspect|hillshade",
     "terrain product (gdaldem, Horn 1981)"},
    {"terrain.band", WHPC_CFG_INT, "1", "", 1, 100000, NULL, "band of the stack holding elevation"},
    {"terrain.z", WHPC_CFG_REAL, "1", "", 1e-9, 1e9, NULL, "vertical exaggeration (hillshade)"},
    {"terrain.scale", WHPC_CFG_REAL, "1", "", 1e-9, 1e9, NULL, "horizontal units per vertical unit"},
    {"terrain.azimuth", WHPC_CFG_REAL, "315", "deg", 0, 360, NULL, "light azimuth (hillshade)"},
    {"terrain.altitude", WHPC_CFG_REAL, "45", "deg", 0, 90, NULL, "light altitude (hillshade)"},
    {"terrain.slope_percent", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL, "slope in percent, not degrees"},
    {"terrain.trigonometric", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "aspect as trigonometric angle (0 = east, counter-clockwise) instead of azimuth"},
    {"stats.enable", WHPC_CFG_BOOL, "true", "", WHPC_CFG_ANY, NULL, "min/max/mean/std per band of the product"},
    {"stats.hist_bins", WHPC_CFG_INT, "256", "", 1, 1 << 20, NULL, "histogram bins"},
    {"stats.hist_range", WHPC_CFG_REAL_LIST, "", "", WHPC_CFG_ANY, NULL,
     "lo,hi of the histogram (empty: no histogram)"},
    {"stats.zones_band", WHPC_CFG_INT, "0", "", 0, 100000, NULL,
     "input band (1-based) of integer class ids for zonal statistics per class and product band (0 = none)"},
    {"stats.zones_max", WHPC_CFG_INT, "256", "", 1, 65536, NULL, "class ids 0..zones_max-1 are counted"},
    {"chips.size", WHPC_CFG_INT, "0", "px", 0, 65536, NULL, "AI chip edge (0 = no chips)"},
    {"chips.overlap", WHPC_CFG_INT, "0", "px", 0, 65535, NULL, "overlap between neighbouring chips"},
    {"chips.dir", WHPC_CFG_STRING, "chips", "", WHPC_CFG_ANY, NULL, "chip directory inside output.dir"},
    {"tiles.zoom", WHPC_CFG_INT_LIST, "", "", 0, 24, NULL,
     "zmin,zmax of a web tile pyramid (gdal2tiles.py layout, EPSG:3857, 256 px PNG); empty = none"},
    {"tiles.dir", WHPC_CFG_STRING, "tiles", "", WHPC_CFG_ANY, NULL, "tile directory inside output.dir"},
    {"tiles.format", WHPC_CFG_ENUM, "png", "", WHPC_CFG_ANY, "png|webp", "tile image format"},
    {"tiles.xyz", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "XYZ (slippy map) row numbering instead of TMS (gdal2tiles.py --xyz)"},
};
const int rs_nkeys = WHPC_NKEYS(rs_keys);

/* Split s at `sep` into trimmed words (in place); returns count. */
static int rs_split(char *s, char sep, char **w, int max) {
  int n = 0;
  char *p = s;
  while (p && n < max) {
    char *q = strchr(p, sep);
    if (q) *q = 0;
    while (isspace((unsigned char)*p)) p++;
    char *e = p + strlen(p);
    while (e > p && isspace((unsigned char)e[-1])) *--e = 0;
    if (*p) w[n++] = p;
    p = q ? q + 1 : NULL;
  }
  return n;
}

static int rs_setup_expr(whpc_ctx_t ctx, rs_job *job, rs_op *op, int nin, int first) {
  const char *text;
  WHPC_CALL(whpc_config_get_string(ctx, "rs.expr", &text));
  static char buf[8192];
  snprintf(buf, sizeof buf, "%s", text);
  char *w[RS_MAX_EXPR + 1];
  int n = rs_split(buf, ';', w, RS_MAX_EXPR + 1);
  if (n == 0) return whpc_config_error(ctx, "rs.expr", "is empty; expected an expression such as ndvi(B4,B3)");
  if (n > RS_MAX_EXPR) return whpc_config_error(ctx, "rs.expr", "has more than %d expressions", RS_MAX_EXPR);
  /* band names only for the input stack */
  const char *names[256] = {0};
  static char nbuf[4096];
  const char *bandnames;
  WHPC_CALL(whpc_config_get_string(ctx, "input.bands", &bandnames));
  int nn = 0;
  if (first && *bandnames) {
    snprintf(nbuf, sizeof nbuf, "%s", bandnames);
    char *nw[256];
    nn = rs_split(nbuf, ',', nw, 256);
    if (nn > nin)
      return whpc_config_error(ctx, "input.bands", "names %d bands but the input has %d", nn, nin);
    for (int i = 0; i < nn; i++) names[i] = nw[i];
  }
  op->nexpr = n;
  for (int i = 0; i < n; i++) {
    char err[512];
    if (rs_expr_compile(w[i], nin, nn ? names : NULL, &op->expr[i], err, sizeof err)) {
      if (n == 1) return whpc_config_error(ctx, "rs.expr", "%s", err);
      return whpc_config_error(ctx, "rs.expr", "expression %d '%s': %s", i + 1, w[i], err);
    }
    if (first)
      for (int b = 1; b <= nin; b++)
        if (rs_expr_uses_band(op->expr[i], b)) job->need[b - 1] = 1;
  }
  op->nout = n;
  return WHPC_OK;
}

static int rs_setup_filter(whpc_ctx_t ctx, rs_op *op, int nin) {
  int kind;
  long r;
  WHPC_CALL(whpc_config_get_enum(ctx, "filter.kind", &kind, NULL));
  WHPC_CALL(whpc_config_get_int(ctx, "filter.radius", &r));
  WHPC_CALL(whpc_config_get_real(ctx, "filter.sigma", &op->sigma));
  op->filter = (rs_filter_kind)kind;
  op->radius = op->filter == RS_SOBEL ? 1 : (int)r;
  op->halo = rs_filter_halo(op->filter, op->radius);
  op->nout = nin;
  return WHPC_OK;
}

static int rs_setup_terrain(whpc_ctx_t ctx, rs_job *job, rs_op *op, int nin, int first) {
  int mode, pct, trig;
  long band;
  rs_terrain_opts *t = &op->terrain;
  WHPC_CALL(whpc_config_get_enum(ctx, "terrain.mode", &mode, NULL));
  WHPC_CALL(whpc_config_get_int(ctx, "terrain.band", &band));
  WHPC_CALL(whpc_config_get_real(ctx, "terrain.z", &t->z));
  WHPC_CALL(whpc_config_get_real(ctx, "terrain.scale", &t->scale));
  WHPC_CALL(whpc_config_get_real(ctx, "terrain.azimuth", &t->azimuth));
  WHPC_CALL(whpc_config_get_real(ctx, "terrain.altitude", &t->altitude));
  WHPC_CALL(whpc_config_get_bool(ctx, "terrain.slope_percent", &pct));
  WHPC_CALL(whpc_config_get_bool(ctx, "terrain.trigonometric", &trig));
  if (band > nin)
    return whpc_config_error(ctx, "terrain.band", "band %ld out of range (the stack has %d band%s)", band, nin,
                             nin == 1 ? "" : "s");
  t->mode = (rs_terrain_mode)mode;
  t->slope_percent = pct;
  t->trigonometric = trig;
  t->ewres = job->gt[1];
  t->nsres = job->gt[5];
  /* gdaldem reads Byte/UInt16/Int16 DEMs as Int32 (exact sums), everything else as Float32 */
  GDALDataType dt = first && !job->warp.enabled ? job->in.type[band - 1] : GDT_Float32;
  t->float_arith = !(dt == GDT_Byte || dt == GDT_UInt16 || dt == GDT_Int16);
  t->aspect_flat = NAN; /* flat cells have no aspect: nodata, as in gdaldem */
  op->band = (int)band - 1;
  if (first) job->need[band - 1] = 1;
  op->halo = 1;
  op->nout = 1;
  return WHPC_OK;
}

static int rs_setup_ops(whpc_ctx_t ctx, rs_job *job) {
  const char *text;
  WHPC_CALL(whpc_config_get_string(ctx, "rs.ops", &text));
  job->ops_text = text;
  static char buf[1024];
  snprintf(buf, sizeof buf, "%s", text);
  char *w[RS_MAX_OPS + 2];
  int n = rs_split(buf, ',', w, RS_MAX_OPS + 2);
  int nin = job->in.nbands, seen[3] = {0, 0, 0};
  if (n == 1 && strcasecmp(w[0], "none") == 0) n = 0;
  if (n > RS_MAX_OPS) return whpc_config_error(ctx, "rs.ops", "at most %d operations", RS_MAX_OPS);
  for (int i = 0; i < n; i++) {
    rs_op *op = &job->ops[i];
    memset(op, 0, sizeof *op);
    op->nin = nin;
    if (strcasecmp(w[i], "expr") == 0)
      op->kind = RS_OP_EXPR;
    else if (strcasecmp(w[i], "filter") == 0)
      op->kind = RS_OP_FILTER;
    else if (strcasecmp(w[i], "terrain") == 0)
      op->kind = RS_OP_TERRAIN;
    else
      return whpc_config_error(ctx, "rs.ops", "unknown operation '%s' (expected expr, filter, terrain or none)", w[i]);
    if (seen[op->kind]++) return whpc_config_error(ctx, "rs.ops", "'%s' appears twice", w[i]);
    job->nops = i + 1; /* so rs_job_free releases what was compiled */
    if (op->kind == RS_OP_EXPR) WHPC_CALL(rs_setup_expr(ctx, job, op, nin, i == 0));
    if (op->kind == RS_OP_FILTER) WHPC_CALL(rs_setup_filter(ctx, op, nin));
    if (op->kind == RS_OP_TERRAIN) WHPC_CALL(rs_setup_terrain(ctx, job, op, nin, i == 0));
    job->halo += op->halo;
    nin = op->nout;
  }
  job->nops = n;
  if (n == 0 || job->ops[0].kind == RS_OP_FILTER)
    for (int b = 0; b < job->in.nbands; b++) job->need[b] = 1;
  job->out.nbands = nin;
  return WHPC_OK;
}

static int rs_setup_masks(whpc_ctx_t ctx, rs_job *job) {
  double *r = NULL;
  int nr = 0;
  long qa, bits;
  WHPC_CALL(whpc_config_get_real_list(ctx, "mask.valid_range", &r, &nr));
  if (nr != 0 && (nr != 2 || !(r[0] <= r[1]))) {
    free(r);
    return whpc_config_error(ctx, "mask.valid_range", "expected two values lo,hi with lo <= hi");
  }
  job->has_range = nr == 2;
  if (nr == 2) job->range_lo = r[0], job->range_hi = r[1];
  free(r);
  WHPC_CALL(whpc_config_get_int(ctx, "mask.qa_band", &qa));
  WHPC_CALL(whpc_config_get_int(ctx, "mask.qa_bits", &bits));
  if (qa > job->in.nbands)
    return whpc_config_error(ctx, "mask.qa_band", "band %ld out of range (the input has %d bands)", qa,
                             job->in.nbands);
  job->qa_band = (int)qa - 1;
  job->qa_bits = bits;
  if (qa > 0) job->need[qa - 1] = 1;
  return WHPC_OK;
}

static int rs_setup_output(whpc_ctx_t ctx, rs_job *job) {
  const char *name, *nodata;
  int fmt, type, comp, ow;
  WHPC_CALL(whpc_config_get_string(ctx, "rs.output", &name));
  WHPC_CALL(whpc_config_get_enum(ctx, "rs.format", &fmt, NULL));
  WHPC_CALL(whpc_config_get_enum(ctx, "rs.compress", &comp, &job->compress));
  WHPC_CALL(whpc_config_get_enum(ctx, "rs.output_type", &type, NULL));
  WHPC_CALL(whpc_config_get_string(ctx, "rs.nodata", &nodata));
  WHPC_CALL(whpc_config_get_bool(ctx, "rs.keep_parts", &job->keep_parts));
  WHPC_CALL(whpc_config_get_bool(ctx, "rs.quicklook", &job->quicklook));
  int resume;
  WHPC_CALL(whpc_config_get_enum(ctx, "rs.resume", &resume, NULL));
  job->resume = resume != 2;
  WHPC_CALL(whpc_config_get_int(ctx, "rs.debug_crash_after", &job->crash_after));
  WHPC_CALL(whpc_config_get_bool(ctx, "output.overwrite", &ow));
  job->cog = fmt == 0;
  if (!*name || strchr(name, '/'))
    return whpc_config_error(ctx, "rs.output", "'%s': expected a plain file name (it goes inside output.dir)", name);
  whpc_output_path(ctx, name, job->out_path, sizeof job->out_path);
  job->overwrite = ow;
  whpc_output_path(ctx, "parts", job->parts_dir, sizeof job->parts_dir);
  snprintf(job->tile_path, sizeof job->tile_path, "%s/assemble.tif", job->parts_dir);

  const rs_op *last = job->nops ? &job->ops[job->nops - 1] : NULL;
  int hillshade = last && last->kind == RS_OP_TERRAIN && last->terrain.mode == RS_HILLSHADE;
  static const GDALDataType types[] = {GDT_Unknown, GDT_Byte,  GDT_UInt16,  GDT_Int16,
                                       GDT_UInt32,  GDT_Int32, GDT_Float32, GDT_Float64};
  rs_raster_desc *d = &job->out;
  d->type = types[type];
  if (type == 0) d->type = hillshade ? GDT_Byte : job->nops ? GDT_Float32 : job->in.type[0];
  if (strcasecmp(nodata, "auto") == 0) {
    /* float: -9999; integer: the input's nodata when it fits, else the type's extreme value
     * (gdal_calc.py's choice); hillshade: 0, as gdaldem */
    int isint = d->type != GDT_Float32 && d->type != GDT_Float64;
    double tmin = d->type == GDT_Int16 ? -32768 : d->type == GDT_Int32 ? -2147483648.0 : 0;
    double tmax = d->type == GDT_Byte ? 255 : d->type == GDT_UInt16 ? 65535 : d->type == GDT_Int16 ? 32767
                : d->type == GDT_UInt32 ? 4294967295.0 : 2147483647.0;
    d->nodata = -9999;
    if (isint) {
      double nd0 = job->in.nodata[0];
      if (job->in.has_nodata[0] && nd0 >= tmin && nd0 <= tmax && nd0 == floor(nd0))
        d->nodata = nd0;
      else
        d->nodata = tmin < 0 ? tmin : tmax;
    }
    if (hillshade) d->nodata = 0;
  } else {
    char *end;
    d->nodata = strtod(nodata, &end);
    if (end == nodata || *end)
      return whpc_config_error(ctx, "rs.nodata", "'%s' is not a number (or auto)", nodata);
  }
  double lo = 0, hi = 0;
  switch (d->type) {
    case GDT_Byte: lo = 0, hi = 255; break;
    case GDT_UInt16: lo = 0, hi = 65535; break;
    case GDT_Int16: lo = -32768, hi = 32767; break;
    case GDT_UInt32: lo = 0, hi = 4294967295.0; break;
    case GDT_Int32: lo = -2147483648.0, hi = 2147483647.0; break;
    default: lo = -INFINITY, hi = INFINITY;
  }
  if (!(d->nodata >= lo && d->nodata <= hi))
    return whpc_config_error(ctx, "rs.nodata", "%g does not fit the output type %s", d->nodata,
                             GDALGetDataTypeName(d->type));
  d->width = job->width;
  d->height = job->height;
  memcpy(d->gt, job->gt, sizeof d->gt);
  d->wkt = job->wkt;
  return WHPC_OK;
}

static int rs_setup_blocks(whpc_ctx_t ctx, rs_job *job) {
  long bs, chunk;
  WHPC_CALL(whpc_config_get_int(ctx, "rs.block_size", &bs));
  WHPC_CALL(whpc_config_get_int(ctx, "rs.chunk", &chunk));
  int tw = job->in.tile_w, th = job->in.tile_h;
  int b = (int)bs;
  /* align blocks with a square internal tiling (reads then touch whole tiles only) */
  if (!job->warp.enabled && tw == th && tw < job->width && tw % 16 == 0) {
    int k = (int)((bs + tw / 2) / tw);
    b = (k < 1 ? 1 : k) * tw;
  } else {
    b = (int)((bs + 8) / 16 * 16);
    if (b < 16) b = 16;
  }
  job->block = b;
  job->out.block = b;
  job->nbx = (job->width + b - 1) / b;
  job->nby = (job->height + b - 1) / b;
  job->nblocks = (long)job->nbx * job->nby;
  job->chunk = chunk;
  return WHPC_OK;
}

static int rs_setup_stats_chips(whpc_ctx_t ctx, rs_job *job) {
  long bins, cs, co;
  double *r = NULL;
  int nr = 0;
  WHPC_CALL(whpc_config_get_bool(ctx, "stats.enable", &job->stats));
  WHPC_CALL(whpc_config_get_int(ctx, "stats.hist_bins", &bins));
  WHPC_CALL(whpc_config_get_real_list(ctx, "stats.hist_range", &r, &nr));
  if (nr != 0 && (nr != 2 || !(r[0] < r[1]))) {
    free(r);
    return whpc_config_error(ctx, "stats.hist_range", "expected two values lo,hi with lo < hi");
  }
  job->has_hist = nr == 2 && job->stats;
  if (nr == 2) job->hist_min = r[0], job->hist_max = r[1];
  free(r);
  job->hist_bins = (int)bins;
  long zb, zm;
  WHPC_CALL(whpc_config_get_int(ctx, "stats.zones_band", &zb));
  WHPC_CALL(whpc_config_get_int(ctx, "stats.zones_max", &zm));
  if (zb > job->in.nbands)
    return whpc_config_error(ctx, "stats.zones_band", "band %ld out of range (the input has %d bands)", zb,
                             job->in.nbands);
  job->zones_band = job->stats && zb > 0 ? (int)zb - 1 : -1;
  job->nzones = (int)zm;
  if (job->zones_band >= 0) job->need[job->zones_band] = 1;
  WHPC_CALL(whpc_config_get_int(ctx, "chips.size", &cs));
  WHPC_CALL(whpc_config_get_int(ctx, "chips.overlap", &co));
  WHPC_CALL(whpc_config_get_string(ctx, "chips.dir", &job->chip_dir));
  if (cs > 0 && co >= cs) return whpc_config_error(ctx, "chips.overlap", "%ld must be smaller than chips.size %ld", co, cs);
  if (cs > 0 && (cs > job->width || cs > job->height))
    return whpc_config_error(ctx, "chips.size", "%ld exceeds the raster (%d x %d)", cs, job->width, job->height);
  long *z = NULL;
  int nz = 0;
  WHPC_CALL(whpc_config_get_int_list(ctx, "tiles.zoom", &z, &nz));
  if (nz != 0 && (nz != 2 || z[0] > z[1])) {
    free(z);
    return whpc_config_error(ctx, "tiles.zoom", "expected zmin,zmax with zmin <= zmax");
  }
  job->tiles_zmin = nz ? (int)z[0] : -1;
  job->tiles_zmax = nz ? (int)z[1] : -1;
  free(z);
  WHPC_CALL(whpc_config_get_string(ctx, "tiles.dir", &job->tiles_dir));
  WHPC_CALL(whpc_config_get_bool(ctx, "tiles.xyz", &job->tiles_xyz));
  WHPC_CALL(whpc_config_get_enum(ctx, "tiles.format", &job->tiles_webp, NULL));
  job->chip_size = (int)cs;
  job->chip_overlap = (int)co;
  return WHPC_OK;
}

static int rs_setup_warp(whpc_ctx_t ctx, rs_job *job) {
  const char *crs;
  double *res = NULL, *ext = NULL;
  int nres = 0, next = 0, alg;
  double et;
  WHPC_CALL(whpc_config_get_string(ctx, "warp.crs", &crs));
  job->width = job->in.width;
  job->height = job->in.height;
  memcpy(job->gt, job->in.gt, sizeof job->gt);
  job->wkt = job->in.wkt;
  if (!*crs) return WHPC_OK;
  WHPC_CALL(whpc_config_get_real_list(ctx, "warp.resolution", &res, &nres));
  WHPC_CALL(whpc_config_get_real_list(ctx, "warp.extent", &ext, &next));
  WHPC_CALL(whpc_config_get_enum(ctx, "warp.resampling", &alg, NULL));
  WHPC_CALL(whpc_config_get_real(ctx, "warp.error_threshold", &et));
  int rc = WHPC_OK;
  if (nres != 0 && (nres != 2 || !(res[0] > 0 && res[1] > 0)))
    rc = whpc_config_error(ctx, "warp.resolution", "expected two positive values xres,yres");
  else if (next != 0 && (next != 4 || !(ext[0] < ext[2] && ext[1] < ext[3])))
    rc = whpc_config_error(ctx, "warp.extent", "expected xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax");
  else if (next && !nres)
    rc = whpc_config_error(ctx, "warp.extent", "needs warp.resolution");
  else
    rc = rs_warp_setup(&job->warp, &job->in, crs, nres ? res : NULL, next ? ext : NULL, alg, et);
  free(res);
  free(ext);
  WHPC_CALL(rc);
  job->width = job->warp.width;
  job->height = job->warp.height;
  memcpy(job->gt, job->warp.gt, sizeof job->gt);
  job->wkt = job->warp.wkt;
  return WHPC_OK;
}

/* What the blocks of a run depend on: every key except those that only steer scheduling, logging
 * or the output directory, plus each input file's size and modification time. Journals carry it,
 * so a rerun resumes only a run of the same configuration on the same inputs. */
static unsigned long long rs_fingerprint(whpc_ctx_t ctx, const rs_job *job) {
  static const char *skip[] = {"rs.resume", "rs.chunk", "rs.keep_parts", "rs.debug_crash_after", "rs.quicklook",
                               "output.", "log.", "chips.", "tiles."};
  unsigned long long h = 1469598103934665603ULL; /* FNV-1a 64 */
  const char *t = whpc_config_text(ctx);
  while (t && *t) {
    const char *e = strchr(t, '\n');
    size_t n = e ? (size_t)(e - t) : strlen(t);
    int keep = 1;
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
      if (strncmp(t, skip[i], strlen(skip[i])) == 0) keep = 0;
    for (size_t i = 0; keep && i < n; i++) h = (h ^ (unsigned char)t[i]) * 1099511628211ULL;
    t = e ? e + 1 : t + n;
  }
  for (int f = 0; f < job->in.nfiles; f++) {
    struct stat st;
    if (stat(job->in.files[f], &st) != 0) continue;
    unsigned long long v[3] = {(unsigned long long)st.st_size, (unsigned long long)st.st_mtim.tv_sec,
                               (unsigned long long)st.st_mtim.tv_nsec};
    for (int i = 0; i < 3; i++) h = (h ^ v[i]) * 1099511628211ULL;
  }
  return h;
}

/* Resume or fresh start; an existing product is an error only when nothing is resumed (a run
 * stopped after writing it resumes with every block done and writes it again). */
static int rs_setup_resume(whpc_ctx_t ctx, rs_job *job) {
  job->fingerprint = rs_fingerprint(ctx, job);
  job->resuming = job->resume && rs_journal_resumable(job);
  struct stat st;
  if (!job->overwrite && !job->resuming && stat(job->out_path, &st) == 0)
    return whpc_config_error(ctx, "rs.output", "'%s' exists; set output.overwrite=true to replace it", job->out_path);
  return WHPC_OK;
}

static int rs_job_setup_all(whpc_ctx_t ctx, rs_job *job) {
  const char *files;
  WHPC_CALL(whpc_config_get_string(ctx, "input.files", &files));
  WHPC_CALL(rs_input_open(&job->in, "input.files", files));
  WHPC_CALL(rs_setup_warp(ctx, job));
  WHPC_MALLOC(job->need, job->in.nbands);
  WHPC_CALL(rs_setup_ops(ctx, job));
  WHPC_CALL(rs_setup_masks(ctx, job));
  WHPC_CALL(rs_setup_output(ctx, job));
  WHPC_CALL(rs_setup_blocks(ctx, job));
  WHPC_CALL(rs_setup_stats_chips(ctx, job));
  WHPC_CALL(rs_setup_resume(ctx, job));
  return WHPC_OK;
}

int rs_job_setup(whpc_ctx_t ctx, rs_job *job) {
  memset(job, 0, sizeof *job);
  int rc = rs_job_setup_all(ctx, job);
  /* every rank read the same keys and opened the same files: the error is known everywhere,
   * so it is printed once and all ranks exit together */
  if (rc) whpc_err_set_collective(1);
  return rc;
}

void rs_job_free(rs_job *job) {
  for (int i = 0; i < job->nops; i++)
    for (int k = 0; k < job->ops[i].nexpr; k++) rs_expr_free(&job->ops[i].expr[k]);
  free(job->need);
  if (job->warp.enabled) rs_warp_free(&job->warp);
  rs_input_close(&job->in);
}

void rs_job_block(const rs_job *job, long b, int *x0, int *y0, int *w, int *h) {
  int bx = (int)(b % job->nbx), by = (int)(b / job->nbx);
  *x0 = bx * job->block;
  *y0 = by * job->block;
  *w = job->width - *x0 < job->block ? job->width - *x0 : job->block;
  *h = job->height - *y0 < job->block ? job->height - *y0 : job->block;
}
