/* The bodies of conflux's relay messages (proposal 329 §2.2, §2.6): LINK
 * and LINKED (version 1: a 32-byte nonce that names the set, the last
 * sequence numbers sent and received, the sender's desired UX), LINKED_ACK
 * (empty) and SWITCH (a 4-byte relative sequence number), big-endian as the
 * rest of Tor. Parsers take (pointer, length), refuse what is short, of an
 * unknown version or with an unknown UX, and ignore bytes after the fields
 * (as tor does for room left in a relay payload). Which relay commands a set
 * numbers and delivers in order is conflux_command_is_multiplexed. */
#ifndef TOR_CORE_OR_CONFLUX_CELL_H
#define TOR_CORE_OR_CONFLUX_CELL_H

#include <stddef.h>
#include <stdint.h>

#define CONFLUX_NONCE_LEN 32
#define CONFLUX_LINK_VERSION 1
/* version, nonce, two sequence numbers, UX */
#define CONFLUX_LINK_BODY_LEN (1 + CONFLUX_NONCE_LEN + 8 + 8 + 1)
#define CONFLUX_SWITCH_BODY_LEN 4

/* Desired user experience (proposal 329 §2.2). */
#define CONFLUX_UX_NO_OPINION 0
#define CONFLUX_UX_MIN_LATENCY 1
#define CONFLUX_UX_LOW_MEM_LATENCY 2
#define CONFLUX_UX_HIGH_THROUGHPUT 3
#define CONFLUX_UX_LOW_MEM_THROUGHPUT 4

typedef struct conflux_link_t {
  uint8_t nonce[CONFLUX_NONCE_LEN];
  uint64_t last_seq_sent, last_seq_recv;
  uint8_t desired_ux;
} conflux_link_t;

/* Writes a LINK/LINKED body into out (room for CONFLUX_LINK_BODY_LEN);
 * returns its length, or -1 if out is too small. */
int conflux_link_encode(uint8_t *out, size_t out_len, const conflux_link_t *link);
/* 0 on success, -1 if body is not a version-1 LINK/LINKED body. */
int conflux_link_parse(const uint8_t *body, size_t len, conflux_link_t *out);

int conflux_switch_encode(uint8_t *out, size_t out_len, uint32_t relative_seq);
int conflux_switch_parse(const uint8_t *body, size_t len, uint32_t *relative_seq);

/* 1 for the relay commands a conflux set numbers and delivers in order
 * (BEGIN, DATA, END, CONNECTED, RESOLVE, RESOLVED, XOFF, XON: those whose
 * order matters to streams), 0 for circuit-specific ones. */
int conflux_command_is_multiplexed(uint8_t relay_command);

/* "throughput", "latency", "throughput_lowmem", "latency_lowmem" (tor's
 * ConfluxClientUX values) to a CONFLUX_UX_*; -1 if unknown. */
int conflux_ux_from_name(const char *name);

#endif
