/* Tests for feature/hs/hs_ob_config: ob_config as tor's OnionBalance
 * instances read it, and the masters' subcredentials. Expected values: the
 * master key is the one real tor wrote with its hostname
 * (tests/vectors/hs_real_tor/), and the subcredentials are stem's
 * (tests/vectors/hs/hs_keys.txt, made by tests/vectors/gen/gen_hs.py). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/hs/hs_keys.h"
#include "feature/hs/hs_ob_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REAL_HOST "vrvn4ehyylsrvru46dfqvjjpcw2rztue2p5ps7v7ljhsnw2tpoaikwyd.onion"

static void
real_tor_pk(uint8_t pk[32])
{
  size_t len = 0;
  uint8_t *f = ut_read_srcfile("tests/vectors/hs_real_tor/hs_ed25519_public_key", &len);
  UT_ASSERT(f && len == 64);   /* 32-byte header, then the key */
  if (f && len == 64)
    memcpy(pk, f + 32, 32);
  free(f);
}

UNITTEST(hs_ob, parse)
{
  uint8_t m[HS_OB_MAX_MASTERS][32], pk[32];
  char err[512];
  static const char text[] =
      "# written by onionbalance\n"
      "MasterOnionAddress " REAL_HOST "\n"
      "masteronionaddress " REAL_HOST "\n";   /* again, in another case: once */
  real_tor_pk(pk);
  UT_EQ_INT(hs_ob_config_parse(text, strlen(text), "dir/ob_config", m, HS_OB_MAX_MASTERS,
                               err, sizeof(err)), 1);
  UT_EQ_MEM(m[0], pk, 32);
}

UNITTEST(hs_ob, parse_errors)
{
  uint8_t m[2][32];
  char err[512];
  static const struct { const char *text, *want; } cases[] = {
    { "", "dir/ob_config: OnionBalance: no MasterOnionAddress line" },
    { "# nothing\n", "dir/ob_config: OnionBalance: no MasterOnionAddress line" },
    { "MasterOnionAddress " REAL_HOST "\nHiddenServicePort 80\n",
      "dir/ob_config:2: Unknown option 'HiddenServicePort'" },
    { "MasterOnionAddress vrvn4ehyylsrvru46dfqvjjpcw2rztue2p5ps7v7ljhsnw2tpoaikwya.onion\n",
      "dir/ob_config:1: OnionBalance: MasterOnionAddress "
      "'vrvn4ehyylsrvru46dfqvjjpcw2rztue2p5ps7v7ljhsnw2tpoaikwya.onion' is invalid" },
    { "MasterOnionAddress short.onion\n",
      "dir/ob_config:1: OnionBalance: MasterOnionAddress 'short.onion' is invalid" },
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    err[0] = 0;
    UT_EQ_INT(hs_ob_config_parse(cases[i].text, strlen(cases[i].text), "dir/ob_config", m, 2,
                                 err, sizeof(err)), -1);
    UT_ASSERT(!strncmp(err, cases[i].want, strlen(cases[i].want)));
    if (strncmp(err, cases[i].want, strlen(cases[i].want)))
      fprintf(stderr, "  case %zu: got \"%s\"\n", i, err);
  }
  /* A NUL inside the text is refused, not read past. */
  static const char nul[] = "MasterOnionAddress " REAL_HOST "\0junk\n";
  UT_EQ_INT(hs_ob_config_parse(nul, sizeof(nul) - 1, "x", m, 2, err, sizeof(err)), -1);
  /* Too many masters for the room given. */
  char two[400];
  snprintf(two, sizeof(two), "MasterOnionAddress %s\nMasterOnionAddress %s\n", REAL_HOST,
           /* the Ed25519 key of the all-zero seed (python3-cryptography),
            * checksum by hashlib */
           "hnvcppgow2sc2yvdvdicu3ynonsteflxdxrehjr2ybekdc2z3iu63yid.onion");
  UT_EQ_INT(hs_ob_config_parse(two, strlen(two), "x", m, 2, err, sizeof(err)), 2);
  UT_EQ_HEX(m[1], 32, "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
  UT_EQ_INT(hs_ob_config_parse(two, strlen(two), "x", m, 1, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "too many master addresses") != NULL);
}

UNITTEST(hs_ob, load_missing)
{
  uint8_t m[2][32];
  char err[512];
  UT_EQ_INT(hs_ob_config_load("/nonexistent-dir", m, 2, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "Unable to read config file \"/nonexistent-dir/ob_config\"") != NULL);
}

UNITTEST(hs_ob, subcredentials_match_stem)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/hs_keys.txt");
  int checked = 0;
  for (int i = 0; i < vecfile_n_records(vf); i++) {
    size_t len;
    const uint8_t *pk = vecfile_get(vf, i, "identity_pk", &len);
    const uint8_t *tpb = vecfile_get(vf, i, "tp", &len);
    const uint8_t *plb = vecfile_get(vf, i, "period_length", &len);
    uint64_t tp = 0, plen = 0;
    for (int k = 0; k < 8; k++) {
      tp = (tp << 8) | tpb[k];
      plen = (plen << 8) | plb[k];
    }
    uint8_t masters[1][32], out[HS_OB_PERIODS][32];
    memcpy(masters[0], pk, 32);
    /* The vector's period is the middle one of the three. */
    UT_EQ_INT(hs_ob_subcredentials((const uint8_t (*)[32])masters, 1, tp, plen, out),
              HS_OB_PERIODS);
    UT_EQ_MEM(out[1], vecfile_get(vf, i, "subcredential", &len), 32);
    /* as the first of the three, one period later */
    UT_EQ_INT(hs_ob_subcredentials((const uint8_t (*)[32])masters, 1, tp + 1, plen, out),
              HS_OB_PERIODS);
    UT_EQ_MEM(out[0], vecfile_get(vf, i, "subcredential", &len), 32);
    checked++;
  }
  UT_ASSERT(checked >= 8);
  vecfile_free(vf);
}
