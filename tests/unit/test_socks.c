/* Tests for core/proto/proto_socks: messages written by hand from RFC 1928
 * (SOCKS5), RFC 1929 (username/password), the SOCKS4/4a descriptions that
 * socks-extensions.txt cites, and socks-extensions.txt itself. Expected
 * replies and limits are what real tor 0.4.9.11's SocksPort answered to
 * the same bytes (probed in a private network with
 * tests/tools/socks_probe_real_tor.py). */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/proto/proto_socks.h"

#include <stdlib.h>
#include <string.h>

/* Runs one message through the parser: every proper prefix must ask for
 * more bytes, and the whole must give `want`, consuming exactly len bytes
 * (or, for errors, nothing in particular). Checks the reply bytes. */
static void
feed(socks_parser_t *p, const char *msg, size_t len, socks_status_t want,
     const char *reply_hex)
{
  size_t consumed = 0;
  socks_status_t rv;
  for (size_t i = 0; i < len; i++) {
    socks_parser_t copy = *p;
    rv = socks_parse(&copy, (const uint8_t *)msg, i, &consumed);
    if (want == SOCKS_ERROR && rv == SOCKS_ERROR)
      break; /* refused as soon as the bad byte is there */
    if (rv != SOCKS_NEED_MORE)
      unittest_fail(__FILE__, __LINE__, "prefix of %zu bytes gave %d",
                    i, (int)rv);
    UT_EQ_INT(consumed, 0);
  }
  rv = socks_parse(p, (const uint8_t *)msg, len, &consumed);
  UT_EQ_INT(rv, want);
  if (want != SOCKS_ERROR)
    UT_EQ_INT(consumed, len);
  UT_EQ_INT(p->reply_len, strlen(reply_hex) / 2);
  if (p->reply_len)
    UT_EQ_HEX(p->reply, p->reply_len, reply_hex);
}

#define FEED(p, lit, want, hex) feed((p), (lit), sizeof(lit) - 1, (want), (hex))

UNITTEST(socks, socks4_connect_ipv4)
{
  socks_parser_t p;
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  /* VN 4, CD 1, port 80, 10.1.2.3, user id "fred". */
  FEED(&p, "\x04\x01\x00\x50\x0a\x01\x02\x03" "fred\x00", SOCKS_DONE, "");
  UT_EQ_INT(p.req.version, 4);
  UT_EQ_INT(p.req.command, SOCKS_CMD_CONNECT);
  UT_EQ_INT(p.req.addr_type, SOCKS_ADDR_IPV4);
  UT_EQ_STR(p.req.address, "10.1.2.3");
  UT_EQ_INT(p.req.port, 80);
  UT_EQ_INT(p.req.is_socks4a, 0);
  UT_EQ_INT(p.req.got_auth, 1);
  UT_EQ_INT(p.req.username_len, 4);
  UT_EQ_MEM(p.req.username, "fred", 4);
}

UNITTEST(socks, socks4a_hostname_and_early_data)
{
  static const char msg[] = "\x04\x01\x01\xbb\x00\x00\x00\x01\x00"
                            "example.com\x00" "GET / HTTP/1.0\r\n";
  socks_parser_t p;
  size_t consumed;
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  UT_EQ_INT(socks_parse(&p, (const uint8_t *)msg, sizeof(msg) - 1,
                        &consumed), SOCKS_DONE);
  /* The optimistic data after the request is left for the caller. */
  UT_EQ_INT(consumed, 9 + 12);
  UT_EQ_INT(p.req.is_socks4a, 1);
  UT_EQ_INT(p.req.addr_type, SOCKS_ADDR_HOSTNAME);
  UT_EQ_STR(p.req.address, "example.com");
  UT_EQ_INT(p.req.port, 443);
  UT_EQ_INT(p.req.got_auth, 0);
  /* RESOLVE over SOCKS4a (socks-extensions section 2). */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x04\xf0\x00\x00\x00\x00\x00\x01\x00" "torproject.org\x00",
       SOCKS_DONE, "");
  UT_EQ_INT(p.req.command, SOCKS_CMD_RESOLVE);
  UT_EQ_STR(p.req.address, "torproject.org");
}

UNITTEST(socks, socks4_rejections)
{
  socks_parser_t p;
  char *big;
  size_t consumed;
  /* BIND (CD 2), port 0, IP 0.0.0.0, empty 4a hostname: 00 5B + zeros. */
  socks_parser_init(&p, 0);
  FEED(&p, "\x04\x02\x00\x50\x7f\x00\x00\x01", SOCKS_ERROR,
       "005b000000000000");
  socks_parser_init(&p, 0);
  FEED(&p, "\x04\x01\x00\x00\x7f\x00\x00\x01", SOCKS_ERROR,
       "005b000000000000");
  socks_parser_init(&p, 0);
  FEED(&p, "\x04\x01\x00\x50\x00\x00\x00\x00", SOCKS_ERROR,
       "005b000000000000");
  socks_parser_init(&p, 0);
  FEED(&p, "\x04\x01\x00\x50\x00\x00\x00\x01\x00\x00", SOCKS_ERROR,
       "005b000000000000");
  /* User id: 512 bytes accepted, 513 refused (what tor 0.4.9.11 does),
   * and refused before the NUL arrives. */
  big = malloc(8 + 600 + 1);
  memcpy(big, "\x04\x01\x00\x50\x7f\x00\x00\x01", 8);
  memset(big + 8, 'u', 600);
  big[8 + 512] = 0;
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (uint8_t *)big, 8 + 513, &consumed), SOCKS_DONE);
  UT_EQ_INT(p.req.username_len, 512);
  big[8 + 512] = 'u';
  big[8 + 513] = 0;
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (uint8_t *)big, 8 + 514, &consumed), SOCKS_ERROR);
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (uint8_t *)big, 8 + 512, &consumed),
            SOCKS_NEED_MORE);
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (uint8_t *)big, 8 + 513, &consumed), SOCKS_ERROR);
  /* 4a hostname: 255 accepted, 256 refused. */
  memcpy(big, "\x04\x01\x00\x50\x00\x00\x00\x01\x00", 9);
  memset(big + 9, 'h', 256);
  big[9 + 255] = 0;
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (uint8_t *)big, 9 + 256, &consumed), SOCKS_DONE);
  UT_EQ_INT(strlen(p.req.address), 255);
  big[9 + 255] = 'h';
  big[9 + 256] = 0;
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (uint8_t *)big, 9 + 257, &consumed), SOCKS_ERROR);
  UT_EQ_HEX(p.reply, p.reply_len, "005b000000000000");
  free(big);
}

UNITTEST(socks, socks5_noauth_connect)
{
  socks_parser_t p;
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  /* RFC 1928 section 3: VER 5, NMETHODS 1, NO AUTHENTICATION REQUIRED. */
  FEED(&p, "\x05\x01\x00", SOCKS_REPLY, "0500");
  /* Section 4: CONNECT, ATYP 1, 192.0.2.7:8080. */
  FEED(&p, "\x05\x01\x00\x01\xc0\x00\x02\x07\x1f\x90", SOCKS_DONE, "");
  UT_EQ_INT(p.req.version, 5);
  UT_EQ_INT(p.req.command, SOCKS_CMD_CONNECT);
  UT_EQ_STR(p.req.address, "192.0.2.7");
  UT_EQ_INT(p.req.port, 8080);
  UT_EQ_INT(p.req.got_auth, 0);
  UT_EQ_INT(p.req.auth_method, 0);
}

UNITTEST(socks, socks5_ipv6_and_domain)
{
  socks_parser_t p;
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x02\x00\x01", SOCKS_REPLY, "0500");
  FEED(&p, "\x05\x01\x00\x04\x20\x01\x0d\xb8\x00\x00\x00\x00"
           "\x00\x00\x00\x00\x00\x00\x00\x01\x01\xbb", SOCKS_DONE, "");
  UT_EQ_INT(p.req.addr_type, SOCKS_ADDR_IPV6);
  UT_EQ_STR(p.req.address, "2001:db8::1");
  UT_EQ_INT(p.req.port, 443);
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x00", SOCKS_REPLY, "0500");
  FEED(&p, "\x05\x01\x00\x03\x0b" "example.org" "\x00\x50", SOCKS_DONE, "");
  UT_EQ_INT(p.req.addr_type, SOCKS_ADDR_HOSTNAME);
  UT_EQ_STR(p.req.address, "example.org");
  UT_EQ_INT(p.req.port, 80);
}

UNITTEST(socks, socks5_resolve_extensions)
{
  socks_parser_t p;
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x00", SOCKS_REPLY, "0500");
  FEED(&p, "\x05\xf0\x00\x03\x0e" "torproject.org" "\x00\x00", SOCKS_DONE,
       "");
  UT_EQ_INT(p.req.command, SOCKS_CMD_RESOLVE);
  UT_EQ_STR(p.req.address, "torproject.org");
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x00", SOCKS_REPLY, "0500");
  FEED(&p, "\x05\xf1\x00\x01\x7f\x00\x00\x01\x00\x00", SOCKS_DONE, "");
  UT_EQ_INT(p.req.command, SOCKS_CMD_RESOLVE_PTR);
  UT_EQ_STR(p.req.address, "127.0.0.1");
}

UNITTEST(socks, socks5_method_choice)
{
  socks_parser_t p;
  /* Both offered, IsolateSOCKSAuth on: tor picks username/password. */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x02\x00\x02", SOCKS_REPLY, "0502");
  /* ... unless PreferSOCKSNoAuth, or NoIsolateSOCKSAuth (tor manual). */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH | SOCKS_OPT_PREFER_NO_AUTH);
  FEED(&p, "\x05\x02\x00\x02", SOCKS_REPLY, "0500");
  socks_parser_init(&p, 0);
  FEED(&p, "\x05\x02\x02\x00", SOCKS_REPLY, "0500");
  /* Only username/password offered: chosen whatever the options. */
  socks_parser_init(&p, SOCKS_OPT_PREFER_NO_AUTH);
  FEED(&p, "\x05\x01\x02", SOCKS_REPLY, "0502");
  /* GSSAPI only: NO ACCEPTABLE METHODS (X'FF'), then close. */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x01", SOCKS_ERROR, "05ff");
  /* No methods at all: tor closes without a word. */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x00", SOCKS_ERROR, "");
}

UNITTEST(socks, socks5_userpass)
{
  socks_parser_t p, q;
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x02\x00\x02", SOCKS_REPLY, "0502");
  /* RFC 1929: VER 1, ULEN, UNAME, PLEN, PASSWD; success is 01 00. */
  FEED(&p, "\x01\x04" "user" "\x06" "secret", SOCKS_REPLY, "0100");
  FEED(&p, "\x05\x01\x00\x03\x0b" "example.com" "\x01\xbb", SOCKS_DONE, "");
  UT_EQ_INT(p.req.got_auth, 1);
  UT_EQ_INT(p.req.auth_method, 2);
  UT_EQ_MEM(p.req.username, "user", 4);
  UT_EQ_INT(p.req.username_len, 4);
  UT_EQ_MEM(p.req.password, "secret", 6);
  UT_EQ_INT(p.req.password_len, 6);
  /* Empty fields are allowed (socks-extensions 1.1). */
  socks_parser_init(&q, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&q, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&q, "\x01\x00\x00", SOCKS_REPLY, "0100");
  FEED(&q, "\x05\x01\x00\x03\x0b" "example.com" "\x01\xbb", SOCKS_DONE, "");
  UT_EQ_INT(q.req.got_auth, 1);
  UT_EQ_INT(q.req.username_len, 0);
  UT_ASSERT(!socks_auth_isolation_equal(&p.req, &q.req));
  UT_ASSERT(socks_auth_isolation_equal(&p.req, &p.req));
  /* Wrong subnegotiation version: tor sends a SOCKS5 general failure. */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&p, "\x02\x01" "u" "\x01" "p", SOCKS_ERROR, "05010001000000000000");
  /* Username/password although "no auth" was chosen: accepted once. */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x00", SOCKS_REPLY, "0500");
  FEED(&p, "\x01\x01" "u" "\x01" "p", SOCKS_REPLY, "0100");
  FEED(&p, "\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50", SOCKS_DONE, "");
  UT_EQ_INT(p.req.got_auth, 1);
  UT_EQ_MEM(p.req.username, "u", 1);
}

UNITTEST(socks, socks5_prop351_usernames)
{
  socks_parser_t p, q;
  /* "<torS0X>0" is accepted; the password is the isolation string. */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&p, "\x01\x09" "<torS0X>0" "\x02" "id", SOCKS_REPLY, "0100");
  UT_EQ_INT(p.req.prop351_format0, 1);
  socks_parser_init(&q, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&q, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&q, "\x01\x09" "<torS0X>0" "\x02" "id", SOCKS_REPLY, "0100");
  UT_ASSERT(socks_auth_isolation_equal(&p.req, &q.req));
  /* Other formats, a bare prefix, or trailing bytes: general failure, as
   * tor 0.4.9.11 answers. The prefix is case-sensitive. */
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&p, "\x01\x0a" "<torS0X>1x" "\x01" "p", SOCKS_ERROR,
       "05010001000000000000");
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&p, "\x01\x08" "<torS0X>" "\x01" "p", SOCKS_ERROR,
       "05010001000000000000");
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&p, "\x01\x0c" "<torS0X>0abc" "\x01" "p", SOCKS_ERROR,
       "05010001000000000000");
  socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
  FEED(&p, "\x05\x01\x02", SOCKS_REPLY, "0502");
  FEED(&p, "\x01\x09" "<TORS0X>1" "\x01" "p", SOCKS_REPLY, "0100");
  UT_EQ_INT(p.req.prop351_format0, 0);
}

UNITTEST(socks, socks5_request_errors)
{
  static const struct {
    const char *msg;
    size_t len;
    const char *reply;
  } cases[] = {
    /* BIND and UDP ASSOCIATE: command not supported (07). */
    { "\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50", 10, "05070001000000000000" },
    { "\x05\x03\x00\x01\x7f\x00\x00\x01\x00\x50", 10, "05070001000000000000" },
    /* Unknown ATYP: tor says general failure (01), not 08. */
    { "\x05\x01\x00\x05\x7f\x00\x00\x01\x00\x50", 10, "05010001000000000000" },
    /* Reserved byte not zero. */
    { "\x05\x01\x07\x03\x0b" "example.com" "\x00\x50", 18,
      "05010001000000000000" },
    /* Empty hostname; NUL inside a hostname. */
    { "\x05\x01\x00\x03\x00\x00\x50", 7, "05010001000000000000" },
    { "\x05\x01\x00\x03\x05" "ab\x00" "cd" "\x00\x50", 12,
      "05010001000000000000" },
    /* Wrong version in the request. */
    { "\x04\x01\x00\x01\x7f\x00\x00\x01\x00\x50", 10, "05010001000000000000" },
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    socks_parser_t p;
    size_t consumed;
    socks_parser_init(&p, SOCKS_OPT_ISOLATE_AUTH);
    FEED(&p, "\x05\x01\x00", SOCKS_REPLY, "0500");
    UT_EQ_INT(socks_parse(&p, (const uint8_t *)cases[i].msg, cases[i].len,
                          &consumed), SOCKS_ERROR);
    UT_EQ_HEX(p.reply, p.reply_len, cases[i].reply);
  }
}

UNITTEST(socks, unknown_version_and_http)
{
  socks_parser_t p;
  size_t consumed;
  const char *page;
  /* One byte is not enough to decide (tor waits for two). */
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (const uint8_t *)"G", 1, &consumed),
            SOCKS_NEED_MORE);
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (const uint8_t *)"\x06\x01", 2, &consumed),
            SOCKS_ERROR);
  UT_EQ_INT(p.reply_len, 0);
  socks_parser_init(&p, 0);
  UT_EQ_INT(socks_parse(&p, (const uint8_t *)"XY", 2, &consumed),
            SOCKS_ERROR);
  UT_EQ_INT(p.reply_len, 0);
  for (int i = 0; i < 5; i++) {
    static const char *const starts[] = {
      "GET / HTTP/1.1\r\n", "HEAD / HTTP/1.0\r\n", "POST / HTTP/1.0\r\n",
      "PUT / HTTP/1.0\r\n", "CONNECT example.com:443 HTTP/1.1\r\n" };
    socks_parser_init(&p, 0);
    UT_EQ_INT(socks_parse(&p, (const uint8_t *)starts[i], strlen(starts[i]),
                          &consumed), SOCKS_ERROR);
    page = (const char *)p.reply;
    UT_ASSERT(p.reply_len > 100);
    /* The status line real tor sends. */
    UT_ASSERT(!strncmp(page, "HTTP/1.0 501 Tor is not an HTTP Proxy\r\n"
                       "Content-Type: text/html; charset=iso-8859-1\r\n\r\n",
                       39 + 45 + 2));
  }
}

UNITTEST(socks, reply_builders)
{
  uint8_t out[SOCKS_REPLY_MAX];
  static const uint8_t v4[4] = { 93, 184, 216, 34 };
  static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0, 0, 1 };
  UT_EQ_INT(socks4_reply(out, SOCKS4_GRANTED, v4, 80), 8);
  UT_EQ_HEX(out, 8, "005a00505db8d822");
  UT_EQ_INT(socks4_reply(out, SOCKS4_REJECTED, NULL, 0), 8);
  UT_EQ_HEX(out, 8, "005b000000000000");
  UT_EQ_INT(socks5_reply(out, SOCKS5_SUCCEEDED, SOCKS_ADDR_IPV4, v4, 4, 443),
            10);
  UT_EQ_HEX(out, 10, "050000015db8d82201bb");
  UT_EQ_INT(socks5_reply(out, SOCKS5_SUCCEEDED, SOCKS_ADDR_IPV6, v6, 16, 0),
            22);
  UT_EQ_HEX(out, 22, "0500000420010db8000000000000000000000001" "0000");
  UT_EQ_INT(socks5_reply(out, SOCKS5_SUCCEEDED, SOCKS_ADDR_HOSTNAME,
                         (const uint8_t *)"localhost", 9, 0), 16);
  UT_EQ_HEX(out, 16, "0500000309" "6c6f63616c686f7374" "0000");
  UT_EQ_INT(socks5_reply(out, SOCKS5_TTL_EXPIRED, SOCKS_ADDR_IPV4, NULL, 0, 0),
            10);
  UT_EQ_HEX(out, 10, "05060001000000000000");
}

UNITTEST(socks, end_reason_mapping)
{
  /* tor-spec 6.3 reason numbers. */
  UT_EQ_INT(socks5_rep_from_end_reason(1), SOCKS5_GENERAL_FAILURE);
  UT_EQ_INT(socks5_rep_from_end_reason(2), SOCKS5_HOST_UNREACHABLE);
  UT_EQ_INT(socks5_rep_from_end_reason(3), SOCKS5_CONNECTION_REFUSED);
  UT_EQ_INT(socks5_rep_from_end_reason(4), SOCKS5_NOT_ALLOWED);
  UT_EQ_INT(socks5_rep_from_end_reason(5), SOCKS5_GENERAL_FAILURE);
  UT_EQ_INT(socks5_rep_from_end_reason(6), SOCKS5_GENERAL_FAILURE);
  UT_EQ_INT(socks5_rep_from_end_reason(7), SOCKS5_TTL_EXPIRED);
  UT_EQ_INT(socks5_rep_from_end_reason(8), SOCKS5_NET_UNREACHABLE);
  UT_EQ_INT(socks5_rep_from_end_reason(12), SOCKS5_CONNECTION_REFUSED);
  UT_EQ_INT(socks5_rep_from_end_reason(14), SOCKS5_GENERAL_FAILURE);
  UT_EQ_INT(socks5_rep_from_end_reason(200), SOCKS5_GENERAL_FAILURE);
}
