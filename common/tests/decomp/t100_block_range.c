/* t100_block_range — whpc_block_range: parts tile [0, n) in order, sizes differ by at most one,
 * the first n % parts parts get the extra item (also when n < parts: empty parts at the end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "whpc_decomp.h"

static void test_tiles_in_order(void **state) {
  (void)state;
  for (long n = 0; n <= 50; n++)
    for (int parts = 1; parts <= 13; parts++) {
      long next = 0;
      for (int p = 0; p < parts; p++) {
        long start, count;
        whpc_block_range(n, parts, p, &start, &count);
        assert_int_equal(start, next);
        assert_int_equal(count, n / parts + (p < n % parts ? 1 : 0));
        next = start + count;
      }
      assert_int_equal(next, n);
    }
}

static void test_known_values(void **state) {
  (void)state;
  long s, c;
  whpc_block_range(101, 4, 0, &s, &c); /* 26 25 25 25 */
  assert_int_equal(s, 0);
  assert_int_equal(c, 26);
  whpc_block_range(101, 4, 2, &s, &c);
  assert_int_equal(s, 51);
  assert_int_equal(c, 25);
  whpc_block_range(3, 4, 3, &s, &c); /* more parts than items: last part empty */
  assert_int_equal(s, 3);
  assert_int_equal(c, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_tiles_in_order), cmocka_unit_test(test_known_values)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
