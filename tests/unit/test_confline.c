/* The torrc lexer, against tor's documented torrc syntax (tor(1), "THE
 * CONFIGURATION FILE FORMAT"). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "lib/conf/confline.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static config_line_t *
lex(const char *text)
{
  config_line_t *lines = NULL;
  char err[512];
  if (config_lines_parse(text, strlen(text), "torrc", &lines, err, sizeof(err)) < 0)
    unittest_fail(__FILE__, __LINE__, "unexpected lexer error: %s", err);
  return lines;
}

static void
write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  UT_ASSERT(f);
  fputs(text, f);
  fclose(f);
}

UNITTEST(confline, keywords_values_comments)
{
  config_line_t *l = lex("# comment\n\n  SocksPort 9050   \nLog notice stdout # trailing\n"
                         "ContactInfo a\\#b\nEmpty\n");
  /* Real tor: '#' starts a comment even after a backslash. */
  UT_EQ_STR(l->key, "SocksPort");
  UT_EQ_STR(l->value, "9050");
  UT_EQ_INT(l->lineno, 3);
  UT_EQ_STR(l->next->key, "Log");
  UT_EQ_STR(l->next->value, "notice stdout");
  UT_EQ_STR(l->next->next->value, "a\\");
  UT_EQ_STR(l->next->next->next->key, "Empty");
  UT_EQ_STR(l->next->next->next->value, "");
  UT_ASSERT(l->next->next->next->next == NULL);
  config_lines_free(l);
}

UNITTEST(confline, continuation_skips_comment_lines)
{
  /* Real tor 0.4.9 reads "Log notice \\\n# c\n  stdout" as "notice   stdout". */
  config_line_t *l = lex("ExitPolicy accept *:80,\\\n# a comment inside\n  reject *:*  \nNext 1\n");
  UT_EQ_STR(l->key, "ExitPolicy");
  UT_EQ_STR(l->value, "accept *:80,  reject *:*");
  UT_EQ_STR(l->next->key, "Next");
  UT_EQ_INT(l->next->lineno, 4);
  config_lines_free(l);
}

UNITTEST(confline, quoted_values_and_escapes)
{
  config_line_t *l = lex("ContactInfo \"a \\\"quoted\\\" \\x41\\101\\n\" # c\nNickname \"x\"\n");
  UT_EQ_STR(l->value, "a \"quoted\" AA\n");
  UT_EQ_STR(l->next->value, "x");
  config_lines_free(l);
  config_line_t *bad = NULL;
  char err[256];
  UT_EQ_INT(config_lines_parse("Foo \"abc\n", 9, "torrc", &bad, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "torrc:1:") != NULL);
  UT_EQ_INT(config_lines_parse("Foo \"abc\" x\n", 12, "torrc", &bad, err, sizeof(err)), -1);
  UT_ASSERT(bad == NULL);
}

UNITTEST(confline, plus_and_slash_prefixes)
{
  config_line_t *l = lex("+SocksPort 9150\n/ORPort\n");
  UT_EQ_STR(l->key, "SocksPort");
  UT_EQ_INT(l->command, CONFLINE_APPEND);
  UT_EQ_STR(l->next->key, "ORPort");
  UT_EQ_INT(l->next->command, CONFLINE_CLEAR);
  config_lines_free(l);
}

UNITTEST(confline, include_file_and_directory)
{
  const char *dir = unittest_tmpdir();
  char path[512], sub[512], torrc[512];
  snprintf(sub, sizeof(sub), "%s/torrc.d", dir);
  mkdir(sub, 0700);
  snprintf(path, sizeof(path), "%s/b.conf", sub);
  write_file(path, "Nickname second\n");
  snprintf(path, sizeof(path), "%s/a.conf", sub);
  write_file(path, "Nickname first\n");
  snprintf(path, sizeof(path), "%s/.hidden", sub);
  write_file(path, "Nickname hidden\n");
  snprintf(path, sizeof(path), "%s/one", dir);
  write_file(path, "ContactInfo one\n");
  snprintf(torrc, sizeof(torrc), "%s/torrc", dir);
  write_file(torrc, "SocksPort 1\n%include one\n%include torrc.d\nSocksPort 2\n");

  config_line_t *l = NULL;
  char err[512];
  UT_EQ_INT(config_lines_parse_file(torrc, &l, err, sizeof(err)), 0);
  const char *want[][2] = { { "SocksPort", "1" }, { "ContactInfo", "one" },
                            { "Nickname", "first" }, { "Nickname", "second" },
                            { "SocksPort", "2" } };
  const config_line_t *p = l;
  for (size_t i = 0; i < 5; i++, p = p->next) {
    UT_ASSERT(p != NULL);
    UT_EQ_STR(p->key, want[i][0]);
    UT_EQ_STR(p->value, want[i][1]);
  }
  UT_ASSERT(p == NULL);
  UT_ASSERT(strstr(l->next->source, "/one") != NULL);
  config_lines_free(l);
}

UNITTEST(confline, missing_include_names_file_and_line)
{
  const char *dir = unittest_tmpdir();
  char torrc[512];
  snprintf(torrc, sizeof(torrc), "%s/torrc", dir);
  write_file(torrc, "SocksPort 1\n\n%include /nonexistent/file\n");
  config_line_t *l = NULL;
  char err[512];
  UT_EQ_INT(config_lines_parse_file(torrc, &l, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "torrc:3:") != NULL);
  UT_ASSERT(strstr(err, "%include") != NULL);
  UT_ASSERT(l == NULL);
}

UNITTEST(confline, missing_file_is_reported_as_missing)
{
  config_line_t *l = NULL;
  char err[512];
  UT_EQ_INT(config_lines_parse_file("/nonexistent/torrc", &l, err, sizeof(err)), -2);
}

UNITTEST(confline, include_loop_is_bounded)
{
  const char *dir = unittest_tmpdir();
  char torrc[512];
  snprintf(torrc, sizeof(torrc), "%s/torrc", dir);
  write_file(torrc, "%include torrc\n");
  config_line_t *l = NULL;
  char err[512];
  UT_EQ_INT(config_lines_parse_file(torrc, &l, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "nested") != NULL);
}
