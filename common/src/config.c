/* config.c — declared keys, file/environment/command-line parsing, validation, typed getters.
 *
 * Every rank parses the same bytes (rank 0 reads the file and broadcasts it), so an error is
 * found identically on all ranks and marked collective: main() prints it once. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ctx_impl.h"
#include "whpc_error.h"

typedef struct {
  const whpc_cfg_key *decl;
  char *value;       /* effective text value (NULL: unset and no default) */
  char origin[300];  /* "default", "run.ini:12", "command line", "environment" */
  int set;           /* given by file/env/command line */
  int read;          /* a getter asked for it */
} cfg_entry;

struct whpc_config_s {
  cfg_entry *entries;
  int n, cap;
  char file[4096];
  char *text;        /* effective "key = value\n" lines */
};

int whpc_config_create(whpc_config_t *out) {
  *out = calloc(1, sizeof **out);
  WHPC_CHECK(*out, WHPC_ERR_MEM, "cannot allocate the configuration");
  return WHPC_OK;
}

void whpc_config_destroy(whpc_config_t *cfg) {
  if (!cfg || !*cfg) return;
  for (int i = 0; i < (*cfg)->n; i++) free((*cfg)->entries[i].value);
  free((*cfg)->entries);
  free((*cfg)->text);
  free(*cfg);
  *cfg = NULL;
}

static cfg_entry *find(whpc_config_t cfg, const char *key) {
  for (int i = 0; i < cfg->n; i++)
    if (strcmp(cfg->entries[i].decl->key, key) == 0) return &cfg->entries[i];
  return NULL;
}

static void set_value(cfg_entry *e, const char *value, const char *origin, int set) {
  free(e->value);
  e->value = value ? strdup(value) : NULL;
  snprintf(e->origin, sizeof e->origin, "%s", origin);
  e->set = set;
}

int whpc_config_add_keys(whpc_ctx_t ctx, const whpc_cfg_key *keys, int nkeys) {
  whpc_config_t cfg = ctx->config;
  for (int k = 0; k < nkeys; k++) {
    WHPC_CHECK(!find(cfg, keys[k].key), WHPC_ERR_ARG, "config key '%s' declared twice", keys[k].key);
    if (cfg->n == cfg->cap) {
      int cap = cfg->cap ? 2 * cfg->cap : 64;
      cfg_entry *e = realloc(cfg->entries, (size_t)cap * sizeof *e);
      WHPC_CHECK(e, WHPC_ERR_MEM, "cannot grow the config table");
      cfg->entries = e;
      cfg->cap = cap;
    }
    cfg_entry *e = &cfg->entries[cfg->n++];
    memset(e, 0, sizeof *e);
    e->decl = &keys[k];
    set_value(e, keys[k].def, "default", 0);
  }
  return WHPC_OK;
}

/* ---- text helpers ---- */

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *end = s + strlen(s);
  while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
  return s;
}

/* Remove surrounding double quotes (values like "-ksp_type cg"). */
static char *unquote(char *s) {
  size_t n = strlen(s);
  if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
    s[n - 1] = '\0';
    return s + 1;
  }
  return s;
}

/* Cut a '#' comment that is not inside quotes. */
static void strip_comment(char *s) {
  int quoted = 0;
  for (char *p = s; *p; p++) {
    if (*p == '"') quoted = !quoted;
    else if (*p == '#' && !quoted) {
      *p = '\0';
      return;
    }
  }
}

static int valid_key_name(const char *k) {
  if (!*k) return 0;
  for (const char *p = k; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-')) return 0;
  return 1;
}

/* Levenshtein distance for "did you mean". */
static int edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
      d[i][j] = c;
    }
  return d[la][lb];
}

static const char *closest_key(whpc_config_t cfg, const char *key) {
  const char *best = NULL;
  int bestd = 4;
  for (int i = 0; i < cfg->n; i++) {
    int d = edit_distance(key, cfg->entries[i].decl->key);
    const char *dot = strrchr(cfg->entries[i].decl->key, '.');
    if (dot && strcmp(dot + 1, key) == 0) d = 1; /* section forgotten */
    if (d < bestd) bestd = d, best = cfg->entries[i].decl->key;
  }
  return best;
}

static int raise_unknown(whpc_config_t cfg, const char *where, const char *key) {
  const char *hint = closest_key(cfg, key);
  if (hint)
    return WHPC_RAISE(WHPC_ERR_INPUT, "%s: unknown key '%s' (did you mean '%s'? see --help)", where, key, hint);
  return WHPC_RAISE(WHPC_ERR_INPUT, "%s: unknown key '%s' (see --help for the keys of this program)", where, key);
}

/* ---- value validation ---- */

typedef struct {
  const char *name;
  const char *dimension;
  double factor; /* to the dimension's base unit */
} unit_def;

static const unit_def UNITS[] = {
    {"m", "length", 1.0},        {"km", "length", 1e3},      {"cm", "length", 1e-2},
    {"mm", "length", 1e-3},      {"s", "time", 1.0},         {"ms", "time", 1e-3},
    {"min", "time", 60.0},       {"h", "time", 3600.0},      {"hour", "time", 3600.0},
    {"hours", "time", 3600.0},   {"day", "time", 86400.0},   {"days", "time", 86400.0},
    {"deg", "angle", 1.0},       {"degrees", "angle", 1.0},  {"rad", "angle", 57.29577951308232},
    {"Pa", "pressure", 1.0},     {"hPa", "pressure", 100.0}, {"K", "temperature", 1.0},
};

static const unit_def *find_unit(const char *name) {
  for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++)
    if (strcmp(UNITS[i].name, name) == 0) return &UNITS[i];
  return NULL;
}

static const char *type_name(whpc_cfg_type t) {
  switch (t) {
  case WHPC_CFG_INT: return "integer";
  case WHPC_CFG_REAL: return "real";
  case WHPC_CFG_BOOL: return "bool";
  case WHPC_CFG_STRING: return "string";
  case WHPC_CFG_ENUM: return "enum";
  case WHPC_CFG_INT_LIST: return "integer list";
  case WHPC_CFG_REAL_LIST: return "real list";
  }
  return "?";
}

static int has_range(const whpc_cfg_key *d) { return d->min <= d->max; }

/* Parse one integer; 0 on success. */
static int parse_int(const char *s, long *v) {
  char *end;
  errno = 0;
  long x = strtol(s, &end, 10);
  if (end == s || errno) return -1;
  while (isspace((unsigned char)*end)) end++;
  if (*end) return -1;
  *v = x;
  return 0;
}

/* Parse a real with an optional unit converted to key_unit. Returns 0, -1 (not a number),
 * -2 (unit not convertible). */
static int parse_real(const char *s, const char *key_unit, double *v) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s || errno == ERANGE) return -1;
  while (isspace((unsigned char)*end)) end++;
  if (*end) {
    if (key_unit && strcmp(end, key_unit) == 0) {
      *v = x;
      return 0;
    }
    const unit_def *from = find_unit(end), *to = key_unit ? find_unit(key_unit) : NULL;
    if (!from || !to || strcmp(from->dimension, to->dimension) != 0) return -2;
    x = x * from->factor / to->factor;
  }
  if (!isfinite(x)) return -1;
  *v = x;
  return 0;
}

static int parse_bool(const char *s, int *v) {
  static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
  for (int i = 0; i < 4; i++) {
    if (strcasecmp(s, yes[i]) == 0) return *v = 1, 0;
    if (strcasecmp(s, no[i]) == 0) return *v = 0, 0;
  }
  return -1;
}

/* Index of word in "a|b|c", -1 when absent. */
static int enum_index(const char *choices, const char *word) {
  int idx = 0;
  const char *p = choices;
  size_t wl = strlen(word);
  while (p && *p) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == wl && strncmp(p, word, n) == 0) return idx;
    idx++;
    p = bar ? bar + 1 : NULL;
  }
  return -1;
}

/* Split a list value in place into tokens (commas and/or spaces). Returns count. */
static int split_list(char *s, char **tok, int maxtok) {
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(s, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
    if (n < maxtok) tok[n] = t;
    n++;
  }
  return n;
}

static int range_error(const cfg_entry *e, const char *value) {
  const whpc_cfg_key *d = e->decl;
  return WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' = '%s' is out of range: expected %g <= value <= %g%s%s (%s)",
                    e->origin, d->key, value, d->min, d->max, d->unit && *d->unit ? " " : "",
                    d->unit ? d->unit : "", d->help);
}

static int check_scalar(const cfg_entry *e, whpc_cfg_type t, const char *v) {
  const whpc_cfg_key *d = e->decl;
  if (t == WHPC_CFG_INT) {
    long x;
    if (parse_int(v, &x))
      return WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' = '%s' is not an integer (%s)", e->origin, d->key, v, d->help);
    if (has_range(d) && (x < d->min || x > d->max)) return range_error(e, v);
  } else {
    double x;
    int rc = parse_real(v, d->unit, &x);
    if (rc == -1)
      return WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' = '%s' is not a number (%s)", e->origin, d->key, v, d->help);
    if (rc == -2)
      return WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' = '%s': unit not convertible to '%s'", e->origin, d->key, v,
                        d->unit && *d->unit ? d->unit : "(none: give a plain number)");
    if (has_range(d) && (x < d->min || x > d->max)) return range_error(e, v);
  }
  return WHPC_OK;
}

static int validate(const cfg_entry *e) {
  const whpc_cfg_key *d = e->decl;
  if (!e->value)
    return WHPC_RAISE(WHPC_ERR_INPUT, "config: required key '%s' is not set (%s)", d->key, d->help);
  const char *v = e->value;
  switch (d->type) {
  case WHPC_CFG_INT:
  case WHPC_CFG_REAL: return check_scalar(e, d->type, v);
  case WHPC_CFG_BOOL: {
    int b;
    if (parse_bool(v, &b))
      return WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' = '%s' is not a bool (expected true or false)", e->origin,
                        d->key, v);
    return WHPC_OK;
  }
  case WHPC_CFG_STRING: return WHPC_OK;
  case WHPC_CFG_ENUM:
    if (enum_index(d->choices, v) < 0)
      return WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' = '%s' is not one of %s", e->origin, d->key, v, d->choices);
    return WHPC_OK;
  case WHPC_CFG_INT_LIST:
  case WHPC_CFG_REAL_LIST: {
    char *copy = strdup(v), *tok[4096];
    WHPC_CHECK(copy, WHPC_ERR_MEM, "out of memory");
    int n = split_list(copy, tok, 4096), rc = WHPC_OK;
    if (n > 4096) rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' has %d elements (at most 4096)", e->origin, d->key, n);
    for (int i = 0; i < n && i < 4096 && !rc; i++)
      rc = check_scalar(e, d->type == WHPC_CFG_INT_LIST ? WHPC_CFG_INT : WHPC_CFG_REAL, tok[i]);
    free(copy);
    return rc;
  }
  }
  return WHPC_OK;
}

/* ---- parsing sources ---- */

/* Apply one key=value assignment from `where`. seen: keys already set by this source (dups). */
static int assign(whpc_config_t cfg, const char *where, char *key, char *value, char **seen_origin, int *nseen) {
  (void)nseen;
  key = trim(key);
  value = unquote(trim(value));
  if (!valid_key_name(key))
    return WHPC_RAISE(WHPC_ERR_INPUT, "%s: malformed key '%s' (letters, digits, '_', '.' only)", where, key);
  cfg_entry *e = find(cfg, key);
  if (!e) return raise_unknown(cfg, where, key);
  int idx = (int)(e - cfg->entries);
  if (seen_origin) { /* a file: one value per key; the command line: the last value wins */
    if (seen_origin[idx])
      return WHPC_RAISE(WHPC_ERR_INPUT, "%s: duplicate key '%s' (already set at %s)", where, key, seen_origin[idx]);
    seen_origin[idx] = strdup(where);
  }
  set_value(e, value, where, 1);
  return WHPC_OK;
}

static void free_seen(char **seen, int n) {
  for (int i = 0; i < n; i++) free(seen[i]);
  free(seen);
}

static int parse_file_text(whpc_config_t cfg, const char *name, const char *text) {
  char **seen = calloc((size_t)cfg->n + 1, sizeof *seen);
  WHPC_CHECK(seen, WHPC_ERR_MEM, "out of memory");
  char section[256] = "";
  char *copy = strdup(text), *save = NULL;
  int lineno = 0, rc = WHPC_OK;
  if (!copy) rc = WHPC_RAISE(WHPC_ERR_MEM, "out of memory");
  /* strtok_r would skip empty lines and lose their numbers: walk lines by hand. */
  char *line = copy;
  (void)save;
  while (!rc && line) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    lineno++;
    char where[300];
    snprintf(where, sizeof where, "%s:%d", name, lineno);
    strip_comment(line);
    char *s = trim(line);
    if (*s == '[') {
      char *close = strchr(s, ']');
      if (!close || close[1] != '\0' || close == s + 1) {
        rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s: malformed section header '%s' (expected [name])", where, s);
      } else {
        *close = '\0';
        char *sec = trim(s + 1);
        if (!valid_key_name(sec) || strlen(sec) >= sizeof section)
          rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s: malformed section name '%s'", where, sec);
        else
          snprintf(section, sizeof section, "%s", sec);
      }
    } else if (*s) {
      char *eq = strchr(s, '=');
      if (!eq) {
        rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s: malformed line '%s' (expected key = value)", where, s);
      } else {
        *eq = '\0';
        char *key = trim(s), full[600];
        if (!*key) {
          rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s: malformed line: no key before '='", where);
        } else {
          if (section[0]) snprintf(full, sizeof full, "%s.%s", section, key);
          else snprintf(full, sizeof full, "%s", key);
          rc = assign(cfg, where, full, eq + 1, seen, NULL);
        }
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  free(copy);
  free_seen(seen, cfg->n);
  return rc;
}

/* key=value arguments (command line, WHPC_OPTIONS): a later one replaces an earlier one, so wrapper
 * scripts can put their defaults before the user's arguments. */
static int parse_overrides(whpc_config_t cfg, const char *origin, int n, char **kv) {
  int rc = WHPC_OK;
  for (int i = 0; i < n && !rc; i++) {
    char *copy = strdup(kv[i]);
    if (!copy) { rc = WHPC_RAISE(WHPC_ERR_MEM, "out of memory"); break; }
    char *eq = strchr(copy, '=');
    if (!eq) rc = WHPC_RAISE(WHPC_ERR_INPUT, "%s: malformed argument '%s' (expected key=value)", origin, kv[i]);
    else {
      *eq = '\0';
      rc = assign(cfg, origin, copy, eq + 1, NULL, NULL);
    }
    free(copy);
  }
  return rc;
}

static int build_text(whpc_config_t cfg) {
  size_t len = 1;
  for (int i = 0; i < cfg->n; i++)
    len += strlen(cfg->entries[i].decl->key) + (cfg->entries[i].value ? strlen(cfg->entries[i].value) : 0) + 5;
  free(cfg->text);
  cfg->text = malloc(len);
  WHPC_CHECK(cfg->text, WHPC_ERR_MEM, "out of memory");
  char *p = cfg->text;
  *p = '\0';
  for (int i = 0; i < cfg->n; i++)
    p += sprintf(p, "%s = %s\n", cfg->entries[i].decl->key, cfg->entries[i].value ? cfg->entries[i].value : "");
  return WHPC_OK;
}

/* Parse everything after the sources are known. Deterministic on every rank. */
static int load_all(whpc_ctx_t ctx, const char *name, const char *text, int nover, char **over) {
  whpc_config_t cfg = ctx->config;
  if (text) {
    snprintf(cfg->file, sizeof cfg->file, "%s", name);
    WHPC_CALL(parse_file_text(cfg, name, text));
  }
  const char *env = getenv("WHPC_OPTIONS");
  if (env && *env) {
    char *copy = strdup(env), *tok[512], *save = NULL;
    int n = 0;
    WHPC_CHECK(copy, WHPC_ERR_MEM, "out of memory");
    for (char *t = strtok_r(copy, " \t", &save); t && n < 512; t = strtok_r(NULL, " \t", &save)) tok[n++] = t;
    int rc = parse_overrides(cfg, "environment WHPC_OPTIONS", n, tok);
    free(copy);
    WHPC_CALL(rc);
  }
  WHPC_CALL(parse_overrides(cfg, "command line", nover, over));
  for (int i = 0; i < cfg->n; i++) WHPC_CALL(validate(&cfg->entries[i]));
  WHPC_CALL(build_text(cfg));
  return WHPC_OK;
}

int whpc_config_load_text(whpc_ctx_t ctx, const char *name, const char *text, int noverrides, char **overrides) {
  int rc = load_all(ctx, name, text, noverrides, overrides);
  if (rc) whpc_err_set_collective(1);
  return rc;
}

/* Rank 0 reads the whole file; the bytes (or the failure) are broadcast. */
static int read_file_bcast(whpc_ctx_t ctx, const char *path, char **text) {
  long len = -1;
  char *buf = NULL;
  char reason[256] = "";
  if (ctx->rank == 0) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) snprintf(reason, sizeof reason, "%s", strerror(errno));
    else {
      /* fopen succeeds on a directory and ftell then gives LONG_MAX: say what it is */
      if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) snprintf(reason, sizeof reason, "%s", strerror(EISDIR));
      else if (fseek(f, 0, SEEK_END) == 0) len = ftell(f);
      if (reason[0]) len = -1;
      else if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(reason, sizeof reason, "not a regular file");
        len = -1;
      } else if (len > (16L << 20)) {
        snprintf(reason, sizeof reason, "%ld bytes is larger than the 16 MiB limit for a config file", len);
        len = -1;
      } else {
        buf = malloc((size_t)len + 1);
        if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
          snprintf(reason, sizeof reason, "read failed");
          len = -1;
        } else {
          buf[len] = '\0';
          if (memchr(buf, '\0', (size_t)len)) {
            snprintf(reason, sizeof reason, "binary data (NUL byte), not a key = value text file");
            len = -1;
          }
        }
      }
      fclose(f);
    }
  }
  WHPC_MPI(MPI_Bcast(&len, 1, MPI_LONG, 0, ctx->comm));
  WHPC_MPI(MPI_Bcast(reason, (int)sizeof reason, MPI_CHAR, 0, ctx->comm));
  if (len < 0) {
    free(buf);
    return WHPC_RAISE(WHPC_ERR_INPUT, "cannot read config file '%s': %s", path, reason);
  }
  if (ctx->rank != 0) {
    buf = malloc((size_t)len + 1);
    WHPC_CHECK(buf, WHPC_ERR_MEM, "out of memory");
  }
  WHPC_MPI(MPI_Bcast(buf, (int)len + 1, MPI_CHAR, 0, ctx->comm));
  *text = buf;
  return WHPC_OK;
}

static void print_usage(whpc_ctx_t ctx, FILE *f) {
  fprintf(f, "usage: %s [--help] [--version] %s\n", ctx->info.name,
          ctx->info.usage ? ctx->info.usage : "CONFIG.ini [key=value ...]");
}

static int load_argv(whpc_ctx_t ctx, int argc, char **argv) {
  const char *file = NULL;
  char **over = calloc((size_t)argc + 1, sizeof *over);
  int nover = 0, rc = WHPC_OK;
  WHPC_CHECK(over, WHPC_ERR_MEM, "out of memory");
  for (int i = 1; i < argc && !rc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      if (ctx->rank == 0) whpc_config_print_help(ctx, stdout);
      rc = WHPC_DONE;
    } else if (!strcmp(a, "--version")) {
      if (ctx->rank == 0) printf("%s %s (git %s)\n", ctx->info.name, whpc_version(), whpc_git_revision());
      rc = WHPC_DONE;
    } else if (a[0] == '-') {
      rc = WHPC_RAISE(WHPC_ERR_INPUT, "unknown option '%s' (expected --help, --version, a config file or key=value)", a);
    } else if (strchr(a, '=')) {
      over[nover++] = argv[i];
    } else if (!file) {
      file = a;
    } else {
      rc = WHPC_RAISE(WHPC_ERR_INPUT, "unexpected argument '%s': config file '%s' already given (overrides are key=value)",
                      a, file);
    }
  }
  if (!rc && !file && ctx->info.config_file_required) {
    if (ctx->rank == 0) print_usage(ctx, stderr);
    rc = WHPC_RAISE(WHPC_ERR_INPUT, "no config file given (see --help; example configs are in apps/<app>/examples/)");
  }
  char *text = NULL;
  if (!rc && file) rc = read_file_bcast(ctx, file, &text);
  if (!rc) rc = load_all(ctx, file ? file : "", text, nover, over);
  free(text);
  free(over);
  return rc;
}

int whpc_config_load(whpc_ctx_t ctx, int argc, char **argv) {
  int rc = load_argv(ctx, argc, argv);
  if (rc) {
    whpc_err_set_collective(1);
    return rc;
  }
  /* Log level and friends are keys of the core: apply them now. */
  int idx;
  WHPC_CALL(whpc_config_get_enum(ctx, "log.level", &idx, NULL));
  ctx->log_level = (whpc_log_level)idx;
  WHPC_CALL(whpc_config_get_bool(ctx, "log.all_ranks", &ctx->log_all_ranks));
  WHPC_CALL(whpc_config_get_real(ctx, "log.progress_interval", &ctx->progress_interval));
  if (whpc_log_enabled(ctx, WHPC_LOG_INFO) && ctx->rank == 0) {
    const char *job = getenv("SLURM_JOB_ID");
    whpc_log(ctx, WHPC_LOG_INFO, "%s %s (git %s), %d rank%s%s%s, config %s", ctx->info.name, whpc_version(),
             whpc_git_revision(), ctx->size, ctx->size == 1 ? "" : "s", job ? ", Slurm job " : "", job ? job : "",
             ctx->config->file[0] ? ctx->config->file : "(none)");
    /* What was set at info level; the whole effective configuration at debug (and in report.json). */
    for (int i = 0; i < ctx->config->n; i++) {
      cfg_entry *e = &ctx->config->entries[i];
      whpc_log(ctx, e->set ? WHPC_LOG_INFO : WHPC_LOG_DEBUG, "  %s = %s   (%s)", e->decl->key,
               e->value ? e->value : "", e->origin);
    }
  }
  return WHPC_OK;
}

/* ---- getters ---- */

static int lookup(whpc_ctx_t ctx, const char *key, whpc_cfg_type t1, whpc_cfg_type t2, cfg_entry **out) {
  cfg_entry *e = find(ctx->config, key);
  WHPC_CHECK(e, WHPC_ERR_ARG, "config key '%s' was never declared", key);
  WHPC_CHECK(e->decl->type == t1 || e->decl->type == t2, WHPC_ERR_ARG, "config key '%s' is a %s, not a %s", key,
             type_name(e->decl->type), type_name(t1));
  WHPC_CHECK(e->value, WHPC_ERR_INPUT, "config: key '%s' has no value (%s)", key, e->decl->help);
  e->read = 1;
  *out = e;
  return WHPC_OK;
}

int whpc_config_get_int(whpc_ctx_t ctx, const char *key, long *value) {
  cfg_entry *e;
  WHPC_CALL(lookup(ctx, key, WHPC_CFG_INT, WHPC_CFG_INT, &e));
  WHPC_CHECK(parse_int(e->value, value) == 0, WHPC_ERR_INPUT, "%s: key '%s' is not an integer", e->origin, key);
  return WHPC_OK;
}

int whpc_config_get_real(whpc_ctx_t ctx, const char *key, double *value) {
  cfg_entry *e;
  WHPC_CALL(lookup(ctx, key, WHPC_CFG_REAL, WHPC_CFG_REAL, &e));
  WHPC_CHECK(parse_real(e->value, e->decl->unit, value) == 0, WHPC_ERR_INPUT, "%s: key '%s' is not a number",
             e->origin, key);
  return WHPC_OK;
}

int whpc_config_get_bool(whpc_ctx_t ctx, const char *key, int *value) {
  cfg_entry *e;
  WHPC_CALL(lookup(ctx, key, WHPC_CFG_BOOL, WHPC_CFG_BOOL, &e));
  WHPC_CHECK(parse_bool(e->value, value) == 0, WHPC_ERR_INPUT, "%s: key '%s' is not a bool", e->origin, key);
  return WHPC_OK;
}

int whpc_config_get_string(whpc_ctx_t ctx, const char *key, const char **value) {
  cfg_entry *e;
  WHPC_CALL(lookup(ctx, key, WHPC_CFG_STRING, WHPC_CFG_ENUM, &e));
  *value = e->value;
  return WHPC_OK;
}

int whpc_config_get_enum(whpc_ctx_t ctx, const char *key, int *index, const char **word) {
  cfg_entry *e;
  WHPC_CALL(lookup(ctx, key, WHPC_CFG_ENUM, WHPC_CFG_ENUM, &e));
  int i = enum_index(e->decl->choices, e->value);
  WHPC_CHECK(i >= 0, WHPC_ERR_INPUT, "%s: key '%s' = '%s' is not one of %s", e->origin, key, e->value,
             e->decl->choices);
  if (index) *index = i;
  if (word) *word = e->value;
  return WHPC_OK;
}

static int get_list(whpc_ctx_t ctx, const char *key, whpc_cfg_type t, long **ivals, double **rvals, int *n) {
  cfg_entry *e;
  WHPC_CALL(lookup(ctx, key, t, t, &e));
  char *copy = strdup(e->value), *tok[4096];
  WHPC_CHECK(copy, WHPC_ERR_MEM, "out of memory");
  int count = split_list(copy, tok, 4096);
  if (count > 4096) count = 4096;
  if (ivals) *ivals = calloc((size_t)count + 1, sizeof **ivals);
  if (rvals) *rvals = calloc((size_t)count + 1, sizeof **rvals);
  if ((ivals && !*ivals) || (rvals && !*rvals)) {
    free(copy);
    return WHPC_RAISE(WHPC_ERR_MEM, "out of memory");
  }
  for (int i = 0; i < count; i++) {
    if (ivals) parse_int(tok[i], &(*ivals)[i]);
    else parse_real(tok[i], e->decl->unit, &(*rvals)[i]);
  }
  free(copy);
  *n = count;
  return WHPC_OK;
}

int whpc_config_get_int_list(whpc_ctx_t ctx, const char *key, long **values, int *n) {
  return get_list(ctx, key, WHPC_CFG_INT_LIST, values, NULL, n);
}
int whpc_config_get_real_list(whpc_ctx_t ctx, const char *key, double **values, int *n) {
  return get_list(ctx, key, WHPC_CFG_REAL_LIST, NULL, values, n);
}

int whpc_config_is_set(whpc_ctx_t ctx, const char *key) {
  cfg_entry *e = find(ctx->config, key);
  return e && e->set;
}

const char *whpc_config_origin(whpc_ctx_t ctx, const char *key) {
  cfg_entry *e = find(ctx->config, key);
  return e ? e->origin : "undeclared";
}

const char *whpc_config_file(whpc_ctx_t ctx) { return ctx->config->file; }

int whpc_config_error(whpc_ctx_t ctx, const char *key, const char *fmt, ...) {
  char msg[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cfg_entry *e = find(ctx->config, key);
  int rc = e ? WHPC_RAISE(WHPC_ERR_INPUT, "%s: key '%s' = '%s': %s", e->origin, key, e->value ? e->value : "", msg)
             : WHPC_RAISE(WHPC_ERR_INPUT, "config: %s", msg);
  /* Every rank holds the same configuration and runs the same check: printed once, all exit 1. */
  whpc_err_set_collective(1);
  return rc;
}

/* ---- help, text, json, hash ---- */

void whpc_config_print_help(whpc_ctx_t ctx, FILE *f) {
  print_usage(ctx, f);
  if (ctx->info.summary) fprintf(f, "%s\n", ctx->info.summary);
  fprintf(f, "\nKeys (file: `key = value` or [section] key = value; command line: key=value, which wins):\n");
  for (int i = 0; i < ctx->config->n; i++) {
    const whpc_cfg_key *d = ctx->config->entries[i].decl;
    char range[128] = "";
    if (d->type == WHPC_CFG_ENUM) snprintf(range, sizeof range, "{%s}", d->choices);
    else if (has_range(d)) snprintf(range, sizeof range, "[%g, %g]", d->min, d->max);
    fprintf(f, "  %-28s %-12s default %-14s%s%s%s%s%s\n      %s\n", d->key, type_name(d->type),
            d->def ? (*d->def ? d->def : "\"\"") : "(required)", d->unit && *d->unit ? " unit " : "",
            d->unit ? d->unit : "", *range ? " range " : "", range, "", d->help);
  }
}

void whpc_config_write_json(whpc_ctx_t ctx, FILE *f, int indent) {
  whpc_json *obj = whpc_json_new(WHPC_JSON_OBJECT);
  if (!obj) return;
  whpc_config_to_json(ctx, obj);
  whpc_json_write(f, obj, indent);
  whpc_json_free(obj);
}

void whpc_config_to_json(whpc_ctx_t ctx, whpc_json *obj) {
  for (int i = 0; i < ctx->config->n; i++) {
    const cfg_entry *e = &ctx->config->entries[i];
    whpc_json *j = whpc_json_add(obj, e->decl->key, WHPC_JSON_STRING);
    if (j) j->string = strdup(e->value ? e->value : "");
  }
}

const char *whpc_config_text(whpc_ctx_t ctx) { return ctx->config->text ? ctx->config->text : ""; }

unsigned long long whpc_config_hash(whpc_ctx_t ctx, const char *prefix) {
  unsigned long long h = 1469598103934665603ULL; /* FNV-1a 64 */
  size_t pl = prefix ? strlen(prefix) : 0;
  for (int i = 0; i < ctx->config->n; i++) {
    const cfg_entry *e = &ctx->config->entries[i];
    if (pl && strncmp(e->decl->key, prefix, pl) != 0) continue;
    const char *parts[3] = {e->decl->key, "=", e->value ? e->value : ""};
    for (int p = 0; p < 3; p++)
      for (const unsigned char *c = (const unsigned char *)parts[p]; *c; c++) h = (h ^ *c) * 1099511628211ULL;
    h = (h ^ '\n') * 1099511628211ULL;
  }
  return h;
}

void whpc_config_warn_unused(whpc_ctx_t ctx) {
  if (!ctx->config) return;
  for (int i = 0; i < ctx->config->n; i++) {
    const cfg_entry *e = &ctx->config->entries[i];
    if (e->set && !e->read)
      whpc_log(ctx, WHPC_LOG_WARN, "key '%s' set at %s was never used by this run", e->decl->key, e->origin);
  }
}
