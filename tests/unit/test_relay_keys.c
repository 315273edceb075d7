/* Tests for feature/relay/relay_keys: the key files of a relay as real tor
 * writes them. The vectors in tests/vectors/relay_keys_real_tor are what
 * Debian's tor 0.4.9.11 made with `tor --list-fingerprint --orport 1
 * --nickname refrelay` on 2026-12-04, fingerprint files included: our
 * loader must read every file and agree with real tor's fingerprints. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/relay/relay_keys.h"
#include "lib/crypt/x25519.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REAL "tests/vectors/relay_keys_real_tor/"
/* 2026-12-05: within the real signing certificate's 30 days. */
#define NOW_REAL 1796500000
static const char *const key_files[] = {
  "ed25519_master_id_public_key", "ed25519_master_id_secret_key", "ed25519_signing_cert",
  "ed25519_signing_secret_key", "secret_id_key", "secret_onion_key", "secret_onion_key_ntor",
  NULL,
};

static void
write_file(const char *path, const uint8_t *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  UT_ASSERT(f != NULL);
  if (!f)
    return;
  UT_EQ_INT((int)fwrite(data, 1, len, f), (int)len);
  fclose(f);
  chmod(path, 0600);
}

/* A fresh DataDirectory holding a copy of real tor's keys. */
static void
copy_real_keys(char *dd, size_t ddlen)
{
  char path[512];
  snprintf(dd, ddlen, "/tmp/ut-relay-keys-XXXXXX");
  UT_ASSERT(mkdtemp(dd) != NULL);
  snprintf(path, sizeof(path), "%s/keys", dd);
  UT_EQ_INT(mkdir(path, 0700), 0);
  for (int i = 0; key_files[i]; i++) {
    char rel[256];
    size_t len = 0;
    snprintf(rel, sizeof(rel), REAL "keys/%s", key_files[i]);
    uint8_t *data = ut_read_srcfile(rel, &len);
    snprintf(path, sizeof(path), "%s/keys/%s", dd, key_files[i]);
    write_file(path, data, len);
    free(data);
  }
}

static void
remove_tree(const char *dd)
{
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dd);
  UT_EQ_INT(system(cmd), 0);
}

static char *
read_text(const char *path)
{
  FILE *f = fopen(path, "rb");
  static char buf[256];
  size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
  if (f)
    fclose(f);
  buf[n] = '\0';
  return buf;
}

UNITTEST(relay_keys, reads_real_tor_keys)
{
  char dd[64], err[512], fp[50], ed[44], path[512];
  relay_keys_t k;
  copy_real_keys(dd, sizeof(dd));
  err[0] = '\0';
  int rv = relay_keys_load_or_create(dd, NOW_REAL, &k, err, sizeof(err));
  if (rv)
    fprintf(stderr, "    err: %s\n", err);
  UT_EQ_INT(rv, 0);
  /* The fingerprints real tor wrote. */
  size_t len = 0;
  char *want = (char *)ut_read_srcfile(REAL "fingerprint", &len);
  relay_keys_format_fingerprint(k.fingerprint, 0, fp);
  char line[128];
  snprintf(line, sizeof(line), "refrelay %s\n", fp);
  UT_EQ_STR(line, want);
  free(want);
  want = (char *)ut_read_srcfile(REAL "fingerprint-ed25519", &len);
  relay_keys_format_ed25519(k.master_pk, ed);
  snprintf(line, sizeof(line), "refrelay %s\n", ed);
  UT_EQ_STR(line, want);
  free(want);
  relay_keys_format_fingerprint(k.fingerprint, 1, fp);
  UT_EQ_STR(fp, "BD19 6C94 E865 05F8 8DB4 02F8 7A35 26BE EC30 E146");
  /* The ntor key pair agrees with itself; the certificate was real tor's
   * (not renewed: it has weeks left) and expires on an hour. */
  uint8_t pk[32];
  UT_EQ_INT(x25519_public_from_secret(pk, k.ntor_sk), 0);
  UT_EQ_MEM(pk, k.ntor_pk, 32);
  uint8_t *cert = ut_read_srcfile(REAL "keys/ed25519_signing_cert", &len);
  UT_EQ_INT((int)len, 32 + ED25519_CERT_WITH_SIGNER_LEN);
  UT_EQ_MEM(k.signing_cert, cert + 32, ED25519_CERT_WITH_SIGNER_LEN);
  free(cert);
  UT_EQ_INT((int)(k.signing_expires % 3600), 0);
  UT_ASSERT(k.signing_expires > NOW_REAL);
  /* Our fingerprint files are byte for byte real tor's. */
  UT_EQ_INT(relay_keys_write_fingerprints(dd, "refrelay", &k, err, sizeof(err)), 0);
  snprintf(path, sizeof(path), "%s/fingerprint", dd);
  want = (char *)ut_read_srcfile(REAL "fingerprint", &len);
  UT_EQ_STR(read_text(path), want);
  free(want);
  relay_keys_clear(&k);
  remove_tree(dd);
}

UNITTEST(relay_keys, creates_then_keeps)
{
  char dd[64], err[512], path[512];
  relay_keys_t a, b;
  snprintf(dd, sizeof(dd), "/tmp/ut-relay-keys-XXXXXX");
  UT_ASSERT(mkdtemp(dd) != NULL);
  UT_EQ_INT(relay_keys_load_or_create(dd, NOW_REAL, &a, err, sizeof(err)), 0);
  struct stat st;
  snprintf(path, sizeof(path), "%s/keys", dd);
  UT_EQ_INT(stat(path, &st), 0);
  UT_EQ_INT((int)(st.st_mode & 0777), 0700);
  for (int i = 0; key_files[i]; i++) {
    snprintf(path, sizeof(path), "%s/keys/%s", dd, key_files[i]);
    UT_EQ_INT(stat(path, &st), 0);
    UT_EQ_INT((int)(st.st_mode & 0777), 0600);
  }
  /* Loaded again: the same identity and signing key. */
  UT_EQ_INT(relay_keys_load_or_create(dd, NOW_REAL + 3600, &b, err, sizeof(err)), 0);
  UT_EQ_MEM(a.fingerprint, b.fingerprint, 20);
  UT_EQ_MEM(a.master_pk, b.master_pk, 32);
  UT_EQ_MEM(a.signing_pk, b.signing_pk, 32);
  UT_EQ_MEM(a.ntor_pk, b.ntor_pk, 32);
  relay_keys_clear(&b);
  /* 29.5 days on: the signing key is renewed, the identity stays. */
  UT_EQ_INT(relay_keys_load_or_create(dd, NOW_REAL + 29 * 86400 + 43200, &b, err, sizeof(err)),
            0);
  UT_EQ_MEM(a.master_pk, b.master_pk, 32);
  UT_ASSERT(memcmp(a.signing_pk, b.signing_pk, 32) != 0);
  UT_ASSERT(b.signing_expires > a.signing_expires);
  relay_keys_clear(&a);
  relay_keys_clear(&b);
  remove_tree(dd);
}

/* Each corruption: load fails naming the file, and the file is untouched. */
static void
expect_refused(const char *name, const uint8_t *data, size_t len, const char *why)
{
  char dd[64], err[512], path[512];
  relay_keys_t k;
  copy_real_keys(dd, sizeof(dd));
  snprintf(path, sizeof(path), "%s/keys/%s", dd, name);
  write_file(path, data, len);
  err[0] = '\0';
  UT_EQ_INT(relay_keys_load_or_create(dd, NOW_REAL, &k, err, sizeof(err)), -1);
  if (!strstr(err, name))
    fprintf(stderr, "    err: %s\n", err);
  UT_ASSERT(strstr(err, name) != NULL);
  if (why && !strstr(err, why))
    fprintf(stderr, "    err: %s\n", err);
  UT_ASSERT(!why || strstr(err, why) != NULL);
  FILE *f = fopen(path, "rb");
  uint8_t back[1024];
  size_t n = f ? fread(back, 1, sizeof(back), f) : 0;
  if (f)
    fclose(f);
  UT_EQ_INT((int)n, (int)len);
  UT_EQ_MEM(back, data, len);
  remove_tree(dd);
}

UNITTEST(relay_keys, corrupt_files_refused_never_replaced)
{
  size_t len = 0;
  uint8_t *good = ut_read_srcfile(REAL "keys/secret_id_key", &len);
  uint8_t bad[1024];
  /* RSA PEM: truncated, and one base64 character changed. */
  expect_refused("secret_id_key", good, len / 2, "PEM");
  memcpy(bad, good, len);
  bad[34] = bad[34] == 'A' ? 'B' : 'A';   /* in the DER header */
  expect_refused("secret_onion_key", bad, len, NULL);
  free(good);
  /* ntor: public half not matching. */
  good = ut_read_srcfile(REAL "keys/secret_onion_key_ntor", &len);
  memcpy(bad, good, len);
  bad[len - 1] ^= 1;
  expect_refused("secret_onion_key_ntor", bad, len, "does not match");
  expect_refused("secret_onion_key_ntor", good, len - 1, "truncated");
  free(good);
  /* master public key of another key; a secret key with the wrong tag. */
  good = ut_read_srcfile(REAL "keys/ed25519_master_id_public_key", &len);
  memcpy(bad, good, len);
  bad[40] ^= 1;
  expect_refused("ed25519_master_id_public_key", bad, len, NULL);
  free(good);
  good = ut_read_srcfile(REAL "keys/ed25519_signing_secret_key", &len);
  expect_refused("ed25519_master_id_secret_key", good, len, "header");
  free(good);
  /* A signing certificate whose signature is broken. */
  good = ut_read_srcfile(REAL "keys/ed25519_signing_cert", &len);
  memcpy(bad, good, len);
  bad[len - 1] ^= 1;
  expect_refused("ed25519_signing_cert", bad, len, "not signed by the master");
  expect_refused("ed25519_signing_cert", good, len - 1, "truncated");
  free(good);
}
