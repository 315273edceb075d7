/* v3 onion addresses (rend-spec-v3 section 6):
 *   address  = base32(PUBKEY | CHECKSUM | VERSION)    (56 characters)
 *   CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2]
 *   VERSION  = 0x03
 * Return 0 on success, -1 on failure. */
#ifndef TOR_LIB_CRYPT_ONION_ADDRESS_H
#define TOR_LIB_CRYPT_ONION_ADDRESS_H

#include <stddef.h>
#include <stdint.h>

#define ONION_ADDRESS_LEN 56 /* without ".onion" */
#define ONION_ADDRESS_VERSION 3

/* out gets the 56 lowercase characters and a NUL (no ".onion"). */
int onion_address_encode(char out[ONION_ADDRESS_LEN + 1],
                         const uint8_t pk[32]);
/* Parse len characters: the 56-character address, optionally followed by
 * ".onion" (either case). Checks the version, the checksum, and that the
 * key is a valid ed25519 point outside the small-order torsion (so that no
 * two addresses name one service). On failure *err (if err is not NULL)
 * says why. */
int onion_address_decode(uint8_t pk_out[32], const char *addr, size_t len,
                         const char **err);

#endif
