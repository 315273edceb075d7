/* Control-port authentication helpers: see control_auth.h. */
#include "orconfig.h"
#include "feature/control/control_auth.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/fs/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
control_cookie_create(const char *path, int group_readable,
                      uint8_t cookie[CONTROL_COOKIE_LEN], char *err, size_t errlen)
{
  int mode = group_readable ? 0640 : 0600;
  char tmp[4096];

  if (!path || !path[0]) {
    snprintf(err, errlen, "no cookie file name");
    return -1;
  }
  if (crypto_rand_bytes(cookie, CONTROL_COOKIE_LEN) < 0) {
    snprintf(err, errlen, "Couldn't generate the authentication cookie: "
             "the random number generator failed");
    return -1;
  }
  /* A stale temporary file would keep its own mode through O_TRUNC. */
  if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) < sizeof(tmp))
    unlink(tmp);
  if (fs_write_file_atomic(path, cookie, CONTROL_COOKIE_LEN, mode, err, errlen) < 0) {
    memwipe(cookie, CONTROL_COOKIE_LEN);
    return -1;
  }
  /* The umask may have taken bits away (group read, with 077). */
  if (chmod(path, (mode_t)mode) < 0) {
    snprintf(err, errlen, "Unable to make %s %s: %s", path,
             group_readable ? "group-readable" : "private", strerror(errno));
    memwipe(cookie, CONTROL_COOKIE_LEN);
    return -1;
  }
  return 0;
}

void
control_safecookie_hashes(const uint8_t cookie[CONTROL_COOKIE_LEN],
                          const uint8_t *client_nonce, size_t client_nonce_len,
                          const uint8_t server_nonce[CONTROL_SAFECOOKIE_NONCE_LEN],
                          uint8_t server_hash[CONTROL_SAFECOOKIE_HASH_LEN],
                          uint8_t client_hash[CONTROL_SAFECOOKIE_HASH_LEN])
{
  size_t len = CONTROL_COOKIE_LEN + client_nonce_len + CONTROL_SAFECOOKIE_NONCE_LEN;
  uint8_t *msg = malloc(len);
  int ok = msg != NULL;

  if (ok) {
    memcpy(msg, cookie, CONTROL_COOKIE_LEN);
    if (client_nonce_len)
      memcpy(msg + CONTROL_COOKIE_LEN, client_nonce, client_nonce_len);
    memcpy(msg + CONTROL_COOKIE_LEN + client_nonce_len, server_nonce,
           CONTROL_SAFECOOKIE_NONCE_LEN);
    ok = crypto_hmac_sha256(server_hash, CONTROL_SAFECOOKIE_SERVER_KEY,
                            strlen(CONTROL_SAFECOOKIE_SERVER_KEY), msg, len) == 0 &&
         crypto_hmac_sha256(client_hash, CONTROL_SAFECOOKIE_CLIENT_KEY,
                            strlen(CONTROL_SAFECOOKIE_CLIENT_KEY), msg, len) == 0;
    memwipe(msg, len);
    free(msg);
  }
  if (!ok) {
    /* Out of memory or an OpenSSL failure: hashes nobody can match. */
    if (crypto_rand_bytes(server_hash, CONTROL_SAFECOOKIE_HASH_LEN) < 0)
      memset(server_hash, 0, CONTROL_SAFECOOKIE_HASH_LEN);
    if (crypto_rand_bytes(client_hash, CONTROL_SAFECOOKIE_HASH_LEN) < 0)
      memset(client_hash, 0xff, CONTROL_SAFECOOKIE_HASH_LEN);
  }
}
