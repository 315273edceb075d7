/* Streaming compression and decompression over zlib, libzstd and liblzma,
 * with the limits a directory client needs against hostile servers. */
#include "orconfig.h"
#include "lib/compress/compress.h"
#include "lib/log/log.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

struct compress_state_t {
  compress_method_t method;
  int compress;       /* 1: compressor, 0: decompressor */
  int level;
  size_t max_output;  /* decompression only */
  size_t in_total;
  size_t out_total;
  int in_stream;      /* decompressor: a stream began and has not ended */
  int need_restart;   /* decompressor: a stream ended; reset before more */
  int finished;       /* compressor: the trailer is written */
  int z_ready;
  z_stream z;
  ZSTD_DStream *zstd_d;
  ZSTD_CStream *zstd_c;
  int lzma_ready;
  lzma_stream lz;
};

static const struct {
  const char *name;
  compress_method_t method;
} method_names[] = {
  { "identity", COMPRESS_METHOD_IDENTITY },
  { "deflate", COMPRESS_METHOD_DEFLATE },
  { "gzip", COMPRESS_METHOD_GZIP },
  { "x-zstd", COMPRESS_METHOD_ZSTD },
  { "x-tor-lzma", COMPRESS_METHOD_LZMA },
};

compress_method_t
compress_method_from_name(const char *name, size_t len)
{
  while (len && (*name == ' ' || *name == '\t')) {
    name++;
    len--;
  }
  while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
    len--;
  for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
    if (strlen(method_names[i].name) == len &&
        !strncasecmp(method_names[i].name, name, len))
      return method_names[i].method;
  }
  return COMPRESS_METHOD_UNKNOWN;
}

const char *
compress_method_name(compress_method_t method)
{
  for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
    if (method_names[i].method == method)
      return method_names[i].name;
  }
  return NULL;
}

compress_method_t
compress_method_detect(const uint8_t *data, size_t len)
{
  static const uint8_t zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
  if (len < 2)
    return COMPRESS_METHOD_UNKNOWN;
  /* RFC 1950: CM 8 (deflate), window <= 32K, and the header check. */
  if ((data[0] & 0x0f) == 8 && (data[0] >> 4) <= 7 &&
      ((data[0] << 8) | data[1]) % 31 == 0)
    return COMPRESS_METHOD_DEFLATE;
  if (data[0] == 0x1f && data[1] == 0x8b)
    return COMPRESS_METHOD_GZIP;
  if (len < 4)
    return COMPRESS_METHOD_UNKNOWN;
  if (!memcmp(data, zstd_magic, 4))
    return COMPRESS_METHOD_ZSTD;
  /* .lzma: the properties byte tor's presets write (lc=3 lp=0 pb=2), then
   * a little-endian dictionary size that is a power of two here. */
  if (data[0] == 0x5d && data[1] == 0x00)
    return COMPRESS_METHOD_LZMA;
  return COMPRESS_METHOD_IDENTITY;
}

/* ---- setting up the libraries ---- */

static int
backend_init(compress_state_t *st)
{
  switch (st->method) {
  case COMPRESS_METHOD_IDENTITY:
    return 0;
  case COMPRESS_METHOD_DEFLATE:
  case COMPRESS_METHOD_GZIP: {
    /* windowBits 15; +16 selects the gzip wrapper. */
    int bits = st->method == COMPRESS_METHOD_GZIP ? 15 + 16 : 15;
    int rv;
    memset(&st->z, 0, sizeof(st->z));
    if (st->compress)
      rv = deflateInit2(&st->z, st->level ? st->level : Z_DEFAULT_COMPRESSION,
                        Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY);
    else
      rv = inflateInit2(&st->z, bits);
    if (rv != Z_OK)
      return -1;
    st->z_ready = 1;
    return 0;
  }
  case COMPRESS_METHOD_ZSTD:
    if (st->compress) {
      st->zstd_c = ZSTD_createCStream();
      if (!st->zstd_c ||
          ZSTD_isError(ZSTD_initCStream(st->zstd_c, st->level ? st->level : 3)))
        return -1;
    } else {
      st->zstd_d = ZSTD_createDStream();
      if (!st->zstd_d || ZSTD_isError(ZSTD_initDStream(st->zstd_d)))
        return -1;
    }
    return 0;
  case COMPRESS_METHOD_LZMA: {
    lzma_stream fresh = LZMA_STREAM_INIT;
    lzma_ret rv;
    st->lz = fresh;
    if (st->compress) {
      lzma_options_lzma opt;
      uint32_t preset = st->level ? (uint32_t)st->level : 6;
      if (preset > 6)
        preset = 6;
      if (lzma_lzma_preset(&opt, preset))
        return -1;
      rv = lzma_alone_encoder(&st->lz, &opt);
    } else {
      rv = lzma_alone_decoder(&st->lz, COMPRESS_LZMA_MEMLIMIT);
    }
    if (rv != LZMA_OK)
      return -1;
    st->lzma_ready = 1;
    return 0;
  }
  default:
    return -1;
  }
}

static void
backend_end(compress_state_t *st)
{
  if (st->z_ready) {
    if (st->compress)
      deflateEnd(&st->z);
    else
      inflateEnd(&st->z);
    st->z_ready = 0;
  }
  ZSTD_freeDStream(st->zstd_d);
  ZSTD_freeCStream(st->zstd_c);
  st->zstd_d = NULL;
  st->zstd_c = NULL;
  if (st->lzma_ready) {
    lzma_end(&st->lz);
    st->lzma_ready = 0;
  }
}

/* Ready the decoder for the next of several concatenated streams. */
static int
backend_restart(compress_state_t *st)
{
  switch (st->method) {
  case COMPRESS_METHOD_DEFLATE:
  case COMPRESS_METHOD_GZIP:
    return inflateReset(&st->z) == Z_OK ? 0 : -1;
  case COMPRESS_METHOD_LZMA:
    lzma_end(&st->lz);
    st->lzma_ready = 0;
    return backend_init(st);
  default:
    return 0; /* zstd moves to the next frame by itself */
  }
}

compress_state_t *
compress_state_new(compress_method_t method, int compress, int level,
                   size_t max_output)
{
  compress_state_t *st;
  if (method < COMPRESS_METHOD_IDENTITY || method > COMPRESS_METHOD_LZMA)
    return NULL;
  st = calloc(1, sizeof(*st));
  if (!st)
    return NULL;
  st->method = method;
  st->compress = compress ? 1 : 0;
  st->level = level < 0 ? 0 : level;
  st->max_output = max_output;
  if (backend_init(st) < 0) {
    log_warn(LD_GENERAL, "Could not set up %s %scompression",
             compress_method_name(method), compress ? "" : "de");
    compress_state_free(st);
    return NULL;
  }
  return st;
}

void
compress_state_free(compress_state_t *st)
{
  if (!st)
    return;
  backend_end(st);
  free(st);
}

size_t
compress_state_bytes_in(const compress_state_t *st)
{
  return st->in_total;
}

size_t
compress_state_bytes_out(const compress_state_t *st)
{
  return st->out_total;
}

/* ---- one call into a library ---- */

/* Runs the library once. *ended: a decompressed stream ended, or the
 * compressor wrote its whole trailer. Returns 0, or -1 on a data error. */
static int
backend_run(compress_state_t *st, const uint8_t **in, size_t *inlen,
            uint8_t **out, size_t *outlen, int finish, int *ended)
{
  *ended = 0;
  switch (st->method) {
  case COMPRESS_METHOD_IDENTITY: {
    size_t n = *inlen < *outlen ? *inlen : *outlen;
    memcpy(*out, *in, n);
    *in += n;
    *inlen -= n;
    *out += n;
    *outlen -= n;
    if (st->compress && finish && *inlen == 0)
      *ended = 1;
    return 0;
  }
  case COMPRESS_METHOD_DEFLATE:
  case COMPRESS_METHOD_GZIP: {
    /* zlib counts in uInt; hand it at most 1 GiB at a time. */
    uInt in_n = *inlen > (1u << 30) ? (1u << 30) : (uInt)*inlen;
    uInt out_n = *outlen > (1u << 30) ? (1u << 30) : (uInt)*outlen;
    int rv;
    st->z.next_in = (Bytef *)(uintptr_t)*in;
    st->z.avail_in = in_n;
    st->z.next_out = *out;
    st->z.avail_out = out_n;
    if (st->compress)
      rv = deflate(&st->z, finish && in_n == *inlen ? Z_FINISH : Z_NO_FLUSH);
    else
      rv = inflate(&st->z, Z_NO_FLUSH);
    *in += in_n - st->z.avail_in;
    *inlen -= in_n - st->z.avail_in;
    *out += out_n - st->z.avail_out;
    *outlen -= out_n - st->z.avail_out;
    if (rv == Z_STREAM_END)
      *ended = 1;
    else if (rv != Z_OK && rv != Z_BUF_ERROR)
      return -1;
    return 0;
  }
  case COMPRESS_METHOD_ZSTD: {
    ZSTD_inBuffer ib = { *in, *inlen, 0 };
    ZSTD_outBuffer ob = { *out, *outlen, 0 };
    size_t rv;
    if (st->compress)
      rv = ZSTD_compressStream2(st->zstd_c, &ob, &ib,
                                finish ? ZSTD_e_end : ZSTD_e_continue);
    else
      rv = ZSTD_decompressStream(st->zstd_d, &ob, &ib);
    *in += ib.pos;
    *inlen -= ib.pos;
    *out += ob.pos;
    *outlen -= ob.pos;
    if (ZSTD_isError(rv))
      return -1;
    /* 0: a frame was fully decoded and flushed, or (compressing with
     * ZSTD_e_end) the epilogue is fully written. */
    if (rv == 0 && (!st->compress || finish))
      *ended = 1;
    return 0;
  }
  case COMPRESS_METHOD_LZMA: {
    lzma_ret rv;
    st->lz.next_in = *in;
    st->lz.avail_in = *inlen;
    st->lz.next_out = *out;
    st->lz.avail_out = *outlen;
    rv = lzma_code(&st->lz, st->compress && finish ? LZMA_FINISH : LZMA_RUN);
    *in += *inlen - st->lz.avail_in;
    *inlen = st->lz.avail_in;
    *out += *outlen - st->lz.avail_out;
    *outlen = st->lz.avail_out;
    if (rv == LZMA_STREAM_END)
      *ended = 1;
    else if (rv != LZMA_OK && rv != LZMA_BUF_ERROR)
      return -1;
    return 0;
  }
  default:
    return -1;
  }
}

/* ---- the streaming loop ---- */

static int
is_compression_bomb(const compress_state_t *st)
{
  if (st->method == COMPRESS_METHOD_IDENTITY ||
      st->out_total <= COMPRESS_BOMB_CHECK_AFTER)
    return 0;
  return st->in_total == 0 ||
         st->out_total / COMPRESS_BOMB_MAX_RATIO > st->in_total;
}

static compress_status_t
decompress_process(compress_state_t *st, const uint8_t **in, size_t *inlen,
                   uint8_t **out, size_t *outlen, int finish)
{
  const char *name = compress_method_name(st->method);
  for (;;) {
    size_t in_before = *inlen, out_before, room, cap;
    uint8_t *out_start = *out;
    int ended = 0;
    if (*inlen == 0 && !st->in_stream)
      return finish ? COMPRESS_DONE : COMPRESS_NEED_INPUT;
    if (*outlen == 0)
      return COMPRESS_NEED_OUTPUT;
    if (st->need_restart) {
      if (backend_restart(st) < 0)
        return COMPRESS_ERROR;
      st->need_restart = 0;
    }
    /* Never let the library write more than one byte past the limit. */
    room = st->max_output - st->out_total;
    cap = room < *outlen ? room + 1 : *outlen;
    out_before = cap;
    if (backend_run(st, in, inlen, out, &cap, finish, &ended) < 0) {
      log_protocol_warn(LD_PROTOCOL, "Corrupt %s data after %zu bytes of "
                        "input.", name, st->in_total);
      return COMPRESS_ERROR;
    }
    *outlen -= out_before - cap;
    st->in_total += in_before - *inlen;
    st->out_total += (size_t)(*out - out_start);
    if (in_before != *inlen && st->method != COMPRESS_METHOD_IDENTITY)
      st->in_stream = 1;
    if (st->out_total > st->max_output) {
      log_protocol_warn(LD_PROTOCOL, "%s data decompresses to more than the "
                        "%zu bytes allowed.", name, st->max_output);
      return COMPRESS_ERROR;
    }
    if (is_compression_bomb(st)) {
      log_protocol_warn(LD_PROTOCOL, "Possible compression bomb: %zu bytes "
                        "of %s became %zu bytes; refusing it.", st->in_total,
                        name, st->out_total);
      return COMPRESS_ERROR;
    }
    if (ended) {
      st->in_stream = 0;
      st->need_restart = 1;
      continue;
    }
    if (in_before == *inlen && *out == out_start) {
      /* No progress. */
      if (cap == 0)
        return COMPRESS_NEED_OUTPUT;
      if (*inlen == 0 && !finish)
        return COMPRESS_NEED_INPUT;
      log_protocol_warn(LD_PROTOCOL, "%s data ends in the middle of a stream "
                        "(%zu bytes of input).", name, st->in_total);
      return COMPRESS_ERROR;
    }
  }
}

static compress_status_t
compressor_process(compress_state_t *st, const uint8_t **in, size_t *inlen,
                   uint8_t **out, size_t *outlen, int finish)
{
  for (;;) {
    size_t in_before = *inlen;
    uint8_t *out_start = *out;
    int ended = 0;
    if (st->finished)
      return COMPRESS_DONE;
    if (*inlen == 0 && !finish)
      return COMPRESS_NEED_INPUT;
    if (*outlen == 0)
      return COMPRESS_NEED_OUTPUT;
    if (backend_run(st, in, inlen, out, outlen, finish, &ended) < 0) {
      log_warn(LD_BUG, "%s compression failed.",
               compress_method_name(st->method));
      return COMPRESS_ERROR;
    }
    st->in_total += in_before - *inlen;
    st->out_total += (size_t)(*out - out_start);
    if (ended) {
      st->finished = 1;
      return COMPRESS_DONE;
    }
    if (in_before == *inlen && *out == out_start) {
      if (*outlen == 0)
        return COMPRESS_NEED_OUTPUT;
      if (*inlen == 0 && !finish)
        return COMPRESS_NEED_INPUT;
      log_warn(LD_BUG, "%s compression made no progress.",
               compress_method_name(st->method));
      return COMPRESS_ERROR;
    }
  }
}

compress_status_t
compress_process(compress_state_t *st, const uint8_t **in, size_t *inlen,
                 uint8_t **out, size_t *outlen, int finish)
{
  if (st->compress)
    return compressor_process(st, in, inlen, out, outlen, finish);
  return decompress_process(st, in, inlen, out, outlen, finish);
}

/* ---- one-shot helpers ---- */

/* Runs st over all of in, growing a buffer; 0 or -1. */
static int
process_all(compress_state_t *st, const uint8_t *in, size_t inlen,
            size_t max_output, uint8_t **out, size_t *outlen)
{
  size_t cap = inlen * 2 + 64, used = 0;
  uint8_t *buf = malloc(cap + 1);
  compress_status_t rv;
  if (!buf)
    return -1;
  for (;;) {
    uint8_t *p = buf + used;
    size_t room = cap - used;
    rv = compress_process(st, &in, &inlen, &p, &room, 1);
    used = (size_t)(p - buf);
    if (rv == COMPRESS_DONE)
      break;
    if (rv != COMPRESS_NEED_OUTPUT) {
      free(buf);
      return -1;
    }
    if (cap > max_output) {
      /* The state would already have failed; be safe anyway. */
      free(buf);
      return -1;
    }
    {
      size_t ncap = cap * 2;
      uint8_t *nbuf = ncap > cap ? realloc(buf, ncap + 1) : NULL;
      if (!nbuf) {
        free(buf);
        return -1;
      }
      buf = nbuf;
      cap = ncap;
    }
  }
  buf[used] = 0;
  *out = buf;
  *outlen = used;
  return 0;
}

int
compress_decompress_all(compress_method_t method, const uint8_t *in,
                        size_t inlen, size_t max_output,
                        uint8_t **out, size_t *outlen)
{
  compress_state_t *st = compress_state_new(method, 0, 0, max_output);
  int rv;
  if (!st)
    return -1;
  rv = process_all(st, in, inlen, max_output, out, outlen);
  compress_state_free(st);
  return rv;
}

int
compress_compress_all(compress_method_t method, int level, const uint8_t *in,
                      size_t inlen, uint8_t **out, size_t *outlen)
{
  compress_state_t *st = compress_state_new(method, 1, level, 0);
  int rv;
  if (!st)
    return -1;
  rv = process_all(st, in, inlen, SIZE_MAX / 4, out, outlen);
  compress_state_free(st);
  return rv;
}
