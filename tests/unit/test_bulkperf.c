/* Unit tests for tor-bulkperf's logic: the sequence pattern and checker,
 * interval statistics, the SOCKS5 client state machine, the .tpf/JSON
 * writers and option parsing. Expected values are worked out by hand. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tools/bulkperf/bulkperf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UT_NEAR(got, want)                                                \
  do { double ut_g_ = (got), ut_w_ = (want);                              \
    if (fabs(ut_g_ - ut_w_) > 1e-9 * (1 + fabs(ut_w_)))                   \
      unittest_fail(__FILE__, __LINE__, "%s == %.12g, expected %.12g",    \
                    #got, ut_g_, ut_w_); } while (0)

/* ------------------------------------------------------ sequence pattern */

UNITTEST(bulkperf, seq_first_words)
{
  uint8_t b[24];
  bp_seq_fill(b, sizeof(b), 0);
  /* counters 0, 1, 2 as 64-bit big-endian */
  UT_EQ_HEX(b, 24, "000000000000000000000000000000010000000000000002");
  UT_EQ_INT(bp_seq_byte(15), 1);
  UT_EQ_INT(bp_seq_byte(23), 2);
  UT_EQ_INT(bp_seq_byte(7), 0);
}

UNITTEST(bulkperf, seq_unaligned)
{
  /* offset 8*0x12345678 + 5: bytes 5..7 of 00000000 12345678, then bytes
   * 0..4 of 00000000 12345679 */
  uint8_t b[8];
  uint64_t off = 8ULL * 0x12345678 + 5;
  bp_seq_fill(b, sizeof(b), off);
  UT_EQ_HEX(b, 8, "3456780000000012");
  UT_EQ_INT(bp_seq_byte(off), 0x34);
  UT_EQ_INT(bp_seq_byte(off + 7), 0x12);
}

UNITTEST(bulkperf, seq_high_counter)
{
  uint8_t b[16];
  bp_seq_fill(b, sizeof(b), 8ULL * 0x0102030405060708ULL);
  UT_EQ_HEX(b, 16, "01020304050607080102030405060709");
}

UNITTEST(bulkperf, seq_block_boundaries)
{
  /* Start at counter 0x1FF so the fill crosses the 256-counter blocks. */
  static uint8_t b[4096 + 3];
  bp_seq_fill(b, sizeof(b), 8ULL * 0x1FF);
  UT_EQ_HEX(b, 8, "00000000000001ff");
  UT_EQ_HEX(b + 8, 8, "0000000000000200");
  UT_EQ_HEX(b + 8 * 256, 8, "00000000000002ff");
  UT_EQ_HEX(b + 8 * 257, 8, "0000000000000300");
  UT_EQ_HEX(b + 8 * 511, 8, "00000000000003fe");
  UT_EQ_HEX(b + 4096, 3, "000000");   /* first 3 bytes of counter 0x3FF */
  /* every byte agrees with the one-byte definition */
  for (size_t i = 0; i < sizeof(b); i++)
    UT_EQ_INT(b[i], bp_seq_byte(8ULL * 0x1FF + i));
}

UNITTEST(bulkperf, seq_check_handmade)
{
  /* bytes 6..21 of the stream: 00 00 | 00 00 00 00 00 00 00 01 | 00 00 00
   * 00 00 00 */
  uint8_t b[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
  UT_EQ_INT(bp_seq_check(b, 16, 6), 16);
  b[9] = 2;
  UT_EQ_INT(bp_seq_check(b, 16, 6), 9);
  b[9] = 1;
  b[0] = 0x80;
  UT_EQ_INT(bp_seq_check(b, 16, 6), 0);
}

UNITTEST(bulkperf, seq_check_finds_first_bad)
{
  size_t len = 1 << 20;
  uint8_t *b = malloc(len);
  UT_ASSERT(b);
  uint64_t off = 3 * 1000003ULL;     /* not aligned to 8 */
  bp_seq_fill(b, len, off);
  UT_EQ_INT(bp_seq_check(b, len, off), len);
  /* one word off: only the low bytes differ; off+6 is the first low byte
   * (offset 3000009 is 1 mod 8, so index 6 is byte 7 of its word) */
  UT_EQ_INT(bp_seq_check(b, len, off + 8), 6);
  b[777777] ^= 0x40;
  b[900000] ^= 0x01;
  UT_EQ_INT(bp_seq_check(b, len, off), 777777);
  b[777777] ^= 0x40;
  UT_EQ_INT(bp_seq_check(b, len, off), 900000);
  b[900000] ^= 0x01;
  b[len - 1] ^= 0xFF;
  UT_EQ_INT(bp_seq_check(b, len, off), len - 1);
  free(b);
}

UNITTEST(bulkperf, zero_check)
{
  static uint8_t b[5000];
  memset(b, 0, sizeof(b));
  UT_EQ_INT(bp_zero_check(b, sizeof(b)), sizeof(b));
  b[4100] = 7;
  UT_EQ_INT(bp_zero_check(b, sizeof(b)), 4100);
  b[3] = 1;
  UT_EQ_INT(bp_zero_check(b, sizeof(b)), 3);
}

/* ----------------------------------------------------------- statistics */

UNITTEST(bulkperf, percentiles)
{
  double v[] = { 50, 10, 40, 20, 30 };
  UT_NEAR(bp_percentile(v, 5, 0.5), 30);
  UT_NEAR(bp_percentile(v, 5, 0.1), 14);   /* 10 + 0.4 * 10 */
  UT_NEAR(bp_percentile(v, 5, 0.9), 46);   /* 40 + 0.6 * 10 */
  UT_NEAR(bp_percentile(v, 5, 0), 10);
  UT_NEAR(bp_percentile(v, 5, 1), 50);
  double w[] = { 4, 1, 3, 2 };
  UT_NEAR(bp_percentile(w, 4, 0.5), 2.5);
  UT_NEAR(bp_percentile(w, 4, 0.9), 3.7);  /* pos 2.7: 3 + 0.7 */
  double one = 7;
  UT_NEAR(bp_percentile(&one, 1, 0.1), 7);
  UT_NEAR(bp_percentile(NULL, 0, 0.5), 0);
}

UNITTEST(bulkperf, interval_stats)
{
  bp_stats_t st;
  bp_summary_t sm;
  UT_EQ_INT(bp_stats_init(&st, 2), 0);
  bp_stats_add(&st, -0.5, 0, 100);          /* before the start */
  bp_stats_add(&st, 0.2, 0, 125000);
  bp_stats_add(&st, 0.7, 1, 125000);
  const bp_interval_t *iv = bp_stats_tick(&st, 1.0, 8);
  UT_ASSERT(iv);
  UT_EQ_INT(iv->bytes, 250000);
  UT_NEAR(iv->mbps, 2.0);                   /* 250000 * 8 / 1 s / 1e6 */
  UT_NEAR(iv->circ_mbps[0], 1.0);
  UT_NEAR(iv->circ_mbps[1], 1.0);
  UT_EQ_INT(iv->streams_alive, 8);
  iv = bp_stats_tick(&st, 2.0, 7);          /* nothing in [1, 2) */
  UT_EQ_INT(iv->bytes, 0);
  UT_NEAR(iv->mbps, 0);
  bp_stats_add(&st, 2.1, 0, 250000);
  bp_stats_add(&st, 2.4, 0, 250000);
  iv = bp_stats_tick(&st, 3.0, 7);
  UT_NEAR(iv->mbps, 4.0);
  UT_NEAR(iv->circ_mbps[0], 4.0);
  UT_NEAR(iv->circ_mbps[1], 0);
  UT_NEAR(iv->t_begin, 2.0);
  bp_stats_summary(&st, 3.0, &sm);
  UT_EQ_INT(sm.bytes, 750000);
  UT_NEAR(sm.mean_mbps, 2.0);               /* 750000 * 8 / 3 / 1e6 */
  UT_NEAR(sm.median_mbps, 2.0);             /* of {0, 2, 4} */
  UT_NEAR(sm.p10_mbps, 0.4);                /* pos 0.2 */
  UT_NEAR(sm.p90_mbps, 3.6);                /* pos 1.8 */
  UT_EQ_INT(sm.stall_seconds, 1);           /* second [1, 2) */
  UT_EQ_INT(sm.intervals, 3);
  UT_EQ_INT(st.warmup_bytes, 100);
  bp_stats_free(&st);
}

UNITTEST(bulkperf, interval_stats_half_second)
{
  bp_stats_t st;
  bp_summary_t sm;
  UT_EQ_INT(bp_stats_init(&st, 1), 0);
  bp_stats_add(&st, 0.1, 0, 62500);         /* 0.5 Mbit in 0.5 s: 1 Mbit/s */
  UT_NEAR(bp_stats_tick(&st, 0.5, 1)->mbps, 1.0);
  UT_NEAR(bp_stats_tick(&st, 1.0, 1)->mbps, 0.0);
  bp_stats_add(&st, 3.9, 0, 1);
  bp_stats_summary(&st, 4.5, &sm);
  /* whole seconds [0,1) has data, [1,2) [2,3) none, [3,4) data */
  UT_EQ_INT(sm.stall_seconds, 2);
  bp_stats_free(&st);
}

/* ---------------------------------------------------------------- SOCKS */

UNITTEST(bulkperf, socks_userpass_domain)
{
  bp_socks_t s;
  size_t used;
  UT_EQ_INT(bp_socks_begin(&s, "abc.onion", 80, "u", "p"), 0);
  UT_EQ_HEX(s.out, s.outlen, "050102");
  const uint8_t m[] = { 0x05, 0x02 };
  UT_EQ_INT(bp_socks_feed(&s, m, 2, &used), BP_SOCKS_EV_SEND);
  UT_EQ_INT(used, 2);
  UT_EQ_HEX(s.out, s.outlen, "0101750170");
  const uint8_t a[] = { 0x01, 0x00 };
  UT_EQ_INT(bp_socks_feed(&s, a, 2, &used), BP_SOCKS_EV_NEGOTIATED);
  UT_EQ_HEX(s.out, s.outlen, "0501000309" "6162632e6f6e696f6e" "0050");
  /* reply with an IPv4 address, then two payload bytes, fed one by one */
  const uint8_t r[] = { 5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90, 0xAA, 0xBB };
  for (size_t i = 0; i < 9; i++) {
    UT_EQ_INT(bp_socks_feed(&s, r + i, 1, &used), BP_SOCKS_EV_MORE);
    UT_EQ_INT(used, 1);
  }
  UT_EQ_INT(bp_socks_feed(&s, r + 9, 3, &used), BP_SOCKS_EV_DONE);
  UT_EQ_INT(used, 1);       /* 0xAA 0xBB are payload */
  UT_EQ_INT(s.reply, 0);
}

UNITTEST(bulkperf, socks_noauth_ipv4_and_domain_reply)
{
  bp_socks_t s;
  size_t used;
  UT_EQ_INT(bp_socks_begin(&s, "127.0.0.1", 5000, NULL, NULL), 0);
  UT_EQ_HEX(s.out, s.outlen, "050100");
  const uint8_t m[] = { 0x05, 0x00 };
  UT_EQ_INT(bp_socks_feed(&s, m, 2, &used), BP_SOCKS_EV_NEGOTIATED);
  UT_EQ_HEX(s.out, s.outlen, "050100017f0000011388");
  /* a reply carrying a domain name (ATYP 3, length 2 "ab") in one go */
  const uint8_t r[] = { 5, 0, 0, 3, 2, 'a', 'b', 0, 80, 'X' };
  UT_EQ_INT(bp_socks_feed(&s, r, sizeof(r), &used), BP_SOCKS_EV_DONE);
  UT_EQ_INT(used, 9);
}

UNITTEST(bulkperf, socks_ipv6_target)
{
  bp_socks_t s;
  size_t used;
  UT_EQ_INT(bp_socks_begin(&s, "::1", 443, NULL, NULL), 0);
  const uint8_t m[] = { 0x05, 0x00 };
  UT_EQ_INT(bp_socks_feed(&s, m, 2, &used), BP_SOCKS_EV_NEGOTIATED);
  UT_EQ_HEX(s.out, s.outlen,
            "05010004" "00000000000000000000000000000001" "01bb");
}

UNITTEST(bulkperf, socks_refusals)
{
  bp_socks_t s;
  size_t used;
  bp_socks_begin(&s, "xyz.onion", 80, "c0", "x");
  const uint8_t m[] = { 5, 2 }, a[] = { 1, 0 };
  bp_socks_feed(&s, m, 2, &used);
  bp_socks_feed(&s, a, 2, &used);
  const uint8_t r[] = { 5, 0xF0, 0, 1, 0, 0, 0, 0, 0, 0 };
  UT_EQ_INT(bp_socks_feed(&s, r, sizeof(r), &used), BP_SOCKS_EV_ERROR);
  UT_EQ_INT(s.reply, 0xF0);
  UT_EQ_STR(s.err, "SOCKS proxy refused CONNECT to xyz.onion:80: onion "
            "service descriptor can not be found (reply 0xF0)");

  bp_socks_begin(&s, "example.com", 443, NULL, NULL);
  const uint8_t none[] = { 5, 0xFF };
  UT_EQ_INT(bp_socks_feed(&s, none, 2, &used), BP_SOCKS_EV_ERROR);
  UT_ASSERT(strstr(s.err, "none of the offered"));

  bp_socks_begin(&s, "example.com", 443, NULL, NULL);
  const uint8_t http[] = { 'H', 'T' };
  UT_EQ_INT(bp_socks_feed(&s, http, 2, &used), BP_SOCKS_EV_ERROR);
  UT_ASSERT(strstr(s.err, "does not speak SOCKS5"));

  bp_socks_begin(&s, "example.com", 443, "u", "p");
  const uint8_t m2[] = { 5, 2 }, bad[] = { 1, 1 };
  bp_socks_feed(&s, m2, 2, &used);
  UT_EQ_INT(bp_socks_feed(&s, bad, 2, &used), BP_SOCKS_EV_ERROR);
  UT_ASSERT(strstr(s.err, "rejected the username/password"));

  UT_EQ_STR(bp_socks_reply_str(0x05), "connection refused");
  UT_EQ_STR(bp_socks_reply_str(0xF3), "onion service rendezvous failed");
}

/* ------------------------------------------------------------- .tpf/JSON */

/* A transfer with microsecond times picked so that rounding matters. */
static void
sample_transfer(bp_transfer_t *t)
{
  memset(t, 0, sizeof(*t));
  snprintf(t->source, sizeof(t->source), "testnet");
  t->filesize = 51200;
  t->start = 1587991280365000;        /* .365 rounds up to .37 */
  t->socket = 1587991280366000;
  t->connect = 1587991280370000;
  t->negotiate = 1587991280371000;
  t->request = 1587991280372000;
  t->response = 1587991283354999;     /* .354999 rounds to .35 */
  t->datarequest = 1587991283355000;
  t->dataresponse = 1587991283810000;
  for (int i = 0; i < BP_NPERC; i++)
    t->dataperc[i] = 1587991284000000 + (int64_t)(i + 1) * 100000;
  t->datacomplete = 1587991286620000;
  t->readbytes = 51210;
  t->writebytes = 28;
  t->didtimeout = false;
  snprintf(t->endpointlocal, sizeof(t->endpointlocal),
           "localhost:127.0.0.1:40878");
  snprintf(t->endpointremote, sizeof(t->endpointremote),
           "m3eahz7co6lzi6jn.onion:0.0.0.0:80");
}

static char *
capture(void (*fn)(FILE *, const bp_transfer_t *, int),
        const bp_transfer_t *t, int dec)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  fn(f, t, dec);
  fclose(f);
  return buf;
}

UNITTEST(bulkperf, tpf_timestamps)
{
  char b[48];
  bp_tpf_ts(b, sizeof(b), 1587991280365000, 2);
  UT_EQ_STR(b, "1587991280.37");
  bp_tpf_ts(b, sizeof(b), 1587991280364999, 2);
  UT_EQ_STR(b, "1587991280.36");
  bp_tpf_ts(b, sizeof(b), 1587991280995000, 2);
  UT_EQ_STR(b, "1587991281.00");
  bp_tpf_ts(b, sizeof(b), 1587991280000042, 6);
  UT_EQ_STR(b, "1587991280.000042");
  bp_tpf_ts(b, sizeof(b), 0, 2);
  UT_EQ_STR(b, "0.00");
}

/* The line as CollecTor publishes Torperf results: KEY=VALUE pairs, keys in
 * alphabetical order, timestamps as seconds since the epoch with two
 * decimals, sizes and byte counts as integers, DIDTIMEOUT 0 or 1. */
static const char tpf_fixture[] =
  "CONNECT=1587991280.37 DATACOMPLETE=1587991286.62 "
  "DATAPERC10=1587991284.10 DATAPERC20=1587991284.20 "
  "DATAPERC30=1587991284.30 DATAPERC40=1587991284.40 "
  "DATAPERC50=1587991284.50 DATAPERC60=1587991284.60 "
  "DATAPERC70=1587991284.70 DATAPERC80=1587991284.80 "
  "DATAPERC90=1587991284.90 DATAREQUEST=1587991283.36 "
  "DATARESPONSE=1587991283.81 DIDTIMEOUT=0 "
  "ENDPOINTLOCAL=localhost:127.0.0.1:40878 "
  "ENDPOINTREMOTE=m3eahz7co6lzi6jn.onion:0.0.0.0:80 FILESIZE=51200 "
  "NEGOTIATE=1587991280.37 READBYTES=51210 REQUEST=1587991280.37 "
  "RESPONSE=1587991283.35 SOCKET=1587991280.37 SOURCE=testnet "
  "START=1587991280.37 WRITEBYTES=28\n";

UNITTEST(bulkperf, tpf_line)
{
  bp_transfer_t t;
  sample_transfer(&t);
  char *line = capture(bp_tpf_write_line, &t, 2);
  UT_EQ_STR(line, tpf_fixture);
  free(line);
  UT_EQ_STR(BP_TPF_HEADER, "@type torperf 1.1\n");
}

UNITTEST(bulkperf, tpf_timeout_and_cleaning)
{
  bp_transfer_t t;
  memset(&t, 0, sizeof(t));
  snprintf(t.source, sizeof(t.source), "a b=c");   /* no spaces or '=' */
  t.filesize = 5242880;
  t.start = 1000000000000000;
  t.didtimeout = true;
  char *line = capture(bp_tpf_write_line, &t, 2);
  UT_EQ_STR(line,
    "CONNECT=0.00 DATACOMPLETE=0.00 DATAPERC10=0.00 DATAPERC20=0.00 "
    "DATAPERC30=0.00 DATAPERC40=0.00 DATAPERC50=0.00 DATAPERC60=0.00 "
    "DATAPERC70=0.00 DATAPERC80=0.00 DATAPERC90=0.00 DATAREQUEST=0.00 "
    "DATARESPONSE=0.00 DIDTIMEOUT=1 FILESIZE=5242880 NEGOTIATE=0.00 "
    "READBYTES=0 REQUEST=0.00 RESPONSE=0.00 SOCKET=0.00 SOURCE=a_b_c "
    "START=1000000000.00 WRITEBYTES=0\n");
  free(line);
}

UNITTEST(bulkperf, tpf_json_same_numbers)
{
  bp_transfer_t t;
  sample_transfer(&t);
  char *js = capture(bp_tpf_write_json, &t, 2);
  UT_EQ_STR(js,
    "{\"CONNECT\": 1587991280.37, \"DATACOMPLETE\": 1587991286.62, "
    "\"DATAPERC10\": 1587991284.10, \"DATAPERC20\": 1587991284.20, "
    "\"DATAPERC30\": 1587991284.30, \"DATAPERC40\": 1587991284.40, "
    "\"DATAPERC50\": 1587991284.50, \"DATAPERC60\": 1587991284.60, "
    "\"DATAPERC70\": 1587991284.70, \"DATAPERC80\": 1587991284.80, "
    "\"DATAPERC90\": 1587991284.90, \"DATAREQUEST\": 1587991283.36, "
    "\"DATARESPONSE\": 1587991283.81, \"DIDTIMEOUT\": 0, "
    "\"ENDPOINTLOCAL\": \"localhost:127.0.0.1:40878\", "
    "\"ENDPOINTREMOTE\": \"m3eahz7co6lzi6jn.onion:0.0.0.0:80\", "
    "\"FILESIZE\": 51200, \"NEGOTIATE\": 1587991280.37, "
    "\"READBYTES\": 51210, \"REQUEST\": 1587991280.37, "
    "\"RESPONSE\": 1587991283.35, \"SOCKET\": 1587991280.37, "
    "\"SOURCE\": \"testnet\", \"START\": 1587991280.37, "
    "\"WRITEBYTES\": 28}");
  free(js);
}

/* -------------------------------------------------------------- options */

static int
parse(bp_opts_t *o, char *err, const char *a0, ...)
{
  char *argv[32];
  int argc = 0;
  va_list ap;
  argv[argc++] = (char *)"tor-bulkperf";
  argv[argc++] = (char *)a0;
  va_start(ap, a0);
  const char *a;
  while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
    argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  return bp_opts_parse(o, argc, argv, err, 256);
}

UNITTEST(bulkperf, options_bulk)
{
  bp_opts_t o;
  char err[256];
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "127.0.0.1:9050", "--target",
                  "abcdef.onion:80", "--streams", "8", "--circuits", "4",
                  "--duration", "30s", "--interval", "500ms", "--verify",
                  "sequence", NULL), 0);
  UT_EQ_INT(o.mode, BP_MODE_BULK);
  UT_EQ_STR(o.socks_host, "127.0.0.1");
  UT_EQ_INT(o.socks_port, 9050);
  UT_EQ_STR(o.target_host, "abcdef.onion");
  UT_EQ_INT(o.target_port, 80);
  UT_EQ_INT(o.streams, 8);
  UT_EQ_INT(o.circuits, 4);
  UT_NEAR(o.duration, 30);
  UT_NEAR(o.interval, 0.5);
  UT_EQ_INT(o.verify, BP_VERIFY_SEQUENCE);
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "none", "--target",
                  "[::1]:5000", "--duration", "2m", NULL), 0);
  UT_ASSERT(o.socks_none);
  UT_EQ_STR(o.target_host, "::1");
  UT_NEAR(o.duration, 120);
}

UNITTEST(bulkperf, options_errors_are_plain)
{
  bp_opts_t o;
  char err[256];
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "127.0.0.1:9050", "--target",
                  "foo", NULL), -1);
  UT_EQ_STR(err, "malformed --target 'foo': expected ADDR:PORT (e.g. "
            "xyz.onion:80 or 127.0.0.1:5000)");
  UT_EQ_INT(parse(&o, err, "bulk", "--target", "a.onion:80", NULL), -1);
  UT_EQ_STR(err, "bulk needs --socks HOST:PORT (tor's SocksPort) or "
            "--socks none");
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "none", "--target",
                  "a.onion:80", "--streams", "2", "--circuits", "4", NULL),
            -1);
  UT_EQ_STR(err, "--circuits 4 is more than --streams 2; each circuit needs "
            "at least one stream");
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "localhost:99999", "--target",
                  "a.onion:80", NULL), -1);
  UT_ASSERT(strstr(err, "malformed --socks 'localhost:99999'"));
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "none", "--target",
                  "a.onion:80", "--verify", "crc", NULL), -1);
  UT_EQ_STR(err, "--verify must be sequence, zero or none, not 'crc'");
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "none", "--target",
                  "a.onion:80", "--bogus", NULL), -1);
  UT_EQ_STR(err, "unknown option '--bogus' for bulk; try --help");
  UT_EQ_INT(parse(&o, err, "bulk", "--socks", "none", "--target", NULL), -1);
  UT_EQ_STR(err, "option --target needs a value");
  UT_EQ_INT(parse(&o, err, "fly", NULL), -1);
  UT_ASSERT(strstr(err, "unknown mode 'fly'"));
}

UNITTEST(bulkperf, options_transfer_sizes)
{
  bp_opts_t o;
  char err[256];
  UT_EQ_INT(parse(&o, err, "transfer", "--socks", "127.0.0.1:9050",
                  "--target", "a.onion:80", "--size", "50KiB,1MiB,5MiB",
                  "--every", "60s", "--count", "3", "--tpf", "x.tpf", NULL),
            0);
  UT_EQ_INT(o.nsizes, 3);
  UT_EQ_INT(o.sizes[0], 51200);
  UT_EQ_INT(o.sizes[1], 1048576);
  UT_EQ_INT(o.sizes[2], 5242880);
  UT_EQ_INT(o.count, 3);
  UT_NEAR(o.every, 60);
  UT_EQ_STR(o.tpf, "x.tpf");
  UT_EQ_INT(parse(&o, err, "transfer", "--socks", "127.0.0.1:9050",
                  "--target", "a.onion:80", "--size", "50XB", NULL), -1);
  UT_EQ_STR(err, "malformed --size '50XB' (e.g. 50KiB,1MiB,5MiB)");
  uint64_t v;
  UT_EQ_INT(bp_parse_size("10kB", &v), 0);
  UT_EQ_INT(v, 10000);
  UT_EQ_INT(bp_parse_size("2GiB", &v), 0);
  UT_EQ_INT(v, 2147483648LL);
  UT_EQ_INT(bp_parse_size("-1", &v), -1);
  double d;
  UT_EQ_INT(bp_parse_duration("1.5", &d), 0);
  UT_NEAR(d, 1.5);
  UT_EQ_INT(bp_parse_duration("1h", &d), 0);
  UT_NEAR(d, 3600);
  UT_EQ_INT(bp_parse_duration("5 s", &d), -1);
}

UNITTEST(bulkperf, hostport)
{
  char h[64];
  uint16_t p;
  UT_EQ_INT(bp_parse_hostport("127.0.0.1:9050", h, sizeof(h), &p), 0);
  UT_EQ_STR(h, "127.0.0.1");
  UT_EQ_INT(p, 9050);
  UT_EQ_INT(bp_parse_hostport("[::1]:80", h, sizeof(h), &p), 0);
  UT_EQ_STR(h, "::1");
  UT_EQ_INT(bp_parse_hostport("::1:80", h, sizeof(h), &p), -1);
  UT_EQ_INT(bp_parse_hostport("host:", h, sizeof(h), &p), -1);
  UT_EQ_INT(bp_parse_hostport(":80", h, sizeof(h), &p), -1);
  UT_EQ_INT(bp_parse_hostport("a b:80", h, sizeof(h), &p), -1);
  UT_EQ_INT(bp_parse_hostport("host:65536", h, sizeof(h), &p), -1);
}
