/* HTTP/1.0 directory requests and an incremental, bounded response parser. */
#include "orconfig.h"
#include "core/proto/proto_http.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { ST_HEADERS = 0, ST_BODY, ST_DONE, ST_ERROR };

struct http_response_parser_t {
  size_t max_header_len;
  size_t max_body_len;
  int state;
  char *head;          /* received header bytes, NUL-terminated */
  size_t head_len;
  size_t head_end;     /* after parsing: length of the header block */
  uint8_t *body;
  size_t body_len;
  size_t body_cap;
  int body_unbounded;  /* no Content-Length: read to EOF */
  http_response_t resp;
};

/* ---- requests ---- */

/* Host and path must not be able to end the request line or a header. */
static int
request_token_ok(const char *s)
{
  if (!s || !*s)
    return 0;
  for (; *s; s++) {
    if ((unsigned char)*s <= 0x20 || *s == 0x7f)
      return 0;
  }
  return 1;
}

static char *
build_request(const char *method, const char *host, const char *path,
              const char *accept_encoding, const char *content_length,
              const char *extra_headers)
{
  char *out;
  size_t len;
  if (!request_token_ok(host) || !request_token_ok(path) || path[0] != '/')
    return NULL;
  if (!extra_headers)
    extra_headers = "";
  len = strlen(method) + strlen(host) + strlen(path) + strlen(extra_headers) +
        (accept_encoding ? strlen(accept_encoding) : 0) +
        (content_length ? strlen(content_length) : 0) + 128;
  out = malloc(len);
  if (!out)
    return NULL;
  snprintf(out, len, "%s %s HTTP/1.0\r\nHost: %s\r\n%s%s%s%s%s%s%s\r\n",
           method, path, host,
           accept_encoding ? "Accept-Encoding: " : "",
           accept_encoding ? accept_encoding : "",
           accept_encoding ? "\r\n" : "",
           content_length ? "Content-Length: " : "",
           content_length ? content_length : "",
           content_length ? "\r\n" : "",
           extra_headers);
  return out;
}

char *
http_dir_get_new(const char *host, const char *path, unsigned flags,
                 const char *extra_headers)
{
  return build_request("GET", host, path,
                       (flags & HTTP_REQ_ANONYMOUS) ?
                         HTTP_ACCEPT_ENCODING_ANONYMOUS :
                         HTTP_ACCEPT_ENCODING_ALL,
                       NULL, extra_headers);
}

char *
http_dir_post_head_new(const char *host, const char *path, size_t body_len,
                       const char *extra_headers)
{
  char cl[32];
  snprintf(cl, sizeof(cl), "%zu", body_len);
  return build_request("POST", host, path, NULL, cl, extra_headers);
}

/* ---- response parser: setup ---- */

http_response_parser_t *
http_response_parser_new(size_t max_header_len, size_t max_body_len)
{
  http_response_parser_t *p = calloc(1, sizeof(*p));
  if (!p)
    return NULL;
  p->max_header_len = max_header_len;
  p->max_body_len = max_body_len;
  p->head = malloc(max_header_len + 1);
  if (!p->head) {
    free(p);
    return NULL;
  }
  p->head[0] = 0;
  p->resp.encoding = COMPRESS_METHOD_IDENTITY;
  return p;
}

void
http_response_parser_free(http_response_parser_t *p)
{
  if (!p)
    return;
  free(p->head);
  free(p->body);
  free(p);
}

static http_parse_status_t
parse_error(http_response_parser_t *p)
{
  p->state = ST_ERROR;
  return HTTP_PARSE_ERROR;
}

/* ---- response parser: headers ---- */

/* Where the header block ends (just past the blank line), or 0. Accepts
 * CRLF and bare LF line ends. */
static size_t
find_head_end(const char *h, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    if (h[i] != '\n')
      continue;
    if (i + 1 < len && h[i + 1] == '\n')
      return i + 2;
    if (i + 2 < len && h[i + 1] == '\r' && h[i + 2] == '\n')
      return i + 3;
  }
  return 0;
}

/* The next line in [*pos, end), without its CR LF; NULL at the end. */
static const char *
next_line(const char *h, size_t end, size_t *pos, size_t *line_len)
{
  const char *start = h + *pos, *nl;
  if (*pos >= end)
    return NULL;
  nl = memchr(start, '\n', end - *pos);
  if (!nl)
    return NULL;
  *line_len = (size_t)(nl - start);
  *pos += *line_len + 1;
  if (*line_len && start[*line_len - 1] == '\r')
    (*line_len)--;
  return start;
}

static int
parse_status_line(http_response_t *r, const char *line, size_t len)
{
  size_t rlen;
  /* "HTTP/1.x SP 3DIGIT [SP reason]" */
  if (len < 12 || memcmp(line, "HTTP/1.", 7) ||
      (line[7] != '0' && line[7] != '1') || line[8] != ' ')
    return -1;
  for (int i = 9; i < 12; i++) {
    if (line[i] < '0' || line[i] > '9')
      return -1;
  }
  if (len > 12 && line[12] != ' ')
    return -1;
  r->http_minor = line[7] - '0';
  r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (r->status < 100 || r->status > 599)
    return -1;
  rlen = len > 13 ? len - 13 : 0;
  if (rlen >= sizeof(r->reason))
    rlen = sizeof(r->reason) - 1;
  if (rlen)
    memcpy(r->reason, line + 13, rlen);
  r->reason[rlen] = 0;
  for (size_t i = 0; i < rlen; i++) {
    if ((unsigned char)r->reason[i] < 0x20)
      r->reason[i] = '?';
  }
  return 0;
}

static int
parse_content_length(http_response_t *r, const char *v, size_t len)
{
  uint64_t n = 0;
  if (len == 0 || len > 19)
    return -1;
  for (size_t i = 0; i < len; i++) {
    if (v[i] < '0' || v[i] > '9')
      return -1;
    n = n * 10 + (uint64_t)(v[i] - '0');
  }
  if (r->has_content_length && r->content_length != n)
    return -1;
  r->has_content_length = 1;
  r->content_length = n;
  return 0;
}

/* Trims spaces and tabs around [*v, *v + *len). */
static void
trim(const char **v, size_t *len)
{
  while (*len && (**v == ' ' || **v == '\t')) {
    (*v)++;
    (*len)--;
  }
  while (*len && ((*v)[*len - 1] == ' ' || (*v)[*len - 1] == '\t'))
    (*len)--;
}

static int
header_is(const char *name, size_t name_len, const char *want)
{
  return strlen(want) == name_len && !strncasecmp(name, want, name_len);
}

static int
parse_header_line(http_response_t *r, const char *line, size_t len)
{
  const char *colon = memchr(line, ':', len), *v;
  size_t name_len, vlen;
  if (line[0] == ' ' || line[0] == '\t')
    return 0; /* obsolete line folding: a continuation we do not need */
  if (!colon || colon == line)
    return -1;
  name_len = (size_t)(colon - line);
  v = colon + 1;
  vlen = len - name_len - 1;
  trim(&v, &vlen);
  if (header_is(line, name_len, "Content-Length"))
    return parse_content_length(r, v, vlen);
  if (header_is(line, name_len, "Content-Encoding")) {
    r->has_encoding = 1;
    r->encoding = compress_method_from_name(v, vlen);
  } else if (header_is(line, name_len, "X-Your-Address-Is")) {
    if (vlen < sizeof(r->x_your_address_is)) {
      memcpy(r->x_your_address_is, v, vlen);
      r->x_your_address_is[vlen] = 0;
    }
  }
  return 0;
}

/* Status 1xx, 204 and 304 never carry a body (RFC 7230 3.3.3). */
static int
status_has_body(int status)
{
  return !(status < 200 || status == 204 || status == 304);
}

static int
parse_head(http_response_parser_t *p)
{
  size_t pos = 0, len;
  const char *line = next_line(p->head, p->head_end, &pos, &len);
  if (!line || parse_status_line(&p->resp, line, len) < 0) {
    log_protocol_warn(LD_PROTOCOL, "Directory server sent a malformed "
                      "status line.");
    return -1;
  }
  while ((line = next_line(p->head, p->head_end, &pos, &len)) && len) {
    if (parse_header_line(&p->resp, line, len) < 0) {
      log_protocol_warn(LD_PROTOCOL, "Directory server sent a malformed "
                        "header line (status %d).", p->resp.status);
      return -1;
    }
  }
  if (p->resp.has_content_length &&
      p->resp.content_length > p->max_body_len) {
    log_protocol_warn(LD_PROTOCOL, "Directory server announced a %llu-byte "
                      "body; we accept at most %zu.",
                      (unsigned long long)p->resp.content_length,
                      p->max_body_len);
    return -1;
  }
  if (!status_has_body(p->resp.status)) {
    p->resp.has_content_length = 1;
    p->resp.content_length = 0;
  }
  p->body_unbounded = !p->resp.has_content_length;
  return 0;
}

/* ---- response parser: body ---- */

static int
body_append(http_response_parser_t *p, const uint8_t *data, size_t len)
{
  size_t want;
  if (len > p->max_body_len - p->body_len) {
    log_protocol_warn(LD_PROTOCOL, "Directory response body exceeds %zu "
                      "bytes; giving up.", p->max_body_len);
    return -1;
  }
  want = p->body_len + len;
  if (want + 1 > p->body_cap) {
    size_t cap = p->body_cap ? p->body_cap : 4096;
    uint8_t *nb;
    while (cap < want + 1)
      cap *= 2;
    nb = realloc(p->body, cap);
    if (!nb)
      return -1;
    p->body = nb;
    p->body_cap = cap;
  }
  memcpy(p->body + p->body_len, data, len);
  p->body_len = want;
  p->body[p->body_len] = 0;
  return 0;
}

static int
body_complete(const http_response_parser_t *p)
{
  return !p->body_unbounded && p->body_len == p->resp.content_length;
}

static http_parse_status_t
feed_body(http_response_parser_t *p, const uint8_t *data, size_t len, int eof)
{
  if (!p->body_unbounded) {
    size_t left = (size_t)p->resp.content_length - p->body_len;
    if (len > left) {
      log_protocol_warn(LD_PROTOCOL, "Directory server sent %zu bytes past "
                        "its Content-Length; ignoring them.", len - left);
      len = left;
    }
  }
  if (len && body_append(p, data, len) < 0)
    return parse_error(p);
  if (body_complete(p) || (p->body_unbounded && eof)) {
    p->state = ST_DONE;
    return HTTP_PARSE_DONE;
  }
  if (eof) {
    log_protocol_warn(LD_PROTOCOL, "Directory server closed after %zu of "
                      "%llu body bytes.", p->body_len,
                      (unsigned long long)p->resp.content_length);
    return parse_error(p);
  }
  return HTTP_PARSE_NEED_MORE;
}

http_parse_status_t
http_response_parser_feed(http_response_parser_t *p, const uint8_t *data,
                          size_t len, int eof)
{
  if (p->state == ST_DONE)
    return HTTP_PARSE_DONE;
  if (p->state == ST_ERROR)
    return HTTP_PARSE_ERROR;
  if (p->state == ST_HEADERS) {
    size_t room = p->max_header_len - p->head_len;
    size_t take = len < room ? len : room;
    size_t scan_from = p->head_len > 3 ? p->head_len - 3 : 0, end;
    memcpy(p->head + p->head_len, data, take);
    p->head_len += take;
    p->head[p->head_len] = 0;
    end = find_head_end(p->head + scan_from, p->head_len - scan_from);
    if (!end) {
      if (p->head_len >= p->max_header_len) {
        log_protocol_warn(LD_PROTOCOL, "Directory response headers exceed "
                          "%zu bytes; giving up.", p->max_header_len);
        return parse_error(p);
      }
      if (eof) {
        log_protocol_warn(LD_PROTOCOL, "Directory server closed before the "
                          "end of its headers.");
        return parse_error(p);
      }
      return HTTP_PARSE_NEED_MORE;
    }
    end += scan_from;
    p->head_end = end;
    if (parse_head(p) < 0)
      return parse_error(p);
    p->state = ST_BODY;
    /* Whatever came after the blank line is body: what we copied past the
     * end of the headers, then what we did not copy. */
    {
      size_t copied_body = p->head_len - end;
      size_t consumed_from_data = take - copied_body;
      p->head_len = end;
      p->head[end] = 0;
      data += consumed_from_data;
      len -= consumed_from_data;
    }
  }
  return feed_body(p, data, len, eof);
}

/* ---- accessors ---- */

int
http_response_parser_have_headers(const http_response_parser_t *p)
{
  return p->state == ST_BODY || p->state == ST_DONE;
}

const http_response_t *
http_response_parser_response(const http_response_parser_t *p)
{
  return &p->resp;
}

int
http_response_parser_header(const http_response_parser_t *p,
                            const char *name, char *out, size_t outlen)
{
  size_t pos = 0, len;
  const char *line;
  if (!http_response_parser_have_headers(p))
    return -1;
  next_line(p->head, p->head_end, &pos, &len); /* the status line */
  while ((line = next_line(p->head, p->head_end, &pos, &len)) && len) {
    const char *colon = memchr(line, ':', len), *v;
    size_t vlen;
    if (!colon || !header_is(line, (size_t)(colon - line), name))
      continue;
    v = colon + 1;
    vlen = len - (size_t)(colon - line) - 1;
    trim(&v, &vlen);
    if (vlen + 1 > outlen)
      return -1;
    memcpy(out, v, vlen);
    out[vlen] = 0;
    return (int)vlen;
  }
  return -1;
}

const uint8_t *
http_response_parser_body(const http_response_parser_t *p, size_t *len)
{
  *len = p->body_len;
  return p->body ? p->body : (const uint8_t *)"";
}

uint8_t *
http_response_parser_take_body(http_response_parser_t *p, size_t *len)
{
  uint8_t *b = p->body;
  *len = p->body_len;
  if (!b)
    b = calloc(1, 1);
  p->body = NULL;
  p->body_len = p->body_cap = 0;
  return b;
}

int
http_body_decompress(const http_response_t *resp, const uint8_t *body,
                     size_t body_len, size_t max_output, uint8_t **out,
                     size_t *outlen)
{
  compress_method_t m = resp->encoding;
  if (!resp->has_encoding || m == COMPRESS_METHOD_UNKNOWN) {
    m = compress_method_detect(body, body_len);
    if (m == COMPRESS_METHOD_UNKNOWN)
      m = COMPRESS_METHOD_IDENTITY; /* too short to be compressed */
  }
  return compress_decompress_all(m, body, body_len, max_output, out, outlen);
}
