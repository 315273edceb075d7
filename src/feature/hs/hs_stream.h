/* The service side of onion service streams: on a rendezvous circuit
 * (with its end-to-end hop), the client sends BEGIN for a virtual port;
 * the service answers CONNECTED and then serves the port as configured:
 *   bulk source  DATA cells generated in place (bulk_source), as fast as
 *                the stream and circuit windows and Rate= allow; END DONE
 *                after Bytes=
 *   bulk sink    DATA read and dropped
 *   TCP / unix   a local connection, bytes relayed both ways
 * A port the service does not serve gets END CONNECTREFUSED. Stream-level
 * windows are 500/50; circuit-level flow control is the circuit's. The
 * service routes its rendezvous circuits' messages here. */
#ifndef TOR_FEATURE_HS_HS_STREAM_H
#define TOR_FEATURE_HS_HS_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"
#include "feature/hs/hs_config.h"

struct event_base;

/* Counters for the heartbeat and SIGUSR1, per service. */
typedef struct hs_stream_stats_t {
  uint64_t streams;
  uint64_t bytes_sent;
  uint64_t bytes_received;
} hs_stream_stats_t;

void hs_stream_init(struct event_base *base);
/* A relay message from the client on circ, a rendezvous circuit of the
 * service svc (stats are counted into *stats). */
void hs_stream_circuit_relay(circuit_t *circ, const hs_service_config_t *svc,
                             hs_stream_stats_t *stats, uint8_t command, uint16_t stream_id,
                             const uint8_t *data, size_t len);
void hs_stream_circuit_writable(circuit_t *circ);
void hs_stream_circuit_closed(circuit_t *circ);
/* Streams open now. */
size_t hs_stream_count(void);
/* Closes every stream (shutdown). */
void hs_stream_close_all(void);

#endif
