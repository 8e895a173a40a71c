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

#endif
