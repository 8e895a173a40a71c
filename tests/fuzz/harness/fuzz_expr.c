/* libFuzzer harness: the band-math expression parser of whpc-remote-sensing (rs.expr is user text).
 * Compiles the input as an expression over 4 named bands and, when it compiles, evaluates it on a
 * few pixels (NaN, inf, zero and ordinary values), so the bytecode is exercised too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rs_expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0; /* rs.expr is one config value */
  char *text = malloc(size + 1);
  memcpy(text, data, size);
  text[size] = '\0';
  static const char *const names[4] = {"blue", "green", "red", "nir"};
  char err[256];
  rs_expr_t e = NULL;
  if (rs_expr_compile(text, 4, names, &e, err, sizeof err) == 0) {
    static const double b[4][5] = {{0, 1, -1, 1e300, __builtin_nan("")},
                                   {2, 0, 3, -1e-300, 5},
                                   {0, 0, 7, __builtin_inf(), 1},
                                   {1, -2, 0, 4, 0}};
    const double *bands[4] = {b[0], b[1], b[2], b[3]};
    double out[5];
    rs_expr_eval(e, bands, 5, out);
    for (int k = 1; k <= 4; k++) (void)rs_expr_uses_band(e, k);
    rs_expr_free(&e);
  }
  free(text);
  return 0;
}
