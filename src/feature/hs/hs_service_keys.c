/* An onion service's keys on disk: see hs_service_keys.h. */
#include "orconfig.h"
#include "feature/hs/hs_service_keys.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/ed25519_keyfile.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOSTNAME_LEN (ONION_ADDRESS_LEN + 7)  /* ".onion\n" */

static void
path_in(const char *dir, const char *name, char *out, size_t len)
{
  snprintf(out, len, "%s/%s", dir, name);
}

/* Rewrites the hostname file unless it already says exactly this. */
static int
ensure_hostname(const char *dir, const char *address, char *err, size_t errlen)
{
  char path[4200], want[HOSTNAME_LEN + 1], ferr[256];
  size_t len;
  int missing;
  path_in(dir, "hostname", path, sizeof(path));
  snprintf(want, sizeof(want), "%s.onion\n", address);
  char *have = fs_read_file(path, 4096, &len, &missing, ferr, sizeof(ferr));
  int same = have && len == strlen(want) && !memcmp(have, want, len);
  free(have);
  if (same)
    return 0;
  if (fs_write_file_atomic(path, want, strlen(want), 0600, ferr, sizeof(ferr)) < 0) {
    snprintf(err, errlen, "Couldn't write %s: %s", path, ferr);
    return -1;
  }
  return 0;
}

static int
ensure_public_key(const char *dir, const uint8_t pk[32], char *err, size_t errlen)
{
  char path[4200];
  uint8_t have[32];
  const char *why = NULL;
  path_in(dir, "hs_ed25519_public_key", path, sizeof(path));
  if (access(path, F_OK) == 0) {
    if (ed25519_public_keyfile_read(have, path, &why) < 0) {
      snprintf(err, errlen, "%s is corrupt (%s); refusing to replace it", path, why);
      return -1;
    }
    if (!memcmp(have, pk, 32))
      return 0;
    log_notice(LD_REND, "%s does not match the secret key; rewriting it.", path);
  }
  if (ed25519_public_keyfile_write(path, pk, &why) < 0) {
    snprintf(err, errlen, "Couldn't write %s: %s", path, why);
    return -1;
  }
  return 0;
}

int
hs_service_keys_load_or_create(const char *dir, hs_service_keys_t *out, char *err,
                               size_t errlen)
{
  char path[4200], pubpath[4200], why_dir[1024];
  const char *why = NULL;
  memset(out, 0, sizeof(*out));
  if (fs_check_private_dir(dir, 1, why_dir, sizeof(why_dir)) < 0) {
    snprintf(err, errlen, "HiddenServiceDir: %s", why_dir);
    return -1;
  }
  path_in(dir, "hs_ed25519_secret_key", path, sizeof(path));
  path_in(dir, "hs_ed25519_public_key", pubpath, sizeof(pubpath));
  if (access(path, F_OK) == 0) {
    if (ed25519_secret_keyfile_read(out->identity_esk, path, &why) < 0) {
      snprintf(err, errlen, "%s is corrupt (%s); refusing to replace it", path, why);
      return -1;
    }
    if (ed25519_public_from_seckey(out->identity_pk, out->identity_esk) < 0) {
      snprintf(err, errlen, "%s holds an unusable key", path);
      return -1;
    }
  } else if (errno != ENOENT) {
    snprintf(err, errlen, "Cannot read %s: %s", path, strerror(errno));
    return -1;
  } else if (access(pubpath, F_OK) == 0) {
    snprintf(err, errlen, "%s exists without %s: offline identity keys are not supported",
             pubpath, path);
    return -1;
  } else {
    if (ed25519_keypair_generate(out->identity_pk, out->identity_esk) < 0 ||
        ed25519_secret_keyfile_write(path, out->identity_esk, &why) < 0) {
      snprintf(err, errlen, "Couldn't create %s: %s", path, why ? why : "key generation failed");
      memwipe(out, sizeof(*out));
      return -1;
    }
    log_notice(LD_REND, "Created new onion service keys in \"%s\".", dir);
  }
  if (onion_address_encode(out->address, out->identity_pk) < 0) {
    snprintf(err, errlen, "Couldn't encode the onion address of %s", path);
    return -1;
  }
  if (ensure_public_key(dir, out->identity_pk, err, errlen) < 0 ||
      ensure_hostname(dir, out->address, err, errlen) < 0)
    return -1;
  return 0;
}
