/* The relay cell header (tor-spec 6.1) on a 509-byte relay payload:
 *
 *   command 1 | recognized 2 | stream id 2 | digest 4 | length 2 | data
 *   (length <= 498) | padding
 *
 * plus the relay command numbers, RELAY_END reasons (tor-spec 6.3),
 * and RELAY_RESOLVED answer types (6.4). What a SOCKS port replies for an
 * END reason is proto_socks's business (socks5_rep_from_end_reason).
 * Encoding writes into the caller's payload buffer; decoding points into
 * it (no copies). */
#ifndef TOR_CORE_CRYPTO_RELAY_MSG_H
#define TOR_CORE_CRYPTO_RELAY_MSG_H

#include <stddef.h>
#include <stdint.h>

#define RELAY_PAYLOAD_LEN 509  /* cell payload carrying a relay cell */
#define RELAY_HEADER_LEN 11
#define RELAY_DATA_MAX (RELAY_PAYLOAD_LEN - RELAY_HEADER_LEN)  /* 498 */
/* Offsets of the header fields in the payload. */
#define RELAY_OFF_COMMAND 0
#define RELAY_OFF_RECOGNIZED 1
#define RELAY_OFF_STREAM_ID 3
#define RELAY_OFF_DIGEST 5
#define RELAY_DIGEST_FIELD_LEN 4
#define RELAY_OFF_LENGTH 9

/* Relay commands (tor-spec 6.1, rend-spec-v3, padding-spec, prop324). */
#define RELAY_COMMAND_BEGIN 1
#define RELAY_COMMAND_DATA 2
#define RELAY_COMMAND_END 3
#define RELAY_COMMAND_CONNECTED 4
#define RELAY_COMMAND_SENDME 5
#define RELAY_COMMAND_EXTEND 6
#define RELAY_COMMAND_EXTENDED 7
#define RELAY_COMMAND_TRUNCATE 8
#define RELAY_COMMAND_TRUNCATED 9
#define RELAY_COMMAND_DROP 10
#define RELAY_COMMAND_RESOLVE 11
#define RELAY_COMMAND_RESOLVED 12
#define RELAY_COMMAND_BEGIN_DIR 13
#define RELAY_COMMAND_EXTEND2 14
#define RELAY_COMMAND_EXTENDED2 15
/* Conflux (proposal 329; tor-spec reserves 19..22 for it). */
#define RELAY_COMMAND_CONFLUX_LINK 19
#define RELAY_COMMAND_CONFLUX_LINKED 20
#define RELAY_COMMAND_CONFLUX_LINKED_ACK 21
#define RELAY_COMMAND_CONFLUX_SWITCH 22
#define RELAY_COMMAND_ESTABLISH_INTRO 32
#define RELAY_COMMAND_ESTABLISH_RENDEZVOUS 33
#define RELAY_COMMAND_INTRODUCE1 34
#define RELAY_COMMAND_INTRODUCE2 35
#define RELAY_COMMAND_RENDEZVOUS1 36
#define RELAY_COMMAND_RENDEZVOUS2 37
#define RELAY_COMMAND_INTRO_ESTABLISHED 38
#define RELAY_COMMAND_RENDEZVOUS_ESTABLISHED 39
#define RELAY_COMMAND_INTRODUCE_ACK 40
#define RELAY_COMMAND_PADDING_NEGOTIATE 41
#define RELAY_COMMAND_PADDING_NEGOTIATED 42
/* As real tor numbers them (or.h), which is the reverse of tor-spec's
 * table ("43 -- XON, 44 -- XOFF"): a peer that follows the table sends
 * tor an XOFF it parses as a malformed XON. */
#define RELAY_COMMAND_XOFF 43
#define RELAY_COMMAND_XON 44

/* RELAY_END reasons (tor-spec 6.3). An empty END means REASON_MISC. */
#define END_REASON_MISC 1
#define END_REASON_RESOLVEFAILED 2
#define END_REASON_CONNECTREFUSED 3
#define END_REASON_EXITPOLICY 4
#define END_REASON_DESTROY 5
#define END_REASON_DONE 6
#define END_REASON_TIMEOUT 7
#define END_REASON_NOROUTE 8
#define END_REASON_HIBERNATING 9
#define END_REASON_INTERNAL 10
#define END_REASON_RESOURCELIMIT 11
#define END_REASON_CONNRESET 12
#define END_REASON_TORPROTOCOL 13
#define END_REASON_NOTDIRECTORY 14

/* RELAY_RESOLVED answer types (tor-spec 6.4). */
#define RESOLVED_TYPE_HOSTNAME 0x00
#define RESOLVED_TYPE_IPV4 0x04
#define RESOLVED_TYPE_IPV6 0x06
#define RESOLVED_TYPE_ERROR_TRANSIENT 0xF0
#define RESOLVED_TYPE_ERROR 0xF1


typedef struct relay_header_t {
  uint8_t command;
  uint16_t recognized;
  uint16_t stream_id;
  uint8_t digest[RELAY_DIGEST_FIELD_LEN];
  uint16_t length;
} relay_header_t;

/* Write hdr into the first RELAY_HEADER_LEN bytes of payload. */
void relay_header_pack(uint8_t payload[RELAY_PAYLOAD_LEN],
                       const relay_header_t *hdr);
/* Read the header from payload (no checks on the values). */
void relay_header_unpack(const uint8_t payload[RELAY_PAYLOAD_LEN],
                         relay_header_t *hdr);

/* Build a plaintext relay cell ready for relay_crypto: command, stream id,
 * recognized 0, digest 0, len bytes of data (len <= RELAY_DATA_MAX; data
 * may be NULL when len is 0), then padding as tor-spec 6.1 asks: four zero
 * bytes, then random bytes. Returns 0, or -1 if len is too long. */
int relay_msg_encode(uint8_t payload[RELAY_PAYLOAD_LEN], uint8_t command,
                     uint16_t stream_id, const uint8_t *data, size_t len);

/* Decode a recognized (decrypted) relay payload of payload_len bytes (must
 * be RELAY_PAYLOAD_LEN): fills hdr and points *data_out at the hdr->length
 * data bytes inside payload. Returns 0, or -1 (with a protocol log line)
 * if the length field exceeds RELAY_DATA_MAX or the payload is short. */
int relay_msg_decode(const uint8_t *payload, size_t payload_len,
                     relay_header_t *hdr, const uint8_t **data_out);

/* Name of a relay command ("DATA", "BEGIN_DIR", ...) or "UNKNOWN". */
const char *relay_command_name(uint8_t command);
/* Name of an END reason ("DONE", "EXITPOLICY", ...) or "UNKNOWN". */
const char *end_reason_name(uint8_t reason);

/* The END reason in a RELAY_END body of len bytes: its first byte, or
 * END_REASON_MISC for an empty body (tor-spec 6.3). */
uint8_t relay_end_reason(const uint8_t *body, size_t len);


#endif
