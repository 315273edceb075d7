/* Tests for core/or/conflux_cell and conflux_ooo: the LINK/LINKED and
 * SWITCH bodies against bytes laid out as proposal 329 §2.2/§2.6 draws
 * them (and tor's trunnel definitions: version, nonce[32], u64, u64, u8),
 * and the reordering against a sender simulated here by the proposal's
 * rule (a SWITCH on the new leg carries "last absolute sequence sent on
 * all legs" minus "last sent on the new leg"), including §2.6's worked
 * example of 10 cells, a switch, 21 cells and a switch back. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/crypto/relay_msg.h"
#include "core/or/conflux_cell.h"
#include "core/or/conflux_ooo.h"

#include <stdlib.h>
#include <string.h>

UNITTEST(conflux, link_encode_parse)
{
  conflux_link_t l, g;
  uint8_t out[CONFLUX_LINK_BODY_LEN + 4];
  memset(&l, 0, sizeof(l));
  for (int i = 0; i < CONFLUX_NONCE_LEN; i++)
    l.nonce[i] = (uint8_t)i;
  l.last_seq_sent = 0x0102030405060708ull;
  l.last_seq_recv = 0x1112131415161718ull;
  l.desired_ux = CONFLUX_UX_HIGH_THROUGHPUT;
  UT_EQ_INT(conflux_link_encode(out, sizeof(out), &l), 50);
  UT_EQ_HEX(out, 50, "01"
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            "0102030405060708" "1112131415161718" "03");
  UT_EQ_INT(conflux_link_encode(out, 49, &l), -1);
  UT_EQ_INT(conflux_link_parse(out, 50, &g), 0);
  UT_EQ_MEM(g.nonce, l.nonce, CONFLUX_NONCE_LEN);
  UT_ASSERT(g.last_seq_sent == l.last_seq_sent && g.last_seq_recv == l.last_seq_recv);
  UT_EQ_INT(g.desired_ux, 3);
  /* Room left in the relay payload after the fields is ignored. */
  UT_EQ_INT(conflux_link_parse(out, sizeof(out), &g), 0);
  UT_EQ_INT(conflux_link_parse(out, 49, &g), -1);   /* short */
  out[0] = 2;
  UT_EQ_INT(conflux_link_parse(out, 50, &g), -1);   /* unknown version */
  out[0] = 1;
  out[49] = 5;
  UT_EQ_INT(conflux_link_parse(out, 50, &g), -1);   /* unknown UX */
  UT_EQ_INT(conflux_link_parse(NULL, 50, &g), -1);
}

UNITTEST(conflux, switch_encode_parse)
{
  uint8_t out[4];
  uint32_t rel = 0;
  UT_EQ_INT(conflux_switch_encode(out, sizeof(out), 0x0a0b0c0d), 4);
  UT_EQ_HEX(out, 4, "0a0b0c0d");
  UT_EQ_INT(conflux_switch_parse(out, 4, &rel), 0);
  UT_EQ_INT(rel, 0x0a0b0c0d);
  UT_EQ_INT(conflux_switch_parse(out, 3, &rel), -1);
  UT_EQ_INT(conflux_switch_encode(out, 3, 1), -1);
}

UNITTEST(conflux, multiplexed_commands)
{
  static const uint8_t yes[] = { 1, 2, 3, 4, 11, 12, 43, 44 };
  static const uint8_t no[] = { 5, 6, 7, 8, 9, 10, 13, 14, 15, 19, 20, 21, 22, 32, 37, 41 };
  for (size_t i = 0; i < sizeof(yes); i++)
    UT_EQ_INT(conflux_command_is_multiplexed(yes[i]), 1);
  for (size_t i = 0; i < sizeof(no); i++)
    UT_EQ_INT(conflux_command_is_multiplexed(no[i]), 0);
  UT_EQ_INT(RELAY_COMMAND_CONFLUX_LINK, 19);
  UT_EQ_INT(RELAY_COMMAND_CONFLUX_SWITCH, 22);
  UT_EQ_STR(relay_command_name(21), "CONFLUX_LINKED_ACK");
}

UNITTEST(conflux, ux_names)
{
  UT_EQ_INT(conflux_ux_from_name("throughput"), CONFLUX_UX_HIGH_THROUGHPUT);
  UT_EQ_INT(conflux_ux_from_name("latency"), CONFLUX_UX_MIN_LATENCY);
  UT_EQ_INT(conflux_ux_from_name("throughput_lowmem"), CONFLUX_UX_LOW_MEM_THROUGHPUT);
  UT_EQ_INT(conflux_ux_from_name("latency_lowmem"), CONFLUX_UX_LOW_MEM_LATENCY);
  UT_EQ_INT(conflux_ux_from_name("Throughput"), -1);   /* tor compares exactly */
  UT_EQ_INT(conflux_ux_from_name("fast"), -1);
}

/* ---- reordering ---- */

typedef struct {
  uint32_t got[4096];
  size_t n;
  size_t stop_at;   /* ask to stop after this many (0: never) */
} sink_t;

static int
sink_deliver(uint8_t command, uint16_t stream_id, const uint8_t *data, size_t len, void *arg)
{
  sink_t *s = arg;
  uint32_t v = 0;
  if (command != RELAY_COMMAND_DATA || stream_id != 7 || len != 4)
    return -1;
  memcpy(&v, data, 4);
  if (s->n < sizeof(s->got) / sizeof(s->got[0]))
    s->got[s->n] = v;
  s->n++;
  return s->stop_at && s->n == s->stop_at;
}

/* What a sender puts on the wire, leg by leg, in each leg's order. */
typedef struct {
  int is_switch;
  uint32_t value;   /* the message's absolute number, or the SWITCH's */
} wire_msg_t;

typedef struct {
  wire_msg_t msgs[2][4096];
  size_t n[2];
  uint64_t abs_sent, leg_sent[2];
  int cur;
} sender_t;

static void
sender_send(sender_t *s, int leg)
{
  if (leg != s->cur && s->abs_sent) {
    /* Proposal 329 §2.6: the SWITCH goes on the new leg first. */
    s->msgs[leg][s->n[leg]++] = (wire_msg_t){ 1, (uint32_t)(s->abs_sent - s->leg_sent[leg]) };
    s->leg_sent[leg] = s->abs_sent;
  }
  s->cur = leg;
  s->abs_sent++;
  s->leg_sent[leg]++;
  s->msgs[leg][s->n[leg]++] = (wire_msg_t){ 0, (uint32_t)s->abs_sent };
}

static int
feed(conflux_ooo_t *q, const wire_msg_t *m, int leg, sink_t *sink)
{
  if (m->is_switch)
    return conflux_ooo_switch(q, leg, m->value);
  return conflux_ooo_receive(q, leg, RELAY_COMMAND_DATA, 7, (const uint8_t *)&m->value, 4,
                             sink_deliver, sink);
}

UNITTEST(conflux, reorder_worked_example)
{
  sender_t s;
  sink_t sink;
  memset(&s, 0, sizeof(s));
  memset(&sink, 0, sizeof(sink));
  for (int i = 0; i < 10; i++)
    sender_send(&s, 0);
  for (int i = 0; i < 21; i++)
    sender_send(&s, 1);
  for (int i = 0; i < 5; i++)
    sender_send(&s, 0);
  /* The proposal's numbers: SWITCH 10 on the second leg, 21 back. */
  UT_ASSERT(s.msgs[1][0].is_switch && s.msgs[1][0].value == 10);
  UT_ASSERT(s.msgs[0][10].is_switch && s.msgs[0][10].value == 21);
  conflux_ooo_t *q = conflux_ooo_new(64);
  UT_ASSERT(q != NULL);
  /* Everything of the second leg arrives first: it all waits. */
  for (size_t i = 0; i < s.n[1]; i++)
    UT_EQ_INT(feed(q, &s.msgs[1][i], 1, &sink), 0);
  UT_EQ_INT(sink.n, 0);
  UT_EQ_INT(conflux_ooo_queued(q), 21);
  /* The first leg's ten fill the gap; then its SWITCH and last five. */
  for (size_t i = 0; i < s.n[0]; i++)
    UT_EQ_INT(feed(q, &s.msgs[0][i], 0, &sink), 0);
  UT_EQ_INT(sink.n, 36);
  for (uint32_t i = 0; i < 36; i++)
    UT_EQ_INT(sink.got[i], i + 1);
  UT_EQ_INT(conflux_ooo_queued(q), 0);
  UT_ASSERT(conflux_ooo_delivered(q) == 36);
  UT_ASSERT(conflux_ooo_leg_recv(q, 0) == 36 && conflux_ooo_leg_recv(q, 1) == 31);
  conflux_ooo_free(q);
}

UNITTEST(conflux, reorder_random_interleavings)
{
  static sender_t s;
  static sink_t sink;
  unsigned seed = 12345;
  for (int round = 0; round < 50; round++) {
    memset(&s, 0, sizeof(s));
    memset(&sink, 0, sizeof(sink));
    for (int i = 0; i < 1000; i++) {
      seed = seed * 1103515245u + 12345u;
      /* runs of a few cells per leg, as a cwnd-driven sender makes */
      sender_send(&s, (seed >> 16) % 5 == 0 ? !s.cur : s.cur);
    }
    conflux_ooo_t *q = conflux_ooo_new(4096);
    size_t pos[2] = { 0, 0 };
    while (pos[0] < s.n[0] || pos[1] < s.n[1]) {
      seed = seed * 1103515245u + 12345u;
      int leg = pos[0] >= s.n[0] ? 1 : pos[1] >= s.n[1] ? 0 : (int)((seed >> 16) & 1);
      UT_EQ_INT(feed(q, &s.msgs[leg][pos[leg]], leg, &sink), 0);
      pos[leg]++;
    }
    UT_EQ_INT(sink.n, 1000);
    for (uint32_t i = 0; i < 1000; i++)
      if (sink.got[i] != i + 1) {
        UT_EQ_INT(sink.got[i], i + 1);
        break;
      }
    UT_EQ_INT(conflux_ooo_queued(q), 0);
    conflux_ooo_free(q);
  }
}

UNITTEST(conflux, reorder_bad_peers)
{
  sink_t sink;
  uint32_t v = 1;
  memset(&sink, 0, sizeof(sink));
  /* A number that was delivered already (a SWITCH that went backwards is
   * impossible, so the peer numbered two messages alike). */
  conflux_ooo_t *q = conflux_ooo_new(4);
  UT_EQ_INT(conflux_ooo_receive(q, 0, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v, 4,
                                sink_deliver, &sink), 0);
  UT_EQ_INT(conflux_ooo_receive(q, 1, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v, 4,
                                sink_deliver, &sink), -1);
  conflux_ooo_free(q);
  /* A gap never filled: the bound holds. */
  q = conflux_ooo_new(4);
  conflux_ooo_switch(q, 1, 100);
  for (int i = 0; i < 4; i++)
    UT_EQ_INT(conflux_ooo_receive(q, 1, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v, 4,
                                  sink_deliver, &sink), 0);
  UT_EQ_INT(conflux_ooo_receive(q, 1, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v, 4,
                                sink_deliver, &sink), -1);
  UT_EQ_INT(conflux_ooo_queued(q), 4);
  /* Bad arguments. */
  UT_EQ_INT(conflux_ooo_switch(q, CONFLUX_MAX_LEGS, 1), -1);
  UT_EQ_INT(conflux_ooo_receive(q, -1, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v, 4,
                                sink_deliver, &sink), -1);
  UT_EQ_INT(conflux_ooo_receive(q, 0, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v,
                                RELAY_DATA_MAX + 1, sink_deliver, &sink), -1);
  conflux_ooo_free(q);
}

UNITTEST(conflux, reorder_stop)
{
  sink_t sink;
  uint32_t v[3] = { 1, 2, 3 };
  memset(&sink, 0, sizeof(sink));
  sink.stop_at = 2;
  conflux_ooo_t *q = conflux_ooo_new(8);
  conflux_ooo_switch(q, 1, 1);
  UT_EQ_INT(conflux_ooo_receive(q, 1, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v[1], 4,
                                sink_deliver, &sink), 0);
  UT_EQ_INT(conflux_ooo_receive(q, 1, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v[2], 4,
                                sink_deliver, &sink), 0);
  /* 1 goes, 2 goes and asks to stop: 3 stays queued. */
  UT_EQ_INT(conflux_ooo_receive(q, 0, RELAY_COMMAND_DATA, 7, (const uint8_t *)&v[0], 4,
                                sink_deliver, &sink), 1);
  UT_EQ_INT(sink.n, 2);
  UT_EQ_INT(conflux_ooo_queued(q), 1);
  conflux_ooo_free(q);
}
