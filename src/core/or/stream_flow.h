/* Stream-level flow control, one mechanism for every stream we end: our
 * client's (stream.c) and our onion service's (hs_stream.c). On a circuit
 * without congestion control, tor-spec §7.4's windows: 500 DATA cells each
 * way, reopened by a stream SENDME (no body) every 50 delivered. On a
 * circuit with it (proposal 324 §4), no stream windows: the circuit paces
 * us; a receiver whose consumer cannot keep up sends XOFF once and XON
 * (rate 0, "unlimited") when it caught up, and we stop and resume likewise
 * when the far end does. Plain data: the owner keeps one per stream and
 * calls in on each event; nothing here allocates. */
#ifndef TOR_CORE_OR_STREAM_FLOW_H
#define TOR_CORE_OR_STREAM_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"

typedef struct stream_flow_t {
  int cc;                         /* XON/XOFF rather than windows */
  int package_window, deliver_window;
  int xoff_sent, xoff_received;
} stream_flow_t;

/* For a new stream on circ (congestion control as the circuit runs it). */
void stream_flow_init(stream_flow_t *f, const circuit_t *circ);
/* May another DATA cell go out, as far as the stream is concerned? */
int stream_flow_may_package(const stream_flow_t *f);
/* One DATA cell went out. */
void stream_flow_packaged(stream_flow_t *f);
/* One DATA cell arrived: -1 if it overran the window (end the stream). */
int stream_flow_data_received(stream_flow_t *f);
/* Tells the far end what our consumer can take now: SENDMEs while the
 * deliver window is low and it is not blocked; or XOFF when it became
 * blocked, XON when it caught up after an XOFF. Returns 0, or -1 when a
 * cell could not be sent. */
int stream_flow_update(stream_flow_t *f, circuit_t *circ, uint16_t stream_id,
                       int consumer_blocked);
/* A stream SENDME, XOFF or XON arrived. Returns 1 when we may package
 * again (resume sending), 0 when not (XOFF), or -1 when it is unexpected
 * or malformed on this stream (end it with TORPROTOCOL; the reason is
 * logged as a protocol warning naming stream_id). */
int stream_flow_control_received(stream_flow_t *f, uint8_t command, const uint8_t *data,
                                 size_t len, uint16_t stream_id);

#endif
