/* A client channel: one TLS connection to a relay's ORPort, running the
 * link handshake (link_handshake.h) and then carrying cells.
 *
 * Life cycle: channel_tls_connect() starts a non-blocking TCP connect, TLS
 * (1.2 or 1.3, the peer's self-signed certificate accepted here and
 * verified through its CERTS cell instead) and the handshake, all on the
 * given libevent base. The owner hears back through its handlers:
 *   on_open(chan)                 handshake done; cells may be sent
 *   on_cell(chan, cell, circ)     a fixed cell after the handshake (circ is
 *                                 what channel_circ_attach registered for
 *                                 cell->circ_id, or NULL); PADDING, VPADDING
 *                                 and NETINFO are consumed here
 *   on_var_cell(chan, cell)       a var cell after the handshake (optional)
 *   on_closed(chan, reason)       the channel is finished, whatever state
 *                                 it reached; called exactly once
 * The channel frees itself after on_closed returns: the pointer must not
 * be used after that. Cells passed to handlers are only valid during the
 * call; a fixed cell is the channel's own scratch copy, which the handler
 * may modify (relay crypto decrypts in place: no further copy needed).
 *
 * Sending: channel_send_cell packs into the channel's output buffer (no
 * allocation) and arranges one flush per event-loop turn, so a burst of
 * cells goes out in as few TLS records as possible.
 *
 * Reuse: every channel is registered by relay identity; the circuit layer
 * looks one up with channel_find_by_rsa_id() before opening another. */
#ifndef TOR_CORE_OR_CHANNEL_TLS_H
#define TOR_CORE_OR_CHANNEL_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/cell.h"
#include "core/or/link_handshake_certs.h"

struct event_base;

typedef struct channel_t channel_t;

typedef enum {
  CHANNEL_CLOSE_REQUESTED = 0,   /* channel_close() */
  CHANNEL_CLOSE_CONNECT_FAILED,  /* bad address, TCP connect failed */
  CHANNEL_CLOSE_TLS_ERROR,       /* TLS handshake or record error */
  CHANNEL_CLOSE_HANDSHAKE_FAILED,/* bad or unverifiable link handshake */
  CHANNEL_CLOSE_IDENTITY_MISMATCH, /* verified, but not the relay asked for */
  CHANNEL_CLOSE_PROTOCOL_ERROR,  /* bad cell after the handshake */
  CHANNEL_CLOSE_REMOTE,          /* the peer closed the connection */
  CHANNEL_CLOSE_TIMEOUT,         /* handshake took too long */
  CHANNEL_CLOSE_RESOURCE,        /* buffers full, out of memory */
} channel_close_reason_t;

const char *channel_close_reason_str(channel_close_reason_t reason);

typedef struct channel_handlers_t {
  void (*on_open)(channel_t *chan, void *arg);
  void (*on_cell)(channel_t *chan, cell_t *cell, void *circ, void *arg);
  void (*on_var_cell)(channel_t *chan, const var_cell_t *cell, void *arg);
  void (*on_closed)(channel_t *chan, channel_close_reason_t reason,
                    void *arg);
} channel_handlers_t;

/* Seconds from connect() to an open channel before giving up. */
#define CHANNEL_HANDSHAKE_TIMEOUT 30
/* Output bytes a channel queues before channel_send_* refuse more (and
 * the circuit that asked is closed). Rendezvous circuits under congestion
 * control may each have up to CC_MAX_OUTSTANDING * 31 cells (8 MB) in
 * flight, and several share the channel to one guard; the bound is there
 * against a peer that stops reading, not against our own windows. */
#define CHANNEL_OUTBUF_MAX (32u << 20)

/* Connect to address (an IPv4 or IPv6 literal) and port. expected_rsa_id
 * (20 bytes) and expected_ed_id (32) may be NULL; when given, the channel
 * fails with CHANNEL_CLOSE_IDENTITY_MISMATCH unless CERTS proves them.
 * handlers is copied. Returns NULL if nothing could be started (bad
 * address, socket or connect(2) error, no memory); every later failure
 * arrives through on_closed. */
channel_t *channel_tls_connect(struct event_base *base, const char *address,
                               uint16_t port, const uint8_t *expected_rsa_id,
                               const uint8_t *expected_ed_id,
                               const channel_handlers_t *handlers,
                               void *arg);

/* A channel that is open, or still connecting, to the relay with this RSA
 * identity (verified, or expected when still connecting); NULL if none.
 * Closing channels are never returned. */
channel_t *channel_find_by_rsa_id(const uint8_t rsa_id[DIGEST_LEN]);

int channel_is_open(const channel_t *chan);
/* The negotiated link protocol (0 before VERSIONS). */
int channel_link_proto(const channel_t *chan);
/* The peer's verified identities: valid once open. */
const link_peer_ids_t *channel_peer_ids(const channel_t *chan);
/* "address:port" as given to channel_tls_connect. */
const char *channel_peer_description(const channel_t *chan);

/* Queue a cell (the channel must be open). -1 if not open or the output
 * buffer is full. */
int channel_send_cell(channel_t *chan, const cell_t *cell);
int channel_send_var_cell(channel_t *chan, const var_cell_t *cell);
/* Bytes queued but not yet written to TLS (for the layer above to pace
 * itself). */
size_t channel_outbuf_len(const channel_t *chan);

/* Circuits on this channel. channel_circ_attach picks a fresh random circ
 * id (with the initiator's high bit set) and maps it to circ; returns the
 * id, or 0 if the channel is not open or no free id was found. */
uint32_t channel_circ_attach(channel_t *chan, void *circ);
void *channel_circ_get(const channel_t *chan, uint32_t circ_id);
/* Forget circ_id (the circuit layer sends DESTROY itself). */
void channel_circ_detach(channel_t *chan, uint32_t circ_id);
size_t channel_n_circs(const channel_t *chan);

/* Close: write out what is queued, shut our side of TLS and TCP, and wait
 * for the peer to close its side (a few seconds at most), then tear down
 * and call on_closed(CHANNEL_CLOSE_REQUESTED). The channel is no longer
 * open (nor found by channel_find_by_rsa_id) from this call on. */
void channel_close(channel_t *chan);
/* At shutdown: close every channel at once without flushing; each one's
 * on_closed runs and it is freed. */
void channel_close_all_now(void);
/* Bytes read from and written to every channel's TLS session since start
 * (cell bytes, without TLS overhead): the control port's BW events. */
void channel_total_bytes(uint64_t *read, uint64_t *written);

/* ---- for the control port (ORCONN and CONN_BW events, orconn-status) ---- */

typedef enum {
  CHANNEL_EVENT_LAUNCHED,   /* connect started */
  CHANNEL_EVENT_CONNECTED,  /* handshake done, open */
  CHANNEL_EVENT_FAILED,     /* finished without ever being open */
  CHANNEL_EVENT_CLOSED,     /* finished after being open */
} channel_event_t;
/* One observer hears every channel's changes (reason is meaningful for
 * FAILED and CLOSED); it runs before the owner's on_open/on_closed, with
 * the channel's circuits still attached. NULL removes it. */
typedef void (*channel_observer_fn)(const channel_t *chan, channel_event_t ev,
                                    channel_close_reason_t reason);
void channel_set_observer(channel_observer_fn fn);
/* A number unique to this channel for the life of the process. */
uint64_t channel_global_id(const channel_t *chan);
/* The relay's RSA identity (20 bytes): verified once the channel has been
 * open, else the expected one; NULL if none was given. */
const uint8_t *channel_rsa_id(const channel_t *chan);
/* Bytes read and written on this channel since the last call; resets. */
void channel_take_bytes(channel_t *chan, uint64_t *read, uint64_t *written);
/* Every channel that is connecting or open (not closing). */
channel_t *channel_first(void);
channel_t *channel_next(const channel_t *chan);

/* For diagnostics and tools: the DER of the certificate the peer used in
 * TLS and its raw CERTS payload (NULL until known). Owned by chan. */
const uint8_t *channel_peer_tls_cert_der(const channel_t *chan, size_t *len);
const uint8_t *channel_peer_certs_payload(const channel_t *chan,
                                          size_t *len);

#endif
