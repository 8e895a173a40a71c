/* rs_expr.c — band-math parser (recursive descent, emits postfix bytecode) and a vectorised
 * stack evaluator. Every operation is done in double, in the order written, so that the
 * result equals numpy (gdal_calc.py) evaluating the same formula in float64. */
#include "rs_expr.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
  OP_CONST, OP_BAND, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_NEG,
  OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR, OP_NOT,
  OP_WHERE, OP_MIN, OP_MAX, OP_ABS, OP_SQRT, OP_LOG, OP_LOG10, OP_EXP, OP_FLOOR, OP_CEIL,
  OP_NDI, OP_EVI, OP_SAVI
};

typedef struct {
  int op;
  int band;     /* OP_BAND: 0-based */
  double value; /* OP_CONST */
} rs_insn;

struct rs_expr_s {
  rs_insn *code;
  int ncode, cap;
  int depth, maxdepth; /* stack depth while compiling, and its maximum */
  unsigned char *used; /* used[b] for 0-based band b */
  int nbands;
};

/* Parser state. */
typedef struct {
  const char *text, *p;
  int nbands;
  const char *const *names;
  struct rs_expr_s *e;
  char *err;
  size_t errlen;
  int failed;
} rs_parser;

static int rs_fail(rs_parser *ps, const char *at, const char *fmt, ...) {
  if (ps->failed) return 1;
  ps->failed = 1;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(ps->err, ps->errlen, "column %d: %s", (int)(at - ps->text) + 1, msg);
  return 1;
}

/* Append an instruction; `pops` and `pushes` keep the depth bookkeeping. */
static void rs_emit(rs_parser *ps, int op, int band, double value, int pops) {
  struct rs_expr_s *e = ps->e;
  if (ps->failed) return;
  if (e->ncode == e->cap) {
    int cap = e->cap ? 2 * e->cap : 32;
    rs_insn *c = realloc(e->code, (size_t)cap * sizeof *c);
    if (!c) {
      rs_fail(ps, ps->p, "out of memory");
      return;
    }
    e->code = c;
    e->cap = cap;
  }
  e->code[e->ncode++] = (rs_insn){op, band, value};
  e->depth += 1 - pops;
  if (e->depth > e->maxdepth) e->maxdepth = e->depth;
}

static void rs_skip(rs_parser *ps) {
  while (isspace((unsigned char)*ps->p)) ps->p++;
}

/* Consume `tok` (an operator) if it is next. */
static int rs_accept(rs_parser *ps, const char *tok) {
  rs_skip(ps);
  size_t n = strlen(tok);
  if (strncmp(ps->p, tok, n) != 0) return 0;
  ps->p += n;
  return 1;
}

/* Consume keyword `kw` if the next identifier is exactly it. */
static int rs_accept_word(rs_parser *ps, const char *kw) {
  rs_skip(ps);
  size_t n = strlen(kw);
  if (strncasecmp(ps->p, kw, n) != 0) return 0;
  char c = ps->p[n];
  if (isalnum((unsigned char)c) || c == '_') return 0;
  ps->p += n;
  return 1;
}

static void rs_parse_or(rs_parser *ps);

static void rs_expect(rs_parser *ps, const char *tok, const char *what) {
  if (!rs_accept(ps, tok)) {
    rs_skip(ps);
    if (*ps->p)
      rs_fail(ps, ps->p, "expected %s, found '%c'", what, *ps->p);
    else
      rs_fail(ps, ps->p, "expected %s, found end of expression", what);
  }
}

typedef struct {
  const char *name;
  int op;
  int min_args, max_args;
} rs_func;

static const rs_func RS_FUNCS[] = {
    {"where", OP_WHERE, 3, 3}, {"min", OP_MIN, 2, 64},   {"max", OP_MAX, 2, 64},
    {"abs", OP_ABS, 1, 1},     {"sqrt", OP_SQRT, 1, 1},  {"log", OP_LOG, 1, 1},
    {"log10", OP_LOG10, 1, 1}, {"exp", OP_EXP, 1, 1},    {"floor", OP_FLOOR, 1, 1},
    {"ceil", OP_CEIL, 1, 1},   {"ndvi", OP_NDI, 2, 2},   {"ndwi", OP_NDI, 2, 2},
    {"evi", OP_EVI, 3, 3},     {"savi", OP_SAVI, 2, 3},
};

/* Band reference: B<k> or a configured name; -1 when the identifier is not a band. */
static int rs_band_index(rs_parser *ps, const char *id, size_t n, const char *at) {
  for (int i = 0; i < ps->nbands; i++)
    if (ps->names && ps->names[i] && strlen(ps->names[i]) == n && strncasecmp(ps->names[i], id, n) == 0)
      return i;
  if ((id[0] == 'B' || id[0] == 'b') && n > 1) {
    long k = 0;
    for (size_t i = 1; i < n; i++) {
      if (!isdigit((unsigned char)id[i])) return -1;
      k = k * 10 + (id[i] - '0');
      if (k > 1000000) break;
    }
    if (k < 1 || k > ps->nbands) {
      rs_fail(ps, at, "band %.*s out of range (the input has %d band%s)", (int)n, id, ps->nbands,
              ps->nbands == 1 ? "" : "s");
      return -2;
    }
    return (int)k - 1;
  }
  return -1;
}

static void rs_parse_primary(rs_parser *ps) {
  rs_skip(ps);
  const char *at = ps->p;
  if (ps->failed) return;
  if (*at == '(') {
    ps->p++;
    rs_parse_or(ps);
    rs_expect(ps, ")", "')'");
    return;
  }
  if (isdigit((unsigned char)*at) || (*at == '.' && isdigit((unsigned char)at[1]))) {
    char *end;
    double v = strtod(at, &end);
    ps->p = end;
    rs_emit(ps, OP_CONST, 0, v, 0);
    return;
  }
  if (isalpha((unsigned char)*at) || *at == '_') {
    const char *q = at;
    while (isalnum((unsigned char)*q) || *q == '_') q++;
    size_t n = (size_t)(q - at);
    ps->p = q;
    rs_skip(ps);
    if (*ps->p == '(') {
      const rs_func *f = NULL;
      for (size_t i = 0; i < sizeof RS_FUNCS / sizeof RS_FUNCS[0]; i++)
        if (strlen(RS_FUNCS[i].name) == n && strncasecmp(RS_FUNCS[i].name, at, n) == 0) f = &RS_FUNCS[i];
      if (!f) {
        rs_fail(ps, at, "unknown function '%.*s'", (int)n, at);
        return;
      }
      ps->p++;
      int nargs = 0;
      rs_skip(ps);
      if (*ps->p != ')') {
        do {
          rs_parse_or(ps);
          nargs++;
          if (nargs > 1 && f->op == OP_MIN) rs_emit(ps, OP_MIN, 0, 0, 2);
          if (nargs > 1 && f->op == OP_MAX) rs_emit(ps, OP_MAX, 0, 0, 2);
        } while (!ps->failed && rs_accept(ps, ","));
      }
      if (ps->failed) return;
      rs_expect(ps, ")", "')' or ','");
      if (ps->failed) return;
      if (nargs < f->min_args || nargs > f->max_args) {
        if (f->min_args == f->max_args)
          rs_fail(ps, at, "%s() takes %d argument%s, got %d", f->name, f->min_args,
                  f->min_args == 1 ? "" : "s", nargs);
        else
          rs_fail(ps, at, "%s() takes %d to %d arguments, got %d", f->name, f->min_args, f->max_args, nargs);
        return;
      }
      if (f->op == OP_MIN || f->op == OP_MAX) return; /* already folded pairwise */
      if (f->op == OP_SAVI && nargs == 2) rs_emit(ps, OP_CONST, 0, 0.5, 0), nargs = 3;
      rs_emit(ps, f->op, 0, 0, nargs);
      return;
    }
    int b = rs_band_index(ps, at, n, at);
    if (b == -2) return;
    if (b < 0) {
      rs_fail(ps, at, "unknown name '%.*s' (bands are B1..B%d%s)", (int)n, at, ps->nbands,
              ps->names ? " or the names in input.bands" : "");
      return;
    }
    ps->e->used[b] = 1;
    rs_emit(ps, OP_BAND, b, 0, 0);
    return;
  }
  if (*at)
    rs_fail(ps, at, "expected a number, band, function or '(', found '%c'", *at);
  else
    rs_fail(ps, at, "expected a number, band, function or '(', found end of expression");
}

static void rs_parse_unary(rs_parser *ps);

/* power := primary (('^'|'**') unary)?   right-associative, binds tighter than unary minus */
static void rs_parse_power(rs_parser *ps) {
  rs_parse_primary(ps);
  if (rs_accept(ps, "**") || rs_accept(ps, "^")) {
    rs_parse_unary(ps);
    rs_emit(ps, OP_POW, 0, 0, 2);
  }
}

static void rs_parse_unary(rs_parser *ps) {
  if (ps->failed) return;
  rs_skip(ps);
  if (*ps->p == '-' ) {
    ps->p++;
    rs_parse_unary(ps);
    rs_emit(ps, OP_NEG, 0, 0, 1);
  } else if (*ps->p == '+') {
    ps->p++;
    rs_parse_unary(ps);
  } else {
    rs_parse_power(ps);
  }
}

static void rs_parse_mul(rs_parser *ps) {
  rs_parse_unary(ps);
  for (;;) {
    rs_skip(ps);
    if (ps->failed) return;
    if (ps->p[0] == '*' && ps->p[1] != '*') {
      ps->p++;
      rs_parse_unary(ps);
      rs_emit(ps, OP_MUL, 0, 0, 2);
    } else if (ps->p[0] == '/') {
      ps->p++;
      rs_parse_unary(ps);
      rs_emit(ps, OP_DIV, 0, 0, 2);
    } else {
      return;
    }
  }
}

static void rs_parse_add(rs_parser *ps) {
  rs_parse_mul(ps);
  for (;;) {
    if (ps->failed) return;
    if (rs_accept(ps, "+")) {
      rs_parse_mul(ps);
      rs_emit(ps, OP_ADD, 0, 0, 2);
    } else if (rs_accept(ps, "-")) {
      rs_parse_mul(ps);
      rs_emit(ps, OP_SUB, 0, 0, 2);
    } else {
      return;
    }
  }
}

static void rs_parse_cmp(rs_parser *ps) {
  rs_parse_add(ps);
  static const struct { const char *tok; int op; } ops[] = {
      {"<=", OP_LE}, {">=", OP_GE}, {"==", OP_EQ}, {"!=", OP_NE}, {"<", OP_LT}, {">", OP_GT}};
  if (ps->failed) return;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    if (rs_accept(ps, ops[i].tok)) {
      rs_parse_add(ps);
      rs_emit(ps, ops[i].op, 0, 0, 2);
      return;
    }
  }
}

static void rs_parse_not(rs_parser *ps) {
  rs_skip(ps);
  if (rs_accept_word(ps, "not") || (ps->p[0] == '!' && ps->p[1] != '=' && (ps->p++, 1))) {
    rs_parse_not(ps);
    rs_emit(ps, OP_NOT, 0, 0, 1);
    return;
  }
  rs_parse_cmp(ps);
}

static void rs_parse_and(rs_parser *ps) {
  rs_parse_not(ps);
  while (!ps->failed && (rs_accept_word(ps, "and") || rs_accept(ps, "&"))) {
    rs_parse_not(ps);
    rs_emit(ps, OP_AND, 0, 0, 2);
  }
}

static void rs_parse_or(rs_parser *ps) {
  rs_parse_and(ps);
  while (!ps->failed && (rs_accept_word(ps, "or") || rs_accept(ps, "|"))) {
    rs_parse_and(ps);
    rs_emit(ps, OP_OR, 0, 0, 2);
  }
}

int rs_expr_compile(const char *text, int nbands, const char *const *names, rs_expr_t *out,
                    char *err, size_t errlen) {
  *out = NULL;
  struct rs_expr_s *e = calloc(1, sizeof *e);
  unsigned char *used = calloc((size_t)(nbands > 0 ? nbands : 1), 1);
  if (!e || !used) {
    free(e);
    free(used);
    snprintf(err, errlen, "out of memory");
    return 1;
  }
  e->used = used;
  e->nbands = nbands;
  rs_parser ps = {text, text, nbands, names, e, err, errlen, 0};
  rs_skip(&ps);
  if (!*ps.p) rs_fail(&ps, ps.p, "empty expression");
  rs_parse_or(&ps);
  rs_skip(&ps);
  if (!ps.failed && *ps.p) rs_fail(&ps, ps.p, "unexpected '%c' after a complete expression", *ps.p);
  if (ps.failed) {
    rs_expr_free(&e);
    return 1;
  }
  *out = e;
  return 0;
}

int rs_expr_uses_band(rs_expr_t e, int band) {
  return band >= 1 && band <= e->nbands && e->used[band - 1];
}

void rs_expr_free(rs_expr_t *e) {
  if (!e || !*e) return;
  free((*e)->code);
  free((*e)->used);
  free(*e);
  *e = NULL;
}

#define RS_RUN 256 /* pixels per evaluation run: the stack stays in L1 */

static void rs_eval_run(rs_expr_t e, const double *const *bands, long off, int n, double *stk) {
  int sp = -1; /* top of stack index */
#define S(k) (stk + (size_t)(k) * RS_RUN)
  for (int pc = 0; pc < e->ncode; pc++) {
    const rs_insn *in = &e->code[pc];
    double *a = sp >= 1 ? S(sp - 1) : NULL, *b = sp >= 0 ? S(sp) : NULL;
    switch (in->op) {
      case OP_CONST: {
        double *d = S(++sp);
        for (int i = 0; i < n; i++) d[i] = in->value;
        break;
      }
      case OP_BAND: {
        double *d = S(++sp);
        memcpy(d, bands[in->band] + off, (size_t)n * sizeof *d);
        break;
      }
#define RS_BIN(OPC, EXPR)                                  \
  case OPC:                                                \
    for (int i = 0; i < n; i++) a[i] = (EXPR);             \
    sp--;                                                  \
    break;
      RS_BIN(OP_ADD, a[i] + b[i])
      RS_BIN(OP_SUB, a[i] - b[i])
      RS_BIN(OP_MUL, a[i] * b[i])
      RS_BIN(OP_DIV, a[i] / b[i])
      RS_BIN(OP_POW, pow(a[i], b[i]))
      RS_BIN(OP_LT, a[i] < b[i] ? 1.0 : 0.0)
      RS_BIN(OP_LE, a[i] <= b[i] ? 1.0 : 0.0)
      RS_BIN(OP_GT, a[i] > b[i] ? 1.0 : 0.0)
      RS_BIN(OP_GE, a[i] >= b[i] ? 1.0 : 0.0)
      RS_BIN(OP_EQ, a[i] == b[i] ? 1.0 : 0.0)
      RS_BIN(OP_NE, a[i] != b[i] ? 1.0 : 0.0)
      RS_BIN(OP_AND, (a[i] != 0.0 && b[i] != 0.0) ? 1.0 : 0.0)
      RS_BIN(OP_OR, (a[i] != 0.0 || b[i] != 0.0) ? 1.0 : 0.0)
      RS_BIN(OP_MIN, fmin(a[i], b[i]))
      RS_BIN(OP_MAX, fmax(a[i], b[i]))
      RS_BIN(OP_NDI, (a[i] - b[i]) / (a[i] + b[i]))
#undef RS_BIN
#define RS_UN(OPC, EXPR)                                   \
  case OPC:                                                \
    for (int i = 0; i < n; i++) b[i] = (EXPR);             \
    break;
      RS_UN(OP_NEG, -b[i])
      RS_UN(OP_NOT, b[i] == 0.0 ? 1.0 : 0.0)
      RS_UN(OP_ABS, fabs(b[i]))
      RS_UN(OP_SQRT, sqrt(b[i]))
      RS_UN(OP_LOG, log(b[i]))
      RS_UN(OP_LOG10, log10(b[i]))
      RS_UN(OP_EXP, exp(b[i]))
      RS_UN(OP_FLOOR, floor(b[i]))
      RS_UN(OP_CEIL, ceil(b[i]))
#undef RS_UN
      case OP_WHERE: { /* c a b -> c ? a : b */
        double *c = S(sp - 2);
        for (int i = 0; i < n; i++) c[i] = c[i] != 0.0 ? a[i] : b[i];
        sp -= 2;
        break;
      }
      case OP_EVI: { /* nir red blue: 2.5 * (nir - red) / (nir + 6 * red - 7.5 * blue + 1) */
        double *nir = S(sp - 2);
        for (int i = 0; i < n; i++)
          nir[i] = 2.5 * (nir[i] - a[i]) / (nir[i] + 6.0 * a[i] - 7.5 * b[i] + 1.0);
        sp -= 2;
        break;
      }
      case OP_SAVI: { /* nir red L: (1 + L) * (nir - red) / (nir + red + L) */
        double *nir = S(sp - 2);
        for (int i = 0; i < n; i++) nir[i] = (1.0 + b[i]) * (nir[i] - a[i]) / (nir[i] + a[i] + b[i]);
        sp -= 2;
        break;
      }
    }
  }
#undef S
}

void rs_expr_eval(rs_expr_t e, const double *const *bands, long n, double *out) {
  double *stk = malloc((size_t)(e->maxdepth + 1) * RS_RUN * sizeof *stk);
  if (!stk) {
    for (long i = 0; i < n; i++) out[i] = NAN;
    return;
  }
  for (long off = 0; off < n; off += RS_RUN) {
    int m = (int)(n - off < RS_RUN ? n - off : RS_RUN);
    rs_eval_run(e, bands, off, m, stk);
    memcpy(out + off, stk, (size_t)m * sizeof *out);
  }
  free(stk);
}

/* ---- fused indices (the block fast path) ---- */

static int rs_is(const rs_insn *c, int op) { return c->op == op; }

void rs_expr_fused(rs_expr_t e, rs_fused *f) {
  memset(f, 0, sizeof *f);
  const rs_insn *c = e->code;
  int n = e->ncode;
  if (n == 3 && rs_is(&c[0], OP_BAND) && rs_is(&c[1], OP_BAND) && rs_is(&c[2], OP_NDI)) {
    *f = (rs_fused){RS_FUSED_NDI, {c[0].band, c[1].band, -1}, 0};
  } else if (n == 7 && rs_is(&c[0], OP_BAND) && rs_is(&c[1], OP_BAND) && rs_is(&c[2], OP_SUB) &&
             rs_is(&c[3], OP_BAND) && rs_is(&c[4], OP_BAND) && rs_is(&c[5], OP_ADD) && rs_is(&c[6], OP_DIV) &&
             c[3].band == c[0].band && c[4].band == c[1].band) { /* (a - b) / (a + b): the same operations */
    *f = (rs_fused){RS_FUSED_NDI, {c[0].band, c[1].band, -1}, 0};
  } else if (n == 4 && rs_is(&c[0], OP_BAND) && rs_is(&c[1], OP_BAND) && rs_is(&c[2], OP_BAND) &&
             rs_is(&c[3], OP_EVI)) {
    *f = (rs_fused){RS_FUSED_EVI, {c[0].band, c[1].band, c[2].band}, 0};
  } else if (n == 4 && rs_is(&c[0], OP_BAND) && rs_is(&c[1], OP_BAND) && rs_is(&c[2], OP_CONST) &&
             rs_is(&c[3], OP_SAVI)) {
    *f = (rs_fused){RS_FUSED_SAVI, {c[0].band, c[1].band, -1}, c[2].value};
  }
}

int rs_fused_float_exact(const rs_fused *f) {
  switch (f->kind) {
    case RS_FUSED_NDI: /* a - b, a + b: integers below 2^17 */
    case RS_FUSED_EVI: /* 2.5 (n - r), n + 6 r - 7.5 b + 1: multiples of 0.5 below 2^21 */
      return 1;
    case RS_FUSED_SAVI: /* (1 + L)(n - r) and n + r + L exact for L on a grid of 0.25 in [0, 1] */
      return f->L == 0 || f->L == 0.25 || f->L == 0.5 || f->L == 0.75 || f->L == 1;
    default:
      return 0;
  }
}

/* Branch-free loops (the compiler vectorises them); T is the type the formula is evaluated in,
 * with the operations in the order rs_eval_run does them. */
#define RS_FUSED_LOOP(T, FORMULA)                                                                  \
  for (long p = 0; p < n; p++) {                                                                   \
    T va = a[p], vb = b[p], vc = c ? c[p] : 0;                                                     \
    (void)vc;                                                                                      \
    T r = (FORMULA);                                                                               \
    int bad = (has[0] & (a[p] == nd[0])) | (has[1] & (b[p] == nd[1])) | (hc & (vc == nd[2])) |     \
              !(r - r == 0); /* not finite: inf - inf and NaN - NaN are NaN */                     \
    out[p] = bad ? out_nodata : r;                                                                 \
  }

#define RS_FUSED_ALL(T)                                                                            \
  int hc = c ? has[2] : 0;                                                                         \
  T L = (T)f->L;                                                                                   \
  (void)L;                                                                                         \
  switch (f->kind) {                                                                               \
    case RS_FUSED_NDI:                                                                             \
      RS_FUSED_LOOP(T, (va - vb) / (va + vb))                                                      \
      break;                                                                                       \
    case RS_FUSED_EVI:                                                                             \
      RS_FUSED_LOOP(T, (T)2.5 * (va - vb) / (va + (T)6.0 * vb - (T)7.5 * vc + (T)1.0))             \
      break;                                                                                       \
    case RS_FUSED_SAVI:                                                                            \
      RS_FUSED_LOOP(T, ((T)1.0 + L) * (va - vb) / (va + vb + L))                                   \
      break;                                                                                       \
    default:                                                                                       \
      for (long p = 0; p < n; p++) out[p] = out_nodata;                                            \
  }

void rs_fused_eval_f32(const rs_fused *f, const float *a, const float *b, const float *c, const float nd[3],
                       const int has[3], long n, float out_nodata, float *out) {
  RS_FUSED_ALL(float)
}

void rs_fused_eval_f64(const rs_fused *f, const float *a, const float *b, const float *c, const float nd[3],
                       const int has[3], long n, double out_nodata, double *out) {
  RS_FUSED_ALL(double)
}
