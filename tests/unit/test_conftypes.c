/* Option value types, against tor(1)'s documented units. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "lib/conf/conftypes.h"
#include "lib/conf/portspec.h"

#include <string.h>

UNITTEST(conftypes, intervals)
{
  char err[256];
  int v;
  UT_EQ_INT(conf_parse_interval("30 seconds", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 30);
  UT_EQ_INT(conf_parse_interval("2 hours", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 7200);
  UT_EQ_INT(conf_parse_interval("1 week", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 604800);
  UT_EQ_INT(conf_parse_interval("90", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 90);
  UT_EQ_INT(conf_parse_interval("5 MINUTES", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 300);
  UT_EQ_INT(conf_parse_interval("3 days", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 259200);
  UT_EQ_INT(conf_parse_interval("3 fortnights", &v, err, sizeof(err)), -1);
  UT_EQ_INT(conf_parse_interval("-3", &v, err, sizeof(err)), -1);
  UT_EQ_INT(conf_parse_interval("", &v, err, sizeof(err)), -1);
}

UNITTEST(conftypes, msec_intervals)
{
  char err[256];
  int v;
  UT_EQ_INT(conf_parse_msec_interval("1 second", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 1000);
  UT_EQ_INT(conf_parse_msec_interval("500 msec", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 500);
  UT_EQ_INT(conf_parse_msec_interval("1", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 1);
}

UNITTEST(conftypes, memunits)
{
  char err[256];
  uint64_t v;
  UT_EQ_INT(conf_parse_memunit("1 GB", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 1073741824);
  UT_EQ_INT(conf_parse_memunit("500 KBytes", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 512000);
  UT_EQ_INT(conf_parse_memunit("8 mbits", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 1048576);
  UT_EQ_INT(conf_parse_memunit("10 MB", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 10485760);
  UT_EQ_INT(conf_parse_memunit("1.5 KB", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 1536);
  UT_EQ_INT(conf_parse_memunit("0", &v, err, sizeof(err)), 0); UT_EQ_INT(v, 0);
  UT_EQ_INT(conf_parse_memunit("12 parsecs", &v, err, sizeof(err)), -1);
  UT_EQ_INT(conf_parse_memunit("99999999999 TB", &v, err, sizeof(err)), -1);
}

UNITTEST(conftypes, booleans_and_ints)
{
  char err[256];
  int b;
  long long i;
  UT_EQ_INT(conf_parse_bool("1", &b, err, sizeof(err)), 0); UT_EQ_INT(b, 1);
  UT_EQ_INT(conf_parse_bool("0", &b, err, sizeof(err)), 0); UT_EQ_INT(b, 0);
  UT_EQ_INT(conf_parse_bool("yes", &b, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "expected 0 or 1") != NULL);
  UT_EQ_INT(conf_parse_autobool("auto", &b, err, sizeof(err)), 0); UT_EQ_INT(b, -1);
  UT_EQ_INT(conf_parse_int("42", 0, 100, &i, err, sizeof(err)), 0); UT_EQ_INT(i, 42);
  UT_EQ_INT(conf_parse_int("101", 0, 100, &i, err, sizeof(err)), -1);
  UT_EQ_INT(conf_parse_int("4x", 0, 100, &i, err, sizeof(err)), -1);
}

static void
parse_socks(const char *value, port_spec_t *spec, int want_rv)
{
  char err[256];
  int rv = port_spec_parse("SocksPort", value, "127.0.0.1", PORTFLAGS_SOCKS_ALLOWED,
                           PORTFLAGS_SOCKS_DEFAULT, spec, err, sizeof(err));
  if (rv != want_rv)
    unittest_fail(__FILE__, __LINE__, "SocksPort '%s': rv %d (%s)", value, rv, err);
}

UNITTEST(conftypes, socks_ports)
{
  port_spec_t s;
  parse_socks("9050", &s, 0);
  UT_EQ_STR(s.address, "127.0.0.1");
  UT_EQ_INT(s.port, 9050);
  UT_ASSERT(s.flags & PORTFLAG_ISOLATE_SOCKS_AUTH);
  parse_socks("auto", &s, 0);
  UT_EQ_INT(s.port, PORTSPEC_AUTO);
  parse_socks("0", &s, 0);
  UT_EQ_INT(s.port, 0);
  parse_socks("0.0.0.0:9150 NoIsolateSOCKSAuth IsolateDestAddr SessionGroup=7", &s, 0);
  UT_EQ_STR(s.address, "0.0.0.0");
  UT_EQ_INT(s.port, 9150);
  UT_ASSERT(!(s.flags & PORTFLAG_ISOLATE_SOCKS_AUTH));
  UT_EQ_INT(s.session_group, 7);
  parse_socks("[::1]:9050", &s, 0);
  UT_EQ_STR(s.address, "::1");
  parse_socks("unix:/run/tor/socks OnionTrafficOnly", &s, 0);
  UT_EQ_STR(s.unix_path, "/run/tor/socks");
  UT_ASSERT(!(s.flags & PORTFLAG_IPV4_TRAFFIC));
  parse_socks("70000", &s, -1);
  parse_socks("127.0.0.1:65536", &s, -1);
  parse_socks("9050 Bogus", &s, -1);
  parse_socks("300.1.1.1:9050", &s, -1);
  parse_socks("unix:relative", &s, -1);
}
