/* Origin circuits: the client's multi-hop circuits (tor-spec §5). A circuit
 * opens (or reuses) the TLS channel to its first hop, sends CREATE2 with an
 * ntor handshake, then extends hop by hop with EXTEND2 in RELAY_EARLY
 * cells, and afterwards carries relay messages with per-hop relay crypto
 * and circuit-level flow control (1000/100 windows with authenticated
 * SENDMEs, proposal 289), answered for the owner:
 *   on_built(circ)                      every hop is open
 *   on_relay(circ, hop, cmd, stream, data, len)
 *                                       a relay message other than the
 *                                       circuit's own (EXTENDED2, circuit
 *                                       SENDMEs, DROP): streams' messages
 *   on_writable(circ)                   the package window reopened
 *   on_closed(circ, reason)             exactly once; the circuit is freed
 *                                       after the loop turn that closed it
 * Nothing allocates per cell: messages are encoded and encrypted in a cell
 * on the stack and packed straight into the channel's output buffer.
 * A first hop whose onion key we do not know (a fallback directory while
 * bootstrapping) is created with CREATE_FAST instead (create_fast below;
 * TLS already proved its identity): such one-hop circuits are for BEGIN_DIR
 * only, though nothing stops them being extended. */
#ifndef TOR_CORE_OR_CIRCUIT_H
#define TOR_CORE_OR_CIRCUIT_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
typedef struct circuit_t circuit_t;

#define CIRCUIT_MAX_HOPS 8
/* Seconds a circuit may take to be built. */
#define CIRCUIT_BUILD_TIMEOUT 60
/* Tor allows at most 8 RELAY_EARLY cells per circuit. */
#define CIRCUIT_MAX_RELAY_EARLY 8

/* What is needed to reach and extend to one relay. */
typedef struct circuit_hop_info_t {
  char address[64];           /* IPv4 literal */
  uint16_t or_port;
  uint8_t rsa_id[20];
  uint8_t ed_id[32];
  int has_ed_id;
  uint8_t ntor_onion_key[32];
  char nickname[20];          /* for logs */
  int ntor_v3;                /* extend with ntor v3 (needs has_ed_id) */
  int request_cc;             /* with ntor v3: ask for congestion control
                               * (an exit hop; proposal 324 section 10) */
  int create_fast;            /* hop 0 only: CREATE_FAST, no onion key
                               * needed (tor-spec 5.1.5); ignored later */
} circuit_hop_info_t;

typedef enum {
  CIRCUIT_CLOSE_REQUESTED = 0,
  CIRCUIT_CLOSE_CHANNEL_FAILED,   /* the first hop's channel failed or closed */
  CIRCUIT_CLOSE_HANDSHAKE_FAILED, /* bad CREATED2/EXTENDED2 */
  CIRCUIT_CLOSE_DESTROYED,        /* the first hop sent DESTROY */
  CIRCUIT_CLOSE_TRUNCATED,        /* a hop sent TRUNCATED */
  CIRCUIT_CLOSE_PROTOCOL,         /* unrecognized cell, window overrun, ... */
  CIRCUIT_CLOSE_TIMEOUT,          /* not built within CIRCUIT_BUILD_TIMEOUT */
  CIRCUIT_CLOSE_RESOURCE,         /* out of memory, output buffer full */
} circuit_close_reason_t;

const char *circuit_close_reason_str(circuit_close_reason_t reason);

typedef struct circuit_handlers_t {
  void (*on_built)(circuit_t *circ, void *arg);
  void (*on_relay)(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                   const uint8_t *data, size_t len, void *arg);
  void (*on_writable)(circuit_t *circ, void *arg);
  void (*on_closed)(circuit_t *circ, circuit_close_reason_t reason, void *arg);
} circuit_handlers_t;

/* What a circuit is for, as the control port names it (control-spec
 * §4.1.1): purpose "GENERAL", "HS_SERVICE_INTRO", ...; hs_state
 * ("HSSI_CONNECTING", ...) and rend_query (the onion address) may be NULL.
 * The strings are copied. */
typedef struct circuit_purpose_t {
  const char *purpose, *hs_state, *rend_query;
} circuit_purpose_t;

/* Starts building a circuit through hops[0..n_hops-1] for purpose (NULL:
 * GENERAL). handlers is copied. NULL if it could not even start (bad
 * arguments, no memory, the channel could not be started); later failures
 * arrive through on_closed. */
circuit_t *circuit_launch(struct event_base *base, const circuit_hop_info_t *hops,
                          int n_hops, const circuit_handlers_t *handlers, void *arg,
                          const circuit_purpose_t *purpose);

int circuit_is_open(const circuit_t *circ);
int circuit_n_hops(const circuit_t *circ);
const circuit_hop_info_t *circuit_hop_info(const circuit_t *circ, int hop);
/* Seconds from launch to built (valid once built). */
double circuit_build_seconds(const circuit_t *circ);
/* The 20-byte KH of an open hop's ntor handshake (ESTABLISH_INTRO is
 * authenticated with it), or NULL. */
const uint8_t *circuit_hop_kh(const circuit_t *circ, int hop);
/* A number for logs, unique in this process. */
unsigned circuit_log_id(const circuit_t *circ);

/* Sends a relay message to hop (-1: the last hop). A DATA message takes
 * one cell of the circuit's package window toward that hop: returns -2
 * (nothing sent) when the window is closed; wait for on_writable. Returns
 * 0, or -1 when the circuit is not open or the channel refused the cell. */
int circuit_send_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                       const uint8_t *data, size_t len);
/* Sends one DATA cell to the last hop (the end-to-end hop when there is
 * one) whose data fill() writes straight into the cell (at most max
 * bytes; it returns how many). Returns the bytes sent, 0 if fill gave
 * none, -2 when the circuit window is closed, -1 on failure. */
typedef size_t (*circuit_fill_fn)(uint8_t *out, size_t max, void *arg);
int circuit_send_data_generated(circuit_t *circ, uint16_t stream_id, circuit_fill_fn fill,
                                void *arg);
/* Whether a DATA cell toward the last hop may be sent now. */
int circuit_can_package(const circuit_t *circ);
/* Bytes queued on the first hop's channel, for pacing. */
size_t circuit_channel_backlog(const circuit_t *circ);

/* An onion service's end-to-end hop (hs-ntor keys of a rendezvous): the
 * circuit takes ownership of e2e, and from then on hop index
 * circuit_n_hops(circ) -- and the default "last hop" (-1) -- is the other
 * end of the rendezvous. Returns 0, or -1 if the circuit is not open or
 * already has one. */
struct hs_e2e_crypto_t;
int circuit_add_e2e_hop(circuit_t *circ, struct hs_e2e_crypto_t *e2e);

/* The other end asked for congestion control (proposal 324) on the
 * end-to-end hop: from now on DATA we send there is paced by Tor Vegas and
 * answered by SENDMEs every sendme_inc cells, and DATA we receive is
 * answered likewise; streams then use XON/XOFF, not stream windows.
 * Returns 0, or -1 without an end-to-end hop or on a bad sendme_inc. */
int circuit_e2e_use_congestion_control(circuit_t *circ, int sendme_inc);
/* 1 if the hop streams use (the end-to-end hop, else the last) runs
 * congestion control: negotiated by circuit_e2e_use_congestion_control,
 * or in the ntor v3 handshake of a hop launched with request_cc. Streams
 * then use XON/XOFF, not stream windows. */
int circuit_uses_congestion_control(const circuit_t *circ);

/* Closes the circuit: sends DESTROY if the channel is up, calls on_closed
 * (unless already closed) and frees it after this loop turn. */
void circuit_close(circuit_t *circ, circuit_close_reason_t reason);
/* At shutdown: closes every circuit (on_closed runs for each). */
void circuit_close_all(void);
/* How many circuits exist (open or building). */
size_t circuit_count(void);

/* ---- for the control port (CIRC events, GETINFO circuit-status) ---- */

/* The owner's use of the circuit changed (an intro circuit became
 * HSSI_ESTABLISHED, a controller's SETCIRCUITPURPOSE): the observer hears
 * CIRCUIT_EVENT_PURPOSE_CHANGED, with the previous values in
 * circuit_old_purpose/circuit_old_hs_state. Arguments as at launch. */
void circuit_set_purpose(circuit_t *circ, const char *purpose, const char *hs_state,
                         const char *rend_query);
const char *circuit_old_purpose(const circuit_t *circ);
const char *circuit_old_hs_state(const circuit_t *circ); /* "" if none */
const char *circuit_purpose(const circuit_t *circ);
const char *circuit_hs_state(const circuit_t *circ);   /* "" if none */
const char *circuit_rend_query(const circuit_t *circ); /* "" if none */
/* Hops whose handshake finished. */
int circuit_n_open_hops(const circuit_t *circ);
/* When it was launched (gettimeofday). */
void circuit_launched_at(const circuit_t *circ, long *sec, long *usec);
/* Every live circuit (not yet closed), newest first. */
circuit_t *circuit_first(void);
circuit_t *circuit_next(const circuit_t *circ);

typedef enum {
  CIRCUIT_EVENT_LAUNCHED,
  CIRCUIT_EVENT_EXTENDED,   /* one more hop open */
  CIRCUIT_EVENT_BUILT,
  CIRCUIT_EVENT_FAILED,     /* closed before it was built */
  CIRCUIT_EVENT_CLOSED,
  CIRCUIT_EVENT_PURPOSE_CHANGED,
} circuit_event_t;
/* One observer (the control port) hears every circuit's changes; reason
 * is meaningful for FAILED and CLOSED. NULL removes it. */
typedef void (*circuit_observer_fn)(const circuit_t *circ, circuit_event_t ev,
                                    circuit_close_reason_t reason);
void circuit_set_observer(circuit_observer_fn fn);

/* Traffic on the circuit since the last circuit_take_bw (CIRC_BW events,
 * in tor's units): read/written count each relay cell as its 509-byte
 * payload; of each cell's 498-byte relay payload, delivered is the
 * message body and overhead the rest. The congestion control fields are
 * the end-to-end hop's, when it has any (has_cc). */
typedef struct circuit_bw_t {
  uint64_t read, written;
  uint64_t delivered_read, overhead_read, delivered_written, overhead_written;
  int has_cc, in_slow_start;
  int64_t cwnd;
  uint64_t rtt_msec, min_rtt_msec;
} circuit_bw_t;
void circuit_take_bw(circuit_t *circ, circuit_bw_t *out);

#endif
