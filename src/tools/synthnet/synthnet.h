/* synthnet: a small userspace packet engine for making flaky synthetic
 * networks.
 *
 * The design follows the Snabb/Rush idea: packets live in flat buffers taken
 * from a preallocated pool, "apps" that each do one small thing are joined by
 * unidirectional ring "links", and a "breath" loop first lets every app pull
 * new packets into the network (from a socket, a generator...) and then lets
 * every app push the packets waiting on its input links onward.
 *
 * Self-contained: nothing here depends on the daemon. */
#ifndef SYNTHNET_SYNTHNET_H
#define SYNTHNET_SYNTHNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>

/* ---------------------------------------------------------------- packets */

/* Largest frame a packet holds. Frames bigger than this (GSO super-frames)
 * are counted and dropped by whoever receives them. */
#define SN_PACKET_MAX 2040

struct sn_packet {
  uint16_t length;
  uint16_t pad_[3];
  uint8_t data[SN_PACKET_MAX];
};

struct sn_pool {
  struct sn_packet *mem;        /* size packets, one mapping */
  struct sn_packet **freelist;  /* stack of free packets */
  size_t nfree;
  size_t size;
  uint64_t alloc_failures;
};

extern struct sn_pool sn_pool;

/* Make the global pool hold n packets (frees an older pool first: only when no
 * packet is in use). Returns 0, or -1 when the memory could not be had. */
int sn_pool_init(size_t n);
void sn_pool_destroy(void);

/* A packet from the pool with length 0, or NULL when the pool is empty. */
static inline struct sn_packet *
sn_packet_alloc(void)
{
  if (sn_pool.nfree == 0) {
    sn_pool.alloc_failures++;
    return NULL;
  }
  struct sn_packet *p = sn_pool.freelist[--sn_pool.nfree];
  p->length = 0;
  return p;
}

static inline void
sn_packet_free(struct sn_packet *p)
{
  sn_pool.freelist[sn_pool.nfree++] = p;
}

/* A copy of p (or NULL when the pool is empty). */
struct sn_packet *sn_packet_clone(const struct sn_packet *p);

/* ------------------------------------------------------------------ links */

#define SN_LINK_SIZE 1024  /* a power of two; one slot stays empty */
#define SN_LINK_MASK (SN_LINK_SIZE - 1)

struct sn_link_counters {
  uint64_t txpackets, txbytes;  /* accepted onto the link */
  uint64_t rxpackets, rxbytes;  /* taken off the link */
  uint64_t txdrop;              /* refused because the link was full */
};

struct sn_app;

struct sn_link {
  uint32_t read, write;
  struct sn_packet *ring[SN_LINK_SIZE];
  struct sn_link_counters c;
  struct sn_link_counters last;  /* at the previous report */
  struct sn_app *from, *to;      /* NULL for an end a test holds */
  char name[96];
};

struct sn_link *sn_link_new(const char *name);
/* Frees the packets still on the link, then the link. */
void sn_link_free(struct sn_link *l);

static inline int
sn_link_empty(const struct sn_link *l)
{
  return l->read == l->write;
}

static inline int
sn_link_full(const struct sn_link *l)
{
  return ((l->write + 1) & SN_LINK_MASK) == l->read;
}

static inline uint32_t
sn_link_nreadable(const struct sn_link *l)
{
  return (l->write - l->read) & SN_LINK_MASK;
}

static inline uint32_t
sn_link_nwritable(const struct sn_link *l)
{
  return SN_LINK_MASK - sn_link_nreadable(l);
}

/* The i-th packet waiting (0 = next to be received), without taking it. */
static inline struct sn_packet *
sn_link_peek(const struct sn_link *l, uint32_t i)
{
  return l->ring[(l->read + i) & SN_LINK_MASK];
}

static inline struct sn_packet *
sn_link_receive(struct sn_link *l)
{
  struct sn_packet *p = l->ring[l->read];
  l->read = (l->read + 1) & SN_LINK_MASK;
  l->c.rxpackets++;
  l->c.rxbytes += p->length;
  return p;
}

/* Puts p on the link; when the link is full p is freed and counted as a
 * drop. Either way the caller no longer owns p. */
static inline void
sn_link_transmit(struct sn_link *l, struct sn_packet *p)
{
  if (sn_link_full(l)) {
    l->c.txdrop++;
    sn_packet_free(p);
    return;
  }
  l->ring[l->write] = p;
  l->write = (l->write + 1) & SN_LINK_MASK;
  l->c.txpackets++;
  l->c.txbytes += p->length;
}

/* -------------------------------------------------------------------- rng */

/* xoshiro256** seeded through splitmix64: fast, and every app has its own
 * stream so that a run is repeatable from one seed. */
struct sn_rng {
  uint64_t s[4];
};

void sn_rng_seed(struct sn_rng *r, uint64_t seed);
uint64_t sn_rng_next(struct sn_rng *r);
double sn_rng_uniform(struct sn_rng *r);            /* [0, 1) */
int sn_rng_chance(struct sn_rng *r, double p);      /* 1 with probability p */
uint64_t sn_rng_below(struct sn_rng *r, uint64_t n); /* [0, n), n > 0 */
double sn_rng_normal(struct sn_rng *r);             /* mean 0, sd 1 */
double sn_rng_exponential(struct sn_rng *r);        /* mean 1 */
double sn_rng_pareto(struct sn_rng *r, double alpha); /* >= 1 */

/* ------------------------------------------------------------------- args */

#define SN_MAX_ARGS 32

/* key=value arguments of one app. */
struct sn_args {
  int n;
  char *key[SN_MAX_ARGS];
  char *val[SN_MAX_ARGS];
  int used[SN_MAX_ARGS];
  char err[160];  /* first error while reading a value */
};

/* Splits "k=v k2=v2" into args (copies). Returns 0, or -1 with args->err. */
int sn_args_parse(struct sn_args *a, const char *text);
void sn_args_clear(struct sn_args *a);
/* Each getter returns the default when the key is absent, and records an
 * error in a->err when the value does not parse. */
const char *sn_args_str(struct sn_args *a, const char *key, const char *def);
double sn_args_double(struct sn_args *a, const char *key, double def);
uint64_t sn_args_u64(struct sn_args *a, const char *key, uint64_t def);
int sn_args_bool(struct sn_args *a, const char *key, int def);
/* "40ms", "250us", "1.5s", "100ns", bare number = milliseconds. */
uint64_t sn_args_duration_ns(struct sn_args *a, const char *key, uint64_t def);
/* "100mbit", "1gbit", "64kbit", "1000bit", "12.5mbps"(bytes): bits/second. */
double sn_args_rate_bps(struct sn_args *a, const char *key, double def);
/* "1%", "0.01": a probability in [0, 1]. */
double sn_args_prob(struct sn_args *a, const char *key, double def);
/* "1500", "64k", "1m": bytes. */
uint64_t sn_args_bytes(struct sn_args *a, const char *key, uint64_t def);

/* Standalone parsers used by the getters (return 0 or -1). */
int sn_parse_duration_ns(const char *s, uint64_t *out);
int sn_parse_rate_bps(const char *s, double *out);
int sn_parse_prob(const char *s, double *out);
int sn_parse_bytes(const char *s, uint64_t *out);

/* ------------------------------------------------------------------- apps */

#define SN_MAX_PORTS 8

struct sn_port {
  char name[32];
  struct sn_link *link;
};

struct sn_engine;

struct sn_app_class {
  const char *name;
  const char *usage;  /* one line: the arguments */
  /* Reads args, sets app->state. Returns 0, or -1 with a message in err. */
  int (*init)(struct sn_app *app, struct sn_args *args, char *err, size_t errlen);
  void (*pull)(struct sn_app *app);  /* bring packets into the network */
  void (*push)(struct sn_app *app);  /* move packets from inputs onward */
  /* Extra counters for the report, "key value" pairs on one line. */
  void (*report)(struct sn_app *app, FILE *f);
  void (*stop)(struct sn_app *app);  /* free state and packets held */
};

struct sn_app {
  char name[48];
  const struct sn_app_class *cls;
  struct sn_engine *engine;
  void *state;
  struct sn_port in[SN_MAX_PORTS], out[SN_MAX_PORTS];
  int nin, nout;
  /* The ports named "input" and "output" (or the first ones), or NULL. */
  struct sn_link *input, *output;
  struct sn_rng rng;
  uint64_t drops;         /* packets this app chose to drop or lost */
  uint64_t last_drops;
  uint64_t busy_ns;       /* time spent in pull/push */
  uint64_t last_busy_ns;
};

/* Frees p and counts it as dropped by app. */
static inline void
sn_app_drop(struct sn_app *app, struct sn_packet *p)
{
  app->drops++;
  sn_packet_free(p);
}

extern const struct sn_app_class sn_app_source, sn_app_sink, sn_app_tap,
  sn_app_loss, sn_app_delay, sn_app_rate, sn_app_reorder, sn_app_duplicate,
  sn_app_corrupt, sn_app_rawsocket;

/* The class named name (case-insensitive), or NULL. */
const struct sn_app_class *sn_app_class_find(const char *name);
/* NULL-terminated list of all classes. */
extern const struct sn_app_class *const sn_app_classes[];

/* ----------------------------------------------------------------- engine */

#define SN_MAX_APPS 64
#define SN_MAX_LINKS 128

struct sn_engine {
  struct sn_app *apps[SN_MAX_APPS];
  int napps;
  struct sn_app *push_order[SN_MAX_APPS];
  struct sn_link *links[SN_MAX_LINKS];
  int nlinks;
  uint64_t seed;
  uint64_t now_ns;        /* CLOCK_MONOTONIC at the start of the breath */
  uint64_t realtime_ns;   /* CLOCK_REALTIME at the start of the breath */
  int manual_clock;       /* tests set now_ns themselves */
  int time_apps;          /* measure busy time per app */
  int started;
  uint64_t breaths;
  uint64_t idle_breaths;
  uint64_t sleep_ns;      /* time spent sleeping while idle */
  /* While idle the engine sleeps in ppoll() on these (sockets) until a
   * packet comes or the earliest deadline an app asked for. */
  int watch_fds[SN_MAX_APPS];
  int nwatch;
  uint64_t next_deadline; /* reset at each breath */
};

/* An app that holds packets until a time asks to be woken then. */
static inline void
sn_engine_deadline(struct sn_engine *e, uint64_t t)
{
  if (t < e->next_deadline)
    e->next_deadline = t;
}

/* An app with a file descriptor that becomes readable when there is work
 * (a socket) asks the engine to wake up for it. */
void sn_engine_watch_fd(struct sn_engine *e, int fd);

struct sn_engine *sn_engine_new(uint64_t seed);
void sn_engine_free(struct sn_engine *e);

/* Adds an app. args is "k=v k=v". Returns it, or NULL with err. */
struct sn_app *sn_engine_add_app(struct sn_engine *e, const char *name,
                                 const char *cls, const char *args,
                                 char *err, size_t errlen);
struct sn_app *sn_engine_app(struct sn_engine *e, const char *name);
/* Joins "app.port" to "app.port". Returns the link, or NULL with err. */
struct sn_link *sn_engine_connect(struct sn_engine *e, const char *from,
                                  const char *to, char *err, size_t errlen);
/* A link into "app.port" (or out of it) whose other end nobody holds: tests
 * use these to feed an app and read what it sends. */
struct sn_link *sn_engine_feed(struct sn_engine *e, const char *to,
                               char *err, size_t errlen);
struct sn_link *sn_engine_drain(struct sn_engine *e, const char *from,
                                char *err, size_t errlen);

/* The configuration language, one statement a line (or separated by ';'),
 * '#' starts a comment:
 *   app NAME CLASS [key=value ...]
 *   link NAME.PORT -> NAME.PORT
 * Returns 0, or -1 with err (naming the line). */
int sn_engine_configure(struct sn_engine *e, const char *text,
                        char *err, size_t errlen);

/* Must be called once after configuration, before breathing. */
void sn_engine_start(struct sn_engine *e);
/* One breath: read the clock (unless manual), pull, push. Returns the number
 * of packets that moved on links in this breath. */
uint64_t sn_engine_breathe(struct sn_engine *e);

struct sn_run_opts {
  double duration_s;          /* 0: until *stop */
  double report_interval_s;   /* 0: no periodic report */
  int busy;                   /* never sleep when idle */
  FILE *report;               /* where reports go (stderr if NULL) */
  volatile sig_atomic_t *stop;
};

void sn_engine_run(struct sn_engine *e, const struct sn_run_opts *o);
/* A report of the counters since the last report (interval_s long). */
void sn_engine_report(struct sn_engine *e, FILE *f, double interval_s);
/* Totals since the start, one "key=value" line per link and per app. */
void sn_engine_summary(struct sn_engine *e, FILE *f, double elapsed_s);

uint64_t sn_monotonic_ns(void);
uint64_t sn_realtime_ns(void);

#endif
