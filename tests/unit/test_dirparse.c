/* Tests for feature/dirparse: the tokenizer on small inline documents,
 * time and number helpers (expected values from Python's calendar.timegm),
 * protocol version lists (a real relay's "pr" line, tor's own refusal
 * messages). Real documents are tested in test_dirparse_docs.c. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "feature/dirparse/dirtoken.h"
#include "feature/dirparse/protover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokenizer */

UNITTEST(dirparse, token_basic)
{
  static const char doc[] =
    "alpha 1 two  3\n"
    "\n"
    "beta\n"
    "-----BEGIN THING-----\n"
    "AAEC\n"
    "Aw==\n"
    "-----END THING-----\n"
    "x-unknown \tq\n"
    "@note a\n";
  static const dir_token_rule_t rules[] = {
    { "alpha", 1, 1, 3, 1, 1, DIR_OBJ_NONE, NULL, DIR_AT_START },
    { "beta", 2, 0, 0, 0, 1, DIR_OBJ_REQUIRED, "THING", 0 },
  };
  char err[128];
  dir_tokens_t *t = dir_tokenize(doc, strlen(doc), rules, 2, err, sizeof(err));
  UT_ASSERT(t);
  UT_EQ_INT(t->n, 4);
  UT_EQ_INT(t->tok[0].id, 1);
  UT_EQ_INT(t->tok[0].n_args, 3);
  UT_EQ_STR(t->tok[0].args[1], "two");
  UT_EQ_STR(t->tok[0].args[2], "3");
  UT_EQ_INT(t->tok[0].start, 0);
  UT_EQ_INT(t->tok[0].line_end, 15);
  UT_EQ_INT(t->tok[1].id, 2);
  UT_EQ_INT(t->tok[1].start, 16);
  UT_EQ_INT(t->tok[1].line_end, 21);
  UT_EQ_INT(t->tok[1].end, 21 + 22 + 5 + 5 + 20);
  UT_EQ_INT(t->tok[1].line, 3);
  UT_EQ_STR(t->tok[1].object_type, "THING");
  UT_EQ_HEX(t->tok[1].object, t->tok[1].object_len, "00010203");
  UT_EQ_INT(t->tok[2].id, DIR_KW_UNKNOWN);
  UT_EQ_STR(t->tok[2].keyword, "x-unknown");
  UT_EQ_STR(t->tok[2].args[0], "q");
  UT_EQ_STR(t->tok[3].keyword, "@note");
  UT_EQ_INT(dir_tokens_check_section(t, 0, t->n, rules, 2, err, sizeof(err)),
            0);
  /* alpha must be at the start of its section. */
  UT_EQ_INT(dir_tokens_check_section(t, 1, t->n, rules, 2, err, sizeof(err)),
            -1);
  UT_EQ_INT(dir_tokens_find(t, 0, t->n, 2), 1);
  dir_tokens_free(t);
}

UNITTEST(dirparse, token_errors)
{
  static const dir_token_rule_t rules[] = {
    { "k", 1, 1, 1, 0, 1, DIR_OBJ_OPTIONAL, "X", 0 },
    { "n", 2, 0, DIR_ARGS_ANY, 0, 1, DIR_OBJ_NONE, NULL, DIR_AT_END },
  };
  static const char *const bad[] = {
    "k 1",                                   /* no final newline */
    "k\n",                                   /* too few arguments */
    "k 1 2\n",                               /* too many */
    "k 1\n-----BEGIN X-----\nAAAA\n",        /* no END */
    "k 1\n-----BEGIN X-----\nAAAA\n-----END Y-----\n",
    "k 1\n-----BEGIN Y-----\nAAAA\n-----END Y-----\n", /* wrong type */
    "k 1\n-----BEGIN X-----\nA*AA\n-----END X-----\n", /* bad base64 */
    "n\n-----BEGIN X-----\nAAAA\n-----END X-----\n",   /* object not allowed */
    "-----BEGIN X-----\n",                   /* object without keyword */
    "-k 1\n", "k\0 1\n", " k 1\n", "ke=y 1\n", "@\n",
  };
  static const size_t badlen[] = { 3, 2, 6, 27, 44, 44, 44, 42, 18, 5, 5, 5,
                                   7, 2 };
  char err[128];
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    dir_tokens_t *t = dir_tokenize(bad[i], badlen[i], rules, 2, err,
                                   sizeof(err));
    if (t)
      unittest_fail(__FILE__, __LINE__, "accepted bad document %zu", i);
  }
  /* Counts and at-end. */
  {
    static const char two[] = "k 1\nk 2\nn\n", notend[] = "n\nk 1\n";
    dir_tokens_t *t = dir_tokenize(two, strlen(two), rules, 2, err,
                                   sizeof(err));
    UT_ASSERT(t);
    UT_EQ_INT(dir_tokens_check_section(t, 0, t->n, rules, 2, err,
                                       sizeof(err)), -1);
    dir_tokens_free(t);
    t = dir_tokenize(notend, strlen(notend), rules, 2, err, sizeof(err));
    UT_ASSERT(t);
    UT_EQ_INT(dir_tokens_check_section(t, 0, t->n, rules, 2, err,
                                       sizeof(err)), -1);
    dir_tokens_free(t);
  }
}

UNITTEST(dirparse, time_and_numbers)
{
  /* Expected values from Python's calendar.timegm. */
  time_t t;
  char buf[20];
  long long v;
  UT_EQ_INT(dir_parse_time("2000-01-01", "00:00:00", &t), 0);
  UT_EQ_INT(t, 946684800);
  UT_EQ_INT(dir_parse_time("2024-02-29", "12:00:00", &t), 0);
  UT_EQ_INT(t, 1709208000);
  UT_EQ_INT(dir_parse_time("2100-03-01", "00:00:00", &t), 0);
  UT_EQ_INT((long long)t, 4107542400LL);
  UT_EQ_INT(dir_parse_time("2038-01-19", "03:14:08", &t), 0);
  UT_EQ_INT((long long)t, 2147483648LL);
  dir_format_time(buf, (time_t)1709208000);
  UT_EQ_STR(buf, "2024-02-29 12:00:00");
  UT_EQ_INT(dir_parse_time("2023-02-29", "00:00:00", &t), -1);
  UT_EQ_INT(dir_parse_time("2023-13-01", "00:00:00", &t), -1);
  UT_EQ_INT(dir_parse_time("2023-01-01", "24:00:00", &t), -1);
  UT_EQ_INT(dir_parse_time("2023-1-01", "00:00:00", &t), -1);
  UT_EQ_INT(dir_parse_time("2023-01-01", "0:00:000", &t), -1);
  UT_EQ_INT(dir_parse_int("-2147483648", INT32_MIN, INT32_MAX, &v), 0);
  UT_EQ_INT(v, INT32_MIN);
  UT_EQ_INT(dir_parse_int("2147483648", INT32_MIN, INT32_MAX, &v), -1);
  UT_EQ_INT(dir_parse_int("12x", 0, 100, &v), -1);
  UT_EQ_INT(dir_parse_int("", 0, 100, &v), -1);
  UT_EQ_INT(dir_parse_int(" 1", 0, 100, &v), -1);
}

/* ---- protocol versions */

UNITTEST(dirparse, protover_parse)
{
  /* A relay's "pr" line from the fixture consensus. */
  static const char pr[] = "Conflux=1 Cons=1-2 Desc=1-4 DirCache=2 "
    "FlowCtrl=1-2 HSDir=2 HSIntro=4-5 HSRend=1-2 Link=3-5 LinkAuth=3 "
    "Microdesc=1-3 Padding=2 Relay=2-6";
  char err[128], out[512];
  protover_set_t *s = protover_set_parse(pr, strlen(pr), err, sizeof(err));
  UT_ASSERT(s);
  UT_EQ_INT(s->n, 13);
  UT_ASSERT(protover_set_supports(s, "Link", 5));
  UT_ASSERT(!protover_set_supports(s, "Link", 6));
  UT_ASSERT(!protover_set_supports(s, "Link", 2));
  UT_ASSERT(protover_set_supports(s, "Relay", 4));
  UT_ASSERT(!protover_set_supports(s, "Nope", 1));
  UT_EQ_INT(protover_set_get(s, "Desc"), 0x1e);
  UT_ASSERT(protover_set_format(s, out, sizeof(out)) > 0);
  UT_EQ_STR(out, pr);
  UT_EQ_INT(protover_set_format(s, out, 10), -1);
  protover_set_free(s);

  /* Not canonical in, canonical out; duplicates merge. */
  s = protover_set_parse("Relay=6,2-4,5 Link=1,3 Link=2 Empty= X=0,63", 43,
                         err, sizeof(err));
  UT_ASSERT(s);
  UT_ASSERT(protover_set_format(s, out, sizeof(out)) > 0);
  UT_EQ_STR(out, "Link=1-3 Relay=2-6 X=0,63");
  protover_set_free(s);

  {
    static const char *const bad[] = {
      "Link=5-3", "Link=64", "=1", "Link=1,", "Link=,1", "Li*nk=1",
      "Link", "Link=1-", "Link=-1", "Link=a", "Link=1;2",
      "ThisProtocolNameIsFarTooLongToBeAccepted=1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
      if ((s = protover_set_parse(bad[i], strlen(bad[i]), err, sizeof(err))))
        unittest_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
  }
}

UNITTEST(dirparse, protover_missing)
{
  /* The README's required-client-protocols of tor 0.4.9.11. */
  static const char req[] =
    "Cons=2 Desc=2 FlowCtrl=1 Link=4 Microdesc=2 Relay=2";
  char err[128], out[512], msg[1024];
  protover_set_t *r = protover_set_parse(req, strlen(req), err, sizeof(err));
  protover_set_t *ours;
  UT_ASSERT(r);
  UT_EQ_INT(protover_missing_from_ours(r, out, sizeof(out)), 0);
  UT_EQ_STR(out, "");
  protover_set_free(r);

  r = protover_set_parse("HSDir=3 Link=4-6 Relay=2 FlowCtrl=1-2", 37, err,
                         sizeof(err));
  UT_ASSERT(r);
  UT_EQ_INT(protover_missing_from_ours(r, out, sizeof(out)), 3);
  UT_EQ_STR(out, "FlowCtrl=2 HSDir=3 Link=6");
  ours = protover_set_parse(PROTOVER_OUR_SUPPORTED,
                            strlen(PROTOVER_OUR_SUPPORTED), err, sizeof(err));
  UT_ASSERT(ours);
  UT_EQ_INT(protover_missing(ours, r, out, sizeof(out)), 3);
  UT_EQ_STR(out, "Cons=2 Desc=2 Microdesc=2");
  protover_set_free(ours);
  protover_set_free(r);

  /* Tor's words (the format strings in /usr/bin/tor 0.4.9.11). */
  UT_ASSERT(protover_refusal_message(msg, sizeof(msg), 1, "client",
                                     "HSDir=3") > 0);
  UT_EQ_STR(msg, "At least one protocol listed as required in the consensus "
            "is not supported by this version of Tor. You should upgrade. "
            "This version of Tor will not work as a client on the Tor "
            "network. The missing protocols are: HSDir=3");
  UT_ASSERT(protover_refusal_message(msg, sizeof(msg), 0, "client",
                                     "Link=6") > 0);
  UT_EQ_STR(msg, "At least one protocol listed as recommended in the "
            "consensus is not supported by this version of Tor. You should "
            "upgrade. This version of Tor will eventually stop working as a "
            "client on the Tor network. The missing protocols are: Link=6");
}
