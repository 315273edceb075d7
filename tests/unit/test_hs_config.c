/* Onion service ports from HiddenService* lines, including the bulk
 * source options the issue defines; values worked out by hand. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "feature/hs/hs_config.h"

#include <string.h>

static int
parse(const char *text, hs_service_config_t *svcs, char *err, size_t errlen)
{
  config_line_t *lines = NULL;
  char lerr[256];
  UT_EQ_INT(config_lines_parse(text, strlen(text), "torrc", &lines, lerr, sizeof(lerr)), 0);
  int n = hs_config_parse(lines, svcs, HS_CONFIG_MAX_SERVICES, err, errlen);
  config_lines_free(lines);
  return n;
}

UNITTEST(hs_config, ports_and_bulk_sources)
{
  static hs_service_config_t s[HS_CONFIG_MAX_SERVICES];
  char err[512];
  UT_EQ_INT(parse("HiddenServiceDir /var/lib/tor/bulk\n"
                  "HiddenServicePort 80 127.0.0.1:8080\n"
                  "HiddenServicePort 22\n"
                  "HiddenServicePort 81 unix:/run/web.sock\n"
                  "HiddenServiceBulkSource 9000\n"
                  "HiddenServiceBulkSource 9001 Pattern=sequence Bytes=1 GB Rate=10 MBytes\n"
                  "HiddenServiceBulkSink 9002\n"
                  "HiddenServiceDir /var/lib/tor/other\n"
                  "HiddenServicePort 443 [::1]:8443\n", s, err, sizeof(err)), 2);
  UT_EQ_STR(s[0].dir, "/var/lib/tor/bulk");
  UT_EQ_INT(s[0].n_ports, 6);
  const hs_port_config_t *p = hs_config_find_port(&s[0], 80);
  UT_ASSERT(p && p->kind == HS_PORT_TCP);
  UT_EQ_STR(p->target_address, "127.0.0.1");
  UT_EQ_INT(p->target_port, 8080);
  p = hs_config_find_port(&s[0], 22);
  UT_ASSERT(p && p->target_port == 22);
  p = hs_config_find_port(&s[0], 81);
  UT_ASSERT(p && p->kind == HS_PORT_UNIX);
  UT_EQ_STR(p->unix_path, "/run/web.sock");
  p = hs_config_find_port(&s[0], 9000);
  UT_ASSERT(p && p->kind == HS_PORT_BULK_SOURCE && p->pattern == HS_PATTERN_ZERO);
  UT_EQ_INT(p->bytes, 0);
  UT_EQ_INT(p->rate, 0);
  p = hs_config_find_port(&s[0], 9001);
  UT_ASSERT(p && p->pattern == HS_PATTERN_SEQUENCE);
  UT_EQ_INT(p->bytes, 1073741824);
  UT_EQ_INT(p->rate, 10485760);
  p = hs_config_find_port(&s[0], 9002);
  UT_ASSERT(p && p->kind == HS_PORT_BULK_SINK);
  p = hs_config_find_port(&s[1], 443);
  UT_ASSERT(p);
  UT_EQ_STR(p->target_address, "::1");
  UT_EQ_INT(p->target_port, 8443);
}

UNITTEST(hs_config, intro_points_and_stream_limits)
{
  static hs_service_config_t s[HS_CONFIG_MAX_SERVICES];
  char err[512];
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServicePort 80\n"
                  "HiddenServiceDir /b\nHiddenServicePort 80\nHiddenServiceNumIntroductionPoints 5\n"
                  "HiddenServiceMaxStreams 10\nHiddenServiceMaxStreamsCloseCircuit 1\n",
                  s, err, sizeof(err)), 2);
  UT_EQ_INT(s[0].num_intro_points, 3);
  UT_EQ_INT(s[0].max_streams, 0);
  UT_EQ_INT(s[1].num_intro_points, 5);
  UT_EQ_INT(s[1].max_streams, 10);
  UT_EQ_INT(s[1].max_streams_close_circuit, 1);
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServicePort 80\nHiddenServiceNumIntroductionPoints 0\n",
                  s, err, sizeof(err)), -1);
  UT_EQ_INT(parse("HiddenServiceDir /a\nHiddenServicePort 80\nHiddenServiceMaxStreams 70000\n",
                  s, err, sizeof(err)), -1);
}

UNITTEST(hs_config, errors_name_the_line)
{
  static hs_service_config_t s[HS_CONFIG_MAX_SERVICES];
  char err[512];
  UT_EQ_INT(parse("HiddenServiceDir /x\nHiddenServicePort 80\nHiddenServiceBulkSource 80\n",
                  s, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "torrc:3") && strstr(err, "already served"));
  UT_EQ_INT(parse("HiddenServiceDir /x\nHiddenServiceBulkSource 9000 Colour=red\n",
                  s, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "torrc:2") && strstr(err, "Colour"));
  UT_EQ_INT(parse("HiddenServiceDir /x\nHiddenServiceBulkSource 9000 Pattern=stripes\n",
                  s, err, sizeof(err)), -1);
  UT_EQ_INT(parse("HiddenServiceDir /x\nHiddenServiceBulkSource 9000 Bytes=lots\n",
                  s, err, sizeof(err)), -1);
  UT_EQ_INT(parse("HiddenServiceDir /x\nHiddenServiceBulkSink 9000 Pattern=zero\n",
                  s, err, sizeof(err)), -1);
  UT_EQ_INT(parse("HiddenServiceDir /x\nHiddenServiceBulkSource 0\n", s, err, sizeof(err)), -1);
  UT_EQ_INT(parse("HiddenServiceBulkSource 9000\n", s, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "no preceding HiddenServiceDir"));
  UT_EQ_INT(parse("HiddenServiceDir /x\nHiddenServiceVersion 3\n", s, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "no ports"));
}
