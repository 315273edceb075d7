/* Controller-driven HSDir fetches and uploads: see hs_dirop.h. */
#include "orconfig.h"
#include "feature/hs/hs_dirop.h"
#include "core/mainloop/mainloop.h"
#include "core/or/circuit.h"
#include "core/or/stream.h"
#include "feature/client/client.h"
#include "feature/control/control_events.h"
#include "feature/dirclient/dirfetch.h"
#include "feature/dirclient/dirstate.h"
#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_hsdirs.h"
#include "feature/hs/hs_keys.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/onion_address.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"
#include "lib/log/log.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef enum { OP_FETCH, OP_POST } op_kind_t;

typedef struct op_t op_t;

/* One HSDir asked: its circuit, then its directory request. */
typedef struct attempt_t {
  op_t *op;
  const hs_hsdir_t *hsdir;      /* in op->targets */
  circuit_t *circ;
  struct event *timer;
  int reported;                 /* the outcome's events were sent */
  struct attempt_t *next;       /* op->attempts */
} attempt_t;

struct op_t {
  op_kind_t kind;
  char addr[ONION_ADDRESS_LEN + 1];   /* or "UNKNOWN" */
  uint8_t blinded_pk[32];
  char blinded_b64[48];               /* unpadded, 43 characters */
  hs_hsdir_t *targets;
  int n_targets;
  int next_target;
  int parallel;                       /* ask every target at once */
  int found;                          /* a fetch got a good descriptor */
  int in_flight;
  attempt_t *attempts;
  char *desc;                         /* post: the body, NUL-terminated */
  size_t desc_len;
  hs_dirop_fetch_done_fn done;        /* an internal user's, or NULL */
  void *done_arg;
  op_t *next;
};

typedef struct cache_entry_t {
  char addr[ONION_ADDRESS_LEN + 1];
  char *text;
  uint64_t stamp;
} cache_entry_t;

static struct {
  int testing_network;
  op_t *ops;
  int n_ops;
  int in_flight;
  struct event *pump;
  int stopping;
  cache_entry_t cache[HS_DIROP_CACHE_MAX];
  uint64_t stamp;
} g;

/* ---- cache ---- */

static void
cache_store(const char *addr, const uint8_t *body, size_t len)
{
  char *text = malloc(len + 1);
  if (!text)
    return;
  memcpy(text, body, len);
  text[len] = '\0';
  cache_entry_t *slot = NULL;
  for (int i = 0; i < HS_DIROP_CACHE_MAX && !slot; i++)
    if (g.cache[i].text && !strcmp(g.cache[i].addr, addr))
      slot = &g.cache[i];
  for (int i = 0; i < HS_DIROP_CACHE_MAX && !slot; i++)
    if (!g.cache[i].text)
      slot = &g.cache[i];
  if (!slot) {
    slot = &g.cache[0];
    for (int i = 1; i < HS_DIROP_CACHE_MAX; i++)
      if (g.cache[i].stamp < slot->stamp)
        slot = &g.cache[i];
  }
  free(slot->text);
  snprintf(slot->addr, sizeof(slot->addr), "%s", addr);
  slot->text = text;
  slot->stamp = ++g.stamp;
}

const char *
hs_dirop_cached(const char *addr)
{
  for (int i = 0; addr && i < HS_DIROP_CACHE_MAX; i++)
    if (g.cache[i].text && !strcmp(g.cache[i].addr, addr))
      return g.cache[i].text;
  return NULL;
}

/* ---- events ---- */

static void
emit_content(const op_t *op, const char *hsdir, const uint8_t *body, size_t len)
{
  char head[256];
  if (g.stopping || !control_event_wanted(CEV_HS_DESC_CONTENT))
    return;
  snprintf(head, sizeof(head), "HS_DESC_CONTENT %s %s %s", op->addr, op->blinded_b64, hsdir);
  if (body && len)
    control_event_send_data(CEV_HS_DESC_CONTENT, head, (const char *)body, len);
  else
    control_event_send_data(CEV_HS_DESC_CONTENT, head, "\n", 1); /* tor: one empty line */
}

static void
emit_start(const op_t *op, const hs_hsdir_t *h)
{
  char index[HS_RING_INDEX_LEN * 2 + 16] = "";
  if (g.stopping || !control_event_wanted(CEV_HS_DESC))
    return;
  if (h->has_index) {
    memcpy(index, " HSDIR_INDEX=", 13);
    base16_encode(index + 13, sizeof(index) - 13, h->index, HS_RING_INDEX_LEN);
  }
  if (op->kind == OP_FETCH)
    control_event_sendf(CEV_HS_DESC, "HS_DESC REQUESTED %s NO_AUTH %s %s%s", op->addr,
                        h->longname, op->blinded_b64, index);
  else
    control_event_sendf(CEV_HS_DESC, "HS_DESC UPLOAD %s UNKNOWN %s %s%s", op->addr,
                        h->longname, op->blinded_b64, index);
}

/* The outcome of one attempt, once. For a fetch, body is the good
 * descriptor (NULL on failure, with reason). */
static void
report(attempt_t *a, int ok, const char *reason, const uint8_t *body, size_t len)
{
  op_t *op = a->op;
  const char *hsdir = a->hsdir->longname;
  if (a->reported)
    return;
  a->reported = 1;
  if (op->kind == OP_FETCH) {
    if (ok) {
      op->found = 1;
      cache_store(op->addr, body, len);
      log_info(LD_REND, "Fetched the descriptor of %s.onion from %s.", op->addr, hsdir);
    }
    if (!g.stopping && control_event_wanted(CEV_HS_DESC)) {
      if (ok)
        control_event_sendf(CEV_HS_DESC, "HS_DESC RECEIVED %s NO_AUTH %s %s", op->addr, hsdir,
                            op->blinded_b64);
      else
        control_event_sendf(CEV_HS_DESC, "HS_DESC FAILED %s NO_AUTH %s %s REASON=%s",
                            op->addr, hsdir, op->blinded_b64, reason);
    }
    emit_content(op, hsdir, ok ? body : NULL, ok ? len : 0);
  } else if (!g.stopping && control_event_wanted(CEV_HS_DESC)) {
    if (ok)
      control_event_sendf(CEV_HS_DESC, "HS_DESC UPLOADED %s UNKNOWN %s", op->addr, hsdir);
    else
      control_event_sendf(CEV_HS_DESC, "HS_DESC FAILED %s UNKNOWN %s REASON=%s", op->addr,
                          hsdir, reason);
  }
}

/* ---- attempts ---- */

static void schedule_pump(void);

static void
on_fetch_done(int ok, int status, const uint8_t *body, size_t len, void *arg)
{
  attempt_t *a = arg;
  op_t *op = a->op;
  if (ok) {
    const char *err = NULL;
    /* (the parser refuses NUL bytes, which the cache's strings cannot hold) */
    hs_desc_t *d = hs_desc_parse_outer((const char *)body, len, time(NULL), &err);
    int good = d && !memcmp(d->blinded_pk, op->blinded_pk, 32);
    hs_desc_free(d);
    if (good) {
      report(a, 1, NULL, body, len);
    } else {
      /* A protocol violation by the service or the HSDir: info, or warn
       * with ProtocolWarnings 1 (tor logs these at warn; on the public
       * network anyone can serve us garbage). */
      log_protocol_warn(LD_REND, "Rejected the descriptor of %s.onion from %s: %s.",
                        op->addr, a->hsdir->longname,
                        err ? err : "signed by another blinded key than the service's");
      report(a, 0, "BAD_DESC", NULL, 0);
    }
  } else {
    report(a, 0, status == 404 ? "NOT_FOUND" : status == 400 ? "QUERY_REJECTED" : "UNEXPECTED",
           NULL, 0);
  }
  if (a->circ)
    circuit_close(a->circ, CIRCUIT_CLOSE_REQUESTED);
}

static void
on_post_done(int ok, int status, const uint8_t *body, size_t len, void *arg)
{
  attempt_t *a = arg;
  (void)body; (void)len;
  log_info(LD_REND, "Descriptor post to %s %s (HTTP %d).", a->hsdir->longname,
           ok ? "accepted" : "failed", status);
  report(a, ok, status ? "UPLOAD_REJECTED" : "UNEXPECTED", NULL, 0);
  if (a->circ)
    circuit_close(a->circ, CIRCUIT_CLOSE_REQUESTED);
}

static void
attempt_built(circuit_t *circ, void *arg)
{
  attempt_t *a = arg;
  op_t *op = a->op;
  dirfetch_t *f;
  a->circ = circ;
  if (op->kind == OP_FETCH) {
    char path[96];
    snprintf(path, sizeof(path), "/tor/hs/3/%s", op->blinded_b64);
    f = dirfetch_via_circuit(mainloop_get_base(), circ, path, HS_DESC_MAX_LEN, on_fetch_done, a);
  } else {
    f = dirfetch_post_via_circuit(mainloop_get_base(), circ, "/tor/hs/3/publish",
                                  (const uint8_t *)op->desc, op->desc_len, on_post_done, a);
  }
  if (!f)
    circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
}

static void
attempt_relay(circuit_t *circ, int hop, uint8_t command, uint16_t stream_id,
              const uint8_t *data, size_t len, void *arg)
{
  (void)hop; (void)arg;
  stream_circuit_relay(circ, command, stream_id, data, len);
}

static void
attempt_free(attempt_t *a)
{
  op_t *op = a->op;
  for (attempt_t **pp = &op->attempts; *pp; pp = &(*pp)->next) {
    if (*pp == a) {
      *pp = a->next;
      break;
    }
  }
  if (a->timer)
    event_free(a->timer);
  op->in_flight--;
  g.in_flight--;
  free(a);
}

static void
attempt_closed(circuit_t *circ, circuit_close_reason_t reason, void *arg)
{
  attempt_t *a = arg;
  (void)reason;
  stream_circuit_closed(circ);   /* may finish the request (on_*_done) */
  a->circ = NULL;
  report(a, 0, "UNEXPECTED", NULL, 0);
  attempt_free(a);
  schedule_pump();
}

static const circuit_handlers_t attempt_handlers = {
  .on_built = attempt_built, .on_relay = attempt_relay, .on_closed = attempt_closed,
};

static void
attempt_timeout(evutil_socket_t fd, short what, void *arg)
{
  attempt_t *a = arg;
  (void)fd; (void)what;
  log_info(LD_REND, "HSDir request to %s timed out.", a->hsdir->longname);
  if (a->circ)
    circuit_close(a->circ, CIRCUIT_CLOSE_TIMEOUT);
}

static void
launch_attempt(op_t *op)
{
  const hs_hsdir_t *h = &op->targets[op->next_target++];
  attempt_t *a = calloc(1, sizeof(*a));
  emit_start(op, h);
  if (!a) {
    attempt_t tmp = { .op = op, .hsdir = h };
    report(&tmp, 0, "UNEXPECTED", NULL, 0);
    return;
  }
  a->op = op;
  a->hsdir = h;
  a->next = op->attempts;
  op->attempts = a;
  op->in_flight++;
  g.in_flight++;
  const circuit_purpose_t purpose = {
    op->kind == OP_FETCH ? "HS_CLIENT_HSDIR" : "HS_SERVICE_HSDIR", NULL,
    strcmp(op->addr, "UNKNOWN") ? op->addr : NULL,
  };
  a->circ = client_launch_circuit_to(&h->hop, &attempt_handlers, a, &purpose);
  if (!a->circ) {
    log_info(LD_REND, "No circuit to HSDir %s.", h->longname);
    report(a, 0, "UNEXPECTED", NULL, 0);
    attempt_free(a);
    return;
  }
  a->timer = evtimer_new(mainloop_get_base(), attempt_timeout, a);
  struct timeval tv = { HS_DIROP_ATTEMPT_TIMEOUT, 0 };
  if (a->timer)
    evtimer_add(a->timer, &tv);
}

/* ---- operations ---- */

static void
op_free(op_t *op)
{
  free(op->targets);
  free(op->desc);
  free(op);
}

static int
op_may_launch(const op_t *op)
{
  if (op->next_target >= op->n_targets)
    return 0;
  if (op->parallel)
    return 1;
  return !op->found && op->in_flight == 0;
}

static void
pump_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what; (void)arg;
  for (op_t **pp = &g.ops; *pp;) {
    op_t *op = *pp;
    if (op->n_targets == 0 && op->next_target == 0) {
      /* No HSDir to ask: say so once, as tor does (HsDir UNKNOWN). */
      op->next_target = 1;
      if (op->kind == OP_FETCH) {
        if (control_event_wanted(CEV_HS_DESC))
          control_event_sendf(CEV_HS_DESC, "HS_DESC FAILED %s NO_AUTH UNKNOWN %s "
                              "REASON=QUERY_NO_HSDIR", op->addr, op->blinded_b64);
        emit_content(op, "UNKNOWN", NULL, 0);
      }
    }
    while (op_may_launch(op) && g.in_flight < HS_DIROP_MAX_IN_FLIGHT)
      launch_attempt(op);
    if (op->in_flight == 0 && !op_may_launch(op)) {
      *pp = op->next;
      g.n_ops--;
      /* The user's callback may start another operation: it runs with this
       * one already out of the list and freed. */
      hs_dirop_fetch_done_fn done = op->done;
      void *done_arg = op->done_arg;
      char addr[sizeof(op->addr)];
      int found = op->found;
      memcpy(addr, op->addr, sizeof(addr));
      op_free(op);
      if (done)
        done(addr, found, done_arg);
    } else {
      pp = &op->next;
    }
  }
}

static void
schedule_pump(void)
{
  if (g.stopping)
    return;
  if (!g.pump)
    g.pump = event_new(mainloop_get_base(), -1, 0, pump_cb, NULL);
  if (g.pump)
    event_active(g.pump, EV_TIMEOUT, 0);
}

/* A new operation with its targets: the given servers, or the responsible
 * HSDirs (shuffled for fetches). NULL if out of memory. */
static op_t *
op_new(op_kind_t kind, const char *addr, const uint8_t blinded_pk[32],
       const uint8_t (*servers)[20], int n_servers, const dirstate_t *ds,
       const hs_time_params_t *tp, const hs_ring_period_t *rp)
{
  op_t *op = calloc(1, sizeof(*op));
  if (!op)
    return NULL;
  op->kind = kind;
  snprintf(op->addr, sizeof(op->addr), "%s", addr ? addr : "UNKNOWN");
  memcpy(op->blinded_pk, blinded_pk, 32);
  base64_encode(op->blinded_b64, sizeof(op->blinded_b64), blinded_pk, 32, BASE64_ENCODE_NOPAD);
  op->targets = calloc(HS_DIROP_MAX_TARGETS, sizeof(*op->targets));
  if (!op->targets) {
    free(op);
    return NULL;
  }
  if (n_servers > 0) {
    op->parallel = 1;
    for (int i = 0; i < n_servers && op->n_targets < HS_DIROP_MAX_TARGETS; i++) {
      const node_t *node = ds && ds->nodes ? nodelist_find(ds->nodes, servers[i]) : NULL;
      if (node)
        hs_hsdirs_describe(node, tp, rp, &op->targets[op->n_targets++]);
    }
  } else if (ds && rp) {
    int n = hs_hsdirs_responsible(ds, tp, rp, blinded_pk, kind == OP_FETCH, op->targets,
                                  HS_DIROP_MAX_TARGETS);
    op->n_targets = n > 0 ? n : 0;
    op->parallel = kind == OP_POST;
    /* tor asks the responsible HSDirs in random order */
    for (int i = op->n_targets - 1; kind == OP_FETCH && i > 0; i--) {
      uint32_t r = 0;
      crypto_rand_bytes(&r, sizeof(r));
      int j = (int)(r % (uint32_t)(i + 1));
      hs_hsdir_t t = op->targets[i];
      op->targets[i] = op->targets[j];
      op->targets[j] = t;
    }
  }
  return op;
}

static void
op_add(op_t *op)
{
  op_t **pp = &g.ops;
  while (*pp)
    pp = &(*pp)->next;
  *pp = op;
  g.n_ops++;
  schedule_pump();
}

/* The client's directory, time parameters and fetch ring; ds NULL when
 * there is no consensus. */
static const dirstate_t *
current_ring(hs_time_params_t *tp, hs_ring_period_t *rp)
{
  const dirstate_t *ds = client_dirstate();
  if (!ds || !ds->consensus || hs_hsdirs_time_params(tp, ds->consensus, g.testing_network) < 0 ||
      hs_hsdirs_fetch_ring(ds, tp, rp) < 0)
    return NULL;
  return ds;
}

/* Starts a fetch; done (may be NULL) is the internal user's. */
static int
start_fetch(const char *addr, const uint8_t (*servers)[20], int n_servers,
            hs_dirop_fetch_done_fn done, void *done_arg)
{
  uint8_t identity_pk[32], blinded_pk[32];
  hs_time_params_t tp;
  hs_ring_period_t rp;
  memset(blinded_pk, 0, sizeof(blinded_pk));
  if (onion_address_decode(identity_pk, addr, strlen(addr), NULL) < 0)
    return -1;
  const dirstate_t *ds = current_ring(&tp, &rp);
  if (!ds)
    hs_time_params_default(&tp);
  if (ds && hs_blinded_public_key(blinded_pk, identity_pk, rp.tp, tp.period_length) < 0)
    ds = NULL;
  op_t *op = g.n_ops < HS_DIROP_MAX_OPS
             ? op_new(OP_FETCH, addr, blinded_pk, servers, n_servers, ds, &tp, ds ? &rp : NULL)
             : NULL;
  if (!op) {
    /* still answer the controller: stem waits for an HS_DESC_CONTENT */
    char b64[48];
    char head[256];
    base64_encode(b64, sizeof(b64), blinded_pk, 32, BASE64_ENCODE_NOPAD);
    if (control_event_wanted(CEV_HS_DESC))
      control_event_sendf(CEV_HS_DESC, "HS_DESC FAILED %s NO_AUTH UNKNOWN %s "
                          "REASON=QUERY_RATE_LIMITED", addr, b64);
    if (control_event_wanted(CEV_HS_DESC_CONTENT)) {
      snprintf(head, sizeof(head), "HS_DESC_CONTENT %s %s UNKNOWN", addr, b64);
      control_event_send_data(CEV_HS_DESC_CONTENT, head, "\n", 1);
    }
    return -1;
  }
  op->done = done;
  op->done_arg = done_arg;
  op_add(op);
  return 0;
}

int
hs_dirop_fetch(const char *addr, const uint8_t (*servers)[20], int n_servers)
{
  return start_fetch(addr, servers, n_servers, NULL, NULL);
}

int
hs_dirop_fetch_for(const char *addr, hs_dirop_fetch_done_fn done, void *arg)
{
  if (!done)
    return -1;
  return start_fetch(addr, NULL, 0, done, arg);
}

void
hs_dirop_forget(void *arg)
{
  for (op_t *op = g.ops; op; op = op->next)
    if (op->done && op->done_arg == arg)
      op->done = NULL;
}

int
hs_dirop_blinded_key(const char *addr, uint8_t out[32])
{
  uint8_t identity_pk[32];
  hs_time_params_t tp;
  hs_ring_period_t rp;
  if (onion_address_decode(identity_pk, addr, strlen(addr), NULL) < 0 ||
      !current_ring(&tp, &rp))
    return -1;
  return hs_blinded_public_key(out, identity_pk, rp.tp, tp.period_length);
}

int
hs_dirop_post(const char *desc, size_t len, const uint8_t blinded_pk[32], const char *addr,
              const uint8_t (*servers)[20], int n_servers)
{
  hs_time_params_t tp;
  hs_ring_period_t rp;
  if (g.n_ops >= HS_DIROP_MAX_OPS)
    return -1;
  const dirstate_t *ds = current_ring(&tp, &rp);
  op_t *op = op_new(OP_POST, addr, blinded_pk, servers, n_servers, ds, &tp, ds ? &rp : NULL);
  if (!op)
    return -1;
  op->desc = malloc(len + 1);
  if (!op->desc) {
    op_free(op);
    return -1;
  }
  memcpy(op->desc, desc, len);
  op->desc[len] = '\0';
  op->desc_len = len;
  op_add(op);
  return 0;
}

void
hs_dirop_set_testing_network(int testing_network)
{
  g.testing_network = testing_network;
}

void
hs_dirop_stop(void)
{
  g.stopping = 1;
  for (op_t *op = g.ops; op; op = op->next) {
    while (op->attempts) {
      attempt_t *a = op->attempts;
      int before = op->in_flight;
      if (a->circ)
        circuit_close(a->circ, CIRCUIT_CLOSE_REQUESTED);   /* frees a */
      if (op->in_flight == before) {   /* its circuit was closing already */
        report(a, 0, "UNEXPECTED", NULL, 0);
        attempt_free(a);
      }
    }
  }
  while (g.ops) {
    op_t *op = g.ops;
    g.ops = op->next;
    op_free(op);
  }
  if (g.pump)
    event_free(g.pump);
  for (int i = 0; i < HS_DIROP_CACHE_MAX; i++)
    free(g.cache[i].text);
  int testing = g.testing_network;
  memset(&g, 0, sizeof(g));
  g.testing_network = testing;
}
