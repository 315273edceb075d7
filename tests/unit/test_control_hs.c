/* Tests for HSFETCH/HSPOST argument handling (feature/control/
 * control_hs_cmds) and SERVER= parsing (feature/hs/hs_dirop). Expected
 * reply lines are real tor 0.4.9.11's, copied from
 * tests/vectors/control/real_tor (hsfetch_bad.txt,
 * hsfetch_with_onion_suffix.txt, hspost_bad_hsaddress.txt) or, where no
 * capture exists, the texts of tor's argument parser (control-spec 2.4
 * LongName for servers). The onion address is hs0's from hsfetch.txt;
 * the relay fingerprints are auth0's and relay0's from the same run. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "feature/control/control_hs_cmds.h"
#include "feature/hs/hs_dirop.h"
#include "feature/nodelist/nodelist.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HS0 "5nbqoavi2fetmiwyc7alo3lecsdt6wz3exe4kig5pi4i74m6iicdkiyd"
#define AUTH0 "D0F25F84F8F18FBEA91FEB11F6EC10CDDB5DB78E"
#define RELAY0 "59C9FC96364DACC56ACBB99270E8CBEA6E09825D"

static const uint8_t auth0_id[20] = {
  0xD0, 0xF2, 0x5F, 0x84, 0xF8, 0xF1, 0x8F, 0xBE, 0xA9, 0x1F,
  0xEB, 0x11, 0xF6, 0xEC, 0x10, 0xCD, 0xDB, 0x5D, 0xB7, 0x8E };
static const uint8_t relay0_id[20] = {
  0x59, 0xC9, 0xFC, 0x96, 0x36, 0x4D, 0xAC, 0xC5, 0x6A, 0xCB,
  0xB9, 0x92, 0x70, 0xE8, 0xCB, 0xEA, 0x6E, 0x09, 0x82, 0x5D };

static int
server(const char *s, uint8_t id[20], char nick[20])
{
  return control_hs_parse_server(s, strlen(s), id, nick);
}

UNITTEST(control_hs, parse_server)
{
  uint8_t id[20];
  char nick[20];
  UT_EQ_INT(server("$" AUTH0, id, nick), 0);
  UT_ASSERT(!memcmp(id, auth0_id, 20));
  UT_EQ_STR(nick, "");
  UT_EQ_INT(server(AUTH0, id, nick), 0);
  UT_ASSERT(!memcmp(id, auth0_id, 20));
  UT_EQ_INT(server("$" RELAY0 "~relay0", id, nick), 0);
  UT_ASSERT(!memcmp(id, relay0_id, 20));
  UT_EQ_STR(nick, "relay0");
  /* lower-case hex is hex too */
  UT_EQ_INT(server("$d0f25f84f8f18fbea91feb11f6ec10cddb5db78e", id, nick), 0);
  UT_ASSERT(!memcmp(id, auth0_id, 20));
  /* Named relays ("=") no longer exist; nicknames alone are no LongName */
  UT_EQ_INT(server("$" AUTH0 "=auth0", id, nick), -1);
  UT_EQ_INT(server("auth0", id, nick), -1);
  UT_EQ_INT(server("nosuch", id, nick), -1);
  UT_EQ_INT(server("", id, nick), -1);
  UT_EQ_INT(server("$", id, nick), -1);
  UT_EQ_INT(server("$D0F25F84F8F18FBEA91FEB11F6EC10CDDB5DB78", id, nick), -1); /* 39 */
  UT_EQ_INT(server("$" AUTH0 "0", id, nick), -1);
  UT_EQ_INT(server("$" AUTH0 "~", id, nick), -1);
  UT_EQ_INT(server("$" AUTH0 "~abcdefghijklmnopqrst", id, nick), -1); /* 20 chars */
  UT_EQ_INT(server("$" AUTH0 "~abcdefghijklmnopqrs", id, nick), 0);   /* 19 */
  UT_EQ_INT(server("$" AUTH0 "~bad-nick", id, nick), -1);
  UT_EQ_INT(server("$Z0F25F84F8F18FBEA91FEB11F6EC10CDDB5DB78E", id, nick), -1);
  /* the length is what counts, not a NUL */
  UT_EQ_INT(control_hs_parse_server("$" AUTH0 "~auth0", 41, id, nick), 0);
  UT_EQ_STR(nick, "");
  UT_EQ_INT(control_hs_parse_server(NULL, 0, id, nick), -1);
}

/* A node list holding auth0 and relay0 (sorted by identity). */
static node_t test_nodes[2];
static nodelist_t test_nl;

static const nodelist_t *
nodes(void);

/* The callback the daemon uses, over test_nl. */
static int
known(const uint8_t id[20], const char *nick, void *arg)
{
  const node_t *n = nodelist_find(arg, id);
  return n && (!nick[0] || !strcasecmp(nick, n->nickname));
}

static const nodelist_t *
nodes(void)
{
  memset(test_nodes, 0, sizeof(test_nodes));
  memcpy(test_nodes[0].rsa_id, relay0_id, 20);
  snprintf(test_nodes[0].nickname, sizeof(test_nodes[0].nickname), "relay0");
  memcpy(test_nodes[1].rsa_id, auth0_id, 20);
  snprintf(test_nodes[1].nickname, sizeof(test_nodes[1].nickname), "auth0");
  memset(&test_nl, 0, sizeof(test_nl));
  test_nl.nodes = test_nodes;
  test_nl.n_nodes = 2;
  return &test_nl;
}

static const char *
fetch_err(const char *args)
{
  static char err[512];
  control_hs_args_t a;
  err[0] = '\0';
  if (control_hs_parse_args(args, strlen(args), 0, known, (void *)nodes(), &a, err, sizeof(err)) == 0)
    return "ok";
  return err;
}

static const char *
post_err(const char *args)
{
  static char err[512];
  control_hs_args_t a;
  err[0] = '\0';
  if (control_hs_parse_args(args, strlen(args), 1, known, (void *)nodes(), &a, err, sizeof(err)) == 0)
    return "ok";
  return err;
}

UNITTEST(control_hs, hsfetch_errors_as_real_tor)
{
  /* hsfetch_bad.txt */
  UT_EQ_STR(fetch_err("nosuchaddress"), "513 Invalid argument \"nosuchaddress\"");
  UT_EQ_STR(fetch_err(""), "512 Bad arguments to HSFETCH: Need at least 1 argument(s)");
  UT_EQ_STR(fetch_err(HS0 " SERVER=nosuch"), "552 Server \"nosuch\" not found");
  /* hsfetch_with_onion_suffix.txt */
  UT_EQ_STR(fetch_err(HS0 ".onion"), "513 Invalid argument \"" HS0 ".onion\"");
  /* v2 descriptor ids are gone from tor 0.4.9: not an address */
  UT_EQ_STR(fetch_err("v2-gezdgnbvgy3tqolbmjrwizlgm5ugs2tl SERVER=" AUTH0),
            "513 Invalid argument \"v2-gezdgnbvgy3tqolbmjrwizlgm5ugs2tl\"");
  /* a wrong checksum (last character changed) */
  UT_EQ_STR(fetch_err("5nbqoavi2fetmiwyc7alo3lecsdt6wz3exe4kig5pi4i74m6iicdkiya"),
            "513 Invalid argument \"5nbqoavi2fetmiwyc7alo3lecsdt6wz3exe4kig5pi4i74m6iicdkiya\"");
  /* tor's argument parser: keywords only after the address */
  UT_EQ_STR(fetch_err(HS0 " extra"),
            "512 Bad arguments to HSFETCH: Cannot parse keyword argument(s)");
  UT_EQ_STR(fetch_err(HS0 " FOO=1"),
            "512 Bad arguments to HSFETCH: Unrecognized keyword argument \"FOO\"");
  /* syntax is checked before the address */
  UT_EQ_STR(fetch_err("nosuch FOO=1"),
            "512 Bad arguments to HSFETCH: Unrecognized keyword argument \"FOO\"");
  /* an unknown relay, a nickname that is not the relay's */
  UT_EQ_STR(fetch_err(HS0 " SERVER=$0000000000000000000000000000000000000000"),
            "552 Server \"$0000000000000000000000000000000000000000\" not found");
  UT_EQ_STR(fetch_err(HS0 " SERVER=$" AUTH0 "~relay0"),
            "552 Server \"$" AUTH0 "~relay0\" not found");
  UT_EQ_STR(fetch_err(HS0 " SERVER=" AUTH0 " SERVER=nosuch"), "552 Server \"nosuch\" not found");
  /* a quoted address with a NUL inside is no address */
  UT_EQ_STR(fetch_err("\"" HS0 "\\0x\""), "513 Invalid argument \"" HS0 "\"");
  /* '=' makes it a keyword for our parser; tor takes it as the address */
  UT_EQ_STR(fetch_err("SERVER=x"), "513 Invalid argument \"SERVER=x\"");
}

UNITTEST(control_hs, hsfetch_ok)
{
  control_hs_args_t a;
  char err[256];
  const char *line = HS0 " SERVER=$" AUTH0 "~auth0 server=" RELAY0;
  UT_EQ_INT(control_hs_parse_args(line, strlen(line), 0, known, (void *)nodes(), &a, err, sizeof(err)), 0);
  UT_EQ_STR(a.addr, HS0);
  UT_EQ_INT(a.n_servers, 2);
  UT_ASSERT(!memcmp(a.servers[0], auth0_id, 20));
  UT_ASSERT(!memcmp(a.servers[1], relay0_id, 20));
  UT_EQ_INT(control_hs_parse_args(HS0, strlen(HS0), 0, known, (void *)nodes(), &a, err, sizeof(err)), 0);
  UT_EQ_INT(a.n_servers, 0);
  /* with no node list, no server is known */
  line = HS0 " SERVER=" AUTH0;
  UT_EQ_INT(control_hs_parse_args(line, strlen(line), 0, NULL, NULL, &a, err, sizeof(err)), -1);
  UT_EQ_STR(err, "552 Server \"" AUTH0 "\" not found");
}

UNITTEST(control_hs, hspost_args)
{
  /* hspost_bad_hsaddress.txt */
  UT_EQ_STR(post_err("HSADDRESS=nosuch"), "512 Malformed onion address");
  UT_EQ_STR(post_err("HSADDRESS=" HS0 ".onion"), "512 Malformed onion address");
  UT_EQ_STR(post_err("SERVER=nosuch HSADDRESS=" HS0), "552 Server \"nosuch\" not found");
  /* in order: the bad address comes first here */
  UT_EQ_STR(post_err("HSADDRESS=nosuch SERVER=nosuch"), "512 Malformed onion address");
  UT_EQ_STR(post_err("foo"), "512 Bad arguments to HSPOST: Cannot parse keyword argument(s)");
  UT_EQ_STR(post_err("FOO=bar"),
            "512 Bad arguments to HSPOST: Unrecognized keyword argument \"FOO\"");
  UT_EQ_STR(post_err(""), "ok");
  control_hs_args_t a;
  char err[256];
  const char *line = "SERVER=" AUTH0 " HSADDRESS=" HS0 " SERVER=$" RELAY0 "~relay0";
  UT_EQ_INT(control_hs_parse_args(line, strlen(line), 1, known, (void *)nodes(), &a, err, sizeof(err)), 0);
  UT_EQ_STR(a.addr, HS0);
  UT_EQ_INT(a.n_servers, 2);
  UT_ASSERT(!memcmp(a.servers[0], auth0_id, 20));
  UT_ASSERT(!memcmp(a.servers[1], relay0_id, 20));
  UT_EQ_INT(control_hs_parse_args("", 0, 1, known, (void *)nodes(), &a, err, sizeof(err)), 0);
  UT_EQ_STR(a.addr, "");
}

UNITTEST(control_hs, cache_empty)
{
  UT_ASSERT(hs_dirop_cached(HS0) == NULL);
  UT_ASSERT(hs_dirop_cached(NULL) == NULL);
}
