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
#include "whpc_decomp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct whpc_ncfile_s *whpc_ncfile_t;
struct whpc_cfg_key;

/* Apps that write NetCDF add these keys: output.deflate (0..9, 0), output.float32 (false). */
extern const struct whpc_cfg_key whpc_ncio_keys[];
extern const int whpc_ncio_nkeys;

typedef enum { WHPC_NC_DOUBLE = 0, WHPC_NC_FLOAT = 1 } whpc_nc_type;

typedef struct {
  const char *title;
  const char *institution; /* NULL: "whpc" */
  const char *references;  /* NULL: none */
  int deflate_level;       /* 0 = uncompressed; 1..9 deflate, chunks = owned boxes */
  int overwrite;           /* 1: replace an existing <path> */
} whpc_nc_opts;

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
} whpc_nc_var;

/* Collective. Creates <path>.part. The axes array has ndims entries (decomposition order). */
int whpc_ncio_create(whpc_decomp_t g, const char *path, const whpc_nc_opts *opts,
                     const whpc_nc_axis *axes, whpc_ncfile_t *out) __attribute__((warn_unused_result));
/* Collective, define mode: the unlimited time axis ("seconds since 2000-01-01 00:00:00"). */
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
/* Collective: flush, close and rename <path>.part to <path>. */
int whpc_ncio_close(whpc_ncfile_t *f);
/* Collective: close and delete <path>.part (error paths). NULL-safe. */
int whpc_ncio_abandon(whpc_ncfile_t *f);

/* Reading back into any decomposition: collective. The file's grid must equal g's global size
 * (an error naming the file, variable and both sizes otherwise). */
int whpc_ncio_open(whpc_decomp_t g, const char *path, whpc_ncfile_t *out) __attribute__((warn_unused_result));
int whpc_ncio_inq_var(whpc_ncfile_t f, const char *name, int *varid);
int whpc_ncio_ntimes(whpc_ncfile_t f, long *ntimes);
int whpc_ncio_read(whpc_ncfile_t f, int varid, long time_index, double *field);

#ifdef __cplusplus
}
#endif
#endif
