/* The ".auth_private" file of a client authorization credential
 * (rend-spec-v3 appendix G.1.3, tor's ClientOnionAuthDir):
 *   <56-char onion address>:descriptor:x25519:<base32 X25519 secret key>
 * Parsing is as tolerant as real tor 0.4.9 and a little more: the address
 * may end in ".onion" and be in either case (it comes back lowercase); the
 * key is 52 base32 characters in either case (trailing '=' padding is
 * dropped); "descriptor" and "x25519" in either case; spaces, tabs and CR
 * around the line are ignored. Unlike tor we also skip empty lines and
 * '#' comment lines (the spec lets tools add headers) and check the
 * address's checksum; the file holds exactly one credential line, as in
 * tor. Pure functions on (pointer, length); a fuzz target
 * (tests/fuzz/fuzz_hs_client_auth.c). */
#ifndef TOR_FEATURE_HS_HS_CLIENT_AUTH_FILE_H
#define TOR_FEATURE_HS_HS_CLIENT_AUTH_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypt/onion_address.h"

#define HS_CLIENT_AUTH_SUFFIX ".auth_private"
/* The formatted line: address, ":descriptor:x25519:" (19), the
 * 52-character key. */
#define HS_CLIENT_AUTH_LINE_LEN (ONION_ADDRESS_LEN + 19 + 52)

/* Parses text[0..len). Returns 0 with the lowercase address (56
 * characters and a NUL) and the secret key, or -1 with the reason (naming
 * the line) in err[0..errlen). */
int hs_client_auth_file_parse(const char *text, size_t len,
                              char addr_out[ONION_ADDRESS_LEN + 1],
                              uint8_t sk_out[32], char *err, size_t errlen);

/* The file's content as tor writes it (lowercase base32, no final
 * newline) into out (at least HS_CLIENT_AUTH_LINE_LEN + 1 bytes).
 * Returns the length, or -1 if out is too small. */
int hs_client_auth_file_format(char *out, size_t outlen,
                               const char addr[ONION_ADDRESS_LEN + 1],
                               const uint8_t sk[32]);

#endif
