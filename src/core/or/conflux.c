/* Conflux sets, the origin side: see conflux.h. */
#include "orconfig.h"
#include "core/or/conflux.h"
#include "core/crypto/relay_msg.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct conflux_leg_t {
  circuit_t *circ;        /* NULL once closed */
  int link_sent, linked;
  uint64_t n_multiplexed;  /* messages of streams that came in on it */
  uint64_t link_sent_usec;
} conflux_leg_t;

struct conflux_set_t {
  struct event_base *base;
  struct event *timer;    /* the link timeout, then the deferred free */
  conflux_handlers_t h;
  void *arg;
  uint8_t nonce[CONFLUX_NONCE_LEN];
  uint8_t ux;
  unsigned log_id;
  conflux_leg_t legs[CONFLUX_MAX_LEGS];
  int n_legs, n_live;
  int linked, closing, freeing;
  conflux_ooo_t *ooo;
  uint64_t n_switches;
  size_t max_queued;      /* the most messages that waited at once */
};

static unsigned next_log_id = 1;

static uint64_t
now_usec(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
set_free_cb(evutil_socket_t fd, short what, void *arg)
{
  conflux_set_t *set = arg;
  (void)fd; (void)what;
  event_free(set->timer);
  conflux_ooo_free(set->ooo);
  memwipe(set->nonce, sizeof(set->nonce));
  free(set);
}

/* Closes every live leg; their owners' on_closed calls come back through
 * conflux_leg_closed. */
static void
set_close(conflux_set_t *set, circuit_close_reason_t reason)
{
  if (set->closing)
    return;
  set->closing = 1;
  evtimer_del(set->timer);
  for (int i = 0; i < set->n_legs; i++)
    if (set->legs[i].circ)
      circuit_close(set->legs[i].circ, reason);
}

static void
link_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
  conflux_set_t *set = arg;
  (void)fd; (void)what;
  if (set->linked || set->closing)
    return;
  log_info(LD_CIRC, "Conflux set %u did not link within %d seconds; closing its legs.",
           set->log_id, CIRCUIT_BUILD_TIMEOUT);
  set_close(set, CIRCUIT_CLOSE_TIMEOUT);
}

conflux_set_t *
conflux_set_new(struct event_base *base, uint8_t desired_ux, const conflux_handlers_t *handlers,
                void *arg)
{
  if (!base || !handlers)
    return NULL;
  conflux_set_t *set = calloc(1, sizeof(*set));
  if (!set)
    return NULL;
  set->ooo = conflux_ooo_new(CONFLUX_MAX_QUEUED);
  set->timer = evtimer_new(base, link_timeout_cb, set);
  if (!set->ooo || !set->timer || crypto_rand_bytes(set->nonce, sizeof(set->nonce)) < 0) {
    if (set->timer)
      event_free(set->timer);
    conflux_ooo_free(set->ooo);
    free(set);
    return NULL;
  }
  set->base = base;
  set->h = *handlers;
  set->arg = arg;
  set->ux = desired_ux;
  set->log_id = next_log_id++;
  return set;
}

void
conflux_set_discard(conflux_set_t *set)
{
  if (!set || set->n_legs)
    return;
  set_free_cb(-1, 0, set);
}

static conflux_leg_t *
find_leg(conflux_set_t *set, const circuit_t *circ, int *index)
{
  for (int i = 0; set && circ && i < set->n_legs; i++)
    if (set->legs[i].circ == circ) {
      if (index)
        *index = i;
      return &set->legs[i];
    }
  return NULL;
}

int
conflux_set_add_leg(conflux_set_t *set, circuit_t *leg)
{
  if (!set || !leg || set->linked || set->closing || set->n_legs >= CONFLUX_MAX_LEGS)
    return -1;
  set->legs[set->n_legs++].circ = leg;
  set->n_live++;
  return 0;
}

void
conflux_leg_built(conflux_set_t *set, circuit_t *leg)
{
  conflux_leg_t *l = find_leg(set, leg, NULL);
  if (!l || l->link_sent || set->closing)
    return;
  if (!circuit_uses_congestion_control(leg)) {
    /* The exit would refuse LINK (proposal 329 §2.2: closing is the rule). */
    log_info(LD_CIRC, "Conflux set %u: circuit %u has no congestion control; closing the set.",
             set->log_id, circuit_log_id(leg));
    set_close(set, CIRCUIT_CLOSE_REQUESTED);
    return;
  }
  conflux_link_t link;
  uint8_t body[CONFLUX_LINK_BODY_LEN];
  memset(&link, 0, sizeof(link));
  memcpy(link.nonce, set->nonce, sizeof(link.nonce));
  link.desired_ux = set->ux;
  int n = conflux_link_encode(body, sizeof(body), &link);
  memwipe(&link, sizeof(link));
  if (n < 0 || circuit_send_relay(leg, -1, RELAY_COMMAND_CONFLUX_LINK, 0, body, (size_t)n) < 0) {
    memwipe(body, sizeof(body));
    set_close(set, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  memwipe(body, sizeof(body));
  l->link_sent = 1;
  l->link_sent_usec = now_usec();
  log_info(LD_CIRC, "Conflux set %u: sent CONFLUX_LINK on circuit %u.", set->log_id,
           circuit_log_id(leg));
  if (!evtimer_pending(set->timer, NULL)) {
    struct timeval tv = { CIRCUIT_BUILD_TIMEOUT, 0 };
    evtimer_add(set->timer, &tv);
  }
}

static void
handle_linked(conflux_set_t *set, conflux_leg_t *l, const uint8_t *data, size_t len)
{
  conflux_link_t linked;
  if (!l->link_sent || l->linked || conflux_link_parse(data, len, &linked) < 0 ||
      !crypto_memeq(linked.nonce, set->nonce, CONFLUX_NONCE_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "Unexpected or malformed CONFLUX_LINKED on circuit %u; "
                      "closing its conflux set.", circuit_log_id(l->circ));
    memwipe(&linked, sizeof(linked));
    set_close(set, CIRCUIT_CLOSE_PROTOCOL);
    return;
  }
  /* A fresh set: the exit has sent and delivered nothing yet. We keep no
   * data to send again, so a set it knows with numbers is not ours. */
  if (linked.last_seq_sent || linked.last_seq_recv) {
    log_protocol_warn(LD_PROTOCOL, "CONFLUX_LINKED on circuit %u names sequence numbers "
                      "(%llu sent, %llu received) for a new set; closing it.",
                      circuit_log_id(l->circ), (unsigned long long)linked.last_seq_sent,
                      (unsigned long long)linked.last_seq_recv);
    memwipe(&linked, sizeof(linked));
    set_close(set, CIRCUIT_CLOSE_PROTOCOL);
    return;
  }
  memwipe(&linked, sizeof(linked));
  if (circuit_send_relay(l->circ, -1, RELAY_COMMAND_CONFLUX_LINKED_ACK, 0, NULL, 0) < 0) {
    set_close(set, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  l->linked = 1;
  log_info(LD_CIRC, "Conflux set %u: circuit %u linked (RTT %.1f ms).", set->log_id,
           circuit_log_id(l->circ), (double)(now_usec() - l->link_sent_usec) / 1000.0);
  for (int i = 0; i < set->n_legs; i++)
    if (set->legs[i].circ && !set->legs[i].linked)
      return;
  set->linked = 1;
  evtimer_del(set->timer);
  for (int i = 0; i < set->n_legs; i++)
    if (set->legs[i].circ)
      circuit_set_purpose(set->legs[i].circ, "CONFLUX_LINKED", NULL, NULL);
  log_info(LD_CIRC, "Conflux set %u linked with %d legs.", set->log_id, set->n_live);
  if (set->h.on_linked)
    set->h.on_linked(set, set->arg);
}

/* Hands one in-order message to the owner, as the anchor's. */
static int
deliver_in_order(uint8_t command, uint16_t stream_id, const uint8_t *data, size_t len, void *arg)
{
  conflux_set_t *set = arg;
  circuit_t *anchor = set->legs[0].circ;
  if (set->closing || !anchor)
    return 1;
  if (set->h.on_relay)
    set->h.on_relay(anchor, circuit_n_hops(anchor) - 1, command, stream_id, data, len, set->arg);
  return set->closing ? 1 : 0;
}

void
conflux_leg_relay(conflux_set_t *set, circuit_t *leg, int hop, uint8_t command,
                  uint16_t stream_id, const uint8_t *data, size_t len)
{
  int index = 0;
  conflux_leg_t *l = find_leg(set, leg, &index);
  if (!l || set->closing)
    return;
  int from_exit = hop == circuit_n_hops(leg) - 1;
  switch (command) {
    case RELAY_COMMAND_CONFLUX_LINKED:
      if (from_exit)
        handle_linked(set, l, data, len);
      else
        set_close(set, CIRCUIT_CLOSE_PROTOCOL);
      return;
    case RELAY_COMMAND_CONFLUX_SWITCH: {
      uint32_t rel;
      if (!from_exit || !l->linked || conflux_switch_parse(data, len, &rel) < 0) {
        log_protocol_warn(LD_PROTOCOL, "Unexpected or malformed CONFLUX_SWITCH on circuit %u; "
                          "closing its conflux set.", circuit_log_id(leg));
        set_close(set, CIRCUIT_CLOSE_PROTOCOL);
        return;
      }
      conflux_ooo_switch(set->ooo, index, rel);
      if (!set->n_switches++)
        log_info(LD_CIRC, "Conflux set %u: the exit switched to circuit %u (relative "
                 "sequence %u).", set->log_id, circuit_log_id(leg), rel);
      return;
    }
    case RELAY_COMMAND_CONFLUX_LINK:
    case RELAY_COMMAND_CONFLUX_LINKED_ACK:
      /* Only the origin sends these. */
      log_protocol_warn(LD_PROTOCOL, "Got a %s on origin circuit %u; closing its conflux set.",
                        relay_command_name(command), circuit_log_id(leg));
      set_close(set, CIRCUIT_CLOSE_PROTOCOL);
      return;
    default:
      break;
  }
  if (!conflux_command_is_multiplexed(command) || !from_exit) {
    if (set->h.on_relay)
      set->h.on_relay(leg, hop, command, stream_id, data, len, set->arg);
    return;
  }
  if (!l->linked) {
    log_protocol_warn(LD_PROTOCOL, "%s on conflux circuit %u before it was linked; closing "
                      "its set.", relay_command_name(command), circuit_log_id(leg));
    set_close(set, CIRCUIT_CLOSE_PROTOCOL);
    return;
  }
  l->n_multiplexed++;
  int r = conflux_ooo_receive(set->ooo, index, command, stream_id, data, len, deliver_in_order,
                              set);
  if (conflux_ooo_queued(set->ooo) > set->max_queued)
    set->max_queued = conflux_ooo_queued(set->ooo);
  if (r < 0 && !set->closing) {
    log_protocol_warn(LD_PROTOCOL, "Conflux set %u: %s on circuit %u is out of sequence "
                      "(%zu messages waiting); closing the set.", set->log_id,
                      relay_command_name(command), circuit_log_id(leg),
                      conflux_ooo_queued(set->ooo));
    set_close(set, CIRCUIT_CLOSE_PROTOCOL);
  }
}

void
conflux_leg_closed(conflux_set_t *set, circuit_t *leg)
{
  conflux_leg_t *l = find_leg(set, leg, NULL);
  if (!l)
    return;
  l->circ = NULL;
  set->n_live--;
  if (set->n_live > 0) {
    if (!set->closing)
      log_info(LD_CIRC, "Conflux set %u lost a leg (circuit %u); closing the others.",
               set->log_id, circuit_log_id(leg));
    set_close(set, CIRCUIT_CLOSE_REQUESTED);
    return;
  }
  if (set->freeing)
    return;
  if (set->linked)
    log_info(LD_CIRC, "Conflux set %u closed: %llu and %llu stream messages came over its "
             "legs, %llu switches, at most %zu waited for an earlier one.", set->log_id,
             (unsigned long long)set->legs[0].n_multiplexed,
             (unsigned long long)(set->n_legs > 1 ? set->legs[1].n_multiplexed : 0),
             (unsigned long long)set->n_switches, set->max_queued);
  set->freeing = 1;
  set->closing = 1;
  /* Free after this loop turn: a caller up the stack may still hold it. */
  event_free(set->timer);
  set->timer = evtimer_new(set->base, set_free_cb, set);
  struct timeval zero = { 0, 0 };
  if (set->timer)
    evtimer_add(set->timer, &zero);
  else {
    conflux_ooo_free(set->ooo);
    free(set);
  }
}

circuit_t *
conflux_set_anchor(const conflux_set_t *set)
{
  return set ? set->legs[0].circ : NULL;
}

int
conflux_set_is_linked(const conflux_set_t *set)
{
  return set && set->linked && !set->closing;
}

int
conflux_set_n_legs(const conflux_set_t *set)
{
  return set ? set->n_legs : 0;
}

circuit_t *
conflux_set_leg(const conflux_set_t *set, int i)
{
  return set && i >= 0 && i < set->n_legs ? set->legs[i].circ : NULL;
}

size_t
conflux_set_queued(const conflux_set_t *set)
{
  return set ? conflux_ooo_queued(set->ooo) : 0;
}
