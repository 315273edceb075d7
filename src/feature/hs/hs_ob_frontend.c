/* The built-in OnionBalance frontend: see hs_ob_frontend.h. */
#include "orconfig.h"
#include "feature/hs/hs_ob_frontend.h"
#include "feature/hs/hs_cells.h"
#include "feature/hs/hs_dirop.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ob_backend_t {
  char addr[ONION_ADDRESS_LEN + 1];
  uint8_t pk[32];
  hs_desc_t *desc;        /* the last good one, decrypted; NULL: none */
  uint64_t revision;
  time_t fetched_at;
  int fetching, failures;
  int ever_seen;          /* a good descriptor came once */
  int told_unseen;        /* the notice that it never came was logged */
} ob_backend_t;

struct hs_ob_frontend_t {
  char name[ONION_ADDRESS_LEN + 1];
  ob_backend_t b[HS_OB_MAX_BACKENDS];
  int n;
  int changed;
  unsigned rotation;
};

hs_ob_frontend_t *
hs_ob_frontend_new(const char *name, const char (*backends)[ONION_ADDRESS_LEN + 1], int n)
{
  if (n < 0 || n > HS_OB_MAX_BACKENDS)
    return NULL;
  hs_ob_frontend_t *f = calloc(1, sizeof(*f));
  if (!f)
    return NULL;
  snprintf(f->name, sizeof(f->name), "%s", name ? name : "?");
  for (int i = 0; i < n; i++) {
    const char *why = NULL;
    snprintf(f->b[f->n].addr, sizeof(f->b[f->n].addr), "%s", backends[i]);
    if (onion_address_decode(f->b[f->n].pk, backends[i], strlen(backends[i]), &why) < 0)
      continue;   /* the config checked it */
    f->n++;
  }
  return f;
}

void
hs_ob_frontend_free(hs_ob_frontend_t *f)
{
  if (!f)
    return;
  hs_dirop_forget(f);
  for (int i = 0; i < f->n; i++)
    hs_desc_free(f->b[i].desc);
  free(f);
}

/* Whether two descriptors list the same intro points (by auth key). */
static int
same_intro_points(const hs_desc_t *a, const hs_desc_t *b)
{
  if (!a || !b)
    return a == b;
  if (a->n_intro_points != b->n_intro_points)
    return 0;
  for (size_t i = 0; i < a->n_intro_points; i++)
    if (memcmp(a->intro_points[i].auth_key, b->intro_points[i].auth_key, 32))
      return 0;
  return 1;
}

static void
backend_failed(hs_ob_frontend_t *f, ob_backend_t *b, const char *why)
{
  b->failures++;
  if (b->desc && b->failures >= HS_OB_MAX_FAILURES) {
    log_notice(LD_REND, "OnionBalance frontend %s.onion: backend %s.onion is gone (%s); "
               "its %zu intro point(s) leave the master descriptor.", f->name, b->addr, why,
               b->desc->n_intro_points);
    hs_desc_free(b->desc);
    b->desc = NULL;
    f->changed = 1;
  } else if (!b->ever_seen && !b->told_unseen && b->failures >= HS_OB_UNSEEN_NOTICE_AFTER) {
    /* Starting instances publish within seconds; this one has not. */
    b->told_unseen = 1;
    log_notice(LD_REND, "OnionBalance frontend %s.onion: backend %s.onion has no usable "
               "descriptor after %d tries (%s); fronting the others, and trying again every "
               "%d seconds.", f->name, b->addr, b->failures, why, HS_OB_FIRST_RETRY_INTERVAL);
  } else {
    log_info(LD_REND, "OnionBalance frontend %s.onion: backend %s.onion: %s.", f->name,
             b->addr, why);
  }
}

static ob_backend_t *
find_backend(hs_ob_frontend_t *f, const char *addr)
{
  for (int i = 0; f && i < f->n; i++)
    if (!strcmp(f->b[i].addr, addr))
      return &f->b[i];
  return NULL;
}

void
hs_ob_frontend_offer(hs_ob_frontend_t *f, const char *addr, const char *text, size_t len,
                     time_t now)
{
  ob_backend_t *b = find_backend(f, addr);
  if (!b)
    return;
  if (!text) {
    backend_failed(f, b, "no HSDir has its descriptor");
    return;
  }
  const char *err = NULL;
  hs_desc_t *d = hs_desc_parse_outer(text, len, now, &err);
  if (!d || hs_desc_decrypt(d, b->pk, now, &err) < 0) {
    char why[256];
    snprintf(why, sizeof(why), "its descriptor is unusable: %s", err ? err : "?");
    hs_desc_free(d);
    backend_failed(f, b, why);
    return;
  }
  if (d->n_intro_points == 0) {
    hs_desc_free(d);
    backend_failed(f, b, "its descriptor lists no intro point");
    return;
  }
  if (b->failures >= HS_OB_MAX_FAILURES && !b->desc)
    log_notice(LD_REND, "OnionBalance frontend %s.onion: backend %s.onion is back.", f->name,
               b->addr);
  b->failures = 0;
  if (same_intro_points(b->desc, d)) {
    hs_desc_free(b->desc);
    b->desc = d;
    return;
  }
  log_info(LD_REND, "OnionBalance frontend %s.onion: backend %s.onion has %zu intro point(s) "
           "(revision %llu).", f->name, b->addr, d->n_intro_points,
           (unsigned long long)d->revision_counter);
  hs_desc_free(b->desc);
  b->desc = d;
  b->ever_seen = 1;
  f->changed = 1;
}

static void
fetch_done(const char *addr, int found, void *arg)
{
  hs_ob_frontend_t *f = arg;
  ob_backend_t *b = find_backend(f, addr);
  if (!b || !b->fetching)
    return;
  b->fetching = 0;
  const char *text = found ? hs_dirop_cached(addr) : NULL;
  hs_ob_frontend_offer(f, addr, text, text ? strlen(text) : 0, time(NULL));
}

void
hs_ob_frontend_tick(hs_ob_frontend_t *f, time_t now)
{
  for (int i = 0; f && i < f->n; i++) {
    ob_backend_t *b = &f->b[i];
    /* A backend not seen yet is probably still publishing: ask sooner. */
    time_t interval = b->ever_seen ? HS_OB_REFETCH_INTERVAL : HS_OB_FIRST_RETRY_INTERVAL;
    if (b->fetching || (b->fetched_at && now - b->fetched_at < interval))
      continue;
    b->fetched_at = now;
    if (hs_dirop_fetch_for(b->addr, fetch_done, f) == 0)
      b->fetching = 1;
  }
}

int
hs_ob_frontend_take_changed(hs_ob_frontend_t *f)
{
  int c = f && f->changed;
  if (f)
    f->changed = 0;
  return c;
}

size_t
hs_ob_frontend_n_intro_points(const hs_ob_frontend_t *f)
{
  size_t n = 0;
  for (int i = 0; f && i < f->n; i++)
    n += f->b[i].desc ? f->b[i].desc->n_intro_points : 0;
  return n;
}

size_t
hs_ob_frontend_pick(const size_t *counts, const int *const *relay, int n_backends, size_t max,
                    unsigned rotation, size_t (*out)[2])
{
  size_t n = 0, tried[HS_OB_PICK_MAX_BACKENDS] = { 0 }, total = 0;
  uint8_t taken[HS_OB_PICK_MAX_BACKENDS * HS_DESC_MAX_INTRO_POINTS];
  if (n_backends <= 0 || n_backends > HS_OB_PICK_MAX_BACKENDS)
    return 0;
  for (int i = 0; i < n_backends; i++)
    total += counts[i];
  memset(taken, 0, sizeof(taken));
  int start = (int)(rotation % (unsigned)n_backends);
  for (int progress = 1; progress && n < max;) {
    progress = 0;
    /* One turn each: a backend takes its next intro point on a relay
     * nobody took yet. */
    for (int k = 0; k < n_backends && n < max; k++) {
      int b = (start + k) % n_backends;
      while (tried[b] < counts[b]) {
        size_t i = (tried[b]++ + rotation) % counts[b];
        if (relay) {
          int r = relay[b][i];
          if (r < 0 || (size_t)r >= sizeof(taken) || (size_t)r >= total || taken[r])
            continue;
          taken[r] = 1;
        }
        out[n][0] = (size_t)b;
        out[n][1] = i;
        n++;
        progress = 1;
        break;
      }
    }
  }
  return n;
}

/* The relay of an intro point, by its legacy identity (every descriptor
 * names it: rend-spec-v3 2.5.2.2); 0 with id zeroed when it has none. */
static int
intro_relay_id(const hs_desc_intro_point_t *ip, uint8_t id[LS_LEGACY_ID_LEN])
{
  extend2_request_t ri;
  memset(&ri, 0, sizeof(ri));
  memset(id, 0, LS_LEGACY_ID_LEN);
  if (hs_cell_link_specifiers_parse(ip->link_specifiers, ip->link_specifiers_len,
                                    "an instance's intro point", &ri) < 0 || !ri.has_legacy_id)
    return 0;
  memcpy(id, ri.legacy_id, LS_LEGACY_ID_LEN);
  return 1;
}

size_t
hs_ob_frontend_intro_points(hs_ob_frontend_t *f, hs_desc_intro_point_t *out, size_t max)
{
  size_t counts[HS_OB_MAX_BACKENDS], picks[HS_DESC_MAX_INTRO_POINTS][2];
  const hs_desc_t *descs[HS_OB_MAX_BACKENDS];
  int n_live = 0;
  if (!f)
    return 0;
  for (int i = 0; i < f->n; i++)
    if (f->b[i].desc) {
      descs[n_live] = f->b[i].desc;
      counts[n_live++] = f->b[i].desc->n_intro_points;
    }
  if (max > HS_DESC_MAX_INTRO_POINTS)
    max = HS_DESC_MAX_INTRO_POINTS;
  /* Relays as small numbers: same relay, same number. Real tor clients
   * introduce through the first intro point of a descriptor on the relay
   * their circuit reached (they match the intro point by its last hop), so
   * a second one on that relay would never be used: one per relay. */
  uint8_t ids[HS_OB_MAX_BACKENDS * HS_DESC_MAX_INTRO_POINTS][LS_LEGACY_ID_LEN];
  int relay_no[HS_OB_MAX_BACKENDS][HS_DESC_MAX_INTRO_POINTS];
  const int *relay[HS_OB_MAX_BACKENDS];
  int n_ids = 0;
  for (int b = 0; b < n_live; b++) {
    if (counts[b] > HS_DESC_MAX_INTRO_POINTS)
      counts[b] = HS_DESC_MAX_INTRO_POINTS;   /* the parser refuses more */
    relay[b] = relay_no[b];
    for (size_t i = 0; i < counts[b]; i++) {
      uint8_t id[LS_LEGACY_ID_LEN];
      int r = -1;
      if (intro_relay_id(&descs[b]->intro_points[i], id)) {
        for (int j = 0; j < n_ids && r < 0; j++)
          if (!memcmp(ids[j], id, LS_LEGACY_ID_LEN))
            r = j;
        if (r < 0) {
          memcpy(ids[n_ids], id, LS_LEGACY_ID_LEN);
          r = n_ids++;
        }
      } else {
        r = n_ids;   /* unknown relay: its own number */
        memset(ids[n_ids++], 0xff, LS_LEGACY_ID_LEN);
      }
      relay_no[b][i] = r;
    }
  }
  size_t n = hs_ob_frontend_pick(counts, relay, n_live, max, f->rotation++, picks);
  for (size_t i = 0; i < n; i++)
    out[i] = descs[picks[i][0]]->intro_points[picks[i][1]];
  return n;
}
