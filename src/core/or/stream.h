/* Client streams over origin circuits (tor-spec §6): RELAY_BEGIN to an
 * "address:port" (or RELAY_BEGIN_DIR to the last hop's directory),
 * CONNECTED, DATA both ways and END, with stream-level flow control (500/50
 * windows, SENDMEs without a body) on top of the circuit's, or, on a
 * circuit with congestion control, XON/XOFF (proposal 324 §4). The owner of a
 * stream hears back through its handlers:
 *   on_connected(s)        CONNECTED arrived: data may flow
 *   on_data(s, data, len)  bytes from the far end (valid during the call)
 *   on_writable(s)         stream_send() can take bytes again
 *   on_end(s, reason)      END arrived or the circuit went away; exactly
 *                          once; the stream is already gone (don't close
 *                          it) and is freed when the handler returns
 * The owner of the circuit routes the circuit's messages here with
 * stream_circuit_relay(), stream_circuit_writable() and
 * stream_circuit_closed(). */
#ifndef TOR_CORE_OR_STREAM_H
#define TOR_CORE_OR_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"

typedef struct stream_t stream_t;

typedef struct stream_handlers_t {
  void (*on_connected)(stream_t *s, void *arg);
  void (*on_data)(stream_t *s, const uint8_t *data, size_t len, void *arg);
  void (*on_writable)(stream_t *s, void *arg);
  void (*on_end)(stream_t *s, uint8_t reason, void *arg);
  /* For stream_resolve(): the first answer of RELAY_RESOLVED (type is a
   * RESOLVED_TYPE_*; addr holds len bytes), then the stream is freed. */
  void (*on_resolved)(stream_t *s, uint8_t type, const uint8_t *addr, size_t len,
                      uint32_t ttl, void *arg);
} stream_handlers_t;

/* Opens a stream on an open circuit: BEGIN to target ("host:port"), or
 * BEGIN_DIR when target is NULL. NULL on bad arguments or when the cell
 * could not be sent. handlers is copied. */
stream_t *stream_open(circuit_t *circ, const char *target,
                      const stream_handlers_t *handlers, void *arg);

/* Asks the exit to resolve hostname (RELAY_RESOLVE); the answer comes
 * through on_resolved (or on_end if the circuit goes away). */
stream_t *stream_resolve(circuit_t *circ, const char *hostname,
                         const stream_handlers_t *handlers, void *arg);

/* Packages up to len bytes into DATA cells, as far as the stream's and the
 * circuit's windows allow. Returns the bytes taken (0 when the windows are
 * closed: wait for on_writable), or -1 when the stream is not connected. */
long stream_send(stream_t *s, const uint8_t *data, size_t len);
/* Bytes stream_send() would take now. */
size_t stream_sendable(const stream_t *s);

/* The owner cannot take more data for now: hold back stream SENDMEs (the
 * far end stops after the window), and send them again once unblocked. */
void stream_set_consumer_blocked(stream_t *s, int blocked);

/* Sends END with reason and frees the stream (on_end is not called). */
void stream_close(stream_t *s, uint8_t reason);

circuit_t *stream_circuit(const stream_t *s);
uint16_t stream_id(const stream_t *s);
/* Streams open on circ. */
size_t stream_count_on_circuit(const circuit_t *circ);

/* Circuit glue, for the circuit's owner. */
void stream_circuit_relay(circuit_t *circ, uint8_t command, uint16_t stream_id,
                          const uint8_t *data, size_t len);
void stream_circuit_writable(circuit_t *circ);
void stream_circuit_closed(circuit_t *circ);

#endif
