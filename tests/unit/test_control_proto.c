/* Tests for core/proto/proto_control: the control protocol's framing,
 * arguments, QuotedStrings and reply writers. Inputs are written by hand
 * from control-spec.txt §2 (command grammar, §2.1 QuotedString and the
 * §2.1.1 escape rules, §2.3 reply lines) and from the wire bytes that
 * stem 1.8.1 sends (see /work/shared/notes/controllers.md); every expected
 * value is spelled out by hand. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/proto/proto_control.h"

#include <event2/buffer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG (1u << 24)

/* Reads one command that is exactly msg[0..len): every proper prefix must
 * give NEED_MORE with nothing consumed, and the whole must give COMMAND
 * consuming all of it. */
static void
read_whole(const char *msg, size_t len, control_cmd_t *cmd)
{
  size_t consumed = 99;
  const char *err = NULL;
  control_read_status_t rv;
  for (size_t i = 0; i < len; i++) {
    rv = control_read_command((const uint8_t *)msg, i, BIG, cmd, &consumed,
                              &err);
    if (rv != CONTROL_READ_NEED_MORE)
      unittest_fail(__FILE__, __LINE__, "prefix of %zu bytes gave %d (%s)",
                    i, (int)rv, err ? err : "");
    UT_EQ_INT(consumed, 0);
    control_cmd_clear(cmd);
  }
  rv = control_read_command((const uint8_t *)msg, len, BIG, cmd, &consumed,
                            &err);
  UT_EQ_INT(rv, CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, len);
  UT_ASSERT(cmd->args != NULL);
  UT_EQ_INT(strlen(cmd->args), cmd->args_len);
}

#define READ_WHOLE(lit, cmd) read_whole((lit), sizeof(lit) - 1, (cmd))

static control_read_status_t
read_one(const char *msg, size_t len, size_t max_len, control_cmd_t *cmd,
         size_t *consumed, const char **err)
{
  return control_read_command((const uint8_t *)msg, len, max_len, cmd,
                              consumed, err);
}

/* The evbuffer's bytes must be exactly want[0..want_len). */
static void
check_buf(struct evbuffer *b, const char *want, size_t want_len)
{
  size_t n = evbuffer_get_length(b);
  UT_EQ_INT(n, want_len);
  UT_EQ_MEM(evbuffer_pullup(b, -1), want, want_len);
  evbuffer_drain(b, n);
}

#define CHECK_BUF(b, lit) check_buf((b), (lit), sizeof(lit) - 1)

/* ---- control_read_command ---- */

UNITTEST(control_proto, read_simple_crlf)
{
  control_cmd_t cmd;
  READ_WHOLE("GETINFO version config-file\r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "GETINFO");
  UT_EQ_INT(cmd.is_data, 0);
  UT_EQ_STR(cmd.args, "version config-file");
  UT_EQ_INT(cmd.args_len, 19);
  UT_ASSERT(cmd.body == NULL);
  UT_EQ_INT(cmd.body_len, 0);
  control_cmd_clear(&cmd);
  UT_ASSERT(cmd.args == NULL);
}

UNITTEST(control_proto, read_lf_only)
{
  control_cmd_t cmd;
  READ_WHOLE("SETEVENTS CIRC STREAM\n", &cmd);
  UT_EQ_STR(cmd.keyword, "SETEVENTS");
  UT_EQ_STR(cmd.args, "CIRC STREAM");
  control_cmd_clear(&cmd);
}

UNITTEST(control_proto, read_no_args_and_spaces)
{
  control_cmd_t cmd;
  READ_WHOLE("AUTHENTICATE\r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "AUTHENTICATE");
  UT_EQ_STR(cmd.args, "");
  UT_EQ_INT(cmd.args_len, 0);
  control_cmd_clear(&cmd);
  /* Spaces after the keyword are skipped; trailing ones are kept. */
  READ_WHOLE("GETINFO   version  \r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "GETINFO");
  UT_EQ_STR(cmd.args, "version  ");
  control_cmd_clear(&cmd);
  READ_WHOLE("QUIT   \r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "QUIT");
  UT_EQ_STR(cmd.args, "");
  control_cmd_clear(&cmd);
  /* Only a CR right before the LF is dropped. */
  READ_WHOLE("SIGNAL NEW\rNYM\r\r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "SIGNAL");
  UT_EQ_STR(cmd.args, "NEW\rNYM\r");
  control_cmd_clear(&cmd);
}

UNITTEST(control_proto, read_empty_line)
{
  /* Real tor answers an empty line with 510 Unrecognized command "". */
  control_cmd_t cmd;
  READ_WHOLE("\r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "");
  UT_EQ_STR(cmd.args, "");
  UT_EQ_INT(cmd.is_data, 0);
  control_cmd_clear(&cmd);
  READ_WHOLE("\n", &cmd);
  UT_EQ_STR(cmd.keyword, "");
  control_cmd_clear(&cmd);
  READ_WHOLE(" GETINFO version\r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "");
  UT_EQ_STR(cmd.args, "GETINFO version");
  control_cmd_clear(&cmd);
}

UNITTEST(control_proto, read_two_commands)
{
  static const char msg[] = "PROTOCOLINFO 1\r\nAUTHENTICATE \"pw\"\r\nGETI";
  control_cmd_t cmd;
  size_t consumed;
  const char *err;
  size_t len = sizeof(msg) - 1;
  UT_EQ_INT(read_one(msg, len, BIG, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, 16);
  UT_EQ_STR(cmd.keyword, "PROTOCOLINFO");
  UT_EQ_STR(cmd.args, "1");
  control_cmd_clear(&cmd);
  UT_EQ_INT(read_one(msg + 16, len - 16, BIG, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, 19);
  UT_EQ_STR(cmd.keyword, "AUTHENTICATE");
  UT_EQ_STR(cmd.args, "\"pw\"");
  control_cmd_clear(&cmd);
  UT_EQ_INT(read_one(msg + 35, len - 35, BIG, &cmd, &consumed, &err),
            CONTROL_READ_NEED_MORE);
  UT_EQ_INT(consumed, 0);
  control_cmd_clear(&cmd);
}

#define HEX40 "0123456789ABCDEF0123456789ABCDEF01234567"
#define ADDR56 "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd"

UNITTEST(control_proto, read_hspost_data_command)
{
  /* What stem's HSPOST sends: "+HSPOST args\r\n", the descriptor with
   * CRLF line ends and dot-stuffing, then ".\r\n". */
  static const char msg[] =
    "+HSPOST SERVER=" HEX40 " HSADDRESS=" ADDR56 "\r\n"
    "hs-descriptor 3\r\n"
    "descriptor-lifetime 180\r\n"
    "..starts with a dot\r\n"
    "...two dots\r\n"
    "\r\n"
    "signature abc\r\n"
    ".\r\n"
    "GETINFO version\r\n";
  control_cmd_t cmd;
  size_t consumed;
  const char *err;
  size_t first_len = sizeof(msg) - 1 - strlen("GETINFO version\r\n");
  read_whole(msg, first_len, &cmd);
  UT_EQ_STR(cmd.keyword, "HSPOST");
  UT_EQ_INT(cmd.is_data, 1);
  UT_EQ_STR(cmd.args, "SERVER=" HEX40 " HSADDRESS=" ADDR56);
  UT_EQ_STR(cmd.body, "hs-descriptor 3\n"
                      "descriptor-lifetime 180\n"
                      ".starts with a dot\n"
                      "..two dots\n"
                      "\n"
                      "signature abc\n");
  UT_EQ_INT(cmd.body_len, 16 + 24 + 19 + 11 + 1 + 14);
  control_cmd_clear(&cmd);
  /* Followed by another command: stops after the "." line. */
  UT_EQ_INT(read_one(msg, sizeof(msg) - 1, BIG, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, first_len);
  control_cmd_clear(&cmd);
}

UNITTEST(control_proto, read_data_lf_and_mixed)
{
  control_cmd_t cmd;
  READ_WHOLE("+LOADCONF\nSocksPort 0\r\nLog notice stdout\n.\n", &cmd);
  UT_EQ_STR(cmd.keyword, "LOADCONF");
  UT_EQ_INT(cmd.is_data, 1);
  UT_EQ_STR(cmd.args, "");
  UT_EQ_STR(cmd.body, "SocksPort 0\nLog notice stdout\n");
  control_cmd_clear(&cmd);
  /* Empty body. */
  READ_WHOLE("+X\r\n.\r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "X");
  UT_ASSERT(cmd.body != NULL);
  UT_EQ_STR(cmd.body, "");
  UT_EQ_INT(cmd.body_len, 0);
  control_cmd_clear(&cmd);
  /* ". " and ".x" are not the end line; a lone "." line ends it even
   * after a line ending in a bare CR. */
  READ_WHOLE("+X a b\r\n. \r\n.x\r\nend\r\r\n.\r\n", &cmd);
  UT_EQ_STR(cmd.args, "a b");
  UT_EQ_STR(cmd.body, " \nx\nend\r\n");
  control_cmd_clear(&cmd);
  /* "+" alone: a data command with an empty keyword. */
  READ_WHOLE("+\r\nx\r\n.\r\n", &cmd);
  UT_EQ_STR(cmd.keyword, "");
  UT_EQ_INT(cmd.is_data, 1);
  UT_EQ_STR(cmd.body, "x\n");
  control_cmd_clear(&cmd);
}

UNITTEST(control_proto, read_too_long)
{
  static const char msg[] = "GETINFO version\r\n"; /* 17 bytes */
  control_cmd_t cmd;
  size_t consumed;
  const char *err;
  /* max_len 17: fits exactly. */
  UT_EQ_INT(read_one(msg, 16, 17, &cmd, &consumed, &err),
            CONTROL_READ_NEED_MORE);
  UT_EQ_INT(read_one(msg, 17, 17, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, 17);
  control_cmd_clear(&cmd);
  /* max_len 16: too long as soon as 16 bytes are there. */
  UT_EQ_INT(read_one(msg, 15, 16, &cmd, &consumed, &err),
            CONTROL_READ_NEED_MORE);
  UT_EQ_INT(read_one(msg, 16, 16, &cmd, &consumed, &err),
            CONTROL_READ_TOO_LONG);
  UT_EQ_INT(consumed, 0);
  UT_EQ_STR(err, "Command too long");
  UT_EQ_INT(read_one(msg, 17, 16, &cmd, &consumed, &err),
            CONTROL_READ_TOO_LONG);
  UT_EQ_INT(consumed, 0);
  UT_ASSERT(cmd.args == NULL);
  /* A short command is still read when a longer one follows it. */
  UT_EQ_INT(read_one("QUIT\r\nGETINFO version\r\n", 23, 10, &cmd, &consumed,
                     &err), CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, 6);
  control_cmd_clear(&cmd);
  /* The body counts: "+X\r\nabc\r\n.\r\n" is 12 bytes. */
  UT_EQ_INT(read_one("+X\r\nabc\r\n.\r\n", 12, 11, &cmd, &consumed, &err),
            CONTROL_READ_TOO_LONG);
  UT_EQ_INT(read_one("+X\r\nabc\r\n.\r\n", 12, 12, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  control_cmd_clear(&cmd);
}

UNITTEST(control_proto, read_bad)
{
  control_cmd_t cmd;
  size_t consumed = 99;
  const char *err = NULL;
  char kw[70 + 3];
  UT_EQ_INT(read_one("GETINFO ver\0sion\r\n", 18, BIG, &cmd, &consumed, &err),
            CONTROL_READ_BAD);
  UT_EQ_INT(consumed, 0);
  UT_EQ_STR(err, "NUL byte in command");
  UT_EQ_INT(read_one("\0\n", 2, BIG, &cmd, &consumed, &err),
            CONTROL_READ_BAD);
  UT_EQ_INT(read_one("+HSPOST\r\nab\0c\r\n.\r\n", 18, BIG, &cmd, &consumed,
                     &err), CONTROL_READ_BAD);
  UT_EQ_STR(err, "NUL byte in command data");
  UT_ASSERT(cmd.args == NULL && cmd.body == NULL);
  /* 64-byte keyword is fine, 65 is not. */
  memset(kw, 'A', 64);
  memcpy(kw + 64, "\r\n", 2);
  UT_EQ_INT(read_one(kw, 66, BIG, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(strlen(cmd.keyword), 64);
  control_cmd_clear(&cmd);
  memset(kw, 'A', 65);
  memcpy(kw + 65, " x\r\n", 4);
  UT_EQ_INT(read_one(kw, 69, BIG, &cmd, &consumed, &err), CONTROL_READ_BAD);
  UT_EQ_STR(err, "Keyword too long");
  kw[0] = '+';
  UT_EQ_INT(read_one(kw, 69, BIG, &cmd, &consumed, &err),
            CONTROL_READ_NEED_MORE); /* '+' and 64 letters: needs a body */
  memcpy(kw + 69, ".\n", 2);
  UT_EQ_INT(read_one(kw, 71, BIG, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(cmd.is_data, 1);
  control_cmd_clear(&cmd);
}

UNITTEST(control_proto, read_big_body)
{
  /* A 3.5 MB descriptor-like body in one buffer: read quickly, in one go. */
  const size_t lines = 65536;
  const char *line = "..0123456789012345678901234567890123456789012345678901\r\n";
  size_t ll = strlen(line); /* 56 */
  size_t head = strlen("+HSPOST\r\n");
  size_t len = head + lines * ll + 3;
  char *msg = malloc(len);
  control_cmd_t cmd;
  size_t consumed;
  const char *err;
  UT_ASSERT(msg != NULL);
  memcpy(msg, "+HSPOST\r\n", head);
  for (size_t i = 0; i < lines; i++)
    memcpy(msg + head + i * ll, line, ll);
  memcpy(msg + len - 3, ".\r\n", 3);
  UT_EQ_INT(read_one(msg, len - 1, BIG, &cmd, &consumed, &err),
            CONTROL_READ_NEED_MORE);
  UT_EQ_INT(read_one(msg, len, BIG, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, len);
  UT_EQ_INT(cmd.body_len, lines * 54); /* one dot and the CR gone per line */
  UT_EQ_MEM(cmd.body, ".0123456789012345678901234567890123456789012345678901\n",
            54);
  UT_EQ_INT(cmd.body[cmd.body_len], 0);
  control_cmd_clear(&cmd);
  free(msg);
}

/* ---- arguments ---- */

#define PARSE(lit, flags, err) control_args_parse((lit), sizeof(lit) - 1, \
                                                   (flags), (err))

UNITTEST(control_proto, args_positional)
{
  const char *err;
  control_args_t *a = PARSE("version config-file", 0, &err);
  UT_ASSERT(a != NULL);
  UT_EQ_INT(a->n, 2);
  UT_ASSERT(a->args[0].key == NULL);
  UT_EQ_STR(a->args[0].value, "version");
  UT_EQ_INT(a->args[0].value_len, 7);
  UT_EQ_INT(a->args[0].quoted, 0);
  UT_EQ_STR(a->args[1].value, "config-file");
  control_args_free(a);
  /* Without KV, '=' is part of the word; runs of spaces separate. */
  a = PARSE("  md/id/x=y   CIRC  ", 0, &err);
  UT_EQ_INT(a->n, 2);
  UT_ASSERT(a->args[0].key == NULL);
  UT_EQ_STR(a->args[0].value, "md/id/x=y");
  UT_EQ_STR(a->args[1].value, "CIRC");
  control_args_free(a);
  /* Only ' ' separates. */
  a = PARSE("a\tb", 0, &err);
  UT_EQ_INT(a->n, 1);
  UT_EQ_STR(a->args[0].value, "a\tb");
  control_args_free(a);
  a = PARSE("", 0, &err);
  UT_ASSERT(a != NULL);
  UT_EQ_INT(a->n, 0);
  control_args_free(a);
  a = PARSE("   ", CONTROL_ARGS_KV, &err);
  UT_EQ_INT(a->n, 0);
  control_args_free(a);
}

UNITTEST(control_proto, args_authenticate_quoted)
{
  /* AUTHENTICATE "pass\"word" as stem writes it. */
  const char *err;
  control_args_t *a = PARSE("\"pass\\\"word\"", 0, &err);
  UT_ASSERT(a != NULL);
  UT_EQ_INT(a->n, 1);
  UT_ASSERT(a->args[0].key == NULL);
  UT_EQ_STR(a->args[0].value, "pass\"word");
  UT_EQ_INT(a->args[0].value_len, 9);
  UT_EQ_INT(a->args[0].quoted, 1);
  control_args_free(a);
  /* A quoted word keeps its spaces; a hex cookie is a plain word. */
  a = PARSE("\"a b  c\" 0123abcd", CONTROL_ARGS_KV, &err);
  UT_EQ_INT(a->n, 2);
  UT_EQ_STR(a->args[0].value, "a b  c");
  UT_EQ_INT(a->args[0].quoted, 1);
  UT_EQ_STR(a->args[1].value, "0123abcd");
  UT_EQ_INT(a->args[1].quoted, 0);
  control_args_free(a);
  /* An empty QuotedString. */
  a = PARSE("\"\"", 0, &err);
  UT_EQ_INT(a->n, 1);
  UT_EQ_STR(a->args[0].value, "");
  UT_EQ_INT(a->args[0].quoted, 1);
  control_args_free(a);
}

UNITTEST(control_proto, args_setconf_kv)
{
  const char *err;
  const control_arg_t *v;
  control_args_t *a = PARSE("Key=\"value with spaces\" Other=1", CONTROL_ARGS_KV,
                            &err);
  UT_ASSERT(a != NULL);
  UT_EQ_INT(a->n, 2);
  UT_EQ_STR(a->args[0].key, "Key");
  UT_EQ_STR(a->args[0].value, "value with spaces");
  UT_EQ_INT(a->args[0].quoted, 1);
  UT_EQ_STR(a->args[1].key, "Other");
  UT_EQ_STR(a->args[1].value, "1");
  UT_EQ_INT(a->args[1].quoted, 0);
  v = control_args_get(a, "other");
  UT_ASSERT(v == &a->args[1]);
  v = control_args_get(a, "KEY");
  UT_ASSERT(v == &a->args[0]);
  UT_ASSERT(control_args_get(a, "Ke") == NULL);
  UT_ASSERT(control_args_get(a, "value") == NULL);
  control_args_free(a);
  /* Empty values, '=' inside a value, a key-less "=x". */
  a = PARSE("A= B=x=y =z C=\"\"", CONTROL_ARGS_KV, &err);
  UT_EQ_INT(a->n, 4);
  UT_EQ_STR(a->args[0].key, "A");
  UT_EQ_STR(a->args[0].value, "");
  UT_EQ_INT(a->args[0].value_len, 0);
  UT_EQ_STR(a->args[1].key, "B");
  UT_EQ_STR(a->args[1].value, "x=y");
  UT_ASSERT(a->args[2].key == NULL);
  UT_EQ_STR(a->args[2].value, "=z");
  UT_EQ_STR(a->args[3].key, "C");
  UT_EQ_STR(a->args[3].value, "");
  UT_EQ_INT(a->args[3].quoted, 1);
  control_args_free(a);
  /* The first matching key wins. */
  a = PARSE("SERVER=A SERVER=B", CONTROL_ARGS_KV, &err);
  UT_EQ_STR(control_args_get(a, "server")->value, "A");
  control_args_free(a);
}

UNITTEST(control_proto, args_add_onion)
{
  const char *err;
  control_args_t *a = PARSE("NEW:ED25519-V3 Flags=Detach Port=80,127.0.0.1:8080",
                            CONTROL_ARGS_KV, &err);
  UT_ASSERT(a != NULL);
  UT_EQ_INT(a->n, 3);
  UT_ASSERT(a->args[0].key == NULL);
  UT_EQ_STR(a->args[0].value, "NEW:ED25519-V3");
  UT_EQ_STR(a->args[1].key, "Flags");
  UT_EQ_STR(a->args[1].value, "Detach");
  UT_EQ_STR(a->args[2].key, "Port");
  UT_EQ_STR(a->args[2].value, "80,127.0.0.1:8080");
  control_args_free(a);
}

UNITTEST(control_proto, args_escapes)
{
  /* §2.1.1: \n \t \r and octal as C escapes, a backslash before anything
   * else stands for that character. */
  const char *err;
  control_args_t *a = PARSE("K=\"a\\nb\\tc\\rd\\\\e\\\"f\\101\\x41\\q\\ \"",
                            CONTROL_ARGS_KV, &err);
  UT_ASSERT(a != NULL);
  UT_EQ_INT(a->n, 1);
  UT_EQ_STR(a->args[0].key, "K");
  UT_EQ_STR(a->args[0].value, "a\nb\tc\rd\\e\"fAAq ");
  control_args_free(a);
  /* \0 gives a NUL byte inside the value; short octal escapes. */
  a = PARSE("\"a\\0b\\7\\12\\1234\"", 0, &err);
  UT_EQ_INT(a->args[0].value_len, 7);
  UT_EQ_MEM(a->args[0].value, "a\0b\a\nS4", 8);
  control_args_free(a);
  /* \400 is more than 0377: only two digits are taken. */
  a = PARSE("\"\\400\"", 0, &err);
  UT_EQ_STR(a->args[0].value, " 0");
  control_args_free(a);
  /* \x without two hex digits is just "x"; 8-bit bytes pass through. */
  a = PARSE("\"\\xg\\x4\xc3\xa9\"", 0, &err);
  UT_EQ_STR(a->args[0].value, "xgx4\xc3\xa9");
  control_args_free(a);
}

UNITTEST(control_proto, args_errors)
{
  const char *err = NULL;
  char *many;
  control_args_t *a;
  UT_ASSERT(PARSE("\"abc", 0, &err) == NULL);
  UT_EQ_STR(err, "Unterminated quoted string");
  err = NULL;
  UT_ASSERT(PARSE("Key=\"abc", CONTROL_ARGS_KV, &err) == NULL);
  UT_EQ_STR(err, "Unterminated quoted string");
  UT_ASSERT(PARSE("\"abc\\\"", 0, &err) == NULL); /* the quote is escaped */
  UT_ASSERT(PARSE("\"abc\\", 0, &err) == NULL);
  UT_ASSERT(PARSE("\"abc\"def", 0, &err) == NULL);
  UT_EQ_STR(err, "Quoted string not followed by space");
  UT_ASSERT(PARSE("A=\"x\"y B=1", CONTROL_ARGS_KV, &err) == NULL);
  UT_EQ_STR(err, "Quoted string not followed by space");
  /* A quote inside a plain word is just a byte. */
  a = PARSE("ab\"c A=x\"", CONTROL_ARGS_KV, &err);
  UT_ASSERT(a != NULL);
  UT_EQ_STR(a->args[0].value, "ab\"c");
  UT_EQ_STR(a->args[1].value, "x\"");
  control_args_free(a);
  /* 1024 arguments are fine, 1025 are too many. */
  many = malloc(1025 * 2 + 1);
  UT_ASSERT(many != NULL);
  for (int i = 0; i < 1025; i++)
    memcpy(many + 2 * i, "a ", 2);
  a = control_args_parse(many, 1024 * 2, CONTROL_ARGS_KV, &err);
  UT_ASSERT(a != NULL);
  UT_EQ_INT(a->n, 1024);
  control_args_free(a);
  a = control_args_parse(many, 1025 * 2 - 1, 0, &err);
  UT_ASSERT(a == NULL);
  UT_EQ_STR(err, "Too many arguments");
  free(many);
  UT_ASSERT(control_args_get(NULL, "x") == NULL);
  control_args_free(NULL);
}

UNITTEST(control_proto, unquote)
{
  char *v = (char *)1;
  size_t vl = 99;
  UT_EQ_INT(control_unquote("\"abc\" rest", 10, &v, &vl), 5);
  UT_EQ_STR(v, "abc");
  UT_EQ_INT(vl, 3);
  free(v);
  UT_EQ_INT(control_unquote("\"a\\\"b\"", 6, &v, &vl), 6);
  UT_EQ_STR(v, "a\"b");
  free(v);
  /* The length bounds the scan: the closing quote beyond len is unseen. */
  UT_EQ_INT(control_unquote("\"abc\"", 4, &v, &vl), -1);
  UT_ASSERT(v == NULL);
  UT_EQ_INT(control_unquote("abc", 3, &v, &vl), -1);
  UT_EQ_INT(control_unquote("\"", 1, &v, &vl), -1);
  UT_EQ_INT(control_unquote("", 0, &v, &vl), -1);
  UT_EQ_INT(control_unquote("\"\\", 2, &v, &vl), -1);
}

/* ---- replies ---- */

UNITTEST(control_proto, write_lines)
{
  struct evbuffer *b = evbuffer_new();
  char big[600];
  char want[620];
  control_write_mid(b, 250, "version=0.4.8.9");
  control_write_end(b, 250, "OK");
  CHECK_BUF(b, "250-version=0.4.8.9\r\n250 OK\r\n");
  control_write_end(b, 551, "a\r\nb\nc\rd");
  CHECK_BUF(b, "551 a  b c d\r\n");
  control_write_end(b, 250, "");
  control_write_mid(b, 250, NULL);
  CHECK_BUF(b, "250 \r\n250-\r\n");
  control_write_endf(b, 552, "Unrecognized key \"%s\"", "foo");
  CHECK_BUF(b, "552 Unrecognized key \"foo\"\r\n");
  control_write_midf(b, 650, "BW %d %d", 10, 20);
  CHECK_BUF(b, "650-BW 10 20\r\n");
  control_write_endf(b, 510, "Unrecognized command \"%s\"", "X\r\nY");
  CHECK_BUF(b, "510 Unrecognized command \"X  Y\"\r\n");
  /* Longer than any stack buffer. */
  memset(big, 'z', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  control_write_endf(b, 250, "k=%s", big);
  memcpy(want, "250 k=", 6);
  memcpy(want + 6, big, 599);
  memcpy(want + 605, "\r\n", 2);
  check_buf(b, want, 607);
  evbuffer_free(b);
}

UNITTEST(control_proto, write_data)
{
  struct evbuffer *b = evbuffer_new();
  control_write_data(b, 250, "config-text=", "a\n.b\n", 5);
  CHECK_BUF(b, "250+config-text=\r\na\r\n..b\r\n.\r\n");
  /* CRLF stays CRLF; a last line without a line end gets one. */
  control_write_data(b, 650, "HS_DESC_CONTENT x y z", "a\r\nb", 4);
  CHECK_BUF(b, "650+HS_DESC_CONTENT x y z\r\na\r\nb\r\n.\r\n");
  /* Empty data, and one empty line (HS_DESC_CONTENT after a failed
   * fetch ends "\r\n\r\n.\r\n"). */
  control_write_data(b, 650, "h", "", 0);
  CHECK_BUF(b, "650+h\r\n.\r\n");
  control_write_data(b, 650, "h", "\n", 1);
  CHECK_BUF(b, "650+h\r\n\r\n.\r\n");
  /* A "." line and a ".." line; a bare CR inside a line is kept. */
  control_write_data(b, 250, "k=", ".\n..\na\rb\n\n", 10);
  CHECK_BUF(b, "250+k=\r\n..\r\n...\r\na\rb\r\n\r\n.\r\n");
  /* Line ends in the head become spaces. */
  control_write_data(b, 250, "k=\r\n", "x", 1);
  CHECK_BUF(b, "250+k=  \r\nx\r\n.\r\n");
  evbuffer_free(b);
}

UNITTEST(control_proto, write_data_reads_back)
{
  /* What the writer produces is a data block the reader takes back. */
  struct evbuffer *b = evbuffer_new();
  control_cmd_t cmd;
  size_t consumed, n;
  const char *err;
  const char *wire;
  control_write_data(b, 250, "X", "line\n.dot\n\n..\n", 14);
  n = evbuffer_get_length(b);
  wire = (const char *)evbuffer_pullup(b, -1);
  /* "250+X\r\n..." parses as the data command "+X" after the code. */
  UT_EQ_INT(read_one(wire + 3, n - 3, BIG, &cmd, &consumed, &err),
            CONTROL_READ_COMMAND);
  UT_EQ_INT(consumed, n - 3);
  UT_EQ_STR(cmd.keyword, "X");
  UT_EQ_STR(cmd.body, "line\n.dot\n\n..\n");
  control_cmd_clear(&cmd);
  evbuffer_free(b);
}

UNITTEST(control_proto, quote)
{
  struct evbuffer *b = evbuffer_new();
  char *q = control_quote("a\"b\\c\r\n\t\x01\x7f\xff\0z", 13);
  UT_EQ_STR(q, "\"a\\\"b\\\\c\\r\\n\\t\\001\\177\\377\\000z\"");
  free(q);
  q = control_quote("", 0);
  UT_EQ_STR(q, "\"\"");
  free(q);
  q = control_quote("/var/lib/tor/control_auth_cookie", 32);
  UT_EQ_STR(q, "\"/var/lib/tor/control_auth_cookie\"");
  free(q);
  control_write_quoted(b, "Done \"x\"", 8);
  CHECK_BUF(b, "\"Done \\\"x\\\"\"");
  evbuffer_free(b);
}

UNITTEST(control_proto, quote_unquote_inverse)
{
  /* Every byte value survives control_quote then control_unquote. */
  char all[256];
  char *q, *v;
  size_t vl;
  for (int i = 0; i < 256; i++)
    all[i] = (char)i;
  q = control_quote(all, sizeof(all));
  UT_ASSERT(q != NULL);
  UT_EQ_INT(control_unquote(q, strlen(q), &v, &vl), (long)strlen(q));
  UT_EQ_INT(vl, 256);
  UT_EQ_MEM(v, all, 256);
  free(v);
  free(q);
}
