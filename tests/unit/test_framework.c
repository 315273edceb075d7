/* Checks of the test framework itself. */
#include "tests/unit/unittest.h"

UNITTEST(framework, hex_compare)
{
  const uint8_t abc[3] = { 0x61, 0x62, 0x63 };
  UT_EQ_HEX(abc, 3, "616263");
  UT_EQ_INT(1 + 1, 2);
  UT_EQ_STR("abc", "abc");
}
