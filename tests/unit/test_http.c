/* Tests for core/proto/proto_http: requests as dir-spec 6 and tor clients
 * write them; responses real tor 0.4.9.11 sent on its DirPort
 * (the .http files in tests/vectors/http), fed whole, byte by byte and in uneven
 * pieces, whose bodies must decompress to the SHA-256 that Python's
 * zlib/lzma and the zstd tool gave (expected.sha256); hand-written
 * responses from RFC 7230/1945 for headers and limits. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/proto/proto_http.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/encoding/base16.h"
#include "lib/fs/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *
read_vector(const char *name, size_t *len)
{
  char path[256], err[256];
  int missing = 0;
  char *data;
  snprintf(path, sizeof(path), "tests/vectors/http/%s", name);
  data = fs_read_file(unittest_srcpath(path), 1 << 24, len, &missing, err,
                      sizeof(err));
  if (!data)
    unittest_fail(__FILE__, __LINE__, "cannot read %s: %s", path, err);
  return (uint8_t *)data;
}

static void
check_sha256(const uint8_t *data, size_t len, const char *ref)
{
  size_t slen;
  char *sums = (char *)read_vector("expected.sha256", &slen);
  uint8_t d[DIGEST256_LEN];
  char got[65], *line, *at;
  crypto_digest_sha256(d, data, len);
  base16_encode_lower(got, sizeof(got), d, sizeof(d));
  at = strstr(sums, ref);
  UT_ASSERT(at && at - sums >= 66);
  line = at - 66;
  line[64] = 0;
  UT_EQ_STR(got, line);
  free(sums);
}

UNITTEST(http, build_get)
{
  char *req = http_dir_get_new("127.0.0.1:20010",
                               "/tor/status-vote/current/consensus-microdesc",
                               0, NULL);
  UT_EQ_STR(req, "GET /tor/status-vote/current/consensus-microdesc HTTP/1.0\r\n"
                 "Host: 127.0.0.1:20010\r\n"
                 "Accept-Encoding: deflate, identity, x-tor-lzma, x-zstd\r\n"
                 "\r\n");
  free(req);
  req = http_dir_get_new("dir.example", "/tor/hs/3/AAAA", HTTP_REQ_ANONYMOUS,
                         "X-Or-Diff-From-Consensus: ABCD\r\n");
  UT_EQ_STR(req, "GET /tor/hs/3/AAAA HTTP/1.0\r\n"
                 "Host: dir.example\r\n"
                 "Accept-Encoding: deflate, identity\r\n"
                 "X-Or-Diff-From-Consensus: ABCD\r\n"
                 "\r\n");
  free(req);
  req = http_dir_post_head_new("127.0.0.1:20001", "/tor/", 1234, NULL);
  UT_EQ_STR(req, "POST /tor/ HTTP/1.0\r\nHost: 127.0.0.1:20001\r\n"
                 "Content-Length: 1234\r\n\r\n");
  free(req);
  /* Nothing that could end the request line or smuggle a header. */
  UT_ASSERT(http_dir_get_new("h", "/a b", 0, NULL) == NULL);
  UT_ASSERT(http_dir_get_new("h", "/a\r\nX: y", 0, NULL) == NULL);
  UT_ASSERT(http_dir_get_new("h\r\n", "/a", 0, NULL) == NULL);
  UT_ASSERT(http_dir_get_new("h", "tor/", 0, NULL) == NULL);
  UT_ASSERT(http_dir_get_new("", "/tor/", 0, NULL) == NULL);
}

/* Feeds data in pieces of `step` bytes (0: all at once), then EOF. */
static http_response_parser_t *
parse_in_pieces(const uint8_t *data, size_t len, size_t step,
                size_t max_body, http_parse_status_t *last)
{
  http_response_parser_t *p = http_response_parser_new(16384, max_body);
  size_t off = 0;
  *last = HTTP_PARSE_NEED_MORE;
  UT_ASSERT(p);
  while (off < len && *last == HTTP_PARSE_NEED_MORE) {
    size_t n = step && len - off > step ? step : len - off;
    *last = http_response_parser_feed(p, data + off, n, 0);
    off += n;
  }
  if (*last == HTTP_PARSE_NEED_MORE)
    *last = http_response_parser_feed(p, NULL, 0, 1);
  return p;
}

static void
check_capture(const char *file, compress_method_t enc, long content_length,
              const char *ref)
{
  static const size_t steps[] = { 0, 1, 7, 100, 1000 };
  size_t len;
  uint8_t *raw = read_vector(file, &len);
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    http_parse_status_t st;
    http_response_parser_t *p = parse_in_pieces(raw, len, steps[i], 1 << 20,
                                                &st);
    const http_response_t *r = http_response_parser_response(p);
    const uint8_t *body;
    size_t blen, outlen;
    uint8_t *out = NULL;
    char value[64];
    UT_EQ_INT(st, HTTP_PARSE_DONE);
    UT_EQ_INT(r->status, 200);
    UT_EQ_STR(r->reason, "OK");
    UT_EQ_INT(r->http_minor, 0);
    UT_EQ_INT(r->encoding, enc);
    UT_EQ_INT(r->has_content_length, content_length >= 0);
    if (content_length >= 0)
      UT_EQ_INT(r->content_length, content_length);
    UT_EQ_INT(http_response_parser_header(p, "content-type", value,
                                          sizeof(value)), 10);
    UT_EQ_STR(value, "text/plain");
    UT_EQ_INT(http_response_parser_header(p, "X-Missing", value,
                                          sizeof(value)), -1);
    body = http_response_parser_body(p, &blen);
    UT_EQ_INT(http_body_decompress(r, body, blen, 1 << 20, &out, &outlen), 0);
    check_sha256(out, outlen, ref);
    free(out);
    http_response_parser_free(p);
  }
  free(raw);
}

UNITTEST(http, real_tor_responses)
{
  check_capture("consensus-microdesc.identity.http", COMPRESS_METHOD_IDENTITY,
                -1, "cm.from-deflate");
  check_capture("consensus-microdesc.deflate.http", COMPRESS_METHOD_DEFLATE,
                -1, "cm.from-deflate");
  check_capture("consensus-microdesc.zstd.http", COMPRESS_METHOD_ZSTD, -1,
                "cm.from-zstd");
  check_capture("consensus-microdesc.lzma.http", COMPRESS_METHOD_LZMA, -1,
                "cm.from-lzma");
  check_capture("keys-all.identity.http", COMPRESS_METHOD_IDENTITY, 6783,
                "ka.from-deflate");
  check_capture("keys-all.zstd.http", COMPRESS_METHOD_ZSTD, -1,
                "ka.from-zstd");
  check_capture("server-all.deflate.http", COMPRESS_METHOD_DEFLATE, -1,
                "sa.from-deflate");
}

UNITTEST(http, real_tor_not_found)
{
  size_t len, blen;
  uint8_t *raw = read_vector("notfound.http", &len);
  http_parse_status_t st;
  http_response_parser_t *p = parse_in_pieces(raw, len, 3, 1000, &st);
  const http_response_t *r = http_response_parser_response(p);
  UT_EQ_INT(st, HTTP_PARSE_DONE);
  UT_EQ_INT(r->status, 404);
  UT_EQ_STR(r->reason, "Not found");
  http_response_parser_body(p, &blen);
  UT_EQ_INT(blen, 0);
  http_response_parser_free(p);
  free(raw);
}

static http_parse_status_t
feed_str(http_response_parser_t *p, const char *s, int eof)
{
  return http_response_parser_feed(p, (const uint8_t *)s, strlen(s), eof);
}

UNITTEST(http, content_length_and_extra_headers)
{
  http_response_parser_t *p = http_response_parser_new(1024, 100);
  const http_response_t *r = http_response_parser_response(p);
  uint8_t *body;
  size_t blen;
  UT_EQ_INT(feed_str(p, "HTTP/1.0 200 OK\r\nContent-Length:  5 \r\n"
                        "X-Your-Address-Is: 203.0.113.9\r\n"
                        "Content-Encoding: identity\r\n\r\nhel", 0),
            HTTP_PARSE_NEED_MORE);
  UT_ASSERT(http_response_parser_have_headers(p));
  UT_EQ_STR(r->x_your_address_is, "203.0.113.9");
  UT_EQ_INT(r->content_length, 5);
  /* Done at Content-Length without waiting for EOF; extra bytes ignored. */
  UT_EQ_INT(feed_str(p, "lo, and more", 0), HTTP_PARSE_DONE);
  body = http_response_parser_take_body(p, &blen);
  UT_EQ_INT(blen, 5);
  UT_EQ_STR((char *)body, "hello");
  free(body);
  http_response_parser_free(p);

  /* Bare LF line ends, HTTP/1.1, a reason with spaces. */
  p = http_response_parser_new(1024, 100);
  r = http_response_parser_response(p);
  UT_EQ_INT(feed_str(p, "HTTP/1.1 503 Directory busy, try again later\n"
                        "Content-Encoding: x-zstd\n\n", 1), HTTP_PARSE_DONE);
  UT_EQ_INT(r->status, 503);
  UT_EQ_INT(r->http_minor, 1);
  UT_EQ_STR(r->reason, "Directory busy, try again later");
  UT_EQ_INT(r->encoding, COMPRESS_METHOD_ZSTD);
  http_response_parser_free(p);

  /* 304 Not Modified has no body: done at the end of the headers. */
  p = http_response_parser_new(1024, 100);
  UT_EQ_INT(feed_str(p, "HTTP/1.0 304 Not modified\r\n\r\n", 0),
            HTTP_PARSE_DONE);
  UT_EQ_INT(http_response_parser_response(p)->status, 304);
  http_response_parser_free(p);

  /* An unknown Content-Encoding is reported, not fatal. */
  p = http_response_parser_new(1024, 100);
  UT_EQ_INT(feed_str(p, "HTTP/1.0 200 OK\r\nContent-Encoding: br\r\n\r\n", 1),
            HTTP_PARSE_DONE);
  UT_EQ_INT(http_response_parser_response(p)->encoding,
            COMPRESS_METHOD_UNKNOWN);
  http_response_parser_free(p);
}

static void
expect_error(const char *resp, size_t max_head, size_t max_body)
{
  http_response_parser_t *p = http_response_parser_new(max_head, max_body);
  UT_EQ_INT(feed_str(p, resp, 1), HTTP_PARSE_ERROR);
  /* Once failed, always failed. */
  UT_EQ_INT(feed_str(p, "HTTP/1.0 200 OK\r\n\r\n", 1), HTTP_PARSE_ERROR);
  http_response_parser_free(p);
}

UNITTEST(http, malformed_and_limits)
{
  char big[3000];
  http_response_parser_t *p;
  /* Status lines. */
  expect_error("HTTP/2.0 200 OK\r\n\r\n", 1024, 100);
  expect_error("HTTP/1.0 20 OK\r\n\r\n", 1024, 100);
  expect_error("HTTP/1.0 2000 OK\r\n\r\n", 1024, 100);
  expect_error("HTTP/1.0 099 Low\r\n\r\n", 1024, 100);
  expect_error("ICY 200 OK\r\n\r\n", 1024, 100);
  expect_error("\r\n\r\n", 1024, 100);
  /* Headers: no colon; bad or conflicting Content-Length. */
  expect_error("HTTP/1.0 200 OK\r\nNoColonHere\r\n\r\n", 1024, 100);
  expect_error("HTTP/1.0 200 OK\r\nContent-Length: 12x\r\n\r\n", 1024, 100);
  expect_error("HTTP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n", 1024, 100);
  expect_error("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n"
               "Content-Length: 4\r\n\r\nabcd", 1024, 100);
  /* Truncated: headers, or a body shorter than its Content-Length. */
  expect_error("HTTP/1.0 200 OK\r\nContent-Le", 1024, 100);
  expect_error("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1024, 100);
  /* Body over the limit: announced, or read to EOF. */
  expect_error("HTTP/1.0 200 OK\r\nContent-Length: 101\r\n\r\n", 1024, 100);
  memset(big, 'x', sizeof(big));
  memcpy(big, "HTTP/1.0 200 OK\r\n\r\n", 19);
  big[200] = 0;
  expect_error(big, 1024, 100);
  /* Headers over the limit, refused before any blank line comes. */
  p = http_response_parser_new(1024, 100);
  memcpy(big, "HTTP/1.0 200 OK\r\nX-Pad: ", 24);
  memset(big + 24, 'a', sizeof(big) - 25);
  big[sizeof(big) - 1] = 0;
  UT_EQ_INT(feed_str(p, big, 0), HTTP_PARSE_ERROR);
  http_response_parser_free(p);
  /* Exactly at the body limit is fine. */
  p = http_response_parser_new(1024, 5);
  UT_EQ_INT(feed_str(p, "HTTP/1.0 200 OK\r\n\r\n12345", 1), HTTP_PARSE_DONE);
  http_response_parser_free(p);
}

UNITTEST(http, decompress_by_detection)
{
  /* Without Content-Encoding the body's magic decides (tor does the
   * same): a zstd body served with no header still decompresses. */
  size_t len, blen, outlen;
  uint8_t *raw = read_vector("consensus-microdesc.zstd.http", &len);
  const uint8_t *body = (const uint8_t *)strstr((char *)raw, "\r\n\r\n") + 4;
  http_response_t r;
  uint8_t *out = NULL;
  memset(&r, 0, sizeof(r));
  blen = len - (size_t)(body - raw);
  UT_EQ_INT(http_body_decompress(&r, body, blen, 1 << 20, &out, &outlen), 0);
  check_sha256(out, outlen, "cm.from-zstd");
  free(out);
  /* Too big for the caller's limit. */
  UT_EQ_INT(http_body_decompress(&r, body, blen, 4096, &out, &outlen), -1);
  free(raw);
}
