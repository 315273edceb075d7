/* HTTP/1.0 as a tor client uses it for directory requests (dir-spec 6):
 * building GET (and POST) requests, and parsing a server's response as it
 * arrives: status line, headers, then the body until Content-Length or
 * EOF. A hostile directory cannot make us buffer without bound: the
 * header block and the body each have a caller-given maximum.
 *
 * Ownership: http_response_parser_new() / http_response_parser_free();
 * the body stays owned by the parser unless taken with
 * http_response_parser_take_body() (then free() it). Request builders
 * return a new string (free() it). */
#ifndef TOR_CORE_PROTO_PROTO_HTTP_H
#define TOR_CORE_PROTO_PROTO_HTTP_H

#include "lib/compress/compress.h"

#include <stddef.h>
#include <stdint.h>

/* What tor clients put in Accept-Encoding. Over anonymous circuits dir-spec
 * asks for deflate only (anything more is a fingerprint). */
#define HTTP_ACCEPT_ENCODING_ALL "deflate, identity, x-tor-lzma, x-zstd"
#define HTTP_ACCEPT_ENCODING_ANONYMOUS "deflate, identity"

#define HTTP_REQ_ANONYMOUS (1u << 0)

/* "GET path HTTP/1.0", Host, Accept-Encoding, then extra_headers (NULL or
 * complete lines, each ending in CRLF), then the blank line. NULL if host
 * or path hold spaces, control characters, or path does not start '/'. */
char *http_dir_get_new(const char *host, const char *path, unsigned flags,
                       const char *extra_headers);
/* The header block of a POST with a body of body_len bytes (for uploads);
 * the caller sends the body after it. Same checks as above. */
char *http_dir_post_head_new(const char *host, const char *path,
                             size_t body_len, const char *extra_headers);

typedef enum {
  HTTP_PARSE_ERROR = -1,
  HTTP_PARSE_NEED_MORE = 0,
  HTTP_PARSE_DONE = 1,
} http_parse_status_t;

typedef struct http_response_t {
  int status;                 /* 100..599 */
  char reason[128];           /* "OK", "Not found"... (truncated) */
  int http_minor;             /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
  int has_content_length;
  uint64_t content_length;
  /* Content-Encoding: IDENTITY when absent; UNKNOWN when unrecognised. */
  compress_method_t encoding;
  int has_encoding;
  char x_your_address_is[64]; /* "" when absent or too long */
} http_response_t;

typedef struct http_response_parser_t http_response_parser_t;

/* max_header_len bounds status line + headers (tor uses 10 KiB-ish
 * blocks; 16384 is generous); max_body_len bounds the raw body. */
http_response_parser_t *http_response_parser_new(size_t max_header_len,
                                                 size_t max_body_len);
void http_response_parser_free(http_response_parser_t *p);

/* Feeds the next bytes from the server; eof says the server closed (data
 * may be empty then). Returns DONE once the response is complete (later
 * calls return DONE and ignore their data), ERROR for a malformed,
 * truncated or oversized response (the parser is then unusable). */
http_parse_status_t http_response_parser_feed(http_response_parser_t *p,
                                              const uint8_t *data,
                                              size_t len, int eof);

/* Valid once the headers are parsed (after DONE, or NEED_MORE with
 * http_response_parser_have_headers()). */
int http_response_parser_have_headers(const http_response_parser_t *p);
const http_response_t *http_response_parser_response(
                                          const http_response_parser_t *p);
/* The value of header `name` (case-insensitive, first occurrence) copied
 * into out, NUL-terminated; returns its length, or -1 if absent or it does
 * not fit. */
int http_response_parser_header(const http_response_parser_t *p,
                                const char *name, char *out, size_t outlen);
/* The raw (still compressed) body so far. */
const uint8_t *http_response_parser_body(const http_response_parser_t *p,
                                         size_t *len);
/* Hands the body (NUL-terminated, NUL not counted) to the caller. */
uint8_t *http_response_parser_take_body(http_response_parser_t *p,
                                        size_t *len);

/* Decompresses a body by its Content-Encoding (by its magic bytes when the
 * header was absent or unrecognised, as tor does); a new buffer in *out.
 * Returns 0, or -1 (too big, corrupt, a bomb: see compress.h). */
int http_body_decompress(const http_response_t *resp, const uint8_t *body,
                         size_t body_len, size_t max_output,
                         uint8_t **out, size_t *outlen);

#endif
