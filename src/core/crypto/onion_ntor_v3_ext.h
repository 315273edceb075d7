/* The messages inside the ntor v3 handshake (onion_ntor_v3.h): CM from
 * the client and SM from the relay are extension lists,
 *
 *   N_EXTENSIONS 1 | N_EXTENSIONS x (EXT_FIELD_TYPE 1 | EXT_FIELD_LEN 1 |
 *                                    EXT_FIELD EXT_FIELD_LEN)
 *
 * (the same format as the onion service cells; proposal 332 A.2 shows the
 * fields without the count byte, but real tor and arti send it), with the
 * congestion control extensions of proposal 324 section 10.3 as real tor
 * sends them:
 *
 *   client request  01 | 01 00        (type 01, empty)
 *   relay response  01 | 02 01 SENDME_INC   (type 02, one byte; 31 today)
 *
 * An empty message (zero bytes) is taken as an empty list: a relay that
 * does not negotiate anything answers a middle hop's handshake with an
 * empty SM (notes/relay.md). Otherwise a message must hold exactly the
 * fields it counts: truncated fields and bytes after the last field are
 * refused, since proposal 332 requires rejecting ill-formed messages.
 * Unknown types are ignored and only the first field of a type counts
 * (prop 332 A.2 defaults).
 *
 * Parsers take (msg, len), check every length against len, keep pointers
 * into msg (no copies, no allocation) and return 0, or -1 after a
 * log_protocol_warn; on failure every output is zeroed. Encoders write
 * into out (cap bytes) and return the length, or -1 if it does not fit. */
#ifndef TOR_CORE_CRYPTO_ONION_NTOR_V3_EXT_H
#define TOR_CORE_CRYPTO_ONION_NTOR_V3_EXT_H

#include <stddef.h>
#include <stdint.h>

#define NTOR3_EXT_CC_REQUEST 0x01   /* client to exit, empty */
#define NTOR3_EXT_CC_RESPONSE 0x02  /* exit to client, SENDME_INC 1 */
#define NTOR3_EXT_CC_REQUEST_MSG_LEN 3
#define NTOR3_EXT_CC_RESPONSE_MSG_LEN 4

/* One field to encode. */
typedef struct onion_ntor3_ext_t {
  uint8_t type;
  uint8_t len;
  const uint8_t *field;   /* len bytes (NULL if len is 0) */
} onion_ntor3_ext_t;

/* A validated list (points into the parsed message). */
typedef struct onion_ntor3_exts_t {
  uint8_t n;              /* N_EXTENSIONS */
  const uint8_t *body;    /* the n encoded fields, body_len bytes */
  size_t body_len;
} onion_ntor3_exts_t;

/* Encode n fields (at most 255) in the order given. */
int onion_ntor3_exts_encode(uint8_t *out, size_t cap,
                            const onion_ntor3_ext_t *exts, size_t n);
int onion_ntor3_exts_parse(const uint8_t *msg, size_t len,
                           onion_ntor3_exts_t *out);
/* The first field of type in exts: points *field at its EXT_FIELD and sets
 * *field_len; returns 1, or 0 (outputs zeroed) if there is none. */
int onion_ntor3_exts_find(const onion_ntor3_exts_t *exts, uint8_t type,
                          const uint8_t **field, uint8_t *field_len);

/* Congestion control. The client writes the request into its CM. */
int onion_ntor3_cc_request_encode(uint8_t *out, size_t cap);
/* The exit: sets *requested to 1 if the client message asks for
 * congestion control (whatever the body of the field: real tor does not
 * look at it), else 0. */
int onion_ntor3_cc_request_parse(const uint8_t *msg, size_t len,
                                 int *requested);
/* The exit answers a request with its cc_sendme_inc. */
int onion_ntor3_cc_response_encode(uint8_t *out, size_t cap,
                                   uint8_t sendme_inc);
/* The client: sets *present to 1 and *sendme_inc if the server message
 * carries a response, else both 0. A response field that is not exactly
 * one byte fails. The caller must still refuse a response it did not ask
 * for (prop 324 10.5) and check SENDME_INC against the consensus. */
int onion_ntor3_cc_response_parse(const uint8_t *msg, size_t len,
                                  int *present, uint8_t *sendme_inc);

#endif
