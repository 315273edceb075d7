/* synthnet apps that hold packets for a while: Delay, Rate, Reorder. */
#include "orconfig.h"
#include "src/tools/synthnet/synthnet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
free_state(struct sn_app *app)
{
  free(app->state);
  app->state = NULL;
}

/* ----------------------------------------------------------------- Delay */

enum dist { DIST_UNIFORM, DIST_NORMAL, DIST_PARETO, DIST_EXPONENTIAL };

struct held {
  uint64_t t;     /* when it may leave */
  uint64_t seq;   /* arrival order, breaks ties */
  struct sn_packet *p;
};

/* Each packet waits delay plus a random jitter:
 *   uniform:     delay + jitter * U(-1, 1)
 *   normal:      delay + jitter * N(0, 1)
 *   exponential: delay + jitter * Exp(1)
 *   pareto:      delay + jitter * (Pareto(alpha 3) - 1), a heavy tail
 * never less than 0. With keep_order=yes a packet never leaves before one
 * that came earlier (it waits for it: a FIFO); otherwise packets leave in
 * the order of their times (a heap), so jitter reorders them. */
struct delay {
  uint64_t delay, jitter;
  enum dist dist;
  int keep_order;
  uint32_t limit;
  struct held *q;   /* limit entries: ring (keep_order) or heap */
  uint32_t head, count;
  uint64_t seq;
  uint64_t last_release;
};

static int
delay_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct delay *d = calloc(1, sizeof(*d));
  if (!d)
    return -1;
  app->state = d;
  d->delay = sn_args_duration_ns(a, "delay", 0);
  d->jitter = sn_args_duration_ns(a, "jitter", 0);
  const char *dist = sn_args_str(a, "distribution", "uniform");
  d->keep_order = sn_args_bool(a, "keep_order", 0);
  uint64_t limit = sn_args_u64(a, "limit", 10000);
  if (!strcasecmp(dist, "uniform"))
    d->dist = DIST_UNIFORM;
  else if (!strcasecmp(dist, "normal"))
    d->dist = DIST_NORMAL;
  else if (!strcasecmp(dist, "pareto"))
    d->dist = DIST_PARETO;
  else if (!strcasecmp(dist, "exponential"))
    d->dist = DIST_EXPONENTIAL;
  else {
    snprintf(err, errlen, "distribution must be uniform, normal, pareto or "
             "exponential");
    return -1;
  }
  if (limit < 1 || limit > 10000000) {
    snprintf(err, errlen, "limit must be 1..10000000 packets");
    return -1;
  }
  d->limit = (uint32_t)limit;
  d->q = calloc(d->limit, sizeof(*d->q));
  if (!d->q) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

static uint64_t
delay_sample(struct sn_app *app, struct delay *d)
{
  if (!d->jitter)
    return d->delay;
  double j = (double)d->jitter, x;
  switch (d->dist) {
  case DIST_NORMAL:
    x = j * sn_rng_normal(&app->rng);
    break;
  case DIST_PARETO:
    x = j * (sn_rng_pareto(&app->rng, 3.0) - 1.0);
    break;
  case DIST_EXPONENTIAL:
    x = j * sn_rng_exponential(&app->rng);
    break;
  case DIST_UNIFORM:
  default:
    x = j * (2.0 * sn_rng_uniform(&app->rng) - 1.0);
    break;
  }
  double t = (double)d->delay + x;
  if (t < 0)
    t = 0;
  if (t > 1e15)
    t = 1e15;
  return (uint64_t)t;
}

static int
held_before(const struct held *a, const struct held *b)
{
  return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
heap_push(struct held *h, uint32_t *n, struct held x)
{
  uint32_t i = (*n)++;
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!held_before(&x, &h[parent]))
      break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = x;
}

static struct held
heap_pop(struct held *h, uint32_t *n)
{
  struct held top = h[0];
  struct held last = h[--(*n)];
  uint32_t i = 0;
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= *n)
      break;
    if (c + 1 < *n && held_before(&h[c + 1], &h[c]))
      c++;
    if (!held_before(&h[c], &last))
      break;
    h[i] = h[c];
    i = c;
  }
  if (*n)
    h[i] = last;
  return top;
}

static void
delay_push(struct sn_app *app)
{
  struct delay *d = app->state;
  struct sn_link *in = app->input, *out = app->output;
  uint64_t now = app->engine->now_ns;
  if (in) {
    while (!sn_link_empty(in)) {
      struct sn_packet *p = sn_link_receive(in);
      if (d->count == d->limit) {
        sn_app_drop(app, p);
        continue;
      }
      struct held h = { now + delay_sample(app, d), d->seq++, p };
      if (d->keep_order) {
        if (h.t < d->last_release)
          h.t = d->last_release;
        d->last_release = h.t;
        d->q[(d->head + d->count) % d->limit] = h;
        d->count++;
      } else {
        heap_push(d->q, &d->count, h);
      }
    }
  }
  while (d->count) {
    struct sn_packet *p;
    if (d->keep_order) {
      if (d->q[d->head].t > now)
        break;
      p = d->q[d->head].p;
      d->head = (d->head + 1) % d->limit;
      d->count--;
    } else {
      if (d->q[0].t > now)
        break;
      p = heap_pop(d->q, &d->count).p;
    }
    if (out)
      sn_link_transmit(out, p);
    else
      sn_app_drop(app, p);
  }
  if (d->count)
    sn_engine_deadline(app->engine,
                       d->keep_order ? d->q[d->head].t : d->q[0].t);
}

static void
delay_report(struct sn_app *app, FILE *f)
{
  struct delay *d = app->state;
  fprintf(f, "queued=%u", d->count);
}

static void
delay_stop(struct sn_app *app)
{
  struct delay *d = app->state;
  if (d && d->q) {
    for (uint32_t i = 0; i < d->count; i++) {
      uint32_t k = d->keep_order ? (d->head + i) % d->limit : i;
      sn_packet_free(d->q[k].p);
    }
    free(d->q);
  }
  free_state(app);
}

const struct sn_app_class sn_app_delay = {
  .name = "Delay",
  .usage = "delay=40ms jitter=5ms distribution=uniform|normal|pareto|"
           "exponential keep_order=no limit=10000",
  .init = delay_init,
  .push = delay_push,
  .report = delay_report,
  .stop = delay_stop,
};

/* ------------------------------------------------------------------ Rate */

/* A token bucket in front of a FIFO: tokens (bytes) come in at `rate` up to
 * `burst`; the packet at the head leaves when there are tokens for its
 * length plus `overhead`. Packets that find the FIFO full are dropped. */
struct rate {
  double bytes_per_ns;
  double burst;
  double tokens;
  uint32_t overhead;
  uint64_t last;
  struct sn_packet **q;
  uint32_t limit, head, count;
  int started;
};

static int
rate_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct rate *r = calloc(1, sizeof(*r));
  if (!r)
    return -1;
  app->state = r;
  double bps = sn_args_rate_bps(a, "rate", 0);
  uint64_t burst = sn_args_bytes(a, "burst", 0);
  uint64_t limit = sn_args_u64(a, "limit", 1000);
  r->overhead = (uint32_t)sn_args_bytes(a, "overhead", 0);
  if (bps <= 0) {
    snprintf(err, errlen, "rate= is required (e.g. rate=100mbit)");
    return -1;
  }
  if (limit < 1 || limit > 1000000) {
    snprintf(err, errlen, "limit must be 1..1000000 packets");
    return -1;
  }
  r->bytes_per_ns = bps / 8.0 / 1e9;
  if (!burst) {
    /* 5 ms worth, but at least two full frames. */
    burst = (uint64_t)(bps / 8.0 * 0.005);
    if (burst < 3028)
      burst = 3028;
  }
  r->burst = (double)burst;
  r->tokens = r->burst;
  r->limit = (uint32_t)limit;
  r->q = calloc(r->limit, sizeof(*r->q));
  if (!r->q) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

static void
rate_drain(struct sn_app *app, struct rate *r, uint64_t now)
{
  while (r->count) {
    struct sn_packet *p = r->q[r->head];
    double need = (double)p->length + r->overhead;
    if (r->tokens < need) {
      sn_engine_deadline(app->engine,
                         now + (uint64_t)((need - r->tokens) / r->bytes_per_ns) + 1);
      return;
    }
    r->tokens -= need;
    r->head = (r->head + 1) % r->limit;
    r->count--;
    if (app->output)
      sn_link_transmit(app->output, p);
    else
      sn_app_drop(app, p);
  }
}

static void
rate_push(struct sn_app *app)
{
  struct rate *r = app->state;
  struct sn_link *in = app->input;
  uint64_t now = app->engine->now_ns;
  if (!r->started) {
    r->started = 1;
    r->last = now;
  }
  if (now > r->last) {
    r->tokens += (double)(now - r->last) * r->bytes_per_ns;
    if (r->tokens > r->burst)
      r->tokens = r->burst;
  }
  r->last = now;
  /* Each arrival joins the queue (or is dropped when the queue is full) and
   * the queue drains as far as tokens allow, so that a packet that finds
   * tokens and an empty queue leaves at once. */
  rate_drain(app, r, now);
  if (in) {
    while (!sn_link_empty(in)) {
      struct sn_packet *p = sn_link_receive(in);
      if (r->count == r->limit) {
        sn_app_drop(app, p);
        continue;
      }
      r->q[(r->head + r->count++) % r->limit] = p;
      rate_drain(app, r, now);
    }
  }
}

static void
rate_report(struct sn_app *app, FILE *f)
{
  struct rate *r = app->state;
  fprintf(f, "queued=%u tokens=%.0f", r->count, r->tokens);
}

static void
rate_stop(struct sn_app *app)
{
  struct rate *r = app->state;
  if (r && r->q) {
    for (uint32_t i = 0; i < r->count; i++)
      sn_packet_free(r->q[(r->head + i) % r->limit]);
    free(r->q);
  }
  free_state(app);
}

const struct sn_app_class sn_app_rate = {
  .name = "Rate",
  .usage = "rate=100mbit burst=BYTES(5ms) limit=1000 overhead=0",
  .init = rate_init,
  .push = rate_push,
  .report = rate_report,
  .stop = rate_stop,
};

/* --------------------------------------------------------------- Reorder */

/* With probability p a packet is held back until `gap` later packets have
 * gone past it (or `timeout` has passed, so that a packet is never stuck
 * when traffic stops). */
#define REORDER_MAX_HELD 64

struct reorder_held {
  struct sn_packet *p;
  uint32_t remaining;
  uint64_t deadline;
};

struct reorder {
  double p;
  uint32_t gap;
  uint64_t timeout;
  struct reorder_held held[REORDER_MAX_HELD];
  uint32_t nheld;
  uint64_t reordered;
};

static int
reorder_init(struct sn_app *app, struct sn_args *a, char *err, size_t errlen)
{
  struct reorder *r = calloc(1, sizeof(*r));
  if (!r)
    return -1;
  app->state = r;
  r->p = sn_args_prob(a, "p", 0);
  r->gap = (uint32_t)sn_args_u64(a, "gap", 1);
  r->timeout = sn_args_duration_ns(a, "timeout", 10000000);
  if (r->gap < 1 || r->gap > 1000) {
    snprintf(err, errlen, "gap must be 1..1000 packets");
    return -1;
  }
  return 0;
}

static void
reorder_release(struct sn_app *app, struct reorder *r, int by_count,
                uint64_t now)
{
  uint32_t k = 0;
  for (uint32_t i = 0; i < r->nheld; i++) {
    struct reorder_held *h = &r->held[i];
    int go;
    if (by_count)
      go = --h->remaining == 0;
    else
      go = h->deadline <= now;
    if (go) {
      if (app->output)
        sn_link_transmit(app->output, h->p);
      else
        sn_app_drop(app, h->p);
    } else {
      r->held[k++] = *h;
    }
  }
  r->nheld = k;
}

static void
reorder_push(struct sn_app *app)
{
  struct reorder *r = app->state;
  struct sn_link *in = app->input, *out = app->output;
  uint64_t now = app->engine->now_ns;
  if (in) {
    while (!sn_link_empty(in)) {
      struct sn_packet *p = sn_link_receive(in);
      if (r->nheld < REORDER_MAX_HELD && sn_rng_chance(&app->rng, r->p)) {
        r->held[r->nheld].p = p;
        r->held[r->nheld].remaining = r->gap;
        r->held[r->nheld].deadline = now + r->timeout;
        r->nheld++;
        r->reordered++;
        continue;
      }
      if (out)
        sn_link_transmit(out, p);
      else
        sn_app_drop(app, p);
      if (r->nheld)
        reorder_release(app, r, 1, now);
    }
  }
  if (r->nheld)
    reorder_release(app, r, 0, now);
  for (uint32_t i = 0; i < r->nheld; i++)
    sn_engine_deadline(app->engine, r->held[i].deadline);
}

static void
reorder_report(struct sn_app *app, FILE *f)
{
  struct reorder *r = app->state;
  fprintf(f, "reordered=%llu held=%u", (unsigned long long)r->reordered,
          r->nheld);
}

static void
reorder_stop(struct sn_app *app)
{
  struct reorder *r = app->state;
  if (r)
    for (uint32_t i = 0; i < r->nheld; i++)
      sn_packet_free(r->held[i].p);
  free_state(app);
}

const struct sn_app_class sn_app_reorder = {
  .name = "Reorder",
  .usage = "p=2% gap=1 timeout=10ms",
  .init = reorder_init,
  .push = reorder_push,
  .report = reorder_report,
  .stop = reorder_stop,
};
