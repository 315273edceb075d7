/* Origin circuits: see circuit.h. */
#include "orconfig.h"
#include "core/or/circuit.h"
#include "core/or/cell.h"
#include "core/or/channel_tls.h"
#include "core/or/congestion.h"
#include "core/crypto/onion_cells.h"
#include "core/crypto/onion_fast.h"
#include "core/crypto/onion_ntor.h"
#include "core/crypto/onion_ntor_v3.h"
#include "core/crypto/onion_ntor_v3_ext.h"
#include "core/crypto/relay_crypto.h"
#include "core/crypto/relay_crypto_hs.h"
#include "core/crypto/relay_msg.h"
#include "core/crypto/sendme.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* DESTROY reasons (tor-spec 5.4); an origin circuit says NONE, so as not to
 * tell the network why the client gave up. */
#define DESTROY_REASON_NONE 0

typedef enum {
  CIRC_WAITING_FOR_CHANNEL,
  CIRC_BUILDING,
  CIRC_OPEN,
  CIRC_CLOSED,
} circ_state_t;

typedef struct circuit_hop_t {
  circuit_hop_info_t info;
  sendme_circ_t sendme;       /* windows toward and from this hop */
  uint8_t kh[20];             /* ntor KH: onion services bind cells to it */
  cc_vegas_t *cc;             /* congestion control with this hop, if any */
} circuit_hop_t;

struct circuit_t {
  circuit_t *next, *prev;     /* all_circuits */
  unsigned log_id;
  struct event_base *base;
  circ_state_t state;
  channel_t *chan;            /* the first hop's; NULL once it is gone */
  uint32_t circ_id;           /* 0 until attached to chan */
  circuit_hop_t hops[CIRCUIT_MAX_HOPS];
  relay_crypto_t *crypto[CIRCUIT_MAX_HOPS]; /* one per open hop */
  int n_hops;
  int n_open;
  onion_ntor_client_state_t ntor;           /* the hop being added, ntor v1 */
  onion_ntor3_client_state_t ntor3;         /* ... or ntor v3 */
  int adding_v3;                            /* which of the two */
  onion_fast_client_state_t fast;           /* ... or CREATE_FAST (hop 0) */
  int adding_fast;
  int adding_requested_cc;                  /* we asked it for congestion control */
  int relay_early_sent;
  /* An onion service rendezvous adds an end-to-end hop beyond the last
   * real one, at index n_hops. */
  hs_e2e_crypto_t *e2e;
  sendme_circ_t e2e_sendme;
  cc_vegas_t *e2e_cc;         /* congestion control on it, if negotiated */
  circuit_handlers_t handlers;
  void *arg;
  struct event *timeout_event;
  struct timeval launched_at, built_at;
  char purpose[24];
  char hs_state[32];
  char rend_query[64];
  char old_purpose[24];
  char old_hs_state[32];
  circuit_bw_t bw;            /* since circuit_take_bw */
};

static circuit_t *all_circuits;
static circuit_observer_fn observer;
static size_t n_circuits;
static unsigned next_log_id = 1;

static void circuit_start_create(circuit_t *circ);

const char *
circuit_close_reason_str(circuit_close_reason_t reason)
{
  switch (reason) {
    case CIRCUIT_CLOSE_REQUESTED: return "requested";
    case CIRCUIT_CLOSE_CHANNEL_FAILED: return "channel failed";
    case CIRCUIT_CLOSE_HANDSHAKE_FAILED: return "handshake failed";
    case CIRCUIT_CLOSE_DESTROYED: return "destroyed by the relay";
    case CIRCUIT_CLOSE_TRUNCATED: return "truncated";
    case CIRCUIT_CLOSE_PROTOCOL: return "protocol violation";
    case CIRCUIT_CLOSE_TIMEOUT: return "timed out";
    case CIRCUIT_CLOSE_RESOURCE: return "out of resources";
  }
  return "unknown";
}

/* ---- the circuit list and freeing ---- */

static void
circuit_unlink(circuit_t *circ)
{
  if (circ->prev)
    circ->prev->next = circ->next;
  else
    all_circuits = circ->next;
  if (circ->next)
    circ->next->prev = circ->prev;
  circ->next = circ->prev = NULL;
  n_circuits--;
}

static void
circuit_free_now(circuit_t *circ)
{
  for (int i = 0; i < circ->n_open; i++)
    relay_crypto_free(circ->crypto[i]);
  for (int i = 0; i < circ->n_hops; i++)
    free(circ->hops[i].cc);
  hs_e2e_crypto_free(circ->e2e);
  free(circ->e2e_cc);
  onion_ntor_client_clear(&circ->ntor);
  onion_ntor3_client_clear(&circ->ntor3);
  onion_fast_client_clear(&circ->fast);
  if (circ->timeout_event)
    event_free(circ->timeout_event);
  memwipe(circ, sizeof(*circ));
  free(circ);
}

static void
circuit_free_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what;
  circuit_free_now(arg);
}

/* ---- closing ---- */

static void
circuit_close_impl(circuit_t *circ, circuit_close_reason_t reason, int send_destroy)
{
  if (circ->state == CIRC_CLOSED)
    return;
  circ->state = CIRC_CLOSED;
  if (circ->chan && circ->circ_id) {
    if (send_destroy && channel_is_open(circ->chan)) {
      cell_t cell;
      memset(&cell, 0, sizeof(cell));
      cell.circ_id = circ->circ_id;
      cell.command = CELL_DESTROY;
      cell.payload[0] = DESTROY_REASON_NONE;
      channel_send_cell(circ->chan, &cell);
    }
    channel_circ_detach(circ->chan, circ->circ_id);
  }
  circ->chan = NULL;
  if (circ->timeout_event)
    event_del(circ->timeout_event);
  circuit_unlink(circ);
  log_info(LD_CIRC, "Circuit %u closed: %s.", circ->log_id, circuit_close_reason_str(reason));
  if (observer)
    observer(circ, circ->built_at.tv_sec ? CIRCUIT_EVENT_CLOSED : CIRCUIT_EVENT_FAILED,
             reason);
  if (circ->handlers.on_closed)
    circ->handlers.on_closed(circ, reason, circ->arg);
  /* Free after this loop turn, so callers up the stack may still look. */
  struct timeval now = { 0, 0 };
  if (event_base_once(circ->base, -1, EV_TIMEOUT, circuit_free_cb, circ, &now) < 0)
    circuit_free_now(circ);
}

void
circuit_close(circuit_t *circ, circuit_close_reason_t reason)
{
  circuit_close_impl(circ, reason, 1);
}

void
circuit_close_all(void)
{
  while (all_circuits)
    circuit_close(all_circuits, CIRCUIT_CLOSE_REQUESTED);
}

size_t
circuit_count(void)
{
  return n_circuits;
}

/* ---- hops ---- */

/* The index of the hop messages go to by default: the end-to-end hop if
 * there is one, else the last real hop. */
static int
last_hop(const circuit_t *circ)
{
  return circ->e2e ? circ->n_hops : circ->n_hops - 1;
}

static sendme_circ_t *
hop_sendme(circuit_t *circ, int hop)
{
  return hop == circ->n_hops ? &circ->e2e_sendme : &circ->hops[hop].sendme;
}

/* Congestion control on hop, or NULL (fixed windows). */
static cc_vegas_t *
hop_cc(const circuit_t *circ, int hop)
{
  return hop == circ->n_hops ? circ->e2e_cc : circ->hops[hop].cc;
}

static uint64_t
monotonic_usec(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
hop_can_package(circuit_t *circ, int hop)
{
  const cc_vegas_t *cc = hop_cc(circ, hop);
  return cc ? cc_vegas_can_send(cc) > 0 : sendme_circ_can_package(hop_sendme(circ, hop));
}

static const uint8_t *
hop_last_forward_digest(const circuit_t *circ, int hop)
{
  return hop == circ->n_hops ? hs_e2e_crypto_last_outgoing_digest(circ->e2e)
                             : relay_crypto_last_forward_digest(circ->crypto[hop]);
}

static const uint8_t *
hop_last_backward_digest(const circuit_t *circ, int hop)
{
  return hop == circ->n_hops ? hs_e2e_crypto_last_incoming_digest(circ->e2e)
                             : relay_crypto_last_backward_digest(circ->crypto[hop]);
}

int
circuit_add_e2e_hop(circuit_t *circ, hs_e2e_crypto_t *e2e)
{
  if (circ->state != CIRC_OPEN || circ->e2e || !e2e)
    return -1;
  circ->e2e = e2e;
  sendme_circ_init(&circ->e2e_sendme);
  return 0;
}

int
circuit_e2e_use_congestion_control(circuit_t *circ, int sendme_inc)
{
  cc_params_t p;
  if (!circ->e2e || circ->e2e_cc || sendme_inc < 1 || sendme_inc > 255)
    return -1;
  circ->e2e_cc = malloc(sizeof(*circ->e2e_cc));
  if (!circ->e2e_cc)
    return -1;
  cc_params_default_onion(&p);
  p.sendme_inc = sendme_inc;
  cc_vegas_init(circ->e2e_cc, &p);
  sendme_circ_receive_with_cc(&circ->e2e_sendme, sendme_inc);
  return 0;
}

int
circuit_uses_congestion_control(const circuit_t *circ)
{
  return hop_cc(circ, last_hop(circ)) != NULL;
}

/* ---- sending ---- */

/* Encrypts a plaintext relay cell for hop (the end-to-end hop seals it
 * itself, the real hops then only add their layers), accounts a DATA cell
 * in the hop's window, and queues it on the channel. */
static int
seal_and_queue(circuit_t *circ, int hop, cell_t *cell, int is_data, size_t body_len)
{
  if (hop == circ->n_hops) {
    if (hs_e2e_crypto_encrypt_outgoing(circ->e2e, cell->payload) < 0 ||
        relay_crypto_client_add_layers(circ->crypto, circ->n_open, cell->payload) < 0)
      return -1;
  } else if (relay_crypto_client_encrypt(circ->crypto, hop, cell->payload) < 0) {
    return -1;
  }
  if (is_data) {
    cc_vegas_t *cc = hop_cc(circ, hop);
    int r = cc ? cc_vegas_data_sent(cc, hop_last_forward_digest(circ, hop),
                                    cc_vegas_next_sent_is_timed(cc) ? monotonic_usec() : 0)
               : sendme_circ_data_sent(hop_sendme(circ, hop), hop_last_forward_digest(circ, hop));
    if (r < 0)
      return -1;
  }
  if (channel_send_cell(circ->chan, cell) < 0) {
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    return -1;
  }
  circ->bw.written += CELL_PAYLOAD_LEN;
  circ->bw.delivered_written += body_len;
  circ->bw.overhead_written += RELAY_DATA_MAX - body_len;
  return 0;
}

/* Encodes, encrypts for hop and queues one relay cell. */
static int
send_relay_cell(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                const uint8_t *data, size_t len, int early)
{
  cell_t cell;
  if (!circ->chan)
    return -1;
  cell.circ_id = circ->circ_id;
  cell.command = early ? CELL_RELAY_EARLY : CELL_RELAY;
  if (relay_msg_encode(cell.payload, command, stream_id, data, len) < 0)
    return -1;
  return seal_and_queue(circ, hop, &cell, command == RELAY_COMMAND_DATA, len);
}

int
circuit_send_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                   const uint8_t *data, size_t len)
{
  if (circ->state != CIRC_OPEN)
    return -1;
  if (hop < 0)
    hop = last_hop(circ);
  if ((hop >= circ->n_open && !(hop == circ->n_hops && circ->e2e)) || len > RELAY_DATA_MAX)
    return -1;
  if (command == RELAY_COMMAND_DATA && !hop_can_package(circ, hop))
    return -2;
  return send_relay_cell(circ, hop, command, stream_id, data, len, 0);
}

int
circuit_send_data_generated(circuit_t *circ, uint16_t stream_id, circuit_fill_fn fill,
                            void *arg)
{
  cell_t cell;
  relay_header_t hdr;
  int hop = last_hop(circ);
  if (circ->state != CIRC_OPEN || !circ->chan)
    return -1;
  if (!hop_can_package(circ, hop))
    return -2;
  /* The bytes go straight into the cell's data field. */
  size_t n = fill(cell.payload + RELAY_HEADER_LEN, RELAY_DATA_MAX, arg);
  if (n == 0)
    return 0;
  memset(&hdr, 0, sizeof(hdr));
  hdr.command = RELAY_COMMAND_DATA;
  hdr.stream_id = stream_id;
  hdr.length = (uint16_t)n;
  relay_header_pack(cell.payload, &hdr);
  if (n < RELAY_DATA_MAX) {
    /* tor-spec 6.1: four zero bytes, then random padding. */
    size_t pad = RELAY_DATA_MAX - n;
    size_t zeros = pad < 4 ? pad : 4;
    memset(cell.payload + RELAY_HEADER_LEN + n, 0, zeros);
    if (pad > zeros)
      crypto_rand_bytes(cell.payload + RELAY_HEADER_LEN + n + zeros, pad - zeros);
  }
  cell.circ_id = circ->circ_id;
  cell.command = CELL_RELAY;
  if (seal_and_queue(circ, hop, &cell, 1, n) < 0)
    return -1;
  return (int)n;
}

int
circuit_can_package(const circuit_t *circ)
{
  return circ->state == CIRC_OPEN &&
         hop_can_package((circuit_t *)circ, last_hop(circ));
}

size_t
circuit_channel_backlog(const circuit_t *circ)
{
  return circ->chan ? channel_outbuf_len(circ->chan) : 0;
}

/* ---- building ---- */

static void
circuit_note_built(circuit_t *circ)
{
  circ->state = CIRC_OPEN;
  gettimeofday(&circ->built_at, NULL);
  event_del(circ->timeout_event);
  log_info(LD_CIRC, "Circuit %u built (%d hops) in %.2f seconds.", circ->log_id,
           circ->n_hops, circuit_build_seconds(circ));
  if (observer)
    observer(circ, CIRCUIT_EVENT_BUILT, CIRCUIT_CLOSE_REQUESTED);
  if (circ->handlers.on_built)
    circ->handlers.on_built(circ, circ->arg);
}

/* The handshake for the hop being added into buf: ntor v3 where the
 * relay offers it, as tor clients do (proposal 332; with no extensions
 * for now), else ntor v1. */
static int
make_onionskin(circuit_t *circ, const circuit_hop_info_t *h, uint8_t *buf, size_t cap,
               onion_handshake_t *hs)
{
  circ->adding_v3 = h->ntor_v3;
  circ->adding_requested_cc = h->ntor_v3 && h->request_cc;
  if (h->ntor_v3) {
    /* The client message is an extension list: the congestion control
     * request, or none (one count byte: real relays refuse an empty
     * message). */
    uint8_t msg[16] = { 0 };
    size_t msg_len = 1;
    if (circ->adding_requested_cc) {
      int n = onion_ntor3_cc_request_encode(msg, sizeof(msg));
      if (n < 0)
        return -1;
      msg_len = (size_t)n;
    }
    size_t len;
    if (onion_ntor3_client_create(&circ->ntor3, h->ed_id, h->ntor_onion_key,
                                  (const uint8_t *)ONION_NTOR3_CIRC_VERIFICATION,
                                  ONION_NTOR3_CIRC_VERIFICATION_LEN, msg, msg_len, buf, cap,
                                  &len) < 0 || len > UINT16_MAX)
      return -1;
    hs->htype = ONION_HTYPE_NTOR_V3;
    hs->hlen = (uint16_t)len;
  } else {
    if (cap < NTOR_ONIONSKIN_LEN ||
        onion_ntor_client_create(&circ->ntor, h->rsa_id, h->ntor_onion_key, buf) < 0)
      return -1;
    hs->htype = ONION_HTYPE_NTOR;
    hs->hlen = NTOR_ONIONSKIN_LEN;
  }
  hs->hdata = buf;
  return 0;
}

/* Sends EXTEND2 for the next hop, or reports the circuit built. */
static void
circuit_extend_next(circuit_t *circ)
{
  if (circ->n_open == circ->n_hops) {
    circuit_note_built(circ);
    return;
  }
  const circuit_hop_info_t *next = &circ->hops[circ->n_open].info;
  uint8_t onionskin[NTOR3_ONIONSKIN_OVERHEAD + 64], body[RELAY_DATA_MAX];
  extend2_request_t req;
  memset(&req, 0, sizeof(req));
  if (inet_pton(AF_INET, next->address, req.ipv4_addr) != 1 ||
      make_onionskin(circ, next, onionskin, sizeof(onionskin), &req.handshake) < 0) {
    circuit_close(circ, CIRCUIT_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  req.has_ipv4 = 1;
  req.ipv4_port = next->or_port;
  req.has_legacy_id = 1;
  memcpy(req.legacy_id, next->rsa_id, sizeof(req.legacy_id));
  if (next->has_ed_id) {
    req.has_ed25519_id = 1;
    memcpy(req.ed25519_id, next->ed_id, sizeof(req.ed25519_id));
  }
  int len = extend2_body_encode(body, sizeof(body), &req);
  if (len < 0 || circ->relay_early_sent >= CIRCUIT_MAX_RELAY_EARLY) {
    circuit_close(circ, CIRCUIT_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  circ->relay_early_sent++;
  /* EXTEND2 goes to the last open hop, in a RELAY_EARLY cell. */
  if (send_relay_cell(circ, circ->n_open - 1, RELAY_COMMAND_EXTEND2, 0, body, (size_t)len, 1) < 0)
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
}

/* A CREATED2 or EXTENDED2 reply for the hop being added. */
static void
circuit_finish_hop(circuit_t *circ, const uint8_t *reply, size_t len)
{
  const uint8_t *hdata;
  uint16_t hlen;
  uint8_t keys[ONION_NTOR_CIRCUIT_KEY_WITH_KH_LEN];
  uint8_t server_msg[64];
  size_t server_msg_len = 0;
  int ok = created2_body_parse(reply, len, &hdata, &hlen) == 0;
  if (ok && circ->adding_v3)
    ok = onion_ntor3_client_finish(&circ->ntor3, hdata, hlen, server_msg, sizeof(server_msg),
                                   &server_msg_len, keys, sizeof(keys)) == 0;
  else if (ok)
    ok = hlen == NTOR_REPLY_LEN &&
         onion_ntor_client_finish(&circ->ntor, hdata, keys, sizeof(keys)) == 0;
  onion_ntor_client_clear(&circ->ntor);
  onion_ntor3_client_clear(&circ->ntor3);
  if (!ok) {
    log_protocol_warn(LD_PROTOCOL, "Bad ntor%s reply from hop %d (%s) of circuit %u.",
                      circ->adding_v3 ? " v3" : "", circ->n_open + 1,
                      circ->hops[circ->n_open].info.nickname, circ->log_id);
    circuit_close(circ, CIRCUIT_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  /* Congestion control: only where we asked for it (proposal 324 §10.5:
   * an answer we did not request is a protocol error). */
  int cc_present = 0;
  uint8_t sendme_inc = 0;
  if (circ->adding_v3 &&
      (onion_ntor3_cc_response_parse(server_msg, server_msg_len, &cc_present, &sendme_inc) < 0 ||
       (cc_present && (!circ->adding_requested_cc || sendme_inc == 0)))) {
    log_protocol_warn(LD_PROTOCOL, "Bad ntor v3 server message from hop %d (%s) of circuit %u.",
                      circ->n_open + 1, circ->hops[circ->n_open].info.nickname, circ->log_id);
    memwipe(keys, sizeof(keys));
    circuit_close(circ, CIRCUIT_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  memwipe(server_msg, sizeof(server_msg));
  log_info(LD_CIRC, "Circuit %u: hop %d (%s) open, ntor%s%s.", circ->log_id, circ->n_open + 1,
           circ->hops[circ->n_open].info.nickname, circ->adding_v3 ? " v3" : " v1",
           cc_present ? ", congestion control" : "");
  memcpy(circ->hops[circ->n_open].kh, keys + ONION_NTOR_CIRCUIT_KEY_LEN, 20);
  relay_crypto_t *rc = relay_crypto_new(keys, ONION_NTOR_CIRCUIT_KEY_LEN);
  memwipe(keys, sizeof(keys));
  if (!rc) {
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  circ->crypto[circ->n_open] = rc;
  sendme_circ_init(&circ->hops[circ->n_open].sendme);
  if (cc_present) {
    cc_params_t params;
    cc_params_default_exit(&params);
    params.sendme_inc = sendme_inc;
    circ->hops[circ->n_open].cc = malloc(sizeof(cc_vegas_t));
    if (!circ->hops[circ->n_open].cc) {
      circ->n_open++;   /* its crypto is freed with the circuit */
      circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
      return;
    }
    cc_vegas_init(circ->hops[circ->n_open].cc, &params);
    sendme_circ_receive_with_cc(&circ->hops[circ->n_open].sendme, sendme_inc);
  }
  circ->n_open++;
  if (observer)
    observer(circ, CIRCUIT_EVENT_EXTENDED, CIRCUIT_CLOSE_REQUESTED);
  circuit_extend_next(circ);
}

/* A CREATED_FAST reply for hop 0 (KH checked, then the hop opens as an
 * ntor hop does, without congestion control). */
static void
circuit_finish_fast_hop(circuit_t *circ, const uint8_t *reply, size_t len)
{
  uint8_t keys[ONION_FAST_KEY_WITH_KH_LEN];
  int ok = onion_fast_client_finish(&circ->fast, reply, len, keys, sizeof(keys)) == 0;
  onion_fast_client_clear(&circ->fast);
  circ->adding_fast = 0;
  if (!ok) {
    log_protocol_warn(LD_PROTOCOL, "Bad CREATED_FAST reply from hop 1 (%s) of circuit %u.",
                      circ->hops[0].info.nickname, circ->log_id);
    circuit_close(circ, CIRCUIT_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  log_info(LD_CIRC, "Circuit %u: hop 1 (%s) open, CREATE_FAST.", circ->log_id,
           circ->hops[0].info.nickname);
  memcpy(circ->hops[0].kh, keys + ONION_FAST_CIRCUIT_KEY_LEN, 20);
  circ->crypto[0] = relay_crypto_new(keys, ONION_FAST_CIRCUIT_KEY_LEN);
  memwipe(keys, sizeof(keys));
  if (!circ->crypto[0]) {
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  sendme_circ_init(&circ->hops[0].sendme);
  circ->n_open = 1;
  if (observer)
    observer(circ, CIRCUIT_EVENT_EXTENDED, CIRCUIT_CLOSE_REQUESTED);
  circuit_extend_next(circ);
}

static void
circuit_start_create(circuit_t *circ)
{
  const circuit_hop_info_t *first = &circ->hops[0].info;
  uint8_t onionskin[NTOR3_ONIONSKIN_OVERHEAD + 64];
  cell_t cell;
  circ->circ_id = channel_circ_attach(circ->chan, circ);
  if (!circ->circ_id) {
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  memset(&cell, 0, sizeof(cell));
  cell.circ_id = circ->circ_id;
  cell.command = CELL_CREATE2;
  onion_handshake_t hs;
  circ->adding_fast = first->create_fast;
  if (first->create_fast) {
    cell.command = CELL_CREATE_FAST;   /* X, then zero padding */
    if (onion_fast_client_create(&circ->fast, cell.payload) < 0) {
      circuit_close(circ, CIRCUIT_CLOSE_HANDSHAKE_FAILED);
      return;
    }
  } else if (make_onionskin(circ, first, onionskin, sizeof(onionskin), &hs) < 0 ||
             create2_body_encode(cell.payload, sizeof(cell.payload), &hs) < 0) {
    circuit_close(circ, CIRCUIT_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  circ->state = CIRC_BUILDING;
  if (channel_send_cell(circ->chan, &cell) < 0)
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
}

/* ---- receiving ---- */

/* Decrypts the cell in place (the channel lends it to us for the call). */
static void
circuit_handle_relay_cell(circuit_t *circ, cell_t *cell)
{
  uint8_t *payload = cell->payload;
  relay_header_t hdr;
  const uint8_t *data;
  int hop = relay_crypto_client_decrypt(circ->crypto, circ->n_open, payload);
  if (hop < 0 && circ->e2e && hs_e2e_crypto_decrypt_incoming(circ->e2e, payload) == 1)
    hop = circ->n_hops;  /* from the other end of a rendezvous */
  if (hop < 0 || relay_msg_decode(payload, RELAY_PAYLOAD_LEN, &hdr, &data) < 0) {
    log_protocol_warn(LD_PROTOCOL, "Unrecognized relay cell on circuit %u; closing it.",
                      circ->log_id);
    circuit_close(circ, CIRCUIT_CLOSE_PROTOCOL);
    return;
  }
  circ->bw.read += CELL_PAYLOAD_LEN;
  circ->bw.delivered_read += hdr.length;
  circ->bw.overhead_read += RELAY_DATA_MAX - hdr.length;
  switch (hdr.command) {
    case RELAY_COMMAND_DATA: {
      uint8_t body[SENDME_V1_BODY_LEN];
      int r = sendme_circ_data_received(hop_sendme(circ, hop), hop_last_backward_digest(circ, hop),
                                        body);
      if (r < 0 || hdr.stream_id == 0 || circ->state != CIRC_OPEN) {
        log_protocol_warn(LD_PROTOCOL, "Unexpected DATA cell on circuit %u; closing it.",
                          circ->log_id);
        circuit_close(circ, CIRCUIT_CLOSE_PROTOCOL);
        return;
      }
      if (r == 1 && send_relay_cell(circ, hop, RELAY_COMMAND_SENDME, 0, body, sizeof(body), 0) < 0)
        return;
      break;
    }
    case RELAY_COMMAND_SENDME:
      if (hdr.stream_id != 0)
        break; /* a stream's: the owner's business */
      if ((hop_cc(circ, hop)
           ? cc_vegas_sendme_received(hop_cc(circ, hop), data, hdr.length, 1, monotonic_usec())
           : sendme_circ_sendme_received(hop_sendme(circ, hop), data, hdr.length, 1)) < 0) {
        circuit_close(circ, CIRCUIT_CLOSE_PROTOCOL);
        return;
      }
      if (hop == last_hop(circ) && circ->handlers.on_writable)
        circ->handlers.on_writable(circ, circ->arg);
      return;
    case RELAY_COMMAND_EXTENDED2:
      if (circ->state != CIRC_BUILDING || hop != circ->n_open - 1 || hdr.stream_id != 0) {
        circuit_close(circ, CIRCUIT_CLOSE_PROTOCOL);
        return;
      }
      circuit_finish_hop(circ, data, hdr.length);
      return;
    case RELAY_COMMAND_TRUNCATED:
      log_info(LD_CIRC, "Circuit %u truncated at hop %d (reason %u).", circ->log_id, hop + 1,
               hdr.length ? data[0] : 0);
      circuit_close(circ, CIRCUIT_CLOSE_TRUNCATED);
      return;
    case RELAY_COMMAND_DROP:
    case RELAY_COMMAND_PADDING_NEGOTIATED:
      return;
    default:
      break;
  }
  if (circ->state != CIRC_OPEN) {
    circuit_close(circ, CIRCUIT_CLOSE_PROTOCOL);
    return;
  }
  if (circ->handlers.on_relay)
    circ->handlers.on_relay(circ, hop, hdr.command, hdr.stream_id, data, hdr.length, circ->arg);
}

/* ---- channel events ---- */

static void
chan_on_open(channel_t *chan, void *arg)
{
  (void)arg;
  for (circuit_t *c = all_circuits, *next; c; c = next) {
    next = c->next;
    if (c->chan == chan && c->state == CIRC_WAITING_FOR_CHANNEL)
      circuit_start_create(c);
  }
}

static void
chan_on_cell(channel_t *chan, cell_t *cell, void *circp, void *arg)
{
  circuit_t *circ = circp;
  (void)chan; (void)arg;
  if (!circ || circ->state == CIRC_CLOSED)
    return; /* a cell for a circuit we already closed */
  switch (cell->command) {
    case CELL_CREATED2:
    case CELL_CREATED_FAST:
      if (circ->state != CIRC_BUILDING || circ->n_open != 0 ||
          circ->adding_fast != (cell->command == CELL_CREATED_FAST)) {
        circuit_close(circ, CIRCUIT_CLOSE_PROTOCOL);
        return;
      }
      if (circ->adding_fast)
        circuit_finish_fast_hop(circ, cell->payload, sizeof(cell->payload));
      else
        circuit_finish_hop(circ, cell->payload, sizeof(cell->payload));
      break;
    case CELL_RELAY:
    case CELL_RELAY_EARLY:
      if (circ->n_open == 0) {
        circuit_close(circ, CIRCUIT_CLOSE_PROTOCOL);
        return;
      }
      circuit_handle_relay_cell(circ, cell);
      break;
    case CELL_DESTROY:
      log_info(LD_CIRC, "Circuit %u destroyed by its first hop (reason %u).", circ->log_id,
               cell->payload[0]);
      circuit_close_impl(circ, CIRCUIT_CLOSE_DESTROYED, 0);
      break;
    default:
      log_protocol_warn(LD_PROTOCOL, "Unexpected cell command %u on circuit %u.",
                        cell->command, circ->log_id);
      break;
  }
}

static void
chan_on_closed(channel_t *chan, channel_close_reason_t reason, void *arg)
{
  (void)arg;
  for (circuit_t *c = all_circuits, *next; c; c = next) {
    next = c->next;
    if (c->chan != chan)
      continue;
    log_info(LD_CIRC, "Circuit %u lost its channel: %s.", c->log_id,
             channel_close_reason_str(reason));
    c->chan = NULL;
    c->circ_id = 0;
    circuit_close(c, CIRCUIT_CLOSE_CHANNEL_FAILED);
  }
}

static const channel_handlers_t circuit_channel_handlers = {
  chan_on_open, chan_on_cell, NULL, chan_on_closed,
};

/* ---- launching ---- */

static void
circuit_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
  circuit_t *circ = arg;
  (void)fd; (void)what;
  if (circ->state != CIRC_OPEN)
    circuit_close(circ, CIRCUIT_CLOSE_TIMEOUT);
}

static void
circuit_kick_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what;
  /* The circuit may have been closed (and freed) before this ran: look it
   * up rather than trusting the pointer. */
  for (circuit_t *c = all_circuits; c; c = c->next)
    if (c == arg && c->state == CIRC_WAITING_FOR_CHANNEL && c->chan && channel_is_open(c->chan))
      circuit_start_create(c);
}

circuit_t *
circuit_launch(struct event_base *base, const circuit_hop_info_t *hops, int n_hops,
               const circuit_handlers_t *handlers, void *arg, const circuit_purpose_t *purpose)
{
  if (n_hops < 1 || n_hops > CIRCUIT_MAX_HOPS)
    return NULL;
  circuit_t *circ = calloc(1, sizeof(*circ));
  if (!circ)
    return NULL;
  circ->base = base;
  circ->log_id = next_log_id++;
  circ->n_hops = n_hops;
  for (int i = 0; i < n_hops; i++)
    circ->hops[i].info = hops[i];
  circ->handlers = *handlers;
  circ->arg = arg;
  circ->state = CIRC_WAITING_FOR_CHANNEL;
  gettimeofday(&circ->launched_at, NULL);
  snprintf(circ->purpose, sizeof(circ->purpose), "%s",
           purpose && purpose->purpose ? purpose->purpose : "GENERAL");
  snprintf(circ->hs_state, sizeof(circ->hs_state), "%s",
           purpose && purpose->hs_state ? purpose->hs_state : "");
  snprintf(circ->rend_query, sizeof(circ->rend_query), "%s",
           purpose && purpose->rend_query ? purpose->rend_query : "");
  circ->timeout_event = evtimer_new(base, circuit_timeout_cb, circ);
  if (!circ->timeout_event) {
    free(circ);
    return NULL;
  }
  const circuit_hop_info_t *first = &hops[0];
  channel_t *chan = channel_find_by_rsa_id(first->rsa_id);
  if (!chan)
    chan = channel_tls_connect(base, first->address, first->or_port, first->rsa_id,
                               first->has_ed_id ? first->ed_id : NULL,
                               &circuit_channel_handlers, NULL);
  if (!chan) {
    event_free(circ->timeout_event);
    free(circ);
    return NULL;
  }
  circ->chan = chan;
  circ->next = all_circuits;
  if (all_circuits)
    all_circuits->prev = circ;
  all_circuits = circ;
  n_circuits++;
  struct timeval tv = { CIRCUIT_BUILD_TIMEOUT, 0 };
  evtimer_add(circ->timeout_event, &tv);
  if (channel_is_open(chan)) {
    struct timeval now = { 0, 0 };
    event_base_once(base, -1, EV_TIMEOUT, circuit_kick_cb, circ, &now);
  }
  log_info(LD_CIRC, "Launching circuit %u through %d hops, first %s (%s:%u).", circ->log_id,
           n_hops, first->nickname, first->address, first->or_port);
  if (observer)
    observer(circ, CIRCUIT_EVENT_LAUNCHED, CIRCUIT_CLOSE_REQUESTED);
  return circ;
}

/* ---- accessors ---- */

void
circuit_set_observer(circuit_observer_fn fn)
{
  observer = fn;
}

void
circuit_set_purpose(circuit_t *circ, const char *purpose, const char *hs_state,
                    const char *rend_query)
{
  if (!purpose)
    purpose = "GENERAL";
  if (!hs_state)
    hs_state = "";
  int changed = strcmp(purpose, circ->purpose) || strcmp(hs_state, circ->hs_state);
  memcpy(circ->old_purpose, circ->purpose, sizeof(circ->old_purpose));
  memcpy(circ->old_hs_state, circ->hs_state, sizeof(circ->old_hs_state));
  snprintf(circ->purpose, sizeof(circ->purpose), "%s", purpose);
  snprintf(circ->hs_state, sizeof(circ->hs_state), "%s", hs_state);
  snprintf(circ->rend_query, sizeof(circ->rend_query), "%s", rend_query ? rend_query : "");
  if (changed && observer && circ->state != CIRC_CLOSED)
    observer(circ, CIRCUIT_EVENT_PURPOSE_CHANGED, CIRCUIT_CLOSE_REQUESTED);
}

const char *
circuit_old_purpose(const circuit_t *circ)
{
  return circ->old_purpose;
}

const char *
circuit_old_hs_state(const circuit_t *circ)
{
  return circ->old_hs_state;
}

void
circuit_take_bw(circuit_t *circ, circuit_bw_t *out)
{
  *out = circ->bw;
  memset(&circ->bw, 0, sizeof(circ->bw));
  const cc_vegas_t *cc = hop_cc(circ, last_hop(circ));
  if (cc) {
    out->has_cc = 1;
    out->in_slow_start = cc->in_slow_start;
    out->cwnd = cc->cwnd;
    out->rtt_msec = cc->ewma_rtt_usec / 1000;
    out->min_rtt_msec = cc->min_rtt_usec / 1000;
  }
}

const char *
circuit_purpose(const circuit_t *circ)
{
  return circ->purpose[0] ? circ->purpose : "GENERAL";
}

const char *
circuit_hs_state(const circuit_t *circ)
{
  return circ->hs_state;
}

const char *
circuit_rend_query(const circuit_t *circ)
{
  return circ->rend_query;
}

int
circuit_n_open_hops(const circuit_t *circ)
{
  return circ->n_open;
}

void
circuit_launched_at(const circuit_t *circ, long *sec, long *usec)
{
  *sec = (long)circ->launched_at.tv_sec;
  *usec = (long)circ->launched_at.tv_usec;
}

circuit_t *
circuit_first(void)
{
  return all_circuits;
}

circuit_t *
circuit_next(const circuit_t *circ)
{
  return circ->next;
}

int
circuit_is_open(const circuit_t *circ)
{
  return circ->state == CIRC_OPEN;
}

int
circuit_n_hops(const circuit_t *circ)
{
  return circ->n_hops;
}

const circuit_hop_info_t *
circuit_hop_info(const circuit_t *circ, int hop)
{
  return hop >= 0 && hop < circ->n_hops ? &circ->hops[hop].info : NULL;
}

double
circuit_build_seconds(const circuit_t *circ)
{
  return (double)(circ->built_at.tv_sec - circ->launched_at.tv_sec) +
         (double)(circ->built_at.tv_usec - circ->launched_at.tv_usec) / 1e6;
}

const uint8_t *
circuit_hop_kh(const circuit_t *circ, int hop)
{
  return hop >= 0 && hop < circ->n_open ? circ->hops[hop].kh : NULL;
}

unsigned
circuit_log_id(const circuit_t *circ)
{
  return circ->log_id;
}
