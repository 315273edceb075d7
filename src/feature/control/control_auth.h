/* Control-port authentication helpers (control-spec sections 3.5, 3.24
 * and 5.1): the authentication cookie file and the SAFECOOKIE hashes.
 * HashedControlPassword checking lives in lib/crypt/crypto_s2k.h. */
#ifndef TOR_FEATURE_CONTROL_CONTROL_AUTH_H
#define TOR_FEATURE_CONTROL_CONTROL_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define CONTROL_COOKIE_LEN 32
#define CONTROL_SAFECOOKIE_NONCE_LEN 32
#define CONTROL_SAFECOOKIE_HASH_LEN 32

/* The HMAC-SHA256 keys of control-spec section 3.24. */
#define CONTROL_SAFECOOKIE_SERVER_KEY \
  "Tor safe cookie authentication server-to-controller hash"
#define CONTROL_SAFECOOKIE_CLIENT_KEY \
  "Tor safe cookie authentication controller-to-server hash"

/* Writes a new 32-byte random cookie to path (mode 0600, or 0640 when
 * group_readable), atomically; cookie gets the bytes. Returns 0, or -1
 * with the reason in err (cookie is then wiped). */
int control_cookie_create(const char *path, int group_readable,
                          uint8_t cookie[CONTROL_COOKIE_LEN],
                          char *err, size_t errlen);

/* SAFECOOKIE (control-spec section 3.24): HMAC-SHA256 keyed with
 * CONTROL_SAFECOOKIE_SERVER_KEY (server_hash) and
 * CONTROL_SAFECOOKIE_CLIENT_KEY (client_hash) over
 * cookie | client_nonce | server_nonce. */
void control_safecookie_hashes(const uint8_t cookie[CONTROL_COOKIE_LEN],
                               const uint8_t *client_nonce,
                               size_t client_nonce_len,
                               const uint8_t server_nonce[CONTROL_SAFECOOKIE_NONCE_LEN],
                               uint8_t server_hash[CONTROL_SAFECOOKIE_HASH_LEN],
                               uint8_t client_hash[CONTROL_SAFECOOKIE_HASH_LEN]);

#endif
