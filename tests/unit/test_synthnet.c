/* Unit tests of synthnet (src/tools/synthnet): the engine (pool, links,
 * configuration, counters) and each app on synthetic packets with a fixed
 * seed and a manual clock. Expected values come from the definitions (of
 * the impairment, of the pcap format), never from the code under test. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "src/tools/synthnet/synthnet.h"

#include <stdio.h>
#include <stdlib.h>

#define MS 1000000ULL

static void
pool(size_t n)
{
  UT_EQ_INT(sn_pool_init(n), 0);
}

static struct sn_packet *
mkpkt(uint32_t seq, uint16_t len)
{
  struct sn_packet *p = sn_packet_alloc();
  UT_ASSERT(p != NULL);
  p->length = len;
  for (uint16_t i = 0; i < len; i++)
    p->data[i] = (uint8_t)(i * 7);
  p->data[14] = (uint8_t)(seq >> 24);
  p->data[15] = (uint8_t)(seq >> 16);
  p->data[16] = (uint8_t)(seq >> 8);
  p->data[17] = (uint8_t)seq;
  return p;
}

static uint32_t
seq_of(const struct sn_packet *p)
{
  return (uint32_t)p->data[14] << 24 | (uint32_t)p->data[15] << 16 |
         (uint32_t)p->data[16] << 8 | p->data[17];
}

/* An engine with one app "x" of class cls, a link feeding x.input and one
 * draining x.output. */
static struct sn_engine *
one_app(const char *cls, const char *args, struct sn_link **in,
        struct sn_link **out)
{
  char err[256] = "";
  struct sn_engine *e = sn_engine_new(42);
  UT_ASSERT(e != NULL);
  e->manual_clock = 1;
  e->now_ns = 1000 * MS;
  if (!sn_engine_add_app(e, "x", cls, args, err, sizeof(err)))
    unittest_fail(__FILE__, __LINE__, "add_app: %s", err);
  *in = sn_engine_feed(e, "x.input", err, sizeof(err));
  *out = sn_engine_drain(e, "x.output", err, sizeof(err));
  UT_ASSERT(*in && *out);
  sn_engine_start(e);
  return e;
}

/* Moves everything waiting on out into seqs (up to max), freeing it. */
static size_t
collect(struct sn_link *out, uint32_t *seqs, size_t n, size_t max)
{
  while (!sn_link_empty(out)) {
    struct sn_packet *p = sn_link_receive(out);
    if (n < max)
      seqs[n] = seq_of(p);
    n++;
    sn_packet_free(p);
  }
  return n;
}

/* ----------------------------------------------------------------- engine */

UNITTEST(synthnet, pool_alloc_free)
{
  pool(8);
  struct sn_packet *p[8];
  for (int i = 0; i < 8; i++) {
    p[i] = sn_packet_alloc();
    UT_ASSERT(p[i] != NULL);
    for (int j = 0; j < i; j++)
      UT_ASSERT(p[i] != p[j]);
  }
  UT_ASSERT(sn_packet_alloc() == NULL);
  UT_EQ_INT(sn_pool.alloc_failures, 1);
  UT_EQ_INT(sn_pool.nfree, 0);
  sn_packet_free(p[3]);
  struct sn_packet *q = sn_packet_alloc();
  UT_ASSERT(q == p[3]); /* reused, not a new allocation */
  q->length = 5;
  memcpy(q->data, "hello", 5);
  sn_packet_free(p[0]);
  struct sn_packet *c = sn_packet_clone(q);
  UT_ASSERT(c != NULL && c != q);
  UT_EQ_INT(c->length, 5);
  UT_EQ_MEM(c->data, "hello", 5);
  sn_packet_free(c);
  for (int i = 1; i < 8; i++)
    sn_packet_free(p[i]);
  UT_EQ_INT(sn_pool.nfree, 8);
  sn_pool_destroy();
}

UNITTEST(synthnet, link_fifo_full_and_counters)
{
  pool(2048);
  struct sn_link *l = sn_link_new("t");
  UT_EQ_INT(sn_link_empty(l), 1);
  /* A ring of SN_LINK_SIZE slots holds SN_LINK_SIZE - 1 packets. */
  for (uint32_t i = 0; i < SN_LINK_SIZE - 1; i++)
    sn_link_transmit(l, mkpkt(i, 100));
  UT_EQ_INT(sn_link_full(l), 1);
  UT_EQ_INT(sn_link_nreadable(l), SN_LINK_SIZE - 1);
  size_t before = sn_pool.nfree;
  sn_link_transmit(l, mkpkt(9999, 100));
  UT_EQ_INT(l->c.txdrop, 1);
  UT_EQ_INT(sn_pool.nfree, before);  /* the refused packet went back */
  UT_EQ_INT(l->c.txpackets, SN_LINK_SIZE - 1);
  UT_EQ_INT(l->c.txbytes, 100 * (SN_LINK_SIZE - 1));
  UT_EQ_INT(seq_of(sn_link_peek(l, 5)), 5);
  for (uint32_t i = 0; i < 10; i++) {
    struct sn_packet *p = sn_link_receive(l);
    UT_EQ_INT(seq_of(p), i);
    sn_packet_free(p);
  }
  UT_EQ_INT(l->c.rxpackets, 10);
  UT_EQ_INT(l->c.rxbytes, 1000);
  /* Wrap around the ring. */
  for (uint32_t i = 0; i < 10; i++)
    sn_link_transmit(l, mkpkt(5000 + i, 60));
  UT_EQ_INT(l->c.txdrop, 1);
  uint32_t last = 0;
  for (uint32_t n = 0; !sn_link_empty(l); n++) {
    struct sn_packet *p = sn_link_receive(l);
    last = seq_of(p);
    sn_packet_free(p);
  }
  UT_EQ_INT(last, 5009);
  sn_link_free(l);
  UT_EQ_INT(sn_pool.nfree, 2048);
  sn_pool_destroy();
}

UNITTEST(synthnet, parse_units)
{
  uint64_t ns, bytes;
  double bps, p;
  UT_EQ_INT(sn_parse_duration_ns("40ms", &ns), 0);
  UT_EQ_INT(ns, 40000000);
  UT_EQ_INT(sn_parse_duration_ns("1.5s", &ns), 0);
  UT_EQ_INT(ns, 1500000000);
  UT_EQ_INT(sn_parse_duration_ns("250us", &ns), 0);
  UT_EQ_INT(ns, 250000);
  UT_EQ_INT(sn_parse_duration_ns("7", &ns), 0); /* bare: milliseconds */
  UT_EQ_INT(ns, 7000000);
  UT_EQ_INT(sn_parse_duration_ns("5 parsecs", &ns), -1);
  UT_EQ_INT(sn_parse_duration_ns("-1ms", &ns), -1);
  UT_EQ_INT(sn_parse_rate_bps("100mbit", &bps), 0);
  UT_ASSERT(bps == 100e6);
  UT_EQ_INT(sn_parse_rate_bps("1gbit", &bps), 0);
  UT_ASSERT(bps == 1e9);
  UT_EQ_INT(sn_parse_rate_bps("2mbps", &bps), 0); /* bytes */
  UT_ASSERT(bps == 16e6);
  UT_EQ_INT(sn_parse_rate_bps("fast", &bps), -1);
  UT_EQ_INT(sn_parse_prob("1%", &p), 0);
  UT_ASSERT(p == 0.01);
  UT_EQ_INT(sn_parse_prob("0.25", &p), 0);
  UT_ASSERT(p == 0.25);
  UT_EQ_INT(sn_parse_prob("150%", &p), -1);
  UT_EQ_INT(sn_parse_bytes("64k", &bytes), 0);
  UT_EQ_INT(bytes, 65536);
}

UNITTEST(synthnet, configure_and_count)
{
  pool(4096);
  char err[256] = "";
  struct sn_engine *e = sn_engine_new(1);
  e->manual_clock = 1;
  const char *conf =
    "# a comment\n"
    "app src Source size=100 count=2500\n"
    "app snk Sink ; link src.output -> snk.input\n";
  if (sn_engine_configure(e, conf, err, sizeof(err)) < 0)
    unittest_fail(__FILE__, __LINE__, "configure: %s", err);
  UT_EQ_INT(e->napps, 2);
  UT_EQ_INT(e->nlinks, 1);
  for (int i = 0; i < 10; i++)
    sn_engine_breathe(e);
  struct sn_link *l = e->links[0];
  UT_EQ_INT(l->c.txpackets, 2500);
  UT_EQ_INT(l->c.txbytes, 250000);
  UT_EQ_INT(l->c.rxpackets, 2500);
  UT_EQ_INT(l->c.txdrop, 0);
  UT_EQ_INT(sn_pool.nfree, 4096); /* the Sink gave every packet back */
  /* The summary carries the same numbers. */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  sn_engine_summary(e, f, 1.0);
  fclose(f);
  UT_ASSERT(strstr(buf, "link=src.output->snk.input packets=2500 bytes=250000 drops=0") != NULL);
  free(buf);
  sn_engine_free(e);

  /* Errors name what is wrong. */
  e = sn_engine_new(1);
  UT_EQ_INT(sn_engine_configure(e, "app a Nonesuch", err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "Nonesuch") != NULL);
  UT_EQ_INT(sn_engine_configure(e, "app a Loss colour=red", err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "colour") != NULL);
  UT_EQ_INT(sn_engine_configure(e, "app a Delay delay=soon", err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "delay=soon") != NULL);
  UT_EQ_INT(sn_engine_configure(e, "app s Sink\nlink s.output -> t.input", err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "statement 2") != NULL);
  sn_engine_free(e);
  sn_pool_destroy();
}

UNITTEST(synthnet, push_order_follows_links)
{
  /* Apps declared against the flow still pass a packet through the whole
   * chain in one breath. */
  pool(4096);
  char err[256] = "";
  struct sn_engine *e = sn_engine_new(1);
  e->manual_clock = 1;
  UT_EQ_INT(sn_engine_configure(e,
    "app snk Sink; app b Corrupt; app a Duplicate; app src Source count=1;"
    "link a.output -> b.input; link b.output -> snk.input;"
    "link src.output -> a.input", err, sizeof(err)), 0);
  sn_engine_breathe(e);
  struct sn_app *snk = sn_engine_app(e, "snk");
  UT_EQ_INT(snk->input->c.rxpackets, 1);
  sn_engine_free(e);
  sn_pool_destroy();
}

/* ------------------------------------------------------------------- Loss */

UNITTEST(synthnet, loss_random_rate)
{
  pool(4096);
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Loss", "loss=10%", &in, &out);
  const int n = 100000;
  size_t got = 0;
  for (int i = 0; i < n; i += 500) {
    for (int j = 0; j < 500; j++)
      sn_link_transmit(in, mkpkt((uint32_t)(i + j), 64));
    sn_engine_breathe(e);
    got = collect(out, NULL, got, 0);
  }
  /* Binomial(100000, 0.1): mean 10000, sd ~95; allow 5 sd. */
  uint64_t lost = (uint64_t)n - got;
  UT_ASSERT(lost > 9525 && lost < 10475);
  UT_EQ_INT(e->apps[0]->drops, lost);
  sn_engine_free(e);
  sn_pool_destroy();
}

/* Runs n packets through a Loss app; returns the loss rate and the mean
 * length of runs of consecutive lost packets. */
static void
loss_runs(const char *args, int n, double *rate, double *mean_run)
{
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Loss", args, &in, &out);
  uint32_t *seqs = malloc(sizeof(uint32_t) * (size_t)n);
  size_t got = 0;
  for (int i = 0; i < n; i += 500) {
    for (int j = 0; j < 500 && i + j < n; j++)
      sn_link_transmit(in, mkpkt((uint32_t)(i + j), 64));
    sn_engine_breathe(e);
    got = collect(out, seqs, got, (size_t)n);
  }
  uint64_t runs = 0, lost = 0;
  uint32_t expect = 0;
  for (size_t k = 0; k <= got; k++) {
    uint32_t s = k < got ? seqs[k] : (uint32_t)n;
    if (s > expect) {
      runs++;
      lost += s - expect;
    }
    expect = s + 1;
  }
  *rate = (double)lost / n;
  *mean_run = runs ? (double)lost / (double)runs : 0;
  free(seqs);
  sn_engine_free(e);
}

UNITTEST(synthnet, loss_gilbert_elliott_bursts)
{
  pool(4096);
  double rate, run;
  /* Bursts of 10 packets on average, 5% lost overall. In the model's Bad
   * state every packet is lost and the chain leaves Bad with probability
   * r = 1/10 at each packet, so lost runs are geometric with mean 10. */
  loss_runs("model=ge loss=5% burst=10", 200000, &rate, &run);
  UT_ASSERT(rate > 0.035 && rate < 0.065);
  UT_ASSERT(run > 8.0 && run < 12.0);
  /* Independent loss at the same rate: runs have mean 1/(1-0.05) ~ 1.05. */
  loss_runs("loss=5%", 200000, &rate, &run);
  UT_ASSERT(rate > 0.045 && rate < 0.055);
  UT_ASSERT(run > 1.0 && run < 1.15);
  /* Explicit p and r: stationary loss p/(p+r) = 0.01/0.11 ~ 9.1%. */
  loss_runs("model=ge p=0.01 r=0.1", 200000, &rate, &run);
  UT_ASSERT(rate > 0.07 && rate < 0.11);
  sn_pool_destroy();
}

/* ------------------------------------------------------------------ Delay */

UNITTEST(synthnet, delay_fixed)
{
  pool(4096);
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Delay", "delay=10ms", &in, &out);
  uint64_t t0 = e->now_ns;
  for (uint32_t i = 0; i < 100; i++)
    sn_link_transmit(in, mkpkt(i, 64));
  sn_engine_breathe(e);
  UT_EQ_INT(sn_link_nreadable(out), 0);
  e->now_ns = t0 + 10 * MS - 1;
  sn_engine_breathe(e);
  UT_EQ_INT(sn_link_nreadable(out), 0);
  UT_EQ_INT(e->next_deadline, t0 + 10 * MS);  /* asks to be woken then */
  e->now_ns = t0 + 10 * MS;
  sn_engine_breathe(e);
  uint32_t seqs[100];
  UT_EQ_INT(collect(out, seqs, 0, 100), 100);
  for (uint32_t i = 0; i < 100; i++)
    UT_EQ_INT(seqs[i], i);
  sn_engine_free(e);
  sn_pool_destroy();
}

/* Sends n packets 100 us apart through a Delay app, stepping the clock by
 * 100 us; records each packet's time in the app (ns) and the output order.
 * Returns the number of inversions (a packet leaving after a later one). */
static int
delay_jitter_run(const char *args, int n, uint64_t *min_d, uint64_t *max_d)
{
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Delay", args, &in, &out);
  uint64_t t0 = e->now_ns;
  uint32_t maxseq = 0;
  int inversions = 0, got = 0;
  *min_d = UINT64_MAX;
  *max_d = 0;
  for (int step = 0; got < n && step < n + 2000; step++) {
    e->now_ns = t0 + (uint64_t)step * 100000;
    if (step < n)
      sn_link_transmit(in, mkpkt((uint32_t)step, 64));
    sn_engine_breathe(e);
    while (!sn_link_empty(out)) {
      struct sn_packet *p = sn_link_receive(out);
      uint32_t s = seq_of(p);
      uint64_t d = e->now_ns - (t0 + (uint64_t)s * 100000);
      if (d < *min_d)
        *min_d = d;
      if (d > *max_d)
        *max_d = d;
      if (got && s < maxseq)
        inversions++;
      if (s > maxseq)
        maxseq = s;
      got++;
      sn_packet_free(p);
    }
  }
  UT_EQ_INT(got, n);
  sn_engine_free(e);
  return inversions;
}

UNITTEST(synthnet, delay_jitter_and_keep_order)
{
  pool(8192);
  uint64_t lo, hi;
  /* Uniform jitter of 5 ms around 20 ms: every delay in [15, 25] ms (plus
   * one clock step of 100 us), and packets 100 us apart overtake each
   * other. */
  int inv = delay_jitter_run("delay=20ms jitter=5ms", 2000, &lo, &hi);
  UT_ASSERT(lo >= 15 * MS && lo < 16 * MS);
  UT_ASSERT(hi <= 25 * MS + 100000 && hi > 24 * MS);
  UT_ASSERT(inv > 500);
  /* keep_order: never an inversion, and never less than delay - jitter. */
  inv = delay_jitter_run("delay=20ms jitter=5ms keep_order=yes", 2000, &lo, &hi);
  UT_EQ_INT(inv, 0);
  UT_ASSERT(lo >= 15 * MS);
  /* Normal jitter: spread both ways, and some beyond one sd. */
  inv = delay_jitter_run("delay=20ms jitter=2ms distribution=normal", 2000, &lo, &hi);
  UT_ASSERT(lo < 18 * MS && hi > 22 * MS);
  UT_ASSERT(inv > 0);
  /* Exponential and pareto: never earlier than the base delay. */
  delay_jitter_run("delay=20ms jitter=2ms distribution=exponential", 1000, &lo, &hi);
  UT_ASSERT(lo >= 20 * MS && hi > 24 * MS);
  delay_jitter_run("delay=20ms jitter=2ms distribution=pareto", 1000, &lo, &hi);
  UT_ASSERT(lo >= 20 * MS && hi > 21 * MS);
  sn_pool_destroy();
}

UNITTEST(synthnet, delay_limit_drops)
{
  pool(4096);
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Delay", "delay=1s limit=10", &in, &out);
  for (uint32_t i = 0; i < 25; i++)
    sn_link_transmit(in, mkpkt(i, 64));
  sn_engine_breathe(e);
  UT_EQ_INT(e->apps[0]->drops, 15);
  sn_engine_free(e);  /* frees the 10 held packets */
  UT_EQ_INT(sn_pool.nfree, 4096);
  sn_pool_destroy();
}

/* ------------------------------------------------------------------- Rate */

UNITTEST(synthnet, rate_token_bucket)
{
  pool(4096);
  struct sn_link *in, *out;
  /* 8 Mbit/s = 1000 bytes per ms; bucket of 1500 bytes, full at start. */
  struct sn_engine *e = one_app("Rate", "rate=8mbit burst=1500", &in, &out);
  uint64_t t0 = e->now_ns;
  for (uint32_t i = 0; i < 100; i++)
    sn_link_transmit(in, mkpkt(i, 1000));
  size_t got = 0;
  sn_engine_breathe(e);
  got = collect(out, NULL, got, 0);
  UT_EQ_INT(got, 1);   /* 1500 tokens: one 1000-byte packet, 500 left */
  e->now_ns = t0 + MS / 2;
  sn_engine_breathe(e);
  got = collect(out, NULL, got, 0);
  UT_EQ_INT(got, 2);   /* 500 + 500 = 1000: the second one */
  for (int ms = 1; ms <= 50; ms++) {
    e->now_ns = t0 + (uint64_t)ms * MS;
    sn_engine_breathe(e);
    got = collect(out, NULL, got, 0);
  }
  /* 1500 + 50 ms * 1000 bytes/ms = 51500 bytes: 51 packets. */
  UT_EQ_INT(got, 51);
  /* Idle for long: the bucket holds at most its burst (1500 bytes), so
   * after 1 s only one packet more than the 1 ms refill goes at once. */
  uint64_t before = got;
  e->now_ns = t0 + 1050 * MS;
  sn_engine_breathe(e);
  got = collect(out, NULL, got, 0);
  UT_EQ_INT(got - before, 1);
  sn_engine_free(e);

  /* A queue of 10 packets: the rest of a burst is dropped. */
  e = one_app("Rate", "rate=1mbit burst=1000 limit=10", &in, &out);
  for (uint32_t i = 0; i < 30; i++)
    sn_link_transmit(in, mkpkt(i, 1000));
  sn_engine_breathe(e);
  UT_EQ_INT(e->apps[0]->drops, 19); /* 1 sent, 10 queued */
  sn_engine_free(e);
  UT_EQ_INT(sn_pool.nfree, 4096);
  sn_pool_destroy();
}

/* ---------------------------------------------------------------- Reorder */

UNITTEST(synthnet, reorder)
{
  pool(4096);
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Reorder", "p=10% gap=1", &in, &out);
  const int n = 20000;
  uint32_t *seqs = malloc(sizeof(uint32_t) * n);
  size_t got = 0;
  for (int i = 0; i < n; i += 500) {
    for (int j = 0; j < 500; j++)
      sn_link_transmit(in, mkpkt((uint32_t)(i + j), 64));
    sn_engine_breathe(e);
    got = collect(out, seqs, got, n);
  }
  e->now_ns += 1000 * MS;  /* past the timeout: the last held one leaves */
  sn_engine_breathe(e);
  got = collect(out, seqs, got, n);
  UT_EQ_INT(got, n);
  /* A held packet leaves right after the next one: (s+1, s) pairs. */
  int swaps = 0, other = 0;
  char *seen = calloc(n, 1);
  for (int k = 0; k < n; k++) {
    UT_ASSERT(!seen[seqs[k]]);
    seen[seqs[k]] = 1;
    if (k && seqs[k] < seqs[k - 1]) {
      if (seqs[k - 1] == seqs[k] + 1)
        swaps++;
      else
        other++;
    }
  }
  /* About 10% of packets are held (fewer are seen swapped when two in a
   * row are held); allow a wide band. */
  UT_ASSERT(swaps > n * 6 / 100 && swaps < n * 12 / 100);
  UT_ASSERT(other < n / 100);
  free(seen);
  free(seqs);
  sn_engine_free(e);

  /* p=0: order untouched. */
  e = one_app("Reorder", "p=0", &in, &out);
  for (uint32_t i = 0; i < 100; i++)
    sn_link_transmit(in, mkpkt(i, 64));
  sn_engine_breathe(e);
  uint32_t s2[100];
  UT_EQ_INT(collect(out, s2, 0, 100), 100);
  for (uint32_t i = 0; i < 100; i++)
    UT_EQ_INT(s2[i], i);
  sn_engine_free(e);
  sn_pool_destroy();
}

/* -------------------------------------------------------------- Duplicate */

UNITTEST(synthnet, duplicate)
{
  pool(4096);
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Duplicate", "p=20%", &in, &out);
  const int n = 10000;
  int got = 0, dups = 0;
  int64_t prev = -1;
  for (int i = 0; i < n; i += 400) {
    for (int j = 0; j < 400; j++)
      sn_link_transmit(in, mkpkt((uint32_t)(i + j), 200));
    sn_engine_breathe(e);
    while (!sn_link_empty(out)) {
      struct sn_packet *p = sn_link_receive(out);
      int64_t s = seq_of(p);
      UT_EQ_INT(p->length, 200);
      UT_EQ_INT(p->data[100], (uint8_t)(100 * 7));
      if (s == prev)
        dups++;
      else
        UT_EQ_INT(s, prev + 1);
      prev = s;
      got++;
      sn_packet_free(p);
    }
  }
  UT_EQ_INT(got, n + dups);
  /* Binomial(10000, 0.2): mean 2000, sd 40. */
  UT_ASSERT(dups > 1800 && dups < 2200);
  sn_engine_free(e);
  UT_EQ_INT(sn_pool.nfree, 4096);
  sn_pool_destroy();
}

/* ---------------------------------------------------------------- Corrupt */

static int
bits_differ(const struct sn_packet *a, const struct sn_packet *b, int from)
{
  int n = 0;
  for (int i = from; i < a->length; i++)
    n += __builtin_popcount((unsigned)(a->data[i] ^ b->data[i]));
  return n;
}

UNITTEST(synthnet, corrupt)
{
  pool(4096);
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Corrupt", "p=100% offset=14", &in, &out);
  struct sn_packet *ref = mkpkt(0, 300);
  for (int i = 0; i < 500; i++) {
    sn_link_transmit(in, mkpkt(0, 300));
    sn_engine_breathe(e);
    struct sn_packet *p = sn_link_receive(out);
    UT_EQ_INT(bits_differ(p, ref, 0), 1);   /* exactly one bit flipped */
    UT_EQ_INT(bits_differ(p, ref, 14), 1);  /* and not in the header */
    sn_packet_free(p);
  }
  sn_engine_free(e);

  e = one_app("Corrupt", "p=30%", &in, &out);
  int corrupted = 0;
  for (int i = 0; i < 5000; i++) {
    sn_link_transmit(in, mkpkt(0, 300));
    if (i % 500 == 499 || i == 4999) {
      sn_engine_breathe(e);
      while (!sn_link_empty(out)) {
        struct sn_packet *p = sn_link_receive(out);
        corrupted += bits_differ(p, ref, 0) != 0;
        sn_packet_free(p);
      }
    }
  }
  /* Binomial(5000, 0.3): mean 1500, sd ~32. */
  UT_ASSERT(corrupted > 1340 && corrupted < 1660);
  sn_packet_free(ref);
  sn_engine_free(e);
  sn_pool_destroy();
}

/* -------------------------------------------------------------------- Tap */

static uint32_t
le32(const uint8_t *b)
{
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 24;
}

static uint16_t
le16(const uint8_t *b)
{
  return (uint16_t)(b[0] | b[1] << 8);
}

UNITTEST(synthnet, tap_writes_pcap)
{
  pool(64);
  char path[512], args[600];
  snprintf(path, sizeof(path), "%s/cap.pcap", unittest_tmpdir());
  snprintf(args, sizeof(args), "file=%s snaplen=100", path);
  struct sn_link *in, *out;
  struct sn_engine *e = one_app("Tap", args, &in, &out);
  e->realtime_ns = 1700000000ULL * 1000000000ULL + 123456789ULL;
  sn_link_transmit(in, mkpkt(1, 60));
  sn_link_transmit(in, mkpkt(2, 150));  /* longer than snaplen */
  sn_engine_breathe(e);
  UT_EQ_INT(sn_link_nreadable(out), 2);  /* it passes packets on */
  sn_engine_free(e);

  FILE *f = fopen(path, "rb");
  UT_ASSERT(f != NULL);
  uint8_t buf[1024];
  size_t n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  /* libpcap file format: 24-byte header, magic a1b2c3d4 (microsecond
   * timestamps) in the writer's byte order, version 2.4, thiszone 0,
   * sigfigs 0, snaplen, link type 1 = LINKTYPE_ETHERNET; then per packet
   * ts_sec, ts_usec, incl_len, orig_len and incl_len bytes. */
  UT_EQ_INT(n, 24 + (16 + 60) + (16 + 100));
  const int little = (buf[0] == 0xd4);
  UT_ASSERT(little ? !memcmp(buf, "\xd4\xc3\xb2\xa1", 4)
                   : !memcmp(buf, "\xa1\xb2\xc3\xd4", 4));
  if (!little)
    return; /* the rest is checked on little-endian machines */
  UT_EQ_INT(le16(buf + 4), 2);
  UT_EQ_INT(le16(buf + 6), 4);
  UT_EQ_INT(le32(buf + 8), 0);
  UT_EQ_INT(le32(buf + 12), 0);
  UT_EQ_INT(le32(buf + 16), 100);
  UT_EQ_INT(le32(buf + 20), 1);
  const uint8_t *r = buf + 24;
  UT_EQ_INT(le32(r), 1700000000u);
  UT_EQ_INT(le32(r + 4), 123456);
  UT_EQ_INT(le32(r + 8), 60);
  UT_EQ_INT(le32(r + 12), 60);
  UT_EQ_INT(r[16 + 17], 1);  /* our sequence number's last byte */
  r += 16 + 60;
  UT_EQ_INT(le32(r + 8), 100);  /* cut to snaplen */
  UT_EQ_INT(le32(r + 12), 150);
  UT_EQ_INT(r[16 + 17], 2);
  sn_pool_destroy();
}

/* ----------------------------------------------------------------- Source */

UNITTEST(synthnet, source_frames)
{
  pool(2048);
  char err[256];
  struct sn_engine *e = sn_engine_new(1);
  e->manual_clock = 1;
  UT_ASSERT(sn_engine_add_app(e, "s", "Source",
            "size=64 dst=02:00:00:00:00:0b src=02:00:00:00:00:0a count=3",
            err, sizeof(err)) != NULL);
  struct sn_link *out = sn_engine_drain(e, "s.output", err, sizeof(err));
  sn_engine_breathe(e);
  sn_engine_breathe(e);
  UT_EQ_INT(sn_link_nreadable(out), 3);
  struct sn_packet *p = sn_link_receive(out);
  UT_EQ_INT(p->length, 64);
  UT_EQ_HEX(p->data, 14, "02000000000b02000000000a88b5");
  sn_packet_free(p);
  sn_engine_free(e);
  sn_pool_destroy();
}
