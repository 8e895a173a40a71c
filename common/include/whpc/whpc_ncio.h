/* whpc_ncio.h — parallel NetCDF-4 (HDF5, MPI) output and input of decomposed fields with CF-1.8
 * metadata. Link target whpc::ncio (libnetcdf_mpi). Never link it with GDAL (DESIGN.md).
 *
 * A file is created under "<path>.part" and renamed to <path> by whpc_ncio_close, so a crashed
 * run never leaves a half-written file under the final name. NetCDF dimension order is the
 * C order of the data: (time, z, y, x) — x, decomposition dimension 0, varies fastest.
 * Global attributes written automatically: Conventions = "CF-1.8", title, institution, source
 * (app + version + git revision), history (date + command line), references, and the
 * effective configuration (attribute `whpc_config`). */
#ifndef WHPC_NCIO_H
#define WHPC_NCIO_H
#include "whpc_config.h"
#include "whpc_decomp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct whpc_ncfile_s *whpc_ncfile_t;
struct whpc_cfg_key;

/* Apps that write NetCDF add these keys: output.deflate (0..9, 0), output.float32 (false),
 * output.enabled (true; false skips field files in scaling runs). */
extern const struct whpc_cfg_key whpc_ncio_keys[];
extern const int whpc_ncio_nkeys;

typedef enum { WHPC_NC_DOUBLE = 0, WHPC_NC_FLOAT = 1 } whpc_nc_type;

typedef struct {
  const char *title;
  const char *institution; /* NULL: "whpc" */
  const char *references;  /* NULL: none */
  int deflate_level;       /* 0 = uncompressed; 1..9 deflate, chunks = owned boxes */
  int overwrite;           /* 1: replace an existing <path> */
  int float32;             /* 1: store every field as float whatever its whpc_nc_var.type */
} whpc_nc_opts;

/* Not collective: fill deflate_level and float32 from output.deflate and output.float32
 * (the app must have added whpc_ncio_keys). Other members are left as they are. */
int whpc_ncio_opts_from_config(whpc_ctx_t ctx, whpc_nc_opts *opts);

/* One coordinate axis of the decomposition (dim 0 = x ...). coords: n[dim] global values
 * (every rank passes all of them); bounds: 2*n values or NULL. */
typedef struct {
  const char *name;          /* "x", "lat" */
  const char *units;         /* "m", "degrees_north" */
  const char *standard_name; /* "projection_x_coordinate", "latitude", "altitude" */
  const char *long_name;
  const char *axis;          /* "X", "Y", "Z" */
  const char *positive;      /* "up" for vertical, NULL otherwise */
  const double *coords;
  const double *bounds;
} whpc_nc_axis;

/* A field on the decomposition's grid (ghosted local double array in, owned box written). */
typedef struct {
  const char *name;
  const char *units;
  const char *standard_name; /* NULL when CF has none */
  const char *long_name;
  const char *cell_methods;  /* NULL or e.g. "time: point" */
  whpc_nc_type type;         /* storage type; state is double in memory */
  int time_dependent;        /* 1: (time, ...) */
  double fill_value;         /* _FillValue */
  const char *coordinates;   /* NULL or CF `coordinates` (auxiliary coordinates, "lat lon") */
} whpc_nc_var;

/* Collective. Creates <path>.part. The axes array has ndims entries (decomposition order). */
int whpc_ncio_create(whpc_decomp_t g, const char *path, const whpc_nc_opts *opts,
                     const whpc_nc_axis *axes, whpc_ncfile_t *out) __attribute__((warn_unused_result));
/* Collective, define mode: the unlimited time axis. units: CF "<unit> since <date>" (NULL:
 * "seconds since 2000-01-01 00:00:00"; a bare "s"/"h"/"days"... gets that epoch and a warning);
 * calendar NULL: "standard". */
int whpc_ncio_def_time(whpc_ncfile_t f, const char *units, const char *calendar);
/* Collective, define mode. */
int whpc_ncio_def_var(whpc_ncfile_t f, const whpc_nc_var *v, int *varid);
/* Collective, define mode: an extra global attribute (text or number). */
int whpc_ncio_put_att_text(whpc_ncfile_t f, const char *name, const char *value);
int whpc_ncio_put_att_double(whpc_ncfile_t f, const char *name, double value);
/* Collective: leave define mode (writes coordinates). */
int whpc_ncio_enddef(whpc_ncfile_t f);
/* Collective: append a time value; *index receives its record number. */
int whpc_ncio_append_time(whpc_ncfile_t f, double t, long *index);
/* Collective: write this rank's owned box of a ghosted local array at record `time_index`
 * (ignored when the variable is not time dependent). */
int whpc_ncio_write(whpc_ncfile_t f, int varid, long time_index, const double *field);

/* Non-decomposed 1D data written from rank 0's buffer (a time series, a spectrum, a profile).
 * Collective, define mode. dim_name: NULL for a scalar per record (v->time_dependent must be
 * 1: dims (time)); otherwise a dimension of length len > 0 created on first use (an existing
 * dimension of that name must have that length): dims (dim) or (time, dim). A variable whose
 * name equals dim_name is that dimension's coordinate variable. */
int whpc_ncio_def_var1d(whpc_ncfile_t f, const whpc_nc_var *v, const char *dim_name, long len,
                        int *varid);
/* Collective: rank 0's values (len of them, or 1 for a (time) scalar) are written at record
 * time_index (ignored when not time dependent); other ranks' values are not read. */
int whpc_ncio_write1d(whpc_ncfile_t f, int varid, long time_index, const double *values);
/* Path the file will have after close (final name, not the .part). Not collective. */
const char *whpc_ncio_path(whpc_ncfile_t f);

/* Collective: flush, close and rename <path>.part to <path>. */
int whpc_ncio_close(whpc_ncfile_t *f);
/* Collective: close and delete <path>.part (error paths). NULL-safe. */
int whpc_ncio_abandon(whpc_ncfile_t *f);

/* Reading back into any decomposition: collective. The file's grid must equal g's global size
 * (an error naming the file, variable and both sizes otherwise). */
int whpc_ncio_open(whpc_decomp_t g, const char *path, whpc_ncfile_t *out) __attribute__((warn_unused_result));
/* Not collective (same answer on all ranks). A missing variable is WHPC_ERR_INPUT naming the
 * file and the variable and listing those present. Works on files being written too. */
int whpc_ncio_inq_var(whpc_ncfile_t f, const char *name, int *varid);
/* Records on the unlimited time axis (0 when the file has none). */
int whpc_ncio_ntimes(whpc_ncfile_t f, long *ntimes);
/* Collective: read the owned box of record time_index (< 0: the last record; ignored for a
 * field without time) into a ghosted local array (ghosts untouched). Stored floats are
 * widened to double. A field whose grid differs from the decomposition's is WHPC_ERR_INPUT
 * naming file, variable and both sizes. Close an opened file with whpc_ncio_close (no rename). */
int whpc_ncio_read(whpc_ncfile_t f, int varid, long time_index, double *field);
/* Not collective: the length of a 1D variable's non-time dimension (1 for a (time) scalar). */
int whpc_ncio_inq_len1d(whpc_ncfile_t f, int varid, long *len);
/* Collective: every rank reads all values of a 1D variable at record time_index (< 0: last). */
int whpc_ncio_read1d(whpc_ncfile_t f, int varid, long time_index, double *values);

#ifdef __cplusplus
}
#endif
#endif
