/* Tests for feature/hs/hs_ob_frontend: the merge (every intro point when
 * they fit, else at most 20 shared fairly over the backends, rotating; the
 * expected picks are worked out by hand from the rule in the header) and
 * what a backend's bad descriptors do (python-made descriptors of
 * tests/vectors/hs_bad_desc, for the service with identity seed 07*32 at
 * time 1763700000): the last good intro points stay until two failures in
 * a row, then leave; a good descriptor brings the backend back. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/hs/hs_ob_frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAD_DESC_DIR "tests/vectors/hs_bad_desc/"
#define BAD_DESC_TIME 1763700000
/* The address of identity_pk in hs_bad_desc/control.txt (python). */
#define BAD_DESC_ADDR "5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwfmxqd"
#define OTHER_ADDR "vrvn4ehyylsrvru46dfqvjjpcw2rztue2p5ps7v7ljhsnw2tpoaikwyd"

UNITTEST(hs_ob_frontend, all_fit)
{
  size_t counts[3] = { 3, 3, 3 }, out[20][2];
  UT_EQ_INT(hs_ob_frontend_pick(counts, NULL, 3, 20, 0, out), 9);
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
  UT_EQ_INT(hs_ob_frontend_pick(counts, NULL, 0, 20, 0, out), 0);
}

UNITTEST(hs_ob_frontend, fair_when_too_many)
{
  /* 8 backends of 3: 24 intro points, 20 fit: each backend gets 2 or 3,
   * the four that start the rotation get the third. */
  size_t counts[8] = { 3, 3, 3, 3, 3, 3, 3, 3 }, out[20][2];
  for (unsigned rot = 0; rot < 8; rot++) {
    int per[8];
    memset(per, 0, sizeof(per));
    UT_EQ_INT(hs_ob_frontend_pick(counts, NULL, 8, 20, rot, out), 20);
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
  UT_EQ_INT(hs_ob_frontend_pick(uneven, NULL, 5, 6, 0, out), 6);
  for (int i = 0; i < 6; i++)
    per[out[i][0]]++;
  UT_EQ_INT(per[0], 2);
  UT_EQ_INT(per[1] + per[2] + per[3] + per[4], 4);
}

UNITTEST(hs_ob_frontend, one_intro_point_per_relay)
{
  /* Three workers in an 8-relay network, as a test network had them:
   * relays auth1 = 0, relay1 = 1, relay2 = 2, auth2 = 3. Real tor would
   * use only the first intro point listed on a relay, so each relay is
   * listed once, and every backend still gets one (worked out by hand). */
  size_t counts[3] = { 3, 3, 3 }, out[20][2];
  static const int w1[3] = { 0, 1, 2 }, w2[3] = { 0, 3, 2 }, w3[3] = { 0, 3, 2 };
  const int *relay[3] = { w1, w2, w3 };
  UT_EQ_INT(hs_ob_frontend_pick(counts, relay, 3, 20, 0, out), 4);
  static const size_t want[4][2] = { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 0, 1 } };
  for (int i = 0; i < 4; i++) {
    UT_EQ_INT((int)out[i][0], (int)want[i][0]);
    UT_EQ_INT((int)out[i][1], (int)want[i][1]);
  }
  /* Rotation 1 starts at w2, each from its second intro point:
   * w2 takes 3, w3 takes 2 (3 is taken), w1 takes 1, then w2 takes 0,
   * w3 nothing left that is free, w1 nothing. */
  UT_EQ_INT(hs_ob_frontend_pick(counts, relay, 3, 20, 1, out), 4);
  static const size_t want1[4][2] = { { 1, 1 }, { 2, 2 }, { 0, 1 }, { 1, 0 } };
  for (int i = 0; i < 4; i++) {
    UT_EQ_INT((int)out[i][0], (int)want1[i][0]);
    UT_EQ_INT((int)out[i][1], (int)want1[i][1]);
  }
  /* Out-of-range relay numbers are never picked. */
  static const int bad[3] = { -1, 99, 1 };
  const int *relay_bad[1] = { bad };
  UT_EQ_INT(hs_ob_frontend_pick(counts, relay_bad, 1, 20, 0, out), 1);
  UT_EQ_INT((int)out[0][1], 2);
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
    UT_EQ_INT(hs_ob_frontend_pick(counts, NULL, 25, 20, rot, out), 20);
    for (int i = 0; i < 20; i++)
      times_in[out[i][0]]++;
  }
  for (int b = 0; b < 25; b++)
    UT_EQ_INT(times_in[b], 20);
}

static void
offer_file(hs_ob_frontend_t *f, const char *name)
{
  char path[128];
  size_t len = 0;
  snprintf(path, sizeof(path), BAD_DESC_DIR "%s.desc", name);
  char *text = (char *)ut_read_srcfile(path, &len);
  UT_ASSERT(text != NULL);
  hs_ob_frontend_offer(f, BAD_DESC_ADDR, text, len, BAD_DESC_TIME);
  free(text);
}

UNITTEST(hs_ob_frontend, bad_backend_descriptors)
{
  const char backends[2][ONION_ADDRESS_LEN + 1] = { BAD_DESC_ADDR, OTHER_ADDR };
  hs_ob_frontend_t *f = hs_ob_frontend_new("master", backends, 2);
  hs_desc_intro_point_t out[HS_DESC_MAX_INTRO_POINTS];
  UT_ASSERT(f != NULL);
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 0);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 0);

  offer_file(f, "control");
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 3);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 1);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 0);
  /* The same intro points again (a re-fetch): nothing to republish. */
  offer_file(f, "control");
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 0);

  /* Too many intro points, then a layer that fails its MAC: the first
   * failure keeps the good intro points, the second drops them. */
  offer_file(f, "ips-21");
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 3);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 0);
  offer_file(f, "superencrypted-bad-mac");
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 0);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 1);
  UT_EQ_INT(hs_ob_frontend_intro_points(f, out, HS_DESC_MAX_INTRO_POINTS), 0);

  /* Back, then an empty descriptor and no descriptor at all. */
  offer_file(f, "control");
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 3);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 1);
  offer_file(f, "ips-0");
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 3);
  hs_ob_frontend_offer(f, BAD_DESC_ADDR, NULL, 0, BAD_DESC_TIME);
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 0);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 1);

  /* Garbage, an expired descriptor (a day later) and an unknown backend
   * change nothing; the other backend failing leaves this one alone. */
  offer_file(f, "ips-20");
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 20);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 1);
  static const char garbage[] = "hs-descriptor 3\ngarbage\n";
  hs_ob_frontend_offer(f, BAD_DESC_ADDR, garbage, sizeof(garbage) - 1, BAD_DESC_TIME);
  hs_ob_frontend_offer(f, "unknown", garbage, sizeof(garbage) - 1, BAD_DESC_TIME);
  hs_ob_frontend_offer(f, OTHER_ADDR, NULL, 0, BAD_DESC_TIME);
  hs_ob_frontend_offer(f, OTHER_ADDR, NULL, 0, BAD_DESC_TIME);
  UT_EQ_INT(hs_ob_frontend_n_intro_points(f), 20);
  UT_EQ_INT(hs_ob_frontend_take_changed(f), 0);
  UT_EQ_INT(hs_ob_frontend_intro_points(f, out, HS_DESC_MAX_INTRO_POINTS), 20);
  /* Only 5 asked for: 5 of the backend's, from a rotating start. */
  UT_EQ_INT(hs_ob_frontend_intro_points(f, out, 5), 5);
  hs_ob_frontend_free(f);
}
