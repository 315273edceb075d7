/* The client role: see client.h. */
#include "orconfig.h"
#include "feature/client/client.h"
#include "feature/client/conflux_path.h"
#include "core/mainloop/bootstrap.h"
#include "core/or/conflux.h"
#include "core/or/stream.h"
#include "feature/dirclient/dirfetch.h"
#include "feature/dirclient/dirstate.h"
#include "feature/dirparse/protover.h"
#include "feature/nodelist/dir_servers.h"
#include "feature/nodelist/path.h"
#include "feature/control/control_events.h"
#include "lib/encoding/base16.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Directory fetch limits. */
#define MAX_CONSENSUS_SIZE (32u << 20)
#define MAX_CERTS_SIZE (4u << 20)
#define MAX_MICRODESC_BATCH 90
#define MAX_MICRODESCS_SIZE (16u << 20)
/* Seconds before trying a failed directory fetch again. */
#define DIR_RETRY_DELAY 5
/* A circuit used for streams is retired from new streams after this. */
#define MAX_CIRCUIT_DIRTINESS (10 * 60)
#define MAX_EXIT_CIRCUITS 64
#define MAX_CIRCUIT_REQUESTS 256
#define ISOLATION_KEY_MAX 520

typedef struct exit_circ_t {
  circuit_t *circ;              /* NULL: slot free */
  int built;
  uint16_t port;                /* the port it was chosen for */
  uint8_t key[ISOLATION_KEY_MAX];
  size_t key_len;
  time_t first_used;
  int is_dir;                   /* a one-hop directory circuit */
  int bootstrap;                /* ... to a fallback or authority, CREATE_FAST */
  int controller;               /* EXTENDCIRCUIT's: no stream is put on it */
  int internal;                 /* guard, middle, middle: no exit stream */
  /* A leg of a conflux set (proposal 329). The set's anchor (its first
   * leg) carries the streams and counts as built once the set linked;
   * the other legs only bring cells in, and take no request. */
  conflux_set_t *cfx;
  int cfx_other_leg;
} exit_circ_t;

typedef struct circ_request_t {
  int used;
  uint8_t key[ISOLATION_KEY_MAX];
  size_t key_len;
  uint16_t port;
  client_circuit_ready_fn ready;
  void *arg;
  int attempts;
} circ_request_t;

static struct {
  struct event_base *base;
  const client_config_t *cfg;
  dirstate_t dir;
  int started;
  int bootstrapped;
  int enough_dirinfo;
  dirfetch_t *fetch;            /* the directory fetch under way, if any */
  circuit_t *fetch_circ;        /* the bootstrap circuit it runs on, if any */
  struct event *dir_timer;      /* next directory action */
  exit_circ_t circs[MAX_EXIT_CIRCUITS];
  circ_request_t requests[MAX_CIRCUIT_REQUESTS];
  int first_circuit_launched;
  time_t consensus_fetch_at;    /* chosen once per consensus: see below */
  time_t consensus_fetch_for;   /* valid-after of the consensus it was chosen for */
} client;

static void client_dir_step(void);
static void client_serve_requests(void);

/* ---- small helpers ---- */

static uint64_t
rng(uint64_t limit)
{
  return path_crypto_rng(limit);
}

static void
schedule_dir_step(int seconds)
{
  struct timeval tv = { seconds, 0 };
  evtimer_add(client.dir_timer, &tv);
}

/* A fallback directory or an authority to bootstrap from. */
static int
pick_bootstrap_dir(dir_source_t *src)
{
  const client_config_t *c = client.cfg;
  double u = (double)rng(1ull << 53) / (double)(1ull << 53);
  return dir_servers_pick_bootstrap(c->authorities, (size_t)c->n_authorities, c->fallbacks,
                                    (size_t)c->n_fallbacks, c->authority_fallback_rate, u, src);
}

/* ---- circuits ---- */

static exit_circ_t *
find_slot(const circuit_t *circ)
{
  for (int i = 0; i < MAX_EXIT_CIRCUITS; i++)
    if (client.circs[i].circ == circ)
      return &client.circs[i];
  return NULL;
}

static void
on_circ_built(circuit_t *circ, void *arg)
{
  exit_circ_t *slot = find_slot(circ);
  (void)arg;
  if (!slot)
    return;
  slot->built = 1;
  const circuit_hop_info_t *first = circuit_hop_info(circ, 0);
  if (!slot->bootstrap && client.cfg->guards &&
      guards_note_success(client.cfg->guards, first->rsa_id, time(NULL)) &&
      client.cfg->save_guards)
    client.cfg->save_guards(client.cfg->guards);
  if (!client.bootstrapped && !slot->is_dir) {
    bootstrap_note_phase(BOOTSTRAP_AP_HANDSHAKE_DONE);
    bootstrap_note_phase(BOOTSTRAP_CIRCUIT_CREATE);
    bootstrap_note_phase(BOOTSTRAP_DONE);
    client.bootstrapped = 1;
    control_event_status(CEV_STATUS_CLIENT, "NOTICE", "CIRCUIT_ESTABLISHED");
    control_event_build_timeout_set(CIRCUIT_BUILD_TIMEOUT * 1000, 1);
  }
  if (slot->cfx) {
    slot->built = 0;   /* usable once the whole set has linked */
    conflux_leg_built(slot->cfx, circ);
    return;
  }
  if (slot->is_dir)
    client_dir_step();
  else
    client_serve_requests();
}

static void
on_circ_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
              const uint8_t *data, size_t len, void *arg)
{
  exit_circ_t *slot = find_slot(circ);
  (void)arg;
  if (slot && slot->cfx) {
    conflux_leg_relay(slot->cfx, circ, hop, command, stream_id, data, len);
    return;
  }
  stream_circuit_relay(circ, command, stream_id, data, len);
}

static void
on_circ_writable(circuit_t *circ, void *arg)
{
  exit_circ_t *slot = find_slot(circ);
  (void)arg;
  if (slot && slot->cfx_other_leg)
    return;   /* we send only on the anchor */
  stream_circuit_writable(circ);
}

static void
on_circ_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  exit_circ_t *slot = find_slot(circ);
  (void)arg;
  stream_circuit_closed(circ);
  if (!slot)
    return;
  if (!slot->built && !slot->bootstrap && reason != CIRCUIT_CLOSE_REQUESTED &&
      client.cfg->guards)
    guards_note_failure(client.cfg->guards, circuit_hop_info(circ, 0)->rsa_id, time(NULL));
  int was_dir = slot->is_dir, was_bootstrap = slot->bootstrap;
  conflux_set_t *cfx = slot->cfx;
  memset(slot, 0, sizeof(*slot));
  if (cfx)
    conflux_leg_closed(cfx, circ);   /* closes the set's other legs */
  if (client.fetch_circ == circ)
    client.fetch_circ = NULL;   /* the fetch on it fails by itself */
  if (was_bootstrap)
    schedule_dir_step(reason == CIRCUIT_CLOSE_REQUESTED ? 0 : DIR_RETRY_DELAY);
  else if (was_dir)
    schedule_dir_step(0);
  else
    client_serve_requests();
}

static const circuit_handlers_t client_circuit_handlers = {
  on_circ_built, on_circ_relay, on_circ_writable, on_circ_closed,
};

/* Launches a circuit: one hop to a guard for directory fetches, or three
 * hops (guard, middle, an exit for port) for streams, or with internal
 * three hops whose last is any middle (tor's internal circuits: in a
 * network without exits, such a circuit finishes bootstrapping). */
static exit_circ_t *
launch_circuit_ex(int is_dir, int internal, uint16_t port, const uint8_t *key, size_t key_len,
                  const circuit_purpose_t *purpose)
{
  const nodelist_t *nl = client.dir.nodes;
  exit_circ_t *slot = NULL;
  if (!nl)
    return NULL;
  for (int i = 0; i < MAX_EXIT_CIRCUITS && !slot; i++)
    if (!client.circs[i].circ)
      slot = &client.circs[i];
  if (!slot)
    return NULL;
  path_constraints_t pc;
  memset(&pc, 0, sizeof(pc));
  pc.distinct_subnets = client.cfg->distinct_subnets;
  const node_t *guard = guards_choose(client.cfg->guards, nl->nodes, nl->n_nodes, time(NULL));
  if (!guard)
    guard = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_GUARD, &nl->weights, &pc, rng);
  if (!guard)
    return NULL;
  circuit_hop_info_t hops[3];
  int n_hops;
  node_get_hop_info(guard, &hops[0]);
  if (is_dir) {
    n_hops = 1;
  } else {
    pc.in_path[pc.n_in_path++] = guard;
    pc.exit_port = port;
    const node_t *exit_node = path_choose_node(nl->nodes, nl->n_nodes,
                                               internal ? PATH_POS_MIDDLE : PATH_POS_EXIT,
                                               &nl->weights, &pc, rng);
    if (!exit_node) {
      if (internal)
        log_info(LD_CIRC, "No relay for the last hop of an internal circuit.");
      else
        log_info(LD_CIRC, "No exit allows port %u.", port);
      return NULL;
    }
    pc.in_path[pc.n_in_path++] = exit_node;
    const node_t *middle = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_MIDDLE,
                                            &nl->weights, &pc, rng);
    if (!middle)
      return NULL;
    node_get_hop_info(middle, &hops[1]);
    node_get_hop_info(exit_node, &hops[2]);
    /* Congestion control with the exit (proposal 324 §10), as tor asks
     * for it: the exit offers FlowCtrl=2 and the consensus has not turned
     * it off (cc_alg 0). The mechanism is in circuit.c. */
    hops[2].request_cc = !internal && exit_node->flowctrl_cc &&
                         hops[2].ntor_v3 &&
                         client.dir.consensus &&
                         consensus_get_param(client.dir.consensus, "cc_alg", 2, 0, 3) != 0;
    n_hops = 3;
  }
  if (!client.first_circuit_launched && !is_dir) {
    client.first_circuit_launched = 1;
    bootstrap_note_phase(BOOTSTRAP_AP_CONN);
  }
  circuit_t *circ = circuit_launch(client.base, hops, n_hops, &client_circuit_handlers, NULL,
                                   purpose);
  if (!circ)
    return NULL;
  memset(slot, 0, sizeof(*slot));
  slot->circ = circ;
  slot->is_dir = is_dir;
  slot->internal = internal;
  slot->port = port;
  if (key_len > sizeof(slot->key))
    key_len = sizeof(slot->key);
  if (key_len)   /* directory circuits have no key (NULL) */
    memcpy(slot->key, key, key_len);
  slot->key_len = key_len;
  return slot;
}

static exit_circ_t *
launch_circuit(int is_dir, uint16_t port, const uint8_t *key, size_t key_len,
               const circuit_purpose_t *purpose)
{
  return launch_circuit_ex(is_dir, 0, port, key, key_len, purpose);
}

/* ---- conflux sets (proposal 329) ---- */

static void
cfx_on_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
             const uint8_t *data, size_t len, void *arg)
{
  (void)hop; (void)arg;
  stream_circuit_relay(circ, command, stream_id, data, len);
}

static void
cfx_on_linked(conflux_set_t *set, void *arg)
{
  exit_circ_t *anchor = find_slot(conflux_set_anchor(set));
  (void)arg;
  if (!anchor)
    return;
  anchor->built = 1;
  client_serve_requests();
}

static const conflux_handlers_t client_conflux_handlers = { cfx_on_linked, cfx_on_relay };

/* Whether exit streams go over conflux sets: ConfluxEnabled, or with
 * "auto" the consensus (cfx_enabled, on by default), as tor decides. */
static int
conflux_wanted(void)
{
  int opt = client.cfg->conflux_enabled;
  if (opt == 0)
    return 0;
  if (opt == 1)
    return 1;
  return client.dir.consensus && consensus_get_param(client.dir.consensus, "cfx_enabled", 1, 0, 1);
}

/* Launches a set of two legs through different guards and middles to one
 * exit that links sets, for port; returns the anchor's slot, or NULL
 * (nothing launched) when no such paths exist. */
static exit_circ_t *
launch_conflux_set(uint16_t port, const uint8_t *key, size_t key_len)
{
  enum { N_LEGS = 2 };
  const nodelist_t *nl = client.dir.nodes;
  exit_circ_t *slots[N_LEGS] = { NULL, NULL };
  circuit_hop_info_t hops[N_LEGS][3];
  int n_slots = 0;
  if (!nl || !client.dir.consensus ||
      consensus_get_param(client.dir.consensus, "cc_alg", 2, 0, 3) == 0)
    return NULL;   /* the exit links only circuits with congestion control */
  for (int i = 0; i < MAX_EXIT_CIRCUITS && n_slots < N_LEGS; i++)
    if (!client.circs[i].circ)
      slots[n_slots++] = &client.circs[i];
  if (n_slots < N_LEGS)
    return NULL;
  if (conflux_path_choose(nl, client.cfg->guards, time(NULL), port,
                          client.cfg->distinct_subnets, N_LEGS, rng, hops) < 0)
    return NULL;
  conflux_set_t *set = conflux_set_new(client.base, (uint8_t)client.cfg->conflux_ux,
                                       &client_conflux_handlers, NULL);
  if (!set)
    return NULL;
  if (!client.first_circuit_launched) {
    client.first_circuit_launched = 1;
    bootstrap_note_phase(BOOTSTRAP_AP_CONN);
  }
  static const circuit_purpose_t unlinked = { "CONFLUX_UNLINKED", NULL, NULL };
  for (int leg = 0; leg < N_LEGS; leg++) {
    circuit_t *circ = circuit_launch(client.base, hops[leg], 3, &client_circuit_handlers, NULL,
                                     &unlinked);
    if (!circ || conflux_set_add_leg(set, circ) < 0) {
      if (circ)
        circuit_close(circ, CIRCUIT_CLOSE_REQUESTED);
      if (leg == 0) {
        conflux_set_discard(set);
        return NULL;
      }
      /* The first leg's close (below, via its slot) frees the set. */
      circuit_close(slots[0]->circ, CIRCUIT_CLOSE_REQUESTED);
      return NULL;
    }
    exit_circ_t *slot = slots[leg];
    memset(slot, 0, sizeof(*slot));
    slot->circ = circ;
    slot->port = port;
    slot->cfx = set;
    slot->cfx_other_leg = leg > 0;
    if (key_len > sizeof(slot->key))
      key_len = sizeof(slot->key);
    if (key_len)
      memcpy(slot->key, key, key_len);
    slot->key_len = key_len;
  }
  log_info(LD_CIRC, "Launched a conflux set of %d legs to exit %s for port %u.", N_LEGS,
           hops[0][2].nickname, port);
  return slots[0];
}

circuit_t *
client_launch_controller_circuit(const circuit_hop_info_t *hops, int n_hops,
                                 const char *purpose)
{
  const circuit_purpose_t p = { purpose, NULL, NULL };
  exit_circ_t *slot = NULL;
  if (!client.started || !client.dir.nodes)
    return NULL;
  if (n_hops == 0) {
    slot = launch_circuit(0, 0, (const uint8_t *)"", 0, &p);
  } else {
    for (int i = 0; i < MAX_EXIT_CIRCUITS && !slot; i++)
      if (!client.circs[i].circ)
        slot = &client.circs[i];
    if (!slot)
      return NULL;
    circuit_t *circ = circuit_launch(client.base, hops, n_hops, &client_circuit_handlers, NULL,
                                     &p);
    if (!circ)
      return NULL;
    memset(slot, 0, sizeof(*slot));
    slot->circ = circ;
  }
  if (!slot)
    return NULL;
  slot->controller = 1;
  return slot->circ;
}

/* ---- stream circuits for requesters ---- */

static int
slot_matches(const exit_circ_t *s, const circ_request_t *r, time_t now)
{
  if (!s->circ || s->is_dir || s->controller || s->internal || s->cfx_other_leg ||
      s->key_len != r->key_len || memcmp(s->key, r->key, r->key_len))
    return 0;
  if (s->first_used && now - s->first_used > MAX_CIRCUIT_DIRTINESS)
    return 0;
  if (!s->built)
    return 1; /* building; we will see whether its exit fits */
  const circuit_hop_info_t *exit_hop = circuit_hop_info(s->circ, circuit_n_hops(s->circ) - 1);
  const node_t *exit_node = client.dir.nodes ? nodelist_find(client.dir.nodes, exit_hop->rsa_id) : NULL;
  if (!exit_node)
    return 0;
  return r->port ? policy_summary_allows_port(&exit_node->exit_policy, r->port)
                 : policy_summary_allows_any(&exit_node->exit_policy);
}

/* Answers every request that an open circuit can serve, and launches
 * circuits for those no circuit (open or building) can. */
static void
client_serve_requests(void)
{
  time_t now = time(NULL);
  if (!client.enough_dirinfo)
    return;
  for (int i = 0; i < MAX_CIRCUIT_REQUESTS; i++) {
    circ_request_t *r = &client.requests[i];
    if (!r->used)
      continue;
    exit_circ_t *open = NULL, *building = NULL;
    for (int k = 0; k < MAX_EXIT_CIRCUITS; k++) {
      exit_circ_t *s = &client.circs[k];
      if (!slot_matches(s, r, now))
        continue;
      if (s->built && circuit_is_open(s->circ))
        open = open ? open : s;
      else
        building = building ? building : s;
    }
    if (open) {
      if (!open->first_used)
        open->first_used = now;
      circ_request_t done = *r;
      memset(r, 0, sizeof(*r));
      done.ready(open->circ, done.arg);
      continue;
    }
    if (building)
      continue;
    /* The first try links a conflux set when we may; should it fail
     * (the exit would not link), the next ones are plain circuits. */
    exit_circ_t *launched = NULL;
    if (r->attempts == 0 && conflux_wanted())
      launched = launch_conflux_set(r->port, r->key, r->key_len);
    if (!launched && r->attempts < 3)
      launched = launch_circuit(0, r->port, r->key, r->key_len, NULL);
    if (r->attempts >= 3 || !launched) {
      if (r->attempts < 3 && r->attempts++ < 3 && client.dir.nodes)
        continue;
      circ_request_t done = *r;
      memset(r, 0, sizeof(*r));
      done.ready(NULL, done.arg);
      continue;
    }
    r->attempts++;
  }
}

void
client_get_exit_circuit(const uint8_t *isolation_key, size_t key_len, uint16_t port,
                        client_circuit_ready_fn ready, void *arg)
{
  for (int i = 0; i < MAX_CIRCUIT_REQUESTS; i++) {
    circ_request_t *r = &client.requests[i];
    if (r->used)
      continue;
    r->used = 1;
    if (key_len > sizeof(r->key))
      key_len = sizeof(r->key);
    memcpy(r->key, isolation_key, key_len);
    r->key_len = key_len;
    r->port = port;
    r->ready = ready;
    r->arg = arg;
    r->attempts = 0;
    client_serve_requests();
    return;
  }
  ready(NULL, arg);
}

circuit_t *
client_launch_circuit_to(const circuit_hop_info_t *last, const circuit_handlers_t *handlers,
                         void *arg, const circuit_purpose_t *purpose)
{
  const nodelist_t *nl = client.dir.nodes;
  path_constraints_t pc;
  if (!nl || !client.enough_dirinfo)
    return NULL;
  memset(&pc, 0, sizeof(pc));
  pc.distinct_subnets = client.cfg->distinct_subnets;
  const node_t *last_node = nodelist_find(nl, last->rsa_id);
  if (last_node)
    pc.in_path[pc.n_in_path++] = last_node;
  const node_t *guard = guards_choose(client.cfg->guards, nl->nodes, nl->n_nodes, time(NULL));
  if (!guard || (last_node && guard == last_node))
    guard = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_GUARD, &nl->weights, &pc, rng);
  if (!guard)
    return NULL;
  pc.in_path[pc.n_in_path++] = guard;
  const node_t *middle = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_MIDDLE,
                                          &nl->weights, &pc, rng);
  if (!middle)
    return NULL;
  circuit_hop_info_t hops[3];
  node_get_hop_info(guard, &hops[0]);
  node_get_hop_info(middle, &hops[1]);
  hops[2] = *last;
  return circuit_launch(client.base, hops, 3, handlers, arg, purpose);
}

const struct dirstate_t *
client_dirstate(void)
{
  return client.started ? &client.dir : NULL;
}

void
client_retire_circuit(circuit_t *circ)
{
  exit_circ_t *slot = find_slot(circ);
  if (slot)
    slot->first_used = 1; /* long past MAX_CIRCUIT_DIRTINESS */
}

void
client_newnym(void)
{
  /* Retired circuits keep their streams; new streams get new circuits. */
  for (int i = 0; i < MAX_EXIT_CIRCUITS; i++)
    if (client.circs[i].circ && !client.circs[i].is_dir)
      client.circs[i].first_used = 1;
}

void
client_cancel_circuit_request(void *arg)
{
  for (int i = 0; i < MAX_CIRCUIT_REQUESTS; i++)
    if (client.requests[i].used && client.requests[i].arg == arg)
      memset(&client.requests[i], 0, sizeof(client.requests[i]));
}

/* ---- the directory ---- */

static int
check_required_protocols(void)
{
  const consensus_t *c = client.dir.consensus;
  char missing[256], msg[1024];
  if (!c || !c->required_client)
    return 0;
  if (protover_missing_from_ours(c->required_client, missing, sizeof(missing)) > 0) {
    protover_refusal_message(msg, sizeof(msg), 1, "client", missing);
    log_err(LD_GENERAL, "%s", msg);
    if (client.cfg->fatal)
      client.cfg->fatal();
    return -1;
  }
  return 0;
}

static double
paths_needed(void)
{
  double p = client.cfg->paths_needed;
  return p > 0 ? p : 0.6;
}

/* After the node list changed: update guards, and maybe move on to
 * building circuits. */
static void
nodes_changed(void)
{
  const nodelist_t *nl = client.dir.nodes;
  if (!nl)
    return;
  if (client.cfg->guards &&
      guards_update(client.cfg->guards, nl->nodes, nl->n_nodes, &nl->weights, time(NULL), rng) &&
      client.cfg->save_guards)
    client.cfg->save_guards(client.cfg->guards);
  if (!client.enough_dirinfo && nodelist_fraction_described(nl) >= paths_needed()) {
    client.enough_dirinfo = 1;
    bootstrap_note_phase(BOOTSTRAP_ENOUGH_DIRINFO);
    /* Build the first circuit now, as tor does, to finish bootstrapping. */
    static const uint8_t no_key[1] = { 0 };
    /* Without any exit (chutney's onion networks), an internal circuit
     * shows the network works, as tor's preemptive internal circuits do;
     * onion services need nothing else. */
    if (!launch_circuit(0, 0, no_key, 0, NULL) &&
        !launch_circuit_ex(0, 1, 0, no_key, 0, NULL))
      log_info(LD_CIRC, "Could not launch a first circuit yet.");
    client_serve_requests();
  }
}

/* A one-hop CREATE_FAST circuit to a fallback's or an authority's ORPort,
 * for BEGIN_DIR while we know no onion keys (tor does the same). */
static exit_circ_t *
launch_bootstrap_circuit(const dir_source_t *src)
{
  exit_circ_t *slot = NULL;
  for (int i = 0; i < MAX_EXIT_CIRCUITS && !slot; i++)
    if (!client.circs[i].circ)
      slot = &client.circs[i];
  if (!slot || !src->or_port)
    return NULL;
  circuit_hop_info_t hop;
  memset(&hop, 0, sizeof(hop));
  snprintf(hop.address, sizeof(hop.address), "%s", src->address);
  hop.or_port = src->or_port;
  memcpy(hop.rsa_id, src->rsa_id, sizeof(hop.rsa_id));
  /* Logs name a fallback "$" and the first 16 hex digits of its identity. */
  char hex[41];
  base16_encode(hex, sizeof(hex), src->rsa_id, 20);
  snprintf(hop.nickname, sizeof(hop.nickname), src->nickname ? "%s" : "$%.16s",
           src->nickname ? src->nickname : hex);
  hop.create_fast = 1;
  log_info(LD_DIR, "Bootstrapping from %s %s:%u over its ORPort: a one-hop circuit begun "
           "with CREATE_FAST, then BEGIN_DIR.",
           src->is_fallback ? "fallback directory" : "directory authority", src->address,
           src->or_port);
  bootstrap_note_phase(BOOTSTRAP_CONN);
  circuit_t *circ = circuit_launch(client.base, &hop, 1, &client_circuit_handlers, NULL, NULL);
  if (!circ)
    return NULL;
  memset(slot, 0, sizeof(*slot));
  slot->circ = circ;
  slot->is_dir = 1;
  slot->bootstrap = 1;
  return slot;
}

/* Closes the open bootstrap circuits: the guards serve the directory now,
 * or there is nothing left to fetch (tor does not keep them either). */
static void
close_bootstrap_circuits(void)
{
  for (int i = 0; i < MAX_EXIT_CIRCUITS; i++) {
    exit_circ_t *s = &client.circs[i];
    if (s->circ && s->bootstrap && s->built && s->circ != client.fetch_circ)
      circuit_close(s->circ, CIRCUIT_CLOSE_REQUESTED);
  }
}

/* Where directory fetches go: a one-hop BEGIN_DIR circuit to our first
 * guard once we have one that is a directory (V2Dir), else a fallback
 * directory or an authority: its DirPort when it has one, or BEGIN_DIR on a
 * one-hop CREATE_FAST circuit to its ORPort, kept for the next fetches
 * until one fails or the guards take over. Returns 1 if a fetch started, 0
 * if we must wait for a directory circuit, -1 on failure. */
static int
start_fetch(const char *path, size_t max, dirfetch_done_fn done)
{
  client.fetch_circ = NULL;
  if (client.dir.nodes && client.enough_dirinfo) {
    close_bootstrap_circuits();
    for (int i = 0; i < MAX_EXIT_CIRCUITS; i++) {
      exit_circ_t *s = &client.circs[i];
      if (!s->circ || !s->is_dir || s->bootstrap)
        continue;
      if (!s->built)
        return 0;
      client.fetch = dirfetch_via_circuit(client.base, s->circ, path, max, done, NULL);
      return client.fetch ? 1 : -1;
    }
    if (launch_circuit(1, 0, NULL, 0, NULL))
      return 0;
  }
  for (int i = 0; i < MAX_EXIT_CIRCUITS; i++) {
    exit_circ_t *s = &client.circs[i];
    if (!s->circ || !s->bootstrap)
      continue;
    if (!s->built)
      return 0;
    bootstrap_note_phase(BOOTSTRAP_ONEHOP_CREATE);
    client.fetch = dirfetch_via_circuit(client.base, s->circ, path, max, done, NULL);
    if (client.fetch)
      client.fetch_circ = s->circ;
    return client.fetch ? 1 : -1;
  }
  dir_source_t src;
  if (pick_bootstrap_dir(&src) < 0)
    return -1;
  if (!src.dir_port)
    return launch_bootstrap_circuit(&src) ? 0 : -1;
  client.fetch = dirfetch_via_dirport(client.base, src.address, src.dir_port, path, max, done,
                                      NULL);
  return client.fetch ? 1 : -1;
}

/* A fetch ended: one that failed on a bootstrap circuit gives that
 * directory up (it may lack the document), so the next try draws again. */
static void
fetch_ended(int ok)
{
  circuit_t *circ = client.fetch_circ;
  client.fetch = NULL;
  client.fetch_circ = NULL;
  if (!ok && circ) {
    const circuit_hop_info_t *h = circuit_hop_info(circ, 0);
    log_info(LD_DIR, "Directory fetch over the one-hop circuit to %s (%s:%u) failed; trying "
             "another directory.", h->nickname, h->address, h->or_port);
    circuit_close(circ, CIRCUIT_CLOSE_REQUESTED);
  }
}

static void
on_microdescs(int ok, int status, const uint8_t *body, size_t len, void *arg)
{
  (void)status; (void)arg;
  fetch_ended(ok);
  if (ok) {
    int added = dirstate_add_microdescs(&client.dir, (const char *)body, len);
    log_info(LD_DIR, "Received %d new microdescriptor(s).", added);
    nodes_changed();
    client_dir_step();
  } else {
    schedule_dir_step(DIR_RETRY_DELAY);
  }
}

static void
on_certs(int ok, int status, const uint8_t *body, size_t len, void *arg)
{
  (void)status; (void)arg;
  fetch_ended(ok);
  if (ok && dirstate_add_certs(&client.dir, (const char *)body, len) >= 0) {
    dirstate_consensus_result_t r = dirstate_retry_pending(&client.dir, time(NULL));
    if (r == DIRSTATE_CONSENSUS_ACCEPTED && check_required_protocols() == 0) {
      control_event_status(CEV_STATUS_CLIENT, "NOTICE", "CONSENSUS_ARRIVED");
      control_event_new_consensus(client.dir.consensus);
      nodes_changed();
    }
  }
  client_dir_step();
}

static void
on_consensus(int ok, int status, const uint8_t *body, size_t len, void *arg)
{
  (void)status; (void)arg;
  fetch_ended(ok);
  if (!ok) {
    schedule_dir_step(DIR_RETRY_DELAY);
    return;
  }
  bootstrap_note_phase(BOOTSTRAP_LOADING_STATUS);
  dirstate_consensus_result_t r = dirstate_offer_consensus(&client.dir, (const char *)body,
                                                           len, time(NULL));
  if (r == DIRSTATE_CONSENSUS_ACCEPTED) {
    if (check_required_protocols() < 0)
      return;
    /* A newly downloaded consensus (onionbalance refetches on this). */
    control_event_status(CEV_STATUS_CLIENT, "NOTICE", "CONSENSUS_ARRIVED");
    control_event_new_consensus(client.dir.consensus);
    nodes_changed();
  } else if (r == DIRSTATE_CONSENSUS_REJECTED) {
    schedule_dir_step(DIR_RETRY_DELAY);
    return;
  }
  client_dir_step();
}

/* When to fetch the next consensus: a random time in the first half of the
 * span between fresh-until and valid-until (dir-spec 5.1), drawn once per
 * consensus so that asking again does not roll the dice again. */
static time_t
next_consensus_fetch_time(void)
{
  const consensus_t *c = client.dir.consensus;
  if (client.consensus_fetch_for == c->valid_after && client.consensus_fetch_at)
    return client.consensus_fetch_at;
  time_t span = c->valid_until - c->fresh_until;
  client.consensus_fetch_for = c->valid_after;
  client.consensus_fetch_at = c->fresh_until;
  if (span > 1)
    client.consensus_fetch_at += (time_t)rng((uint64_t)(span / 2) + 1);
  return client.consensus_fetch_at;
}

/* Decides the next directory action and starts it. */
static void
client_dir_step(void)
{
  char path[8192], list[7800];
  time_t now = time(NULL);
  if (client.fetch)
    return;
  if (client.dir.pending) {
    dirstate_missing_cert_fps(&client.dir, list, sizeof(list));
    bootstrap_note_phase(BOOTSTRAP_LOADING_KEYS);
    snprintf(path, sizeof(path), list[0] ? "/tor/keys/fp/%s" : "/tor/keys/all", list);
    if (start_fetch(path, MAX_CERTS_SIZE, on_certs) < 0)
      schedule_dir_step(DIR_RETRY_DELAY);
    return;
  }
  if (!client.dir.consensus || now >= next_consensus_fetch_time()) {
    if (!client.dir.consensus)
      bootstrap_note_phase(BOOTSTRAP_CONN);
    int r = start_fetch("/tor/status-vote/current/consensus-microdesc", MAX_CONSENSUS_SIZE,
                        on_consensus);
    if (r > 0 && !client.dir.consensus)
      bootstrap_note_phase(BOOTSTRAP_REQUESTING_STATUS);
    if (r < 0)
      schedule_dir_step(DIR_RETRY_DELAY);
    return;
  }
  size_t n = dirstate_missing_microdescs(&client.dir, MAX_MICRODESC_BATCH, list, sizeof(list));
  if (n > 0) {
    bootstrap_note_phase(BOOTSTRAP_REQUESTING_DESCRIPTORS);
    bootstrap_note_phase(BOOTSTRAP_LOADING_DESCRIPTORS);
    snprintf(path, sizeof(path), "/tor/micro/d/%s", list);
    if (start_fetch(path, MAX_MICRODESCS_SIZE, on_microdescs) < 0)
      schedule_dir_step(DIR_RETRY_DELAY);
    return;
  }
  nodes_changed();
  if (client.enough_dirinfo)
    close_bootstrap_circuits();
  time_t at = next_consensus_fetch_time();
  schedule_dir_step(at > now ? (int)(at - now) : 1);
}

static void
dir_timer_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what; (void)arg;
  client_dir_step();
}

/* ---- life ---- */

int
client_start(struct event_base *base, const client_config_t *config)
{
  uint8_t v3[CLIENT_MAX_AUTHORITIES][20];
  int n = 0;
  memset(&client, 0, sizeof(client));
  client.base = base;
  client.cfg = config;
  for (int i = 0; i < config->n_authorities && n < CLIENT_MAX_AUTHORITIES; i++)
    if (config->authorities[i].has_v3_identity)
      memcpy(v3[n++], config->authorities[i].v3_identity_digest, 20);
  if (n == 0) {
    log_err(LD_DIR, "No directory authority with a v3ident: no consensus could be "
            "verified, so there is nothing to bootstrap from.");
    return -1;
  }
  dirstate_init(&client.dir, config->datadir, (const uint8_t (*)[20])v3, (size_t)n);
  client.dir_timer = evtimer_new(base, dir_timer_cb, NULL);
  if (!client.dir_timer)
    return -1;
  client.started = 1;
  bootstrap_note_phase(BOOTSTRAP_STARTING);
  if (dirstate_load_caches(&client.dir, time(NULL)) && check_required_protocols() < 0)
    return -1;
  if (client.dir.nodes) {
    bootstrap_note_phase(BOOTSTRAP_LOADING_STATUS);
    nodes_changed();
  }
  schedule_dir_step(0);
  return 0;
}

void
client_stop(void)
{
  if (!client.started)
    return;
  dirfetch_cancel(client.fetch);
  client.fetch = NULL;
  client.fetch_circ = NULL;
  for (int i = 0; i < MAX_CIRCUIT_REQUESTS; i++)
    if (client.requests[i].used) {
      circ_request_t r = client.requests[i];
      memset(&client.requests[i], 0, sizeof(r));
      r.ready(NULL, r.arg);
    }
  circuit_close_all();
  if (client.dir_timer)
    event_free(client.dir_timer);
  dirstate_clear(&client.dir);
  client.started = 0;
}

int
client_is_bootstrapped(void)
{
  return client.bootstrapped;
}
