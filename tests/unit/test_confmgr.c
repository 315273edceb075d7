/* Option merging and assignment with the daemon's own table, against the
 * rules tor(1) documents for torrc, torrc-defaults and the command line. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "app/config/config.h"
#include "feature/nodelist/dirauth_line.h"
#include "feature/nodelist/dir_servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static config_line_t *
lex(const char *text, const char *name)
{
  config_line_t *lines = NULL;
  char err[512];
  if (config_lines_parse(text, strlen(text), name, &lines, err, sizeof(err)) < 0)
    unittest_fail(__FILE__, __LINE__, "lexer error: %s", err);
  return lines;
}

/* Loads defaults + torrc + command line into options; returns NULL and
 * fills err on failure. */
static or_options_t *
load(const char *defaults, const char *torrc, const char *cmdline, char *err, size_t errlen)
{
  config_line_t *d = lex(defaults, "defaults"), *t = lex(torrc, "torrc"),
                *c = lex(cmdline, "command line"), *merged = NULL;
  const config_line_t *sources[3] = { d, t, c };
  or_options_t *o = NULL;
  if (config_merge_sources(&options_format, sources, 3, &merged, err, errlen) == 0) {
    o = config_new(&options_format, err, errlen);
    if (o && (config_assign(&options_format, o, merged, err, errlen) < 0 ||
              options_validate(o, err, errlen) < 0)) {
      options_free(o);
      o = NULL;
    }
  }
  config_lines_free(d);
  config_lines_free(t);
  config_lines_free(c);
  config_lines_free(merged);
  return o;
}

static int
count_lines(const config_line_t *l)
{
  int n = 0;
  for (; l; l = l->next)
    n++;
  return n;
}

UNITTEST(confmgr, defaults_from_table)
{
  char err[512];
  or_options_t *o = load("", "", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(o->ShutdownWaitLength, 30);
  UT_EQ_INT(o->LogTimeGranularity, 1000);
  UT_EQ_INT(o->HeartbeatPeriod, 6 * 3600);
  UT_EQ_STR(o->SafeLogging, "1");
  UT_EQ_INT(count_lines(o->SocksPorts), 1);
  UT_EQ_STR(o->SocksPorts->value, "9050");
  UT_EQ_INT(o->ExitRelay, -1);
  options_free(o);
}

UNITTEST(confmgr, later_source_replaces_list_unless_plus)
{
  char err[512];
  or_options_t *o = load("SocksPort 1111\nSocksPort 1112\n", "SocksPort 2222\n", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(count_lines(o->SocksPorts), 1);
  UT_EQ_STR(o->SocksPorts->value, "2222");
  options_free(o);

  o = load("SocksPort 1111\n", "+SocksPort 2222\nSocksPort 2223\n", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(count_lines(o->SocksPorts), 3);
  UT_EQ_STR(o->SocksPorts->value, "1111");
  UT_EQ_STR(o->SocksPorts->next->next->value, "2223");
  options_free(o);

  o = load("SocksPort 1111\n", "/SocksPort\n", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(count_lines(o->SocksPorts), 0);
  options_free(o);
}

UNITTEST(confmgr, command_line_overrides_torrc)
{
  char err[512];
  or_options_t *o = load("", "ShutdownWaitLength 10\nSocksPort 2222\n",
                         "shutdownwaitlength 5\nSOCKSPORT 3333\n", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(o->ShutdownWaitLength, 5);
  UT_EQ_INT(count_lines(o->SocksPorts), 1);
  UT_EQ_STR(o->SocksPorts->value, "3333");
  options_free(o);
}

UNITTEST(confmgr, single_value_last_wins_and_empty_clears)
{
  char err[512];
  or_options_t *o = load("", "HeartbeatPeriod 1 hour\nHeartbeatPeriod 2 hours\n", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(o->HeartbeatPeriod, 7200);
  options_free(o);
  /* As real tor 0.4.9: a single-valued option with no value is cleared
   * (--dump-config shows "ShutdownWaitLength 0"), an empty list line is
   * skipped. */
  o = load("", "ShutdownWaitLength 3\nShutdownWaitLength\nSocksPort\n", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(o->ShutdownWaitLength, 0);
  UT_ASSERT(o->SocksPorts != NULL);
  UT_EQ_STR(o->SocksPorts->value, "9050");
  options_free(o);
}

UNITTEST(confmgr, unknown_option_fails_with_tor_wording)
{
  char err[512];
  or_options_t *o = load("", "SocksPort 9050\nFoo bar\n", "", err, sizeof(err));
  UT_ASSERT(o == NULL);
  UT_ASSERT(strstr(err, "Unknown option 'Foo'.  Failing.") != NULL);
  UT_ASSERT(strstr(err, "torrc:2") != NULL);
}

UNITTEST(confmgr, bad_values_name_option_value_and_place)
{
  char err[512];
  UT_ASSERT(load("", "\nSocksPort 70000\n", "", err, sizeof(err)) == NULL);
  UT_ASSERT(strstr(err, "torrc:2") && strstr(err, "SocksPort") && strstr(err, "70000"));
  UT_ASSERT(load("", "Log verbose stdout\n", "", err, sizeof(err)) == NULL);
  UT_ASSERT(strstr(err, "torrc:1") && strstr(err, "Log") && strstr(err, "verbose"));
  UT_ASSERT(load("", "RunAsDaemon yes\n", "", err, sizeof(err)) == NULL);
  UT_ASSERT(strstr(err, "RunAsDaemon") && strstr(err, "expected 0 or 1"));
  UT_ASSERT(load("", "SafeLogging maybe\n", "", err, sizeof(err)) == NULL);
  UT_ASSERT(load("", "Nickname has-dash\n", "", err, sizeof(err)) == NULL);
}

UNITTEST(confmgr, hidden_service_group_keeps_order)
{
  char err[512];
  or_options_t *o = load("", "HiddenServiceDir /var/lib/tor/a\nHiddenServicePort 80 127.0.0.1:8080\n"
                         "HiddenServiceVersion 3\nSocksPort 0\n"
                         "HiddenServiceDir /var/lib/tor/b\nHiddenServicePort 22\n", "",
                         err, sizeof(err));
  UT_ASSERT(o);
  const char *want[] = { "HiddenServiceDir", "HiddenServicePort", "HiddenServiceVersion",
                         "HiddenServiceDir", "HiddenServicePort" };
  const config_line_t *l = o->HiddenServiceOptions;
  for (int i = 0; i < 5; i++, l = l->next) {
    UT_ASSERT(l);
    UT_EQ_STR(l->key, want[i]);
  }
  UT_ASSERT(l == NULL);
  options_free(o);

  UT_ASSERT(load("", "HiddenServicePort 80\n", "", err, sizeof(err)) == NULL);
  UT_ASSERT(strstr(err, "with no preceding HiddenServiceDir directive"));
  UT_ASSERT(load("", "HiddenServiceDir /x\nHiddenServicePort 80\nHiddenServiceVersion 2\n", "",
                 err, sizeof(err)) == NULL);
  UT_ASSERT(load("", "HiddenServiceDir /x\nHiddenServicePort 99999\n", "", err, sizeof(err)) == NULL);
}

UNITTEST(confmgr, testing_network_needs_dirauthority)
{
  char err[512];
  UT_ASSERT(load("", "TestingTorNetwork 1\n", "", err, sizeof(err)) == NULL);
  or_options_t *o = load("", "TestingTorNetwork 1\nDirAuthority test000a orport=5000 no-v2 "
                         "v3ident=0123456789ABCDEF0123456789ABCDEF01234567 127.0.0.1:7000 "
                         "FFCB46DB1339DA84674C70D7CB586434C4370441\n", "", err, sizeof(err));
  UT_ASSERT(o);
  options_free(o);
}

/* What real tor 0.4.9.11 says to the same torrc files (tor --verify-config). */
UNITTEST(confmgr, testing_network_alternate_authorities)
{
  char err[512];
  const char *auth = "test000a orport=5000 v3ident=0123456789ABCDEF0123456789ABCDEF01234567 "
                     "127.0.0.1:7000 FFCB46DB1339DA84674C70D7CB586434C4370441\n";
  char torrc[1024];
  snprintf(torrc, sizeof(torrc), "TestingTorNetwork 1\nAlternateDirAuthority %s", auth);
  UT_ASSERT(load("", torrc, "", err, sizeof(err)) == NULL);
  UT_ASSERT(strstr(err, "both of AlternateDirAuthority and AlternateBridgeAuthority"));
  snprintf(torrc, sizeof(torrc), "TestingTorNetwork 1\nAlternateDirAuthority %s"
           "AlternateBridgeAuthority %s", auth, auth);
  or_options_t *o = load("", torrc, "", err, sizeof(err));
  UT_ASSERT(o);
  options_free(o);
  snprintf(torrc, sizeof(torrc), "DirAuthority %sAlternateBridgeAuthority %s", auth, auth);
  UT_ASSERT(load("", torrc, "", err, sizeof(err)) == NULL);
  UT_EQ_STR(err, "You cannot set both DirAuthority and Alternate*Authority.");
}

UNITTEST(confmgr, empty_torrc_uses_default_dir_servers)
{
  char err[512];
  dir_servers_t ds;
  or_options_t *o = load("", "", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(o->UseDefaultFallbackDirs, 1);
  UT_ASSERT(o->DirAuthorityFallbackRate == 0.1);
  UT_EQ_INT(options_dir_servers(o, &ds, err, sizeof(err)), 0);
  UT_ASSERT(ds.default_dir_authorities && ds.default_fallbacks);
  UT_EQ_INT(ds.n_authorities, 10);
  UT_EQ_STR(ds.authorities[0].nickname, "moria1");
  UT_EQ_INT(ds.n_fallbacks, 200);
  dir_servers_clear(&ds);
  options_free(o);
  o = load("", "UseDefaultFallbackDirs 0\n", "", err, sizeof(err));
  UT_ASSERT(o);
  UT_EQ_INT(options_dir_servers(o, &ds, err, sizeof(err)), 0);
  UT_EQ_INT(ds.n_fallbacks, 0);
  dir_servers_clear(&ds);
  options_free(o);
  /* A bad FallbackDir line fails the load, naming the file and line. */
  UT_ASSERT(load("", "SocksPort 9050\nFallbackDir 1.2.3.4:80 orport=443 id=4F06\n", "",
                 err, sizeof(err)) == NULL);
  UT_EQ_STR(err, "torrc:2: Invalid value for FallbackDir '1.2.3.4:80 orport=443 id=4F06': "
            "Bad id '4F06' (40 hex digits expected)");
  UT_ASSERT(load("", "UseDefaultFallbackDirs 2\n", "", err, sizeof(err)) == NULL);
}

UNITTEST(confmgr, dirauthority_lines)
{
  dir_authority_t a;
  char err[256];
  /* tor's moria1 line, with the fingerprint in groups of four. */
  UT_EQ_INT(dir_authority_line_parse("moria1 orport=9201 v3ident=F533C81CEF0BC0267857C99B2F471ADF249FA232 "
                                     "128.31.0.39:9231 1A25 C605 2BF2 4AB4 4E70 B2E6 DE18 0FF2 EF3F 5FF6",
                                     &a, err, sizeof(err)), 0);
  UT_EQ_STR(a.nickname, "moria1");
  UT_EQ_STR(a.address, "128.31.0.39");
  UT_EQ_INT(a.dir_port, 9231);
  UT_EQ_INT(a.or_port, 9201);
  UT_EQ_HEX(a.rsa_id_digest, 20, "1a25c6052bf24ab44e70b2e6de180ff2ef3f5ff6");
  UT_EQ_HEX(a.v3_identity_digest, 20, "f533c81cef0bc0267857c99b2f471adf249fa232");
  UT_EQ_INT(dir_authority_line_parse("x 127.0.0.1:7000 ABCD", &a, err, sizeof(err)), -1);
  UT_EQ_INT(dir_authority_line_parse("x orport=99999 127.0.0.1:7000 "
                                     "FFCB46DB1339DA84674C70D7CB586434C4370441", &a, err, sizeof(err)), -1);
}
