/* Tests for lib/compress: bodies real tor 0.4.9.11 served on its DirPort
 * (deflate, x-zstd, x-tor-lzma) and files made by the gzip, xz and zstd
 * tools, decompressed and compared with the SHA-256 of what Python's
 * zlib/lzma modules and the zstd tool produced (tests/vectors/http/
 * expected.sha256). Negative tests: truncation, corruption, bombs, limits. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "lib/compress/compress.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/encoding/base16.h"
#include "lib/fs/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole fixture from tests/vectors/http; free() it. */
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

/* The body of a captured HTTP response (after CRLF CRLF). */
static const uint8_t *
http_body(const uint8_t *resp, size_t len, size_t *body_len)
{
  for (size_t i = 0; i + 4 <= len; i++) {
    if (!memcmp(resp + i, "\r\n\r\n", 4)) {
      *body_len = len - i - 4;
      return resp + i + 4;
    }
  }
  unittest_fail(__FILE__, __LINE__, "no end of headers");
}

/* The hex digest expected.sha256 gives for a reference file name. */
static void
expected_sha256(const char *ref, char out[65])
{
  size_t len;
  char *sums = (char *)read_vector("expected.sha256", &len);
  char *line = sums;
  while (line && *line) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = 0;
    if (strlen(line) > 66 && !strcmp(line + 66, ref)) {
      memcpy(out, line, 64);
      out[64] = 0;
      free(sums);
      return;
    }
    line = nl ? nl + 1 : NULL;
  }
  free(sums);
  unittest_fail(__FILE__, __LINE__, "no sum for %s", ref);
}

static void
check_sha256(const uint8_t *data, size_t len, const char *ref)
{
  uint8_t d[DIGEST256_LEN];
  char got[65], want[65];
  expected_sha256(ref, want);
  crypto_digest_sha256(d, data, len);
  base16_encode_lower(got, sizeof(got), d, sizeof(d));
  UT_EQ_STR(got, want);
}

/* Decompresses with output handed out `chunk` bytes at a time and input
 * fed `inchunk` bytes at a time; returns the status of the last call. */
static compress_status_t
stream_decompress(compress_method_t m, const uint8_t *in, size_t inlen,
                  size_t inchunk, size_t chunk, size_t max_output,
                  uint8_t *out, size_t outcap, size_t *outlen)
{
  compress_state_t *st = compress_state_new(m, 0, 0, max_output);
  compress_status_t rv = COMPRESS_ERROR;
  size_t used = 0;
  UT_ASSERT(st);
  for (;;) {
    size_t feed = inlen < inchunk ? inlen : inchunk;
    size_t feed_left = feed;
    const uint8_t *p = in;
    int finish = feed == inlen;
    for (;;) {
      uint8_t *o = out + used;
      size_t room = outcap - used < chunk ? outcap - used : chunk;
      size_t room0 = room;
      rv = compress_process(st, &p, &feed_left, &o, &room, finish);
      used += room0 - room;
      if (rv != COMPRESS_NEED_OUTPUT || used == outcap)
        break;
    }
    in += feed - feed_left;
    inlen -= feed - feed_left;
    if (rv == COMPRESS_ERROR || rv == COMPRESS_DONE ||
        (rv == COMPRESS_NEED_OUTPUT && used == outcap))
      break;
    if (finish && feed_left == 0)
      break;
  }
  *outlen = used;
  compress_state_free(st);
  return rv;
}

static void
check_http_vector(const char *file, compress_method_t m, const char *ref)
{
  size_t len, blen, outlen;
  uint8_t *resp = read_vector(file, &len);
  const uint8_t *body = http_body(resp, len, &blen);
  uint8_t *out = NULL;
  static uint8_t buf[1 << 16];
  UT_EQ_INT(compress_method_detect(body, blen), m);
  UT_EQ_INT(compress_decompress_all(m, body, blen, 1 << 20, &out, &outlen), 0);
  check_sha256(out, outlen, ref);
  free(out);
  /* Streaming, in awkward pieces. */
  UT_EQ_INT(stream_decompress(m, body, blen, 7, 13, 1 << 20, buf,
                              sizeof(buf), &outlen), COMPRESS_DONE);
  check_sha256(buf, outlen, ref);
  UT_EQ_INT(stream_decompress(m, body, blen, 1, 1, 1 << 20, buf,
                              sizeof(buf), &outlen), COMPRESS_DONE);
  check_sha256(buf, outlen, ref);
  free(resp);
}

UNITTEST(compress, real_tor_bodies)
{
  check_http_vector("consensus-microdesc.deflate.http",
                    COMPRESS_METHOD_DEFLATE, "cm.from-deflate");
  check_http_vector("consensus-microdesc.zstd.http",
                    COMPRESS_METHOD_ZSTD, "cm.from-zstd");
  check_http_vector("consensus-microdesc.lzma.http",
                    COMPRESS_METHOD_LZMA, "cm.from-lzma");
  check_http_vector("server-all.deflate.http",
                    COMPRESS_METHOD_DEFLATE, "sa.from-deflate");
  check_http_vector("keys-all.deflate.http",
                    COMPRESS_METHOD_DEFLATE, "ka.from-deflate");
  check_http_vector("keys-all.zstd.http",
                    COMPRESS_METHOD_ZSTD, "ka.from-zstd");
  check_http_vector("consensus-microdesc.identity.http",
                    COMPRESS_METHOD_IDENTITY, "cm.from-deflate");
}

static void
check_file_vector(const char *file, compress_method_t m, const char *ref)
{
  size_t len, outlen;
  uint8_t *in = read_vector(file, &len);
  uint8_t *out = NULL;
  static uint8_t buf[1 << 16];
  UT_EQ_INT(compress_method_detect(in, len), m);
  UT_EQ_INT(compress_decompress_all(m, in, len, 1 << 20, &out, &outlen), 0);
  check_sha256(out, outlen, ref);
  free(out);
  UT_EQ_INT(stream_decompress(m, in, len, 5, 11, 1 << 20, buf, sizeof(buf),
                              &outlen), COMPRESS_DONE);
  check_sha256(buf, outlen, ref);
  free(in);
}

UNITTEST(compress, gzip_and_concatenated_streams)
{
  check_file_vector("consensus-microdesc.body.gz", COMPRESS_METHOD_GZIP,
                    "cm.from-deflate");
  check_file_vector("concat.deflate", COMPRESS_METHOD_DEFLATE, "concat.ref");
  check_file_vector("concat.gz", COMPRESS_METHOD_GZIP, "concat.ref");
  check_file_vector("concat.zst", COMPRESS_METHOD_ZSTD, "concat.ref");
  check_file_vector("concat.lzma", COMPRESS_METHOD_LZMA, "concat.ref");
}

UNITTEST(compress, method_names)
{
  UT_EQ_INT(compress_method_from_name("deflate", 7), COMPRESS_METHOD_DEFLATE);
  UT_EQ_INT(compress_method_from_name(" GZIP ", 6), COMPRESS_METHOD_GZIP);
  UT_EQ_INT(compress_method_from_name("x-zstd", 6), COMPRESS_METHOD_ZSTD);
  UT_EQ_INT(compress_method_from_name("x-tor-lzma", 10), COMPRESS_METHOD_LZMA);
  UT_EQ_INT(compress_method_from_name("identity", 8),
            COMPRESS_METHOD_IDENTITY);
  UT_EQ_INT(compress_method_from_name("br", 2), COMPRESS_METHOD_UNKNOWN);
  UT_EQ_INT(compress_method_from_name("deflat", 6), COMPRESS_METHOD_UNKNOWN);
  UT_EQ_INT(compress_method_from_name("", 0), COMPRESS_METHOD_UNKNOWN);
  UT_EQ_STR(compress_method_name(COMPRESS_METHOD_LZMA), "x-tor-lzma");
  UT_EQ_STR(compress_method_name(COMPRESS_METHOD_ZSTD), "x-zstd");
  UT_ASSERT(compress_method_name(COMPRESS_METHOD_UNKNOWN) == NULL);
  UT_EQ_INT(compress_method_detect((const uint8_t *)"n", 1),
            COMPRESS_METHOD_UNKNOWN);
  UT_EQ_INT(compress_method_detect((const uint8_t *)"network-status", 14),
            COMPRESS_METHOD_IDENTITY);
}

static void
check_bomb(const char *file, compress_method_t m)
{
  size_t len, outlen;
  uint8_t *in = read_vector(file, &len);
  uint8_t *out = NULL;
  static uint8_t buf[1 << 20];
  /* A generous max_output: only the ratio rule can stop it. */
  UT_EQ_INT(compress_decompress_all(m, in, len, 64u << 20, &out, &outlen), -1);
  UT_ASSERT(out == NULL);
  UT_EQ_INT(stream_decompress(m, in, len, 4096, 4096, 64u << 20, buf,
                              sizeof(buf), &outlen), COMPRESS_ERROR);
  /* Stopped soon after the check starts, not after megabytes. */
  UT_ASSERT(outlen < len * COMPRESS_BOMB_MAX_RATIO + 8192 ||
            outlen <= COMPRESS_BOMB_CHECK_AFTER + 8192);
  free(in);
}

UNITTEST(compress, bombs_refused)
{
  check_bomb("bomb.deflate", COMPRESS_METHOD_DEFLATE);
  check_bomb("bomb.gz", COMPRESS_METHOD_GZIP);
  check_bomb("bomb.zst", COMPRESS_METHOD_ZSTD);
  check_bomb("bomb.lzma", COMPRESS_METHOD_LZMA);
}

static void
check_truncated_and_corrupt(const char *file, compress_method_t m)
{
  size_t len, blen, outlen;
  uint8_t *resp = read_vector(file, &len);
  const uint8_t *body = http_body(resp, len, &blen);
  uint8_t *copy = malloc(blen);
  uint8_t *out = NULL;
  static uint8_t buf[1 << 16];
  /* Truncated: every tenth prefix length, and one byte short. */
  for (size_t cut = 1; cut < blen; cut += blen / 10) {
    UT_EQ_INT(compress_decompress_all(m, body, cut, 1 << 20, &out, &outlen),
              -1);
  }
  UT_EQ_INT(compress_decompress_all(m, body, blen - 1, 1 << 20, &out,
                                    &outlen), -1);
  /* Fed without `finish`, a prefix is simply incomplete. */
  {
    compress_state_t *st = compress_state_new(m, 0, 0, 1 << 20);
    const uint8_t *p = body;
    size_t left = blen / 2, room = sizeof(buf);
    uint8_t *o = buf;
    UT_EQ_INT(compress_process(st, &p, &left, &o, &room, 0),
              COMPRESS_NEED_INPUT);
    UT_EQ_INT(left, 0);
    left = 0;
    UT_EQ_INT(compress_process(st, &p, &left, &o, &room, 1), COMPRESS_ERROR);
    compress_state_free(st);
  }
  /* Corrupt: flip 16 bytes after the first 8 (Python's zlib and lzma and
   * the zstd tool all reject these; tor's zstd frames carry no checksum,
   * so flips deep inside may decode silently, with the zstd tool too);
   * then garbage after a good stream. */
  memcpy(copy, body, blen);
  for (size_t i = 8; i < 24; i++)
    copy[i] ^= 0x5a;
  UT_EQ_INT(compress_decompress_all(m, copy, blen, 1 << 20, &out, &outlen),
            -1);
  UT_EQ_INT(stream_decompress(m, copy, blen, 100, 100, 1 << 20, buf,
                              sizeof(buf), &outlen), COMPRESS_ERROR);
  {
    uint8_t *tail = malloc(blen + 8);
    memcpy(tail, body, blen);
    memcpy(tail + blen, "garbage!", 8);
    UT_EQ_INT(compress_decompress_all(m, tail, blen + 8, 1 << 20, &out,
                                      &outlen), -1);
    free(tail);
  }
  /* Over max_output. */
  UT_EQ_INT(compress_decompress_all(m, body, blen, 1000, &out, &outlen), -1);
  free(copy);
  free(resp);
}

UNITTEST(compress, truncated_corrupt_too_big)
{
  check_truncated_and_corrupt("consensus-microdesc.deflate.http",
                              COMPRESS_METHOD_DEFLATE);
  check_truncated_and_corrupt("consensus-microdesc.zstd.http",
                              COMPRESS_METHOD_ZSTD);
  check_truncated_and_corrupt("consensus-microdesc.lzma.http",
                              COMPRESS_METHOD_LZMA);
}

UNITTEST(compress, max_output_exact)
{
  size_t len, blen, outlen;
  uint8_t *resp = read_vector("consensus-microdesc.zstd.http", &len);
  const uint8_t *body = http_body(resp, len, &blen);
  uint8_t *out = NULL;
  /* The body is 5920 bytes: exactly that is allowed, one less is not. */
  UT_EQ_INT(compress_decompress_all(COMPRESS_METHOD_ZSTD, body, blen, 5920,
                                    &out, &outlen), 0);
  UT_EQ_INT(outlen, 5920);
  free(out);
  UT_EQ_INT(compress_decompress_all(COMPRESS_METHOD_ZSTD, body, blen, 5919,
                                    &out, &outlen), -1);
  free(resp);
}

/* What our compressor writes must decompress with another implementation
 * (Python's zlib and lzma modules, the zstd tool) to the original bytes;
 * the round trip through our own decoder is checked too. */
static void
check_with_other_tool(compress_method_t m, const uint8_t *packed,
                      size_t packed_len, const uint8_t *plain,
                      size_t plain_len)
{
  static const char *const cmd[] = {
    [COMPRESS_METHOD_IDENTITY] = "cat",
    [COMPRESS_METHOD_DEFLATE] = "/usr/bin/python3 -c 'import sys,zlib; "
      "sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1],\"rb\")"
      ".read()))'",
    [COMPRESS_METHOD_GZIP] = "/usr/bin/python3 -c 'import sys,zlib; "
      "sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1],\"rb\")"
      ".read(), 31))'",
    [COMPRESS_METHOD_ZSTD] = "zstd -q -dc",
    [COMPRESS_METHOD_LZMA] = "/usr/bin/python3 -c 'import sys,lzma; "
      "sys.stdout.buffer.write(lzma.decompress(open(sys.argv[1],\"rb\")"
      ".read(), format=lzma.FORMAT_ALONE))'",
  };
  char path[512], outpath[600], line[1400], err[256];
  size_t got_len = 0;
  int missing;
  char *got;
  snprintf(path, sizeof(path), "%s/packed.%d", unittest_tmpdir(), (int)m);
  snprintf(outpath, sizeof(outpath), "%s.out", path);
  UT_EQ_INT(fs_write_file_atomic(path, packed, packed_len, 0600, err,
                                 sizeof(err)), 0);
  snprintf(line, sizeof(line), "%s %s > %s", cmd[m], path, outpath);
  UT_EQ_INT(system(line), 0);
  got = fs_read_file(outpath, 1 << 24, &got_len, &missing, err, sizeof(err));
  UT_ASSERT(got);
  UT_EQ_INT(got_len, plain_len);
  UT_EQ_MEM(got, plain, plain_len);
  free(got);
}

UNITTEST(compress, compress_checked_by_other_tools)
{
  static const compress_method_t methods[] = {
    COMPRESS_METHOD_DEFLATE, COMPRESS_METHOD_GZIP, COMPRESS_METHOD_ZSTD,
    COMPRESS_METHOD_LZMA, COMPRESS_METHOD_IDENTITY };
  size_t len, blen;
  uint8_t *resp = read_vector("server-all.deflate.http", &len);
  const uint8_t *body = http_body(resp, len, &blen);
  uint8_t *plain = NULL, *packed = NULL, *back = NULL;
  size_t plain_len, packed_len, back_len;
  UT_EQ_INT(compress_decompress_all(COMPRESS_METHOD_DEFLATE, body, blen,
                                    1 << 20, &plain, &plain_len), 0);
  for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
    UT_EQ_INT(compress_compress_all(methods[i], 0, plain, plain_len, &packed,
                                    &packed_len), 0);
    UT_EQ_INT(compress_method_detect(packed, packed_len), methods[i]);
    if (methods[i] != COMPRESS_METHOD_IDENTITY)
      UT_ASSERT(packed_len < plain_len);
    check_with_other_tool(methods[i], packed, packed_len, plain, plain_len);
    UT_EQ_INT(compress_decompress_all(methods[i], packed, packed_len, 1 << 20,
                                      &back, &back_len), 0);
    UT_EQ_INT(back_len, plain_len);
    UT_EQ_MEM(back, plain, plain_len);
    free(packed);
    free(back);
  }
  free(plain);
  free(resp);
}
