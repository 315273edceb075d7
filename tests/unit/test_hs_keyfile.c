/* Tests for lib/crypt/ed25519_keyfile and lib/crypt/onion_address.
 * Fixtures: tests/vectors/hs_real_tor/ is a HiddenServiceDir that real tor
 * 0.4.9.11 created (SocksPort 0, DisableNetwork 1); the rend-spec-v3
 * section 6 example addresses (public keys extracted with Python's
 * base64.b32decode). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "lib/crypt/ed25519.h"
#include "lib/crypt/ed25519_keyfile.h"
#include "lib/crypt/onion_address.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REAL "tests/vectors/hs_real_tor/"

/* Our code derives, from real tor's hs_ed25519_secret_key, the public key
 * in its hs_ed25519_public_key and the address in its hostname file. */
UNITTEST(hs_keyfile, real_tor_directory)
{
  uint8_t esk[64], pk[32], pk_file[32], pk_addr[32];
  char addr[ONION_ADDRESS_LEN + 1];
  const char *err = NULL;
  size_t hlen;
  uint8_t *hostname = ut_read_srcfile(REAL "hostname", &hlen);

  UT_EQ_INT(ed25519_secret_keyfile_read(esk, unittest_srcpath(
                REAL "hs_ed25519_secret_key"), &err), 0);
  UT_EQ_INT(ed25519_public_keyfile_read(pk_file, unittest_srcpath(
                REAL "hs_ed25519_public_key"), &err), 0);
  UT_EQ_INT(ed25519_public_from_seckey(pk, esk), 0);
  UT_EQ_MEM(pk, pk_file, 32);

  UT_EQ_INT(onion_address_encode(addr, pk), 0);
  /* hostname is "<56 chars>.onion\n" */
  UT_EQ_INT(hlen, ONION_ADDRESS_LEN + 7);
  UT_EQ_INT(hostname[hlen - 1], '\n');
  UT_EQ_MEM(addr, hostname, ONION_ADDRESS_LEN);
  UT_EQ_MEM(hostname + ONION_ADDRESS_LEN, ".onion", 6);
  UT_EQ_STR(addr, "vrvn4ehyylsrvru46dfqvjjpcw2rztue2p5ps7v7ljhsnw2tpoaikwyd");

  /* And back: the hostname (with .onion) parses to the same key. */
  UT_EQ_INT(onion_address_decode(pk_addr, (const char *)hostname, hlen - 1,
                                 &err), 0);
  UT_EQ_MEM(pk_addr, pk, 32);

  /* A signature with the loaded key verifies under the derived key. */
  {
    uint8_t sig[64];
    UT_EQ_INT(ed25519_sign_expanded(sig, hostname, hlen, esk), 0);
    UT_EQ_INT(ed25519_verify(sig, hostname, hlen, pk_file), 0);
  }
  free(hostname);
}

/* Writing produces exactly tor's bytes: compare a rewrite of real tor's
 * key against the file tor wrote, and check modes. */
UNITTEST(hs_keyfile, write_then_check_format)
{
  char path[512];
  uint8_t esk[64], pk[32], back[64];
  uint8_t *want, *got;
  size_t wantlen, gotlen;
  const char *err = NULL;
  struct stat st;

  want = ut_read_srcfile(REAL "hs_ed25519_secret_key", &wantlen);
  UT_EQ_INT(ed25519_secret_keyfile_parse(esk, want, wantlen, &err), 0);
  UT_EQ_INT(ed25519_public_from_seckey(pk, esk), 0);

  snprintf(path, sizeof(path), "%s/hs_ed25519_secret_key", unittest_tmpdir());
  UT_EQ_INT(ed25519_secret_keyfile_write(path, esk, &err), 0);
  UT_EQ_INT(stat(path, &st), 0);
  UT_EQ_INT(st.st_mode & 0777, 0600);
  {
    FILE *f = fopen(path, "rb");
    got = malloc(256);
    UT_ASSERT(f != NULL);
    gotlen = fread(got, 1, 256, f);
    fclose(f);
  }
  UT_EQ_INT(gotlen, ED25519_SECRET_KEYFILE_LEN);
  UT_EQ_INT(wantlen, ED25519_SECRET_KEYFILE_LEN);
  UT_EQ_MEM(got, want, wantlen);
  /* The header, spelled out. */
  UT_EQ_MEM(got, "== ed25519v1-secret: type0 ==\0\0\0", 32);
  UT_EQ_INT(ed25519_secret_keyfile_read(back, path, &err), 0);
  UT_EQ_MEM(back, esk, 64);
  free(got);
  free(want);

  want = ut_read_srcfile(REAL "hs_ed25519_public_key", &wantlen);
  snprintf(path, sizeof(path), "%s/hs_ed25519_public_key", unittest_tmpdir());
  UT_EQ_INT(ed25519_public_keyfile_write(path, pk, &err), 0);
  UT_EQ_INT(stat(path, &st), 0);
  UT_EQ_INT(st.st_mode & 0777, 0600);
  {
    FILE *f = fopen(path, "rb");
    got = malloc(256);
    UT_ASSERT(f != NULL);
    gotlen = fread(got, 1, 256, f);
    fclose(f);
  }
  UT_EQ_INT(gotlen, ED25519_PUBLIC_KEYFILE_LEN);
  UT_EQ_MEM(got, want, wantlen);
  UT_EQ_MEM(got, "== ed25519v1-public: type0 ==\0\0\0", 32);
  free(got);
  free(want);

  /* Rewriting replaces the file; no temporary is left behind. */
  UT_EQ_INT(ed25519_public_keyfile_write(path, pk, &err), 0);
  snprintf(path, sizeof(path), "%s/hs_ed25519_public_key.tmp",
           unittest_tmpdir());
  UT_EQ_INT(access(path, F_OK), -1);
}

static void
expect_secret_error(const uint8_t *data, size_t len, const char *substr)
{
  uint8_t esk[64];
  const char *err = NULL;
  if (ed25519_secret_keyfile_parse(esk, data, len, &err) != -1)
    unittest_fail(__FILE__, __LINE__, "accepted a corrupt secret key file");
  if (!err || !strstr(err, substr))
    unittest_fail(__FILE__, __LINE__, "error \"%s\", expected one with \"%s\"",
                  err ? err : "(null)", substr);
}

UNITTEST(hs_keyfile, corrupt_files_rejected)
{
  size_t len;
  uint8_t *good = ut_read_srcfile(REAL "hs_ed25519_secret_key", &len);
  uint8_t buf[200], pk[32];
  const char *err = NULL;
  char path[512];

  expect_secret_error(good, 0, "too short");
  expect_secret_error(good, 31, "too short");
  expect_secret_error(good, 95, "truncated");
  memcpy(buf, good, 96);
  buf[96] = '\n';
  expect_secret_error(buf, 97, "too long");
  memcpy(buf, good, 96);
  memcpy(buf + 21, "type1", 5);
  expect_secret_error(buf, 96, "unsupported key type");
  memcpy(buf, good, 96);
  buf[31] = ' ';
  expect_secret_error(buf, 96, "unsupported key type");
  memcpy(buf, "== ed25519v1-public: type0 ==\0\0\0", 32);
  expect_secret_error(buf, 96, "different kind of key");
  memcpy(buf, "PK\3\4", 4);
  expect_secret_error(buf, 96, "no tor key file header");
  memcpy(buf, good, 96);
  memset(buf + 32, 0, 32);
  expect_secret_error(buf, 96, "all-zero");

  /* Public key files: a secret file, a truncated one, a bad point. */
  UT_EQ_INT(ed25519_public_keyfile_parse(pk, good, 64, &err), -1);
  UT_ASSERT(strstr(err, "different kind") != NULL);
  {
    size_t plen;
    uint8_t *pub = ut_read_srcfile(REAL "hs_ed25519_public_key", &plen);
    UT_EQ_INT(ed25519_public_keyfile_parse(pk, pub, plen - 1, &err), -1);
    UT_ASSERT(strstr(err, "truncated") != NULL);
    memcpy(buf, pub, 64);
    memset(buf + 32, 0, 32);
    buf[32] = 1; /* the identity point */
    UT_EQ_INT(ed25519_public_keyfile_parse(pk, buf, 64, &err), -1);
    UT_ASSERT(strstr(err, "valid ed25519 point") != NULL);
    free(pub);
  }

  /* Files: missing, a directory, oversized; a bad file is left alone. */
  snprintf(path, sizeof(path), "%s/nonexistent", unittest_tmpdir());
  UT_EQ_INT(ed25519_secret_keyfile_read(buf, path, &err), -1);
  UT_ASSERT(strstr(err, "does not exist") != NULL);
  UT_EQ_INT(ed25519_secret_keyfile_read(buf, unittest_tmpdir(), &err), -1);
  UT_ASSERT(strstr(err, "not a regular file") != NULL);
  snprintf(path, sizeof(path), "%s/long_key", unittest_tmpdir());
  {
    FILE *f = fopen(path, "wb");
    UT_ASSERT(f != NULL);
    fwrite(good, 1, 96, f);
    fwrite("extra", 1, 5, f);
    fclose(f);
  }
  UT_EQ_INT(ed25519_secret_keyfile_read(buf, path, &err), -1);
  UT_ASSERT(strstr(err, "too long") != NULL);
  {
    struct stat st;
    UT_EQ_INT(stat(path, &st), 0);
    UT_EQ_INT(st.st_size, 101);
  }
  free(good);
}

/* rend-spec-v3 section 6 examples: decode, and re-encode to the same
 * string. Keys from Python's base64.b32decode. */
UNITTEST(hs_keyfile, onion_address_spec_examples)
{
  static const struct { const char *addr, *pk; } ex[] = {
    { "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd",
      "79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f" },
    { "sp3k262uwy4r2k3ycr5awluarykdpag6a7y33jxop4cs2lu5uz5sseqd",
      "93f6ad7b54b6391d2b78147a0b2e808e143780de07f1bda6ee7f052d2e9da67b" },
    { "xa4r2iadxm55fbnqgwwi5mymqdcofiu3w6rpbtqn7b2dyn7mgwj64jyd",
      "b8391d2003bb3bd285b035ac8eb30c80c4e2a29bb7a2f0ce0df8743c37ec3593" },
  };
  for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
    uint8_t pk[32];
    char addr[ONION_ADDRESS_LEN + 1], upper[ONION_ADDRESS_LEN + 7];
    const char *err = NULL;
    UT_EQ_INT(onion_address_decode(pk, ex[i].addr, strlen(ex[i].addr), &err),
              0);
    UT_EQ_HEX(pk, 32, ex[i].pk);
    UT_EQ_INT(onion_address_encode(addr, pk), 0);
    UT_EQ_STR(addr, ex[i].addr);
    /* Upper case with a suffix is the same address. */
    for (size_t j = 0; j < ONION_ADDRESS_LEN; j++)
      upper[j] = (char)(addr[j] >= 'a' && addr[j] <= 'z' ?
                        addr[j] - 32 : addr[j]);
    memcpy(upper + ONION_ADDRESS_LEN, ".ONION", 6);
    UT_EQ_INT(onion_address_decode(pk, upper, sizeof(upper) - 1, &err), 0);
    UT_EQ_HEX(pk, 32, ex[i].pk);
  }
}

static void
expect_addr_error(const char *addr, size_t len, const char *substr)
{
  uint8_t pk[32];
  const char *err = NULL;
  if (onion_address_decode(pk, addr, len, &err) != -1)
    unittest_fail(__FILE__, __LINE__, "accepted bad address %.*s",
                  (int)len, addr);
  if (!err || !strstr(err, substr))
    unittest_fail(__FILE__, __LINE__, "error \"%s\", expected \"%s\"",
                  err ? err : "(null)", substr);
}

UNITTEST(hs_keyfile, onion_address_errors)
{
  char a[80];
  const char *good = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd";
  expect_addr_error(good, 55, "wrong length");
  snprintf(a, sizeof(a), "%s.onio", good);
  expect_addr_error(a, strlen(a), "wrong length");
  snprintf(a, sizeof(a), "%s.oniom", good);
  expect_addr_error(a, strlen(a), "wrong suffix");
  snprintf(a, sizeof(a), "%s", good);
  a[10] = '1';
  expect_addr_error(a, 56, "base32");
  /* One changed key character: the checksum no longer matches. */
  snprintf(a, sizeof(a), "%s", good);
  a[0] = 'q';
  expect_addr_error(a, 56, "checksum");
  /* Version byte 4 ("e" in place of the final "d"). */
  snprintf(a, sizeof(a), "%s", good);
  a[55] = 'e';
  expect_addr_error(a, 56, "version");
  /* Valid checksum over a key with a torsion component (real tor's key
   * plus a point of order 8; made with stem's ed25519 helpers). */
  expect_addr_error("nls5us3phlj3zhpscvcj6shlp5h3omrkkyyrvaalpflqeczhezzicfid",
                    56, "not a valid ed25519 point");
}
