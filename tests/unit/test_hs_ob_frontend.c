/* Tests for feature/hs/hs_ob_frontend's merge: every intro point when they
 * fit, else at most 20 shared fairly over the backends, rotating; the
 * expected picks are worked out by hand from the rule in the header. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "feature/hs/hs_ob_frontend.h"

#include <string.h>

UNITTEST(hs_ob_frontend, all_fit)
{
  size_t counts[3] = { 3, 3, 3 }, out[20][2];
  UT_EQ_INT(hs_ob_frontend_pick(counts, 3, 20, 0, out), 9);
  /* round robin: b0 i0, b1 i0, b2 i0, b0 i1, ... */
  UT_EQ_INT(out[0][0], 0);
  UT_EQ_INT(out[1][0], 1);
  UT_EQ_INT(out[2][0], 2);
  UT_EQ_INT(out[3][0], 0);
  UT_EQ_INT(out[3][1], 1);
  int seen[3][3];
  memset(seen, 0, sizeof(seen));
  for (int i = 0; i < 9; i++)
    seen[out[i][0]][out[i][1]]++;
  for (int b = 0; b < 3; b++)
    for (int k = 0; k < 3; k++)
      UT_EQ_INT(seen[b][k], 1);
  UT_EQ_INT(hs_ob_frontend_pick(counts, 0, 20, 0, out), 0);
}

UNITTEST(hs_ob_frontend, fair_when_too_many)
{
  /* 8 backends of 3: 24 intro points, 20 fit: each backend gets 2 or 3,
   * the four that start the rotation get the third. */
  size_t counts[8] = { 3, 3, 3, 3, 3, 3, 3, 3 }, out[20][2];
  for (unsigned rot = 0; rot < 8; rot++) {
    int per[8];
    memset(per, 0, sizeof(per));
    UT_EQ_INT(hs_ob_frontend_pick(counts, 8, 20, rot, out), 20);
    for (int i = 0; i < 20; i++)
      per[out[i][0]]++;
    for (int b = 0; b < 8; b++) {
      int third = ((b - (int)rot) % 8 + 8) % 8 < 4;
      UT_EQ_INT(per[b], third ? 3 : 2);
    }
  }
  /* Uneven: one backend of 10, four of 1: all four small ones are in. */
  size_t uneven[5] = { 10, 1, 1, 1, 1 };
  int per[5];
  memset(per, 0, sizeof(per));
  UT_EQ_INT(hs_ob_frontend_pick(uneven, 5, 6, 0, out), 6);
  for (int i = 0; i < 6; i++)
    per[out[i][0]]++;
  UT_EQ_INT(per[0], 2);
  UT_EQ_INT(per[1] + per[2] + per[3] + per[4], 4);
}

UNITTEST(hs_ob_frontend, more_backends_than_room)
{
  /* 25 backends of one each, 20 slots: the rotation decides who is left
   * out, so over 25 descriptors every backend is in 20 of them. */
  size_t counts[25], out[20][2];
  int times_in[25];
  for (int i = 0; i < 25; i++)
    counts[i] = 1;
  memset(times_in, 0, sizeof(times_in));
  for (unsigned rot = 0; rot < 25; rot++) {
    UT_EQ_INT(hs_ob_frontend_pick(counts, 25, 20, rot, out), 20);
    for (int i = 0; i < 20; i++)
      times_in[out[i][0]]++;
  }
  for (int b = 0; b < 25; b++)
    UT_EQ_INT(times_in[b], 20);
}
