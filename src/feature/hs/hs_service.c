/* Onion services, service side: see hs_service.h. */
#include "orconfig.h"
#include "feature/hs/hs_service.h"
#include "core/crypto/hs_ntor.h"
#include "core/crypto/relay_crypto_hs.h"
#include "core/crypto/relay_msg.h"
#include "core/or/circuit.h"
#include "core/or/stream.h"
#include "feature/client/client.h"
#include "feature/dirclient/dirfetch.h"
#include "feature/dirclient/dirstate.h"
#include "feature/hs/hs_cells.h"
#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_keys.h"
#include "feature/hs/hs_ob_frontend.h"
#include "feature/hs/hs_ring.h"
#include "feature/hs/hs_service_keys.h"
#include "feature/hs/hs_stream.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/onion_address.h"
#include "lib/crypt/x25519.h"
#include "feature/control/control_events.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HS_N_INTRO_POINTS HS_CONFIG_MAX_INTRO_POINTS  /* room; cfg says how many */
#define HS_REUPLOAD_INTERVAL (30 * 60)
#define HS_MAX_HSDIRS 64
/* Introductions one intro point takes before its replay cache is full. */
#define HS_INTRO_REPLAY_ENTRIES 16384

typedef struct hs_service_t hs_service_t;

typedef struct hs_intro_t {
  hs_service_t *svc;
  circuit_t *circ;              /* NULL: none yet */
  int established;
  circuit_hop_info_t relay;
  uint8_t auth_pk[32], auth_esk[64];
  uint8_t enc_pk[32], enc_sk[32];
  hs_replay_cache_t *replay;
} hs_intro_t;

/* A rendezvous in progress: what RENDEZVOUS1 needs once the circuit to
 * the rendezvous point is built. */
typedef struct hs_rend_t {
  hs_service_t *svc;
  uint8_t cookie[HS_REND_COOKIE_LEN];
  uint8_t reply[HS_NTOR_REPLY_LEN];
  uint8_t keys[HS_NTOR_E2E_KEY_LEN];
  int joined;
  int cc_sendme_inc;   /* the client asked for congestion control: > 0 */
} hs_rend_t;

struct hs_service_t {
  hs_service_config_t cfg;
  hs_service_keys_t keys;
  hs_intro_t intros[HS_N_INTRO_POINTS];
  hs_stream_stats_t stats;
  int need_upload;
  time_t last_upload;
  uint64_t uploaded_tp;          /* first time period of the last upload */
  int uploads_in_flight;
  uint64_t last_rev_period[2];   /* by period parity: the two we publish */
  uint64_t last_rev[2];
  int ephemeral;                 /* ADD_ONION: keys in memory only */
  int removed;                   /* DEL_ONION: no more intros or uploads */
  unsigned owner;                /* ADD_ONION's control connection; 0: detached */
  char *current_desc;            /* the last one built for the current period */
  hs_ob_frontend_t *ob;          /* a built-in OnionBalance frontend: its
                                  * descriptor lists the backends' intro
                                  * points, it has none of its own */
};

/* Services are allocated one by one and never move: intro points,
 * rendezvous and uploads in flight point at them. A removed (DEL_ONION)
 * service keeps its slot until hs_services_stop. */
#define HS_MAX_SERVICES (HS_CONFIG_MAX_SERVICES + 256)

static struct {
  struct event_base *base;
  hs_service_t *services[HS_MAX_SERVICES];
  int n;
  int testing_network;
  struct event *timer;
} hs;

/* ---- helpers ---- */

static const char *
svc_name(const hs_service_t *svc)
{
  return svc->keys.address;
}

/* The NSPEC block describing relay: legacy id, IPv4, Ed25519 id. */
static size_t
encode_link_specifiers(const circuit_hop_info_t *relay, uint8_t *out, size_t cap)
{
  struct in_addr a;
  if (inet_pton(AF_INET, relay->address, &a) != 1)
    return 0;
  return hs_cell_link_specifiers_encode((const uint8_t *)&a.s_addr, relay->or_port,
                                        relay->rsa_id, relay->has_ed_id ? relay->ed_id : NULL,
                                        out, cap);
}

/* The time parameters of the network in our consensus. */
static int
time_params(hs_time_params_t *p, const consensus_t *c)
{
  if (!c)
    return -1;
  int64_t interval = consensus_get_param(c, "hsdir-interval", -1, -1, INT32_MAX);
  hs_time_params_init(p, (uint64_t)(c->fresh_until - c->valid_after), interval,
                      hs.testing_network);
  return 0;
}

/* ---- descriptors ---- */

typedef struct upload_t {
  char *desc;
  size_t len;
  hs_service_t *svc;
  circuit_t *circ;
  char hsdir[64];               /* "$FP~nick", as HS_DESC events name it */
  int reported;                 /* UPLOADED or FAILED was sent */
} upload_t;

static void
report_upload(upload_t *u, int ok, const char *reason)
{
  if (u->reported)
    return;
  u->reported = 1;
  if (ok)
    control_event_sendf(CEV_HS_DESC, "HS_DESC UPLOADED %s UNKNOWN %s", svc_name(u->svc),
                        u->hsdir);
  else
    control_event_sendf(CEV_HS_DESC, "HS_DESC FAILED %s UNKNOWN %s REASON=%s",
                        svc_name(u->svc), u->hsdir, reason);
}

static void
on_upload_done(int ok, int status, const uint8_t *body, size_t len, void *arg)
{
  upload_t *u = arg;
  (void)body; (void)len;
  log_info(LD_REND, "Descriptor upload %s (HTTP %d).", ok ? "accepted" : "failed", status);
  report_upload(u, ok, "UPLOAD_REJECTED");
  circuit_close(u->circ, CIRCUIT_CLOSE_REQUESTED);
}

static void
upload_circ_built(circuit_t *circ, void *arg)
{
  upload_t *u = arg;
  u->circ = circ;
  if (!dirfetch_post_via_circuit(hs.base, circ, "/tor/hs/3/publish", (const uint8_t *)u->desc,
                                 u->len, on_upload_done, u))
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
}

static void
upload_circ_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                  const uint8_t *data, size_t len, void *arg)
{
  (void)hop; (void)arg;
  stream_circuit_relay(circ, command, stream_id, data, len);
}

static void
upload_circ_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  upload_t *u = arg;
  (void)reason;
  stream_circuit_closed(circ);
  report_upload(u, 0, "UNEXPECTED");
  u->svc->uploads_in_flight--;
  free(u->desc);
  free(u);
}

static const circuit_handlers_t upload_handlers = {
  .on_built = upload_circ_built, .on_relay = upload_circ_relay, .on_closed = upload_circ_closed,
};

/* HSDirs keep a descriptor only if its revision counter is higher than
 * the one they hold for that blinded key. Count seconds from a point fixed
 * for the whole life of the period's key (the start of the period before
 * it), so the counter grows across restarts and is positive for both the
 * current and the next period; within one second, count on. Tor's own
 * counters (order-preserving encryption of seconds) are larger, so keys
 * moved from us to real tor publish at once, while keys moved from real
 * tor to us wait for its descriptors to expire. */
static uint64_t
next_revision_counter(hs_service_t *svc, const hs_time_params_t *tp, uint64_t period)
{
  time_t ref = hs_time_period_start(tp, period ? period - 1 : 0);
  time_t now = time(NULL);
  uint64_t rev = now > ref ? (uint64_t)(now - ref) : 1;
  int slot = (int)(period & 1);
  if (svc->last_rev_period[slot] == period && rev <= svc->last_rev[slot])
    rev = svc->last_rev[slot] + 1;
  svc->last_rev_period[slot] = period;
  svc->last_rev[slot] = rev;
  return rev;
}

/* Builds the descriptor for time period rp and sends it to its HSDirs. */
/* INTRODUCE1/2 encrypted-section extension: the client asks for
 * congestion control on the rendezvous circuit (an empty field). */
#define HS_EXT_CC_REQUEST 0x01

/* The SENDME spacing we offer for congestion control (proposal 324:
 * consensus cc_sendme_inc), or 0 when the consensus turns it off (cc_alg
 * 0) or there is no consensus. */
static int
service_cc_sendme_inc(void)
{
  const dirstate_t *ds = client_dirstate();
  if (!ds || !ds->consensus || consensus_get_param(ds->consensus, "cc_alg", 2, 0, 3) == 0)
    return 0;
  return consensus_get_param(ds->consensus, "cc_sendme_inc", 31, 1, 255);
}

static void
upload_for_period(hs_service_t *svc, const dirstate_t *ds, const hs_time_params_t *tp,
                  const hs_ring_period_t *rp, const char *which)
{
  hs_desc_signing_keys_t k;
  hs_desc_t d;
  hs_desc_intro_point_t ips[HS_DESC_MAX_INTRO_POINTS];
  uint8_t ls[HS_N_INTRO_POINTS][128];
  memset(&k, 0, sizeof(k));
  memset(&d, 0, sizeof(d));
  memcpy(k.identity_pk, svc->keys.identity_pk, 32);
  if (hs_blinded_public_key(k.blinded_pk, svc->keys.identity_pk, rp->tp, tp->period_length) < 0 ||
      hs_blinded_secret_key(k.blinded_esk, svc->keys.identity_esk, svc->keys.identity_pk,
                            rp->tp, tp->period_length) < 0 ||
      ed25519_keypair_generate(k.signing_pk, k.signing_esk) < 0)
    return;
  d.lifetime_minutes = HS_DESC_LIFETIME_DEFAULT;
  d.revision_counter = next_revision_counter(svc, tp, rp->tp);
  d.create2_ntor = 1;
  char flow_control[32];
  int cc_inc = service_cc_sendme_inc();
  if (cc_inc > 0) {
    /* FlowCtrl 1-2: we speak both fixed windows and congestion control. */
    snprintf(flow_control, sizeof(flow_control), "1-2 %d", cc_inc);
    d.flow_control = flow_control;
  }
  if (svc->ob)
    d.n_intro_points = hs_ob_frontend_intro_points(svc->ob, ips, HS_DESC_MAX_INTRO_POINTS);
  for (int i = 0; !svc->ob && i < svc->cfg.num_intro_points; i++) {
    const hs_intro_t *in = &svc->intros[i];
    if (!in->established)
      continue;
    hs_desc_intro_point_t *ip = &ips[d.n_intro_points];
    memset(ip, 0, sizeof(*ip));
    ip->link_specifiers_len = encode_link_specifiers(&in->relay, ls[d.n_intro_points], 128);
    ip->link_specifiers = ls[d.n_intro_points];
    memcpy(ip->onion_key, in->relay.ntor_onion_key, 32);
    memcpy(ip->auth_key, in->auth_pk, 32);
    memcpy(ip->enc_key, in->enc_pk, 32);
    d.n_intro_points++;
  }
  d.intro_points = ips;
  size_t len;
  uint8_t blinded_pk[32];
  memcpy(blinded_pk, k.blinded_pk, sizeof(blinded_pk));
  char *doc = hs_desc_encode(&d, &k, time(NULL), &len);
  memwipe(&k, sizeof(k));
  if (!doc) {
    log_warn(LD_REND, "Couldn't build a descriptor for %s.onion.", svc_name(svc));
    return;
  }
  char desc_id[64];
  base64_encode(desc_id, sizeof(desc_id), blinded_pk, 32, BASE64_ENCODE_NOPAD);
  control_event_sendf(CEV_HS_DESC, "HS_DESC CREATED %s UNKNOWN UNKNOWN %s", svc_name(svc),
                      desc_id);
  /* The responsible HSDirs in the hash ring of this period. */
  const nodelist_t *nl = ds->nodes;
  hs_ring_relay_t *ring = calloc(nl->n_nodes ? nl->n_nodes : 1, sizeof(*ring));
  size_t *chosen = calloc(HS_MAX_HSDIRS + nl->n_nodes, sizeof(size_t));
  const node_t **ring_nodes = calloc(nl->n_nodes ? nl->n_nodes : 1, sizeof(*ring_nodes));
  size_t n_ring = 0;
  for (size_t i = 0; ring && ring_nodes && i < nl->n_nodes; i++) {
    const node_t *n = &nl->nodes[i];
    if (!n->has_ed_id || !node_is_usable(n))
      continue;
    memcpy(ring[n_ring].ed25519_id, n->ed_id, 32);
    ring[n_ring].flags = (n->flags & NODE_FLAG_HSDIR) ? HS_RING_HSDIR : 0;
    ring_nodes[n_ring++] = n;
  }
  int replicas = consensus_get_param(ds->consensus, "hsdir_n_replicas", HS_N_REPLICAS_DEFAULT,
                                     HS_N_REPLICAS_MIN, HS_N_REPLICAS_MAX);
  int spread = consensus_get_param(ds->consensus, "hsdir_spread_store", HS_SPREAD_STORE_DEFAULT,
                                   HS_SPREAD_MIN, HS_SPREAD_MAX);
  int n_dirs = (ring && chosen && ring_nodes)
               ? hs_ring_responsible_hsdirs(ring, n_ring, blinded_pk, rp, tp->period_length,
                                            replicas, spread, chosen)
               : -1;
  for (int i = 0; i < n_dirs; i++) {
    upload_t *u = calloc(1, sizeof(*u));
    if (!u)
      break;
    u->desc = malloc(len + 1);
    if (!u->desc) {
      free(u);
      break;
    }
    memcpy(u->desc, doc, len + 1);
    u->len = len;
    u->svc = svc;
    circuit_hop_info_t hsdir;
    node_get_hop_info(ring_nodes[chosen[i]], &hsdir);
    char fp[41];
    base16_encode(fp, sizeof(fp), hsdir.rsa_id, 20);
    snprintf(u->hsdir, sizeof(u->hsdir), "$%s~%s", fp, hsdir.nickname);
    const circuit_purpose_t purpose = { "HS_SERVICE_HSDIR", NULL, svc_name(svc) };
    circuit_t *ucirc = client_launch_circuit_to(&hsdir, &upload_handlers, u, &purpose);
    if (!ucirc) {
      free(u->desc);
      free(u);
      continue;
    }
    svc->uploads_in_flight++;
    /* tor's line, which chutney waits for to call an onion service ready. */
    log_info(LD_REND, "Service %s %s descriptor of revision %llu initiated upload request "
             "to %s", svc_name(svc), which, (unsigned long long)d.revision_counter,
             u->hsdir);
    control_event_sendf(CEV_HS_DESC, "HS_DESC UPLOAD %s UNKNOWN %s %s", svc_name(svc),
                        u->hsdir, desc_id);
  }
  log_info(LD_REND, "Uploading the descriptor of %s.onion for time period %llu to %d HSDir(s).",
           svc_name(svc), (unsigned long long)rp->tp, n_dirs);
  free(ring);
  free(chosen);
  free(ring_nodes);
  if (!strcmp(which, "current")) {
    free(svc->current_desc);
    svc->current_desc = doc;   /* GETINFO hs/service/desc/id/ */
  } else {
    free(doc);
  }
}

static void
upload_descriptors(hs_service_t *svc)
{
  const dirstate_t *ds = client_dirstate();
  hs_time_params_t tp;
  hs_srv_pair_t srvs;
  hs_ring_period_t first, second;
  if (!ds || !ds->consensus || !ds->nodes || time_params(&tp, ds->consensus) < 0)
    return;
  memset(&srvs, 0, sizeof(srvs));
  srvs.have_current = ds->consensus->srv_current.present;
  srvs.have_previous = ds->consensus->srv_previous.present;
  memcpy(srvs.current, ds->consensus->srv_current.value, HS_SRV_LEN);
  memcpy(srvs.previous, ds->consensus->srv_previous.value, HS_SRV_LEN);
  hs_ring_periods_for_upload(&tp, ds->consensus->valid_after, &srvs, &first, &second);
  upload_for_period(svc, ds, &tp, &first, "current");
  upload_for_period(svc, ds, &tp, &second, "next");
  svc->need_upload = 0;
  svc->last_upload = time(NULL);
  svc->uploaded_tp = first.tp;
}

/* The first time period we would upload for now (it changes when the
 * ring moves to a new period). */
static int
current_upload_period(uint64_t *tp_out)
{
  const dirstate_t *ds = client_dirstate();
  hs_time_params_t tp;
  hs_srv_pair_t srvs;
  hs_ring_period_t first, second;
  if (!ds || !ds->consensus || time_params(&tp, ds->consensus) < 0)
    return -1;
  memset(&srvs, 0, sizeof(srvs));
  srvs.have_current = ds->consensus->srv_current.present;
  srvs.have_previous = ds->consensus->srv_previous.present;
  memcpy(srvs.current, ds->consensus->srv_current.value, HS_SRV_LEN);
  memcpy(srvs.previous, ds->consensus->srv_previous.value, HS_SRV_LEN);
  hs_ring_periods_for_upload(&tp, ds->consensus->valid_after, &srvs, &first, &second);
  *tp_out = first.tp;
  return 0;
}

/* ---- rendezvous ---- */

static void
rend_circ_built(circuit_t *circ, void *arg)
{
  hs_rend_t *r = arg;
  uint8_t body[HS_CELL_RENDEZVOUS1_LEN];
  if (hs_cell_rendezvous1_encode(body, sizeof(body), r->cookie, r->reply) < 0 ||
      circuit_send_relay(circ, circuit_n_hops(circ) - 1, RELAY_COMMAND_RENDEZVOUS1, 0, body,
                         sizeof(body)) < 0) {
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  hs_e2e_crypto_t *e2e = hs_e2e_crypto_new(r->keys, sizeof(r->keys), 1);
  memwipe(r->keys, sizeof(r->keys));
  if (!e2e || circuit_add_e2e_hop(circ, e2e) < 0) {
    hs_e2e_crypto_free(e2e);
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  if (r->cc_sendme_inc && circuit_e2e_use_congestion_control(circ, r->cc_sendme_inc) < 0) {
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    return;
  }
  r->joined = 1;
  circuit_set_purpose(circ, "HS_SERVICE_REND", "HSSR_JOINED", svc_name(r->svc));
  log_info(LD_REND, "Rendezvous joined for %s.onion%s.", svc_name(r->svc),
           r->cc_sendme_inc ? " (congestion control)" : "");
}

static void
rend_circ_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                const uint8_t *data, size_t len, void *arg)
{
  hs_rend_t *r = arg;
  if (hop != circuit_n_hops(circ) || !r->joined)
    return; /* only the client, through the end-to-end hop, opens streams */
  hs_stream_circuit_relay(circ, &r->svc->cfg, &r->svc->stats, command, stream_id, data, len);
}

static void
rend_circ_writable(circuit_t *circ, void *arg)
{
  (void)arg;
  hs_stream_circuit_writable(circ);
}

static void
rend_circ_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  hs_rend_t *r = arg;
  (void)reason;
  hs_stream_circuit_closed(circ);
  memwipe(r, sizeof(*r));
  free(r);
}

static const circuit_handlers_t rend_handlers = {
  .on_built = rend_circ_built, .on_relay = rend_circ_relay,
  .on_writable = rend_circ_writable, .on_closed = rend_circ_closed,
};

/* Subcredentials we accept: ours for the periods of
 * hs_ring_periods_for_intro (intro points serve both of our descriptors),
 * and, for an OnionBalance instance, each master's for the periods before,
 * at and after now, as tor's instances accept (a master descriptor may be
 * a period behind or ahead of the client). */
#define MAX_SUBCREDS (HS_INTRO_MAX_PERIODS + HS_OB_MAX_MASTERS * HS_OB_PERIODS)
static size_t
our_subcredentials(const hs_service_t *svc, uint8_t out[MAX_SUBCREDS][HS_NTOR_SUBCRED_LEN])
{
  const dirstate_t *ds = client_dirstate();
  hs_time_params_t tp;
  uint64_t periods[HS_INTRO_MAX_PERIODS];
  size_t n = 0;
  if (!ds || !ds->consensus || time_params(&tp, ds->consensus) < 0)
    return 0;
  size_t n_periods = hs_ring_periods_for_intro(&tp, ds->consensus->valid_after, time(NULL),
                                               periods);
  for (size_t i = 0; i < n_periods; i++) {
    uint8_t blinded[32];
    if (hs_blinded_public_key(blinded, svc->keys.identity_pk, periods[i], tp.period_length) == 0 &&
        hs_subcredential(out[n], svc->keys.identity_pk, blinded) == 0)
      n++;
  }
  n += hs_ob_subcredentials((const uint8_t (*)[32])svc->cfg.ob_masters, svc->cfg.n_ob_masters,
                            hs_time_period_num(&tp, time(NULL)), tp.period_length, out + n);
  return n;
}

static void
handle_introduce2(hs_intro_t *in, const uint8_t *body, size_t len)
{
  uint8_t subcreds[MAX_SUBCREDS][HS_NTOR_SUBCRED_LEN];
  uint8_t plain[RELAY_PAYLOAD_LEN], client_pk[HS_NTOR_KEY_LEN];
  hs_intro2_plaintext_t p;
  hs_intro_point_keys_t ipk = { in->auth_pk, in->enc_sk, in->enc_pk,
                                (const uint8_t (*)[HS_NTOR_SUBCRED_LEN])subcreds,
                                our_subcredentials(in->svc, subcreds) };
  if (hs_cell_introduce2_process(body, len, &ipk, in->replay, plain, &p, client_pk, NULL) < 0) {
    log_protocol_warn(LD_REND, "Rejected an INTRODUCE2 for %s.onion.", svc_name(in->svc));
    return;
  }
  hs_rend_t *r = calloc(1, sizeof(*r));
  if (!r)
    return;
  r->svc = in->svc;
  memcpy(r->cookie, p.rend_cookie, HS_REND_COOKIE_LEN);
  const uint8_t *field;
  uint8_t field_len;
  if (hs_cell_exts_find(&p.exts, HS_EXT_CC_REQUEST, &field, &field_len)) {
    r->cc_sendme_inc = service_cc_sendme_inc();
    if (!r->cc_sendme_inc) {
      /* Our descriptor did not offer it: as tor, refuse the introduction. */
      log_info(LD_REND, "INTRODUCE2 asks for congestion control, which the consensus "
               "turns off; dropped.");
      free(r);
      return;
    }
  }
  if (hs_ntor_service_rendezvous(in->enc_sk, in->enc_pk, in->auth_pk, client_pk, r->reply,
                                 r->keys) < 0 ||
      !p.rend_point.has_ipv4 || !p.rend_point.has_legacy_id) {
    free(r);
    return;
  }
  circuit_hop_info_t rp;
  memset(&rp, 0, sizeof(rp));
  inet_ntop(AF_INET, p.rend_point.ipv4_addr, rp.address, sizeof(rp.address));
  rp.or_port = p.rend_point.ipv4_port;
  memcpy(rp.rsa_id, p.rend_point.legacy_id, 20);
  if (p.rend_point.has_ed25519_id) {
    memcpy(rp.ed_id, p.rend_point.ed25519_id, 32);
    rp.has_ed_id = 1;
  }
  memcpy(rp.ntor_onion_key, p.onion_key, 32);
  snprintf(rp.nickname, sizeof(rp.nickname), "rendezvous");
  /* The client names the point by link specifiers; what it speaks (ntor
   * v3) we learn from our consensus, when it is there with the same key. */
  const dirstate_t *ds = client_dirstate();
  const node_t *rp_node = ds && ds->nodes ? nodelist_find(ds->nodes, rp.rsa_id) : NULL;
  if (rp_node && rp.has_ed_id && rp_node->has_ed_id && !memcmp(rp_node->ed_id, rp.ed_id, 32) &&
      !memcmp(rp_node->ntor_onion_key, rp.ntor_onion_key, 32)) {
    rp.ntor_v3 = rp_node->ntor_v3;
    snprintf(rp.nickname, sizeof(rp.nickname), "%s", rp_node->nickname);
  }
  const circuit_purpose_t purpose = { "HS_SERVICE_REND", "HSSR_CONNECTING", svc_name(in->svc) };
  circuit_t *rcirc = client_launch_circuit_to(&rp, &rend_handlers, r, &purpose);
  if (!rcirc) {
    log_info(LD_REND, "Couldn't launch a circuit to the rendezvous point.");
    free(r);
    return;
  }
}

/* ---- introduction points ---- */

static void
intro_circ_built(circuit_t *circ, void *arg)
{
  hs_intro_t *in = arg;
  uint8_t body[RELAY_DATA_MAX];
  int n = hs_cell_establish_intro_encode(body, sizeof(body), in->auth_pk, in->auth_esk,
                                         circuit_hop_kh(circ, circuit_n_hops(circ) - 1), NULL);
  if (n < 0 || circuit_send_relay(circ, -1, RELAY_COMMAND_ESTABLISH_INTRO, 0, body,
                                  (size_t)n) < 0)
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
}

static void
intro_circ_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
                 const uint8_t *data, size_t len, void *arg)
{
  hs_intro_t *in = arg;
  (void)stream_id;
  if (hop != circuit_n_hops(circ) - 1)
    return;
  if (command == RELAY_COMMAND_INTRO_ESTABLISHED && !in->established) {
    hs_cell_exts_t exts;
    if (hs_cell_intro_established_parse(data, len, &exts) < 0)
      return;
    in->established = 1;
    in->svc->need_upload = 1;
    circuit_set_purpose(circ, "HS_SERVICE_INTRO", "HSSI_ESTABLISHED", svc_name(in->svc));
    log_info(LD_REND, "Introduction point %s established for %s.onion.", in->relay.nickname,
             svc_name(in->svc));
  } else if (command == RELAY_COMMAND_INTRODUCE2 && in->established) {
    handle_introduce2(in, data, len);
  }
}

static void
intro_circ_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  hs_intro_t *in = arg;
  (void)circ;
  log_info(LD_REND, "Introduction circuit to %s closed (%s).", in->relay.nickname,
           circuit_close_reason_str(reason));
  if (in->established)
    in->svc->need_upload = 1;
  in->circ = NULL;
  in->established = 0;
  hs_replay_cache_free(in->replay);
  in->replay = NULL;
}

static const circuit_handlers_t intro_handlers = {
  .on_built = intro_circ_built, .on_relay = intro_circ_relay, .on_closed = intro_circ_closed,
};

/* A relay not already an introduction point of svc, at random. */
static const node_t *
pick_intro_relay(const hs_service_t *svc, const nodelist_t *nl)
{
  path_constraints_t pc;
  memset(&pc, 0, sizeof(pc));
  for (int i = 0; i < svc->cfg.num_intro_points; i++) {
    const node_t *n = svc->intros[i].circ ? nodelist_find(nl, svc->intros[i].relay.rsa_id) : NULL;
    if (n && pc.n_in_path < PATH_MAX_HOPS)
      pc.in_path[pc.n_in_path++] = n;
  }
  pc.need_stable = 0;
  return path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_MIDDLE, &nl->weights, &pc,
                          path_crypto_rng);
}

static void
launch_intro_points(hs_service_t *svc)
{
  const dirstate_t *ds = client_dirstate();
  if (!ds || !ds->nodes)
    return;
  for (int i = 0; i < svc->cfg.num_intro_points; i++) {
    hs_intro_t *in = &svc->intros[i];
    if (in->circ)
      continue;
    const node_t *n = pick_intro_relay(svc, ds->nodes);
    if (!n || !n->has_ed_id)
      return;
    memset(in, 0, sizeof(*in));
    in->svc = svc;
    node_get_hop_info(n, &in->relay);
    if (ed25519_keypair_generate(in->auth_pk, in->auth_esk) < 0 ||
        x25519_keypair_generate(in->enc_pk, in->enc_sk) < 0 ||
        !(in->replay = hs_replay_cache_new(HS_INTRO_REPLAY_ENTRIES)))
      return;
    const circuit_purpose_t purpose = { "HS_SERVICE_INTRO", "HSSI_CONNECTING", svc_name(svc) };
    in->circ = client_launch_circuit_to(&in->relay, &intro_handlers, in, &purpose);
    if (!in->circ) {
      hs_replay_cache_free(in->replay);
      in->replay = NULL;
    }
  }
}

/* ---- the service timer ---- */

static void
service_tick(hs_service_t *svc)
{
  if (!client_is_bootstrapped())
    return;
  int established = 0;
  if (svc->ob) {
    hs_ob_frontend_tick(svc->ob, time(NULL));
    established = (int)hs_ob_frontend_n_intro_points(svc->ob);
    if (established && svc->uploads_in_flight == 0 && hs_ob_frontend_take_changed(svc->ob))
      svc->need_upload = 1;
  } else {
    launch_intro_points(svc);
    for (int i = 0; i < svc->cfg.num_intro_points; i++)
      established += svc->intros[i].established;
  }
  if (established == 0 || svc->uploads_in_flight > 0)
    return;
  uint64_t period;
  int new_period = svc->last_upload && current_upload_period(&period) == 0 &&
                   period != svc->uploaded_tp;
  if (svc->need_upload || new_period || !svc->last_upload ||
      time(NULL) - svc->last_upload >= HS_REUPLOAD_INTERVAL)
    upload_descriptors(svc);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what; (void)arg;
  for (int i = 0; i < hs.n; i++)
    if (!hs.services[i]->removed)
      service_tick(hs.services[i]);
}

int
hs_services_start(struct event_base *base, const hs_service_config_t *configs, int n,
                  int testing_network)
{
  char err[1024];
  memset(&hs, 0, sizeof(hs));
  hs.base = base;
  hs.testing_network = testing_network;
  for (int i = 0; i < n; i++) {
    hs_service_t *svc = calloc(1, sizeof(*svc));
    if (!svc) {
      hs_services_stop();
      return -1;
    }
    hs.services[hs.n++] = svc;
    svc->cfg = configs[i];
    if (hs_service_keys_load_or_create(svc->cfg.dir, &svc->keys, err, sizeof(err)) < 0) {
      log_err(LD_REND, "%s", err);
      hs_services_stop();
      return -1;
    }
    if (svc->cfg.ob_frontend) {
      svc->ob = hs_ob_frontend_new(svc->keys.address, svc->cfg.ob_backends,
                                   svc->cfg.n_ob_backends);
      if (!svc->ob) {
        hs_services_stop();
        return -1;
      }
      log_notice(LD_REND, "OnionBalance frontend %s.onion: fronting %d backend(s).",
                 svc->keys.address, svc->cfg.n_ob_backends);
    }
    for (int m = 0; m < svc->cfg.n_ob_masters; m++) {
      char addr[ONION_ADDRESS_LEN + 1];
      onion_address_encode(addr, svc->cfg.ob_masters[m]);
      log_notice(LD_REND, "OnionBalance: MasterOnionAddress %s.onion registered for %s.onion.",
                 addr, svc->keys.address);
    }
  }
  hs_stream_init(base);
  /* The timer runs with no service too: ADD_ONION may add some. */
  hs.timer = event_new(base, -1, EV_PERSIST, timer_cb, NULL);
  struct timeval tv = { 1, 0 };
  if (!hs.timer || event_add(hs.timer, &tv) < 0)
    return -1;
  return 0;
}

static void
close_intro_points(hs_service_t *svc)
{
  for (int k = 0; k < HS_N_INTRO_POINTS; k++) {
    if (svc->intros[k].circ)
      circuit_close(svc->intros[k].circ, CIRCUIT_CLOSE_REQUESTED);
    hs_replay_cache_free(svc->intros[k].replay);
    svc->intros[k].replay = NULL;
  }
}

void
hs_services_stop(void)
{
  hs_stream_close_all();
  /* Uploads and rendezvous in flight point at their service: close every
   * circuit (their handlers run now) before the services go. */
  circuit_close_all();
  for (int i = 0; i < hs.n; i++) {
    hs_service_t *svc = hs.services[i];
    close_intro_points(svc);
    memwipe(&svc->keys, sizeof(svc->keys));
  }
  if (hs.timer)
    event_free(hs.timer);
  /* Circuits closed above free their state on the next loop turn, which
   * never comes at shutdown; their handlers only touch what is freed here
   * when they run, so free the services last. */
  for (int i = 0; i < hs.n; i++) {
    free(hs.services[i]->current_desc);
    hs_ob_frontend_free(hs.services[i]->ob);
    free(hs.services[i]);
  }
  memset(&hs, 0, sizeof(hs));
}

static hs_service_t *
find_service(const char *address)
{
  for (int i = 0; i < hs.n; i++)
    if (!hs.services[i]->removed && !strcmp(hs.services[i]->keys.address, address))
      return hs.services[i];
  return NULL;
}

int
hs_service_add_ephemeral(const hs_service_config_t *cfg, const uint8_t *esk,
                         unsigned owner, hs_service_keys_t *keys_out, char *err,
                         size_t errlen)
{
  hs_service_keys_t keys;
  memset(&keys, 0, sizeof(keys));
  if (!hs.base) {
    snprintf(err, errlen, "Onion services are not running");
    return -1;
  }
  if (esk) {
    memcpy(keys.identity_esk, esk, 64);
    if (ed25519_public_from_seckey(keys.identity_pk, keys.identity_esk) < 0) {
      snprintf(err, errlen, "Invalid key");
      return -1;
    }
  } else if (ed25519_keypair_generate(keys.identity_pk, keys.identity_esk) < 0) {
    snprintf(err, errlen, "Couldn't make a key");
    return -1;
  }
  if (onion_address_encode(keys.address, keys.identity_pk) < 0) {
    memwipe(&keys, sizeof(keys));
    snprintf(err, errlen, "Couldn't encode the onion address");
    return -1;
  }
  if (find_service(keys.address)) {
    memwipe(&keys, sizeof(keys));
    snprintf(err, errlen, "Onion address collision");
    return -2;
  }
  if (hs.n == HS_MAX_SERVICES) {
    memwipe(&keys, sizeof(keys));
    snprintf(err, errlen, "Too many onion services (at most %d in a process's life)",
             HS_MAX_SERVICES);
    return -1;
  }
  hs_service_t *svc = calloc(1, sizeof(*svc));
  if (!svc) {
    memwipe(&keys, sizeof(keys));
    snprintf(err, errlen, "Out of memory");
    return -1;
  }
  svc->cfg = *cfg;
  svc->cfg.dir[0] = '\0';
  if (svc->cfg.num_intro_points <= 0)
    svc->cfg.num_intro_points = HS_CONFIG_DEFAULT_INTRO_POINTS;
  svc->keys = keys;
  svc->ephemeral = 1;
  svc->owner = owner;
  hs.services[hs.n++] = svc;
  *keys_out = keys;
  memwipe(&keys, sizeof(keys));
  log_notice(LD_REND, "Added ephemeral onion service %s.onion with %d port(s).",
             svc_name(svc), svc->cfg.n_ports);
  return 0;
}

int
hs_service_remove(const char *address)
{
  hs_service_t *svc = find_service(address);
  if (!svc || !svc->ephemeral)
    return -1;
  close_intro_points(svc);
  svc->removed = 1;
  free(svc->current_desc);
  svc->current_desc = NULL;
  memwipe(&svc->keys.identity_esk, sizeof(svc->keys.identity_esk));
  log_notice(LD_REND, "Removed onion service %s.onion.", svc->keys.address);
  return 0;
}

size_t
hs_service_list(unsigned owner, int detached, const char **out, size_t max)
{
  size_t n = 0;
  for (int i = 0; i < hs.n && n < max; i++) {
    const hs_service_t *svc = hs.services[i];
    if (svc->removed || !svc->ephemeral)
      continue;
    if (detached ? svc->owner == 0 : (svc->owner != 0 && svc->owner == owner))
      out[n++] = svc->keys.address;
  }
  return n;
}

void
hs_service_owner_gone(unsigned owner)
{
  for (int i = 0; i < hs.n; i++) {
    hs_service_t *svc = hs.services[i];
    if (!svc->removed && svc->ephemeral && svc->owner == owner && owner != 0)
      hs_service_remove(svc->keys.address);
  }
}

void
hs_services_log_stats(void)
{
  for (int i = 0; i < hs.n; i++) {
    const hs_service_t *svc = hs.services[i];
    if (svc->removed || svc->ob)
      continue;   /* a frontend serves no streams: its backends do */
    log_notice(LD_REND, "Onion service %s.onion: %llu stream(s) served, %llu bytes sent, "
               "%llu bytes received.", svc_name(svc), (unsigned long long)svc->stats.streams,
               (unsigned long long)svc->stats.bytes_sent,
               (unsigned long long)svc->stats.bytes_received);
  }
}

const char *
hs_service_current_descriptor(const char *address)
{
  const hs_service_t *svc = find_service(address);
  return svc ? svc->current_desc : NULL;
}
