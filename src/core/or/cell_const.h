/* Cell commands and sizes (tor-spec section 3), in one place. */
#ifndef TOR_CORE_OR_CELL_CONST_H
#define TOR_CORE_OR_CELL_CONST_H

/* Fixed-length cell commands. */
#define CELL_PADDING 0
#define CELL_CREATE 1
#define CELL_CREATED 2
#define CELL_RELAY 3
#define CELL_DESTROY 4
#define CELL_CREATE_FAST 5
#define CELL_CREATED_FAST 6
#define CELL_NETINFO 8
#define CELL_RELAY_EARLY 9
#define CELL_CREATE2 10
#define CELL_CREATED2 11
#define CELL_PADDING_NEGOTIATE 12

/* Variable-length cell commands (VERSIONS, and everything >= 128 from link
 * protocol 3 on). */
#define CELL_VERSIONS 7
#define CELL_VPADDING 128
#define CELL_CERTS 129
#define CELL_AUTH_CHALLENGE 130
#define CELL_AUTHENTICATE 131
#define CELL_AUTHORIZE 132

/* Sizes. */
#define CELL_PAYLOAD_LEN 509
#define CELL_CIRCID_LEN_NARROW 2   /* link protocol <= 3, and VERSIONS */
#define CELL_CIRCID_LEN_WIDE 4     /* link protocol >= 4 */
#define CELL_MAX_NETWORK_SIZE (CELL_CIRCID_LEN_WIDE + 1 + CELL_PAYLOAD_LEN)
#define VAR_CELL_MAX_HEADER_SIZE (CELL_CIRCID_LEN_WIDE + 1 + 2)
#define VAR_CELL_MAX_PAYLOAD_LEN 65535

/* Link protocol versions we speak (tor-spec 4.1). */
#define LINK_PROTO_MIN 4
#define LINK_PROTO_MAX 5

/* The initiator of a connection sets this bit in the circuit ids it picks
 * (link protocol 4 and later, tor-spec 5.1.1). */
#define CIRC_ID_INITIATOR_BIT 0x80000000u

#endif
