/* v3 onion addresses: see onion_address.h. */
#include "orconfig.h"
#include "lib/crypt/onion_address.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/encoding/base32.h"

#include <string.h>
#include <strings.h>

#define CHECKSUM_PREFIX ".onion checksum"
#define ADDR_RAW_LEN (32 + 2 + 1)

static int
onion_checksum(uint8_t out[2], const uint8_t pk[32], uint8_t version)
{
  uint8_t buf[sizeof(CHECKSUM_PREFIX) - 1 + 32 + 1];
  uint8_t h[DIGEST256_LEN];
  size_t plen = sizeof(CHECKSUM_PREFIX) - 1;
  memcpy(buf, CHECKSUM_PREFIX, plen);
  memcpy(buf + plen, pk, 32);
  buf[plen + 32] = version;
  if (crypto_digest_sha3_256(h, buf, sizeof(buf)) < 0)
    return -1;
  memcpy(out, h, 2);
  return 0;
}

int
onion_address_encode(char out[ONION_ADDRESS_LEN + 1], const uint8_t pk[32])
{
  uint8_t raw[ADDR_RAW_LEN];
  if (!out || !pk)
    return -1;
  memcpy(raw, pk, 32);
  if (onion_checksum(raw + 32, pk, ONION_ADDRESS_VERSION) < 0)
    return -1;
  raw[34] = ONION_ADDRESS_VERSION;
  if (base32_encode(out, ONION_ADDRESS_LEN + 1, raw, sizeof(raw)) !=
      ONION_ADDRESS_LEN)
    return -1;
  return 0;
}

#define SET_ERR(msg) do { if (err) *err = (msg); } while (0)

int
onion_address_decode(uint8_t pk_out[32], const char *addr, size_t len,
                     const char **err)
{
  uint8_t raw[ADDR_RAW_LEN];
  uint8_t sum[2];
  if (!pk_out || !addr) {
    SET_ERR("missing argument");
    return -1;
  }
  if (len == ONION_ADDRESS_LEN + 6) {
    if (strncasecmp(addr + ONION_ADDRESS_LEN, ".onion", 6) != 0) {
      SET_ERR("onion address has a wrong suffix");
      return -1;
    }
    len = ONION_ADDRESS_LEN;
  }
  if (len != ONION_ADDRESS_LEN) {
    SET_ERR("onion address has the wrong length (want 56 characters)");
    return -1;
  }
  if (base32_decode(raw, sizeof(raw), addr, len) != ADDR_RAW_LEN) {
    SET_ERR("onion address is not valid base32");
    return -1;
  }
  if (raw[34] != ONION_ADDRESS_VERSION) {
    SET_ERR("onion address has an unsupported version");
    return -1;
  }
  if (onion_checksum(sum, raw, raw[34]) < 0) {
    SET_ERR("internal error computing the checksum");
    return -1;
  }
  if (!crypto_memeq(sum, raw + 32, 2)) {
    SET_ERR("onion address checksum mismatch");
    return -1;
  }
  if (!ed25519_public_key_is_valid(raw)) {
    SET_ERR("onion address key is not a valid ed25519 point");
    return -1;
  }
  memcpy(pk_out, raw, 32);
  return 0;
}
