/* libFuzzer target: the onion service key file parsers and the onion
 * address parser on arbitrary input. Accepted input must round-trip. */
#include "orconfig.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/ed25519_keyfile.h"
#include "lib/crypt/onion_address.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t esk[64], pk[32], file[ED25519_SECRET_KEYFILE_LEN];
  char addr[ONION_ADDRESS_LEN + 1];
  const char *err = NULL;

  if (ed25519_secret_keyfile_parse(esk, data, size, &err) == 0) {
    if (ed25519_secret_keyfile_encode(file, esk) < 0 ||
        size != ED25519_SECRET_KEYFILE_LEN || memcmp(file, data, size) != 0)
      abort();
    /* Any 64 bytes are usable as a key: derive and sign. */
    if (ed25519_public_from_seckey(pk, esk) == 0) {
      uint8_t sig[64];
      if (ed25519_sign_expanded(sig, data, size, esk) == 0 &&
          ed25519_verify(sig, data, size, pk) != 0)
        abort();
    }
  } else if (!err) {
    abort(); /* every failure has a reason */
  }

  err = NULL;
  if (ed25519_public_keyfile_parse(pk, data, size, &err) == 0) {
    if (ed25519_public_keyfile_encode(file, pk) < 0 ||
        size != ED25519_PUBLIC_KEYFILE_LEN || memcmp(file, data, size) != 0)
      abort();
  } else if (!err) {
    abort();
  }

  err = NULL;
  if (onion_address_decode(pk, (const char *)data, size, &err) == 0) {
    if (onion_address_encode(addr, pk) < 0 ||
        strncasecmp(addr, (const char *)data, ONION_ADDRESS_LEN) != 0)
      abort();
  } else if (!err) {
    abort();
  }
  return 0;
}
