/* One connection attempt to an onion service: see hs_client_conn.h. */
#include "orconfig.h"
#include "feature/hs/hs_client_conn.h"
#include "core/crypto/hs_ntor.h"
#include "core/crypto/relay_crypto_hs.h"
#include "core/crypto/relay_msg.h"
#include "core/or/stream.h"
#include "feature/client/client.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
  REND_CONNECTING,
  REND_ESTABLISHED_IDLE,
  REND_ESTABLISHED_WAITING,
  REND_JOINED,
  REND_ENDED,
} rend_state_t;

typedef enum { INTRO_NONE, INTRO_CONNECTING, INTRO_SENT, INTRO_DONE } intro_state_t;

struct hs_client_conn_t {
  hs_client_conn_params_t p;        /* p.intro: the intro point in use */
  hs_client_conn_owner_t owner;
  void *arg;
  rend_state_t rend_state;
  intro_state_t intro_state;
  circuit_t *rend;
  circuit_t *intro;
  int rend_built, intro_built;
  int intros_tried;
  int freeing;                      /* hs_client_conn_free is closing */
  time_t rend_built_at, intro_sent_at, acked_at;
  uint8_t cookie[HS_REND_COOKIE_LEN];
  /* The client key of the last INTRODUCE1, and the intro point it went to
   * (B and AUTH_KEY of the handshake RENDEZVOUS2 completes). */
  uint8_t x[HS_NTOR_KEY_LEN], X[HS_NTOR_KEY_LEN];
  uint8_t sent_auth_key[32], sent_enc_key[32];
  int introduced;                   /* an INTRODUCE1 went out */
};

/* ---- the circuit operations ---- */

static int
real_send(circuit_t *circ, int hop, uint8_t command, const uint8_t *body, size_t len)
{
  return circuit_send_relay(circ, hop, command, 0, body, len);
}

static time_t
real_now(void)
{
  return time(NULL);
}

static const hs_client_circ_ops_t real_ops = {
  client_launch_circuit_to, real_send, circuit_close, circuit_set_purpose, circuit_n_hops,
  circuit_add_e2e_hop, real_now, circuit_log_id, circuit_e2e_use_congestion_control,
};
static const hs_client_circ_ops_t *ops = &real_ops;

void
hs_client_conn_set_ops(const hs_client_circ_ops_t *o)
{
  ops = o ? o : &real_ops;
}

/* ---- states ---- */

static const char *
rend_state_name(rend_state_t s)
{
  switch (s) {
    case REND_CONNECTING: return "HSCR_CONNECTING";
    case REND_ESTABLISHED_IDLE: return "HSCR_ESTABLISHED_IDLE";
    case REND_ESTABLISHED_WAITING: return "HSCR_ESTABLISHED_WAITING";
    case REND_JOINED: return "HSCR_JOINED";
    default: return "";
  }
}

static const char *
intro_state_name(intro_state_t s)
{
  switch (s) {
    case INTRO_CONNECTING: return "HSCI_CONNECTING";
    case INTRO_SENT: return "HSCI_INTRO_SENT";
    case INTRO_DONE: return "HSCI_DONE";
    default: return "";
  }
}

static void
set_rend_state(hs_client_conn_t *c, rend_state_t s)
{
  c->rend_state = s;
  if (c->rend && s != REND_ENDED)
    ops->set_purpose(c->rend, "HS_CLIENT_REND", rend_state_name(s), c->p.addr);
}

static void
set_intro_state(hs_client_conn_t *c, intro_state_t s)
{
  c->intro_state = s;
  if (c->intro && s != INTRO_NONE)
    ops->set_purpose(c->intro, "HS_CLIENT_INTRO", intro_state_name(s), c->p.addr);
}

/* Closes the intro circuit, if any, without treating it as a failure. */
static void
drop_intro(hs_client_conn_t *c)
{
  circuit_t *circ = c->intro;
  c->intro = NULL;
  c->intro_built = 0;
  if (circ)
    ops->close(circ, CIRCUIT_CLOSE_REQUESTED);
}

/* The attempt is over: close everything (reason: for our logs; DESTROY
 * says none), then tell the owner (last). */
static void
conn_end(hs_client_conn_t *c, hs_client_status_t why, circuit_close_reason_t reason)
{
  circuit_t *rend = c->rend;
  if (c->rend_state == REND_ENDED)
    return;
  c->rend_state = REND_ENDED;
  drop_intro(c);
  c->rend = NULL;
  if (rend)
    ops->close(rend, reason);
  memwipe(c->x, sizeof(c->x));
  if (why != HS_CLIENT_OK)
    log_info(LD_REND, "Connection attempt to %s.onion failed: %s.", c->p.addr,
             hs_client_status_str(why));
  c->owner.ended(c, why, c->arg);
}

/* ---- introduction ---- */

static const circuit_handlers_t intro_handlers;

static int
launch_intro(hs_client_conn_t *c)
{
  const circuit_purpose_t purpose = { "HS_CLIENT_INTRO", "HSCI_CONNECTING", c->p.addr };
  c->intros_tried++;
  c->intro_built = 0;
  c->intro_state = INTRO_CONNECTING;
  c->intro = ops->launch(&c->p.intro.hop, &intro_handlers, c, &purpose);
  if (!c->intro) {
    c->intro_state = INTRO_NONE;
    return -1;
  }
  log_info(LD_REND, "Introduction circuit %u to %s for %s.onion launched.",
           ops->log_id(c->intro), c->p.intro.hop.nickname, c->p.addr);
  return 0;
}

/* The current intro point failed: another one, or the end. */
static void
intro_failed(hs_client_conn_t *c, const char *why)
{
  hs_client_intro_t failed = c->p.intro, next;
  log_info(LD_REND, "Intro point %s of %s.onion failed (%s).", failed.hop.nickname, c->p.addr,
           why);
  drop_intro(c);
  c->intro_state = INTRO_NONE;
  if (c->rend_state == REND_ESTABLISHED_WAITING)
    set_rend_state(c, REND_ESTABLISHED_IDLE);  /* introduce again */
  /* Each launch is counted, so this ends after HS_CLIENT_CONN_MAX_INTROS. */
  while (c->intros_tried < HS_CLIENT_CONN_MAX_INTROS) {
    if (c->owner.next_intro(c, &failed, &next, c->arg) < 0)
      break;
    c->p.intro = next;
    if (launch_intro(c) == 0)
      return;
    failed = next;
  }
  conn_end(c, HS_CLIENT_INTRO_FAILED, CIRCUIT_CLOSE_REQUESTED);
}

/* INTRODUCE1, once the intro circuit is built and the rendezvous point
 * holds our cookie. */
static void
maybe_introduce(hs_client_conn_t *c)
{
  uint8_t ls[HS_CELL_LINK_SPECIFIERS_MAX_LEN], body[RELAY_DATA_MAX];
  struct in_addr a;
  const circuit_hop_info_t *rp = &c->p.rend_point;
  if (c->rend_state != REND_ESTABLISHED_IDLE || !c->intro_built ||
      c->intro_state != INTRO_CONNECTING)
    return;
  size_t ls_len = inet_pton(AF_INET, rp->address, &a) == 1
                  ? hs_cell_link_specifiers_encode((const uint8_t *)&a.s_addr, rp->or_port,
                                                   rp->rsa_id, rp->has_ed_id ? rp->ed_id : NULL,
                                                   ls, sizeof(ls))
                  : 0;
  hs_introduce1_params_t ip = {
    .auth_pk = c->p.intro.auth_key, .enc_pk = c->p.intro.enc_key, .subcred = c->p.subcred,
    .rend_cookie = c->cookie, .onion_key = rp->ntor_onion_key, .link_specifiers = ls,
    .link_specifiers_len = ls_len,
  };
  /* The congestion control request (rend-spec-v3 INTRODUCE1 encrypted
   * extension type 0x01, empty), when the service offers it. */
  static const uint8_t cc_request[2] = { 0x01, 0x00 };
  if (c->p.cc_sendme_inc > 0) {
    ip.n_exts = 1;
    ip.exts = cc_request;
    ip.exts_len = sizeof(cc_request);
  }
  int n = ls_len ? hs_cell_introduce1_encode(body, sizeof(body), &ip, c->x, c->X) : -1;
  if (n < 0 || ops->send(c->intro, ops->n_hops(c->intro) - 1, RELAY_COMMAND_INTRODUCE1, body,
                         (size_t)n) < 0) {
    intro_failed(c, "INTRODUCE1 not sent");
    return;
  }
  memcpy(c->sent_auth_key, c->p.intro.auth_key, 32);
  memcpy(c->sent_enc_key, c->p.intro.enc_key, 32);
  c->introduced = 1;
  c->intro_sent_at = ops->now();
  set_intro_state(c, INTRO_SENT);
  log_info(LD_REND, "INTRODUCE1 sent to %s for %s.onion.", c->p.intro.hop.nickname, c->p.addr);
}

static void
intro_built(circuit_t *circ, void *arg)
{
  hs_client_conn_t *c = arg;
  if (circ != c->intro)
    return;
  c->intro_built = 1;
  maybe_introduce(c);
}

static void
intro_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id, const uint8_t *data,
            size_t len, void *arg)
{
  hs_client_conn_t *c = arg;
  uint16_t status;
  (void)stream_id;
  if (circ != c->intro || hop != ops->n_hops(circ) - 1)
    return;
  if (command != RELAY_COMMAND_INTRODUCE_ACK || c->intro_state != INTRO_SENT) {
    log_protocol_warn(LD_REND, "Unexpected %s on introduction circuit %u; closing it.",
                      relay_command_name(command), ops->log_id(circ));
    intro_failed(c, "unexpected cell");
    return;
  }
  if (hs_cell_introduce_ack_parse(data, len, &status, NULL) < 0) {
    intro_failed(c, "malformed INTRODUCE_ACK");
    return;
  }
  if (status != HS_INTRO_ACK_SUCCESS) {
    char why[48];
    snprintf(why, sizeof(why), "INTRODUCE_ACK status %u", status);
    intro_failed(c, why);
    return;
  }
  /* Our INTRODUCE2 is on its way to the service: the intro circuit is
   * done (tor closes it too), the rendezvous circuit waits. */
  set_intro_state(c, INTRO_DONE);
  drop_intro(c);
  c->acked_at = ops->now();
  if (c->rend_state == REND_ESTABLISHED_IDLE)
    set_rend_state(c, REND_ESTABLISHED_WAITING);
  log_info(LD_REND, "Introduction to %s.onion acknowledged.", c->p.addr);
}

static void
intro_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  hs_client_conn_t *c = arg;
  if (circ != c->intro || c->freeing)
    return;   /* one we dropped */
  c->intro = NULL;
  c->intro_built = 0;
  if (c->rend_state == REND_ENDED || c->intro_state == INTRO_DONE)
    return;
  intro_failed(c, circuit_close_reason_str(reason));
}

static const circuit_handlers_t intro_handlers = {
  .on_built = intro_built, .on_relay = intro_relay, .on_closed = intro_closed,
};

/* ---- rendezvous ---- */

static void
rend_built(circuit_t *circ, void *arg)
{
  hs_client_conn_t *c = arg;
  if (circ != c->rend)
    return;
  c->rend_built = 1;
  c->rend_built_at = ops->now();
  if (ops->send(circ, ops->n_hops(circ) - 1, RELAY_COMMAND_ESTABLISH_RENDEZVOUS, c->cookie,
                sizeof(c->cookie)) < 0)
    conn_end(c, HS_CLIENT_REND_FAILED, CIRCUIT_CLOSE_RESOURCE);
}

/* RENDEZVOUS2: the service's half of hs-ntor; on success the end-to-end
 * hop joins the circuit. */
static void
handle_rendezvous2(hs_client_conn_t *c, const uint8_t *data, size_t len)
{
  const uint8_t *reply;
  uint8_t keys[HS_NTOR_E2E_KEY_LEN];
  if (!c->introduced || hs_cell_rendezvous2_parse(data, len, &reply) < 0 ||
      hs_ntor_client_rendezvous(c->x, c->X, c->sent_enc_key, c->sent_auth_key, reply, keys) < 0) {
    log_protocol_warn(LD_REND, "RENDEZVOUS2 for %s.onion does not complete the handshake.",
                      c->p.addr);
    conn_end(c, HS_CLIENT_REND_FAILED, CIRCUIT_CLOSE_PROTOCOL);
    return;
  }
  hs_e2e_crypto_t *e2e = hs_e2e_crypto_new(keys, sizeof(keys), 0);
  memwipe(keys, sizeof(keys));
  memwipe(c->x, sizeof(c->x));
  if (!e2e || ops->add_e2e(c->rend, e2e) < 0) {
    hs_e2e_crypto_free(e2e);
    conn_end(c, HS_CLIENT_INTERNAL, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  if (c->p.cc_sendme_inc > 0 && ops->use_cc &&
      ops->use_cc(c->rend, c->p.cc_sendme_inc) < 0) {
    conn_end(c, HS_CLIENT_INTERNAL, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  /* An ACK still on its way does not matter any more. */
  drop_intro(c);
  set_rend_state(c, REND_JOINED);
  log_info(LD_REND, "Rendezvous circuit %u joined with %s.onion.", ops->log_id(c->rend),
           c->p.addr);
  c->owner.joined(c, c->rend, c->arg);
}

static void
rend_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id, const uint8_t *data,
           size_t len, void *arg)
{
  hs_client_conn_t *c = arg;
  if (circ != c->rend)
    return;
  if (c->rend_state == REND_JOINED && hop == ops->n_hops(circ)) {
    stream_circuit_relay(circ, command, stream_id, data, len);
    return;
  }
  if (hop != ops->n_hops(circ) - 1)
    return;
  if (command == RELAY_COMMAND_RENDEZVOUS_ESTABLISHED && c->rend_state == REND_CONNECTING) {
    /* Any body is ignored (rend-spec-v3 4.1). */
    set_rend_state(c, REND_ESTABLISHED_IDLE);
    log_info(LD_REND, "Rendezvous point %s established for %s.onion.",
             c->p.rend_point.nickname, c->p.addr);
    maybe_introduce(c);
    return;
  }
  /* RENDEZVOUS2 may overtake the INTRODUCE_ACK: take it once we have
   * introduced, acked or not. */
  if (command == RELAY_COMMAND_RENDEZVOUS2 && c->introduced &&
      (c->rend_state == REND_ESTABLISHED_IDLE || c->rend_state == REND_ESTABLISHED_WAITING)) {
    handle_rendezvous2(c, data, len);
    return;
  }
  log_protocol_warn(LD_REND, "Unexpected %s on rendezvous circuit %u (%s); closing it.",
                    relay_command_name(command), ops->log_id(circ),
                    rend_state_name(c->rend_state));
  conn_end(c, HS_CLIENT_REND_FAILED, CIRCUIT_CLOSE_PROTOCOL);
}

static void
rend_writable(circuit_t *circ, void *arg)
{
  (void)arg;
  stream_circuit_writable(circ);
}

static void
rend_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  hs_client_conn_t *c = arg;
  stream_circuit_closed(circ);
  if (circ != c->rend || c->freeing)
    return;
  c->rend = NULL;
  log_info(LD_REND, "Rendezvous circuit %u for %s.onion closed (%s).", ops->log_id(circ),
           c->p.addr, circuit_close_reason_str(reason));
  conn_end(c, c->rend_state == REND_JOINED ? HS_CLIENT_OK : HS_CLIENT_REND_FAILED, reason);
}

static const circuit_handlers_t rend_handlers = {
  .on_built = rend_built, .on_relay = rend_relay, .on_writable = rend_writable,
  .on_closed = rend_closed,
};

/* ---- life ---- */

hs_client_conn_t *
hs_client_conn_start(const hs_client_conn_params_t *p, const hs_client_conn_owner_t *owner,
                     void *arg)
{
  hs_client_conn_t *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->p = *p;
  c->owner = *owner;
  c->arg = arg;
  crypto_rand_bytes(c->cookie, sizeof(c->cookie));
  const circuit_purpose_t purpose = { "HS_CLIENT_REND", "HSCR_CONNECTING", c->p.addr };
  c->rend_state = REND_CONNECTING;
  c->rend = ops->launch(&c->p.rend_point, &rend_handlers, c, &purpose);
  if (!c->rend || launch_intro(c) < 0) {
    hs_client_conn_free(c);
    return NULL;
  }
  log_info(LD_REND, "Rendezvous circuit %u via %s for %s.onion launched.",
           ops->log_id(c->rend), c->p.rend_point.nickname, c->p.addr);
  return c;
}

void
hs_client_conn_tick(hs_client_conn_t *c, time_t now)
{
  if (c->rend_state == REND_CONNECTING && c->rend_built &&
      now - c->rend_built_at >= HS_CLIENT_CONN_ESTABLISH_TIMEOUT) {
    conn_end(c, HS_CLIENT_REND_FAILED, CIRCUIT_CLOSE_TIMEOUT);
    return;
  }
  if (c->rend_state == REND_ESTABLISHED_WAITING &&
      now - c->acked_at >= HS_CLIENT_CONN_REND_TIMEOUT) {
    conn_end(c, HS_CLIENT_REND_FAILED, CIRCUIT_CLOSE_TIMEOUT);
    return;
  }
  if (c->intro_state == INTRO_SENT && now - c->intro_sent_at >= HS_CLIENT_CONN_ACK_TIMEOUT)
    intro_failed(c, "no INTRODUCE_ACK");
}

void
hs_client_conn_free(hs_client_conn_t *c)
{
  if (!c)
    return;
  c->freeing = 1;
  if (c->intro)
    ops->close(c->intro, CIRCUIT_CLOSE_REQUESTED);
  if (c->rend)
    ops->close(c->rend, CIRCUIT_CLOSE_REQUESTED);
  memwipe(c, sizeof(*c));
  free(c);
}

const char *
hs_client_conn_rend_state(const hs_client_conn_t *c)
{
  return rend_state_name(c->rend_state);
}

const char *
hs_client_conn_intro_state(const hs_client_conn_t *c)
{
  return intro_state_name(c->intro_state);
}

circuit_t *
hs_client_conn_circuit(const hs_client_conn_t *c)
{
  return c->rend;
}

int
hs_client_conn_is_joined(const hs_client_conn_t *c)
{
  return c->rend_state == REND_JOINED;
}

const uint8_t *
hs_client_conn_cookie(const hs_client_conn_t *c)
{
  return c->cookie;
}
