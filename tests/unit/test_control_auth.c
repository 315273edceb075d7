/* Tests for lib/crypt/crypto_s2k (HashedControlPassword) and
 * feature/control/control_auth (cookie file, SAFECOOKIE).
 * Known answers: tests/vectors/control/hash_password_real_tor.txt is the
 * output of real tor 0.4.9.11's --hash-password; s2k.txt and
 * safecookie.txt come from tests/vectors/gen/gen_control_auth.py
 * (Python's hashlib and hmac). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/control/control_auth.h"
#include "lib/crypt/crypto_s2k.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every password real tor hashed is accepted; a changed one is not. */
UNITTEST(control_auth, s2k_real_tor_hashes)
{
  size_t len;
  char *text = (char *)ut_read_srcfile("tests/vectors/control/hash_password_real_tor.txt", &len);
  int n = 0;
  for (char *line = text; line && *line; ) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (line[0] != '#' && line[0] != '\0') {
      char *tab = strchr(line, '\t');
      UT_ASSERT(tab != NULL);
      *tab = '\0';
      const char *pw = line, *enc = tab + 1;
      size_t pwlen = strlen(pw);
      UT_EQ_INT(strlen(enc), S2K_HASHED_PASSWORD_LEN);
      UT_EQ_INT(s2k_hashed_password_check(enc, (const uint8_t *)pw, pwlen), 1);
      /* Lowercase hex is the same hash. */
      char lower[S2K_HASHED_PASSWORD_LEN + 1];
      for (size_t i = 0; i <= S2K_HASHED_PASSWORD_LEN; i++)
        lower[i] = (enc[i] >= 'A' && enc[i] <= 'F') ? (char)(enc[i] + 32) : enc[i];
      UT_EQ_INT(s2k_hashed_password_check(lower, (const uint8_t *)pw, pwlen), 1);
      /* Wrong passwords: one more byte, one byte fewer, one byte changed. */
      char wrong[256];
      snprintf(wrong, sizeof(wrong), "%sx", pw);
      UT_EQ_INT(s2k_hashed_password_check(enc, (const uint8_t *)wrong, pwlen + 1), 0);
      if (pwlen > 0) {
        UT_EQ_INT(s2k_hashed_password_check(enc, (const uint8_t *)pw, pwlen - 1), 0);
        memcpy(wrong, pw, pwlen);
        wrong[0] ^= 1;
        UT_EQ_INT(s2k_hashed_password_check(enc, (const uint8_t *)wrong, pwlen), 0);
      }
      n++;
    }
    line = nl ? nl + 1 : NULL;
  }
  UT_ASSERT(n >= 5);
  free(text);
}

UNITTEST(control_auth, s2k_python_vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/control/s2k.txt");
  int n = vecfile_n_records(vf);
  UT_ASSERT(n >= 8);
  for (int r = 0; r < n; r++) {
    size_t slen, speclen, dlen, elen;
    const uint8_t *secret = vecfile_get(vf, r, "secret", &slen);
    const uint8_t *spec = vecfile_get(vf, r, "spec", &speclen);
    const uint8_t *want = vecfile_get(vf, r, "digest", &dlen);
    const uint8_t *enc = vecfile_get(vf, r, "encoded", &elen);
    uint8_t got[S2K_DIGEST_LEN];
    char encoded[S2K_HASHED_PASSWORD_LEN + 1];
    UT_EQ_INT(speclen, S2K_SPECIFIER_LEN);
    UT_EQ_INT(dlen, S2K_DIGEST_LEN);
    UT_EQ_INT(elen, S2K_HASHED_PASSWORD_LEN);
    s2k_rfc2440_sha1(secret, slen, spec, got);
    UT_EQ_MEM(got, want, S2K_DIGEST_LEN);
    memcpy(encoded, enc, elen);
    encoded[elen] = '\0';
    UT_EQ_INT(s2k_hashed_password_check(encoded, secret, slen), 1);
  }
  vecfile_free(vf);
}

UNITTEST(control_auth, s2k_count_byte)
{
  UT_EQ_INT(s2k_count_from_byte(0x00), 1024);
  UT_EQ_INT(s2k_count_from_byte(0x60), 65536);
  UT_EQ_INT(s2k_count_from_byte(0x0f), 31 * 64);
  UT_EQ_INT(s2k_count_from_byte(0xff), 31ULL << 21);
}

/* A fresh hash has tor's shape, a random salt and verifies. */
UNITTEST(control_auth, s2k_new_roundtrip)
{
  const uint8_t pw[] = "hunter2";
  char *a = s2k_hashed_password_new(pw, sizeof(pw) - 1);
  char *b = s2k_hashed_password_new(pw, sizeof(pw) - 1);
  char *e = s2k_hashed_password_new(NULL, 0);
  UT_ASSERT(a && b && e);
  UT_EQ_INT(strlen(a), S2K_HASHED_PASSWORD_LEN);
  UT_ASSERT(!strncmp(a, "16:", 3));
  for (size_t i = 3; i < S2K_HASHED_PASSWORD_LEN; i++)
    UT_ASSERT(strchr("0123456789ABCDEF", a[i]) != NULL);
  /* salt (16 hex digits), then tor's count byte 0x60. */
  UT_ASSERT(!strncmp(a + 3 + 16, "60", 2));
  UT_ASSERT(strcmp(a, b) != 0);
  UT_EQ_INT(s2k_hashed_password_check(a, pw, sizeof(pw) - 1), 1);
  UT_EQ_INT(s2k_hashed_password_check(b, pw, sizeof(pw) - 1), 1);
  UT_EQ_INT(s2k_hashed_password_check(a, pw, sizeof(pw) - 2), 0);
  UT_EQ_INT(s2k_hashed_password_check(e, (const uint8_t *)"", 0), 1);
  UT_EQ_INT(s2k_hashed_password_check(e, pw, 1), 0);
  free(a);
  free(b);
  free(e);
}

UNITTEST(control_auth, s2k_malformed)
{
  const char *good = "16:01B3E208A0F288F460F33181A9B24877D6811386FDE50C285C9C842E06";
  const uint8_t *pw = (const uint8_t *)"foo";
  char buf[128];
  UT_EQ_INT(s2k_hashed_password_check(good, pw, 3), 1);
  UT_EQ_INT(s2k_hashed_password_check(NULL, pw, 3), -1);
  UT_EQ_INT(s2k_hashed_password_check("", pw, 3), -1);
  UT_EQ_INT(s2k_hashed_password_check("16:", pw, 3), -1);
  /* wrong prefix */
  snprintf(buf, sizeof(buf), "17:%s", good + 3);
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  snprintf(buf, sizeof(buf), "%s", good + 3);
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  /* one digit short, one too many, trailing newline or space */
  snprintf(buf, sizeof(buf), "%.*s", (int)strlen(good) - 1, good);
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  snprintf(buf, sizeof(buf), "%s0", good);
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  snprintf(buf, sizeof(buf), "%s00", good);
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  snprintf(buf, sizeof(buf), "%s\n", good);
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  snprintf(buf, sizeof(buf), " %s", good);
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  /* a non-hex digit anywhere */
  snprintf(buf, sizeof(buf), "%s", good);
  buf[10] = 'G';
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  snprintf(buf, sizeof(buf), "%s", good);
  buf[strlen(good) - 1] = 'z';
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), -1);
  /* A changed digest digit is well-formed but does not match. */
  snprintf(buf, sizeof(buf), "%s", good);
  buf[strlen(good) - 1] = '7';
  UT_EQ_INT(s2k_hashed_password_check(buf, pw, 3), 0);
}

UNITTEST(control_auth, safecookie_python_vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/control/safecookie.txt");
  int n = vecfile_n_records(vf);
  UT_ASSERT(n >= 3);
  for (int r = 0; r < n; r++) {
    size_t clen, cnlen, snlen, shlen, chlen;
    const uint8_t *cookie = vecfile_get(vf, r, "cookie", &clen);
    const uint8_t *cn = vecfile_get(vf, r, "client_nonce", &cnlen);
    const uint8_t *sn = vecfile_get(vf, r, "server_nonce", &snlen);
    const uint8_t *sh = vecfile_get(vf, r, "server_hash", &shlen);
    const uint8_t *ch = vecfile_get(vf, r, "client_hash", &chlen);
    uint8_t server_hash[32], client_hash[32];
    UT_EQ_INT(clen, CONTROL_COOKIE_LEN);
    UT_EQ_INT(snlen, 32);
    UT_EQ_INT(shlen, 32);
    UT_EQ_INT(chlen, 32);
    control_safecookie_hashes(cookie, cn, cnlen, sn, server_hash, client_hash);
    UT_EQ_MEM(server_hash, sh, 32);
    UT_EQ_MEM(client_hash, ch, 32);
  }
  vecfile_free(vf);
}

static void
check_cookie_file(const char *path, const uint8_t cookie[CONTROL_COOKIE_LEN], int mode)
{
  struct stat st;
  uint8_t buf[64];
  UT_EQ_INT(stat(path, &st), 0);
  UT_EQ_INT(st.st_mode & 07777, mode);
  UT_EQ_INT(st.st_size, CONTROL_COOKIE_LEN);
  UT_EQ_INT(unittest_read_file(path, buf, sizeof(buf)), CONTROL_COOKIE_LEN);
  UT_EQ_MEM(buf, cookie, CONTROL_COOKIE_LEN);
}

UNITTEST(control_auth, cookie_file)
{
  char path[4096], tmp[4200], err[512];
  uint8_t c1[CONTROL_COOKIE_LEN], c2[CONTROL_COOKIE_LEN];
  mode_t old_umask = umask(077);
  snprintf(path, sizeof(path), "%s/control_auth_cookie", unittest_tmpdir());

  UT_EQ_INT(control_cookie_create(path, 0, c1, err, sizeof(err)), 0);
  check_cookie_file(path, c1, 0600);
  /* A second cookie replaces the first (and differs from it); group
   * readable survives the umask. */
  UT_EQ_INT(control_cookie_create(path, 1, c2, err, sizeof(err)), 0);
  UT_ASSERT(memcmp(c1, c2, CONTROL_COOKIE_LEN) != 0);
  check_cookie_file(path, c2, 0640);
  /* A stale world-readable temporary file does not leak its mode. */
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  UT_ASSERT(f != NULL);
  fclose(f);
  UT_EQ_INT(chmod(tmp, 0666), 0);
  UT_EQ_INT(control_cookie_create(path, 0, c1, err, sizeof(err)), 0);
  check_cookie_file(path, c1, 0600);
  UT_ASSERT(access(tmp, F_OK) != 0);

  /* A directory that does not exist: an error naming the file. */
  snprintf(path, sizeof(path), "%s/no/such/dir/cookie", unittest_tmpdir());
  err[0] = '\0';
  UT_EQ_INT(control_cookie_create(path, 0, c1, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "cookie") != NULL);
  umask(old_umask);
}
