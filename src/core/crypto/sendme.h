/* Circuit-level flow control with authenticated SENDMEs (tor-spec 7.3,
 * proposal 289, FlowCtrl=1).
 *
 * SENDME body: VERSION 1 | DATA_LEN 2 | DATA. Version 0 (or an empty body)
 * carries nothing; version 1 carries the 20-byte DIGEST, DATA_LEN >= 20
 * (extra bytes ignored).
 *
 * Which digest, exactly (for one hop of an origin circuit, window 1000,
 * increment 100; the "digest after a cell" is the full 20-byte running
 * relay digest including that cell, whose first 4 bytes went into the
 * cell's digest field):
 *  - The SENDME the client SENDS to hop i, when its deliver window for i
 *    drops to 900, 800, ... (after the 100th, 200th, ... DATA cell received
 *    from i), carries i's BACKWARD digest after that DATA cell
 *    (relay_crypto_last_backward_digest right after the cell decrypted).
 *  - In SENDMEs the client RECEIVES from hop i it expects, in order, i's
 *    FORWARD digest after each 100th DATA cell it sent to i (recorded with
 *    relay_crypto_last_forward_digest right after encrypting it, when the
 *    package window reaches a multiple of 100).
 * A relay does the mirror image (forward for what it receives, backward for
 * what it sends). At most 1000/100 = 10 digests can be outstanding.
 *
 * Everything works on caller-owned structs; nothing allocates. */
#ifndef TOR_CORE_CRYPTO_SENDME_H
#define TOR_CORE_CRYPTO_SENDME_H

#include <stddef.h>
#include <stdint.h>

#define SENDME_DIGEST_LEN 20
#define SENDME_V1_BODY_LEN (3 + SENDME_DIGEST_LEN)  /* 23 */
#define CIRCWINDOW_START 1000
#define CIRCWINDOW_INCREMENT 100
#define STREAMWINDOW_START 500
#define STREAMWINDOW_INCREMENT 50
#define SENDME_MAX_OUTSTANDING (CIRCWINDOW_START / CIRCWINDOW_INCREMENT)

/* Write a version 1 SENDME body carrying digest. Returns
 * SENDME_V1_BODY_LEN, or -1 if cap is too small. */
int sendme_v1_encode(uint8_t *out, size_t cap,
                     const uint8_t digest[SENDME_DIGEST_LEN]);

/* Parse a SENDME body of len bytes (the relay cell's data). Sets *version;
 * for version 1 points *digest_out at the 20 digest bytes inside body, for
 * version 0 sets it to NULL. Returns 0, or -1 for an unknown version or a
 * version 1 body whose DATA_LEN is under 20 or overruns len. */
int sendme_parse(const uint8_t *body, size_t len, uint8_t *version,
                 const uint8_t **digest_out);

/* sendme_parse, then refuse (with a protocol log line) a version below
 * min_version (consensus sendme_accept_min_version). Returns 0 or -1. */
int sendme_parse_accepted(const uint8_t *body, size_t len, uint8_t min_version,
                          const uint8_t **digest_out);

/* A FIFO of the digests we expect SENDMEs to carry. */
typedef struct sendme_digest_ring_t {
  uint8_t digests[SENDME_MAX_OUTSTANDING][SENDME_DIGEST_LEN];
  unsigned first;  /* index of the oldest */
  unsigned count;
} sendme_digest_ring_t;

/* Append; -1 if the ring is full. */
int sendme_ring_push(sendme_digest_ring_t *ring,
                     const uint8_t digest[SENDME_DIGEST_LEN]);
/* Remove the oldest into out; -1 if empty. */
int sendme_ring_pop(sendme_digest_ring_t *ring,
                    uint8_t out[SENDME_DIGEST_LEN]);

/* Per-hop circuit windows and the expected digests. Zero it, then
 * sendme_circ_init. */
typedef struct sendme_circ_t {
  int package_window;  /* DATA cells we may still send */
  int deliver_window;  /* DATA cells we will still accept */
  int cc_sendme_inc;   /* 0, or congestion control's SENDME spacing */
  sendme_digest_ring_t expected;
} sendme_circ_t;

void sendme_circ_init(sendme_circ_t *sc);

/* The peer sends to us under congestion control (proposal 324): answer
 * every sendme_inc DATA cells with a SENDME, and no fixed deliver window
 * bounds it (the peer's cwnd does, and stream XOFF). */
void sendme_circ_receive_with_cc(sendme_circ_t *sc, int sendme_inc);

/* May we send a DATA cell now? */
int sendme_circ_can_package(const sendme_circ_t *sc);

/* We just sent a DATA cell; digest is the running digest after it. Records
 * it when it is one a SENDME will acknowledge. Returns 0, or -1 if the
 * package window was already empty (a caller bug). */
int sendme_circ_data_sent(sendme_circ_t *sc,
                          const uint8_t digest[SENDME_DIGEST_LEN]);

/* We just received a DATA cell; digest is the running digest after it.
 * Returns 1 if a circuit SENDME must be sent now (its version 1 body is
 * written to body_out and the deliver window is reopened by one
 * increment), 0 if not, -1 if the peer overran the window. */
int sendme_circ_data_received(sendme_circ_t *sc,
                              const uint8_t digest[SENDME_DIGEST_LEN],
                              uint8_t body_out[SENDME_V1_BODY_LEN]);

/* A circuit-level SENDME (stream id 0) arrived with body of len bytes.
 * Checks its version against min_version (consensus
 * sendme_accept_min_version), its digest against the oldest expected one,
 * then opens the package window by one increment. Returns 0, or -1 (with a
 * protocol log line) when the circuit must be closed. */
int sendme_circ_sendme_received(sendme_circ_t *sc, const uint8_t *body,
                                size_t len, uint8_t min_version);

#endif
