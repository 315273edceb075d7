/* An onion service directory made by real tor 0.4.9.11 keeps its address
 * with our code; ours are made in tor's formats and modes; a corrupt key is
 * an error and stays as it was. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "feature/hs/hs_service_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes in the file (buf gets them; cap leaves room for a NUL). */
static size_t
slurp(const char *path, uint8_t *buf, size_t cap)
{
  return unittest_read_file(path, buf, cap);
}

static void
copy(const char *from, const char *to)
{
  uint8_t buf[4096];
  size_t n = slurp(from, buf, sizeof(buf));
  FILE *f = fopen(to, "wb");
  UT_ASSERT(n > 0 && f);
  fwrite(buf, 1, n, f);
  fclose(f);
  chmod(to, 0600);
}

static const char *
file_in(const char *dir, const char *name)
{
  static char path[3][512];
  static int k;
  k = (k + 1) % 3;
  snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
  return path[k];
}

UNITTEST(hs_service_keys, real_tor_directory_keeps_its_address)
{
  char dir[512], err[512];
  hs_service_keys_t keys;
  uint8_t want_host[128], got_pub[128], want_pub[128];
  snprintf(dir, sizeof(dir), "%s/hs", unittest_tmpdir());
  mkdir(dir, 0700);
  /* Only the secret key and hostname: the public key is made again. */
  copy(unittest_srcpath("tests/vectors/hs_real_tor/hs_ed25519_secret_key"),
       file_in(dir, "hs_ed25519_secret_key"));
  size_t hl = slurp(unittest_srcpath("tests/vectors/hs_real_tor/hostname"), want_host,
                    sizeof(want_host));
  UT_EQ_INT(hs_service_keys_load_or_create(dir, &keys, err, sizeof(err)), 0);
  UT_EQ_INT(hl, 63);
  UT_EQ_MEM(keys.address, want_host, 56);
  uint8_t host[128];
  UT_EQ_INT(slurp(file_in(dir, "hostname"), host, sizeof(host)), 63);
  UT_EQ_MEM(host, want_host, 63);
  size_t pl = slurp(unittest_srcpath("tests/vectors/hs_real_tor/hs_ed25519_public_key"), want_pub,
                    sizeof(want_pub));
  UT_EQ_INT(slurp(file_in(dir, "hs_ed25519_public_key"), got_pub, sizeof(got_pub)), pl);
  UT_EQ_MEM(got_pub, want_pub, pl);
}

UNITTEST(hs_service_keys, new_keys_in_tor_formats)
{
  char dir[512], err[512];
  hs_service_keys_t keys, again;
  struct stat st;
  snprintf(dir, sizeof(dir), "%s/fresh", unittest_tmpdir());
  UT_EQ_INT(hs_service_keys_load_or_create(dir, &keys, err, sizeof(err)), 0);
  UT_EQ_INT(stat(dir, &st), 0);
  UT_EQ_INT(st.st_mode & 0777, 0700);
  UT_EQ_INT(stat(file_in(dir, "hs_ed25519_secret_key"), &st), 0);
  UT_EQ_INT(st.st_mode & 0777, 0600);
  UT_EQ_INT(st.st_size, 96);
  uint8_t head[33];
  UT_EQ_INT(slurp(file_in(dir, "hs_ed25519_secret_key"), head, sizeof(head)), 32);
  UT_EQ_MEM(head, "== ed25519v1-secret: type0 ==\0\0\0", 32);
  UT_EQ_INT(stat(file_in(dir, "hs_ed25519_public_key"), &st), 0);
  UT_EQ_INT(st.st_size, 64);
  UT_EQ_INT(hs_service_keys_load_or_create(dir, &again, err, sizeof(err)), 0);
  UT_EQ_STR(again.address, keys.address);
}

UNITTEST(hs_service_keys, corrupt_or_exposed_is_an_error)
{
  char dir[512], err[512];
  hs_service_keys_t keys;
  snprintf(dir, sizeof(dir), "%s/bad", unittest_tmpdir());
  mkdir(dir, 0700);
  FILE *f = fopen(file_in(dir, "hs_ed25519_secret_key"), "wb");
  UT_ASSERT(f);
  fputs("not a key", f);
  fclose(f);
  UT_EQ_INT(hs_service_keys_load_or_create(dir, &keys, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "hs_ed25519_secret_key") && strstr(err, "corrupt"));
  uint8_t buf[64];
  UT_EQ_INT(slurp(file_in(dir, "hs_ed25519_secret_key"), buf, sizeof(buf)), 9);  /* kept */

  snprintf(dir, sizeof(dir), "%s/open", unittest_tmpdir());
  mkdir(dir, 0755);
  chmod(dir, 0755);
  UT_EQ_INT(hs_service_keys_load_or_create(dir, &keys, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "too permissive"));
}
