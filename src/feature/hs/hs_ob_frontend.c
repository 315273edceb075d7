/* The built-in OnionBalance frontend: see hs_ob_frontend.h. */
#include "orconfig.h"
#include "feature/hs/hs_ob_frontend.h"
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
    if (b->fetching || (b->fetched_at && now - b->fetched_at < HS_OB_REFETCH_INTERVAL))
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
hs_ob_frontend_pick(const size_t *counts, int n_backends, size_t max, unsigned rotation,
                    size_t (*out)[2])
{
  size_t n = 0, most = 0;
  if (n_backends <= 0)
    return 0;
  for (int i = 0; i < n_backends; i++)
    most = counts[i] > most ? counts[i] : most;
  int start = (int)(rotation % (unsigned)n_backends);
  for (size_t round = 0; round < most && n < max; round++)
    for (int k = 0; k < n_backends && n < max; k++) {
      int b = (start + k) % n_backends;
      if (round >= counts[b])
        continue;
      out[n][0] = (size_t)b;
      out[n][1] = (round + rotation) % counts[b];
      n++;
    }
  return n;
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
  size_t n = hs_ob_frontend_pick(counts, n_live, max, f->rotation++, picks);
  for (size_t i = 0; i < n; i++)
    out[i] = descs[picks[i][0]]->intro_points[picks[i][1]];
  return n;
}
