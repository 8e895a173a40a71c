/* ncio.c — parallel NetCDF-4 (HDF5 over MPI-IO) fields with CF-1.8 metadata.
 *
 * Every define-mode call must receive identical arguments on all ranks (netCDF-4 parallel
 * keeps one metadata copy per rank): anything rank-dependent (the date in `history`) is
 * decided on rank 0 and broadcast. Data access is collective for every variable; ranks that
 * have nothing to write (1D data, coordinates) take part with a zero count. */
#define _GNU_SOURCE /* fallocate */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <netcdf.h>
#include <netcdf_par.h>
#include <netcdf_meta.h>

#include "whpc_config.h"
#include "whpc_ctx.h"
#include "whpc_error.h"
#include "whpc_log.h"
#include "whpc_ncio.h"
#include "ctx_impl.h"

/* Open MPI 4.1's default MPI-IO component (OMPIO) loses collective writes of parallel HDF5
 * at random (cells read back as 0, corrupt deflate chunks; seen at 2-4 ranks with Open MPI
 * 4.1.4 / HDF5 1.10.8), ROMIO does not. Choose ROMIO before MPI_Init unless the user chose. */
__attribute__((constructor)) static void whpc_ncio_prefer_romio(void) { setenv("OMPI_MCA_io", "romio321", 0); }

const whpc_cfg_key whpc_ncio_keys[] = {
    {"output.deflate", WHPC_CFG_INT, "0", "", 0, 9, NULL,
     "deflate level of NetCDF fields (0 = off, 1..9); chunks follow the decomposition"},
    {"output.float32", WHPC_CFG_BOOL, "false", "", WHPC_CFG_ANY, NULL,
     "store NetCDF fields as 32-bit float (the state stays double)"},
    {"output.enabled", WHPC_CFG_BOOL, "true", "", WHPC_CFG_ANY, NULL,
     "write NetCDF field files (false: none, for pure scaling runs; report.json is always written)"},
};
const int whpc_ncio_nkeys = WHPC_NKEYS(whpc_ncio_keys);

struct whpc_ncfile_s {
  whpc_decomp_t g;
  whpc_ctx_t ctx;
  MPI_Comm comm;
  int rank;
  int ncid;
  int writing;   /* created (rename on close) rather than opened */
  int in_define; /* still in define mode */
  char path[4096], part[4096];
  int ndims;
  long n[3];
  int dimid[3];     /* decomposition dims (x = 0) */
  int axis_varid[3], bnds_varid[3];
  double *coords[3], *bounds[3]; /* copies, written at enddef */
  int time_dimid, time_varid;    /* -1 when none */
  long ntimes;
  int deflate, float32;
  size_t chunk[3]; /* rank 0's owned extents: the largest block of each dimension */
  int shared_chunks; /* some chunk is written by two ranks (the grid does not divide evenly) */
  int hdf5_failed;   /* a collective write failed inside HDF5: the file cannot be closed safely */
  struct whpc_ncfile_s *next_open; /* the list of files still open (see close_at_finalize) */
};

/* Files an app left open on an error path (it returned without whpc_ncio_abandon) used to be
 * closed by HDF5's own MPI_Finalize hook, after ROMIO had freed its state: a segfault in
 * ADIO_Set_view (climate with a full disk). A hook of ours on MPI_COMM_SELF, attached after
 * the first nc_create_par/nc_open_par (so after HDF5's and ROMIO's, and run before them: MPI
 * deletes those attributes last-in first-out), abandons every file still being written and
 * closes every file still open for reading, on all ranks, while MPI-IO still works. */
static struct whpc_ncfile_s *open_files = NULL;
static void free_file(whpc_ncfile_t f);

static void track(whpc_ncfile_t f) {
  f->next_open = open_files;
  open_files = f;
}

static void untrack(whpc_ncfile_t f) {
  for (struct whpc_ncfile_s **p = &open_files; *p; p = &(*p)->next_open)
    if (*p == f) {
      *p = f->next_open;
      return;
    }
}

static int close_at_finalize(MPI_Comm comm, int keyval, void *value, void *extra) {
  (void)comm, (void)keyval, (void)value, (void)extra;
  while (open_files) {
    whpc_ncfile_t f = open_files;
    if (f->writing) {
      whpc_ncio_abandon(&f);
    } else {
      untrack(f);
      nc_close(f->ncid);
      free_file(f);
    }
  }
  return MPI_SUCCESS;
}

static void hook_finalize(void) {
  static int done = 0;
  int keyval;
  if (done) return;
  done = 1;
  if (MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, close_at_finalize, &keyval, NULL) == MPI_SUCCESS)
    MPI_Comm_set_attr(MPI_COMM_SELF, keyval, NULL);
}

/* A failing netCDF call: WHPC_ERR_IO naming the file, what we were doing and netCDF's reason. */
#define NCX(f, call, ...)                                                                   \
  do {                                                                                      \
    int nc_r_ = (call);                                                                     \
    if (nc_r_ != NC_NOERR) {                                                                \
      char what_[512];                                                                      \
      snprintf(what_, sizeof what_, __VA_ARGS__);                                           \
      return whpc_err_raise(WHPC_ERR_IO, __FILE__, __LINE__, __func__, "%s: %s: %s",        \
                            (f)->writing ? (f)->part : (f)->path, what_, nc_strerror(nc_r_)); \
    }                                                                                       \
  } while (0)

/* Make an error seen by only some ranks (rank 0's rename, its stat) known to all. */
static int agree(MPI_Comm comm, int rc) {
  int grc = rc;
  whpc_agree(comm, rc, &grc);
  return grc;
}

/* Rank 0 reserves the disk space of a collective write before HDF5 starts it: HDF5 cannot
 * recover from ENOSPC in the middle of a collective write (see agreed_write), so a full disk
 * must be found here, where every rank can still agree and close the file cleanly. The
 * reservation covers the file's holes (chunks allocated, not yet written) and `bytes` plus a
 * margin for metadata beyond its end (fallocate, FALLOC_FL_KEEP_SIZE: blocks, not size); where
 * the file system cannot preallocate, the free space is compared instead. */
#define WHPC_NCIO_MARGIN (64.0 * 1024)
static int reserve_space(whpc_ncfile_t f, double bytes, const char *name) {
  struct stat st;
  if (f->rank != 0) return WHPC_OK;
  int fd = open(f->part, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) != 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    return WHPC_RAISE(WHPC_ERR_IO, "%s: cannot open it to write %s: %s", f->part, name, strerror(e));
  }
  double want = (double)st.st_size + bytes + WHPC_NCIO_MARGIN;
  int rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)want) == 0 ? 0 : errno;
  close(fd);
  if (rc == EOPNOTSUPP || rc == ENOSYS || rc == EINTR) {
    struct statvfs sv;
    char dir[sizeof f->part];
    snprintf(dir, sizeof dir, "%s", f->part);
    char *slash = strrchr(dir, '/');
    if (slash) slash[slash == dir] = '\0';
    rc = statvfs(slash ? dir : ".", &sv) == 0 && (double)sv.f_bavail * (double)sv.f_frsize < bytes + WHPC_NCIO_MARGIN
             ? ENOSPC : 0;
  }
  if (rc)
    return WHPC_RAISE(WHPC_ERR_IO, "%s: cannot write %s (%.0f KiB): %s", f->part, name,
                      (bytes + WHPC_NCIO_MARGIN) / 1024.0, strerror(rc));
  return WHPC_OK;
}

/* Release blocks reserved beyond the end of a finished file (rank 0, before the rename). */
static void release_reserve(whpc_ncfile_t f) {
  struct stat st;
  int fd = open(f->part, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  if (fstat(fd, &st) == 0)
    (void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, st.st_size, (off_t)1 << 40);
  close(fd);
}

/* Seconds a rank whose collective write failed waits for the others to report theirs. */
#define WHPC_NCIO_AGREE_TIMEOUT 30.0

/* The outcome of a collective data write, agreed on by every rank. On a full disk only the
 * ranks whose MPI-IO aggregator hit ENOSPC see the error, and HDF5 may return it to them in
 * the middle of its collective write while the others wait in a later MPI-IO collective that
 * never completes (cfd, docs/reliability.md bug 4, seen with gdb on both ranks). So ranks
 * first compare results with a non-blocking reduction; a failed rank that hears nothing back
 * within WHPC_NCIO_AGREE_TIMEOUT knows the others are stuck inside HDF5: it removes the
 * .part file and ends the job with its one error line (MPI_Abort, exit 3). */
static int agreed_write(whpc_ncfile_t f, int nc_rc, const char *what, const char *name) {
  int rc = WHPC_OK, failed = nc_rc != NC_NOERR, any = 0, done = 0;
  if (failed) {
    char room[96] = "", dir[sizeof f->part];
    struct statvfs sv;
    snprintf(dir, sizeof dir, "%s", f->part);
    char *slash = strrchr(dir, '/');
    if (slash) slash[slash == dir] = '\0';
    if (statvfs(slash ? dir : ".", &sv) == 0 && (double)sv.f_bavail * (double)sv.f_frsize < 1048576.0)
      snprintf(room, sizeof room, " (the file system has %.0f KiB left)",
               (double)sv.f_bavail * (double)sv.f_frsize / 1024.0);
    rc = whpc_err_raise(WHPC_ERR_IO, __FILE__, __LINE__, __func__, "%s: %s %s: %s%s", f->part, what, name,
                        nc_strerror(nc_rc), room);
  }
  MPI_Request rq;
  MPI_Iallreduce(&failed, &any, 1, MPI_INT, MPI_MAX, f->comm, &rq);
  if (!failed) {
    MPI_Wait(&rq, MPI_STATUS_IGNORE);
  } else {
    double t0 = MPI_Wtime();
    while (MPI_Test(&rq, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done &&
           MPI_Wtime() - t0 < WHPC_NCIO_AGREE_TIMEOUT) {
      struct timespec ms = {0, 1000000};
      nanosleep(&ms, NULL);
    }
    if (!done) {
      unlink(f->part);
      whpc_abort(f->comm, rc);
    }
  }
  if (!any) return WHPC_OK;
  f->hdf5_failed = 1;
  return agree(f->comm, rc);
}

int whpc_ncio_opts_from_config(whpc_ctx_t ctx, whpc_nc_opts *opts) {
  long level;
  int f32;
  WHPC_CHECK(ctx && opts, WHPC_ERR_ARG, "whpc_ncio_opts_from_config: NULL argument");
  WHPC_CALL(whpc_config_get_int(ctx, "output.deflate", &level));
  WHPC_CALL(whpc_config_get_bool(ctx, "output.float32", &f32));
  opts->deflate_level = (int)level;
  opts->float32 = f32;
  return WHPC_OK;
}

const char *whpc_ncio_path(whpc_ncfile_t f) { return f ? f->path : ""; }

static int put_text(whpc_ncfile_t f, int varid, const char *name, const char *value) {
  if (!value) return WHPC_OK;
  NCX(f, nc_put_att_text(f->ncid, varid, name, strlen(value), value), "attribute %s", name);
  return WHPC_OK;
}

/* ISO-8601 UTC time of now, decided on rank 0 so that every rank writes the same bytes. */
static void utc_now(MPI_Comm comm, char stamp[32]) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  memset(stamp, 0, 32);
  if (rank == 0) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  MPI_Bcast(stamp, 32, MPI_CHAR, 0, comm);
}

static int put_global_atts(whpc_ncfile_t f, const whpc_nc_opts *o) {
  char stamp[32], buf[1024];
  const char *app = whpc_app_name(f->ctx);
  utc_now(f->comm, stamp);
  WHPC_CALL(put_text(f, NC_GLOBAL, "Conventions", "CF-1.8"));
  WHPC_CALL(put_text(f, NC_GLOBAL, "title", o && o->title ? o->title : app));
  WHPC_CALL(put_text(f, NC_GLOBAL, "institution", o && o->institution ? o->institution : "whpc"));
  snprintf(buf, sizeof buf, "%s %s (git %s), libwhpc ncio, netCDF %s", app, whpc_version(),
           whpc_git_revision(), NC_VERSION);
  WHPC_CALL(put_text(f, NC_GLOBAL, "source", buf));
  {
    const char *cmd = whpc_command_line(f->ctx);
    size_t len = strlen(stamp) + strlen(cmd) + 4;
    char *hist = malloc(len);
    WHPC_CHECK(hist, WHPC_ERR_MEM, "cannot allocate the history attribute");
    snprintf(hist, len, "%s: %s", stamp, cmd);
    int rc = put_text(f, NC_GLOBAL, "history", hist);
    free(hist);
    WHPC_CALL(rc);
  }
  if (o && o->references) WHPC_CALL(put_text(f, NC_GLOBAL, "references", o->references));
  WHPC_CALL(put_text(f, NC_GLOBAL, "whpc_config", whpc_config_text(f->ctx)));
  return WHPC_OK;
}

static int def_axis(whpc_ncfile_t f, int d, const whpc_nc_axis *a, int *nv_dimid) {
  const char *name = a->name;
  int vid;
  WHPC_CHECK(name && *name, WHPC_ERR_ARG, "whpc_ncio_create: axis %d has no name", d);
  NCX(f, nc_def_var(f->ncid, name, NC_DOUBLE, 1, &f->dimid[d], &vid), "define coordinate %s", name);
  NCX(f, nc_var_par_access(f->ncid, vid, NC_COLLECTIVE), "collective access for %s", name);
  f->axis_varid[d] = vid;
  WHPC_CALL(put_text(f, vid, "units", a->units ? a->units : "1"));
  WHPC_CALL(put_text(f, vid, "standard_name", a->standard_name));
  WHPC_CALL(put_text(f, vid, "long_name", a->long_name ? a->long_name : name));
  WHPC_CALL(put_text(f, vid, "axis", a->axis));
  WHPC_CALL(put_text(f, vid, "positive", a->positive));
  WHPC_MALLOC(f->coords[d], f->n[d]);
  for (long i = 0; i < f->n[d]; i++) f->coords[d][i] = a->coords ? a->coords[i] : (double)i;
  f->bnds_varid[d] = -1;
  if (a->bounds) {
    char bname[NC_MAX_NAME + 1];
    int dims[2] = {f->dimid[d], 0};
    if (*nv_dimid < 0) NCX(f, nc_def_dim(f->ncid, "bnds", 2, nv_dimid), "define dimension bnds");
    dims[1] = *nv_dimid;
    snprintf(bname, sizeof bname, "%s_bnds", name);
    NCX(f, nc_def_var(f->ncid, bname, NC_DOUBLE, 2, dims, &f->bnds_varid[d]), "define %s", bname);
    NCX(f, nc_var_par_access(f->ncid, f->bnds_varid[d], NC_COLLECTIVE), "collective access for %s", bname);
    WHPC_CALL(put_text(f, vid, "bounds", bname));
    WHPC_MALLOC(f->bounds[d], 2 * f->n[d]);
    memcpy(f->bounds[d], a->bounds, 2 * (size_t)f->n[d] * sizeof(double));
  }
  return WHPC_OK;
}

static void free_file(whpc_ncfile_t f) {
  for (int d = 0; d < 3; d++) {
    free(f->coords[d]);
    free(f->bounds[d]);
  }
  free(f);
}

static int create_file(whpc_ncfile_t f, const whpc_nc_opts *opts, const whpc_nc_axis *axes) {
  int rc = WHPC_OK, old_fill, nv_dimid = -1;
  if (f->rank == 0) {
    if (access(f->path, F_OK) == 0 && !(opts && opts->overwrite))
      rc = WHPC_RAISE(WHPC_ERR_IO, "%s exists already (refusing to overwrite it)", f->path);
    else if (unlink(f->part) != 0 && errno != ENOENT) /* a stale .part of a crashed run */
      rc = WHPC_RAISE(WHPC_ERR_IO, "cannot remove stale %s: %s", f->part, strerror(errno));
  }
  WHPC_CALL(agree(f->comm, rc));
  rc = nc_create_par(f->part, NC_NETCDF4 | NC_CLOBBER, f->comm, MPI_INFO_NULL, &f->ncid);
  if (rc != NC_NOERR) rc = WHPC_RAISE(WHPC_ERR_IO, "cannot create %s: %s", f->part, nc_strerror(rc));
  WHPC_CALL(agree(f->comm, rc));
  hook_finalize();
  f->in_define = 1;
  /* Every value is written before anyone reads it: skip HDF5's fill pass (it costs a full
   * extra write of each dataset in parallel). _FillValue is still recorded per variable. */
  NCX(f, nc_set_fill(f->ncid, NC_NOFILL, &old_fill), "set no-fill mode");
  for (int d = f->ndims - 1; d >= 0; d--) {
    WHPC_CHECK(axes[d].name && *axes[d].name, WHPC_ERR_ARG, "whpc_ncio_create: axis %d has no name", d);
    NCX(f, nc_def_dim(f->ncid, axes[d].name, (size_t)f->n[d], &f->dimid[d]), "define dimension %s",
        axes[d].name);
  }
  for (int d = f->ndims - 1; d >= 0; d--) WHPC_CALL(def_axis(f, d, &axes[d], &nv_dimid));
  WHPC_CALL(put_global_atts(f, opts));
  return WHPC_OK;
}

int whpc_ncio_create(whpc_decomp_t g, const char *path, const whpc_nc_opts *opts,
                     const whpc_nc_axis *axes, whpc_ncfile_t *out) {
  whpc_ncfile_t f;
  whpc_box own;
  WHPC_CHECK(g && path && *path && axes && out, WHPC_ERR_ARG, "whpc_ncio_create: NULL argument");
  *out = NULL;
  WHPC_CHECK(strlen(path) < sizeof f->path - 8, WHPC_ERR_ARG, "NetCDF path too long: %s", path);
  WHPC_CHECK(!opts || (opts->deflate_level >= 0 && opts->deflate_level <= 9), WHPC_ERR_ARG,
             "%s: deflate level %d is not in 0..9", path, opts->deflate_level);
  f = calloc(1, sizeof *f);
  WHPC_CHECK(f, WHPC_ERR_MEM, "cannot allocate a NetCDF file handle");
  f->g = g;
  f->ctx = whpc_decomp_ctx(g);
  f->comm = whpc_decomp_comm(g);
  MPI_Comm_rank(f->comm, &f->rank);
  f->writing = 1;
  f->ndims = whpc_decomp_ndims(g);
  whpc_decomp_global_size(g, f->n);
  whpc_decomp_rank_box(g, 0, &own);
  for (int d = 0; d < 3; d++) f->chunk[d] = (size_t)(own.hi[d] - own.lo[d]);
  {
    int pd[3];
    whpc_decomp_dims(g, pd);
    for (int d = 0; d < f->ndims; d++) f->shared_chunks |= f->n[d] % pd[d] != 0;
  }
  f->time_dimid = f->time_varid = -1;
  f->deflate = opts ? opts->deflate_level : 0;
  f->float32 = opts ? opts->float32 : 0;
  snprintf(f->path, sizeof f->path, "%s", path);
  snprintf(f->part, sizeof f->part, "%s.part", path);
  int rc = create_file(f, opts, axes);
  if (rc) {
    if (f->in_define) nc_close(f->ncid);
    if (f->rank == 0 && f->ncid) unlink(f->part);
    free_file(f);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  track(f);
  *out = f;
  return WHPC_OK;
}

/* CF time units are "<unit> since <date>". A bare unit ("s", "hours") is completed with the
 * default epoch, with a warning; anything else without "since" is an error. */
static int cf_time_units(whpc_ncfile_t f, const char *units, char *out, size_t len) {
  static const char *bare[][2] = {{"s", "seconds"}, {"sec", "seconds"}, {"second", "seconds"}, {"seconds", "seconds"},
                                  {"min", "minutes"}, {"minute", "minutes"}, {"minutes", "minutes"},
                                  {"h", "hours"}, {"hour", "hours"}, {"hours", "hours"},
                                  {"d", "days"}, {"day", "days"}, {"days", "days"}};
  if (!units) units = "seconds since 2000-01-01 00:00:00";
  if (strstr(units, " since ")) {
    snprintf(out, len, "%s", units);
    return WHPC_OK;
  }
  for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++)
    if (strcmp(units, bare[i][0]) == 0) {
      snprintf(out, len, "%s since 2000-01-01 00:00:00", bare[i][1]);
      whpc_log(f->ctx, WHPC_LOG_WARN, "%s: time units '%s' are not CF ('<unit> since <date>'): written as '%s'",
               f->path, units, out);
      return WHPC_OK;
    }
  return WHPC_RAISE(WHPC_ERR_ARG, "%s: time units '%s' are not '<unit> since <date>' (CF)", f->path, units);
}

int whpc_ncio_def_time(whpc_ncfile_t f, const char *units, const char *calendar) {
  char tu[256];
  WHPC_CHECK(f && f->in_define, WHPC_ERR_ARG, "whpc_ncio_def_time: file not in define mode");
  WHPC_CALL(cf_time_units(f, units, tu, sizeof tu));
  WHPC_CHECK(f->time_dimid < 0, WHPC_ERR_ARG, "%s: time axis defined twice", f->path);
  NCX(f, nc_def_dim(f->ncid, "time", NC_UNLIMITED, &f->time_dimid), "define dimension time");
  NCX(f, nc_def_var(f->ncid, "time", NC_DOUBLE, 1, &f->time_dimid, &f->time_varid), "define time");
  NCX(f, nc_var_par_access(f->ncid, f->time_varid, NC_COLLECTIVE), "collective access for time");
  WHPC_CALL(put_text(f, f->time_varid, "standard_name", "time"));
  WHPC_CALL(put_text(f, f->time_varid, "long_name", "time"));
  WHPC_CALL(put_text(f, f->time_varid, "units", tu));
  WHPC_CALL(put_text(f, f->time_varid, "calendar", calendar ? calendar : "standard"));
  WHPC_CALL(put_text(f, f->time_varid, "axis", "T"));
  return WHPC_OK;
}

static int put_var_atts(whpc_ncfile_t f, int vid, const whpc_nc_var *v, nc_type xt) {
  if (xt == NC_FLOAT) {
    float fv = (float)v->fill_value;
    NCX(f, nc_put_att_float(f->ncid, vid, "_FillValue", NC_FLOAT, 1, &fv), "_FillValue of %s", v->name);
  } else {
    NCX(f, nc_put_att_double(f->ncid, vid, "_FillValue", NC_DOUBLE, 1, &v->fill_value),
        "_FillValue of %s", v->name);
  }
  WHPC_CALL(put_text(f, vid, "units", v->units ? v->units : "1"));
  WHPC_CALL(put_text(f, vid, "standard_name", v->standard_name));
  WHPC_CALL(put_text(f, vid, "long_name", v->long_name ? v->long_name : v->name));
  WHPC_CALL(put_text(f, vid, "cell_methods", v->cell_methods));
  WHPC_CALL(put_text(f, vid, "coordinates", v->coordinates));
  return WHPC_OK;
}

int whpc_ncio_def_var(whpc_ncfile_t f, const whpc_nc_var *v, int *varid) {
  int dims[4], nd = 0, vid;
  size_t chunks[4];
  WHPC_CHECK(f && v && v->name && varid, WHPC_ERR_ARG, "whpc_ncio_def_var: NULL argument");
  WHPC_CHECK(f->in_define, WHPC_ERR_ARG, "%s: variable %s defined after whpc_ncio_enddef", f->path, v->name);
  WHPC_CHECK(!v->time_dependent || f->time_dimid >= 0, WHPC_ERR_ARG,
             "%s: variable %s is time dependent but whpc_ncio_def_time was not called", f->path, v->name);
  if (v->time_dependent) {
    chunks[nd] = 1;
    dims[nd++] = f->time_dimid;
  }
  for (int d = f->ndims - 1; d >= 0; d--) {
    chunks[nd] = f->chunk[d];
    dims[nd++] = f->dimid[d];
  }
  nc_type xt = (f->float32 || v->type == WHPC_NC_FLOAT) ? NC_FLOAT : NC_DOUBLE;
  NCX(f, nc_def_var(f->ncid, v->name, xt, nd, dims, &vid), "define variable %s", v->name);
  /* Chunks = the owned blocks: each rank writes whole chunks, and compressed chunks are
   * never shared between writers. Unlimited time needs chunked storage anyway. */
  if (f->deflate > 0 || v->time_dependent)
    NCX(f, nc_def_var_chunking(f->ncid, vid, NC_CHUNKED, chunks), "chunking of %s", v->name);
  if (f->deflate > 0) {
    NCX(f, nc_def_var_deflate(f->ncid, vid, 1, 1, f->deflate), "deflate of %s", v->name);
    /* A chunk shared by two ranks (uneven blocks) is read back and inflated before the second
     * write: it must hold valid compressed data from the start, so such variables fill. When
     * every rank owns whole chunks nothing is read back and the fill pass is skipped. */
    if (f->shared_chunks) NCX(f, nc_def_var_fill(f->ncid, vid, 0, NULL), "fill mode of %s", v->name);
  }
  NCX(f, nc_var_par_access(f->ncid, vid, NC_COLLECTIVE), "collective access for %s", v->name);
  WHPC_CALL(put_var_atts(f, vid, v, xt));
  *varid = vid;
  return WHPC_OK;
}

int whpc_ncio_def_var1d(whpc_ncfile_t f, const whpc_nc_var *v, const char *dim_name, long len,
                        int *varid) {
  int dims[2], nd = 0, vid, did;
  WHPC_CHECK(f && v && v->name && varid, WHPC_ERR_ARG, "whpc_ncio_def_var1d: NULL argument");
  WHPC_CHECK(f->in_define, WHPC_ERR_ARG, "%s: variable %s defined after whpc_ncio_enddef", f->path, v->name);
  WHPC_CHECK(!v->time_dependent || f->time_dimid >= 0, WHPC_ERR_ARG,
             "%s: variable %s is time dependent but whpc_ncio_def_time was not called", f->path, v->name);
  WHPC_CHECK(dim_name || v->time_dependent, WHPC_ERR_ARG,
             "%s: variable %s needs a dimension or time", f->path, v->name);
  if (v->time_dependent) dims[nd++] = f->time_dimid;
  if (dim_name) {
    WHPC_CHECK(len > 0, WHPC_ERR_ARG, "%s: dimension %s of %s has length %ld", f->path, dim_name, v->name, len);
    if (nc_inq_dimid(f->ncid, dim_name, &did) == NC_NOERR) {
      size_t have;
      NCX(f, nc_inq_dimlen(f->ncid, did, &have), "length of dimension %s", dim_name);
      WHPC_CHECK((long)have == len, WHPC_ERR_ARG, "%s: dimension %s has length %zu, variable %s wants %ld",
                 f->path, dim_name, have, v->name, len);
    } else {
      NCX(f, nc_def_dim(f->ncid, dim_name, (size_t)len, &did), "define dimension %s", dim_name);
    }
    dims[nd++] = did;
  }
  nc_type xt = v->type == WHPC_NC_FLOAT ? NC_FLOAT : NC_DOUBLE;
  NCX(f, nc_def_var(f->ncid, v->name, xt, nd, dims, &vid), "define variable %s", v->name);
  NCX(f, nc_var_par_access(f->ncid, vid, NC_COLLECTIVE), "collective access for %s", v->name);
  WHPC_CALL(put_var_atts(f, vid, v, xt));
  *varid = vid;
  return WHPC_OK;
}

int whpc_ncio_put_att_text(whpc_ncfile_t f, const char *name, const char *value) {
  WHPC_CHECK(f && name && value, WHPC_ERR_ARG, "whpc_ncio_put_att_text: NULL argument");
  WHPC_CHECK(f->in_define, WHPC_ERR_ARG, "%s: attribute %s after whpc_ncio_enddef", f->path, name);
  return put_text(f, NC_GLOBAL, name, value);
}

int whpc_ncio_put_att_double(whpc_ncfile_t f, const char *name, double value) {
  WHPC_CHECK(f && name, WHPC_ERR_ARG, "whpc_ncio_put_att_double: NULL argument");
  WHPC_CHECK(f->in_define, WHPC_ERR_ARG, "%s: attribute %s after whpc_ncio_enddef", f->path, name);
  NCX(f, nc_put_att_double(f->ncid, NC_GLOBAL, name, NC_DOUBLE, 1, &value), "attribute %s", name);
  return WHPC_OK;
}

int whpc_ncio_enddef(whpc_ncfile_t f) {
  WHPC_CHECK(f && f->in_define, WHPC_ERR_ARG, "whpc_ncio_enddef: file not in define mode");
  NCX(f, nc_enddef(f->ncid), "leave define mode");
  f->in_define = 0;
  for (int d = 0; d < f->ndims; d++) {
    size_t start[2] = {0, 0}, count[2] = {f->rank == 0 ? (size_t)f->n[d] : 0, 2};
    NCX(f, nc_put_vara_double(f->ncid, f->axis_varid[d], start, count, f->coords[d]), "write coordinate %d", d);
    if (f->bnds_varid[d] >= 0) {
      if (f->rank != 0) count[1] = 0;
      NCX(f, nc_put_vara_double(f->ncid, f->bnds_varid[d], start, count, f->bounds[d]), "write bounds %d", d);
    }
  }
  return WHPC_OK;
}

int whpc_ncio_append_time(whpc_ncfile_t f, double t, long *index) {
  WHPC_CHECK(f && f->writing && !f->in_define, WHPC_ERR_ARG, "whpc_ncio_append_time: file not writable or in define mode");
  WHPC_CHECK(f->time_varid >= 0, WHPC_ERR_ARG, "%s: no time axis (whpc_ncio_def_time)", f->path);
  size_t start = (size_t)f->ntimes, count = f->rank == 0 ? 1 : 0;
  WHPC_CALL(agree(f->comm, reserve_space(f, 8.0, "time")));
  WHPC_CALL(agreed_write(f, nc_put_vara_double(f->ncid, f->time_varid, &start, &count, &t), "append a record to",
                         "time"));
  if (index) *index = f->ntimes;
  f->ntimes++;
  return WHPC_OK;
}

/* Shape of a variable: time dependence, its other dims (file order) and its type. */
typedef struct {
  int has_time, nd; /* nd: dims without time */
  size_t len[NC_MAX_VAR_DIMS];
  nc_type xt;
  char name[NC_MAX_NAME + 1];
} var_shape;

static int inq_shape(whpc_ncfile_t f, int varid, var_shape *s) {
  int nd, dims[NC_MAX_VAR_DIMS];
  NCX(f, nc_inq_var(f->ncid, varid, s->name, &s->xt, &nd, dims, NULL), "inquire variable %d", varid);
  s->has_time = nd > 0 && f->time_dimid >= 0 && dims[0] == f->time_dimid;
  s->nd = 0;
  for (int i = s->has_time; i < nd; i++)
    NCX(f, nc_inq_dimlen(f->ncid, dims[i], &s->len[s->nd++]), "dimension of %s", s->name);
  return WHPC_OK;
}

/* "64 x 32" in x-first order from file-order lengths. */
static void fmt_dims(char *buf, size_t n, const size_t *len, int nd) {
  size_t k = 0;
  buf[0] = 0;
  for (int i = nd - 1; i >= 0 && k < n; i--)
    k += (size_t)snprintf(buf + k, n - k, "%s%zu", i == nd - 1 ? "" : " x ", len[i]);
}

/* Check that a variable is a field of the decomposition's grid and find its record. */
static int field_access(whpc_ncfile_t f, int varid, long time_index, var_shape *s, size_t *start,
                        size_t *count, size_t *nelem) {
  whpc_box own;
  int k = 0;
  WHPC_CALL(inq_shape(f, varid, s));
  int same = s->nd == f->ndims;
  for (int i = 0; same && i < s->nd; i++) same = s->len[i] == (size_t)f->n[f->ndims - 1 - i];
  if (!same) {
    char have[128], want[128];
    size_t gl[3];
    for (int i = 0; i < f->ndims; i++) gl[i] = (size_t)f->n[f->ndims - 1 - i];
    fmt_dims(have, sizeof have, s->len, s->nd);
    fmt_dims(want, sizeof want, gl, f->ndims);
    return WHPC_RAISE(WHPC_ERR_INPUT, "%s: variable %s is %s (x first) but the grid is %s", f->path,
                      s->name, s->nd ? have : "a scalar", want);
  }
  if (s->has_time) {
    long ti = time_index < 0 ? f->ntimes - 1 : time_index;
    WHPC_CHECK(ti >= 0 && ti < f->ntimes, WHPC_ERR_INPUT, "%s: variable %s has no record %ld (%ld records)",
               f->path, s->name, time_index, f->ntimes);
    start[k] = (size_t)ti;
    count[k++] = 1;
  }
  whpc_decomp_owned(f->g, &own);
  *nelem = 1;
  for (int d = f->ndims - 1; d >= 0; d--) {
    start[k] = (size_t)own.lo[d];
    count[k++] = (size_t)(own.hi[d] - own.lo[d]);
    *nelem *= (size_t)(own.hi[d] - own.lo[d]);
  }
  return WHPC_OK;
}

int whpc_ncio_write(whpc_ncfile_t f, int varid, long time_index, const double *field) {
  var_shape s;
  size_t start[4], count[4], nelem;
  whpc_layout lay;
  long nl[3];
  WHPC_CHECK(f && f->writing && !f->in_define && field, WHPC_ERR_ARG,
             "whpc_ncio_write: file not writable, in define mode, or NULL field");
  void *buf = NULL;
  int rc = field_access(f, varid, time_index, &s, start, count, &nelem);
  if (!rc) buf = malloc(nelem * (s.xt == NC_FLOAT ? sizeof(float) : sizeof(double)));
  if (!rc && !buf) rc = WHPC_RAISE(WHPC_ERR_MEM, "%s: cannot allocate %zu values to write %s", f->path, nelem, s.name);
  if (!rc) {
    double global = s.xt == NC_FLOAT ? 4.0 : 8.0;
    for (int d = 0; d < f->ndims; d++) global *= (double)f->n[d];
    rc = reserve_space(f, global, s.name);
  }
  rc = agree(f->comm, rc); /* every rank enters the collective write, or none */
  if (rc) {
    free(buf);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  whpc_decomp_layout(f->g, &lay);
  whpc_decomp_local_size(f->g, nl);
  /* Pack the owned box (ghosts excluded) contiguously, converting to the storage type. */
  size_t m = 0;
  for (long k = 0; k < nl[2]; k++)
    for (long j = 0; j < nl[1]; j++) {
      const double *row = field + whpc_layout_index(&lay, 0, j, k);
      if (s.xt == NC_FLOAT)
        for (long i = 0; i < nl[0]; i++) ((float *)buf)[m++] = (float)row[i];
      else {
        memcpy((double *)buf + m, row, (size_t)nl[0] * sizeof(double));
        m += (size_t)nl[0];
      }
    }
  rc = s.xt == NC_FLOAT ? nc_put_vara_float(f->ncid, varid, start, count, buf)
                        : nc_put_vara_double(f->ncid, varid, start, count, buf);
  free(buf);
  WHPC_CALL(agreed_write(f, rc, "write", s.name));
  return WHPC_OK;
}

int whpc_ncio_write1d(whpc_ncfile_t f, int varid, long time_index, const double *values) {
  var_shape s;
  size_t start[2] = {0, 0}, count[2] = {1, 1};
  int k = 0;
  WHPC_CHECK(f && f->writing && !f->in_define, WHPC_ERR_ARG, "whpc_ncio_write1d: file not writable or in define mode");
  WHPC_CALL(inq_shape(f, varid, &s));
  WHPC_CHECK(s.nd <= 1, WHPC_ERR_ARG, "%s: %s is not a 1D variable", f->path, s.name);
  WHPC_CHECK(f->rank != 0 || values, WHPC_ERR_ARG, "whpc_ncio_write1d: NULL values on rank 0");
  if (s.has_time) {
    WHPC_CHECK(time_index >= 0 && time_index < f->ntimes, WHPC_ERR_ARG, "%s: %s: record %ld not appended yet",
               f->path, s.name, time_index);
    start[k] = (size_t)time_index;
    count[k++] = f->rank == 0;
  }
  if (s.nd == 1) {
    start[k] = 0;
    count[k++] = f->rank == 0 ? s.len[0] : 0;
  }
  int rc = agree(f->comm, reserve_space(f, 8.0 * (s.nd ? (double)s.len[0] : 1.0), s.name));
  if (rc) return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  if (s.xt == NC_FLOAT) {
    size_t n = s.nd ? s.len[0] : 1;
    float *fb = malloc(n * sizeof *fb);
    WHPC_CHECK(fb, WHPC_ERR_MEM, "%s: cannot allocate %zu floats", f->path, n);
    for (size_t i = 0; f->rank == 0 && i < n; i++) fb[i] = (float)values[i];
    rc = nc_put_vara_float(f->ncid, varid, start, count, fb);
    free(fb);
  } else {
    double dummy = 0;
    rc = nc_put_vara_double(f->ncid, varid, start, count, values ? values : &dummy);
  }
  WHPC_CALL(agreed_write(f, rc, "write", s.name));
  return WHPC_OK;
}

int whpc_ncio_close(whpc_ncfile_t *fp) {
  int rc = WHPC_OK;
  if (!fp || !*fp) return WHPC_OK;
  whpc_ncfile_t f = *fp;
  *fp = NULL;
  untrack(f);
  int nrc = nc_close(f->ncid);
  if (nrc != NC_NOERR)
    rc = WHPC_RAISE(WHPC_ERR_IO, "%s: close: %s", f->writing ? f->part : f->path, nc_strerror(nrc));
  rc = agree(f->comm, rc);
  if (!rc && f->writing) {
    if (f->rank == 0) release_reserve(f);
    if (f->rank == 0 && rename(f->part, f->path) != 0)
      rc = WHPC_RAISE(WHPC_ERR_IO, "cannot rename %s to %s: %s", f->part, f->path, strerror(errno));
    rc = agree(f->comm, rc);
  }
  /* A file that failed to close or to take its final name is of no use: leave no .part behind. */
  if (rc && f->writing && f->rank == 0) (void)unlink(f->part);
  free_file(f);
  return rc ? whpc_err_trace(rc, __FILE__, __LINE__, __func__) : WHPC_OK;
}

int whpc_ncio_abandon(whpc_ncfile_t *fp) {
  if (!fp || !*fp) return WHPC_OK;
  whpc_ncfile_t f = *fp;
  *fp = NULL;
  untrack(f);
  if (f->hdf5_failed) {
    /* HDF5 returned an error from inside a collective write (the agreed error, known on every
     * rank): its state may differ between ranks and closing could hang in its metadata flush,
     * here or at MPI_Finalize. Remove the file and end the job with the one error line. */
    if (f->rank == 0) {
      unlink(f->part);
      fprintf(stderr, "%s: error: %s\n", whpc_err_progname, whpc_err_message());
      fflush(stderr);
    }
    MPI_Barrier(f->comm);
    if (f->rank == 0) MPI_Abort(f->comm, whpc_err_exit_status(WHPC_ERR_IO));
    for (;;) pause(); /* rank 0's MPI_Abort ends this rank */
  }
  if (f->writing) {
    /* nc_close flushes HDF5's metadata collectively (writes, then a barrier). On a full disk
     * that flush fails on some ranks only and leaves the others waiting in HDF5's barrier, so
     * first give the space of the data already written back: the file goes anyway. */
    MPI_Barrier(f->comm);
    if (f->rank == 0) (void)!truncate(f->part, 0); /* best effort (and ctx may be gone at finalize) */
    MPI_Barrier(f->comm);
  }
  nc_close(f->ncid); /* its error does not matter: the file goes */
  if (f->writing) {
    MPI_Barrier(f->comm);
    if (f->rank == 0) unlink(f->part);
    MPI_Barrier(f->comm); /* gone for every rank on return */
  }
  free_file(f);
  return WHPC_OK;
}

/* ---- reading ---- */

static int open_file(whpc_ncfile_t f) {
  int rc = WHPC_OK, unlim;
  if (f->rank == 0 && access(f->path, R_OK) != 0)
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "cannot read NetCDF file %s: %s", f->path, strerror(errno));
  WHPC_CALL(agree(f->comm, rc));
  int nrc = nc_open_par(f->path, NC_NOWRITE, f->comm, MPI_INFO_NULL, &f->ncid);
  if (nrc != NC_NOERR)
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s is not a readable NetCDF-4 file (%s)", f->path, nc_strerror(nrc));
  rc = agree(f->comm, rc);
  if (rc) {
    if (nrc == NC_NOERR) nc_close(f->ncid);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  hook_finalize();
  f->in_define = 1; /* "is open" for the cleanup path */
  NCX(f, nc_inq_unlimdim(f->ncid, &unlim), "find the time dimension");
  if (unlim >= 0) {
    size_t nt;
    char name[NC_MAX_NAME + 1];
    f->time_dimid = unlim;
    NCX(f, nc_inq_dim(f->ncid, unlim, name, &nt), "length of the unlimited dimension");
    f->ntimes = (long)nt;
    if (nc_inq_varid(f->ncid, name, &f->time_varid) != NC_NOERR) f->time_varid = -1;
  }
  f->in_define = 0;
  return WHPC_OK;
}

int whpc_ncio_open(whpc_decomp_t g, const char *path, whpc_ncfile_t *out) {
  WHPC_CHECK(g && path && out, WHPC_ERR_ARG, "whpc_ncio_open: NULL argument");
  *out = NULL;
  WHPC_CHECK(strlen(path) < 4000, WHPC_ERR_ARG, "NetCDF path too long: %s", path);
  whpc_ncfile_t f = calloc(1, sizeof *f);
  WHPC_CHECK(f, WHPC_ERR_MEM, "cannot allocate a NetCDF file handle");
  f->g = g;
  f->ctx = whpc_decomp_ctx(g);
  f->comm = whpc_decomp_comm(g);
  MPI_Comm_rank(f->comm, &f->rank);
  f->ndims = whpc_decomp_ndims(g);
  whpc_decomp_global_size(g, f->n);
  f->time_dimid = f->time_varid = -1;
  snprintf(f->path, sizeof f->path, "%s", path);
  int rc = open_file(f);
  if (rc) {
    if (f->in_define) nc_close(f->ncid);
    free_file(f);
    return whpc_err_trace(rc, __FILE__, __LINE__, __func__);
  }
  track(f);
  *out = f;
  return WHPC_OK;
}

int whpc_ncio_inq_var(whpc_ncfile_t f, const char *name, int *varid) {
  WHPC_CHECK(f && name && varid, WHPC_ERR_ARG, "whpc_ncio_inq_var: NULL argument");
  if (nc_inq_varid(f->ncid, name, varid) == NC_NOERR) return WHPC_OK;
  char list[1024] = "";
  int nv;
  size_t k = 0;
  if (nc_inq_nvars(f->ncid, &nv) == NC_NOERR)
    for (int v = 0; v < nv && k + NC_MAX_NAME + 3 < sizeof list; v++) {
      char vn[NC_MAX_NAME + 1];
      if (nc_inq_varname(f->ncid, v, vn) == NC_NOERR)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", vn);
    }
  return WHPC_RAISE(WHPC_ERR_INPUT, "%s has no variable %s (it has: %s)", f->path, name, k ? list : "none");
}

int whpc_ncio_ntimes(whpc_ncfile_t f, long *ntimes) {
  WHPC_CHECK(f && ntimes, WHPC_ERR_ARG, "whpc_ncio_ntimes: NULL argument");
  *ntimes = f->ntimes;
  return WHPC_OK;
}

int whpc_ncio_read(whpc_ncfile_t f, int varid, long time_index, double *field) {
  var_shape s;
  size_t start[4], count[4], nelem;
  whpc_layout lay;
  long nl[3];
  WHPC_CHECK(f && !f->in_define && field, WHPC_ERR_ARG, "whpc_ncio_read: file in define mode or NULL field");
  WHPC_CALL(field_access(f, varid, time_index, &s, start, count, &nelem));
  double *buf = malloc(nelem * sizeof *buf);
  WHPC_CHECK(buf, WHPC_ERR_MEM, "%s: cannot allocate %zu values to read %s", f->path, nelem, s.name);
  int rc = nc_get_vara_double(f->ncid, varid, start, count, buf);
  if (rc != NC_NOERR) {
    free(buf);
    NCX(f, rc, "read %s", s.name);
  }
  whpc_decomp_layout(f->g, &lay);
  whpc_decomp_local_size(f->g, nl);
  size_t m = 0;
  for (long k = 0; k < nl[2]; k++)
    for (long j = 0; j < nl[1]; j++) {
      memcpy(field + whpc_layout_index(&lay, 0, j, k), buf + m, (size_t)nl[0] * sizeof(double));
      m += (size_t)nl[0];
    }
  free(buf);
  return WHPC_OK;
}

int whpc_ncio_inq_len1d(whpc_ncfile_t f, int varid, long *len) {
  var_shape s;
  WHPC_CHECK(f && len, WHPC_ERR_ARG, "whpc_ncio_inq_len1d: NULL argument");
  WHPC_CALL(inq_shape(f, varid, &s));
  WHPC_CHECK(s.nd <= 1, WHPC_ERR_INPUT, "%s: %s is not a 1D variable (%d dimensions)", f->path, s.name, s.nd);
  *len = s.nd ? (long)s.len[0] : 1;
  return WHPC_OK;
}

int whpc_ncio_read1d(whpc_ncfile_t f, int varid, long time_index, double *values) {
  var_shape s;
  size_t start[2] = {0, 0}, count[2] = {1, 1};
  int k = 0;
  WHPC_CHECK(f && values, WHPC_ERR_ARG, "whpc_ncio_read1d: NULL argument");
  WHPC_CALL(inq_shape(f, varid, &s));
  WHPC_CHECK(s.nd <= 1, WHPC_ERR_INPUT, "%s: %s is not a 1D variable (%d dimensions)", f->path, s.name, s.nd);
  if (s.has_time) {
    long ti = time_index < 0 ? f->ntimes - 1 : time_index;
    WHPC_CHECK(ti >= 0 && ti < f->ntimes, WHPC_ERR_INPUT, "%s: variable %s has no record %ld (%ld records)",
               f->path, s.name, time_index, f->ntimes);
    start[k++] = (size_t)ti;
  }
  if (s.nd == 1) count[k++] = s.len[0];
  NCX(f, nc_get_vara_double(f->ncid, varid, start, count, values), "read %s", s.name);
  return WHPC_OK;
}
