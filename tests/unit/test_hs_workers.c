/* Tests for feature/hs/hs_worker_conf (onion service workers): the torrc a
 * worker gets from the parent's lines, the parent's reading of a worker's
 * log lines, and HiddenServiceNumWorkers in hs_config. Expected texts are
 * written out by hand. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "feature/hs/hs_config.h"
#include "feature/hs/hs_worker_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static config_line_t *
lines_of(const char *text)
{
  config_line_t *lines = NULL;
  char err[256];
  UT_EQ_INT(config_lines_parse(text, strlen(text), "torrc", &lines, err, sizeof(err)), 0);
  return lines;
}

static const char parent_torrc[] =
    "DataDirectory /var/lib/tor\n"
    "RunAsDaemon 1\n"
    "PidFile /run/tor.pid\n"
    "Log notice file /var/log/tor/notices.log\n"
    "Log info-err file /var/log/tor/info.log\n"
    "Log notice stdout\n"
    "Log warn syslog\n"
    "SocksPort 9050\n"
    "ControlPort 9051\n"
    "CookieAuthentication 1\n"
    "HashedControlPassword 16:00\n"
    "DirAuthority test000a orport=5000 no-v2 v3ident=AB 127.0.0.1:7000 CD\n"
    "TestingTorNetwork 1\n"
    "ContactInfo \"ops # team\"\n"
    "HiddenServiceDir /var/lib/tor/web\n"
    "HiddenServicePort 80 127.0.0.1:8080\n"
    "HiddenServiceDir /var/lib/tor/bulk\n"
    "HiddenServiceNumWorkers 3\n"
    "HiddenServiceBulkSource 9000 Pattern=sequence\n"
    "HiddenServiceBulkSink 9001\n"
    "HiddenServiceNumIntroductionPoints 5\n"
    "HiddenServiceSingleHopMode 0\n";

UNITTEST(hs_workers, torrc_of_a_worker)
{
  config_line_t *merged = lines_of(parent_torrc);
  char *text = hs_worker_torrc(merged, 1, "/var/lib/tor/onion-workers/abc-2",
                               "/var/lib/tor/onion-workers/abc-2/hs", 4242);
  UT_ASSERT(text);
  if (text)
    UT_EQ_STR(text,
              "DataDirectory /var/lib/tor/onion-workers/abc-2\n"
              "Log notice stdout\n"
              "Log notice file /var/lib/tor/onion-workers/abc-2/notices.log\n"
              "Log info-err file /var/lib/tor/onion-workers/abc-2/info.log\n"
              "SocksPort 0\n"
              "__OwningControllerProcess 4242\n"
              "DirAuthority test000a orport=5000 no-v2 v3ident=AB 127.0.0.1:7000 CD\n"
              "TestingTorNetwork 1\n"
              "ContactInfo \"ops # team\"\n"
              "HiddenServiceSingleHopMode 0\n"
              "HiddenServiceDir /var/lib/tor/onion-workers/abc-2/hs\n"
              "HiddenServiceOnionBalanceInstance 1\n"
              "HiddenServiceBulkSource 9000 Pattern=sequence\n"
              "HiddenServiceBulkSink 9001\n"
              "HiddenServiceNumIntroductionPoints 5\n");
  free(text);
  /* The first service, and one that is not there. */
  text = hs_worker_torrc(merged, 0, "/d", "/d/hs", 1);
  UT_ASSERT(text && strstr(text, "HiddenServiceDir /d/hs\nHiddenServiceOnionBalanceInstance 1\n"
                                 "HiddenServicePort 80 127.0.0.1:8080\n"));
  UT_ASSERT(text && !strstr(text, "Bulk"));
  free(text);
  UT_ASSERT(hs_worker_torrc(merged, 2, "/d", "/d/hs", 1) == NULL);
  config_lines_free(merged);
}

UNITTEST(hs_workers, torrc_reads_back)
{
  /* What the worker reads is what was meant: its own lexer agrees. */
  config_line_t *merged = lines_of(parent_torrc);
  char *text = hs_worker_torrc(merged, 1, "/w", "/w/hs", 7);
  config_line_t *back = text ? lines_of(text) : NULL;
  int seen_contact = 0, n = 0;
  for (const config_line_t *l = back; l; l = l->next, n++)
    if (!strcmp(l->key, "ContactInfo")) {
      UT_EQ_STR(l->value, "ops # team");
      seen_contact = 1;
    }
  UT_ASSERT(seen_contact);
  UT_EQ_INT(n, 15);
  config_lines_free(back);
  config_lines_free(merged);
  free(text);
}

UNITTEST(hs_workers, log_lines)
{
  hs_worker_line_t l;
  const char *s;
  s = "Dec 04 20:03:06.000 [warn] Onion service foo: intro point 3 failed";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_PROBLEM);
  UT_EQ_INT(l.is_err, 0);
  UT_ASSERT(l.message_len == strlen("Onion service foo: intro point 3 failed") &&
            !memcmp(l.message, "Onion service foo", 17));
  s = "Dec 04 20:03:06.000 [err] Reading config failed--see warnings above.\n";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_PROBLEM);
  UT_EQ_INT(l.is_err, 1);
  UT_EQ_INT((int)l.message_len, (int)strlen("Reading config failed--see warnings above."));
  s = "Dec 04 20:03:06.123 [notice] Bootstrapped 100% (done): Done";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_BOOTSTRAP);
  UT_EQ_INT(l.percent, 100);
  s = "Dec 04 20:03:06.123 [notice] Bootstrapped 5% (conn): Connecting to a relay";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_BOOTSTRAP);
  UT_EQ_INT(l.percent, 5);
  s = "Dec 04 20:03:06.123 [notice] Bootstrapped 500% (x): y";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_OTHER);
  s = "Dec 04 20:03:06.123 [notice] Heartbeat: Tor's uptime is 1 day 2:03 hours, with 17 "
      "circuits open.";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_CIRCUITS);
  UT_EQ_INT((int)l.circuits, 17);
  s = "Dec 04 20:03:06.123 [notice] Dumping stats: uptime 0:05 hours, 9 circuits.";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_CIRCUITS);
  UT_EQ_INT((int)l.circuits, 9);
  s = "Dec 04 20:03:06.123 [notice] Onion service "
      "5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwfmxqd.onion: 12 stream(s) served, "
      "18446744073709551615 bytes sent, 40 bytes received.";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_SERVICE);
  UT_EQ_INT((int)l.streams, 12);
  UT_ASSERT(l.bytes_sent == UINT64_MAX);
  UT_EQ_INT((int)l.bytes_received, 40);
  /* Numbers that overflow, lines cut short, not log lines at all. */
  s = "Dec 04 20:03:06.123 [notice] Onion service x.onion: 1 stream(s) served, "
      "99999999999999999999 bytes sent, 40 bytes received.";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_OTHER);
  s = "Dec 04 20:03:06.123 [notice] Heartbeat: Tor's uptime is 0:00 hours, with ";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_OTHER);
  s = "Dec 04 20:03:06.123 [warn]";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_OTHER);
  UT_ASSERT(l.message == NULL);
  s = "==1234==ERROR: AddressSanitizer: heap-use-after-free";
  hs_worker_line_parse(s, strlen(s), &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_OTHER);
  UT_ASSERT(l.message == NULL);
  hs_worker_line_parse("", 0, &l);
  UT_EQ_INT(l.kind, HS_WORKER_LINE_OTHER);
}

static int
parse(const char *text, hs_service_config_t *svcs, char *err, size_t errlen)
{
  config_line_t *lines = lines_of(text);
  int n = hs_config_parse(lines, svcs, HS_CONFIG_MAX_SERVICES, err, errlen);
  config_lines_free(lines);
  return n;
}

UNITTEST(hs_workers, num_workers_option)
{
  static hs_service_config_t s[HS_CONFIG_MAX_SERVICES];
  char err[512];
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServicePort 80\n", s, err, sizeof(err)), 1);
  UT_EQ_INT(s[0].num_workers, 1);
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServiceNumWorkers 4\nHiddenServicePort 80\n", s,
                  err, sizeof(err)), 1);
  UT_EQ_INT(s[0].num_workers, 4);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServiceNumWorkers auto\nHiddenServicePort 80\n",
                  s, err, sizeof(err)), 1);
  UT_EQ_INT(s[0].num_workers, cores < 1 ? 1 : cores > 16 ? 16 : (int)cores);
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServiceNumWorkers 0\nHiddenServicePort 80\n", s,
                  err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "torrc:2") && strstr(err, "HiddenServiceNumWorkers"));
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServiceNumWorkers 17\nHiddenServicePort 80\n", s,
                  err, sizeof(err)), -1);
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServiceNumWorkers many\nHiddenServicePort 80\n",
                  s, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "or auto"));
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServiceNumWorkers 2\n"
                  "HiddenServiceOnionBalanceFrontend 1\n"
                  "HiddenServiceOnionBalanceBackend "
                  "5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwfmxqd.onion\n",
                  s, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "/a") && strstr(err, "cannot also be"));
  /* Workers still need ports to serve. */
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServiceNumWorkers 2\n", s, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "no ports"));
}
