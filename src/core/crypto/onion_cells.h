/* Bodies of the circuit-extension cells (tor-spec 5.1, 5.1.2):
 *
 *   CREATE2:              HTYPE 2 | HLEN 2 | HDATA           (cell payload)
 *   CREATED2, EXTENDED2:  HLEN 2 | HDATA                     (cell payload /
 *                                                             relay data)
 *   EXTEND2:              NSPEC 1 | NSPEC x (LSTYPE 1 | LSLEN 1 | LSPEC)
 *                         | HTYPE 2 | HLEN 2 | HDATA          (relay data)
 *
 * Encoders write into a caller buffer of cap bytes and return the number of
 * bytes written, or -1 if it does not fit. Parsers take (body, len), check
 * every length against len, and point into body (no copies); they return 0,
 * or -1 with a protocol log line. */
#ifndef TOR_CORE_CRYPTO_ONION_CELLS_H
#define TOR_CORE_CRYPTO_ONION_CELLS_H

#include <stddef.h>
#include <stdint.h>

#define ONION_HTYPE_TAP 0x0000
#define ONION_HTYPE_NTOR 0x0002
#define ONION_HTYPE_NTOR_V3 0x0003

/* Link specifier types (tor-spec 5.1.2). */
#define LS_IPV4 0x00
#define LS_IPV6 0x01
#define LS_LEGACY_ID 0x02
#define LS_ED25519_ID 0x03

#define LS_IPV4_LEN 6
#define LS_IPV6_LEN 18
#define LS_LEGACY_ID_LEN 20
#define LS_ED25519_ID_LEN 32

/* A CREATE2 body or the handshake part of an EXTEND2 body. */
typedef struct onion_handshake_t {
  uint16_t htype;
  uint16_t hlen;
  const uint8_t *hdata;  /* hlen bytes, not owned */
} onion_handshake_t;

/* Where and who the next hop is, plus the handshake to forward. */
typedef struct extend2_request_t {
  int has_ipv4;
  uint8_t ipv4_addr[4];      /* network order */
  uint16_t ipv4_port;
  int has_ipv6;
  uint8_t ipv6_addr[16];
  uint16_t ipv6_port;
  int has_legacy_id;
  uint8_t legacy_id[LS_LEGACY_ID_LEN];   /* RSA identity digest */
  int has_ed25519_id;
  uint8_t ed25519_id[LS_ED25519_ID_LEN];
  onion_handshake_t handshake;
} extend2_request_t;

int create2_body_encode(uint8_t *out, size_t cap,
                        const onion_handshake_t *hs);
int create2_body_parse(const uint8_t *body, size_t len,
                       onion_handshake_t *hs_out);

/* CREATED2 and EXTENDED2 share a format: the server's handshake data. */
int created2_body_encode(uint8_t *out, size_t cap,
                         const uint8_t *hdata, uint16_t hlen);
int created2_body_parse(const uint8_t *body, size_t len,
                        const uint8_t **hdata_out, uint16_t *hlen_out);
#define extended2_body_encode created2_body_encode
#define extended2_body_parse created2_body_parse

/* Encode with the link specifiers in the order tor-spec recommends:
 * IPv4, legacy id, Ed25519 id, IPv6 (each only if present). */
int extend2_body_encode(uint8_t *out, size_t cap,
                        const extend2_request_t *req);
/* Parse (the relay's side): the first IPv4 and IPv6 specifiers are used and
 * later ones ignored, unknown types are skipped, and a second legacy or
 * Ed25519 identity, or a known specifier of the wrong length, is an error. */
int extend2_body_parse(const uint8_t *body, size_t len,
                       extend2_request_t *req_out);

#endif
