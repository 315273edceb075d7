/* libFuzzer target: the directory HTTP response parser on arbitrary server
 * bytes, fed in two pieces split where the first byte says, then EOF; a
 * complete response's body is decompressed under tight limits.
 * FUZZ_EXTRA_SOURCES: src/core/proto/proto_http.c
 */
#include "orconfig.h"
#include "core/proto/proto_http.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  http_response_parser_t *p;
  http_parse_status_t st;
  size_t split, blen, outlen;
  if (size < 1)
    return 0;
  split = data[0] < size - 1 ? data[0] : size - 1;
  data++;
  size--;
  p = http_response_parser_new(2048, 65536);
  if (!p)
    abort();
  st = http_response_parser_feed(p, data, split, 0);
  if (st == HTTP_PARSE_NEED_MORE)
    st = http_response_parser_feed(p, data + split, size - split, 1);
  if (st == HTTP_PARSE_NEED_MORE)
    abort(); /* EOF must settle it */
  if (st == HTTP_PARSE_DONE) {
    const http_response_t *r = http_response_parser_response(p);
    const uint8_t *body = http_response_parser_body(p, &blen);
    uint8_t *out = NULL;
    char value[64];
    if (r->status < 100 || r->status > 599 || blen > 65536)
      abort();
    if (r->has_content_length && r->content_length != blen)
      abort();
    http_response_parser_header(p, "Content-Type", value, sizeof(value));
    if (http_body_decompress(r, body, blen, 1 << 20, &out, &outlen) == 0) {
      if (outlen > (1 << 20))
        abort();
      free(out);
    }
  }
  http_response_parser_free(p);
  return 0;
}
