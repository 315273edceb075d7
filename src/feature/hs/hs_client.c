/* The onion service client: see hs_client.h. */
#include "orconfig.h"
#include "feature/hs/hs_client.h"
#include "core/mainloop/mainloop.h"
#include "core/or/stream.h"
#include "core/proto/proto_socks.h"
#include "feature/client/client.h"
#include "feature/dirclient/dirstate.h"
#include "feature/hs/hs_cells.h"
#include "feature/hs/hs_client_auth.h"
#include "feature/hs/hs_client_conn.h"
#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_dirop.h"
#include "feature/hs/hs_keys.h"
#include "feature/nodelist/path.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_SERVICES 64
#define MAX_REQUESTS 256
#define MAX_CONNS 64
#define ISOLATION_KEY_MAX 520

/* What we know of one onion service. */
typedef struct svc_t {
  int used;
  char addr[ONION_ADDRESS_LEN + 1];
  uint8_t identity_pk[32];
  hs_desc_t *desc;                 /* decrypted, or NULL */
  time_t desc_loaded_at;
  int cache_stale;                 /* hs_dirop's copy is no better: fetch */
  uint8_t subcred[32];
  uint32_t failed_intros;          /* bit i: desc intro point i failed */
  int fetching;
  time_t last_used;
} svc_t;

typedef struct req_t {
  int used;
  svc_t *svc;
  uint8_t key[ISOLATION_KEY_MAX];
  size_t key_len;
  hs_client_ready_fn ready;
  void *arg;
  time_t deadline;
  int fetches;                     /* descriptor fetches made for it */
  int attempts;                    /* connection attempts made for it */
  hs_client_status_t last_error;
} req_t;

/* A connection attempt, and later its joined circuit. */
typedef struct slot_t {
  hs_client_conn_t *conn;          /* NULL: free */
  svc_t *svc;
  uint8_t key[ISOLATION_KEY_MAX];
  size_t key_len;
  int joined;
  time_t joined_at, first_used;
} slot_t;

static struct {
  svc_t svcs[MAX_SERVICES];
  req_t reqs[MAX_REQUESTS];
  slot_t slots[MAX_CONNS];
  struct event *pump, *tick;
} hc;

static void schedule_pump(void);

/* ---- statuses and addresses ---- */

uint8_t
hs_client_socks5_reply(hs_client_status_t status)
{
  switch (status) {
    case HS_CLIENT_OK: return SOCKS5_SUCCEEDED;
    case HS_CLIENT_DESC_NOT_FOUND: return SOCKS5_HS_NOT_FOUND;
    case HS_CLIENT_DESC_INVALID: return SOCKS5_HS_IS_INVALID;
    case HS_CLIENT_INTRO_FAILED: return SOCKS5_HS_INTRO_FAILED;
    case HS_CLIENT_REND_FAILED: return SOCKS5_HS_REND_FAILED;
    case HS_CLIENT_NEED_CLIENT_AUTH: return SOCKS5_HS_MISSING_CLIENT_AUTH;
    case HS_CLIENT_BAD_CLIENT_AUTH: return SOCKS5_HS_BAD_CLIENT_AUTH;
    case HS_CLIENT_BAD_ADDRESS: return SOCKS5_HS_BAD_ADDRESS;
    case HS_CLIENT_TIMEOUT: return SOCKS5_HS_INTRO_TIMEDOUT;
    default: return SOCKS5_GENERAL_FAILURE;
  }
}

const char *
hs_client_status_str(hs_client_status_t status)
{
  switch (status) {
    case HS_CLIENT_OK: return "ok";
    case HS_CLIENT_DESC_NOT_FOUND: return "descriptor not found";
    case HS_CLIENT_DESC_INVALID: return "descriptor invalid";
    case HS_CLIENT_INTRO_FAILED: return "introduction failed";
    case HS_CLIENT_REND_FAILED: return "rendezvous failed";
    case HS_CLIENT_NEED_CLIENT_AUTH: return "client authorization required";
    case HS_CLIENT_BAD_CLIENT_AUTH: return "client authorization failed";
    case HS_CLIENT_BAD_ADDRESS: return "bad onion address";
    case HS_CLIENT_TIMEOUT: return "timed out";
    default: return "internal error";
  }
}

hs_client_status_t
hs_client_parse_address(const char *host, char out[ONION_ADDRESS_LEN + 1], uint8_t pk_out[32])
{
  uint8_t pk[32];
  size_t n = host ? strlen(host) : 0;
  if (n < ONION_ADDRESS_LEN + 6 || strcasecmp(host + n - 6, ".onion"))
    return HS_CLIENT_BAD_ADDRESS;
  /* The label before ".onion"; anything before it is a subdomain. */
  const char *label = host + n - 6 - ONION_ADDRESS_LEN;
  if (label > host && label[-1] != '.')
    return HS_CLIENT_BAD_ADDRESS;
  if (onion_address_decode(pk, label, ONION_ADDRESS_LEN, NULL) < 0)
    return HS_CLIENT_BAD_ADDRESS;
  if (out) {
    for (int i = 0; i < ONION_ADDRESS_LEN; i++)
      out[i] = (char)(label[i] >= 'A' && label[i] <= 'Z' ? label[i] - 'A' + 'a' : label[i]);
    out[ONION_ADDRESS_LEN] = '\0';
  }
  if (pk_out)
    memcpy(pk_out, pk, 32);
  return HS_CLIENT_OK;
}

/* ---- requests ---- */

static int
key_matches(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
  return a_len == b_len && !memcmp(a, b, a_len);
}

/* Answers r once and frees its slot first: ready may do anything. */
static void
finish(req_t *r, circuit_t *circ, hs_client_status_t st)
{
  req_t done = *r;
  memset(r, 0, sizeof(*r));
  if (st != HS_CLIENT_OK)
    log_info(LD_REND, "No circuit to %s.onion: %s.", done.svc->addr, hs_client_status_str(st));
  done.ready(circ, st, done.arg);
}

static slot_t *
slot_for(const svc_t *svc, const uint8_t *key, size_t key_len)
{
  for (int i = 0; i < MAX_CONNS; i++) {
    slot_t *s = &hc.slots[i];
    if (s->conn && s->svc == svc && key_matches(s->key, s->key_len, key, key_len) &&
        (!s->joined || !s->first_used ||
         time(NULL) - s->first_used < HS_CLIENT_CIRCUIT_DIRTINESS))
      return s;
  }
  return NULL;
}

/* ---- descriptors ---- */

static void
svc_forget_desc(svc_t *svc)
{
  hs_desc_free(svc->desc);
  svc->desc = NULL;
  svc->failed_intros = 0;
}

/* Takes the descriptor in hs_dirop's cache, if it is for the current time
 * period and decrypts. */
static hs_client_status_t
load_cached(svc_t *svc)
{
  const char *text = hs_dirop_cached(svc->addr);
  const char *err = NULL;
  uint8_t blinded[32];
  if (!text)
    return HS_CLIENT_DESC_NOT_FOUND;
  time_t now = time(NULL);
  hs_desc_t *d = hs_desc_parse_outer(text, strlen(text), now, &err);
  if (!d)
    return HS_CLIENT_DESC_NOT_FOUND;   /* expired since: fetch again */
  if (hs_dirop_blinded_key(svc->addr, blinded) == 0 && memcmp(blinded, d->blinded_pk, 32)) {
    hs_desc_free(d);
    return HS_CLIENT_DESC_NOT_FOUND;   /* another time period's */
  }
  const hs_client_auth_cred_t *cred = hs_client_auth_find(svc->addr);
  int r = hs_desc_decrypt_auth(d, svc->identity_pk, cred ? cred->sk : NULL, now, &err);
  if (r < 0 || hs_subcredential(svc->subcred, svc->identity_pk, d->blinded_pk) < 0) {
    if (r == HS_DESC_DECRYPT_NEED_CLIENT_AUTH || r == HS_DESC_DECRYPT_BAD_CLIENT_AUTH)
      log_info(LD_REND, "Descriptor of %s.onion unusable: %s.", svc->addr, err ? err : "?");
    else  /* the service's own bad content: see hs_dirop's rejections */
      log_protocol_warn(LD_REND, "Rejected the descriptor of %s.onion: %s.", svc->addr,
                        err ? err : "?");
    hs_desc_free(d);
    if (r == HS_DESC_DECRYPT_NEED_CLIENT_AUTH || r == HS_DESC_DECRYPT_BAD_CLIENT_AUTH)
      log_notice(LD_REND, "%s.onion requires client authorization: %s.", svc->addr,
                 r == HS_DESC_DECRYPT_NEED_CLIENT_AUTH
                 ? "we have no credential for it (ClientOnionAuthDir, ONION_CLIENT_AUTH_ADD)"
                 : "our credential for it is not one the service knows");
    return r == HS_DESC_DECRYPT_NEED_CLIENT_AUTH ? HS_CLIENT_NEED_CLIENT_AUTH
         : r == HS_DESC_DECRYPT_BAD_CLIENT_AUTH ? HS_CLIENT_BAD_CLIENT_AUTH
         : HS_CLIENT_DESC_INVALID;
  }
  svc_forget_desc(svc);
  svc->desc = d;
  svc->desc_loaded_at = now;
  log_info(LD_REND, "Descriptor of %s.onion has %zu intro point(s).", svc->addr,
           d->n_intro_points);
  return HS_CLIENT_OK;
}

/* Decrypts the cached descriptor of addr with client_sk (NULL: none):
 * 0, or the hs_desc_decrypt_auth failure (-1 if none is cached). */
static int
try_cached(const char *addr, const uint8_t pk[32], const uint8_t *client_sk)
{
  const char *text = hs_dirop_cached(addr);
  if (!text)
    return -1;
  hs_desc_t *d = hs_desc_parse_outer(text, strlen(text), time(NULL), NULL);
  if (!d)
    return -1;
  int r = hs_desc_decrypt_auth(d, pk, client_sk, time(NULL), NULL);
  hs_desc_free(d);
  return r;
}

int
hs_client_cached_desc_decrypts_now(const char *addr)
{
  uint8_t pk[32];
  const hs_client_auth_cred_t *cred = hs_client_auth_find(addr);
  if (!cred || onion_address_decode(pk, addr, strlen(addr), NULL) < 0)
    return 0;
  /* a descriptor we already use was not one we could not decrypt */
  for (int i = 0; i < MAX_SERVICES; i++)
    if (hc.svcs[i].used && !strcmp(hc.svcs[i].addr, addr) && hc.svcs[i].desc)
      return 0;
  return try_cached(addr, pk, NULL) == HS_DESC_DECRYPT_NEED_CLIENT_AUTH &&
         try_cached(addr, pk, cred->sk) == 0;
}

/* The descriptor we hold is past its lifetime, or of another time period
 * than the one clients fetch now: forget it. */
static void
drop_stale_desc(svc_t *svc, time_t now)
{
  uint8_t blinded[32];
  if (!svc->desc)
    return;
  if (now - svc->desc_loaded_at >= (time_t)svc->desc->lifetime_minutes * 60 ||
      (hs_dirop_blinded_key(svc->addr, blinded) == 0 &&
       memcmp(blinded, svc->desc->blinded_pk, 32))) {
    log_info(LD_REND, "Descriptor of %s.onion is stale.", svc->addr);
    svc_forget_desc(svc);
    svc->cache_stale = 1;
  }
}

static int
req_has_attempt(const req_t *r)
{
  const slot_t *s = slot_for(r->svc, r->key, r->key_len);
  return s && !s->joined;
}

static void
on_fetch_done(const char *addr, int found, void *arg)
{
  svc_t *svc = arg;
  (void)addr;
  svc->fetching = 0;
  hs_client_status_t st = found ? load_cached(svc) : HS_CLIENT_DESC_NOT_FOUND;
  if (st != HS_CLIENT_OK) {
    for (int i = 0; i < MAX_REQUESTS; i++)
      if (hc.reqs[i].used && hc.reqs[i].svc == svc && !req_has_attempt(&hc.reqs[i]))
        finish(&hc.reqs[i], NULL, st);
  }
  schedule_pump();
}

static void
start_fetch(svc_t *svc)
{
  svc_forget_desc(svc);
  if (hs_dirop_fetch_for(svc->addr, on_fetch_done, svc) < 0) {
    for (int i = 0; i < MAX_REQUESTS; i++)
      if (hc.reqs[i].used && hc.reqs[i].svc == svc)
        finish(&hc.reqs[i], NULL, HS_CLIENT_INTERNAL);
    return;
  }
  svc->fetching = 1;
  svc->cache_stale = 0;
  log_info(LD_REND, "Fetching the descriptor of %s.onion.", svc->addr);
  for (int i = 0; i < MAX_REQUESTS; i++)
    if (hc.reqs[i].used && hc.reqs[i].svc == svc)
      hc.reqs[i].fetches++;
}

/* ---- intro points and rendezvous points ---- */

/* The hop to intro point i of the descriptor; -1 if its link specifiers
 * name no IPv4 address and RSA identity. */
static int
intro_from_desc(const svc_t *svc, size_t i, hs_client_intro_t *out)
{
  const hs_desc_intro_point_t *ip = &svc->desc->intro_points[i];
  extend2_request_t ls;
  memset(&ls, 0, sizeof(ls));
  memset(out, 0, sizeof(*out));
  if (hs_cell_link_specifiers_parse(ip->link_specifiers, ip->link_specifiers_len,
                                    "descriptor intro point", &ls) < 0 ||
      !ls.has_ipv4 || !ls.has_legacy_id)
    return -1;
  inet_ntop(AF_INET, ls.ipv4_addr, out->hop.address, sizeof(out->hop.address));
  out->hop.or_port = ls.ipv4_port;
  memcpy(out->hop.rsa_id, ls.legacy_id, 20);
  if (ls.has_ed25519_id) {
    memcpy(out->hop.ed_id, ls.ed25519_id, 32);
    out->hop.has_ed_id = 1;
  }
  memcpy(out->hop.ntor_onion_key, ip->onion_key, 32);
  const dirstate_t *ds = client_dirstate();
  const node_t *node = ds && ds->nodes ? nodelist_find(ds->nodes, ls.legacy_id) : NULL;
  snprintf(out->hop.nickname, sizeof(out->hop.nickname), "%s", node ? node->nickname : "intro");
  memcpy(out->auth_key, ip->auth_key, 32);
  memcpy(out->enc_key, ip->enc_key, 32);
  return 0;
}

/* A random intro point of svc that has not failed; -1 if none is left. */
static int
pick_intro(svc_t *svc, hs_client_intro_t *out)
{
  if (!svc->desc)
    return -1;
  size_t n = svc->desc->n_intro_points;
  if (n > HS_DESC_MAX_INTRO_POINTS)
    n = HS_DESC_MAX_INTRO_POINTS;
  for (size_t tries = 0; tries < n; tries++) {
    size_t usable[HS_DESC_MAX_INTRO_POINTS], n_usable = 0;
    for (size_t i = 0; i < n; i++)
      if (!(svc->failed_intros & (1u << i)))
        usable[n_usable++] = i;
    if (n_usable == 0)
      return -1;
    size_t i = usable[path_crypto_rng(n_usable)];
    if (intro_from_desc(svc, i, out) == 0)
      return 0;
    svc->failed_intros |= 1u << i;
  }
  return -1;
}

static void
mark_intro_failed(svc_t *svc, const uint8_t auth_key[32])
{
  for (size_t i = 0; svc->desc && i < svc->desc->n_intro_points && i < 32; i++)
    if (!memcmp(svc->desc->intro_points[i].auth_key, auth_key, 32))
      svc->failed_intros |= 1u << i;
}

/* A random relay for the rendezvous point, not the intro relay; it needs
 * an Ed25519 identity for the link specifiers. */
static int
pick_rend_point(const circuit_hop_info_t *intro, circuit_hop_info_t *out)
{
  const dirstate_t *ds = client_dirstate();
  const nodelist_t *nl = ds ? ds->nodes : NULL;
  if (!nl)
    return -1;
  path_constraints_t pc;
  memset(&pc, 0, sizeof(pc));
  const node_t *intro_node = nodelist_find(nl, intro->rsa_id);
  if (intro_node)
    pc.in_path[pc.n_in_path++] = intro_node;
  for (int tries = 0; tries < 8; tries++) {
    const node_t *n = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_MIDDLE, &nl->weights,
                                       &pc, path_crypto_rng);
    if (!n)
      return -1;
    if (n->has_ed_id && n->has_microdesc) {
      node_get_hop_info(n, out);
      return 0;
    }
    if (pc.n_in_path < PATH_MAX_HOPS)
      pc.in_path[pc.n_in_path++] = n;
  }
  return -1;
}

/* ---- connection attempts ---- */

static int
conn_next_intro(hs_client_conn_t *c, const hs_client_intro_t *failed, hs_client_intro_t *next,
                void *arg)
{
  slot_t *s = arg;
  (void)c;
  mark_intro_failed(s->svc, failed->auth_key);
  return pick_intro(s->svc, next);
}

static void
conn_joined(hs_client_conn_t *c, circuit_t *circ, void *arg)
{
  slot_t *s = arg;
  (void)c; (void)circ;
  s->joined = 1;
  s->joined_at = time(NULL);
  schedule_pump();
}

static void
conn_ended(hs_client_conn_t *c, hs_client_status_t why, void *arg)
{
  slot_t *s = arg;
  if (why != HS_CLIENT_OK) {
    for (int i = 0; i < MAX_REQUESTS; i++) {
      req_t *r = &hc.reqs[i];
      if (r->used && r->svc == s->svc && key_matches(r->key, r->key_len, s->key, s->key_len))
        r->last_error = why;
    }
  }
  memset(s, 0, sizeof(*s));
  hs_client_conn_free(c);
  schedule_pump();
}

static const hs_client_conn_owner_t conn_owner = { conn_next_intro, conn_joined, conn_ended };

/* The SENDME spacing to ask congestion control with on the rendezvous
 * circuit: the descriptor's "flow-control VERSIONS SENDME_INC" must offer
 * version 2, and the consensus must not turn it off (cc_alg 0). 0: ask
 * for none (fixed windows). */
static int
desc_cc_sendme_inc(const hs_desc_t *d)
{
  const struct dirstate_t *ds = client_dirstate();
  unsigned lo, hi, inc;
  char sep;
  if (!d || !d->flow_control || !ds || !ds->consensus ||
      consensus_get_param(ds->consensus, "cc_alg", 2, 0, 3) == 0)
    return 0;
  if (sscanf(d->flow_control, "%u-%u %u%c", &lo, &hi, &inc, &sep) != 3) {
    if (sscanf(d->flow_control, "%u %u%c", &lo, &inc, &sep) != 2)
      return 0;
    hi = lo;
  }
  return lo <= 2 && 2 <= hi && inc >= 1 && inc <= 255 ? (int)inc : 0;
}

static hs_client_status_t
start_attempt(req_t *r)
{
  hs_client_conn_params_t p;
  slot_t *s = NULL;
  for (int i = 0; i < MAX_CONNS && !s; i++)
    if (!hc.slots[i].conn)
      s = &hc.slots[i];
  if (!s)
    return HS_CLIENT_INTERNAL;
  memset(&p, 0, sizeof(p));
  memcpy(p.addr, r->svc->addr, sizeof(p.addr));
  memcpy(p.subcred, r->svc->subcred, sizeof(p.subcred));
  p.cc_sendme_inc = desc_cc_sendme_inc(r->svc->desc);
  if (pick_intro(r->svc, &p.intro) < 0)
    return HS_CLIENT_INTRO_FAILED;
  if (pick_rend_point(&p.intro.hop, &p.rend_point) < 0)
    return HS_CLIENT_INTERNAL;
  memset(s, 0, sizeof(*s));
  s->svc = r->svc;
  memcpy(s->key, r->key, r->key_len);
  s->key_len = r->key_len;
  r->attempts++;
  s->conn = hs_client_conn_start(&p, &conn_owner, s);
  memwipe(&p, sizeof(p));
  if (!s->conn) {
    memset(s, 0, sizeof(*s));
    return HS_CLIENT_INTERNAL;
  }
  return HS_CLIENT_OK;
}

/* ---- the pump: what every request needs next ---- */

static void
serve(req_t *r, time_t now)
{
  svc_t *svc = r->svc;
  svc->last_used = now;
  slot_t *s = slot_for(svc, r->key, r->key_len);
  if (s && s->joined) {
    if (!s->first_used)
      s->first_used = now;
    finish(r, hs_client_conn_circuit(s->conn), HS_CLIENT_OK);
    return;
  }
  if (now >= r->deadline) {
    finish(r, NULL, HS_CLIENT_TIMEOUT);
    return;
  }
  if (s || svc->fetching || !client_is_bootstrapped())
    return;   /* under way, or wait for the network */
  drop_stale_desc(svc, now);
  if (!svc->desc) {
    /* hs_dirop's cache first, as tor uses its own; a fetch otherwise. */
    hs_client_status_t st = r->fetches == 0 && !svc->cache_stale ? load_cached(svc)
                                                                  : HS_CLIENT_DESC_NOT_FOUND;
    if (st != HS_CLIENT_OK) {
      if (r->fetches < HS_CLIENT_MAX_FETCHES)
        start_fetch(svc);
      else
        finish(r, NULL, r->last_error ? r->last_error : st);
      return;
    }
  }
  if (r->attempts >= HS_CLIENT_MAX_ATTEMPTS) {
    finish(r, NULL, r->last_error ? r->last_error : HS_CLIENT_REND_FAILED);
    return;
  }
  hs_client_status_t st = start_attempt(r);
  if (st == HS_CLIENT_INTRO_FAILED && r->fetches < HS_CLIENT_MAX_FETCHES) {
    /* Every intro point of this descriptor failed: it may be stale. */
    log_info(LD_REND, "No usable intro point left for %s.onion; fetching its descriptor again.",
             svc->addr);
    start_fetch(svc);
  } else if (st != HS_CLIENT_OK) {
    finish(r, NULL, st == HS_CLIENT_INTRO_FAILED || !r->last_error ? st : r->last_error);
  }
}

static void
pump_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what; (void)arg;
  time_t now = time(NULL);
  for (int i = 0; i < MAX_REQUESTS; i++)
    if (hc.reqs[i].used)
      serve(&hc.reqs[i], now);
}

static void
schedule_pump(void)
{
  if (!hc.pump)
    hc.pump = event_new(mainloop_get_base(), -1, 0, pump_cb, NULL);
  if (hc.pump)
    event_active(hc.pump, EV_TIMEOUT, 0);
}

/* Every second: the attempts' timeouts, idle joined circuits, the
 * requests' deadlines. */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
  time_t now = time(NULL);
  for (int i = 0; i < MAX_CONNS; i++) {
    slot_t *s = &hc.slots[i];
    if (!s->conn)
      continue;
    if (!s->joined) {
      hs_client_conn_tick(s->conn, now);   /* may free the slot */
      continue;
    }
    time_t since = s->first_used > s->joined_at ? s->first_used : s->joined_at;
    circuit_t *circ = hs_client_conn_circuit(s->conn);
    if (now - since >= HS_CLIENT_CIRCUIT_DIRTINESS && (!circ || !stream_count_on_circuit(circ))) {
      hs_client_conn_t *c = s->conn;
      memset(s, 0, sizeof(*s));
      hs_client_conn_free(c);
    }
  }
  pump_cb(fd, what, arg);
}

/* ---- the API ---- */

static svc_t *
find_or_add_service(const char *addr, const uint8_t pk[32])
{
  svc_t *free_slot = NULL, *oldest_idle = NULL;
  for (int i = 0; i < MAX_SERVICES; i++) {
    svc_t *svc = &hc.svcs[i];
    if (svc->used && !strcmp(svc->addr, addr))
      return svc;
    if (!svc->used) {
      free_slot = free_slot ? free_slot : svc;
      continue;
    }
    int busy = svc->fetching;
    for (int k = 0; k < MAX_REQUESTS && !busy; k++)
      busy = hc.reqs[k].used && hc.reqs[k].svc == svc;
    for (int k = 0; k < MAX_CONNS && !busy; k++)
      busy = hc.slots[k].conn && hc.slots[k].svc == svc;
    if (!busy && (!oldest_idle || svc->last_used < oldest_idle->last_used))
      oldest_idle = svc;
  }
  svc_t *svc = free_slot ? free_slot : oldest_idle;
  if (!svc)
    return NULL;
  svc_forget_desc(svc);
  memset(svc, 0, sizeof(*svc));
  svc->used = 1;
  memcpy(svc->addr, addr, sizeof(svc->addr));
  memcpy(svc->identity_pk, pk, 32);
  return svc;
}

void
hs_client_get_circuit(const char *host, const uint8_t *isolation_key, size_t key_len,
                      hs_client_ready_fn ready, void *arg)
{
  char addr[ONION_ADDRESS_LEN + 1];
  uint8_t pk[32];
  if (hs_client_parse_address(host, addr, pk) != HS_CLIENT_OK) {
    log_info(LD_REND, "Invalid onion address %s.", safe_str_client(host));
    ready(NULL, HS_CLIENT_BAD_ADDRESS, arg);
    return;
  }
  if (!hc.tick) {
    hc.tick = event_new(mainloop_get_base(), -1, EV_PERSIST, tick_cb, NULL);
    struct timeval tv = { 1, 0 };
    if (hc.tick)
      event_add(hc.tick, &tv);
  }
  svc_t *svc = find_or_add_service(addr, pk);
  req_t *r = NULL;
  for (int i = 0; i < MAX_REQUESTS && !r; i++)
    if (!hc.reqs[i].used)
      r = &hc.reqs[i];
  if (!svc || !r || key_len > ISOLATION_KEY_MAX || !hc.tick) {
    ready(NULL, HS_CLIENT_INTERNAL, arg);
    return;
  }
  memset(r, 0, sizeof(*r));
  r->used = 1;
  r->svc = svc;
  memcpy(r->key, isolation_key, key_len);
  r->key_len = key_len;
  r->ready = ready;
  r->arg = arg;
  r->deadline = time(NULL) + HS_CLIENT_REQUEST_TIMEOUT;
  svc->last_used = time(NULL);
  schedule_pump();
}

void
hs_client_retire_circuit(circuit_t *circ)
{
  for (int i = 0; circ && i < MAX_CONNS; i++) {
    slot_t *s = &hc.slots[i];
    if (!s->conn || !s->joined || hs_client_conn_circuit(s->conn) != circ)
      continue;
    log_info(LD_REND, "Rendezvous circuit for %s.onion retired.", s->svc->addr);
    if (stream_count_on_circuit(circ) == 0) {
      hs_client_conn_t *c = s->conn;
      memset(s, 0, sizeof(*s));
      hs_client_conn_free(c);
    } else {
      /* long past HS_CLIENT_CIRCUIT_DIRTINESS: the tick closes it once idle */
      s->first_used = 1;
      s->joined_at = 1;
    }
    return;
  }
}

void
hs_client_cancel_request(void *arg)
{
  for (int i = 0; i < MAX_REQUESTS; i++)
    if (hc.reqs[i].used && hc.reqs[i].arg == arg)
      memset(&hc.reqs[i], 0, sizeof(hc.reqs[i]));
}

void
hs_client_stop(void)
{
  memset(hc.reqs, 0, sizeof(hc.reqs));
  for (int i = 0; i < MAX_CONNS; i++) {
    hs_client_conn_t *c = hc.slots[i].conn;
    memset(&hc.slots[i], 0, sizeof(hc.slots[i]));
    hs_client_conn_free(c);
  }
  for (int i = 0; i < MAX_SERVICES; i++) {
    hs_dirop_forget(&hc.svcs[i]);
    svc_forget_desc(&hc.svcs[i]);
  }
  if (hc.pump)
    event_free(hc.pump);
  if (hc.tick)
    event_free(hc.tick);
  memset(&hc, 0, sizeof(hc));
}
