/* Payloads of the link-handshake cells that carry no certificates
 * (tor-spec 4.1, 4.3, 4.5): VERSIONS, AUTH_CHALLENGE and NETINFO. Parsers
 * take (payload, length) and check every length; encoders write into
 * caller buffers. Return 0 on success and -1 on malformed input unless
 * said otherwise. */
#ifndef TOR_CORE_OR_CELL_LINK_H
#define TOR_CORE_OR_CELL_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/cell.h"

/* ---- VERSIONS */

/* The highest version listed in a VERSIONS payload that we also speak
 * (LINK_PROTO_MIN..LINK_PROTO_MAX) into *best, or 0 if none is shared.
 * -1 if the payload has an odd length. */
int versions_payload_best(const uint8_t *payload, size_t len, int *best);
/* Our whole VERSIONS cell as sent first on a connection (2-byte circ id 0,
 * command 7, our versions). Returns its size, 0 if cap is too small. */
size_t versions_cell_encode(uint8_t *dst, size_t cap);

/* ---- AUTH_CHALLENGE */

#define AUTH_CHALLENGE_LEN 32
typedef struct auth_challenge_t {
  uint8_t challenge[AUTH_CHALLENGE_LEN];
  uint16_t n_methods;         /* as listed */
  int has_ed25519_method;     /* method 3 listed */
} auth_challenge_t;
int auth_challenge_parse(auth_challenge_t *out, const uint8_t *payload,
                         size_t len);

/* ---- NETINFO */

#define NETINFO_ADDR_NONE 0   /* absent, unknown type, or wrong length */
#define NETINFO_ADDR_IPV4 4
#define NETINFO_ADDR_IPV6 6
#define NETINFO_MAX_MY_ADDRS 8  /* more are parsed over, not stored */

typedef struct netinfo_addr_t {
  uint8_t type;               /* NETINFO_ADDR_* */
  uint8_t addr[16];           /* 4 or 16 bytes used, network order */
} netinfo_addr_t;

typedef struct netinfo_t {
  uint32_t timestamp;
  netinfo_addr_t other_addr;  /* the address the sender sees us at */
  uint8_t n_my_addrs;         /* as listed by the sender */
  netinfo_addr_t my_addrs[NETINFO_MAX_MY_ADDRS];
} netinfo_t;

/* Parse a NETINFO payload; unexpected trailing bytes are ignored as the
 * spec demands, but a truncated address list is an error. */
int netinfo_parse(netinfo_t *out, const uint8_t *payload, size_t len);
/* Fill a fixed cell's payload (zero padded): timestamp, the peer's
 * address, and n_mine of our own. -1 if that does not fit. */
int netinfo_encode(uint8_t payload[CELL_PAYLOAD_LEN], uint32_t timestamp,
                   const netinfo_addr_t *other, const netinfo_addr_t *mine,
                   size_t n_mine);

#endif
