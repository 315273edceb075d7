/* An onion service's identity in its HiddenServiceDir, as tor keeps it:
 * the directory (mode 0700, refused when group or world can reach it),
 * hs_ed25519_secret_key and hs_ed25519_public_key (0600), and the
 * hostname file ("<56 chars>.onion\n"). An existing secret key is always
 * used (a directory made by real tor keeps its address); a missing public
 * key or hostname is rewritten from it; a corrupt key file is an error and
 * is never replaced. With no keys at all, new ones are made. */
#ifndef TOR_FEATURE_HS_HS_SERVICE_KEYS_H
#define TOR_FEATURE_HS_HS_SERVICE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypt/onion_address.h"

typedef struct hs_service_keys_t {
  uint8_t identity_pk[32];
  uint8_t identity_esk[64];    /* expanded secret key, as tor stores it */
  char address[ONION_ADDRESS_LEN + 1];  /* without ".onion" */
} hs_service_keys_t;

/* Returns 0 (and logs "created" when it made new keys), or -1 with the
 * reason, naming the file, in err. */
int hs_service_keys_load_or_create(const char *dir, hs_service_keys_t *out,
                                   char *err, size_t errlen);

#endif
