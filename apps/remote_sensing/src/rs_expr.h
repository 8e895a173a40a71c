/* rs_expr.h — band-math expressions: a recursive-descent parser that compiles to a small
 * stack bytecode, evaluated in double over runs of pixels. No GDAL, no MPI.
 *
 * Syntax (case-insensitive names):
 *   numbers 1, 2.5, 1e-3; bands B1..Bn or the names given in input.bands
 *   + - * / ^ (also **), unary -, comparisons < <= > >= == != (1.0 true, 0.0 false),
 *   and, or, not (also & | !), parentheses
 *   where(c, a, b)  min(a, b, ...)  max(a, b, ...)  abs sqrt log log10 exp floor ceil
 *   ndvi(nir, red) = (nir - red) / (nir + red)
 *   ndwi(green, nir) = (green - nir) / (green + nir)
 *   evi(nir, red, blue) = 2.5 * (nir - red) / (nir + 6 * red - 7.5 * blue + 1)
 *   savi(nir, red [, L = 0.5]) = (1 + L) * (nir - red) / (nir + red + L)
 * Precedence, low to high: or, and, not, comparison, + -, * /, unary -, ^ (right-assoc).
 */
#ifndef RS_EXPR_H
#define RS_EXPR_H
#include <stddef.h>

typedef struct rs_expr_s *rs_expr_t;

/* Compile text. names[i] (may be NULL) is the name of band i+1; nbands bounds B<i>.
 * On error returns nonzero and writes "column C: what was expected" into err. */
int rs_expr_compile(const char *text, int nbands, const char *const *names, rs_expr_t *out,
                    char *err, size_t errlen);
/* out[p] = value at pixel p for p in [0, n); bands[i] points at band i+1 (only the bands the
 * expression uses are read; others may be NULL). Pure arithmetic: NaN in, NaN out. */
void rs_expr_eval(rs_expr_t e, const double *const *bands, long n, double *out);
/* 1 when band (1-based) appears in the expression. */
int rs_expr_uses_band(rs_expr_t e, int band);
void rs_expr_free(rs_expr_t *e);

/* Fused form of the built-in indices, for the block fast path: the whole expression is one index
 * of bands, ndvi/ndwi(a, b) or (a - b) / (a + b) spelled out, evi(n, r, b), savi(n, r[, L]). */
typedef enum { RS_FUSED_NONE = 0, RS_FUSED_NDI, RS_FUSED_EVI, RS_FUSED_SAVI } rs_fused_kind;
typedef struct {
  rs_fused_kind kind;
  int band[3]; /* 0-based bands in argument order */
  double L;    /* savi */
} rs_fused;
/* Fills f (kind RS_FUSED_NONE when e is anything else). */
void rs_expr_fused(rs_expr_t e, rs_fused *f);
/* 1 when evaluating f in float from bands whose values are integers of at most 16 bits gives
 * exactly float(the double evaluation): every step before the final division is exact in float
 * (|values| < 2^21 on a grid of 0.25), the division is correctly rounded in both, and rounding a
 * double quotient to float equals rounding the exact quotient (53 >= 2 * 24 + 2: double rounding
 * is innocuous for + - * / sqrt; Figueroa 1995). */
int rs_fused_float_exact(const rs_fused *f);
/* The fused kernels over n pixels of float band buffers a, b, c (c: evi only). bad_a etc.:
 * nodata values tested with ==, skipped when has_a etc. is 0. A pixel whose bands hold a nodata
 * value or whose result is not finite becomes out_nodata. The float form returns float results
 * (valid only when rs_fused_float_exact); the double form the double results. */
void rs_fused_eval_f32(const rs_fused *f, const float *a, const float *b, const float *c, const float nd[3],
                       const int has[3], long n, float out_nodata, float *out);
void rs_fused_eval_f64(const rs_fused *f, const float *a, const float *b, const float *c, const float nd[3],
                       const int has[3], long n, double out_nodata, double *out);

#endif
