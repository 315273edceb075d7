/* Compression as tor's directory protocol uses it (dir-spec 6.1): the HTTP
 * Content-Encodings "identity", "deflate" (zlib format, RFC 1950), "gzip"
 * (RFC 1952), "x-zstd" (zstd frames) and "x-tor-lzma" (the legacy .lzma
 * "alone" container, LZMA1 with an end marker -- what tor 0.4.9 serves,
 * starting 5d 00 00 80 00 ff*8).
 *
 * A compress_state_t is one streaming (de)compressor, made with
 * compress_state_new() and released with compress_state_free(). Feed it
 * input and output space with compress_process(); both pointers advance.
 *
 * Decompression accepts concatenated streams (dir-spec: "concatenated
 * compressed documents" must work), refuses more than max_output bytes in
 * total, and refuses compression bombs: once more than
 * COMPRESS_BOMB_CHECK_AFTER bytes came out, output may not exceed
 * COMPRESS_BOMB_MAX_RATIO times the input consumed (the bound tor uses). */
#ifndef TOR_LIB_COMPRESS_COMPRESS_H
#define TOR_LIB_COMPRESS_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  COMPRESS_METHOD_UNKNOWN = -1,
  COMPRESS_METHOD_IDENTITY = 0,
  COMPRESS_METHOD_DEFLATE = 1,
  COMPRESS_METHOD_GZIP = 2,
  COMPRESS_METHOD_ZSTD = 3,
  COMPRESS_METHOD_LZMA = 4,
} compress_method_t;

#define COMPRESS_BOMB_CHECK_AFTER (64u * 1024u)
#define COMPRESS_BOMB_MAX_RATIO 25u
/* The most memory an x-tor-lzma stream may make the decoder use: the
 * dictionary of preset 6 (the highest dir-spec allows) is 8 MiB. */
#define COMPRESS_LZMA_MEMLIMIT (16u * 1024u * 1024u)

/* "deflate", "gzip", "x-zstd", "x-tor-lzma", "identity" (case-insensitive,
 * surrounding spaces ignored) to a method; UNKNOWN otherwise. */
compress_method_t compress_method_from_name(const char *name, size_t len);
/* The Content-Encoding name of a method; NULL for UNKNOWN. */
const char *compress_method_name(compress_method_t method);
/* Guess a method from a body's first bytes (magic numbers); IDENTITY when
 * none matches, UNKNOWN when len is too short to tell. */
compress_method_t compress_method_detect(const uint8_t *data, size_t len);

typedef enum {
  COMPRESS_NEED_INPUT = 0,  /* all input consumed; give more (or finish) */
  COMPRESS_NEED_OUTPUT = 1, /* output space is full; call again */
  COMPRESS_DONE = 2,        /* finished: every stream ended, all flushed */
  COMPRESS_ERROR = -1,      /* corrupt, truncated, too big or a bomb */
} compress_status_t;

typedef struct compress_state_t compress_state_t;

/* A decompressor (compress == 0) or compressor (compress == 1) for method.
 * max_output bounds the total decompressed size (ignored when
 * compressing). Level is 1..9 for deflate/gzip/lzma (lzma is capped at 6),
 * 1..19 for zstd, 0 for a sensible default. NULL for UNKNOWN. */
compress_state_t *compress_state_new(compress_method_t method, int compress,
                                     int level, size_t max_output);
void compress_state_free(compress_state_t *st);

/* Runs the (de)compressor over *in (advancing *in, decreasing *inlen) into
 * *out (advancing *out, decreasing *outlen). `finish` says no more input
 * will come: a decompressor then reports a truncated stream as an error; a
 * compressor writes its trailer. */
compress_status_t compress_process(compress_state_t *st,
                                   const uint8_t **in, size_t *inlen,
                                   uint8_t **out, size_t *outlen, int finish);

/* Totals so far. */
size_t compress_state_bytes_in(const compress_state_t *st);
size_t compress_state_bytes_out(const compress_state_t *st);

/* One-shot helpers: a new malloc'd buffer (free() it, NUL-terminated for
 * convenience, the NUL not counted) in *out. Return 0 or -1. */
int compress_decompress_all(compress_method_t method, const uint8_t *in,
                            size_t inlen, size_t max_output,
                            uint8_t **out, size_t *outlen);
int compress_compress_all(compress_method_t method, int level,
                          const uint8_t *in, size_t inlen,
                          uint8_t **out, size_t *outlen);

#endif
