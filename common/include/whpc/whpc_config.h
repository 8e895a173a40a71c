/* whpc_config.h — key=value configuration: file + command line, typed, ranged, documented.
 *
 * File syntax: `key = value`, `# comment` (also after a value), `[section]` prefixes the
 * following keys as `section.key`. Strings may be quoted ("..."). Lists are comma or
 * space separated. Reals may carry a unit that converts to the key's unit ("10 km" for
 * a key in m, "2 h" for a key in s).
 * Precedence: table default < file < WHPC_OPTIONS environment < command line.
 * Every key must be declared in a table; unknown keys (with a "did you mean" hint),
 * duplicate keys in one file (on the command line a later key=value replaces an earlier one), wrong types, out-of-range values and malformed lines are
 * errors naming file:line and key. Keys set but never read are warned about at finalize.
 * Rank 0 reads the file and broadcasts its bytes; every rank parses the same text, so an
 * error is known on all ranks and printed once.
 */
#ifndef WHPC_CONFIG_H
#define WHPC_CONFIG_H
#include <stdio.h>
#include "whpc_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  WHPC_CFG_INT,
  WHPC_CFG_REAL,
  WHPC_CFG_BOOL,
  WHPC_CFG_STRING,
  WHPC_CFG_ENUM,      /* one of `choices` ("fft|petsc") */
  WHPC_CFG_INT_LIST,
  WHPC_CFG_REAL_LIST,
} whpc_cfg_type;

/* One declared key. min/max apply to INT/REAL and to list elements; min > max means
 * unbounded (use WHPC_CFG_ANY). A NULL default means required. */
typedef struct whpc_cfg_key {
  const char *key;     /* "cfd.nx" */
  whpc_cfg_type type;
  const char *def;     /* default as text; NULL = required, "" = unset (string/list) */
  const char *unit;    /* "m", "s", "m2 s-1", "" */
  double min, max;
  const char *choices; /* ENUM only: "fft|petsc" */
  const char *help;
} whpc_cfg_key;

#define WHPC_CFG_ANY 1.0, 0.0 /* min > max: no range check */
#define WHPC_NKEYS(tbl) ((int)(sizeof(tbl) / sizeof((tbl)[0])))

/* Add a table of keys (the table must outlive ctx). Not collective but call on all ranks. */
int whpc_config_add_keys(whpc_ctx_t ctx, const whpc_cfg_key *keys, int nkeys);

/* Collective. Parses argv: --help prints every key (default, unit, range) and returns
 * WHPC_DONE; --version likewise; the first argument without '=' is the config file; the
 * rest are key=value overrides. Then validates every value. Logs the effective config. */
int whpc_config_load(whpc_ctx_t ctx, int argc, char **argv) __attribute__((warn_unused_result));

/* Same, for tests and tools: parse text as if it were file `name`, then argv-style overrides. */
int whpc_config_load_text(whpc_ctx_t ctx, const char *name, const char *text, int noverrides,
                          char **overrides) __attribute__((warn_unused_result));

/* Typed getters (not collective). The key must be declared with a matching type; values were
 * validated at load. Reals are returned in the key's unit. */
int whpc_config_get_int(whpc_ctx_t ctx, const char *key, long *value);
int whpc_config_get_real(whpc_ctx_t ctx, const char *key, double *value);
int whpc_config_get_bool(whpc_ctx_t ctx, const char *key, int *value);
/* Pointer owned by the config, valid until finalize. */
int whpc_config_get_string(whpc_ctx_t ctx, const char *key, const char **value);
/* Index of the chosen word in `choices`, and optionally the word. */
int whpc_config_get_enum(whpc_ctx_t ctx, const char *key, int *index, const char **word);
/* Lists: *n elements into a newly malloc'd array the caller frees. */
int whpc_config_get_int_list(whpc_ctx_t ctx, const char *key, long **values, int *n);
int whpc_config_get_real_list(whpc_ctx_t ctx, const char *key, double **values, int *n);
/* 1 when the key was given in the file, environment or command line (not only default). */
int whpc_config_is_set(whpc_ctx_t ctx, const char *key);
/* Where the effective value came from: "default", "file:line", "command line", "environment". */
const char *whpc_config_origin(whpc_ctx_t ctx, const char *key);
/* Path of the config file ("" when none). */
const char *whpc_config_file(whpc_ctx_t ctx);
/* Raise WHPC_ERR_INPUT naming the key and where it was set: for cross-key checks in apps,
 * e.g. whpc_config_error(ctx, "cfd.cfl", "must be <= 1 with scheme=ab2, got %g", cfl).
 * Call it on every rank (the same check on the same configuration): the error is marked
 * collective, so main() prints it once and every rank exits 1. */
int whpc_config_error(whpc_ctx_t ctx, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print the --help table to f. */
void whpc_config_print_help(whpc_ctx_t ctx, FILE *f);
/* Write the effective configuration as a JSON object {"key": "value", ...}. */
void whpc_config_write_json(whpc_ctx_t ctx, FILE *f, int indent);
/* Effective configuration as "key = value\n" lines (NetCDF global attribute). Owned by config. */
const char *whpc_config_text(whpc_ctx_t ctx);
/* 64-bit hash of the effective configuration (checkpoint compatibility). keys_prefix: only
 * keys starting with it ("" = all). */
unsigned long long whpc_config_hash(whpc_ctx_t ctx, const char *keys_prefix);

#ifdef __cplusplus
}
#endif
#endif
